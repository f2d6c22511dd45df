// The main-thread side of the HTTP handlers for one actor, and every loopback server the runtime runs
// for it: the implementations of two main-thread services the handlers declare by name (services.ts),
// bound in host/services.ts, which only the session (host/session.ts) imports:
// - `http` (http-client, http-framework, wasi-http), `createHttpService`: `HttpHost` performs every HTTP
//   handler's outgoing requests (outgoing.ts; `performExchange`) and runs http-framework's servers, node http servers on
//   loopback whose requests become calls of the actor's http-handlers exports, queued like every other
//   call, and whose responses (WebSocket frames included) are written only after that call is in the chain.
// - `wasi-http-server` (wasi-http with `port`), `createIncomingServerService`: the loopback server of the wasi:http/incoming-handler
//   export; every request, read whole, is one recorded call of `handle` through the actor's queue, and
//   the client gets the response only after the call's WasmResult (which holds it) is on disk.
// Listening, closing and reading a request are loopback.ts's, shared by both.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type { MainThreadService, ServiceHost } from '../types';
import { incomingHandleName, parseResponseJson, requestJson } from './incoming';
import { closeServer, headerPairs, isLoopback, listen, readBody, serverUrl } from './loopback';
import { tlsSentence } from './tls';
import { acceptUpgrade, encodeFrame, frameReader, OP, type WsFrame } from './websocket';
import { EXCHANGE_OP, MAX_RESPONSE_BYTES, type ExchangeAnswer, type OutgoingExchange } from './outgoing';
import { err, HTTP_FRAMEWORK, HTTP_HANDLERS, ok, type HttpRequest, type HttpResponse, type Result, type ServerSettings } from './types';

/** Performs the exchange on the main thread (asynchronously); every failure is one sentence. */
export function performExchange(req: OutgoingExchange, signal?: AbortSignal): Promise<ExchangeAnswer> {
  return new Promise((resolve) => {
    const what = `${req.method} ${req.uri}`;
    const fail = (code: string, message: string) => finish({ ok: false, code, message });
    let done = false;
    const finish = (a: ExchangeAnswer) => {
      if (done) return;
      done = true;
      resolve(a);
    };
    let url: URL;
    try {
      url = new URL(req.uri);
    } catch {
      fail('ERR_INVALID_URL', `'${req.uri}' is not an absolute URL`);
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      fail('ERR_INVALID_URL', `'${req.uri}' is not an http or https URL`);
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    // Names are case-insensitive; a repeated header stays repeated (an array value).
    const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (const [k, v] of req.headers) {
      const name = k.toLowerCase();
      const had = headers[name];
      headers[name] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    let outgoing: http.ClientRequest;
    try {
      outgoing = lib.request(url, { method: req.method, headers, timeout: req.timeoutMs, agent: false, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            fail('ERESPONSE_TOO_LARGE', `${what} failed: the response body is larger than ${MAX_RESPONSE_BYTES / 2 ** 20} MiB`);
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          finish({
            ok: true,
            status: res.statusCode ?? 0,
            headers: headerPairs(res.rawHeaders),
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
        res.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? 'ERR', `${what} failed while reading the response: ${e.message}`));
      });
    } catch (e) {
      fail((e as NodeJS.ErrnoException).code ?? 'ERR', `${what} could not be sent: ${(e as Error).message}`);
      return;
    }
    outgoing.on('timeout', () => {
      outgoing.destroy();
      fail('ETIMEDOUT', `${what} got no answer within ${req.timeoutMs} ms (the ${req.timeoutName})`);
    });
    outgoing.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') return fail('ECONNRESET', `${what} was abandoned: the actor stopped`);
      const code = e.code ?? 'ERR';
      fail(
        code,
        tlsSentence(what, url.host, code, e.message) ??
          `${what} failed: ${code === 'ECONNREFUSED' ? 'the connection was refused' : e.message}`,
      );
    });
    if (req.body && req.body.length > 0) outgoing.end(Buffer.from(req.body));
    else outgoing.end();
  });
}

/** What the host needs of the actor: its name and its call queue. */
export type HttpActor = Pick<ServiceHost, 'name' | 'call'>;

interface Route {
  id: bigint;
  serverId: bigint;
  path: string;
  segments: string[];
  method: string;
  handlerId: bigint;
}

interface Middleware {
  id: bigint;
  serverId: bigint;
  path: string;
  handlerId: bigint;
}

interface WsConfig {
  connect: bigint | undefined;
  message: bigint;
  disconnect: bigint | undefined;
}

interface Server {
  id: bigint;
  settings: ServerSettings;
  port: number;
  node: http.Server | undefined;
  websockets: Map<string, WsConfig>;
}

interface Connection {
  serverId: bigint;
  socket: Duplex;
  open: boolean;
}

/** jco's shape of a websocket-message. */
interface WsMessage {
  ty: { tag: string; val?: string };
  data: Uint8Array | undefined;
  text: string | undefined;
}

function frameOf(m: WsMessage): Buffer | undefined {
  switch (m.ty.tag) {
    case 'text':
      return encodeFrame(OP.text, m.text !== undefined ? Buffer.from(m.text, 'utf8') : (m.data ?? new Uint8Array()));
    case 'binary':
      return encodeFrame(OP.binary, m.data ?? Buffer.from(m.text ?? '', 'utf8'));
    case 'ping':
      return encodeFrame(OP.ping, m.data ?? new Uint8Array());
    case 'pong':
      return encodeFrame(OP.pong, m.data ?? new Uint8Array());
    case 'close':
      return encodeFrame(OP.close, new Uint8Array());
    default:
      return undefined;
  }
}

function messageOf(f: Extract<WsFrame, { kind: 'text' | 'binary' }>): WsMessage {
  return f.kind === 'text'
    ? { ty: { tag: 'text' }, data: undefined, text: f.text }
    : { ty: { tag: 'binary' }, data: f.data, text: undefined };
}

/** `/items/{id}` → ['items', '{id}']; `:id` and `*rest` (axum 0.7) are read as `{id}` and `{*rest}`. */
function splitPattern(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s.startsWith('*') ? `{*${s.slice(1)}}` : s));
}

/** The route's parameters when `pathname` matches it, else undefined. */
function matchRoute(route: Route, pathname: string): Array<[string, string]> | undefined {
  const parts = pathname.split('/').filter((s) => s !== '');
  const params: Array<[string, string]> = [];
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    const rest = /^\{\*([^}]*)\}$/.exec(seg);
    if (rest) {
      params.push([rest[1]!, parts.slice(i).map(decode).join('/')]);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    const param = /^\{([^}*]+)\}$/.exec(seg);
    if (param) params.push([param[1]!, decode(part)]);
    else if (seg !== part) return undefined;
  }
  return parts.length === route.segments.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function validPattern(path: string): string | undefined {
  if (!path.startsWith('/')) return `the route path '${path}' must start with /`;
  const segs = splitPattern(path);
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if ((s.includes('{') || s.includes('}')) && !/^\{\*?[A-Za-z0-9_-]+\}$/.test(s))
      return `the route path '${path}' has an invalid segment '${s}'; use {name} for one segment or {*name} for the rest`;
    if (s.startsWith('{*') && i !== segs.length - 1) return `the route path '${path}' has {*…} before its end; it must be the last segment`;
  }
  return undefined;
}

const isStatic = (r: Route) => !r.segments.some((s) => s.startsWith('{'));

/** One actor's http-client and http-framework on the main thread. */
export class HttpHost {
  private readonly servers = new Map<bigint, Server>();
  private readonly handlers = new Map<bigint, string>();
  private readonly routes = new Map<bigint, Route>();
  private readonly middlewares = new Map<bigint, Middleware>();
  private readonly connections = new Map<bigint, Connection>();
  private nextId = { server: 1n, handler: 1n, route: 1n, middleware: 1n, connection: 1n };
  private closed = false;
  private readonly stopping = new AbortController();
  /** What the last host call does outside (a WebSocket frame), done once its event is on disk. */
  private pendingEffect: (() => void) | undefined;

  constructor(private readonly actor: HttpActor) {}

  /** A fork's recorded set-up, re-applied in order before any live call (restore). */
  private restoring: Promise<unknown> = Promise.resolve();

  /**
   * A fork: re-applies one recorded server set-up call (answered from the chain in the worker), so
   * the servers, handlers and routes the guest made before the fork point exist here and listen.
   * Ids come out as recorded (the same calls in the same order); a different answer is one sentence
   * for `log` (a fixed port still held by the recorded run, say).
   */
  restore(op: string, args: unknown[], recorded: unknown, log: (message: string) => void): void {
    const fn = op.slice(op.lastIndexOf('/') + 1);
    const want = recorded as Result<unknown>;
    this.restoring = this.restoring.then(async () => {
      let got: Result<unknown> | undefined;
      // The port the guest was told (recorded) if it is free, so its view stays true; else as asked.
      const s = fn === 'start-server' ? this.servers.get(args[0] as bigint) : undefined;
      if (s && s.settings.port === 0 && want.tag === 'ok' && typeof want.val === 'number') {
        s.settings = { ...s.settings, port: want.val };
        got = (await this.framework(fn, args)) as Result<unknown>;
        s.settings = { ...s.settings, port: 0 };
        if (got.tag === 'err') got = undefined;
      }
      got ??= (await this.framework(fn, args)) as Result<unknown>;
      if (got.tag === 'err') log(`the fork could not re-establish ${fn} recorded before its fork point: ${String(got.val)}`);
      else if (fn === 'start-server')
        log(`the fork re-established server ${String(args[0])} (recorded before its fork point) on ${this.listening().join(', ')}`);
      else if (fn !== 'start-server' && want.tag === 'ok' && typeof want.val === 'bigint' && got.val !== want.val)
        log(`the fork's ${fn} got id ${String(got.val)} where the recording has ${String(want.val)}`);
    });
  }

  /** Answers one host call of the worker (`theater:simple/http-client/send-http`, …). */
  async handle(op: string, args: unknown[]): Promise<unknown> {
    await this.restoring;
    // Every HTTP handler's outgoing request (outgoing.ts), aborted when the actor stops.
    if (op === EXCHANGE_OP) return performExchange(args[0] as OutgoingExchange, this.stopping.signal);
    const fn = op.slice(op.lastIndexOf('/') + 1);
    if (this.closed) return err(`actor ${this.actor.name} is stopping; its servers are closed`);
    return this.framework(fn, args);
  }

  private server(id: bigint): Server | string {
    return this.servers.get(id) ?? `no server ${id} was created by this actor`;
  }

  private async framework(fn: string, args: unknown[]): Promise<unknown> {
    switch (fn) {
      case 'create-server': {
        const settings = args[0] as ServerSettings;
        const id = this.nextId.server++;
        this.servers.set(id, { id, settings, port: settings.port, node: undefined, websockets: new Map() });
        return ok(id);
      }
      case 'get-server-info': {
        const s = this.server(args[0] as bigint);
        if (typeof s === 'string') return err(s);
        return ok({
          id: s.id,
          port: s.port,
          host: s.settings.host,
          running: !!s.node,
          routesCount: [...this.routes.values()].filter((r) => r.serverId === s.id).length,
          middlewareCount: [...this.middlewares.values()].filter((m) => m.serverId === s.id).length,
          websocketEnabled: s.websockets.size > 0,
        });
      }
      case 'start-server': {
        const s = this.server(args[0] as bigint);
        if (typeof s === 'string') return err(s);
        if (s.node) return err(`server ${s.id} is already running on port ${s.port}`);
        return this.listen(s);
      }
      case 'stop-server':
      case 'destroy-server': {
        const s = this.server(args[0] as bigint);
        if (typeof s === 'string') return err(s);
        await this.close(s);
        if (fn === 'destroy-server') {
          this.servers.delete(s.id);
          for (const [k, r] of this.routes) if (r.serverId === s.id) this.routes.delete(k);
          for (const [k, m] of this.middlewares) if (m.serverId === s.id) this.middlewares.delete(k);
        }
        return ok(undefined);
      }
      case 'register-handler': {
        const id = this.nextId.handler++;
        this.handlers.set(id, String(args[0]));
        return ok(id);
      }
      case 'add-route': {
        const [serverId, path, method, handlerId] = args as [bigint, string, string, bigint];
        const s = this.server(serverId);
        if (typeof s === 'string') return err(s);
        if (!this.handlers.has(handlerId)) return err(`no handler ${handlerId} was registered by this actor (register-handler)`);
        const bad = validPattern(path);
        if (bad) return err(bad);
        const m = method.toUpperCase();
        if (m !== '*' && !/^[A-Z]+$/.test(m)) return err(`'${method}' is not an HTTP method (or * for any)`);
        const id = this.nextId.route++;
        this.routes.set(id, { id, serverId, path, segments: splitPattern(path), method: m, handlerId });
        return ok(id);
      }
      case 'remove-route':
        return this.routes.delete(args[0] as bigint) ? ok(undefined) : err(`no route ${String(args[0])} exists`);
      case 'add-middleware': {
        const [serverId, path, handlerId] = args as [bigint, string, bigint];
        const s = this.server(serverId);
        if (typeof s === 'string') return err(s);
        if (!this.handlers.has(handlerId)) return err(`no handler ${handlerId} was registered by this actor (register-handler)`);
        const id = this.nextId.middleware++;
        this.middlewares.set(id, { id, serverId, path, handlerId });
        return ok(id);
      }
      case 'remove-middleware':
        return this.middlewares.delete(args[0] as bigint) ? ok(undefined) : err(`no middleware ${String(args[0])} exists`);
      case 'enable-websocket': {
        const [serverId, path, connect, message, disconnect] = args as [bigint, string, bigint | undefined, bigint, bigint | undefined];
        const s = this.server(serverId);
        if (typeof s === 'string') return err(s);
        if (!path.startsWith('/')) return err(`the WebSocket path '${path}' must start with /`);
        for (const h of [connect, message, disconnect])
          if (h !== undefined && !this.handlers.has(h)) return err(`no handler ${h} was registered by this actor (register-handler)`);
        s.websockets.set(path, { connect, message, disconnect });
        return ok(undefined);
      }
      case 'send-websocket-message':
      case 'close-websocket': {
        const [serverId, connId, message] = args as [bigint, bigint, WsMessage | undefined];
        const c = this.connections.get(connId);
        if (!c || c.serverId !== serverId || !c.open) return err(`no open WebSocket connection ${connId} on server ${serverId}`);
        if (fn === 'close-websocket') {
          c.open = false;
          this.pendingEffect = () => c.socket.end(encodeFrame(OP.close, new Uint8Array()));
          return ok(undefined);
        }
        const frame = frameOf(message!);
        if (!frame) return err(`a WebSocket message of type ${message!.ty.tag} cannot be sent`);
        this.pendingEffect = () => {
          if (c.open) c.socket.write(frame);
        };
        return ok(undefined);
      }
    }
    return err(`${HTTP_FRAMEWORK}/${fn} is not served by this runtime`);
  }

  private async listen(s: Server): Promise<Result<number>> {
    const node = http.createServer((req, res) => void this.serve(s, req, res));
    node.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => void this.upgrade(s, req, socket));
    const r = await listen(node, s.settings.host, s.settings.port, `server ${s.id}`);
    if ('error' in r) return err(r.error);
    s.node = node;
    s.port = r.port;
    return ok(s.port);
  }

  private close(s: Server): Promise<void> {
    const node = s.node;
    s.node = undefined;
    return node ? closeServer(node) : Promise.resolve();
  }

  /** The addresses the actor's servers listen on now (`http://127.0.0.1:8080/`). */
  listening(): string[] {
    return [...this.servers.values()].filter((s) => s.node).map((s) => serverUrl(s.settings.host, s.port));
  }

  /** The event of the last host call is on disk: what it does outside happens now. */
  commit(): void {
    const effect = this.pendingEffect;
    this.pendingEffect = undefined;
    effect?.();
  }

  /**
   * A WebSocket connection: handle-websocket-connect, then one handle-websocket-message per message
   * (the messages it answers are sent back), handle-websocket-disconnect when it closes; all through
   * the actor's queue, one after the other.
   */
  private async upgrade(s: Server, req: http.IncomingMessage, socket: Duplex): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cfg = s.websockets.get(url.pathname);
    if (!cfg) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!acceptUpgrade(req, socket)) return;
    const id = this.nextId.connection++;
    const conn: Connection = { serverId: s.id, socket, open: true };
    this.connections.set(id, conn);
    let turn: Promise<unknown> = Promise.resolve();
    const queue = (f: () => Promise<unknown>) => (turn = turn.then(f, f));
    const fail = () => {
      conn.open = false;
      socket.destroy();
    };
    socket.on('error', () => fail());
    socket.once('close', () => {
      conn.open = false;
      this.connections.delete(id);
      if (cfg.disconnect !== undefined)
        void queue(() => this.actor.call(`${HTTP_HANDLERS}.handle-websocket-disconnect`, [cfg.disconnect, id]));
    });
    if (cfg.connect !== undefined) {
      const query = url.search ? url.search.slice(1) : undefined;
      void queue(async () => {
        const o = await this.actor.call(`${HTTP_HANDLERS}.handle-websocket-connect`, [cfg.connect, id, url.pathname, query]);
        if (!o.ok) fail();
      });
    }
    socket.on(
      'data',
      frameReader(
        (f) => {
          if (f.kind === 'close') {
            if (conn.open) socket.end(encodeFrame(OP.close, new Uint8Array()));
            conn.open = false;
            return;
          }
          if (f.kind === 'ping') {
            socket.write(encodeFrame(OP.pong, f.data));
            return;
          }
          if (f.kind !== 'text' && f.kind !== 'binary') return;
          const message = messageOf(f);
          void queue(async () => {
            const o = await this.actor.call(`${HTTP_HANDLERS}.handle-websocket-message`, [cfg.message, id, message]);
            if (!o.ok) return fail();
            for (const m of (o.result?.[0] as WsMessage[] | undefined) ?? []) {
              const frame = frameOf(m);
              if (frame && conn.open) socket.write(frame);
            }
          });
        },
        () => {
          if (conn.open) socket.end(encodeFrame(OP.close, new Uint8Array()));
          conn.open = false;
        },
      ),
    );
  }

  /** Closes every server (the actor stops). */
  async closeAll(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    for (const c of this.connections.values()) c.socket.destroy();
    await Promise.all([...this.servers.values()].map((s) => this.close(s)));
  }

  /** One incoming request: middleware calls, then handle-request, each through the actor's queue. */
  private async serve(s: Server, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: string) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    try {
      const body = await readBody(req, s.settings.maxRequestSize);
      if (body === undefined) {
        reply(413, `the request body is larger than ${s.settings.maxRequestSize} bytes (max_request_size)`);
        return;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const target = req.url ?? '/';
      const pathname = new URL(target, 'http://localhost').pathname;
      const own = [...this.routes.values()].filter((r) => r.serverId === s.id);
      const candidates = [...own.filter(isStatic), ...own.filter((r) => !isStatic(r))];
      let route: Route | undefined;
      let params: Array<[string, string]> = [];
      let pathMatched = false;
      for (const r of candidates) {
        const p = matchRoute(r, pathname);
        if (!p) continue;
        pathMatched = true;
        if (r.method === '*' || r.method === method || (method === 'HEAD' && r.method === 'GET')) {
          route = r;
          params = p;
          break;
        }
      }
      if (!route) {
        reply(pathMatched ? 405 : 404, pathMatched ? `no route for ${method} ${pathname}` : `no route for ${pathname}`);
        return;
      }
      const headers = headerPairs(req.rawHeaders);
      for (const [k, v] of params) headers.push([`x-route-param-${k.toLowerCase()}`, v]);
      let request: HttpRequest = { method, uri: target, headers, body };
      const mws = [...this.middlewares.values()].filter((m) => m.serverId === s.id && (pathname.startsWith(m.path) || m.path === '/*'));
      for (const mw of mws) {
        const o = await this.actor.call(`${HTTP_HANDLERS}.handle-middleware`, [mw.handlerId, request]);
        if (!o.ok) {
          reply(o.refused ? 503 : 500, o.refused ? o.error : `Middleware error: ${o.error}`);
          return;
        }
        const result = o.result?.[0] as { proceed: boolean; request: HttpRequest } | undefined;
        if (!result?.proceed) {
          if (!res.headersSent) res.writeHead(403).end();
          return;
        }
        request = result.request;
      }
      const o = await this.actor.call(`${HTTP_HANDLERS}.handle-request`, [route.handlerId, request]);
      if (!o.ok) {
        reply(o.refused ? 503 : 500, o.refused ? o.error : `Handler error: ${o.error}`);
        return;
      }
      const response = o.result?.[0] as HttpResponse | undefined;
      if (!response) {
        reply(500, 'Handler error: handle-request answered no response');
        return;
      }
      writeResponse(res, response);
    } catch (e) {
      reply(500, `the runtime could not serve the request: ${(e as Error).message}`);
    }
  }
}

function writeResponse(res: http.ServerResponse, r: HttpResponse): void {
  if (res.headersSent) return;
  const status = r.status >= 100 && r.status <= 999 ? r.status : 500;
  for (const [k, v] of r.headers) {
    try {
      res.appendHeader(k, v);
    } catch {
      // A header node refuses (invalid name or value) is left out, as upstream does.
    }
  }
  res.writeHead(status);
  res.end(r.body ? Buffer.from(r.body) : undefined);
}

/** The `http` service (services.ts's HTTP_SERVICE) for one actor: its HttpHost. */
export function createHttpService(host: ServiceHost): MainThreadService {
  const h = new HttpHost(host);
  return {
    handle: (op, args) => h.handle(op, args),
    restore: (op, args, recorded) => h.restore(op, args, recorded, (message) => host.log(message)),
    commit: () => h.commit(),
    listening: () => h.listening(),
    close: () => h.closeAll(),
  };
}

const latin1 = (v: string) => new Uint8Array(Buffer.from(v, 'latin1'));

async function serveIncoming(req: http.IncomingMessage, res: http.ServerResponse, handle: (json: string) => Promise<HandleOutcome>) {
  const text = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  try {
    const body = (await readBody(req))!;
    const json = requestJson({
      method: req.method ?? 'GET',
      scheme: 'http',
      authority: req.headers.host ?? null,
      pathWithQuery: req.url ?? '/',
      headers: headerPairs(req.rawHeaders).map(([n, v]) => [n, latin1(v)]),
      body,
    });
    const o = await handle(json);
    if (!o.ok) {
      text(503, o.error);
      return;
    }
    const r = parseResponseJson(o.resultJson);
    const flat: string[] = [];
    for (const [n, v] of r.headers) flat.push(n, Buffer.from(v).toString('latin1'));
    res.writeHead(r.status, flat).end(Buffer.from(r.body));
  } catch (e) {
    if (!res.headersSent) text(500, String(e));
  }
}

/** The outcome of one call of the incoming-handler export: the recorded result JSON, or why there is none. */
export type HandleOutcome = { ok: true; resultJson: string } | { ok: false; error: string };

export interface IncomingServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Serves on host:port (loopback only); `handle` queues one call with the request JSON. */
export async function startIncomingServer(
  host: string,
  port: number,
  handle: (requestJson: string) => Promise<HandleOutcome>,
): Promise<IncomingServer> {
  if (!isLoopback(host))
    throw new Error(`the wasi-http handler serves on loopback only, not on ${host}; set host = "127.0.0.1" (or leave it out)`);
  const server = http.createServer((req, res) => void serveIncoming(req, res, handle));
  const r = await listen(server, host, port, 'the wasi-http handler');
  if ('error' in r) throw new Error(r.error);
  return { host, port: r.port, close: () => closeServer(server) };
}

/**
 * The `wasi-http-server` service (services.ts's WASI_HTTP_SERVER_SERVICE): the wasi-http handler's
 * incoming server for one actor. With `port` set and the incoming-handler export present, it serves
 * on the loopback host:port once init is done (`http-listening` on the session when it listens,
 * `http-failed` when it cannot), until the actor ends. A replay opens no port (its requests are
 * re-driven from the chain); a fork serves after its replayed prefix, as a live actor does.
 */
export function createIncomingServerService(host: ServiceHost): MainThreadService {
  let starting = false;
  let closed = false;
  let server: IncomingServer | undefined;
  const service: MainThreadService = {
    get serving() {
      return starting;
    },
    started() {
      const cfg = host.configOf('wasi-http');
      if ((host.replaying && !host.forking) || starting || cfg?.port === undefined) return;
      const iface = host.exports.find((e) => e.startsWith('wasi:http/incoming-handler@'));
      if (!iface) {
        host.log(`the wasi-http handler has a port, but the actor does not export wasi:http/incoming-handler: nothing is served`);
        return;
      }
      starting = true;
      const fn = incomingHandleName(iface);
      startIncomingServer(String(cfg.host ?? '127.0.0.1'), Number(cfg.port), async (json) => {
        const o = await host.call(fn, [json]);
        return o.ok ? { ok: true, resultJson: String(o.result?.[0] ?? '{}') } : { ok: false, error: o.error };
      }).then(
        (s) => {
          if (closed) {
            void s.close();
            return;
          }
          server = s;
          host.log(`serving ${iface} on ${serverUrl(s.host, s.port)}`);
          host.emit('http-listening', { host: s.host, port: s.port });
        },
        (e: unknown) => {
          starting = false;
          host.log((e as Error).message);
          host.emit('http-failed', (e as Error).message);
        },
      );
    },
    close() {
      closed = true;
      const s = server;
      server = undefined;
      return s?.close();
    },
  };
  return service;
}
