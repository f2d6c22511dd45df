import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { readTheaterChainJson, writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { verifyChain } from '../../src/runtime/chain/verify';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function legacyChain(): ChainEvent[] {
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  const specs: Array<[string, string, ChainEvent['legacy']]> = [
    ['theater-runtime', '{"category":"TheaterRuntime","CreatingHandlers":null}', { timestamp: 1735344000123, description: null }],
    [
      'theater:simple/runtime/log',
      '{"category":"Runtime","Log":{"level":"info","message":"hi"}}',
      { timestamp: 1735344000124, description: 'Log "hi"' },
    ],
  ];
  for (const [type, json, legacy] of specs) {
    const data = enc(json);
    const ev: ChainEvent = { hash: chainHash(parent, type, data, legacy), parentHash: parent, eventType: type, data, legacy };
    out.push(ev);
    parent = ev.hash;
  }
  return out;
}

test('serde pretty format, exactly', () => {
  const data = enc('{}');
  const ev: ChainEvent = { hash: chainHash(null, 'a"b', data), parentHash: null, eventType: 'a"b', data };
  const ev2: ChainEvent = { hash: chainHash(ev.hash, 'c', new Uint8Array()), parentHash: ev.hash, eventType: 'c', data: new Uint8Array() };
  const text = writeTheaterChainJson([ev, ev2]);
  const bytes = (b: Uint8Array, ind: string): string => `[\n${[...b].map((x) => `${ind}  ${x}`).join(',\n')}\n${ind}]`;
  assert.equal(
    text,
    `[\n  {\n    "hash": ${bytes(ev.hash, '    ')},\n    "parent_hash": null,\n    "event_type": "a\\"b",\n    "data": [\n      123,\n      125\n    ]\n  },\n` +
      `  {\n    "hash": ${bytes(ev2.hash, '    ')},\n    "parent_hash": ${bytes(ev.hash, '    ')},\n    "event_type": "c",\n    "data": []\n  }\n]`,
  );
  // Same as JSON.stringify's two-space layout for this shape (which serde's PrettyFormatter matches).
  assert.equal(
    text,
    JSON.stringify(
      [ev, ev2].map((e) => ({
        hash: [...e.hash],
        parent_hash: e.parentHash ? [...e.parentHash] : null,
        event_type: e.eventType,
        data: [...e.data],
      })),
      null,
      2,
    ),
  );
  assert.equal(writeTheaterChainJson([]), '[]');
});

test('legacy six-field events keep timestamp and description, and verify', () => {
  const chain = legacyChain();
  const text = writeTheaterChainJson(chain);
  assert.match(text, /"data": \[[^\]]*\],\n {4}"timestamp": 1735344000124,\n {4}"description": "Log \\"hi\\""\n {2}\}/);
  assert.match(text, /"timestamp": 1735344000123,\n {4}"description": null\n/);
  const back = readTheaterChainJson(text);
  assert.deepEqual(
    back.map((e) => e.legacy),
    chain.map((e) => e.legacy),
  );
  assert.deepEqual(verifyChain(back), { ok: true, checked: 2 });
  // Without the legacy fields the same bytes no longer verify: the timestamp is part of the hash.
  const stripped = back.map(({ legacy: _legacy, ...rest }) => rest);
  assert.equal(verifyChain(stripped).firstBad?.reason, 'hash');
  // A u64 timestamp beyond 2^53 is read exactly.
  const big = text.replace('1735344000123', '18446744073709551615');
  assert.equal(readTheaterChainJson(big)[0]!.legacy?.timestamp, 18446744073709551615n);
  // A missing description means none.
  const noDesc = JSON.parse(text) as Array<Record<string, unknown>>;
  delete noDesc[0]!.description;
  assert.equal(readTheaterChainJson(JSON.stringify(noDesc))[0]!.legacy?.description, null);
});

test('StateChain.save_to_file shape and a missing parent_hash are accepted', () => {
  const chain = legacyChain().map(({ legacy: _legacy, ...e }) => e);
  const raw = JSON.parse(writeTheaterChainJson(chain)) as Array<Record<string, unknown>>;
  delete raw[0]!.parent_hash;
  const events = readTheaterChainJson(JSON.stringify({ events: raw, current_hash: raw[1]!.hash }));
  assert.equal(events.length, 2);
  assert.equal(events[0]!.parentHash, null);
  assert.equal(toHex(events[1]!.hash), toHex(chain[1]!.hash));
});

test('shape errors name the event and the field', () => {
  assert.throws(
    () => readTheaterChainJson('{not json', 'chain.json'),
    /^Error: chain\.json is not valid JSON \(.*\); expected Theater's chain\.json, a JSON array of events\.$/,
  );
  assert.throws(
    () => readTheaterChainJson('{"a":1}', 'chain.json'),
    /chain\.json is neither a JSON array of events nor an object with an "events" array/,
  );
  const ok = { hash: [1], parent_hash: null, event_type: 'x', data: [] };
  assert.throws(
    () => readTheaterChainJson(JSON.stringify([ok, { hash: [1], parent_hash: null, event_type: 'x' }]), 'chain.json'),
    /^Error: Event 1 in chain\.json has no "data" field; each event needs hash, parent_hash, event_type and data\.$/,
  );
  assert.throws(
    () => readTheaterChainJson(JSON.stringify([{ ...ok, data: [1, 256] }])),
    /Event 0 in the chain JSON has "256" at data\[1\], which is not a byte/,
  );
  assert.throws(
    () => readTheaterChainJson(JSON.stringify([{ ...ok, data: 'abc' }])),
    /Event 0 in the chain JSON has a "data" that is not an array of bytes/,
  );
  assert.throws(() => readTheaterChainJson(JSON.stringify([ok, 5])), /Event 1 in the chain JSON is not an object/);
  assert.throws(
    () => readTheaterChainJson(JSON.stringify([{ ...ok, event_type: 3 }])),
    /Event 0 in the chain JSON has an "event_type" that is not a string/,
  );
  assert.throws(() => readTheaterChainJson(JSON.stringify([{ ...ok, timestamp: -1 }])), /"timestamp" that is not a non-negative integer/);
});
