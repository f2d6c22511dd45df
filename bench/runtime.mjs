// Runtime benchmarks (issue: recording overhead, start cold/warm, verification rate, RSS per actor).
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { startActor, setPrewarm, whenSpareReady } = out('runtime/host/session.js');
const { transpileCached } = out('runtime/component/transpile.js');
const { randomHandler } = out('runtime/handlers/random.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');
const { verifyChain } = out('runtime/chain/verify.js');

export const CALLS = 100_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A copy of a test actor in a temp folder, with an init_state file and extra manifest lines. */
export function actorCopy(name, { state, manifestExtra = '' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `theater-bench-${name}-`));
  cpSync(join(root, 'test-actors', name), dir, { recursive: true, filter: (src) => !src.includes('/.theater') });
  let manifest = readFileSync(join(dir, 'manifest.toml'), 'utf8');
  if (state !== undefined) {
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    manifest = `init_state = "./state.json"\n${manifest}`;
  }
  writeFileSync(join(dir, 'manifest.toml'), manifest + manifestExtra);
  return dir;
}

export async function runOnce(manifestPath, opts = {}) {
  const t0 = performance.now();
  const session = await startActor({ manifestPath, ...opts });
  const initMs = await new Promise((resolve, reject) => {
    session.once('init-done', () => resolve(performance.now() - t0));
    session.done().then((o) => reject(new Error(`actor ended before init: ${o.error}`)));
  });
  const outcome = await session.stop();
  return { session, initMs, outcome };
}

/** The same loop with plain jco host imports (no binder, no recording), on the main thread. */
async function plainLoop(bytes, cacheDir, n) {
  const tp = await transpileCached(bytes, cacheDir);
  const { instantiate } = await import(pathToFileURL(join(tp.dir, 'actor.js')).href);
  const fns = randomHandler.create({}, { seed: 1n, max_bytes: 1048576 }).functions('wasi:random/random');
  const imports = {
    'wasi:random/random': { getRandomU64: fns['get-random-u64'], getRandomBytes: fns['get-random-bytes'] },
    'theater:simple/runtime': {
      log() {},
      getState() {
        return undefined;
      },
      getChain() {
        return { events: [] };
      },
      shutdown() {},
    },
    'theater:simple/types': {},
  };
  const inst = await instantiate((f) => WebAssembly.compile(readFileSync(join(tp.dir, f))), imports);
  const actor = inst['theater:simple/actor'] ?? inst.actor;
  const state = new TextEncoder().encode(String(n));
  const t0 = performance.now();
  actor.init(state);
  return performance.now() - t0;
}

export async function run() {
  const rows = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-data-'));
  try {
    // (a) recording overhead: 100k get-random-u64, recorded (worker, hash, log write) vs plain imports.
    const loopDir = actorCopy('loop-actor', { state: CALLS, manifestExtra: '\n[[handler]]\ntype = "random"\nseed = 1\n' });
    const bytes = readFileSync(join(loopDir, 'loop-actor.wasm'));
    await runOnce(join(loopDir, 'manifest.toml'), { dataDir }); // warm the transpile cache
    const recorded = [],
      plain = [];
    let lastLog;
    for (let i = 0; i < 3; i++) {
      const { session } = await runOnce(join(loopDir, 'manifest.toml'), { dataDir });
      recorded.push(session.lastCallMs);
      lastLog = session.logPath;
      plain.push(await plainLoop(bytes, join(dataDir, 'cache'), CALLS));
    }
    const rec = median(recorded),
      pl = median(plain);
    rows.push({ metric: 'host call, recorded (100k get-random-u64)', value: (rec * 1000) / CALLS, unit: 'µs/call' });
    rows.push({ metric: 'host call, plain jco imports', value: (pl * 1000) / CALLS, unit: 'µs/call' });
    rows.push({ metric: 'recording overhead (recorded / plain)', value: rec / pl, unit: '×', goal: '≤ 1.5×', met: rec / pl <= 1.5 });

    // (b) start → init complete, cold (fresh transpile cache) and warm.
    const randomDir = actorCopy('wasi-random-test');
    const cold = [],
      warm = [];
    for (let i = 0; i < 3; i++) {
      const fresh = mkdtempSync(join(tmpdir(), 'theater-bench-cold-'));
      cold.push((await runOnce(join(randomDir, 'manifest.toml'), { dataDir: fresh })).initMs);
      rmSync(fresh, { recursive: true, force: true });
    }
    for (let i = 0; i < 7; i++) warm.push((await runOnce(join(randomDir, 'manifest.toml'), { dataDir })).initMs);
    // The extension keeps one spare worker booted (setPrewarm); the CLI does not.
    const spareWarm = [];
    setPrewarm(true);
    for (let i = 0; i < 7; i++) {
      await whenSpareReady();
      spareWarm.push((await runOnce(join(randomDir, 'manifest.toml'), { dataDir })).initMs);
    }
    setPrewarm(false);
    rows.push({
      metric: 'start → init done, cold (transpile)',
      value: median(cold),
      unit: 'ms',
      goal: '≤ 1000 ms',
      met: median(cold) <= 1000,
    });
    rows.push({
      metric: 'start → init done, warm (cache), spare worker ready (extension)',
      value: median(spareWarm),
      unit: 'ms',
      goal: '≤ 50 ms',
      met: median(spareWarm) <= 50,
    });
    rows.push({ metric: 'start → init done, warm (cache), worker booted on demand (CLI)', value: median(warm), unit: 'ms' });

    // (c) verification rate of the 100k-event chain the loop actor just recorded.
    const { events } = loadChainFile(lastLog);
    const v0 = performance.now();
    const verdict = verifyChain(events);
    const vMs = performance.now() - v0;
    if (!verdict.ok) throw new Error(`benchmark chain does not verify: ${verdict.firstBad.message}`);
    const rate = events.length / (vMs / 1000);
    rows.push({
      metric: `chain verification (${events.length} events)`,
      value: rate,
      unit: 'events/s',
      goal: '≥ 200000/s',
      met: rate >= 200_000,
    });

    // (d) RSS per extra idle actor (workers live in this process).
    const idle = [];
    global.gc?.();
    const before = process.memoryUsage().rss;
    const N = 8;
    for (let i = 0; i < N; i++) {
      const session = await startActor({ manifestPath: join(randomDir, 'manifest.toml'), dataDir });
      await new Promise((r) => session.once('init-done', r));
      idle.push(session);
    }
    const perActor = (process.memoryUsage().rss - before) / N / 2 ** 20;
    await Promise.all(idle.map((s) => s.stop()));
    rows.push({ metric: 'RSS per extra running actor', value: perActor, unit: 'MiB', goal: '≤ 8 MiB', met: perActor <= 8 });
    rmSync(loopDir, { recursive: true, force: true });
    rmSync(randomDir, { recursive: true, force: true });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
