import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { diffChains } from '../../src/runtime/chain/diff';
import { createChainEvent, toHex } from '../../src/runtime/chain/hash';
import { verifyChain } from '../../src/runtime/chain/verify';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function chain(types: string[], salt = ''): ChainEvent[] {
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  types.forEach((ty, i) => {
    const ev: ChainEvent = createChainEvent(parent, ty, enc(`{"n":${i}${salt}}`));
    out.push(ev);
    parent = ev.hash;
  });
  return out;
}

test('verifyChain: empty, valid, continuation', () => {
  assert.deepEqual(verifyChain([]), { ok: true, checked: 0 });
  const c = chain(['a', 'b', 'c', 'd']);
  assert.deepEqual(verifyChain(c), { ok: true, checked: 4 });
  assert.deepEqual(verifyChain(c.slice(2), c[1]!.hash), { ok: true, checked: 2 });
  const r = verifyChain(c.slice(2));
  assert.equal(r.firstBad?.reason, 'parent');
  assert.equal(r.firstBad?.expected, '');
  assert.equal(r.firstBad?.actual, toHex(c[1]!.hash));
});

test('verifyChain: a changed event type or data byte is a hash mismatch at that index', () => {
  const c = chain(['a', 'b', 'c', 'd']);
  c[3] = { ...c[3]!, eventType: 'z' };
  const r = verifyChain(c);
  assert.equal(r.checked, 3);
  assert.deepEqual({ index: r.firstBad?.index, reason: r.firstBad?.reason }, { index: 3, reason: 'hash' });
  assert.equal(r.firstBad?.actual, toHex(c[3]!.hash));
  assert.equal(r.firstBad?.expected, toHex(createChainEvent(c[2]!.hash, 'z', c[3]!.data).hash));
  assert.equal(
    r.firstBad?.message,
    `event 3: hash mismatch: stored ${r.firstBad!.actual.slice(0, 8)}… but contents hash to ${r.firstBad!.expected.slice(0, 8)}…`,
  );
});

test('verifyChain: a removed event breaks the next link', () => {
  const c = chain(['a', 'b', 'c', 'd']);
  c.splice(1, 1);
  const r = verifyChain(c);
  assert.equal(r.firstBad?.index, 1);
  assert.equal(r.firstBad?.reason, 'parent');
  assert.equal(
    r.firstBad?.message,
    `event 1: parent link broken: parent_hash ${toHex(c[1]!.parentHash!).slice(0, 8)}… but event 0 has hash ${toHex(c[0]!.hash).slice(0, 8)}…`,
  );
});

test('diffChains: identical chains', () => {
  const a = chain(['a', 'b', 'c', 'd', 'e', 'f']);
  const d = diffChains(a, chain(['a', 'b', 'c', 'd', 'e', 'f']));
  assert.equal(d.identical, true);
  assert.equal(d.firstDivergence, undefined);
  assert.deepEqual(
    d.aligned.map((r) => r.index),
    [2, 3, 4, 5],
  );
  assert.ok(d.aligned.every((r) => r.same));
  assert.equal(diffChains([], []).identical, true);
});

test('diffChains: first differing hash with rows around it', () => {
  const a = chain(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  const b = [...a.slice(0, 5), ...chain(['f', 'g', 'h', 'i'], ',"x":1').map((e) => e)];
  // Relink b's tail so only the contents differ from index 5 on.
  let parent = b[4]!.hash;
  for (let i = 5; i < b.length; i++) {
    b[i] = createChainEvent(parent, b[i]!.eventType, b[i]!.data);
    parent = b[i]!.hash;
  }
  const d = diffChains(a, b, 2);
  assert.equal(d.identical, false);
  assert.equal(d.firstDivergence?.index, 5);
  assert.equal(d.firstDivergence?.reason, 'hash');
  assert.equal(d.firstDivergence?.expected, a[5]);
  assert.equal(d.firstDivergence?.actual, b[5]);
  assert.match(d.firstDivergence!.message, /^event 5 differs: expected f [0-9a-f]{7} but got f [0-9a-f]{7}$/);
  assert.deepEqual(
    d.aligned.map((r) => [r.index, r.same]),
    [
      [3, true],
      [4, true],
      [5, false],
      [6, false],
      [7, false],
    ],
  );
  assert.equal(d.aligned[2]!.hashA, toHex(a[5]!.hash));
  assert.equal(d.aligned[2]!.typeB, 'f');
});

test('diffChains: missing and extra events', () => {
  const a = chain(['a', 'b', 'c']);
  const shorter = diffChains(a, a.slice(0, 2));
  assert.equal(shorter.firstDivergence?.reason, 'missing');
  assert.equal(shorter.firstDivergence?.index, 2);
  assert.equal(shorter.firstDivergence?.actual, undefined);
  assert.equal(shorter.aligned.at(-1)?.hashB, undefined);
  assert.match(
    shorter.firstDivergence!.message,
    /^event 2 is missing: the other chain ends after 2 events but the expected one continues with c /,
  );
  const longer = diffChains(a.slice(0, 1), a);
  assert.equal(longer.firstDivergence?.reason, 'extra');
  assert.equal(longer.firstDivergence?.index, 1);
  assert.equal(longer.firstDivergence?.expected, undefined);
  assert.deepEqual(
    longer.aligned.map((r) => r.index),
    [0, 1, 2],
  );
});
