// The loopback server of the wasi-http handler's incoming side (main thread): every request, read
// whole, goes through the actor's call queue as one recorded call of its wasi:http/incoming-handler
// export; the client gets the response only after the call's WasmResult (which holds it) is on disk.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseResponseJson, requestJson } from './incoming';
import { isLoopback } from './loopback';

/** The outcome of one call of the export: the recorded result JSON, or why there is none. */
export type HandleOutcome = { ok: true; resultJson: string } | { ok: false; error: string };

export interface IncomingServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Serves on host:port (loopback only); `handle` queues one call with the request JSON. */
export function startIncomingServer(
  host: string,
  port: number,
  handle: (requestJson: string) => Promise<HandleOutcome>,
): Promise<IncomingServer> {
  if (!isLoopback(host)) {
    return Promise.reject(
      new Error(`the wasi-http handler serves on loopback only, not on ${host}; set host = "127.0.0.1" (or leave it out)`),
    );
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Array<[string, Uint8Array]> = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
        headers.push([req.rawHeaders[i]!.toLowerCase(), new Uint8Array(Buffer.from(req.rawHeaders[i + 1]!, 'latin1'))]);
      const json = requestJson({
        method: req.method ?? 'GET',
        scheme: 'http',
        authority: req.headers.host ?? null,
        pathWithQuery: req.url ?? '/',
        headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      handle(json).then(
        (o) => {
          if (!o.ok) {
            res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(o.error);
            return;
          }
          const r = parseResponseJson(o.resultJson);
          const flat: string[] = [];
          for (const [n, v] of r.headers) flat.push(n, Buffer.from(v).toString('latin1'));
          res.writeHead(r.status, flat).end(Buffer.from(r.body));
        },
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String(e)),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `the wasi-http handler could not listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`,
        ),
      ),
    );
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        host,
        port: a.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
