// Event Chain explorer: time from opening a 100k-event chain file to its first page of tree rows.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { createChainEvent } = out('runtime/chain/hash.js');
const { hostFunctionPayload } = out('runtime/chain/payload.js');
const { writeChainLog } = out('runtime/chain/log.js');
const { writeTheaterChainJson } = out('runtime/chain/theaterJson.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');
const { ChainSource } = out('extension/model/chainSource.js');
const { writeFileSync } = require('node:fs');

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'theater-bench-explorer-'));
  const N = 100_000;
  const events = [];
  for (let i = 0; i < N; i++) {
    events.push(
      createChainEvent(
        events[i - 1]?.hash ?? null,
        'wasi:random/random@0.2.3/get-random-u64',
        hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', `{"U64":${BigInt(i) * 184467440737095n}}`),
      ),
    );
  }
  const log = join(dir, 'big.chain.jsonl');
  writeChainLog(
    log,
    {
      format: 'theater-vscode-chain',
      version: 1,
      actorId: 'bench',
      actorName: 'bench',
      manifestPath: null,
      componentSha256: null,
      startedAt: new Date().toISOString(),
    },
    events,
  );
  const json = join(dir, 'big.chain.json');
  writeFileSync(json, writeTheaterChainJson(events));
  const rows = [];
  for (const [label, file] of [
    ['our log (.chain.jsonl)', log],
    ['Theater chain.json', json],
  ]) {
    const t0 = performance.now();
    const loaded = loadChainFile(file);
    const source = new ChainSource('bench', 'bench', loaded.events, false);
    const page = source.visible().indexes.map((i) => source.decode(i).summary);
    const ms = performance.now() - t0;
    if (page.length !== 500) throw new Error('first page is not 500 rows');
    rows.push({ metric: `open 100k-event ${label} → first page of 500 rows`, value: ms, unit: 'ms', goal: '< 1000 ms', met: ms < 1000 });
    const v0 = performance.now();
    const integrity = source.verifyNew();
    if (integrity.state !== 'intact') throw new Error('benchmark chain broken');
    rows.push({ metric: `  verify it for the integrity badge`, value: performance.now() - v0, unit: 'ms' });
  }
  rmSync(dir, { recursive: true, force: true });
  return rows;
}
