// The wasi:http/incoming-handler export: a request as recorded in its WasmCall (upstream's JSON request
// summary, body included) and the response as recorded in its WasmResult. The session's loopback server
// (host.ts) renders the first and reads the second; the worker builds the guest's incoming-request and
// response-outparam from the first and renders the second from what the guest set (wasiHttp.ts).

/** `wasi:http/incoming-handler@0.2.10/handle`: the export's recorded name (upstream's, with a slash). */
export const isIncomingHandle = (fn: string): boolean => /^wasi:http\/incoming-handler@[^/]+\/handle$/.test(fn);

export const incomingHandleName = (exportedInterface: string): string => `${exportedInterface}/handle`;

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** One incoming request as the session reads it and the worker hands it to the guest. */
export interface IncomingRequestData {
  method: string;
  scheme: string;
  authority: string | null;
  pathWithQuery: string;
  headers: Array<[string, Uint8Array]>;
  body: Uint8Array;
}

export interface HttpResponseData {
  status: number;
  headers: Array<[string, Uint8Array]>;
  body: Uint8Array;
}

/** The WasmCall params of one incoming request (header values and body base64). */
export function requestJson(r: IncomingRequestData): string {
  return JSON.stringify({
    method: r.method,
    scheme: r.scheme,
    authority: r.authority,
    path_with_query: r.pathWithQuery,
    headers: r.headers.map(([n, v]) => [n, b64(v)]),
    body: r.body.length ? b64(r.body) : null,
  });
}

export function parseRequestJson(json: string): IncomingRequestData {
  const j = JSON.parse(json) as {
    method: string;
    scheme: string;
    authority: string | null;
    path_with_query: string;
    headers: Array<[string, string]>;
    body: string | null;
  };
  return {
    method: j.method,
    scheme: j.scheme,
    authority: j.authority,
    pathWithQuery: j.path_with_query,
    headers: j.headers.map(([n, v]) => [n, unb64(v)]),
    body: j.body ? unb64(j.body) : new Uint8Array(0),
  };
}

/** The response a client gets for a recorded result (500 for an error). */
export function parseResponseJson(json: string): HttpResponseData {
  const j = JSON.parse(json) as { status?: number; headers?: Array<[string, string]>; body?: string; error?: string };
  if (j.error !== undefined || j.status === undefined)
    return {
      status: 500,
      headers: [['content-type', new TextEncoder().encode('text/plain')]],
      body: new TextEncoder().encode(j.error ?? ''),
    };
  return { status: j.status, headers: (j.headers ?? []).map(([n, v]) => [n, unb64(v)]), body: unb64(j.body ?? '') };
}
