import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { t, type WitType } from '../../src/runtime/wit/types';
import { parseLossless } from '../../src/runtime/chain/json';
import {
  TypedValueError,
  camelCase,
  decodeTyped,
  decodeUntyped,
  encodeParams,
  encodeReturn,
  encodeTyped,
  formatF32,
  formatF64,
  typedToPlain,
} from '../../src/runtime/chain/typedValue';

/** Encodes, checks the exact JSON, then decodes the lossless parse and checks the host value comes back. */
function roundTrip(type: WitType, value: unknown, json: string, back: unknown = value): void {
  const text = encodeTyped(type, value);
  assert.equal(text, json);
  assert.deepStrictEqual(decodeTyped(type, parseLossless(text)), back);
}

test('primitives', () => {
  roundTrip(t.bool, true, '{"Bool":true}');
  roundTrip(t.bool, false, '{"Bool":false}');
  roundTrip(t.u8, 255, '{"U8":255}');
  roundTrip(t.u16, 65535, '{"U16":65535}');
  roundTrip(t.u32, 4294967295, '{"U32":4294967295}');
  roundTrip(t.s8, -128, '{"S8":-128}');
  roundTrip(t.s16, -32768, '{"S16":-32768}');
  roundTrip(t.s32, -2147483648, '{"S32":-2147483648}');
  roundTrip(t.u64, 18446744073709551615n, '{"U64":18446744073709551615}');
  roundTrip(t.u64, 12529243227765134399n, '{"U64":12529243227765134399}');
  roundTrip(t.u64, 0n, '{"U64":0}');
  roundTrip(t.u64, 42, '{"U64":42}', 42n);
  roundTrip(t.s64, -9223372036854775808n, '{"S64":-9223372036854775808}');
  roundTrip(t.s64, 9223372036854775807n, '{"S64":9223372036854775807}');
  roundTrip(t.char, '😀', '{"Char":"😀"}');
  roundTrip(t.string, 'tab\tquote" é', '{"String":"tab\\tquote\\" é"}');
  roundTrip(t.f64, 1, '{"Float64":1.0}');
  roundTrip(t.f64, -2.5, '{"Float64":-2.5}');
  roundTrip(t.f32, 0.1, '{"Float32":0.1}', Math.fround(0.1));
});

test('floats are written like serde_json (ryu)', () => {
  const f64: Array<[number, string]> = [
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e16'],
    [1.5e16, '1.5e16'],
    [123.456, '123.456'],
    [1e-5, '0.00001'],
    [1.5e-5, '0.000015'],
    [1e-6, '1e-6'],
    [1.5e-7, '1.5e-7'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [1768453174502229000, '1.768453174502229e18'],
    [NaN, 'null'],
    [Infinity, 'null'],
  ];
  for (const [v, s] of f64) assert.equal(formatF64(v), s, `f64 ${v}`);
  const f32: Array<[number, string]> = [
    [1, '1.0'],
    [0.1, '0.1'],
    [3.14, '3.14'],
    [16777216, '16777216.0'],
    [1e12, '1000000000000.0'],
    [1e13, '1e13'],
    [1e-6, '0.000001'],
    [1e-7, '1e-7'],
    [3.4028234663852886e38, '3.4028235e38'],
    [1.401298464324817e-45, '1e-45'],
    [2 ** -10, '0.0009765625'],
    [-1.5, '-1.5'],
    [-Infinity, 'null'],
  ];
  for (const [v, s] of f32) assert.equal(formatF32(v), s, `f32 ${v}`);
  // Encoded f32 values decode to the same f32.
  for (const v of [0.1, 3.14, 1e-7, 123456.789]) {
    assert.equal(decodeTyped(t.f32, parseLossless(encodeTyped(t.f32, v))), Math.fround(v));
  }
  assert.ok(Number.isNaN(decodeTyped(t.f64, parseLossless(encodeTyped(t.f64, NaN))) as number));
});

test('lists: bytes as Uint8Array, typed arrays accepted', () => {
  const bytes = t.list(t.u8);
  roundTrip(bytes, new Uint8Array([0, 1, 255]), '{"List":[{"U8":0},{"U8":1},{"U8":255}]}');
  roundTrip(bytes, [7, 8], '{"List":[{"U8":7},{"U8":8}]}', new Uint8Array([7, 8]));
  roundTrip(bytes, new Uint8Array(), '{"List":[]}');
  assert.equal(encodeTyped(bytes, Buffer.from([9])), '{"List":[{"U8":9}]}');
  roundTrip(t.list(t.u32), [1, 2], '{"List":[{"U32":1},{"U32":2}]}');
  assert.equal(encodeTyped(t.list(t.u32), new Uint32Array([3, 4])), '{"List":[{"U32":3},{"U32":4}]}');
  assert.equal(encodeTyped(t.list(t.u64), new BigUint64Array([18446744073709551615n])), '{"List":[{"U64":18446744073709551615}]}');
  roundTrip(t.list(t.list(t.string)), [['a'], []], '{"List":[{"List":[{"String":"a"}]},{"List":[]}]}');
});

test('options, nested options and results', () => {
  const o = t.option(t.u32);
  roundTrip(o, undefined, '{"Option":null}');
  assert.equal(encodeTyped(o, null), '{"Option":null}');
  roundTrip(o, 5, '{"Option":{"U32":5}}');
  const oo = t.option(t.option(t.u64));
  roundTrip(oo, { tag: 'none' }, '{"Option":null}');
  roundTrip(oo, { tag: 'some', val: undefined }, '{"Option":{"Option":null}}');
  roundTrip(oo, { tag: 'some', val: 18446744073709551615n }, '{"Option":{"Option":{"U64":18446744073709551615}}}');
  assert.throws(() => encodeTyped(oo, 5), TypedValueError);

  const r = t.result(t.string, t.u8);
  roundTrip(r, { tag: 'ok', val: 'yes' }, '{"Result":{"Ok":{"String":"yes"}}}');
  roundTrip(r, { tag: 'err', val: 3 }, '{"Result":{"Err":{"U8":3}}}');
  const bare = t.result(null, null);
  roundTrip(bare, { tag: 'ok', val: undefined }, '{"Result":{"Ok":null}}');
  roundTrip(bare, { tag: 'err', val: undefined }, '{"Result":{"Err":null}}');
  roundTrip(t.result(t.option(t.u8), null), { tag: 'ok', val: undefined }, '{"Result":{"Ok":{"Option":null}}}');
  assert.throws(() => encodeTyped(r, 'yes'), /expected \{ tag: 'ok' \| 'err', val \}/);
});

test('records use camelCase keys and keep kebab field names on the wire', () => {
  const rec = t.record('process-status', [
    ['exit-code', t.option(t.s32)],
    ['pid', t.u32],
    ['is-running', t.bool],
  ]);
  roundTrip(
    rec,
    { exitCode: -1, pid: 42, isRunning: false },
    '{"Record":[["exit-code",{"Option":{"S32":-1}}],["pid",{"U32":42}],["is-running",{"Bool":false}]]}',
  );
  // An absent option field is none; the decoded record always carries every field.
  assert.equal(
    encodeTyped(rec, { pid: 1, isRunning: true }),
    '{"Record":[["exit-code",{"Option":null}],["pid",{"U32":1}],["is-running",{"Bool":true}]]}',
  );
  // Field order on the wire does not matter for decoding.
  assert.deepStrictEqual(
    decodeTyped(rec, parseLossless('{"Record":[["pid",{"U32":2}],["is-running",{"Bool":true}],["exit-code",{"Option":null}]]}')),
    { exitCode: undefined, pid: 2, isRunning: true },
  );
  assert.throws(() => decodeTyped(rec, parseLossless('{"Record":[["pid",{"U32":2}]]}')), /a field named "exit-code"/);
  assert.equal(camelCase('exit-code'), 'exitCode');
  assert.equal(camelCase('a-URL-thing'), 'aUrlThing');
});

test('tuples, variants, enums, flags, resources', () => {
  roundTrip(t.tuple(t.u32, t.u64), [1, 1768453174502229000n], '{"Tuple":[{"U32":1},{"U64":1768453174502229000}]}');
  roundTrip(t.tuple(), [], '{"Tuple":[]}');
  const v = t.variant('error-code', [
    ['access-denied', null],
    ['other', t.option(t.string)],
  ]);
  roundTrip(v, { tag: 'access-denied' }, '{"Variant":["access-denied",null]}');
  roundTrip(v, { tag: 'other', val: 'x' }, '{"Variant":["other",{"Option":{"String":"x"}}]}');
  assert.throws(() => encodeTyped(v, { tag: 'nope' }), /'access-denied' \| 'other'/);
  const e = t.enum('level', ['info', 'warn-high']);
  roundTrip(e, 'warn-high', '{"Enum":"warn-high"}');
  assert.throws(() => encodeTyped(e, 'warnHigh'), TypedValueError);
  const f = t.flags('perms', ['read', 'write-all', 'exec']);
  roundTrip(f, { read: true, writeAll: true, exec: false }, '{"Flags":["read","write-all"]}');
  roundTrip(f, { read: false, writeAll: false, exec: false }, '{"Flags":[]}');
  roundTrip(t.own('pollable'), { rep: 3 }, '{"Resource":{"rep":3,"owned":true}}');
  roundTrip(t.borrow('pollable'), { rep: 0 }, '{"Resource":{"rep":0,"owned":false}}');
  assert.equal(encodeTyped(t.own('pollable'), 7), '{"Resource":{"rep":7,"owned":true}}');
  // Upstream val-serde records no rep.
  assert.deepStrictEqual(decodeTyped(t.own('pollable'), parseLossless('{"Resource":{"owned":true}}')), { rep: undefined });
});

test('errors say where and what', () => {
  const rec = t.record('r', [['items', t.list(t.record('item', [['exit-code', t.u8]]))]]);
  assert.throws(
    () => encodeTyped(rec, { items: [{ exitCode: 1 }, { exitCode: 300 }] }),
    (e: unknown) =>
      e instanceof TypedValueError &&
      e.path === 'value.items[1].exit-code' &&
      e.message ===
        'Cannot record value.items[1].exit-code: expected an integer 0..255 but got the number 300; pass a value of WIT type u8.',
  );
  assert.throws(() => encodeTyped(t.u64, -1n), /expected a bigint 0\.\.18446744073709551615 but got the bigint -1n/);
  assert.throws(() => encodeTyped(t.u64, 1.5), TypedValueError);
  assert.throws(() => encodeTyped(t.u8, '1'), /got the string "1"/);
  assert.throws(() => encodeTyped(t.char, 'ab'), TypedValueError);
  assert.throws(
    () => encodeTyped(t.list(t.u8), [1, 256]),
    (e: unknown) => e instanceof TypedValueError && e.path === 'value[1]',
  );
  assert.throws(() => decodeTyped(t.u64, parseLossless('{"U32":5}')), /Cannot decode the recorded value: expected \{"U64": …\}/);
  assert.throws(() => decodeTyped(t.u8, parseLossless('{"U8":256}')), TypedValueError);
  assert.throws(
    () => decodeTyped(t.list(t.u8), parseLossless('{"List":[{"U8":1},{"U16":2}]}')),
    (e: unknown) => e instanceof TypedValueError && e.path === 'value[1]',
  );
});

test('encodeParams writes one Tuple and names a bad argument', () => {
  const params: Array<[string, WitType]> = [
    ['name', t.string],
    ['len', t.u64],
  ];
  assert.equal(encodeParams(params, ['x', 10n]), '{"Tuple":[{"String":"x"},{"U64":10}]}');
  assert.equal(encodeParams([], []), '{"Tuple":[]}');
  assert.throws(() => encodeParams(params, ['x']), /takes 2 \(name, len\) but was called with 1/);
  assert.throws(
    () => encodeParams(params, ['x', 'ten']),
    (e: unknown) => e instanceof TypedValueError && e.path === 'argument len',
  );
  assert.equal(encodeReturn(null, undefined), '{"Tuple":[]}');
  assert.equal(encodeReturn(t.u64, 5n), '{"U64":5}');
});

test('typedToPlain turns any SerializableVal into a readable value, u64 exact', () => {
  const parsed = parseLossless(
    '{"Tuple":[{"U64":12529243227765134399},{"U64":5},{"List":[{"U8":1},{"U8":2}]},' +
      '{"Record":[["exit-code",{"S32":-1}]]},{"Result":{"Ok":null}},{"Result":{"Err":{"String":"e"}}},{"Variant":["c",{"U8":1}]},' +
      '{"Enum":"x"},{"Option":null},{"Option":{"Char":"a"}},{"Flags":["a"]},{"Resource":{"owned":true}},{"Float64":null},{"List":[]}]}',
  );
  assert.deepStrictEqual(typedToPlain(parsed), [
    12529243227765134399n,
    5n,
    new Uint8Array([1, 2]),
    { 'exit-code': -1 },
    { ok: null },
    { err: 'e' },
    { c: 1 },
    'x',
    null,
    'a',
    ['a'],
    { rep: null, owned: true },
    NaN,
    [],
  ]);
  assert.deepStrictEqual(typedToPlain({ not: 'typed', x: 1 }), { not: 'typed', x: 1 });
});

test('decodeUntyped reads v1 (plain serde JSON) values by type', () => {
  assert.equal(decodeUntyped(t.u64, parseLossless('12529243227765134399')), 12529243227765134399n);
  assert.equal(decodeUntyped(t.u64, 5), 5n);
  assert.deepStrictEqual(decodeUntyped(t.list(t.u8), [180, 65]), new Uint8Array([180, 65]));
  assert.equal(decodeUntyped(t.option(t.string), null), undefined);
  assert.deepStrictEqual(decodeUntyped(t.result(t.u32, t.string), { Ok: 4 }), { tag: 'ok', val: 4 });
  assert.deepStrictEqual(decodeUntyped(t.result(t.u32, t.string), { err: 'no' }), { tag: 'err', val: 'no' });
  assert.deepStrictEqual(decodeUntyped(t.own('fields'), 3), { rep: 3 });
  assert.deepStrictEqual(decodeUntyped(t.record('r', [['exit-code', t.s32]]), { exit_code: 2 }), { exitCode: 2 });
  assert.deepStrictEqual(
    decodeUntyped(
      t.variant('v', [
        ['access-denied', null],
        ['other', t.string],
      ]),
      'AccessDenied',
    ),
    { tag: 'access-denied' },
  );
  assert.deepStrictEqual(
    decodeUntyped(
      t.variant('v', [
        ['access-denied', null],
        ['other', t.string],
      ]),
      { Other: 'x' },
    ),
    { tag: 'other', val: 'x' },
  );
  assert.throws(() => decodeUntyped(t.u8, 'x'), TypedValueError);
});

test('encoding is fast enough for the hot path', () => {
  // Not a benchmark: guards against an accidental quadratic or per-call compile.
  const rec = t.record('r', [
    ['a', t.u64],
    ['b', t.string],
    ['c', t.list(t.u8)],
  ]);
  const value = { a: 1n, b: 'hello', c: new Uint8Array(32) };
  const start = process.hrtime.bigint();
  for (let i = 0; i < 20000; i++) encodeTyped(rec, value);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(ms < 2000, `20k encodes took ${ms} ms`);
});
