// The three upstream golden chains (v1 era), read in place from ../shared.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { toHex } from '../../src/runtime/chain/hash';
import { readTheaterChainJson, writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { sharedPath, skipUnlessShared } from '../helpers/shared';

const skip = skipUnlessShared('fixtures', 'theater-chains');
const FIXTURES: Record<string, { count: number; head: string }> = {
  'wasi-random-test': { count: 7, head: '7d3eee740d0d83ec56c4cc0e69c207370dd0b467' },
  'environment-test': { count: 8, head: '47f22f1f7ce45dd7208cbeb9cc21c99a5403f9ad' },
  'runtime-test': { count: 6, head: '26c0e93400b048d09857c0c3b0e9b574bcc90901' },
};
const fixturePath = (name: string): string => sharedPath('fixtures', 'theater-chains', `${name}.chain.json`)!;
const load = (name: string): ChainEvent[] => readTheaterChainJson(fs.readFileSync(fixturePath(name), 'utf8'), name);

for (const [name, { count, head }] of Object.entries(FIXTURES)) {
  test(`${name}: every hash and link verifies`, { skip }, () => {
    const events = load(name);
    assert.equal(events.length, count);
    assert.deepEqual(verifyChain(events), { ok: true, checked: count });
    assert.equal(toHex(events[0]!.hash), '584d8e1be21fed4367e60f8297f7c104cd377791');
    assert.equal(toHex(events[count - 1]!.hash), head);
  });

  test(`${name}: writeTheaterChainJson reproduces the file byte for byte`, { skip }, () => {
    const original = fs.readFileSync(fixturePath(name), 'utf8');
    const events = readTheaterChainJson(original);
    const written = writeTheaterChainJson(events);
    // serde's to_string_pretty adds no trailing newline, and neither does the fixture.
    assert.ok(!original.endsWith('\n'));
    assert.equal(written, original);
    const again = readTheaterChainJson(written);
    assert.deepEqual(
      again.map((e) => toHex(e.hash)),
      events.map((e) => toHex(e.hash)),
    );
    assert.deepEqual(verifyChain(again), { ok: true, checked: count });
  });

  test(`${name}: loadChainFile detects Theater JSON`, { skip }, () => {
    const loaded = loadChainFile(fixturePath(name));
    assert.equal(loaded.format, 'theater-json');
    assert.equal(loaded.events.length, count);
    assert.deepEqual(loaded.problems, []);
  });

  test(`${name}: tampering a data byte or a parent link is pinpointed`, { skip }, () => {
    for (let i = 0; i < count; i++) {
      const events = load(name);
      events[i]!.data[events[i]!.data.length >> 1] ^= 1;
      const r = verifyChain(events);
      assert.equal(r.ok, false);
      assert.equal(r.checked, i);
      assert.equal(r.firstBad?.index, i);
      assert.equal(r.firstBad?.reason, 'hash');
      assert.equal(r.firstBad?.actual, toHex(load(name)[i]!.hash));
      assert.match(r.firstBad!.message, new RegExp(`^event ${i}: hash mismatch: stored [0-9a-f]{8}… but contents hash to [0-9a-f]{8}…$`));
    }
    for (let i = 1; i < count; i++) {
      const events = load(name);
      events[i]!.parentHash![0] ^= 0x80;
      const r = verifyChain(events);
      assert.equal(r.firstBad?.index, i);
      assert.equal(r.firstBad?.reason, 'parent');
      assert.equal(r.firstBad?.expected, toHex(events[i - 1]!.hash));
      assert.match(
        r.firstBad!.message,
        new RegExp(
          `^event ${i}: parent link broken: parent_hash [0-9a-f]{8}… but event ${i - 1} has hash ${toHex(events[i - 1]!.hash).slice(0, 8)}…$`,
        ),
      );
    }
    // A root that claims a parent.
    const events = load(name);
    events[0]!.parentHash = new Uint8Array(20);
    assert.equal(verifyChain(events).firstBad?.reason, 'parent');
    assert.match(
      verifyChain(events).firstBad!.message,
      /^event 0: parent link broken: parent_hash 00000000… but the first event of a chain has none$/,
    );
  });
}

test('wasi-random-test decodes: exact u64 outputs and byte outputs', { skip }, () => {
  const decoded = load('wasi-random-test').map((e) => decodeEvent(e));
  assert.deepEqual(
    decoded.map((d) => d.category),
    ['wasm-call', 'host', 'host', 'host', 'host', 'host', 'wasm-result'],
  );
  const u64s = decoded.filter((d) => d.function === 'get-random-u64');
  assert.deepEqual(
    u64s.map((d) => d.output),
    [5025112008087782992n, 12529243227765134399n],
  );
  assert.equal(typeof u64s[1]!.output, 'bigint');
  assert.equal(u64s[1]!.summary, '() → 12529243227765134399');
  assert.equal(u64s[1]!.interface, 'wasi:random/random@0.2.3');
  assert.equal(u64s[1]!.era, 'v1');
  const first = decoded[1]!;
  assert.equal(first.input, 10);
  assert.deepEqual(first.output, [180, 65, 247, 84, 238, 210, 252, 243, 95, 44]);
  assert.equal(decoded[0]!.functionName, 'theater:simple/actor.init');
  assert.equal(decoded[0]!.input, null);
  assert.equal(decoded[6]!.state, 'WASI random tests passed!');
  assert.equal(decoded[6]!.output, null);
  for (const d of decoded) assert.ok(d.summary.length <= 120 && !d.summary.includes('\n'), d.summary);
});

test('environment-test and runtime-test decode', { skip }, () => {
  const env = load('environment-test').map((e) => decodeEvent(e));
  assert.equal(env[1]!.function, 'exists');
  assert.equal(env[1]!.summary, '("PATH") → true');
  assert.equal(env[4]!.output, null);
  assert.equal(env[6]!.output, '/Users/colinrozzi');
  const rt = load('runtime-test').map((e) => decodeEvent(e));
  assert.deepEqual(
    rt.slice(1, 5).map((d) => d.input),
    ['Runtime test actor initialized', 'Test message 1', 'Test message 2', 'Test message 3'],
  );
  assert.deepEqual(rt[5]!.state, { message: 'Runtime handler tests passed!', status: 'success' });
});
