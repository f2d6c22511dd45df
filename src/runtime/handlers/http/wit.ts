// wasi:http @0.2.3 as this runtime declares it: the value types and the two imported interfaces
// (types, outgoing-handler). Served to any 0.2 minor (componentize-js 0.23 imports @0.2.10).
import { t, type WitType } from '../../wit/types';
import type { FunctionSpec, InterfaceSpec } from '../types';

export const HTTP_VERSION = '0.2.3';
export const TYPES = 'wasi:http/types';
export const OUTGOING = 'wasi:http/outgoing-handler';

export const method = t.variant('method', [
  ['get', null],
  ['head', null],
  ['post', null],
  ['put', null],
  ['delete', null],
  ['connect', null],
  ['options', null],
  ['trace', null],
  ['patch', null],
  ['other', t.string],
]);
export const scheme = t.variant('scheme', [
  ['HTTP', null],
  ['HTTPS', null],
  ['other', t.string],
]);
const fieldSize = t.record('field-size-payload', [
  ['field-name', t.option(t.string)],
  ['field-size', t.option(t.u32)],
]);
export const errorCode = t.variant('error-code', [
  ['DNS-timeout', null],
  [
    'DNS-error',
    t.record('DNS-error-payload', [
      ['rcode', t.option(t.string)],
      ['info-code', t.option(t.u16)],
    ]),
  ],
  ['destination-not-found', null],
  ['destination-unavailable', null],
  ['destination-IP-prohibited', null],
  ['destination-IP-unroutable', null],
  ['connection-refused', null],
  ['connection-terminated', null],
  ['connection-timeout', null],
  ['connection-read-timeout', null],
  ['connection-write-timeout', null],
  ['connection-limit-reached', null],
  ['TLS-protocol-error', null],
  ['TLS-certificate-error', null],
  [
    'TLS-alert-received',
    t.record('TLS-alert-received-payload', [
      ['alert-id', t.option(t.u8)],
      ['alert-message', t.option(t.string)],
    ]),
  ],
  ['HTTP-request-denied', null],
  ['HTTP-request-length-required', null],
  ['HTTP-request-body-size', t.option(t.u64)],
  ['HTTP-request-method-invalid', null],
  ['HTTP-request-URI-invalid', null],
  ['HTTP-request-URI-too-long', null],
  ['HTTP-request-header-section-size', t.option(t.u32)],
  ['HTTP-request-header-size', t.option(fieldSize)],
  ['HTTP-request-trailer-section-size', t.option(t.u32)],
  ['HTTP-request-trailer-size', fieldSize],
  ['HTTP-response-incomplete', null],
  ['HTTP-response-header-section-size', t.option(t.u32)],
  ['HTTP-response-header-size', fieldSize],
  ['HTTP-response-body-size', t.option(t.u64)],
  ['HTTP-response-trailer-section-size', t.option(t.u32)],
  ['HTTP-response-trailer-size', fieldSize],
  ['HTTP-response-transfer-coding', t.option(t.string)],
  ['HTTP-response-content-coding', t.option(t.string)],
  ['HTTP-response-timeout', null],
  ['HTTP-upgrade-failed', null],
  ['HTTP-protocol-error', null],
  ['loop-detected', null],
  ['configuration-error', null],
  ['internal-error', t.option(t.string)],
]);
const headerError = t.variant('header-error', [
  ['invalid-syntax', null],
  ['forbidden', null],
  ['immutable', null],
]);
const fieldValue = t.list(t.u8);
export const fieldEntries = t.list(t.tuple(t.string, fieldValue));
const duration = t.u64;

const own = t.own;
const b = (r: string): [string, WitType] => ['self', t.borrow(r)];
const unitResult = t.result(null, null);
const headerResult = t.result(null, headerError);

function fn(name: string, params: Array<[string, WitType]>, result: WitType | null, doc: string): FunctionSpec {
  return { name, params, result, doc };
}

export const typesInterface: InterfaceSpec = {
  name: TYPES,
  version: HTTP_VERSION,
  uses: ['wasi:io/streams', 'wasi:io/poll', 'wasi:io/error'],
  resources: [
    'fields',
    'incoming-request',
    'outgoing-request',
    'request-options',
    'response-outparam',
    'incoming-response',
    'incoming-body',
    'future-trailers',
    'outgoing-response',
    'outgoing-body',
    'future-incoming-response',
  ],
  doc: 'HTTP requests, responses, headers and bodies (bodies are wasi:io streams). Every call is recorded.',
  functions: [
    fn('http-error-code', [['err', t.borrow('error')]], t.option(errorCode), 'The HTTP error behind a stream error (none here).'),
    fn('[constructor]fields', [], own('fields'), 'Empty, mutable headers.'),
    fn('[static]fields.from-list', [['entries', fieldEntries]], t.result(own('fields'), headerError), 'Headers from name/value pairs.'),
    fn('[method]fields.get', [b('fields'), ['name', t.string]], t.list(fieldValue), 'Every value of a header.'),
    fn('[method]fields.has', [b('fields'), ['name', t.string]], t.bool, 'Whether a header is present.'),
    fn('[method]fields.set', [b('fields'), ['name', t.string], ['value', t.list(fieldValue)]], headerResult, 'Replaces a header.'),
    fn('[method]fields.delete', [b('fields'), ['name', t.string]], headerResult, 'Removes a header.'),
    fn('[method]fields.append', [b('fields'), ['name', t.string], ['value', fieldValue]], headerResult, 'Adds a value.'),
    fn('[method]fields.entries', [b('fields')], fieldEntries, 'Every name/value pair, in order.'),
    fn('[method]fields.clone', [b('fields')], own('fields'), 'A mutable copy.'),
    fn('[method]incoming-request.method', [b('incoming-request')], method, 'The request method.'),
    fn('[method]incoming-request.path-with-query', [b('incoming-request')], t.option(t.string), 'Path and query.'),
    fn('[method]incoming-request.scheme', [b('incoming-request')], t.option(scheme), 'Scheme (http).'),
    fn('[method]incoming-request.authority', [b('incoming-request')], t.option(t.string), 'Host header.'),
    fn('[method]incoming-request.headers', [b('incoming-request')], own('fields'), 'Immutable headers.'),
    fn('[method]incoming-request.consume', [b('incoming-request')], t.result(own('incoming-body'), null), 'The body (once).'),
    fn('[constructor]outgoing-request', [['headers', own('fields')]], own('outgoing-request'), 'A GET request with these headers.'),
    fn('[method]outgoing-request.body', [b('outgoing-request')], t.result(own('outgoing-body'), null), 'The body (once).'),
    fn('[method]outgoing-request.method', [b('outgoing-request')], method, 'The method.'),
    fn('[method]outgoing-request.set-method', [b('outgoing-request'), ['method', method]], unitResult, 'Sets the method.'),
    fn('[method]outgoing-request.path-with-query', [b('outgoing-request')], t.option(t.string), 'Path and query.'),
    fn(
      '[method]outgoing-request.set-path-with-query',
      [b('outgoing-request'), ['path-with-query', t.option(t.string)]],
      unitResult,
      'Sets path and query.',
    ),
    fn('[method]outgoing-request.scheme', [b('outgoing-request')], t.option(scheme), 'The scheme.'),
    fn('[method]outgoing-request.set-scheme', [b('outgoing-request'), ['scheme', t.option(scheme)]], unitResult, 'Sets the scheme.'),
    fn('[method]outgoing-request.authority', [b('outgoing-request')], t.option(t.string), 'host[:port].'),
    fn(
      '[method]outgoing-request.set-authority',
      [b('outgoing-request'), ['authority', t.option(t.string)]],
      unitResult,
      'Sets host[:port].',
    ),
    fn('[method]outgoing-request.headers', [b('outgoing-request')], own('fields'), 'The headers (mutable until sent).'),
    fn('[constructor]request-options', [], own('request-options'), 'Default timeouts.'),
    ...(['connect-timeout', 'first-byte-timeout', 'between-bytes-timeout'] as const).flatMap((k) => [
      fn(`[method]request-options.${k}`, [b('request-options')], t.option(duration), `The ${k} (ns).`),
      fn(`[method]request-options.set-${k}`, [b('request-options'), ['duration', t.option(duration)]], unitResult, `Sets the ${k} (ns).`),
    ]),
    fn(
      '[method]response-outparam.send-informational',
      [b('response-outparam'), ['status', t.u16], ['headers', own('fields')]],
      t.result(null, errorCode),
      'Not supported: answers internal-error.',
    ),
    fn(
      '[static]response-outparam.set',
      [
        ['param', own('response-outparam')],
        ['response', t.result(own('outgoing-response'), errorCode)],
      ],
      null,
      'Sets the response to an incoming request.',
    ),
    fn('[method]incoming-response.status', [b('incoming-response')], t.u16, 'The status code.'),
    fn('[method]incoming-response.headers', [b('incoming-response')], own('fields'), 'Immutable headers.'),
    fn('[method]incoming-response.consume', [b('incoming-response')], t.result(own('incoming-body'), null), 'The body (once).'),
    fn('[method]incoming-body.stream', [b('incoming-body')], t.result(own('input-stream'), null), 'The body bytes as a stream.'),
    fn('[static]incoming-body.finish', [['this', own('incoming-body')]], own('future-trailers'), 'Done with the body.'),
    fn('[method]future-trailers.subscribe', [b('future-trailers')], own('pollable'), 'Ready at once.'),
    fn(
      '[method]future-trailers.get',
      [b('future-trailers')],
      t.option(t.result(t.result(t.option(own('fields')), errorCode), null)),
      'No trailers.',
    ),
    fn('[constructor]outgoing-response', [['headers', own('fields')]], own('outgoing-response'), 'A 200 response with these headers.'),
    fn('[method]outgoing-response.status-code', [b('outgoing-response')], t.u16, 'The status code.'),
    fn('[method]outgoing-response.set-status-code', [b('outgoing-response'), ['status-code', t.u16]], unitResult, 'Sets it.'),
    fn('[method]outgoing-response.headers', [b('outgoing-response')], own('fields'), 'The headers.'),
    fn('[method]outgoing-response.body', [b('outgoing-response')], t.result(own('outgoing-body'), null), 'The body (once).'),
    fn('[method]outgoing-body.write', [b('outgoing-body')], t.result(own('output-stream'), null), 'The body as a stream (once).'),
    fn(
      '[static]outgoing-body.finish',
      [
        ['this', own('outgoing-body')],
        ['trailers', t.option(own('fields'))],
      ],
      t.result(null, errorCode),
      'The body is complete (an outgoing request is sent now if it waited for it).',
    ),
    fn('[method]future-incoming-response.subscribe', [b('future-incoming-response')], own('pollable'), 'Ready once answered.'),
    fn(
      '[method]future-incoming-response.get',
      [b('future-incoming-response')],
      t.option(t.result(t.result(own('incoming-response'), errorCode), null)),
      'The response, once it is there.',
    ),
  ],
};

export const outgoingInterface: InterfaceSpec = {
  name: OUTGOING,
  version: HTTP_VERSION,
  uses: [TYPES],
  resources: [],
  doc: 'Sends an HTTP request (allow-lists `allowed_hosts`, `allowed_methods`); the exchange is recorded whole.',
  functions: [
    fn(
      'handle',
      [
        ['request', own('outgoing-request')],
        ['options', t.option(own('request-options'))],
      ],
      t.result(own('future-incoming-response'), errorCode),
      'Sends the request (a refused one gets HTTP-request-denied, recorded as a permission-denied event).',
    ),
  ],
};

/** The whole request, as recorded in an `http-exchange` event (outgoing) or a WasmCall (incoming). */
export const exchangeRequest = t.record('http-request', [
  ['method', t.string],
  ['uri', t.string],
  ['headers', fieldEntries],
  ['body', t.list(t.u8)],
]);
export const exchangeResponse = t.result(
  t.record('http-response', [
    ['status', t.u16],
    ['headers', fieldEntries],
    ['body', t.list(t.u8)],
  ]),
  t.string,
);
