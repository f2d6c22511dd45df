// Chain diff of two 1M-event logs (issue 12 §2.5): `theater chain diff` (hashes), `chain diff
// --listing` (the unified listing, written out as it is made) and Compare Chains' texts (capped at
// 4 Mi characters a side), each in a fresh worker: its thread's CPU time and its peak heap. Two pairs:
// identical but the last 10 events (plus 2 in b), and diverging at event 10 (every later event
// differs, so the listing is the whole chain). The same at 100k events shows the heap does not grow
// with the length; before = both chains loaded and the whole listing built (at 100k events: at 1M it
// needs several GiB).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { writeLogPair } = require(join(root, 'out', 'test', 'helpers', 'chainLogs.js'));

const BIG = Number(process.env.THEATER_BENCH_DIFF_EVENTS ?? 1_000_000);
const SMALL = BIG / 10;

function measure(mode, pair, live = false) {
  return new Promise((resolve, reject) => {
    const w = new Worker(join(root, 'bench', 'chaindiff-worker.mjs'), { workerData: { root, mode, a: pair.a, b: pair.b, live } });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the chain diff worker exited (${code}) before it answered`)));
  });
}

const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'theater-bench-chaindiff-'));
  const rows = [];
  try {
    const pairs = {};
    for (const n of [SMALL, BIG]) {
      for (const [kind, at] of [
        ['late', n - 10],
        ['early', 10],
      ]) {
        const d = join(dir, `${kind}-${n}`);
        mkdirSync(d);
        pairs[`${kind} ${n}`] = writeLogPair(d, n, at, kind === 'late' ? 2 : 0);
      }
    }
    const mb = statSync(pairs[`late ${BIG}`].a).size / 2 ** 20;
    const modes = [
      ['diff', 'chain diff (hashes)', ['late']],
      ['listing', 'chain diff --listing (written to /dev/null)', ['late', 'early']],
      ['texts', "Compare Chains' texts (worker)", ['late', 'early']],
    ];
    for (const [mode, label, kinds] of modes) {
      for (const kind of kinds) {
        const what = kind === 'late' ? 'identical but the last 10' : 'diverging at event 10';
        const big = await measure(mode, pairs[`${kind} ${BIG}`]);
        const liveSmall = await measure(mode, pairs[`${kind} ${SMALL}`], true);
        const liveBig = await measure(mode, pairs[`${kind} ${BIG}`], true);
        if (big.firstDifference !== (kind === 'late' ? BIG - 10 : 10))
          throw new Error(`${mode} ${kind}: first difference ${big.firstDifference}`);
        const name = `${label}, two ${k(BIG)}-event logs (${mb.toFixed(0)} MiB each), ${what}`;
        rows.push({
          metric: `${name}: thread CPU`,
          value: big.cpu,
          unit: 'ms CPU',
          note: `${((((BIG * 2) / big.cpu) * 1000) / 1e6).toFixed(2)}M events/s read`,
        });
        rows.push({ metric: `  peak heap (garbage included)`, value: big.peakMiB, unit: 'MiB' });
        rows.push({ metric: `  peak live heap (after full collections)`, value: liveBig.peakMiB, unit: 'MiB' });
        rows.push({
          metric: `  peak live heap, ${k(BIG)} − ${k(SMALL)} events`,
          value: liveBig.peakMiB - liveSmall.peakMiB,
          unit: 'MiB',
          goal: '≤ 4 (flat)',
          met: liveBig.peakMiB - liveSmall.peakMiB <= 4,
        });
        if (big.output) rows.push({ metric: `  output`, value: big.output / 2 ** 20, unit: mode === 'texts' ? 'Mi chars' : 'MiB' });
      }
    }
    // Before: the whole listing in memory, at a tenth of the length.
    for (const [mode, label] of [
      ['before-listing', 'chain diff --listing'],
      ['before-texts', "Compare Chains' texts"],
    ]) {
      const r = await measure(mode, pairs[`late ${SMALL}`]);
      const l = await measure(mode, pairs[`late ${SMALL}`], true);
      rows.push({
        metric: `before: ${label}, two ${k(SMALL)}-event logs, identical but the last 10: thread CPU`,
        value: r.cpu,
        unit: 'ms CPU',
      });
      rows.push({ metric: `  before: peak heap (garbage included)`, value: r.peakMiB, unit: 'MiB' });
      rows.push({ metric: `  before: peak live heap (grows with the length)`, value: l.peakMiB, unit: 'MiB' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(r);
