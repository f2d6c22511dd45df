// theater:simple/http-client: send-http performs a real request. The request goes out from the main
// thread (outgoing.ts, shared with wasi-http: the actor's worker blocks until the answer, as
// message-server requests do); the call's one event carries the whole request and response, so replay
// answers it from the chain and opens no connection. A request the allow-lists refuse is recorded
// as a permission-denied event and the guest gets err with the sentence.
import type { HandlerDefinition } from '../types';
import { HTTP_SERVICE } from './services';
import { t } from '../../wit/types';
import { requestExchange } from './outgoing';
import { checkHttpRequest } from './permissions';
import { err, ok, HTTP_CLIENT, httpRequestType, httpResponseType, type HttpRequest } from './types';

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export const httpClientHandler: HandlerDefinition = {
  type: 'http-client',
  summary: 'Outgoing HTTP requests: theater:simple/http-client send-http, recorded whole.',
  doc:
    'send-http sends the request (http or https, no redirects followed) and answers the response; the event carries ' +
    'method, URI, headers and body of both, so replay answers from the chain without a network. `allowed_hosts` and ' +
    '`allowed_methods` limit what may be sent (absent: any); a refused request is recorded as a ' +
    '`permission-denied` event and the guest gets err with the sentence. A failed request (refused connection, ' +
    'timeout) is err with one sentence.',
  exports: [],
  config: [
    {
      name: 'allowed_hosts',
      type: 'string-array',
      doc: 'Hosts the actor may send to (`example.com`, `127.0.0.1:8080` for one port, `*.example.com` for subdomains, `*`); absent: any; `[]`: none.',
      permission: true,
    },
    {
      name: 'allowed_methods',
      type: 'string-array',
      doc: 'HTTP methods the actor may use (`GET`, `POST`, …); absent: any; `[]`: none.',
      permission: true,
    },
    {
      name: 'timeout',
      type: 'integer',
      doc: 'Milliseconds a request may take before send-http answers err (keep it below the call time limit).',
      default: DEFAULT_HTTP_TIMEOUT_MS,
      minimum: 1,
      permission: true,
    },
  ],
  interfaces: [
    {
      name: HTTP_CLIENT,
      version: null,
      resources: [],
      uses: ['theater:simple/http-types'],
      doc: 'Outgoing HTTP requests.',
      functions: [
        {
          name: 'send-http',
          params: [['req', httpRequestType]],
          result: t.result(httpResponseType, t.string),
          doc: 'Sends the request and answers the response (any status), or err with one sentence.',
        },
      ],
    },
  ],
  services: [HTTP_SERVICE],
  create(ctx, config) {
    const timeoutMs = Number(config.timeout ?? DEFAULT_HTTP_TIMEOUT_MS);
    const fns = {
      'send-http': (req: HttpRequest) => {
        const verdict = checkHttpRequest(config, req.method, req.uri);
        if (verdict.kind === 'invalid') return err(verdict.message);
        if (verdict.kind === 'denied') {
          ctx.recordDenial(HTTP_CLIENT, 'send-http', `${req.method} ${req.uri}`, verdict.message);
          return err(verdict.message);
        }
        const a = requestExchange(ctx, {
          method: req.method,
          uri: req.uri,
          headers: req.headers,
          body: req.body,
          timeoutMs,
          timeoutName: "http-client handler's timeout",
        });
        return a.ok ? ok({ status: a.status, headers: a.headers, body: a.body }) : err(a.message);
      },
    };
    return { functions: (name) => (name === HTTP_CLIENT ? fns : {}) };
  },
};
