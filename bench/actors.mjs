// Living actors (issue 8): request round trip, one-way messages per second, warm start to init done,
// RSS with 100 idle actors. Each figure has its floor beside it, measured in the same run
// (actorFloors.mjs): the same thread crossings, synchronous appends, worker start or empty worker
// without the runtime. Times are wall clock (a delivery crosses threads; on a loaded machine they
// include waiting for a core); CPU figures count every thread of the process (process.cpuUsage).
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { actorCopy } from './runtime.mjs';
import { appendFloor, bareSpawn, emptyWorkerRss, mainWorkerRoundTrip, pct, workerWorkerRoundTrip } from './actorFloors.mjs';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { ActorSystem } = out('runtime/host/system.js');
const { ACTOR_WORKER_LIMITS, setPrewarm, useWorkerScript, whenSpareReady } = out('runtime/host/session.js');
const { verifyChainFile } = out('runtime/chain/chainFile.js');
// Actors run on the shipped worker bundle (what the extension and the CLI run), not the compiled
// per-file modules the unit tests use: one bundle loads less per worker.
const bundledWorker = join(root, 'dist', 'actorWorker.js');

const enc = new TextEncoder();
const cpuUs = (c) => c.user + c.system;
const initDone = (s) =>
  new Promise((resolve, reject) => {
    if (s.status === 'idle') return resolve();
    s.once('init-done', resolve);
    s.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
const ratio = (v, floor) => `${(v / floor).toFixed(1)}× floor`;

export async function run() {
  const rows = [];
  const row = (r) => rows.push(r);
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-actors-'));
  const dirs = [dataDir];
  if (!existsSync(bundledWorker)) throw new Error(`${bundledWorker} is missing: run \`npm run build\` first (npm run bench does)`);
  useWorkerScript(bundledWorker);
  try {
    // ---- floors (same run) ----
    const fMain = pct(await mainWorkerRoundTrip(2000), 0.5);
    const fRelay = pct(await workerWorkerRoundTrip('relay', 2000), 0.5);
    const fRouted = pct(await workerWorkerRoundTrip('routed', 2000), 0.5);
    const fDirect = pct(await workerWorkerRoundTrip('direct', 2000), 0.5);
    const app = appendFloor(join(dataDir, 'floor.log'), 5000);
    const fAppend = pct(app.xs, 0.5);
    row({ metric: 'floor: main ↔ worker postMessage round trip (median)', value: fMain, unit: 'µs' });
    row({ metric: 'floor: worker → main → worker → main → worker, caller blocked (median)', value: fRelay, unit: 'µs' });
    row({
      metric: "floor: worker → main → worker → worker (answer straight to the caller's flag), caller blocked (median)",
      value: fRouted,
      unit: 'µs',
      note: "the runtime's route for an actor → actor request",
    });
    row({ metric: 'floor: worker → worker → worker over a MessageChannel, caller blocked (median)', value: fDirect, unit: 'µs' });
    row({
      metric: 'floor: one synchronous append of a 300-byte line (median wall / CPU)',
      value: fAppend,
      unit: 'µs',
      note: `CPU ${app.cpu.toFixed(1)} µs`,
    });

    const base = mkdtempSync(join(tmpdir(), 'theater-bench-pair-'));
    dirs.push(base);
    // parent-actor finds ../counter-actor: copy both into one folder.
    for (const name of ['parent-actor', 'counter-actor']) {
      const d = actorCopy(name);
      dirs.push(d);
      cpSync(d, join(base, name), { recursive: true });
    }
    const system = new ActorSystem({ dataDir });
    const parent = await system.start({ manifestPath: join(base, 'parent-actor', 'manifest.toml') });
    await initDone(parent);
    const counter = [...system.get(parent.id).children][0].session;

    // ---- (a) request round trips ----
    // runtime → counter: one main ↔ worker round trip and two appends (WasmCall, WasmResult).
    // runtime → parent → counter: the parent's handle-request asks the counter; its duration, measured
    // in the parent's worker, is the actor → actor round trip (plus the parent's own appends).
    const N = 2000;
    const msg = enc.encode('get');
    const measure = async (id, inner) => {
      const xs = [];
      const inn = [];
      for (let i = 0; i < 200; i++) await system.request(undefined, id, msg); // warm-up
      const c0 = process.cpuUsage();
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        const r = await system.request(undefined, id, msg);
        xs.push((performance.now() - t0) * 1000);
        if (r.tag !== 'ok') throw new Error(`request failed: ${r.val}`);
        if (inner) inn.push(inner.lastCallMs * 1000);
      }
      return { xs, inn, cpu: cpuUs(process.cpuUsage(c0)) / N };
    };
    const direct = await measure(counter.id);
    const via = await measure(parent.id, parent);
    const oneHopFloor = fMain + 2 * fAppend;
    row({
      metric: 'request round trip, runtime → actor (median)',
      value: pct(direct.xs, 0.5),
      unit: 'µs',
      note: `p99 ${pct(direct.xs, 0.99).toFixed(0)} µs; CPU ${direct.cpu.toFixed(0)} µs; ${ratio(pct(direct.xs, 0.5), oneHopFloor)} (round trip + 2 appends)`,
    });
    // The inner request: to the main thread, on to the counter, whose worker answers the parent's
    // worker itself (3 hops); the counter's two appends, then the parent's append of the request
    // event before the guest goes on.
    const innerMedian = pct(via.inn, 0.5);
    const innerFloor = fRouted + 3 * fAppend;
    row({
      metric: 'request round trip actor → actor, inside the parent (median)',
      value: innerMedian,
      unit: 'µs',
      goal: '≤ 200 µs',
      met: innerMedian <= 200,
      note: `${ratio(innerMedian, innerFloor)} (routed + 3 appends = ${innerFloor.toFixed(0)} µs); direct-port floor ${(fDirect + 3 * fAppend).toFixed(0)} µs`,
    });
    row({ metric: 'request round trip actor → actor, inside the parent (p99)', value: pct(via.inn, 0.99), unit: 'µs' });
    row({
      metric: 'request runtime → parent → child (median)',
      value: pct(via.xs, 0.5),
      unit: 'µs',
      note: `CPU ${via.cpu.toFixed(0)} µs per request, all threads`,
    });

    // ---- (b) one-way messages ----
    // M sends queued at once, done when the last handle-send has returned (FIFO).
    const M = 10_000;
    const one = enc.encode('x');
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    const last = [];
    for (let i = 0; i < M; i++) last.push(system.sendAndWait(counter.id, one));
    await Promise.all(last);
    let cpu = cpuUs(process.cpuUsage(c0)) / M;
    const rate = M / ((performance.now() - t0) / 1000);
    const msgFloorCpu = 2 * app.cpu;
    row({
      metric: `one-way messages runtime → actor (${M}, recorded)`,
      value: rate,
      unit: 'msg/s',
      goal: '≥ 10000/s',
      met: rate >= 10_000,
      note: `CPU ${cpu.toFixed(0)} µs per message, all threads (floor: 2 appends = ${msgFloorCpu.toFixed(0)} µs CPU)`,
    });
    // actor → actor: the parent forwards each message it gets to its child with `send`.
    const M2 = 3000;
    t0 = performance.now();
    c0 = process.cpuUsage();
    for (let i = 0; i < M2; i++) void system.sendAndWait(parent.id, one);
    await system.whenQuiet();
    cpu = cpuUs(process.cpuUsage(c0)) / M2;
    const rate2 = M2 / ((performance.now() - t0) / 1000);
    row({
      metric: `one-way messages actor → actor (${M2}, parent forwards to child)`,
      value: rate2,
      unit: 'msg/s',
      note: `CPU ${cpu.toFixed(0)} µs per forwarded message, all threads (5 appends)`,
    });
    await system.stopAll();

    // ---- (c) start → init done, warm (transpile cached), with the spare worker(s) ready ----
    const fSpawn = pct(await bareSpawn(15), 0.5);
    row({ metric: 'floor: bare worker start to its first message (median)', value: fSpawn, unit: 'ms' });
    const spawnSystem = new ActorSystem({ dataDir });
    const counterManifest = join(base, 'counter-actor', 'manifest.toml');
    const warm = [];
    let warmCpu = 0;
    setPrewarm(true);
    for (let i = 0; i < 20; i++) {
      await whenSpareReady();
      const t = performance.now();
      const c = process.cpuUsage();
      const s = await spawnSystem.start({ manifestPath: counterManifest });
      await initDone(s);
      if (i >= 3) {
        warm.push(performance.now() - t);
        warmCpu += cpuUs(process.cpuUsage(c)) / 1000;
      }
      await spawnSystem.stop(s.id);
    }
    setPrewarm(false);
    const warmMedian = pct(warm, 0.5);
    row({
      metric: 'actor start → init done, warm, spare worker ready (median)',
      value: warmMedian,
      unit: 'ms',
      goal: '≤ 10 ms',
      met: warmMedian <= 10,
      note: `${(warmMedian / fSpawn).toFixed(2)}× a bare worker start; CPU ${(warmCpu / warm.length).toFixed(1)} ms per start, all threads`,
    });

    // ---- (d) RSS with 100 idle actors (all workers live in this process) ----
    const K = 100;
    const fRss = await emptyWorkerRss(K);
    row({ metric: `floor: RSS per empty worker (${K} alive)`, value: fRss, unit: 'MiB' });
    // The same empty worker with an actor's resource limits (its smaller young generation).
    const fRssLimits = await emptyWorkerRss(K, ACTOR_WORKER_LIMITS);
    row({ metric: `floor: RSS per empty worker with an actor's resource limits (${K} alive)`, value: fRssLimits, unit: 'MiB' });
    global.gc?.();
    const before = process.memoryUsage().rss;
    const idle = new ActorSystem({ dataDir });
    for (let i = 0; i < K; i++) await initDone(await idle.start({ manifestPath: counterManifest }));
    const perActor = (process.memoryUsage().rss - before) / K / 2 ** 20;
    await idle.stopAll();
    row({
      metric: `RSS per idle actor (${K} alive)`,
      value: perActor,
      unit: 'MiB',
      goal: '≤ 8 MiB',
      met: perActor <= 8,
      note: `${(perActor - fRss).toFixed(2)} MiB above an empty worker, ${(perActor - fRssLimits).toFixed(2)} above one with an actor's limits`,
    });

    // ---- (e) under load: N actors started at once, each runs init; peak RSS while they start ----
    for (const n of [50, 200]) {
      global.gc?.();
      const base0 = process.memoryUsage().rss;
      let peak = base0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const burst = new ActorSystem({ dataDir });
      const t0 = performance.now();
      const sessions = await Promise.all(Array.from({ length: n }, () => burst.start({ manifestPath: counterManifest })));
      await Promise.all(sessions.map(initDone));
      const ms = performance.now() - t0;
      peak = Math.max(peak, process.memoryUsage().rss);
      clearInterval(sampler);
      await burst.stopAll();
      const intact = sessions.filter((s) => verifyChainFile(s.logPath).result.ok).length;
      row({
        metric: `${n} actors started at once: all init done / peak RSS per actor`,
        value: (peak - base0) / n / 2 ** 20,
        unit: 'MiB',
        note: `${intact}/${n} chains verify; ${(ms / 1000).toFixed(1)} s to the last init; peak ${((peak - base0) / 2 ** 20).toFixed(0)} MiB above the process`,
      });
    }
  } finally {
    useWorkerScript(undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return rows;
}
