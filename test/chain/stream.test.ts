// Chains of any size: the streaming readers and writer agree byte for byte with the whole-file ones
// (across chunk boundaries), and the CLI verifies and exports large files in a 64 MiB heap.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ChainFileReader, forEachChainEvent, loadChainFile, verifyChainFile } from '../../src/runtime/chain/chainFile';
import type { ChainEvent, ChainLogHeader } from '../../src/runtime/chain/event';
import { createChainEvent, toHex } from '../../src/runtime/chain/hash';
import { ChainLogReader, ChainLogWriter } from '../../src/runtime/chain/log';
import { readTheaterChainJson, TheaterJsonReader, TheaterJsonWriter, writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { tempDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const header: ChainLogHeader = {
  format: 'theater-vscode-chain',
  version: 1,
  actorId: 'a',
  actorName: 'big',
  manifestPath: null,
  componentSha256: null,
  startedAt: '2026-01-01T00:00:00.000Z',
};

function chain(n: number, dataBytes: (i: number) => number): ChainEvent[] {
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const data = new TextEncoder().encode(JSON.stringify({ i, pad: 'é\\"'.repeat(dataBytes(i)) }));
    const ev = createChainEvent(parent, i % 3 ? 'wasi:random/random@0.2.3/get-random-u64' : 'wasm', data);
    out.push(ev);
    parent = ev.hash;
  }
  return out;
}

const hexes = (evs: readonly ChainEvent[]) => evs.map((e) => toHex(e.hash));

test('TheaterJsonWriter writes exactly what writeTheaterChainJson writes; the reader reads it back across any chunk size', () => {
  const evs = chain(40, (i) => (i * 37) % 300);
  evs[5] = { ...evs[5]!, legacy: { timestamp: 18446744073709551615n, description: 'a "b"' } };
  for (const list of [[], evs.slice(0, 1), evs]) {
    let text = '';
    const w = new TheaterJsonWriter((t) => (text += t));
    for (const ev of list) w.add(ev);
    w.end();
    assert.equal(text, writeTheaterChainJson(list));
  }
  const bytes = Buffer.from(writeTheaterChainJson(evs), 'utf8');
  const wrapped = Buffer.from(`\ufeff {"current_hash": [1, 2], "events": ${bytes.toString('utf8')} , "x": {"y": "]"}}\n`, 'utf8');
  const file = path.join(tempDir('stream-json'), 'c.json');
  for (const chunk of [1, 7, 4096]) {
    for (const input of [bytes, wrapped]) {
      fs.writeFileSync(file, input);
      const fd = fs.openSync(file, 'r');
      const r = new TheaterJsonReader(fd, 'chain.json', undefined, chunk);
      const back: ChainEvent[] = [];
      for (let ev = r.next(); ev; ev = r.next()) back.push(ev);
      fs.closeSync(fd);
      assert.deepEqual(hexes(back), hexes(evs), `chunk ${chunk}`);
      assert.equal(back[5]!.legacy?.timestamp, 18446744073709551615n);
    }
  }
  assert.throws(() => readTheaterChainJson(bytes.toString('utf8') + ' x', 'c.json'), /c\.json is not valid JSON \(unexpected "x"/);
  assert.throws(() => readTheaterChainJson(bytes.toString('utf8').slice(0, 5000), 'c.json'), /c\.json is not valid JSON \(unexpected end/);
});

test('ChainLogReader reads lines across chunk boundaries, resumes at an offset, and reports a torn tail', () => {
  const dir = tempDir('stream-log');
  const p = path.join(dir, 'x.chain.jsonl');
  const evs = chain(30, (i) => (i * 53) % 400);
  const w = ChainLogWriter.create(p, header);
  evs.forEach((ev, i) => w.append(ev, i));
  w.close();
  fs.appendFileSync(p, '{"i":30,"hash":"ab');
  for (const chunk of [1, 13, 1 << 20]) {
    const fd = fs.openSync(p, 'r');
    const r = new ChainLogReader(fd, p, 0, undefined, chunk);
    r.readHeader();
    const back: ChainEvent[] = [];
    const starts: number[] = [];
    for (let ev = r.next(); ev; ev = r.next()) {
      back.push(ev);
      starts.push(r.lastStart);
    }
    fs.closeSync(fd);
    assert.deepEqual(hexes(back), hexes(evs));
    assert.equal(r.summary().tornTail, true);
    const page = ChainFileReader.openAt(p, 'jsonl', starts[17]!, 17);
    assert.deepEqual(
      [page.next(), page.next()].map((e) => toHex(e!.hash)),
      hexes(evs.slice(17, 19)),
    );
    page.close();
  }
  const j = path.join(dir, 'x.json');
  fs.writeFileSync(j, writeTheaterChainJson(evs));
  const offsets: number[] = [];
  forEachChainEvent(j, () => {});
  const r = ChainFileReader.open(j);
  for (let ev = r.next(); ev; ev = r.next()) offsets.push(r.lastRange.start);
  r.close();
  const page = ChainFileReader.openAt(j, 'theater-json', offsets[29]!, 29);
  assert.equal(toHex(page.next()!.hash), toHex(evs[29]!.hash));
  assert.equal(page.next(), undefined);
  page.close();
  assert.equal(verifyChainFile(j).result.ok, true);
  assert.deepEqual(hexes(loadChainFile(j).events), hexes(evs));
});

const bin = path.join(projectRoot, 'bin', 'theater');
const built = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'));

/** Writes a log of at least `bytes` with 1 KiB events, streaming (the test itself stays small). */
function bigLog(file: string, bytes: number): { count: number; head: string } {
  const w = ChainLogWriter.create(file, header);
  let parent: Uint8Array | null = null;
  let i = 0;
  while (i * 1100 < bytes) {
    const data = Buffer.from(JSON.stringify({ category: 'HostFunction', n: i, pad: 'x'.repeat(1000) }));
    const ev = createChainEvent(parent, 'theater:simple/runtime/log', data);
    w.append(ev, i++);
    parent = ev.hash;
  }
  w.close();
  return { count: i, head: toHex(parent!) };
}

test(
  'the CLI verifies a 64 MiB log and exports and verifies a 55 MB chain.json in a 64 MiB heap',
  { skip: !built && 'run `npm run build` first' },
  () => {
    const dir = tempDir('stream-cli');
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['--max-old-space-size=64', bin, ...args], { encoding: 'utf8' });
      return { code: r.status, out: r.stdout + r.stderr };
    };
    const big = path.join(dir, 'big.chain.jsonl');
    const { count, head } = bigLog(big, 64 * 2 ** 20);
    assert.ok(fs.statSync(big).size >= 64 * 2 ** 20);
    let r = cli('chain', 'verify', big);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, `${big}: intact, ${count} events, head ${head.slice(0, 7)}\n`);

    const mid = path.join(dir, 'mid.chain.jsonl');
    const m = bigLog(mid, 8 * 2 ** 20);
    const json = path.join(dir, 'mid.json');
    r = cli('chain', 'export', mid, '--out', json);
    assert.equal(r.code, 0, r.out);
    assert.ok(fs.statSync(json).size > 50e6, `${fs.statSync(json).size}`);
    r = cli('chain', 'verify', json);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`intact, ${m.count} events, head ${m.head.slice(0, 7)}`));
    r = cli('chain', 'diff', mid, json);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^identical: ${m.count} events`));
    fs.rmSync(dir, { recursive: true, force: true });
  },
);
