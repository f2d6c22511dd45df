import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { JsonParseError, parseLossless, parseLosslessBytes, stringifyLossless } from '../../src/runtime/chain/json';

test('integers beyond 2^53-1 become bigint, the rest are ordinary numbers', () => {
  assert.equal(parseLossless('12529243227765134399'), 12529243227765134399n);
  assert.equal(parseLossless('1768453174502229000'), 1768453174502229000n);
  assert.equal(parseLossless('9007199254740991'), 9007199254740991);
  assert.equal(parseLossless('9007199254740992'), 9007199254740992n);
  assert.equal(parseLossless('-9007199254740992'), -9007199254740992n);
  assert.equal(parseLossless('-9223372036854775808'), -9223372036854775808n);
  assert.equal(parseLossless('123456789012345'), 123456789012345);
  assert.equal(parseLossless('1.0'), 1);
  assert.equal(parseLossless('1e3'), 1000);
  // eslint-disable-next-line no-loss-of-precision -- the point: the lossless parser keeps what a JS number cannot
  assert.equal(parseLossless('12529243227765134399.0'), 12529243227765134399);
  assert.ok(Object.is(parseLossless('-0'), -0));
});

test('parses every JSON construct like JSON.parse', () => {
  const text = ' {"a":[1,-2.5e-3,true,false,null,"x\\"y\\u00e9\\n"],"b":{},"c":[],"":"empty key"} ';
  assert.deepEqual(parseLossless(text), JSON.parse(text));
  const nested = { u: 18446744073709551615n, list: [{ U64: 12529243227765134399n }, { U8: 7 }] };
  assert.deepEqual(parseLossless('{"u":18446744073709551615,"list":[{"U64":12529243227765134399},{"U8":7}]}'), nested);
});

test('a "__proto__" member stays an own property', () => {
  const v = parseLossless('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('errors name the offset', () => {
  for (const bad of ['', '{', '[1,]', '{"a" 1}', '01', '1.', '"abc', 'tru', '[1] x', '"a\u0001"', '"\\x"', '-']) {
    assert.throws(
      () => parseLossless(bad),
      (e: unknown) => e instanceof JsonParseError && /^Invalid JSON at offset \d+: expected /.test(e.message),
      bad,
    );
  }
  const e = (() => {
    try {
      parseLossless('[1, 2 x');
    } catch (err) {
      return err as JsonParseError;
    }
    return undefined;
  })();
  assert.equal(e?.offset, 6);
  assert.throws(() => parseLosslessBytes(new Uint8Array([0x22, 0xff, 0x22])), /not valid UTF-8/);
  assert.equal(parseLosslessBytes(new TextEncoder().encode('"é"')), 'é');
});

test('stringifyLossless writes bigint as digits and bytes as numbers', () => {
  assert.equal(
    stringifyLossless({ a: 12529243227765134399n, b: [1, undefined, 'x'], c: undefined, d: new Uint8Array([1, 2]) }),
    '{"a":12529243227765134399,"b":[1,null,"x"],"d":[1,2]}',
  );
  assert.equal(stringifyLossless({ a: [1, { b: 2n }], e: {} }, 2), '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "e": {}\n}');
  assert.equal(stringifyLossless({ a: [1], b: 'x' }, 2), JSON.stringify({ a: [1], b: 'x' }, null, 2));
  const round = parseLossless(stringifyLossless({ v: 18446744073709551615n }));
  assert.deepEqual(round, { v: 18446744073709551615n });
  assert.equal(stringifyLossless(NaN), 'null');
});
