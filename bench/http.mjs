// wasi-http (test-actors/js-fetch-actor, js-http-server-actor; componentize-js): the round trip of a
// request to an actor's incoming handler (a real client on loopback: queued call, recorded request
// and response, on disk before the answer) and a warm start whose init does one recorded fetch.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { actorCopy, runOnce } from './runtime.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startActor } = require(join(root, 'out', 'src', 'runtime', 'host', 'session.js'));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const REQUESTS = 200;

export async function run() {
  const rows = [];
  const { buildNativeActors } = await import('../test-actors/build-native.mjs');
  await buildNativeActors({ quiet: true, only: ['js-fetch-actor', 'js-http-server-actor'] });
  const dataDir = mkdtempSync(join(tmpdir(), 'theater-bench-http-'));
  try {
    const serverDir = actorCopy('js-http-server-actor');
    if (!existsSync(join(serverDir, 'js-http-server-actor.wasm')))
      return [{ metric: 'wasi-http actors: not built here', value: '', unit: '' }];
    const session = await startActor({ manifestPath: join(serverDir, 'manifest.toml'), dataDir });
    const { port } = await new Promise((resolve, reject) => {
      session.once('http-listening', resolve);
      session.done().then((o) => reject(new Error(`the server actor ended: ${o.error}`)));
    });
    const url = `http://127.0.0.1:${port}/bench`;
    for (let i = 0; i < 10; i++) await (await fetch(url, { method: 'POST', body: 'warm-up' })).text();
    const rtt = [];
    const t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      const s = performance.now();
      await (await fetch(url, { method: 'POST', body: `request ${i}` })).text();
      rtt.push(performance.now() - s);
    }
    const total = performance.now() - t0;
    await session.stop();
    rows.push({ metric: 'incoming request → response (median, recorded, on disk first)', value: pct(rtt, 0.5), unit: 'ms' });
    rows.push({ metric: 'incoming request → response (p95)', value: pct(rtt, 0.95), unit: 'ms' });
    rows.push({ metric: 'incoming requests, one client in sequence', value: (REQUESTS / total) * 1000, unit: 'req/s' });
    rmSync(serverDir, { recursive: true, force: true });

    const pong = http.createServer((req, res) => req.resume().on('end', () => res.end('pong')));
    await new Promise((r) => pong.listen(0, '127.0.0.1', r));
    const fetchDir = actorCopy('js-fetch-actor');
    writeFileSync(join(fetchDir, 'url.json'), JSON.stringify({ url: `http://127.0.0.1:${pong.address().port}/` }));
    const manifest = join(fetchDir, 'manifest.toml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(manifest, `init_state = "./url.json"\n${readFileSync(manifest, 'utf8')}`);
    await runOnce(manifest, { dataDir });
    const starts = [];
    for (let i = 0; i < 5; i++) starts.push((await runOnce(manifest, { dataDir })).initMs);
    pong.close();
    rmSync(fetchDir, { recursive: true, force: true });
    rows.push({ metric: 'js-fetch-actor: warm start → init done (one recorded fetch)', value: pct(starts, 0.5), unit: 'ms' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
