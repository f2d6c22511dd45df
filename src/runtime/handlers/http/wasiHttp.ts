// The `wasi-http` handler: wasi:http/types and wasi:http/outgoing-handler @0.2.3 for the guest, and the
// wasi:http/incoming-handler export driven by a loopback server (host.ts, on the main thread).
// Outgoing requests obey `allowed_hosts` / `allowed_methods` (permissions.ts); a refused one gets the
// WASI error HTTP-request-denied and a recorded permission-denied event. Each exchange is recorded
// whole as one `wasi:http/outgoing-handler/http-exchange` event next to the call that sent it, so a
// replay (which answers every call from the chain) needs no network.
import { encodeTyped } from '../../chain/typedValue';
import { readyPollable } from '../poll';
import { bytesInput, ok, toBytes, type InputStream, type OutputStream } from '../streams';
import type { HandlerConfig, HandlerContext, HandlerDefinition } from '../types';
import { HTTP_SERVICE, WASI_HTTP_SERVER_SERVICE } from './services';
import { parseRequestJson, type IncomingRequestData } from './incoming';
import { LOOPBACK_PATTERN } from './loopback';
import { httpPermissionsFromConfig, refusalFor, type HttpPermissions } from './permissions';
import { MAX_RESPONSE_BYTES, requestExchange, type ExchangeAnswer } from './outgoing';
import { tlsFailureOf } from './tls';
import { exchangeRequest, exchangeResponse, OUTGOING, outgoingInterface, TYPES, typesInterface } from './wit';

type Variant = { tag: string; val?: unknown };
type Res<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: unknown };
const okv = <T>(val: T): Res<T> => ({ tag: 'ok', val });
const errv = (val?: unknown): Res<never> => ({ tag: 'err', val });

/** wasi:http/types fields (headers and trailers). */
export class Fields {
  rep?: number;
  constructor(
    public entries: Array<[string, Uint8Array]> = [],
    public immutable = false,
  ) {}
  copy(immutable: boolean): Fields {
    return new Fields(
      this.entries.map(([n, v]) => [n, v]),
      immutable,
    );
  }
}

export class OutgoingBody {
  rep?: number;
  chunks: Uint8Array[] = [];
  streamTaken = false;
  finished = false;
  onFinish: (() => void) | undefined;
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

class BodyStream implements OutputStream {
  rep?: number;
  constructor(private readonly body: OutgoingBody) {}
  write(bytes: Uint8Array) {
    if (this.body.finished) return { tag: 'err', val: { tag: 'closed' } } as const;
    this.body.chunks.push(new Uint8Array(bytes));
    return ok(undefined);
  }
}

class IncomingBody {
  rep?: number;
  streamTaken = false;
  constructor(readonly body: Uint8Array) {}
}

class OutgoingRequest {
  rep?: number;
  method: Variant = { tag: 'get' };
  pathWithQuery: string | undefined;
  scheme: Variant | undefined;
  authority: string | undefined;
  body: OutgoingBody | undefined;
  constructor(public headers: Fields) {}
}

class RequestOptions {
  rep?: number;
  timeouts: Record<string, bigint | undefined> = {};
}

export class IncomingResponse {
  rep?: number;
  consumed = false;
  constructor(
    readonly status: number,
    readonly headers: Array<[string, Uint8Array]>,
    readonly body: Uint8Array,
  ) {}
}

class FutureIncomingResponse {
  rep?: number;
  answer: Res<IncomingResponse> | undefined;
  taken = false;
  constructor(public send: (() => void) | undefined) {}
}

/** The request an incoming call hands the guest (built from the recorded request). */
export class IncomingRequest {
  rep?: number;
  consumed = false;
  constructor(readonly req: IncomingRequestData) {}
}

/** What the guest answered through response-outparam.set. */
export class ResponseOutparam {
  rep?: number;
  response: Res<OutgoingResponse> | undefined;
}

export class OutgoingResponse {
  rep?: number;
  status = 200;
  body: OutgoingBody | undefined;
  constructor(public headers: Fields) {}
}

const METHODS = ['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch'];

export function methodName(m: Variant): string {
  return m.tag === 'other' ? String(m.val) : m.tag.toUpperCase();
}

export function methodVariant(name: string): Variant {
  const lower = name.toLowerCase();
  return METHODS.includes(lower) && name === name.toUpperCase() ? { tag: lower } : { tag: 'other', val: name };
}

function schemeName(s: Variant | undefined): string {
  if (!s) return 'https';
  return s.tag === 'other' ? String(s.val) : s.tag.toLowerCase();
}

const VALID_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Where the request is sent: `scheme://authority/path?query`. */
export function requestUri(r: { scheme: Variant | undefined; authority: string | undefined; pathWithQuery: string | undefined }): string {
  return `${schemeName(r.scheme)}://${r.authority ?? ''}${r.pathWithQuery ?? '/'}`;
}

/** wasi:http's error-code for a failed exchange (exported for its test). */
export function errorCodeFor(a: Extract<ExchangeAnswer, { ok: false }>): Variant {
  switch (a.code) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { tag: 'connection-terminated' };
    case 'ETIMEDOUT':
      return { tag: 'connection-timeout' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: a.code, infoCode: undefined } };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { tag: 'destination-unavailable' };
    case 'ERR_INVALID_URL':
      return { tag: 'HTTP-request-URI-invalid' };
    case 'ERESPONSE_TOO_LARGE':
      return { tag: 'HTTP-response-body-size', val: BigInt(MAX_RESPONSE_BYTES) };
    default: {
      const tls = tlsFailureOf(a.code);
      if (tls?.kind === 'certificate') return { tag: 'TLS-certificate-error' };
      if (tls?.kind === 'alert') return { tag: 'TLS-alert-received', val: { alertId: tls.alertId, alertMessage: tls.alertMessage } };
      if (tls?.kind === 'protocol') return { tag: 'TLS-protocol-error' };
      return { tag: 'internal-error', val: a.message };
    }
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The wasi:http/types functions over the host objects above. */
function typesFunctions(): Record<string, (...a: any[]) => unknown> {
  const mutableHeaders = (f: Fields, change: () => void): Res<undefined> => {
    if (f.immutable) return errv({ tag: 'immutable' });
    change();
    return okv(undefined);
  };
  const bodyOnce = <T extends { body: OutgoingBody | undefined }>(owner: T): Res<OutgoingBody> => {
    if (owner.body) return errv();
    owner.body = new OutgoingBody();
    return okv(owner.body);
  };
  const incomingBody = (owner: { consumed: boolean }, bytes: Uint8Array): Res<IncomingBody> => {
    if (owner.consumed) return errv();
    owner.consumed = true;
    return okv(new IncomingBody(bytes));
  };
  const timeouts = Object.fromEntries(
    ['connect-timeout', 'first-byte-timeout', 'between-bytes-timeout'].flatMap((k) => [
      [`[method]request-options.${k}`, (o: RequestOptions) => o.timeouts[k]],
      [
        `[method]request-options.set-${k}`,
        (o: RequestOptions, d: bigint | undefined) => {
          o.timeouts[k] = d;
          return okv(undefined);
        },
      ],
    ]),
  );
  return {
    'http-error-code': () => undefined,
    '[constructor]fields': () => new Fields(),
    '[static]fields.from-list': (entries: Array<[string, ArrayLike<number>]>) => {
      if (entries.some(([n]) => !VALID_NAME.test(n))) return errv({ tag: 'invalid-syntax' });
      return okv(new Fields(entries.map(([n, v]) => [n, toBytes(v)])));
    },
    '[method]fields.get': (f: Fields, name: string) => f.entries.filter(([n]) => sameName(n, name)).map(([, v]) => v),
    '[method]fields.has': (f: Fields, name: string) => f.entries.some(([n]) => sameName(n, name)),
    '[method]fields.set': (f: Fields, name: string, values: Array<ArrayLike<number>>) => {
      if (!VALID_NAME.test(name)) return errv({ tag: 'invalid-syntax' });
      return mutableHeaders(f, () => {
        f.entries = [...f.entries.filter(([n]) => !sameName(n, name)), ...values.map((v): [string, Uint8Array] => [name, toBytes(v)])];
      });
    },
    '[method]fields.delete': (f: Fields, name: string) =>
      mutableHeaders(f, () => {
        f.entries = f.entries.filter(([n]) => !sameName(n, name));
      }),
    '[method]fields.append': (f: Fields, name: string, value: ArrayLike<number>) => {
      if (!VALID_NAME.test(name)) return errv({ tag: 'invalid-syntax' });
      return mutableHeaders(f, () => f.entries.push([name, toBytes(value)]));
    },
    '[method]fields.entries': (f: Fields) => f.entries,
    '[method]fields.clone': (f: Fields) => f.copy(false),
    '[method]incoming-request.method': (r: IncomingRequest) => methodVariant(r.req.method),
    '[method]incoming-request.path-with-query': (r: IncomingRequest) => r.req.pathWithQuery,
    '[method]incoming-request.scheme': (r: IncomingRequest) =>
      r.req.scheme === 'http' ? { tag: 'HTTP' } : r.req.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'other', val: r.req.scheme },
    '[method]incoming-request.authority': (r: IncomingRequest) => r.req.authority ?? undefined,
    '[method]incoming-request.headers': (r: IncomingRequest) => new Fields(r.req.headers, true),
    '[method]incoming-request.consume': (r: IncomingRequest) => incomingBody(r, r.req.body),
    '[constructor]outgoing-request': (headers: Fields) => new OutgoingRequest(headers),
    '[method]outgoing-request.body': (r: OutgoingRequest) => bodyOnce(r),
    '[method]outgoing-request.method': (r: OutgoingRequest) => r.method,
    '[method]outgoing-request.set-method': (r: OutgoingRequest, m: Variant) => {
      if (m.tag === 'other' && !VALID_NAME.test(String(m.val))) return errv();
      r.method = m;
      return okv(undefined);
    },
    '[method]outgoing-request.path-with-query': (r: OutgoingRequest) => r.pathWithQuery,
    '[method]outgoing-request.set-path-with-query': (r: OutgoingRequest, p: string | undefined) => {
      r.pathWithQuery = p;
      return okv(undefined);
    },
    '[method]outgoing-request.scheme': (r: OutgoingRequest) => r.scheme,
    '[method]outgoing-request.set-scheme': (r: OutgoingRequest, s: Variant | undefined) => {
      r.scheme = s;
      return okv(undefined);
    },
    '[method]outgoing-request.authority': (r: OutgoingRequest) => r.authority,
    '[method]outgoing-request.set-authority': (r: OutgoingRequest, a: string | undefined) => {
      r.authority = a;
      return okv(undefined);
    },
    '[method]outgoing-request.headers': (r: OutgoingRequest) => r.headers,
    '[constructor]request-options': () => new RequestOptions(),
    ...timeouts,
    '[method]response-outparam.send-informational': () => errv({ tag: 'internal-error', val: 'informational responses are not supported' }),
    '[static]response-outparam.set': (p: ResponseOutparam, response: Res<OutgoingResponse>) => {
      p.response = response;
    },
    '[method]incoming-response.status': (r: IncomingResponse) => r.status,
    '[method]incoming-response.headers': (r: IncomingResponse) => new Fields(r.headers, true),
    '[method]incoming-response.consume': (r: IncomingResponse) => incomingBody(r, r.body),
    '[method]incoming-body.stream': (b: IncomingBody): Res<InputStream> => {
      if (b.streamTaken) return errv();
      b.streamTaken = true;
      return okv(bytesInput(b.body));
    },
    '[static]incoming-body.finish': () => ({}),
    '[method]future-trailers.subscribe': readyPollable,
    '[method]future-trailers.get': () => okv(okv(undefined)),
    '[constructor]outgoing-response': (headers: Fields) => new OutgoingResponse(headers),
    '[method]outgoing-response.status-code': (r: OutgoingResponse) => r.status,
    '[method]outgoing-response.set-status-code': (r: OutgoingResponse, s: number) => {
      if (s < 100 || s > 999) return errv();
      r.status = s;
      return okv(undefined);
    },
    '[method]outgoing-response.headers': (r: OutgoingResponse) => r.headers,
    '[method]outgoing-response.body': (r: OutgoingResponse) => bodyOnce(r),
    '[method]outgoing-body.write': (b: OutgoingBody): Res<OutputStream> => {
      if (b.streamTaken) return errv();
      b.streamTaken = true;
      return okv(new BodyStream(b));
    },
    '[static]outgoing-body.finish': (b: OutgoingBody) => {
      b.finished = true;
      const send = b.onFinish;
      b.onFinish = undefined;
      send?.();
      return okv(undefined);
    },
    '[method]future-incoming-response.subscribe': readyPollable,
    '[method]future-incoming-response.get': (f: FutureIncomingResponse) => {
      if (!f.answer && f.send) {
        // The guest waits for the answer before finishing the body: send what it wrote.
        const send = f.send;
        f.send = undefined;
        send();
      }
      if (!f.answer) return undefined;
      if (f.taken) return errv();
      f.taken = true;
      return okv(f.answer);
    },
  };
}

function outgoingFunctions(ctx: HandlerContext, perms: HttpPermissions): Record<string, (...a: any[]) => unknown> {
  return {
    handle: (req: OutgoingRequest, options: RequestOptions | undefined) => {
      const method = methodName(req.method);
      const uri = requestUri(req);
      const refusal = refusalFor(perms, method, uri);
      if (refusal) {
        ctx.recordDenial(OUTGOING, 'handle', `${method} ${uri}`, refusal);
        return errv({ tag: 'HTTP-request-denied' });
      }
      req.headers.immutable = true;
      const timeout = options?.timeouts['first-byte-timeout'] ?? options?.timeouts['connect-timeout'];
      const timeoutMs = timeout !== undefined ? Math.max(1, Number(timeout / 1_000_000n)) : DEFAULT_TIMEOUT_MS;
      const future = new FutureIncomingResponse(undefined);
      const send = () => {
        const headers = req.headers.entries.map(([n, v]): [string, Uint8Array] => [n, v]);
        const body = req.body?.bytes() ?? new Uint8Array(0);
        const a = requestExchange(ctx, {
          method,
          uri,
          headers: headers.map(([n, v]): [string, string] => [n, Buffer.from(v).toString('latin1')]),
          body,
          timeoutMs,
          timeoutName: timeout !== undefined ? "request's timeout (request-options)" : `wasi-http handler's default timeout`,
        });
        const answer = a.ok
          ? { ...a, headers: a.headers.map(([n, v]): [string, Uint8Array] => [n, new Uint8Array(Buffer.from(v, 'latin1'))]) }
          : a;
        const recorded = answer.ok
          ? okv({ status: answer.status, headers: answer.headers, body: answer.body })
          : errv(`${answer.code}: ${answer.message}`);
        // The exchange, whole, next to the call that sent it (replay re-records it as is).
        ctx.recordNote(
          OUTGOING,
          'http-exchange',
          encodeTyped(exchangeRequest, { method, uri, headers, body }),
          encodeTyped(exchangeResponse, recorded),
        );
        future.answer = answer.ok ? okv(new IncomingResponse(answer.status, answer.headers, answer.body)) : errv(errorCodeFor(answer));
      };
      if (req.body && !req.body.finished) {
        // Sent when the guest finishes the body (or first asks for the answer).
        future.send = send;
        req.body.onFinish = () => {
          if (future.send) {
            future.send = undefined;
            send();
          }
        };
      } else send();
      return okv(future);
    },
  };
}

export const wasiHttpHandler: HandlerDefinition = {
  type: 'wasi-http',
  summary: 'WASI HTTP: wasi:http types and outgoing-handler @0.2.3 (allow-lists), the incoming-handler export on a loopback port.',
  doc:
    'Serves `wasi:http/types` and `wasi:http/outgoing-handler` (which componentize-js imports for `fetch`). Outgoing ' +
    'requests obey `allowed_hosts` and `allowed_methods`: a key that is absent allows everything (as upstream), `[]` ' +
    'allows none; a refused request gets the WASI error `HTTP-request-denied` and a recorded `permission-denied` ' +
    'event. Each exchange is recorded whole (method, URI, headers, body; status, headers, body) as an ' +
    '`http-exchange` event, so a replay answers from the chain without network. With `port` set, an actor exporting ' +
    '`wasi:http/incoming-handler` is served on `host:port` (loopback only); every request is a recorded call of ' +
    "`handle` through the actor's queue, answered only once its response is in the chain. Without a `wasi-http` " +
    'table an actor still starts and every outgoing request is refused.',
  exports: ['wasi:http/incoming-handler@0.2.3'],
  sandboxedWhenUnlisted: true,
  unlistedConfig: { allowed_hosts: [], allowed_methods: [] },
  unlistedHint:
    'without a wasi-http handler every outgoing request is refused (HTTP-request-denied); add [[handler]] type = "wasi-http" with `allowed_hosts` and `allowed_methods` to let it send requests.',
  config: [
    {
      name: 'port',
      type: 'integer',
      doc: 'Port of the incoming server for the `wasi:http/incoming-handler` export (none: no server; 0: any free port).',
      minimum: 0,
      maximum: 65535,
    },
    {
      name: 'host',
      type: 'string',
      doc: 'Address of the incoming server (loopback only: `127.x.x.x`, `::1`, `localhost`).',
      default: '127.0.0.1',
      pattern: LOOPBACK_PATTERN,
      patternHint: 'a loopback address (`127.0.0.1`, `::1` or `localhost`): the server never listens beyond this machine',
    },
    {
      name: 'instance_per_request',
      type: 'boolean',
      doc: "Each incoming request gets a fresh instance of the component, as `wasmtime serve` does (StarlingMonkey's fetch event answers one request per instance); the actor's state bytes carry over, guest globals do not.",
      default: false,
    },
    {
      name: 'allowed_hosts',
      type: 'string-array',
      doc: 'Hosts outgoing requests may go to (`example.com`, `example.com:8080`, `*.example.com`, `*`); absent: any; `[]`: none.',
      permission: true,
    },
    {
      name: 'allowed_methods',
      type: 'string-array',
      doc: 'Methods outgoing requests may use (`GET`, `POST`…); absent: any; `[]`: none.',
      permission: true,
    },
  ],
  interfaces: [typesInterface, outgoingInterface],
  // Outgoing requests are performed on the main thread; with `port`, the incoming server runs there too.
  services: [HTTP_SERVICE, WASI_HTTP_SERVER_SERVICE],
  create(ctx, config: HandlerConfig) {
    const perms = httpPermissionsFromConfig(config);
    const fns: Record<string, Record<string, (...a: any[]) => unknown>> = {
      [TYPES]: typesFunctions(),
      [OUTGOING]: outgoingFunctions(ctx, perms),
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** The guest's view of one request (an incoming-handler call, incoming.ts): its two resources (host objects the binder numbers). */
export function incomingResources(json: string): { request: IncomingRequest; outparam: ResponseOutparam } {
  return { request: new IncomingRequest(parseRequestJson(json)), outparam: new ResponseOutparam() };
}

/** The WasmResult JSON of what the guest answered (an error-code or no answer becomes `{"error":…}`). */
export function responseJson(outparam: ResponseOutparam): string {
  const r = outparam.response;
  if (!r) return JSON.stringify({ error: 'the actor set no response' });
  if (r.tag === 'err') return JSON.stringify({ error: `the actor answered the error ${JSON.stringify(r.val)}` });
  const res = r.val as OutgoingResponse;
  return JSON.stringify({
    status: res.status,
    headers: res.headers.entries.map(([n, v]) => [n, b64(v)]),
    body: b64(res.body?.bytes() ?? new Uint8Array(0)),
  });
}
