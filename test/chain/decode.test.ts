import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { decodeEvent, formatValue } from '../../src/runtime/chain/decode';
import { createChainEvent } from '../../src/runtime/chain/hash';
import { hostFunctionPayload, replaySummary, shutdownPayload, wasmCall, wasmError, wasmResult } from '../../src/runtime/chain/payload';
import { encodeParams, encodeTyped } from '../../src/runtime/chain/typedValue';
import { t } from '../../src/runtime/wit/types';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const ev = (eventType: string, data: Uint8Array | string, legacy?: ChainEvent['legacy']): ChainEvent => {
  const e = createChainEvent(null, eventType, typeof data === 'string' ? enc(data) : data);
  return legacy ? { ...e, legacy } : e;
};

test('v2 typed host calls (upstream clocks chain shape)', () => {
  const d = decodeEvent(
    ev(
      'wasi:clocks/monotonic-clock@0.2.3/now',
      '{"category":"HostFunction","interface":"wasi:clocks/monotonic-clock@0.2.3","function":"now","input":{"Tuple":[]},"output":{"U64":1768453174502229000}}',
    ),
  );
  assert.equal(d.category, 'host');
  assert.equal(d.era, 'v2');
  assert.deepEqual(d.input, []);
  assert.equal(d.output, 1768453174502229000n);
  assert.equal(d.summary, '() → 1768453174502229000');
  const poll = decodeEvent(
    ev(
      'wasi:io/poll@0.2.3/poll',
      '{"category":"HostFunction","interface":"wasi:io/poll@0.2.3","function":"poll","input":{"Tuple":[{"List":[{"Resource":{"owned":false}}]}]},"output":{"List":[{"U32":0},{"U32":1}]}}',
    ),
  );
  assert.deepEqual(poll.output, [0, 1]);
  assert.equal(poll.summary, '([{rep: null, owned: false}]) → [0, 1]');
});

test('our own recordings decode as era ours', () => {
  const data = hostFunctionPayload(
    'wasi:random/random@0.2.3',
    'get-random-bytes',
    encodeParams([['len', t.u64]], [4n]),
    encodeTyped(t.list(t.u8), new Uint8Array([0xde, 0xad, 0xbe, 0xef])),
  );
  const d = decodeEvent(ev('wasi:random/random@0.2.3/get-random-bytes', data), { ours: true });
  assert.equal(d.era, 'ours');
  assert.deepEqual(d.input, [4n]);
  assert.deepEqual(d.output, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
  assert.equal(d.summary, '(4) → <4 bytes deadbeef>');
  const unit = decodeEvent(
    ev(
      'theater:simple/runtime/log',
      hostFunctionPayload('theater:simple/runtime', 'log', encodeParams([['msg', t.string]], ['hi']), '{"Tuple":[]}'),
    ),
  );
  assert.equal(unit.summary, '("hi") → ()');
});

test('wasm events, shutdown, replay summary', () => {
  const call = decodeEvent(ev('wasm', wasmCall('theater:simple/actor.init', '["0b6a4c4e-uuid"]')));
  assert.equal(call.category, 'wasm-call');
  assert.deepEqual(call.input, ['0b6a4c4e-uuid']);
  assert.equal(call.summary, 'theater:simple/actor.init(["0b6a4c4e-uuid"])');
  const res = decodeEvent(ev('wasm', wasmResult('theater:simple/actor.init', new Uint8Array([0, 1, 2]), 'null')));
  assert.equal(res.category, 'wasm-result');
  assert.deepEqual(res.state, new Uint8Array([0, 1, 2]));
  assert.equal(res.summary, 'theater:simple/actor.init → null; state <3 bytes 000102>');
  const cleared = decodeEvent(ev('wasm', wasmResult('f', null, '{"a":1}')));
  assert.equal(cleared.state, null);
  assert.deepEqual(cleared.output, { a: 1 });
  const err = decodeEvent(ev('wasm', wasmError('theater:simple/actor.init', 'replay exhausted: no more calls')));
  assert.equal(err.category, 'wasm-error');
  assert.equal(err.error, 'replay exhausted: no more calls');
  assert.equal(decodeEvent(ev('shutdown', shutdownPayload())).category, 'shutdown');
  const rs = decodeEvent(ev('replay-summary', replaySummary(8, 8, 1, false, '1 hash mismatches detected')));
  assert.equal(rs.category, 'replay-summary');
  assert.equal(rs.error, '1 hash mismatches detected');
  assert.equal(rs.summary, 'replayed 8/8 events, 1 mismatch; failed: 1 hash mismatches detected');
  assert.deepEqual(rs.output, { totalEvents: 8, eventsReplayed: 8, mismatches: 1, success: false, error: '1 hash mismatches detected' });
});

test('legacy c5fe764f categories', () => {
  const legacy = { timestamp: 1735344000123, description: null };
  const log = decodeEvent(ev('theater:simple/runtime/log', '{"category":"Runtime","Log":{"level":"info","message":"hello"}}', legacy));
  assert.equal(log.category, 'runtime');
  assert.equal(log.era, 'legacy');
  assert.equal(log.summary, 'log info: hello');
  const unit = decodeEvent(ev('theater-runtime', '{"category":"TheaterRuntime","CreatingHandlers":null}', legacy));
  assert.equal(unit.function, 'CreatingHandlers');
  assert.equal(unit.summary, 'CreatingHandlers');
  const random = decodeEvent(
    ev(
      'wasi:random/random/get-random-bytes',
      '{"category":"Handler","Random":{"type":"random_bytes_result","generated_size":2,"bytes":[1,2],"success":true}}',
      legacy,
    ),
  );
  assert.equal(random.category, 'host');
  assert.equal(random.interface, 'Random');
  assert.equal(random.function, 'random_bytes_result');
  const timing = decodeEvent(
    ev(
      'wasi:clocks/monotonic-clock/now',
      '{"category":"Handler","Timing":{"MonotonicClockNowResult":{"instant":18446744073709551615}}}',
      legacy,
    ),
  );
  assert.deepEqual(timing.output, { instant: 18446744073709551615n });
  assert.equal(
    decodeEvent(ev('wasi:clocks/wall-clock/now', '{"category":"Handler","Timing":"WallClockNowCall"}', legacy)).function,
    'WallClockNowCall',
  );
  const wasm = decodeEvent(ev('wasm', wasmCall('theater:simple/actor.init', '["uuid"]'), legacy));
  assert.equal(wasm.era, 'legacy');
  assert.equal(decodeEvent(ev('x', new Uint8Array(), legacy)).summary, '(empty data)');
});

test('binary and non-envelope data', () => {
  const bin = decodeEvent(ev('pack', new Uint8Array([0x00, 0xff, 0xfe, 0x10])));
  assert.equal(bin.category, 'unknown');
  assert.equal(bin.binarySize, 4);
  assert.equal(bin.summary, 'binary, 4 bytes');
  const txt = decodeEvent(ev('x', 'not json'));
  assert.equal(txt.summary, 'text, 8 bytes: "not json"');
  const other = decodeEvent(ev('x', '{"category":"Future","x":1}'));
  assert.equal(other.category, 'unknown');
  assert.equal(decodeEvent(ev('x', '[1,2]')).summary, 'JSON, 5 bytes: "[1,2]"');
});

test('formatValue is compact and exact', () => {
  assert.equal(formatValue(12529243227765134399n), '12529243227765134399');
  assert.equal(formatValue(enc('hello')), 'b"hello"');
  assert.equal(formatValue(new Uint8Array(40).fill(0xab)), `<40 bytes ${'ab'.repeat(16)}…>`);
  assert.equal(formatValue({ ok: [1, 'x', null, true] }), '{ok: [1, "x", null, true]}');
  assert.equal(formatValue(undefined), '()');
  const long = formatValue(Array.from({ length: 500 }, (_, i) => i));
  assert.ok(long.length <= 120, long);
  assert.ok(long.endsWith('…') || long.includes('more'), long);
  assert.equal(formatValue('x'.repeat(300)).length, 120);
});
