import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainEvent, ChainLogHeader } from '../../src/runtime/chain/event';
import { createChainEvent, toHex } from '../../src/runtime/chain/hash';
import {
  ChainLogWriter,
  encodeChainLogLine,
  parseChainLog,
  readChainLog,
  streamChainLog,
  writeChainLog,
} from '../../src/runtime/chain/log';
import { hostFunctionPayload, shutdownPayload, wasmCall } from '../../src/runtime/chain/payload';
import { writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-log-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (): string => path.join(tmp, `log-${n++}`, 'a.chain.jsonl');

const header: ChainLogHeader = {
  format: 'theater-vscode-chain',
  version: 1,
  actorId: '0b6a4c4e-0000-4000-8000-000000000000',
  actorName: 'tést',
  manifestPath: '/x/manifest.toml',
  componentSha256: null,
  startedAt: '2026-01-14T00:00:00.000Z',
};

function chain(count: number): ChainEvent[] {
  const out: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const data =
      i === 0
        ? wasmCall('theater:simple/actor.init', 'null')
        : hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', `{"U64":${18446744073709551615n - BigInt(i)}}`);
    const ev: ChainEvent = createChainEvent(parent, i === 0 ? 'wasm' : 'wasi:random/random@0.2.3/get-random-u64', data);
    out.push(ev);
    parent = ev.hash;
  }
  return out;
}

const hexes = (evs: ChainEvent[]): string[] => evs.map((e) => toHex(e.hash));

test('writer and reader round-trip events and header', () => {
  const p = file();
  const evs = chain(5);
  const w = ChainLogWriter.create(p, header);
  evs.forEach((e, i) => w.append(e, i));
  assert.equal(w.count, 5);
  w.close();
  w.close();
  const lines = fs.readFileSync(p, 'utf8').split('\n');
  assert.equal(lines.length, 7);
  assert.equal(lines[6], '');
  assert.deepEqual(JSON.parse(lines[0]!), header);
  const line1 = JSON.parse(lines[1]!);
  assert.deepEqual(Object.keys(line1), ['i', 'hash', 'parent_hash', 'event_type', 'data']);
  assert.equal(line1.parent_hash, null);
  assert.equal(Buffer.from(line1.data, 'base64').toString(), Buffer.from(evs[0]!.data).toString());
  const r = readChainLog(p);
  assert.deepEqual(r.header, header);
  assert.equal(r.tornTail, false);
  assert.deepEqual(r.problems, []);
  assert.deepStrictEqual(r.events, evs);
  assert.deepEqual(verifyChain(r.events), { ok: true, checked: 5 });
});

test('the writer refuses out-of-order indexes and broken links, and appends after close fail', () => {
  const evs = chain(3);
  const w = ChainLogWriter.create(file(), header);
  assert.throws(() => w.append(evs[0]!, 1), /next index must be 0/);
  w.append(evs[0]!, 0);
  assert.throws(
    () => w.append(evs[2]!, 1),
    /parent_hash is [0-9a-f]{7} but the log's last hash is [0-9a-f]{7}; append events in chain order/,
  );
  w.close();
  assert.throws(() => w.append(evs[1]!, 1), /is closed; reopen it with ChainLogWriter\.openForAppend/);
});

test('a torn last line is reported and ignored; openForAppend cuts it and continues the chain', () => {
  const p = file();
  const evs = chain(6);
  const w = ChainLogWriter.create(p, header);
  evs.slice(0, 4).forEach((e, i) => w.append(e, i));
  w.close();
  const torn = encodeChainLogLine(evs[4]!, 4);
  fs.appendFileSync(p, torn.slice(0, torn.length >> 1));

  const r = readChainLog(p);
  assert.equal(r.tornTail, true);
  assert.equal(r.events.length, 4);
  assert.deepEqual(hexes(r.events), hexes(evs.slice(0, 4)));
  assert.match(r.problems[0]!, /^the last line \(6\) is incomplete, as left by an interrupted write; it was ignored\.$/);

  const opened = ChainLogWriter.openForAppend(p);
  assert.equal(opened.count, 4);
  assert.equal(opened.tornTail, true);
  assert.equal(toHex(opened.lastHash!), toHex(evs[3]!.hash));
  assert.deepEqual(opened.header, header);
  opened.writer.append(evs[4]!, 4);
  opened.writer.append(evs[5]!, 5);
  opened.writer.close();

  const again = readChainLog(p);
  assert.equal(again.tornTail, false);
  assert.deepEqual(again.problems, []);
  assert.deepEqual(hexes(again.events), hexes(evs));
  assert.deepEqual(verifyChain(again.events), { ok: true, checked: 6 });
});

test('a whole last event missing only its newline is kept and the newline restored on append', () => {
  const p = file();
  const evs = chain(3);
  writeChainLog(p, header, evs.slice(0, 2));
  fs.truncateSync(p, fs.statSync(p).size - 1);
  const r = readChainLog(p);
  assert.equal(r.tornTail, false);
  assert.equal(r.events.length, 2);
  const opened = ChainLogWriter.openForAppend(p);
  assert.equal(opened.count, 2);
  opened.writer.append(evs[2]!, 2);
  opened.writer.close();
  assert.deepEqual(hexes(readChainLog(p).events), hexes(evs));
});

test('openForAppend on a header-only log starts at the root', () => {
  const p = file();
  ChainLogWriter.create(p, header).close();
  const opened = ChainLogWriter.openForAppend(p);
  assert.equal(opened.count, 0);
  assert.equal(opened.lastHash, null);
  const evs = chain(2);
  opened.writer.append(evs[0]!, 0);
  opened.writer.append(evs[1]!, 1);
  opened.writer.close();
  assert.deepEqual(hexes(readChainLog(p).events), hexes(evs));
});

test('damaged lines in the middle are reported, not fatal', () => {
  const evs = chain(3);
  const text = `${JSON.stringify(header)}\n${encodeChainLogLine(evs[0]!, 0)}{"i":1,"hash":"zz"}\n${encodeChainLogLine(evs[2]!, 2)}`;
  const r = parseChainLog(text, 'x.chain.jsonl');
  assert.equal(r.events.length, 2);
  assert.deepEqual(r.problems, [
    'line 3 (event 1) has no 40-digit hex "hash"; it was skipped.',
    'line 4 holds event 2 but event 1 was expected; events are missing or repeated.',
  ]);
  assert.equal(verifyChain(r.events).firstBad?.reason, 'parent');
  assert.throws(
    () => parseChainLog('{"not":"a header"}\n', 'x.chain.jsonl'),
    /^Error: x\.chain\.jsonl is not a theater-vscode chain log: its first line is not a/,
  );
  assert.throws(() => parseChainLog('', 'y.chain.jsonl'), /y\.chain\.jsonl is empty/);
  assert.throws(
    () => readChainLog(path.join(tmp, 'missing.jsonl')),
    /Cannot read the chain log .*missing\.jsonl: ENOENT; check that the file exists/,
  );
});

test('legacy fields survive the log', () => {
  const p = file();
  const base = createChainEvent(null, 'theater-runtime', new TextEncoder().encode('{}'));
  const ev: ChainEvent = { ...base, legacy: { timestamp: 18446744073709551615n, description: 'a "b"' } };
  writeChainLog(p, header, [ev]);
  assert.deepStrictEqual(readChainLog(p).events[0]!.legacy, { timestamp: 18446744073709551615n, description: 'a "b"' });
});

test('streamChainLog reads a multi-chunk log with a torn tail like readChainLog', async () => {
  const p = file();
  const evs: ChainEvent[] = [];
  let parent: Uint8Array | null = null;
  // ~3 MiB of lines so the 1 MiB chunks split lines.
  for (let i = 0; i < 40; i++) {
    const ev: ChainEvent = createChainEvent(parent, 'big', new Uint8Array(60_000).fill(i));
    evs.push(ev);
    parent = ev.hash;
  }
  writeChainLog(p, header, evs);
  fs.appendFileSync(p, '{"i":40,"hash":"ab');
  const seen: ChainEvent[] = [];
  let gotHeader: ChainLogHeader | undefined;
  const summary = await streamChainLog(
    p,
    (ev, i) => {
      assert.equal(i, seen.length);
      seen.push(ev);
    },
    (h) => {
      gotHeader = h;
    },
  );
  assert.deepEqual(gotHeader, header);
  assert.equal(summary.count, 40);
  assert.equal(summary.tornTail, true);
  assert.deepEqual(hexes(seen), hexes(evs));
  assert.deepEqual(summary.problems, readChainLog(p).problems);
});

test('loadChainFile tells our log from Theater JSON (array and StateChain object)', () => {
  const evs = chain(3);
  const p = file();
  writeChainLog(p, header, evs);
  const a = loadChainFile(p);
  assert.equal(a.format, 'jsonl');
  assert.deepEqual(a.header, header);
  assert.deepEqual(hexes(a.events), hexes(evs));
  const j = path.join(path.dirname(p), 'chain.json');
  fs.writeFileSync(j, writeTheaterChainJson(evs));
  assert.equal(loadChainFile(j).format, 'theater-json');
  assert.deepEqual(hexes(loadChainFile(j).events), hexes(evs));
  const s = path.join(path.dirname(p), 'state.json');
  fs.writeFileSync(s, JSON.stringify({ events: JSON.parse(writeTheaterChainJson(evs)), current_hash: [...evs[2]!.hash] }, null, 2));
  assert.deepEqual(hexes(loadChainFile(s).events), hexes(evs));
  const bad = path.join(path.dirname(p), 'bad.txt');
  fs.writeFileSync(bad, 'hello');
  assert.throws(() => loadChainFile(bad), /is neither a Theater chain\.json nor a theater-vscode chain log/);
});

test('a writer killed with SIGKILL leaves whole lines and at most one torn line', async () => {
  const p = file();
  const logModule = path.join(__dirname, '..', '..', 'src', 'runtime', 'chain', 'log.js');
  const hashModule = path.join(__dirname, '..', '..', 'src', 'runtime', 'chain', 'hash.js');
  const script = `
    const { ChainLogWriter } = require(${JSON.stringify(logModule)});
    const { createChainEvent } = require(${JSON.stringify(hashModule)});
    const w = ChainLogWriter.create(process.argv[1], ${JSON.stringify(header)});
    let parent = null;
    for (let i = 0; ; i++) {
      const ev = createChainEvent(parent, 'big', new Uint8Array(100000 + (i % 7)).fill(i & 255));
      w.append(ev, i);
      parent = ev.hash;
      if (i === 50) process.stdout.write('ready\\n');
    }`;
  const child = spawn(process.execPath, ['-e', script, p], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => resolve());
    child.on('exit', () => reject(new Error('the writer exited before it was killed')));
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const r = readChainLog(p);
  assert.ok(r.events.length > 50);
  assert.ok(r.problems.length <= 1);
  assert.equal(r.problems.length, r.tornTail ? 1 : 0);
  assert.deepEqual(verifyChain(r.events), { ok: true, checked: r.events.length });
  const opened = ChainLogWriter.openForAppend(p);
  assert.equal(opened.count, r.events.length);
  opened.writer.append(createChainEvent(opened.lastHash, 'shutdown', shutdownPayload()), opened.count);
  opened.writer.close();
  const after = readChainLog(p);
  assert.equal(after.tornTail, false);
  assert.deepEqual(verifyChain(after.events), { ok: true, checked: r.events.length + 1 });
});
