// theater:simple's http.wit types (theater-compat.md §3), shared by http-client, http-framework and
// the actor's http-handlers exports.
import { t } from '../../wit/types';

export const HTTP_TYPES = 'theater:simple/http-types';
export const HTTP_CLIENT = 'theater:simple/http-client';
export const HTTP_FRAMEWORK = 'theater:simple/http-framework';
export const HTTP_HANDLERS = 'theater:simple/http-handlers';
export const WEBSOCKET_TYPES = 'theater:simple/websocket-types';

const bytes = t.list(t.u8);
const headers = t.list(t.tuple(t.string, t.string));

export const httpRequestType = t.record('http-request', [
  ['method', t.string],
  ['uri', t.string],
  ['headers', headers],
  ['body', t.option(bytes)],
]);
export const httpResponseType = t.record('http-response', [
  ['status', t.u16],
  ['headers', headers],
  ['body', t.option(bytes)],
]);
export const tlsConfigType = t.record('tls-config', [
  ['cert-path', t.string],
  ['key-path', t.string],
]);
export const serverConfigType = t.record('server-config', [
  ['port', t.option(t.u16)],
  ['host', t.option(t.string)],
  ['tls-config', t.option(tlsConfigType)],
]);
export const serverInfoType = t.record('server-info', [
  ['id', t.u64],
  ['port', t.u16],
  ['host', t.string],
  ['running', t.bool],
  ['routes-count', t.u32],
  ['middleware-count', t.u32],
  ['websocket-enabled', t.bool],
]);
export const middlewareResultType = t.record('middleware-result', [
  ['proceed', t.bool],
  ['request', httpRequestType],
]);
export const messageTypeType = t.variant('message-type', [
  ['text', null],
  ['binary', null],
  ['connect', null],
  ['close', null],
  ['ping', null],
  ['pong', null],
  ['other', t.string],
]);
export const websocketMessageType = t.record('websocket-message', [
  ['ty', messageTypeType],
  ['data', t.option(bytes)],
  ['text', t.option(t.string)],
]);

/** jco's JS shape of an http-request / http-response. */
export interface HttpRequest {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: Uint8Array | undefined;
}
export interface HttpResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array | undefined;
}
export interface ServerConfig {
  port: number | undefined;
  host: string | undefined;
  tlsConfig: { certPath: string; keyPath: string } | undefined;
}

export type Result<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: string };
export const ok = <T>(val: T): Result<T> => ({ tag: 'ok', val });
export const err = (val: string): Result<never> => ({ tag: 'err', val });

/** What create-server passes to the main thread: the address to bind, after the manifest's say. */
export interface ServerSettings {
  host: string;
  port: number;
  maxRequestSize: number;
}
