// theater:simple/http-framework: HTTP servers on loopback, with routes and middleware. The servers
// run on the main thread (host.ts); each incoming request becomes a recorded call of the actor's
// http-handlers exports through its call queue (middleware first), and the response is written to
// the client only once that call is in the chain. Replay answers these functions from the chain and
// re-drives the recorded handle-request calls: no port is opened.
import type { HandlerConfig, HandlerDefinition } from '../types';
import { HTTP_SERVICE } from './services';
import { t } from '../../wit/types';
import {
  err,
  HTTP_FRAMEWORK,
  HTTP_TYPES,
  serverConfigType,
  serverInfoType,
  websocketMessageType,
  WEBSOCKET_TYPES,
  type ServerConfig,
  type ServerSettings,
} from './types';

export type { ServerSettings };

export const DEFAULT_MAX_REQUEST_SIZE = 10 * 2 ** 20;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]', '']);

const id = t.u64;
const unitOrErr = t.result(null, t.string);
const idOrErr = t.result(id, t.string);

export const httpFrameworkHandler: HandlerDefinition = {
  type: 'http-framework',
  summary: 'HTTP servers on loopback: theater:simple/http-framework; drives theater:simple/http-handlers.',
  doc:
    'create-server, start-server (answers the bound port), stop-server, destroy-server, register-handler, add-route ' +
    '(`/hello`, `/items/{id}`, `/{*path}`; method or `*`), add-middleware (a path prefix). Servers bind to loopback ' +
    'only. Each request becomes a recorded call of handle-middleware (every matching middleware, in the order added; ' +
    '`proceed = false` answers 403) and then handle-request; the response is written once that call is in the chain. ' +
    'Path parameters arrive as `x-route-param-<name>` headers. enable-websocket serves WebSocket on a path through the ' +
    'handle-websocket-* exports. Stopping the actor closes its servers. TLS is refused with err.',
  exports: ['theater:simple/http-handlers'],
  config: [
    {
      name: 'host',
      type: 'string',
      doc: 'Loopback address servers bind to when the actor asks for none or for all interfaces (`0.0.0.0`).',
      default: '127.0.0.1',
      permission: true,
    },
    {
      name: 'port',
      type: 'integer',
      doc: 'Port every server of the actor binds to, whatever the actor asks (0: a free port); absent: the port the actor asks for (none: a free port).',
      minimum: 0,
      maximum: 65535,
      permission: true,
    },
    {
      name: 'max_request_size',
      type: 'integer',
      doc: 'Largest request body in bytes; a larger one is answered 413 without calling the actor.',
      default: DEFAULT_MAX_REQUEST_SIZE,
      minimum: 0,
      permission: true,
    },
  ],
  interfaces: [
    {
      name: HTTP_FRAMEWORK,
      version: null,
      resources: [],
      uses: [HTTP_TYPES, WEBSOCKET_TYPES],
      doc: 'HTTP servers, routes and middleware, served by the actor’s http-handlers exports.',
      functions: [
        {
          name: 'create-server',
          params: [['config', serverConfigType]],
          result: idOrErr,
          doc: 'A server (not started yet); answers its id.',
        },
        {
          name: 'get-server-info',
          params: [['server-id', id]],
          result: t.result(serverInfoType, t.string),
          doc: 'Address, state and counts of a server.',
        },
        {
          name: 'start-server',
          params: [['server-id', id]],
          result: t.result(t.u16, t.string),
          doc: 'Starts listening; answers the port.',
        },
        { name: 'stop-server', params: [['server-id', id]], result: unitOrErr, doc: 'Stops listening (routes stay).' },
        { name: 'destroy-server', params: [['server-id', id]], result: unitOrErr, doc: 'Stops and forgets the server.' },
        {
          name: 'register-handler',
          params: [['handler-name', t.string]],
          result: idOrErr,
          doc: 'A handler id the http-handlers exports receive.',
        },
        {
          name: 'add-route',
          params: [
            ['server-id', id],
            ['path', t.string],
            ['method', t.string],
            ['handler-id', id],
          ],
          result: idOrErr,
          doc: 'Requests with this method (or `*`) and path pattern call handle-request with the handler id.',
        },
        { name: 'remove-route', params: [['route-id', id]], result: unitOrErr, doc: 'Removes a route.' },
        {
          name: 'add-middleware',
          params: [
            ['server-id', id],
            ['path', t.string],
            ['handler-id', id],
          ],
          result: idOrErr,
          doc: 'Requests whose path starts with `path` call handle-middleware first.',
        },
        { name: 'remove-middleware', params: [['middleware-id', id]], result: unitOrErr, doc: 'Removes a middleware.' },
        {
          name: 'enable-websocket',
          params: [
            ['server-id', id],
            ['path', t.string],
            ['connect-handler-id', t.option(id)],
            ['message-handler-id', id],
            ['disconnect-handler-id', t.option(id)],
          ],
          result: unitOrErr,
          doc: 'WebSocket on this exact path: handle-websocket-connect, -message (its answer is sent back), -disconnect.',
        },
        {
          name: 'send-websocket-message',
          params: [
            ['server-id', id],
            ['connection-id', t.u64],
            ['message', websocketMessageType],
          ],
          result: unitOrErr,
          doc: 'Sends a message on an open connection (once this call is in the chain).',
        },
        {
          name: 'close-websocket',
          params: [
            ['server-id', id],
            ['connection-id', t.u64],
          ],
          result: unitOrErr,
          doc: 'Closes a connection (once this call is in the chain); handle-websocket-disconnect follows.',
        },
      ],
    },
  ],
  services: [HTTP_SERVICE],
  restoreCall: (config, fn, args, recorded) => setupHostCall(config, fn, args, recorded),
  create(ctx, config) {
    const forward =
      (fn: string) =>
      (...args: unknown[]) =>
        ctx.hostCall(`${HTTP_FRAMEWORK}/${fn}`, args);
    const fns: Record<string, (...args: any[]) => unknown> = Object.fromEntries(
      httpFrameworkHandler.interfaces[0]!.functions.map((f) => [f.name, forward(f.name)]),
    );
    fns['create-server'] = (cfg: ServerConfig) => {
      const s = serverSettings(config, cfg);
      if ('denied' in s) {
        ctx.recordDenial(HTTP_FRAMEWORK, 'create-server', s.subject, s.denied);
        return err(s.denied);
      }
      if ('error' in s) return err(s.error);
      return ctx.hostCall(`${HTTP_FRAMEWORK}/create-server`, [s]);
    };
    return { functions: (name) => (name === HTTP_FRAMEWORK ? fns : {}) };
  },
};

/** The settings a create-server call asks the host for, or why it is refused (recorded) or in error. */
function serverSettings(
  config: HandlerConfig,
  cfg: ServerConfig,
): ServerSettings | { denied: string; subject: string } | { error: string } {
  if (cfg.tlsConfig)
    return { error: 'TLS is not supported by this runtime’s http-framework; serve plain HTTP on loopback (tls-config = none)' };
  const manifestHost = String(config.host ?? '127.0.0.1');
  if (!LOOPBACK.has(manifestHost))
    return {
      denied: `Host '${manifestHost}' is not a loopback address; set host = "127.0.0.1" in the http-framework table of the manifest`,
      subject: manifestHost,
    };
  const asked = cfg.host ?? '';
  let host = manifestHost;
  if (!ANY_ADDRESS.has(asked)) {
    if (!LOOPBACK.has(asked))
      return {
        denied: `Host '${asked}' not in allowed hosts: http-framework serves only on loopback (127.0.0.1, ::1, localhost)`,
        subject: asked,
      };
    host = asked;
  }
  const port = config.port !== undefined ? Number(config.port) : (cfg.port ?? 0);
  return { host: host.replace(/^\[|\]$/g, ''), port, maxRequestSize: Number(config.max_request_size ?? DEFAULT_MAX_REQUEST_SIZE) };
}

/** The framework calls that set up servers (a fork re-applies the recorded ones: see HttpHost.restore, host.ts). */
const SETUP = new Set([
  'create-server',
  'start-server',
  'stop-server',
  'destroy-server',
  'register-handler',
  'add-route',
  'remove-route',
  'add-middleware',
  'remove-middleware',
  'enable-websocket',
]);

/**
 * A fork: a recorded http-framework call answered from the chain, as the host call the live handler
 * would have made (op and args), when it set something up and succeeded; else undefined.
 */
export function setupHostCall(
  config: HandlerConfig,
  fn: string,
  args: unknown[],
  recorded: unknown,
): { op: string; args: unknown[] } | undefined {
  if (!SETUP.has(fn) || (recorded as { tag?: string } | undefined)?.tag !== 'ok') return undefined;
  if (fn !== 'create-server') return { op: `${HTTP_FRAMEWORK}/${fn}`, args };
  const s = serverSettings(config, args[0] as ServerConfig);
  return 'host' in s ? { op: `${HTTP_FRAMEWORK}/create-server`, args: [s] } : undefined;
}
