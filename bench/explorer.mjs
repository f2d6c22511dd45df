// Event Chain explorer: opening a big chain file must not block the extension host's thread. For a
// 100k- and a 300k-event log and a 100k-event Theater chain.json (generated here, streamed to disk),
// measures the time to the first page of decoded rows, the time until the whole file is read and
// verified, and what the calling thread (the extension host's, here this one) spent meanwhile: its
// busy time (event-loop utilization: the time it ran anything) and its longest stall. Before: the
// same file loaded, verified and paged on the calling thread (what the extension did until now).
import { createRequire } from 'node:module';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { createChainEvent } = out('runtime/chain/hash.js');
const { hostFunctionPayload } = out('runtime/chain/payload.js');
const { ChainLogWriter } = out('runtime/chain/log.js');
const { TheaterJsonWriter } = out('runtime/chain/theaterJson.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');
const { ChainSource, PAGE } = out('extension/model/chainSource.js');
const { FileChainSource } = out('extension/model/fileChainSource.js');

const header = {
  format: 'theater-vscode-chain',
  version: 1,
  actorId: 'bench',
  actorName: 'bench',
  manifestPath: null,
  componentSha256: null,
  startedAt: new Date().toISOString(),
};

/** Writes n random-u64 host calls (about 390 bytes a line, as the 300k-event, 116 MB log of issue 11) to our log and optionally a chain.json. */
function generate(dir, n, withJson) {
  const log = join(dir, `${n}.chain.jsonl`);
  const w = ChainLogWriter.create(log, header);
  let jfd, jw;
  if (withJson) {
    jfd = openSync(join(dir, `${n}.chain.json`), 'w');
    jw = TheaterJsonWriter.toFd(jfd);
  }
  let parent = null;
  for (let i = 0; i < n; i++) {
    const data = hostFunctionPayload(
      'wasi:random/random@0.2.3',
      'get-random-u64',
      '{"Tuple":[]}',
      `{"U64":${BigInt(i) * 184467440737095n}}`,
    );
    const ev = createChainEvent(parent, 'wasi:random/random@0.2.3/get-random-u64', data);
    w.append(ev, i);
    jw?.add(ev);
    parent = ev.hash;
  }
  w.close();
  if (jw) {
    jw.end();
    closeSync(jfd);
  }
  return { log, json: withJson ? join(dir, `${n}.chain.json`) : undefined };
}

/** Opens through the worker; resolves with timings and the calling thread's busy time. */
async function openInWorker(file) {
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  let wake;
  const source = new FileChainSource('bench', 'bench', file, () => wake?.());
  await source.ready();
  const firstPage = performance.now() - t0;
  const eluFirst = performance.eventLoopUtilization(elu0);
  const rows = source.visible().indexes.map((i) => source.decode(i).summary);
  if (rows.length !== PAGE) throw new Error(`first page has ${rows.length} rows`);
  while (source.reading) await new Promise((r) => (wake = r));
  const all = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  stall.disable();
  if (source.verification.state !== 'intact') throw new Error('benchmark chain broken');
  const total = source.total;
  source.dispose();
  return { firstPage, firstBusy: eluFirst.active, all, busy: elu.active, maxStall: stall.max / 1e6, total };
}

/** Before: the whole file loaded, verified and paged on the calling thread. */
function openOnThread(file) {
  const t0 = performance.now();
  const loaded = loadChainFile(file);
  const source = new ChainSource('bench', 'bench', loaded.events, false);
  source.visible().indexes.map((i) => source.decode(i).summary);
  const firstPage = performance.now() - t0;
  if (source.verifyNew().state !== 'intact') throw new Error('benchmark chain broken');
  return { firstPage, all: performance.now() - t0 };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'theater-bench-explorer-'));
  const rows = [];
  try {
    const a = generate(dir, 100_000, true);
    const b = generate(dir, 300_000, false);
    for (const [label, file] of [
      ['100k-event Theater chain.json', a.json],
      ['100k-event log (.chain.jsonl)', a.log],
      ['300k-event log (.chain.jsonl)', b.log],
    ]) {
      const mb = statSync(file).size / 2 ** 20;
      // The worker side first: the other leaves a heap of garbage whose collection would be counted here.
      const r = await openInWorker(file);
      const before = openOnThread(file);
      const name = `${label}, ${mb.toFixed(0)} MB`;
      rows.push({
        metric: `${name}: first page of ${PAGE} rows`,
        value: r.firstPage,
        unit: 'ms',
        goal: '< 1000 ms',
        met: r.firstPage < 1000,
      });
      rows.push({
        metric: `  host thread busy until the first page`,
        value: r.firstBusy,
        unit: 'ms',
        goal: '~0 (worker)',
        met: r.firstBusy < 50,
      });
      rows.push({ metric: `  all ${r.total} events read and verified`, value: r.all, unit: 'ms' });
      rows.push({
        metric: `  host thread busy meanwhile`,
        value: r.busy,
        unit: 'ms',
        goal: '~0 (worker)',
        met: r.busy < 0.05 * r.all + 50,
      });
      rows.push({
        metric: `  host thread's longest stall meanwhile`,
        value: r.maxStall,
        unit: 'ms',
        goal: '< 100 ms',
        met: r.maxStall < 100,
      });
      rows.push({ metric: `  before: first page on the host thread (blocked all along)`, value: before.firstPage, unit: 'ms' });
      rows.push({ metric: `  before: read and verified on the host thread`, value: before.all, unit: 'ms' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
