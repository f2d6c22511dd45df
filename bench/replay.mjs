// Replay benchmarks: replay of a 100k-host-call run relative to the live run, and time to the first
// divergence report when one recorded output was changed.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { actorCopy, runOnce, CALLS } from './runtime.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { writeTheaterChainJson } = out('runtime/chain/theaterJson.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const rows = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-replay-'));
  // No seed: the live run uses OS entropy, so only the chain can reproduce it.
  const dir = actorCopy('loop-actor', { state: CALLS });
  const manifestPath = join(dir, 'manifest.toml');
  try {
    await runOnce(manifestPath, { dataDir });
    // Both sides as the worker thread's CPU time (the goal) and wall time (on a loaded machine mostly
    // the other processes), in alternating runs.
    const live = [],
      replay = [],
      liveCpu = [],
      replayCpu = [];
    let recordedLog;
    for (let i = 0; i < 3; i++) {
      const r = await runOnce(manifestPath, { dataDir });
      live.push(r.session.lastCallMs);
      liveCpu.push(r.session.lastCallCpuMs);
      recordedLog = r.session.logPath;
      const p = await runOnce(manifestPath, { dataDir, replayChainPath: recordedLog });
      if (p.session.replayReport?.verdict !== 'replayed')
        throw new Error(`benchmark replay did not reproduce the chain: ${p.session.replayReport?.message}`);
      replay.push(p.session.lastCallMs);
      replayCpu.push(p.session.lastCallCpuMs);
    }
    const ratio = median(replayCpu) / median(liveCpu);
    rows.push({ metric: `live run, ${CALLS} host calls, worker thread CPU`, value: median(liveCpu), unit: 'ms' });
    rows.push({ metric: `replay of the same run, worker thread CPU`, value: median(replayCpu), unit: 'ms' });
    rows.push({ metric: 'replay / live (CPU)', value: ratio, unit: '×', goal: '≤ 1.2×', met: ratio <= 1.2 });
    rows.push({ metric: `live run, wall`, value: median(live), unit: 'ms' });
    rows.push({ metric: `replay, wall`, value: median(replay), unit: 'ms' });
    rows.push({ metric: 'replay / live (wall)', value: median(replay) / median(live), unit: '×' });

    // Change one recorded output in the middle (in place) and time until the report names it.
    const { events } = loadChainFile(recordedLog);
    const at = Math.floor(events.length / 2);
    const data = Buffer.from(events[at].data)
      .toString('utf8')
      .replace(/"U64":(\d+)/, (_, n) => `"U64":${BigInt(n) ^ 1n}`);
    events[at] = { ...events[at], data: Buffer.from(data) };
    const tampered = join(dir, 'tampered.chain.json');
    writeFileSync(tampered, writeTheaterChainJson(events));
    const t0 = performance.now();
    const r = await runOnce(manifestPath, { dataDir, replayChainPath: tampered });
    const toReport = performance.now() - t0;
    const index = r.session.replayReport?.divergence?.index;
    if (index === undefined) throw new Error('the tampered replay reported no divergence');
    rows.push({ metric: `time to divergence report (changed event ${at}, reported ${index})`, value: toReport, unit: 'ms' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
