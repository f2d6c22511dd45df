// Start of the real-toolchain actors (test-actors/build-native.mjs): cold (fresh transpile cache) and
// warm, for the 12 MB componentize-js actor (the transpile dominates a first start) and the C actor.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { actorCopy, runOnce } from './runtime.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const rows = [];
  const { buildNativeActors } = await import('../test-actors/build-native.mjs');
  await buildNativeActors({ quiet: true });
  for (const [name, colds, warms] of [
    ['js-actor', 2, 5],
    ['c-wasi-actor', 3, 7],
  ]) {
    const dir = actorCopy(name);
    if (!existsSync(join(dir, `${name}.wasm`))) {
      rows.push({ metric: `${name}: not built here`, value: '', unit: '' });
      continue;
    }
    const manifest = join(dir, 'manifest.toml');
    const cold = [];
    for (let i = 0; i < colds; i++) {
      const fresh = mkdtempSync(join(tmpdir(), 'theater-bench-cold-'));
      cold.push((await runOnce(manifest, { dataDir: fresh })).initMs);
      rmSync(fresh, { recursive: true, force: true });
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-warm-'));
    await runOnce(manifest, { dataDir });
    const warm = [];
    for (let i = 0; i < warms; i++) warm.push((await runOnce(manifest, { dataDir })).initMs);
    rmSync(dataDir, { recursive: true, force: true });
    rows.push({ metric: `${name}: start → init done, cold (transpile)`, value: median(cold), unit: 'ms' });
    rows.push({ metric: `${name}: start → init done, warm (cache)`, value: median(warm), unit: 'ms' });
  }
  return rows;
}
