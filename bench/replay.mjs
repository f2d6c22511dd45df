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
const RUNS = 5;

export async function run() {
  const rows = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-replay-'));
  // One manifest for both sides, with the random handler seeded as in the runtime section's recorded
  // row (a replay runs no handler at all: every answer comes from the chain, which the divergence
  // row below shows). Each run is a fresh worker (no spare: prewarming is off here).
  const dir = actorCopy('loop-actor', { state: CALLS, seedRandom: 1 });
  const manifestPath = join(dir, 'manifest.toml');
  try {
    let recordedLog = (await runOnce(manifestPath, { dataDir })).session.logPath;
    // CPU time of the worker thread: in the guest call (init makes the 100k host calls) and in the
    // shutdown (a replay's verdict: both chains compared); wall time of the call beside it. RUNS
    // alternating runs, the order swapped every other pair (each follows a 40 MB write of the other).
    const sides = { live: { call: [], shutdown: [], worker: [], wall: [] }, replay: { call: [], shutdown: [], worker: [], wall: [] } };
    const note = (side, s) => {
      sides[side].call.push(s.lastCallCpuMs);
      sides[side].shutdown.push(s.shutdownCpuMs);
      sides[side].worker.push(s.workerCpuMs);
      sides[side].wall.push(s.lastCallMs);
    };
    const live = async () => {
      const { session } = await runOnce(manifestPath, { dataDir });
      note('live', session);
      rmSync(recordedLog, { force: true });
      recordedLog = session.logPath;
    };
    const replay = async () => {
      const { session } = await runOnce(manifestPath, { dataDir, replayChainPath: recordedLog });
      if (session.replayReport?.verdict !== 'replayed')
        throw new Error(`benchmark replay did not reproduce the chain: ${session.replayReport?.message}`);
      note('replay', session);
      rmSync(session.logPath, { force: true });
    };
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) {
        await live();
        await replay();
      } else {
        await replay();
        await live();
      }
    }
    const m = (side, k) => median(sides[side][k]);
    const perCall = (ms) => (ms * 1000) / CALLS;
    const liveCall = m('live', 'call'),
      replayCall = m('replay', 'call');
    const liveAll = median(sides.live.call.map((c, i) => c + sides.live.shutdown[i]));
    const replayAll = median(sides.replay.call.map((c, i) => c + sides.replay.shutdown[i]));
    const ratio = replayCall / liveCall;
    const runs = `median of ${RUNS} alternating runs`;
    rows.push({ metric: `live run, ${CALLS} host calls, worker thread CPU in the call (${runs})`, value: liveCall, unit: 'ms' });
    rows.push({ metric: `  per host call`, value: perCall(liveCall), unit: 'µs/call' });
    rows.push({ metric: `replay of the same run, worker thread CPU in the call`, value: replayCall, unit: 'ms' });
    rows.push({ metric: `  per host call`, value: perCall(replayCall), unit: 'µs/call' });
    rows.push({ metric: 'replay / live (CPU, the call)', value: ratio, unit: '×', goal: '≤ 1.2×', met: ratio <= 1.2 });
    rows.push({ metric: "replay's extra per host call (replay − live, the call)", value: perCall(replayCall - liveCall), unit: 'µs/call' });
    rows.push({ metric: 'live shutdown, worker thread CPU', value: m('live', 'shutdown'), unit: 'ms' });
    rows.push({ metric: 'replay shutdown (the verdict: both chains compared), worker CPU', value: m('replay', 'shutdown'), unit: 'ms' });
    rows.push({ metric: 'replay / live (CPU, call + shutdown)', value: replayAll / liveAll, unit: '×' });
    rows.push({ metric: "replay's extra per host call (call + shutdown)", value: perCall(replayAll - liveAll), unit: 'µs/call' });
    rows.push({
      metric: 'whole worker thread, start to close (set-up, the call, the verdict): replay / live',
      value: m('replay', 'worker') / m('live', 'worker'),
      unit: '×',
      note: `${m('live', 'worker').toFixed(0)} → ${m('replay', 'worker').toFixed(0)} ms`,
    });
    rows.push({ metric: `live run, wall (the call)`, value: m('live', 'wall'), unit: 'ms' });
    rows.push({ metric: `replay, wall (the call)`, value: m('replay', 'wall'), unit: 'ms' });
    rows.push({ metric: 'replay / live (wall)', value: m('replay', 'wall') / m('live', 'wall'), unit: '×' });

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
