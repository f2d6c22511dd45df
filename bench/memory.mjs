// Bounded memory (issue 12 §4): the main thread's heap while one actor makes 1M recorded host calls
// (its session keeps a window of events, older ones stay on disk), and the debugger's timeline over
// that chain (indexed in one pass, read back block by block). Heap after a full GC, in MiB.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { actorCopy } from './runtime.mjs';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { startActor } = out('runtime/host/session.js');
const { ChainEventIndex } = out('runtime/chain/eventIndex.js');
const { Timeline } = out('debug/timeline.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const CALLS = Number(process.env.THEATER_BENCH_MEMORY_CALLS ?? 1_000_000);

export async function run() {
  const rows = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-memory-'));
  const dir = actorCopy('loop-actor', { state: CALLS });
  try {
    const before = heapMiB();
    const session = await startActor({ manifestPath: join(dir, 'manifest.toml'), dataDir, callTimeoutMs: 10 * 60_000 });
    const samples = [];
    let next = CALLS / 10;
    session.on('event', (_ev, i) => {
      if (i >= next) {
        next += CALLS / 10;
        samples.push({ at: i, heap: heapMiB() });
      }
    });
    await new Promise((resolve) => {
      session.once('init-done', resolve);
      void session.done().then(resolve);
    });
    await session.stop('bench finished');
    const after = heapMiB();
    const first = samples[0]?.heap ?? before;
    const peak = Math.max(...samples.map((s) => s.heap), after);
    rows.push({ metric: `session: main-thread heap before the actor`, value: before, unit: 'MiB' });
    rows.push({ metric: `session: heap at ${(CALLS / 10).toLocaleString('en-US')} events`, value: first, unit: 'MiB' });
    rows.push({
      metric: `session: heap growth ${(CALLS / 10).toLocaleString('en-US')} → ${session.eventCount.toLocaleString('en-US')} events (peak − first sample)`,
      value: peak - first,
      unit: 'MiB',
      goal: '≤ 8 (flat)',
      met: peak - first <= 8,
    });
    rows.push({ metric: 'session: events kept in memory at the end', value: session.recentEvents.length, unit: 'events' });
    rows.push({ metric: 'chain log size', value: statSync(session.logPath).size / 2 ** 20, unit: 'MiB' });

    // The debugger's timeline over the same chain: one indexing pass, then random access.
    const h0 = heapMiB();
    const t0 = process.hrtime.bigint();
    const { index } = ChainEventIndex.scan(session.logPath);
    const scanMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const timeline = new Timeline(index, true);
    for (let i = 0; i < timeline.length; i += Math.floor(timeline.length / 50)) timeline.stateAt(i);
    timeline.stateAt(timeline.length - 1);
    const h1 = heapMiB();
    rows.push({ metric: `debugger timeline: index ${index.count.toLocaleString('en-US')} events`, value: scanMs, unit: 'ms' });
    rows.push({ metric: 'debugger timeline: heap for the whole chain', value: h1 - h0, unit: 'MiB', goal: '≤ 16', met: h1 - h0 <= 16 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(r);
