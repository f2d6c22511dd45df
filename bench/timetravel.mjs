// Time-travel benchmarks: fork at event 5,000 of a 10,000-event chain (replay 0..5000, then live),
// against a plain replay and a live run of the same chain in this run: wall time from start to the
// report, and the init call's CPU time in the actor's worker (where the replay and the live calls run).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { actorCopy, runOnce } from './runtime.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { startFork } = out('runtime/host/timeTravel.js');
const { runToCompletion } = out('runtime/host/regressionTests.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const EVENTS = 10_000;
const AT = 5_000;

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-tt-'));
  // init call + N host calls + result + shutdown = N + 3 events.
  const dir = actorCopy('loop-actor', { state: EVENTS - 3, manifestExtra: 'seed = 1\n' });
  const manifestPath = join(dir, 'manifest.toml');
  try {
    const first = await runOnce(manifestPath, { dataDir }); // warms the transpile cache
    const recording = first.session.logPath;
    const events = loadChainFile(recording).events.length;
    if (events !== EVENTS) throw new Error(`the benchmark chain has ${events} events, not ${EVENTS}`);
    const live = [],
      replay = [],
      fork = [],
      forkInit = [],
      replayInit = [];
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      await runOnce(manifestPath, { dataDir });
      live.push(performance.now() - t0);
      t0 = performance.now();
      const r = await runOnce(manifestPath, { dataDir, replayChainPath: recording });
      replay.push(performance.now() - t0);
      replayInit.push(r.session.lastCallCpuMs);
      if (r.session.replayReport?.verdict !== 'replayed')
        throw new Error(`the replay did not reproduce: ${r.session.replayReport?.message}`);
      t0 = performance.now();
      const s = await startFork({ manifestPath, dataDir, chainPath: recording, at: AT });
      await runToCompletion(s);
      fork.push(performance.now() - t0);
      forkInit.push(s.lastCallCpuMs);
      if (s.replayReport?.verdict !== 'forked') throw new Error(`the fork failed: ${s.replayReport?.message}`);
    }
    return [
      { metric: `live run, ${EVENTS} events`, value: median(live), unit: 'ms' },
      { metric: `replay of the same chain`, value: median(replay), unit: 'ms' },
      { metric: `fork at event ${AT} of ${EVENTS} (replay 0..${AT}, then live)`, value: median(fork), unit: 'ms' },
      { metric: 'fork / replay (start to report)', value: median(fork) / median(replay), unit: '×' },
      { metric: `fork's init call, worker CPU time (events 1..${EVENTS - 3})`, value: median(forkInit), unit: 'ms CPU' },
      { metric: `replay's init call, worker CPU time`, value: median(replayInit), unit: 'ms CPU' },
      { metric: 'fork / replay (worker CPU)', value: median(forkInit) / median(replayInit), unit: '×' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
