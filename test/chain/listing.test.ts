import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { createChainEvent } from '../../src/runtime/chain/hash';
import { alignedListing, eventBlock, exactValue, unifiedListing } from '../../src/runtime/chain/listing';
import { hostFunctionPayload, shutdownPayload, wasmCall, wasmResult } from '../../src/runtime/chain/payload';

const RANDOM = 'wasi:random/random@0.2.3';

/** init → get-random-u64 → get-random-bytes → result → shutdown, with the u64 and the bytes given. */
function chain(u64: string, bytes: number[], extra = false): ChainEvent[] {
  const specs: Array<[string, Uint8Array]> = [
    ['wasm', wasmCall('theater:simple/actor.init', 'null')],
    [`${RANDOM}/get-random-u64`, hostFunctionPayload(RANDOM, 'get-random-u64', '{"Tuple":[]}', `{"U64":${u64}}`)],
    [
      `${RANDOM}/get-random-bytes`,
      hostFunctionPayload(RANDOM, 'get-random-bytes', '{"Tuple":[{"U64":4}]}', `{"List":[${bytes.map((b) => `{"U8":${b}}`).join(',')}]}`),
    ],
    ['wasm', wasmResult('theater:simple/actor.init', new TextEncoder().encode('ok'), 'null')],
    ['shutdown', shutdownPayload()],
  ];
  if (extra) specs.push([`${RANDOM}/get-random-u64`, hostFunctionPayload(RANDOM, 'get-random-u64', '{"Tuple":[]}', '{"U64":7}')]);
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  for (const [type, data] of specs) {
    const ev: ChainEvent = createChainEvent(parent, type, data);
    out.push(ev);
    parent = ev.hash;
  }
  return out;
}

test('exactValue: u64 beyond 2^53 exact, bytes in full as text or hex, records and lists', () => {
  assert.equal(exactValue(18446744073709551615n), '18446744073709551615');
  assert.equal(exactValue(new Uint8Array([104, 105])), 'b"hi" (2 bytes)');
  assert.equal(exactValue(new Uint8Array(40).fill(255)), `0x${'ff'.repeat(40)} (40 bytes)`);
  assert.equal(exactValue({ a: [1n, 'x\n'], 'b c': null }), '{a: [1, "x\\n"], "b c": null}');
});

test('eventBlock: index, type, full hash and the decoded call', () => {
  const c = chain('12529243227765134399', [1, 2, 3, 4]);
  const lines = eventBlock(c[1]!, 1);
  assert.equal(lines[0], `event 1  ${RANDOM}/get-random-u64`);
  assert.match(lines[1]!, /^ {2}hash {4}[0-9a-f]{40}$/);
  assert.ok(lines.includes('  output  12529243227765134399'), lines.join('\n'));
});

test('alignedListing: identical chains have no first difference and equal texts', () => {
  const l = alignedListing(chain('5', [1, 2, 3, 4]), chain('5', [1, 2, 3, 4]));
  assert.equal(l.firstDifference, undefined);
  assert.equal(l.textA, l.textB);
  assert.ok(l.blocks.every((b) => b.same));
});

test('alignedListing: a changed u64 is the first difference; every block starts on the same line in both texts', () => {
  const a = chain('12529243227765134399', [1, 2, 3, 4], true);
  const b = chain('12529243227765134398', [1, 2, 3, 4]);
  const l = alignedListing(a, b);
  assert.equal(l.firstDifference, 1);
  const linesA = l.textA.split('\n');
  const linesB = l.textB.split('\n');
  assert.equal(linesA.length, linesB.length);
  assert.equal(linesA[l.firstDifferenceLine!], `event 1  ${RANDOM}/get-random-u64`);
  assert.equal(linesB[l.firstDifferenceLine!], `event 1  ${RANDOM}/get-random-u64`);
  // The exact values on both sides, on the same line.
  const out = linesA.findIndex((x) => x === '  output  12529243227765134399');
  assert.ok(out > l.firstDifferenceLine!);
  assert.equal(linesB[out], '  output  12529243227765134398');
  // Aligned: each block's head line is at the same line number on both sides.
  let line = 0;
  for (const block of l.blocks) {
    assert.match(linesA[line]!, new RegExp(`^event ${block.index} `));
    assert.match(linesB[line]!, new RegExp(`^event ${block.index} `));
    line += block.a.length;
  }
  // Only a has event 5; b's side says so.
  assert.equal(l.blocks[5]!.b[0], 'event 5  (none: this chain ends after 5 events)');
  assert.equal(l.blocks[0]!.same, true);
  assert.equal(l.blocks[1]!.same, false);

  const unified = unifiedListing(l, 'a.json', 'b.json', 1);
  assert.match(unified, /^--- a\.json\n\+\+\+ b\.json\n {2}event 0 {2}wasm\n/);
  assert.match(unified, /\n- {3}output {2}12529243227765134399\n\+ {3}output {2}12529243227765134398\n/);
});
