// What every incoming HTTP server of the runtime shares (host.ts runs them all: wasi-http's incoming
// server and http-framework's servers): the addresses it may listen on (this machine only), listening
// and closing with one sentence for a failure, and reading a request whole.
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK_PATTERN = '127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|::1|localhost';

const LOOPBACK = new RegExp(`^(?:${LOOPBACK_PATTERN})$`);

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** `http://127.0.0.1:8080/` (IPv6 literals in brackets). */
export const serverUrl = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;

/** Listens on host:port: the port it got, or one sentence naming `who` (`server 1`, `the wasi-http handler`). */
export function listen(server: http.Server, host: string, port: number, who: string): Promise<{ port: number } | { error: string }> {
  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      resolve({
        error:
          e.code === 'EADDRINUSE'
            ? `${who} cannot listen on ${host}:${port}: the port is already in use; pick another port (0 for a free one)`
            : `${who} could not listen on ${host}:${port}: ${e.message}`,
      }),
    );
    server.listen(port, host, () => resolve({ port: (server.address() as AddressInfo).port }));
  });
}

/** Stops listening and ends every open connection. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Header pairs of node's rawHeaders, names in lower case, values as node reads them (latin1). */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return pairs;
}

/** The whole request body, or undefined when it is larger than `max` bytes. */
export function readBody(req: http.IncomingMessage, max = Infinity): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
