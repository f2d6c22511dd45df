// The one way an actor's outgoing HTTP request is performed, for every HTTP handler (http-client's
// send-http, wasi-http's outgoing-handler): send the request, read the whole response, and answer it
// or one sentence with a code.
//
// Where it runs is decided here, once: the handler, on the actor's worker thread, calls
// `requestExchange`, which asks the main thread (a host call, as message-server and process calls are)
// and blocks on the answer. The main thread performs it asynchronously (`performExchange`, via the
// actor's HttpHost, host.ts), so it never blocks; the worker waits in Atomics.wait, which the call time limit's
// worker.terminate still ends; and the request is aborted when the actor stops. Nothing the request
// brings back is seen by the guest before the handler records it, and the request itself is sent
// before its event exists: the event (http-client's call, wasi-http's http-exchange) holds request and
// response together and is written once the response is in, as upstream Theater records it.
import * as http from 'node:http';
import * as https from 'node:https';
import type { HandlerContext } from '../types';
import { headerPairs } from './loopback';

/** The host-call name of one exchange (HttpHost answers it). */
export const EXCHANGE_OP = 'theater:http/exchange';

/** Largest response body read (bigger: the exchange fails with ERESPONSE_TOO_LARGE). */
export const MAX_RESPONSE_BYTES = 64 * 2 ** 20;

export interface OutgoingExchange {
  method: string;
  uri: string;
  /** Header values as node carries them (latin1 strings); repeated names stay repeated. */
  headers: Array<[string, string]>;
  body: Uint8Array | undefined;
  timeoutMs: number;
  /** Named in the timeout sentence: `the http-client handler's timeout`. */
  timeoutName: string;
}

export type ExchangeAnswer =
  { ok: true; status: number; headers: Array<[string, string]>; body: Uint8Array } | { ok: false; code: string; message: string };

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
      fail(e.code ?? 'ERR', `${what} failed: ${e.code === 'ECONNREFUSED' ? 'the connection was refused' : e.message}`);
    });
    if (req.body && req.body.length > 0) outgoing.end(Buffer.from(req.body));
    else outgoing.end();
  });
}

/** Performs the exchange for a handler on the actor's worker: blocks until the main thread answers. */
export function requestExchange(ctx: HandlerContext, req: OutgoingExchange): ExchangeAnswer {
  const a = ctx.hostCall(EXCHANGE_OP, [req]) as ExchangeAnswer | { tag: 'err'; val: string } | undefined;
  if (a && 'ok' in a) return a;
  return { ok: false, code: 'ERR', message: a && 'val' in a ? String(a.val) : `${req.method} ${req.uri}: the runtime gave no answer` };
}
