// Start of the real-toolchain actors (test-actors/build-native.mjs): cold (fresh transpile cache) and
// warm, for the 12 MB componentize-js actor (the transpile dominates a first start) and the C actor.
// Wall and CPU (every thread of this process: the transpile runs here, init in the actor's worker),
// in-process (start → init done) and as a user sees it (`theater run`, a fresh node process, wall and
// the child's CPU), each next to its floor: a fresh node process that only reads the component file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { actorCopy, runOnce } from './runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ms of the children this process has waited for (Linux /proc: cutime + cstime, 10 ms ticks). */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17 of stat(5)
  } catch {
    return NaN;
  }
}

/** Runs a fresh node process to its end: wall ms and its CPU ms. */
function child(args, env = {}) {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  return { wall, cpu: childrenCpuMs() - c0 };
}

async function inProcess(manifest, dataDir) {
  const c0 = cpuMs();
  const { initMs } = await runOnce(manifest, { dataDir });
  return { wall: initMs, cpu: cpuMs() - c0 };
}

export async function run() {
  const rows = [];
  const { buildNativeActors } = await import('../test-actors/build-native.mjs');
  await buildNativeActors({ quiet: true });
  const cli = join(root, 'bin', 'theater');
  for (const [name, colds, warms] of [
    ['js-actor', 2, 5],
    ['c-wasi-actor', 3, 7],
  ]) {
    const dir = actorCopy(name);
    const wasm = join(dir, `${name}.wasm`);
    if (!existsSync(wasm)) {
      rows.push({ metric: `${name}: not built here`, value: '', unit: '' });
      continue;
    }
    const manifest = join(dir, 'manifest.toml');
    const row = (what, xs, key) => rows.push({ metric: `${name}: ${what}`, value: median(xs.map((x) => x[key])), unit: `ms ${key}` });

    // In-process: start → init done.
    const cold = [];
    for (let i = 0; i < colds; i++) {
      const fresh = mkdtempSync(join(tmpdir(), 'theater-bench-cold-'));
      cold.push(await inProcess(manifest, fresh));
      rmSync(fresh, { recursive: true, force: true });
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-warm-'));
    await runOnce(manifest, { dataDir });
    const warm = [];
    for (let i = 0; i < warms; i++) warm.push(await inProcess(manifest, dataDir));
    rmSync(dataDir, { recursive: true, force: true });
    row('start → init done, cold (transpile)', cold, 'wall');
    row('start → init done, cold (transpile)', cold, 'cpu');
    row('start → init done, warm (cache)', warm, 'wall');
    row('start → init done, warm (cache)', warm, 'cpu');

    // As a user sees it: `theater run` in a fresh node process, against the floor of node reading the file.
    const floor = [];
    for (let i = 0; i < 3; i++) floor.push(child(['-e', `require('fs').readFileSync(${JSON.stringify(wasm)})`]));
    const cliCold = [];
    for (let i = 0; i < colds; i++) {
      const home = mkdtempSync(join(tmpdir(), 'theater-bench-cli-cold-'));
      cliCold.push(child([cli, 'run', manifest], { THEATER_VSCODE_HOME: home }));
      rmSync(home, { recursive: true, force: true });
    }
    const home = mkdtempSync(join(tmpdir(), 'theater-bench-cli-warm-'));
    child([cli, 'run', manifest], { THEATER_VSCODE_HOME: home });
    const cliWarm = [];
    for (let i = 0; i < Math.min(warms, 3); i++) cliWarm.push(child([cli, 'run', manifest], { THEATER_VSCODE_HOME: home }));
    rmSync(home, { recursive: true, force: true });
    row('floor: fresh node reads the component', floor, 'wall');
    row('floor: fresh node reads the component', floor, 'cpu');
    row('`theater run`, cold (transpile)', cliCold, 'wall');
    row('`theater run`, cold (transpile)', cliCold, 'cpu');
    row('`theater run`, warm (cache)', cliWarm, 'wall');
    row('`theater run`, warm (cache)', cliWarm, 'cpu');
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
