// features: default
// A JavaScript actor serving wasi:http/incoming-handler with the wasi:http/types resources directly
// (componentize-js takes an exported `incomingHandler` as a manual handler). Every request is answered
// with its method, path and body echoed and an `x-served-by` header; `/missing` gets a 404.
// (StarlingMonkey's fetch event answers one request per instance, as `wasmtime serve` makes one
// instance per request; an actor is one instance for its whole life, so it uses the resources.)
import { Fields, IncomingBody, OutgoingBody, OutgoingResponse, ResponseOutparam } from 'wasi:http/types@0.2.10';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

function readBody(request) {
  const body = request.consume();
  const stream = body.stream();
  const parts = [];
  for (;;) {
    let chunk;
    try {
      chunk = stream.blockingRead(65536n);
    } catch {
      break; // closed: the end of the body
    }
    parts.push(dec(chunk));
  }
  stream[Symbol.dispose]?.();
  IncomingBody.finish(body);
  return parts.join('');
}

export const incomingHandler = {
  handle(request, responseOut) {
    const method = request.method();
    const name = method.tag === 'other' ? method.val : method.tag.toUpperCase();
    const path = request.pathWithQuery() ?? '/';
    const text = readBody(request);
    console.log(`${name} ${path}`);
    const headers = Fields.fromList([
      ['content-type', enc('text/plain')],
      ['x-served-by', enc('js-http-server-actor')],
    ]);
    const response = new OutgoingResponse(headers);
    response.setStatusCode(path === '/missing' ? 404 : 200);
    const body = response.body();
    ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
    const out = body.write();
    out.blockingWriteAndFlush(enc(`you sent ${name} ${path} with ${text.length} bytes: ${text}`));
    out[Symbol.dispose]?.();
    OutgoingBody.finish(body, undefined);
  },
};

export const actor = {
  init(state) {
    console.log('serving');
    return [state];
  },
};
