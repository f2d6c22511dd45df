// The one way an actor's outgoing HTTP request is performed, for every HTTP handler (http-client's
// send-http, wasi-http's outgoing-handler): send the request, read the whole response, and answer it
// or one sentence with a code.
//
// Where it runs is decided here, once: the handler, on the actor's worker thread, calls
// `requestExchange`, which asks the main thread (a host call, as message-server and process calls are)
// and blocks on the answer. The main thread performs it asynchronously (the actor's HttpHost, with
// host.ts's `performExchange`: the worker never loads that code), so it never blocks; the worker waits in Atomics.wait, which the call time limit's
// worker.terminate still ends; and the request is aborted when the actor stops. Nothing the request
// brings back is seen by the guest before the handler records it, and the request itself is sent
// before its event exists: the event (http-client's call, wasi-http's http-exchange) holds request and
// response together and is written once the response is in, as upstream Theater records it.
import type { HandlerContext } from '../types';

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

/** Performs the exchange for a handler on the actor's worker: blocks until the main thread answers. */
export function requestExchange(ctx: HandlerContext, req: OutgoingExchange): ExchangeAnswer {
  const a = ctx.hostCall(EXCHANGE_OP, [req]) as ExchangeAnswer | { tag: 'err'; val: string } | undefined;
  if (a && 'ok' in a) return a;
  return { ok: false, code: 'ERR', message: a && 'val' in a ? String(a.val) : `${req.method} ${req.uri}: the runtime gave no answer` };
}
