import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import {
  byteArrayJson,
  bytesEqual,
  chainHash,
  chainPreimage,
  createChainEvent,
  eventHash,
  fromHex,
  shortHash,
  toHex,
} from '../../src/runtime/chain/hash';
import { quoteJsonString } from '../../src/runtime/chain/json';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const INIT_DATA = '{"category":"Wasm","WasmCall":{"function_name":"theater:simple/actor.init","params":[110,117,108,108]}}';

test('the root event of every upstream golden chain hashes to 584d8e1b…', () => {
  const h = chainHash(null, 'wasm', enc(INIT_DATA));
  assert.equal(h.length, 20);
  assert.equal(toHex(h), '584d8e1be21fed4367e60f8297f7c104cd377791');
});

test('the preimage is serde compact JSON with "hash":[] first and bytes as numbers', () => {
  const pre = chainPreimage(null, 'wasm', enc(INIT_DATA));
  assert.ok(pre.startsWith('{"hash":[],"parent_hash":null,"event_type":"wasm","data":[123,34,99,97,'));
  assert.ok(pre.endsWith(',125,125]}'));
  assert.equal(Buffer.byteLength(pre), 417);
  // Equivalent to the reference recipe built with JSON.stringify.
  const data = enc('x\u0001"é');
  const parent = crypto.randomBytes(20);
  const reference = JSON.stringify({ hash: [], parent_hash: [...parent], event_type: 'a/b', data: [...data] });
  assert.equal(chainPreimage(parent, 'a/b', data), reference);
  assert.equal(toHex(chainHash(parent, 'a/b', data)), crypto.createHash('sha1').update(reference).digest('hex'));
});

test('matches the JSON.stringify recipe for random events of many sizes', () => {
  let parent: Uint8Array | null = null;
  for (let n = 0; n < 3000; n += 97) {
    const data = crypto.randomBytes(n);
    const type = `wasi:random/random@0.2.3/get-random-bytes-${n}`;
    const reference: string = JSON.stringify({ hash: [], parent_hash: parent ? [...parent] : null, event_type: type, data: [...data] });
    const expected: string = crypto.createHash('sha1').update(reference).digest('hex');
    const h: Uint8Array = chainHash(parent, type, data);
    assert.equal(toHex(h), expected, `size ${n}`);
    parent = h;
  }
});

test('the preimage grows past the initial scratch buffer', () => {
  const data = crypto.randomBytes(100_000);
  const reference = JSON.stringify({ hash: [], parent_hash: null, event_type: 'big', data: [...data] });
  assert.equal(toHex(chainHash(null, 'big', data)), crypto.createHash('sha1').update(reference).digest('hex'));
});

test('legacy events append timestamp and description', () => {
  const data = enc('{}');
  assert.equal(
    chainPreimage(null, 'theater-runtime', data, { timestamp: 1735344000123, description: null }),
    '{"hash":[],"parent_hash":null,"event_type":"theater-runtime","data":[123,125],"timestamp":1735344000123,"description":null}',
  );
  assert.equal(
    chainPreimage(null, 't', data, { timestamp: 18446744073709551615n, description: 'say "hi"\n' }),
    '{"hash":[],"parent_hash":null,"event_type":"t","data":[123,125],"timestamp":18446744073709551615,"description":"say \\"hi\\"\\n"}',
  );
  assert.notEqual(toHex(chainHash(null, 't', data, { timestamp: 1, description: null })), toHex(chainHash(null, 't', data)));
  assert.throws(() => chainHash(null, 't', data, { timestamp: -1, description: null }), /non-negative integer/);
});

test('strings are escaped exactly like serde_json', () => {
  assert.equal(quoteJsonString('plain/slash é ☃ 😀'), '"plain/slash é ☃ 😀"');
  assert.equal(quoteJsonString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteJsonString('\n\t\r\b\f'), '"\\n\\t\\r\\b\\f"');
  assert.equal(quoteJsonString('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
  assert.equal(quoteJsonString('\u000b\u0010\u001a'), '"\\u000b\\u0010\\u001a"');
  // Same bytes as serde for an event type with escapes.
  assert.ok(chainPreimage(null, 'we"ird\u0007', new Uint8Array()).includes('"event_type":"we\\"ird\\u0007","data":[]'));
});

test('hex helpers', () => {
  const h = fromHex('584d8e1be21fed4367e60f8297f7c104cd377791');
  assert.equal(h.length, 20);
  assert.equal(toHex(h), '584d8e1be21fed4367e60f8297f7c104cd377791');
  assert.equal(shortHash(h), '584d8e1');
  assert.deepEqual(fromHex('0A0b'), new Uint8Array([10, 11]));
  assert.throws(() => fromHex('abc'), /not a hex byte string/);
  assert.throws(() => fromHex('zz'), /not a hex byte string/);
  assert.equal(byteArrayJson(new Uint8Array([0, 9, 10, 99, 100, 255])), '[0,9,10,99,100,255]');
  assert.equal(byteArrayJson(new Uint8Array()), '[]');
  assert.ok(bytesEqual(null, null));
  assert.ok(!bytesEqual(h, null));
  assert.ok(!bytesEqual(h, h.subarray(1)));
});

test('createChainEvent links and eventHash recomputes', () => {
  const a = createChainEvent(null, 'wasm', enc(INIT_DATA));
  const b = createChainEvent(a.hash, 'x', enc('{"k":1}'));
  assert.equal(b.parentHash, a.hash);
  assert.deepEqual(eventHash(b), b.hash);
  assert.ok(!(b.hash instanceof Buffer), 'hashes are plain Uint8Arrays so they compare equal to decoded ones');
});
