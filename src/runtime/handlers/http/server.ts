// The loopback server of the wasi-http handler's incoming side (main thread): every request, read
// whole, goes through the actor's call queue as one recorded call of its wasi:http/incoming-handler
// export; the client gets the response only after the call's WasmResult (which holds it) is on disk.
// Listening, closing and reading are loopback.ts's, shared with http-framework's servers (host.ts).
import * as http from 'node:http';
import { parseResponseJson, requestJson } from './incoming';
import { closeServer, headerPairs, isLoopback, listen, readBody } from './loopback';

/** The outcome of one call of the export: the recorded result JSON, or why there is none. */
export type HandleOutcome = { ok: true; resultJson: string } | { ok: false; error: string };

export interface IncomingServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const latin1 = (v: string) => new Uint8Array(Buffer.from(v, 'latin1'));

async function serve(req: http.IncomingMessage, res: http.ServerResponse, handle: (json: string) => Promise<HandleOutcome>) {
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

/** Serves on host:port (loopback only); `handle` queues one call with the request JSON. */
export async function startIncomingServer(
  host: string,
  port: number,
  handle: (requestJson: string) => Promise<HandleOutcome>,
): Promise<IncomingServer> {
  if (!isLoopback(host))
    throw new Error(`the wasi-http handler serves on loopback only, not on ${host}; set host = "127.0.0.1" (or leave it out)`);
  const server = http.createServer((req, res) => void serve(req, res, handle));
  const r = await listen(server, host, port, 'the wasi-http handler');
  if ('error' in r) throw new Error(r.error);
  return { host, port: r.port, close: () => closeServer(server) };
}
