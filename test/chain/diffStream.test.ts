// The chain diff listing streams (issue 12 §2.5): `theater chain diff --listing` and Compare Chains'
// texts read both chains event by event. For small chains the streamed forms are exactly the whole
// ones; for two generated 200k-event logs the result is right (first divergence, lengths, lines) and
// the heap grows no more than for 20k events.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { createChainEvent } from '../../src/runtime/chain/hash';
import {
  alignedListing,
  listChainFiles,
  listingTexts,
  unifiedListing,
  withChainStreams,
  writeUnifiedListing,
  type NextEvent,
} from '../../src/runtime/chain/listing';
import { hostFunctionPayload, shutdownPayload, wasmCall, wasmResult } from '../../src/runtime/chain/payload';
import { ChainAnswer, runtimeHandler } from '../../src/runtime/handlers/runtime';
import type { HandlerContext } from '../../src/runtime/handlers/types';
import { chainReferenceOf } from '../../src/runtime/chain/reference';
import { tempDir } from '../helpers/actors';
import { u64At, U64_TYPE, writeLogPair } from '../helpers/chainLogs';
import { projectRoot } from '../helpers/shared';

/** A small chain: init, n u64 calls (values from `value`), the result, shutdown. */
function small(n: number, value: (i: number) => string): ChainEvent[] {
  const specs: Array<[string, Uint8Array]> = [['wasm', wasmCall('theater:simple/actor.init', 'null')]];
  for (let i = 0; i < n; i++)
    specs.push([U64_TYPE, hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', `{"U64":${value(i)}}`)]);
  specs.push(['wasm', wasmResult('theater:simple/actor.init', new TextEncoder().encode('ok'), 'null')], ['shutdown', shutdownPayload()]);
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  for (const [type, data] of specs) {
    const ev = createChainEvent(parent, type, data);
    out.push(ev);
    parent = ev.hash;
  }
  return out;
}

const stream = (events: readonly ChainEvent[]): NextEvent => {
  let i = 0;
  return () => events[i++];
};

function unifiedStreamed(a: readonly ChainEvent[], b: readonly ChainEvent[], context: number): string {
  const lines: string[] = [];
  writeUnifiedListing(stream(a), stream(b), 'a.json', 'b.json', (l) => lines.push(l), context);
  return lines.join('\n') + '\n';
}

test('the streamed listing is exactly the whole one for small chains: identical, changed, shorter, longer, every context', () => {
  const base = small(6, (i) => String(u64At(i)));
  const changed = small(6, (i) => String(i === 3 ? u64At(i) + 1n : u64At(i)));
  const cases: Array<[string, ChainEvent[], ChainEvent[]]> = [
    ['identical', base, small(6, (i) => String(u64At(i)))],
    ['changed', base, changed],
    ['shorter', base, base.slice(0, 4)],
    ['longer', base.slice(0, 2), base],
    ['first', base, small(6, () => '1')],
    ['empty', [], base],
    ['both empty', [], []],
  ];
  for (const [name, a, b] of cases) {
    const whole = alignedListing(a, b);
    for (const context of [0, 1, 2, 3, 20]) {
      assert.equal(unifiedStreamed(a, b, context), unifiedListing(whole, 'a.json', 'b.json', context), `${name}, context ${context}`);
    }
    // Under the cap the diff editor's texts are the whole listing.
    const t = listingTexts(stream(a), stream(b));
    assert.equal(t.textA, whole.textA, name);
    assert.equal(t.textB, whole.textB, name);
    assert.equal(t.firstDifference, whole.firstDifference, name);
    assert.equal(t.firstDifferenceLine, whole.firstDifferenceLine, name);
    assert.deepEqual([t.lengthA, t.lengthB, t.omittedBefore, t.omittedAfter], [a.length, b.length, 0, 0], name);
  }
});

test('listingTexts over its cap: the identical start and the end are left out with a line on both sides, alignment kept', () => {
  const a = small(400, (i) => String(u64At(i)));
  const b = small(400, (i) => String(i === 300 ? 7n : u64At(i)));
  const whole = alignedListing(a, b);
  const t = listingTexts(stream(a), stream(b), { maxChars: 12_000, context: 3 });
  const la = t.textA.split('\n');
  const lb = t.textB.split('\n');
  assert.equal(la.length, lb.length);
  assert.equal(t.firstDifference, 301);
  assert.equal(t.omittedBefore, 298);
  assert.equal(
    la[0],
    '… 298 identical events (0 to 297) not shown: this listing keeps at most 12 KiB a side; `theater chain show` prints every event',
  );
  assert.equal(lb[0], la[0]);
  // The three events before the first difference, then the difference where it is in the whole listing.
  assert.equal(la[1], `event 298  ${U64_TYPE}`);
  assert.equal(la[t.firstDifferenceLine!], `event 301  ${U64_TYPE}`);
  assert.equal(lb[t.firstDifferenceLine!], `event 301  ${U64_TYPE}`);
  const wholeLines = whole.textB.split('\n');
  const shownB = lb.slice(t.firstDifferenceLine!, -2);
  assert.deepEqual(shownB, wholeLines.slice(whole.firstDifferenceLine!, whole.firstDifferenceLine! + shownB.length));
  // The end is cut after the cap, and the last line says from where.
  assert.ok(t.omittedAfter > 0 && t.omittedAfter < 100, `${t.omittedAfter}`);
  const from = a.length - t.omittedAfter;
  assert.equal(
    la.at(-2),
    `… ${t.omittedAfter} more events (${from} to ${a.length - 1}) not shown: this listing stops at 12 KiB a side; \`theater chain diff --listing\` prints them all`,
  );
  assert.equal(lb.at(-2), la.at(-2));
  assert.ok(t.textA.length < 12_000 + 1000 && t.textB.length < 12_000 + 1000, `${t.textA.length}`);
  assert.equal(la.at(-3)!.startsWith('event ') || la.at(-3)!.startsWith('  '), true);
});

// ---- Two generated logs of 20k and 200k events ---------------------------------------------------

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Runs `use` on both files as streams, sampling the live heap every 10,000 events of a; returns the result and the peak growth. */
function measured<T>(a: string, b: string, use: (nextA: NextEvent, nextB: NextEvent) => T): { result: T; growth: number } {
  const base = liveHeap();
  let peak = base;
  const result = withChainStreams(a, b, (nextA, nextB) => {
    let n = 0;
    return use(() => {
      if (++n % 10_000 === 0) peak = Math.max(peak, liveHeap());
      return nextA();
    }, nextB);
  });
  peak = Math.max(peak, liveHeap());
  return { result, growth: peak - base };
}

const MiB = 2 ** 20;
const dir = tempDir('diff-stream');
const sizes = [20_000, 200_000];
const late = new Map(sizes.map((n) => [n, writeLogPair(fs.mkdtempSync(path.join(dir, 'late-')), n, n - 10, 2, n === 20_000)]));
const early = new Map(sizes.map((n) => [n, writeLogPair(fs.mkdtempSync(path.join(dir, 'early-')), n, 10)]));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('chain diff --listing of two 200k-event logs: right lines, heap growth as for 20k events (late and early divergence)', (t) => {
  const growth: Record<string, number> = {};
  for (const n of sizes) {
    // Late: identical up to n - 10, then ten differing events and two extra ones in b.
    const { a, b } = late.get(n)!;
    let lines = 0;
    const head: string[] = [];
    const tail: string[] = [];
    const r = measured(a, b, (nextA, nextB) =>
      writeUnifiedListing(nextA, nextB, 'a', 'b', (l) => {
        lines++;
        if (head.length < 30) head.push(l);
        tail.push(l);
        if (tail.length > 5) tail.shift();
      }),
    );
    assert.deepEqual(r.result, { firstDifference: n - 10, lengthA: n, lengthB: n + 2 });
    assert.deepEqual(head.slice(0, 4), ['--- a', '+++ b', `  … ${n - 12} identical events`, `  event ${n - 12}  ${U64_TYPE}`]);
    assert.ok(head.includes(`  event ${n - 10}  ${U64_TYPE}`), head.join('\n'));
    assert.ok(head.includes(`-   output  ${u64At(n - 10)}`), head.join('\n'));
    assert.ok(head.includes(`+   output  ${u64At(n - 10) + 1n}`), head.join('\n'));
    // b's two extra events close the listing: a's side says it has ended.
    assert.equal(tail[0], `- event ${n + 1}  (none: this chain ends after ${n} events)`);
    assert.equal(tail[1], `+ event ${n + 1}  ${U64_TYPE}`);
    assert.match(tail[2]!, /^\+ {3}hash {4}[0-9a-f]{40}$/);
    assert.deepEqual(tail.slice(3), ['+   input   []', `+   output  ${u64At(n + 1)}`]);
    // 3 lines of head, 2 identical blocks of 5 lines, 10 differing blocks of 5 lines (hash, output: 7 lines), 2 extra of 5.
    assert.ok(lines > 60 && lines < 140, `${lines}`);
    growth[`late ${n}`] = r.growth;

    // Early: every event from 10 on differs (its hash): the whole rest is written out as it is made.
    const e = early.get(n)!;
    let written = 0;
    let count = 0;
    const r2 = measured(e.a, e.b, (nextA, nextB) =>
      writeUnifiedListing(nextA, nextB, 'a', 'b', (l) => {
        written += l.length + 1;
        if (l.startsWith('-   hash ')) count++;
      }),
    );
    assert.deepEqual(r2.result, { firstDifference: 10, lengthA: n, lengthB: n });
    assert.equal(count, n - 10);
    assert.ok(written > n * 200, `${written}`);
    growth[`early ${n}`] = r2.growth;
  }
  t.diagnostic(
    `peak live heap growth, MiB: ${Object.entries(growth)
      .map(([k, v]) => `${k}: ${(v / MiB).toFixed(2)}`)
      .join(', ')}`,
  );
  // Materialized listings of 200k events on both sides are hundreds of MiB; streamed, the growth
  // does not depend on the length.
  for (const k of ['late', 'early']) {
    assert.ok(growth[`${k} 200000`]! < growth[`${k} 20000`]! + 4 * MiB, JSON.stringify(growth));
    assert.ok(growth[`${k} 200000`]! < 16 * MiB, JSON.stringify(growth));
  }
});

test("Compare Chains' texts of two 200k-event logs: capped, aligned at the first difference, heap growth as for 20k events", (c) => {
  const growth: Record<string, number> = {};
  for (const n of sizes) {
    const { a, b } = late.get(n)!;
    const r = measured(a, b, (nextA, nextB) => listingTexts(nextA, nextB));
    const t = r.result;
    assert.equal(t.firstDifference, n - 10);
    assert.deepEqual([t.lengthA, t.lengthB, t.omittedBefore, t.omittedAfter], [n, n + 2, n - 30, 0]);
    const la = t.textA.split('\n');
    const lb = t.textB.split('\n');
    assert.equal(la.length, lb.length);
    assert.match(
      la[0]!,
      new RegExp(`^… ${n - 30} identical events \\(0 to ${n - 31}\\) not shown: this listing keeps at most 4 MiB a side`),
    );
    assert.equal(la[t.firstDifferenceLine!], `event ${n - 10}  ${U64_TYPE}`);
    assert.equal(lb[t.firstDifferenceLine!], `event ${n - 10}  ${U64_TYPE}`);
    assert.ok(la.includes(`  output  ${u64At(n - 10)}`) && lb.includes(`  output  ${u64At(n - 10) + 1n}`));
    assert.equal(la.at(-5), `event ${n + 1}  (none: this chain ends after ${n} events)`);
    growth[`late ${n}`] = r.growth;

    const e = early.get(n)!;
    const r2 = measured(e.a, e.b, (nextA, nextB) => listingTexts(nextA, nextB));
    const t2 = r2.result;
    assert.equal(t2.firstDifference, 10);
    assert.equal(t2.omittedBefore, 0);
    // The cap, and the line that says what is left out.
    assert.ok(t2.textA.length <= 4 * MiB + 1024 && t2.textB.length <= 4 * MiB + 1024, `${t2.textA.length}`);
    const shown = t2.textA.split('\n').filter((l) => l.startsWith('event ')).length;
    assert.equal(t2.omittedAfter, n - shown);
    // 20k events' listing fits in the cap; 200k events' does not.
    assert.equal(t2.omittedAfter > 0, n === 200_000, `${t2.omittedAfter}`);
    if (t2.omittedAfter > 0) {
      assert.match(
        t2.textA,
        new RegExp(`\n… ${t2.omittedAfter} more events \\(${shown} to ${n - 1}\\) not shown: this listing stops at 4 MiB a side`),
      );
      assert.ok(t2.textB.endsWith(t2.textA.slice(t2.textA.lastIndexOf('\n…'))));
    }
    growth[`early ${n}`] = r2.growth;
  }
  c.diagnostic(
    `peak live heap growth, MiB: ${Object.entries(growth)
      .map(([k, v]) => `${k}: ${(v / MiB).toFixed(2)}`)
      .join(', ')}`,
  );
  assert.ok(growth['late 200000']! < growth['late 20000']! + 4 * MiB, JSON.stringify(growth));
  // The early case holds its texts, 4 Mi characters a side whatever the length (the whole listing of
  // 200k events would be about 56 MB of text, and both chains' events 120 MB more).
  assert.ok(growth['early 200000']! < 40 * MiB, JSON.stringify(growth));
});

test('Compare Chains across formats: a chain.json against our log lists as the log itself does', () => {
  const { a, aJson, b } = late.get(20_000)!;
  const fromLog = listChainFiles(a, b);
  const fromJson = listChainFiles(aJson!, b);
  assert.equal(fromJson.textA, fromLog.textA);
  assert.equal(fromJson.textB, fromLog.textB);
  assert.equal(fromJson.firstDifference, 19_990);
});

const bin = path.join(projectRoot, 'bin', 'theater');
const built = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'));

test('the CLI lists two 200k-event logs (77 MB each) in a 64 MiB heap', { skip: !built && 'run `npm run build` first' }, () => {
  const { a, b } = late.get(200_000)!;
  assert.ok(fs.statSync(a).size > 40e6, `${fs.statSync(a).size}`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=64', bin, 'chain', 'diff', a, b, '--listing'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[2], '  … 199988 identical events');
  assert.equal(lines[3], `  event 199988  ${U64_TYPE}`);
  assert.ok(lines.includes(`+   output  ${u64At(199_990) + 1n}`), r.stdout);
  assert.match(lines.at(-4)!, /^\+ {3}hash {4}[0-9a-f]{40}$/);
  assert.deepEqual(lines.slice(-6), [
    '- event 200001  (none: this chain ends after 200000 events)',
    `+ event 200001  ${U64_TYPE}`,
    lines.at(-4)!,
    '+   input   []',
    `+   output  ${u64At(200_001)}`,
    '',
  ]);
});

test(
  'the CLI listing of a chain.json that breaks off: what was read is printed, then one sentence, exit 2',
  { skip: !built && 'run `npm run build` first' },
  () => {
    const { aJson, b } = late.get(20_000)!;
    const cut = path.join(path.dirname(aJson!), 'cut.chain.json');
    const bytes = fs.readFileSync(aJson!);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
    const r = spawnSync(process.execPath, [bin, 'chain', 'diff', b, cut, '--listing'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, `--- ${b}\n+++ ${cut}\n`);
    assert.equal(
      r.stderr,
      `theater: ${cut} is not valid JSON (unexpected end of the file); expected Theater's chain.json, a JSON array of events.\n`,
    );
  },
);

test('get-chain builds its answer from events read one at a time, and it is the chain', () => {
  const evs = small(5, (i) => String(u64At(i)));
  let reads = 0;
  const ctx = {
    chain: (onEvent: (ev: ChainEvent) => void) => {
      for (const ev of evs) {
        reads++;
        onEvent(ev);
      }
    },
  } as unknown as HandlerContext;
  const fns = runtimeHandler.create(ctx, {}).functions('theater:simple/runtime') as Record<string, () => unknown>;
  const answer = fns['get-chain']!() as {
    events: Array<{ hash: bigint; event: { eventType: string; parent?: bigint; data: Uint8Array } }>;
  };
  assert.equal(reads, evs.length);
  assert.equal(answer.events.length, evs.length);
  const u64 = (h: Uint8Array) => Buffer.from(h).readBigUInt64BE(0);
  answer.events.forEach((m, i) => {
    assert.equal(m.hash, u64(evs[i]!.hash));
    assert.equal(m.event.parent, i === 0 ? undefined : u64(evs[i - 1]!.hash));
    assert.equal(m.event.eventType, evs[i]!.eventType);
    assert.deepEqual(m.event.data, evs[i]!.data);
  });
  assert.deepEqual(chainReferenceOf(answer), { events: evs.length, head: evs.at(-1)!.hash });
  assert.deepEqual(chainReferenceOf(new ChainAnswer().value()), { events: 0, head: null });
});
