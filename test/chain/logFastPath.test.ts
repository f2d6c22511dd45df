// Reading a log line from its bytes (the fast path in log.ts) must give exactly what the general
// parser gives for the same text: the same event, or the same problem. Checked on seeded random
// lines as the writer writes them and on the same lines with bytes changed at random.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ChainEvent } from '../../src/runtime/chain/event';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChainFileReader } from '../../src/runtime/chain/chainFile';
import {
  ChainLogReader,
  EventLineView,
  lineExpectation,
  decodeChainLogLine,
  decodeChainLogLineGeneral,
  encodeChainLogLine,
  parseChainLog,
  readChainLog,
  writeChainLog,
} from '../../src/runtime/chain/log';
import { seededRandom as rng } from '../helpers/chainText';

const HEADER = JSON.stringify({
  format: 'theater-vscode-chain',
  version: 1,
  actorId: 'id',
  actorName: 'a',
  manifestPath: null,
  componentSha256: null,
  startedAt: new Date(0).toISOString(),
});

const TYPES = ['wasm', 'wasi:random/random@0.2.3/get-random-u64', 'é/中', 'a"b', 'tab\there', 'x\\y', ''];
// Bytes that matter to the parsers: quotes, escapes, padding, digits, hex and non-hex letters, NUL, invalid UTF-8.
const NOISE = [0x22, 0x5c, 0x3d, 0x30, 0x39, 0x61, 0x66, 0x67, 0x41, 0x2b, 0x2f, 0x2d, 0x20, 0x7d, 0x7b, 0x2c, 0x3a, 0x00, 0xff, 0xc3];

function randomEvent(r: () => number): ChainEvent {
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  let data: Uint8Array;
  const k = r();
  if (k < 0.15) data = new Uint8Array(0);
  else if (k < 0.35)
    // A long list<u8>: stored packed.
    data = new TextEncoder().encode(`{"List":[${Array.from(bytes(40 + Math.floor(r() * 200)), (b) => `{"U8":${b}}`).join(',')}]}`);
  else data = bytes(Math.floor(r() * 120));
  const ev: ChainEvent = {
    hash: bytes(20),
    parentHash: r() < 0.1 ? null : bytes(20),
    eventType: TYPES[Math.floor(r() * TYPES.length)]!,
    data,
  };
  if (r() < 0.1) ev.cause = { actor: 'b', event: 'ab'.repeat(20) };
  // Most of our lines carry when they were recorded (outside the hashed data).
  if (r() < 0.7) ev.at = r() < 0.05 ? 0 : Math.floor(r() * 2 ** 43);
  if (r() < 0.05) ev.legacy = { timestamp: BigInt(Math.floor(r() * 2 ** 53)) * 1000n, description: r() < 0.5 ? null : 'd' };
  return ev;
}

/** The general parser's verdict on a line, next to what a whole-log read (which takes the fast path) makes of it. */
function compare(line: Buffer, where: string): void {
  const text = line.toString('utf8');
  const expected = decodeChainLogLineGeneral(text, 2);
  // A single line given as text (how a session follows its log) gets the same answer.
  assert.deepEqual(decodeChainLogLine(text, 2), expected, `${where}: decodeChainLogLine`);
  const log = parseChainLog(Buffer.concat([Buffer.from(`${HEADER}\n`), line, Buffer.from('\n')]));
  if (typeof expected === 'string') {
    assert.equal(log.events.length, 0, `${where}: the general parser rejects it (${expected})`);
    assert.equal(log.problems[0], expected, where);
  } else {
    assert.equal(log.events.length, 1, `${where}: the general parser reads event ${expected.i}`);
    assert.deepEqual(log.events[0], expected.ev, where);
    assert.equal(log.broken === undefined, expected.i === 0, `${where}: index ${expected.i}`);
  }
}

test('lines as the writer writes them read the same on the fast path (1,000 seeded events)', () => {
  const r = rng(2026);
  for (let n = 0; n < 1000; n++) {
    const ev = randomEvent(r);
    const index = r() < 0.5 ? 0 : Math.floor(r() * 1e9);
    compare(Buffer.from(encodeChainLogLine(ev, index), 'utf8').subarray(0, -1), `event ${n}`);
  }
});

test('lines with bytes changed at random get the same event or the same problem (4,000 seeded lines)', () => {
  const r = rng(7);
  for (let n = 0; n < 4000; n++) {
    const line = Buffer.from(Buffer.from(encodeChainLogLine(randomEvent(r), r() < 0.7 ? 0 : 12), 'utf8').subarray(0, -1));
    const changes = 1 + Math.floor(r() * 3);
    for (let c = 0; c < changes; c++) {
      const at = Math.floor(r() * line.length);
      const op = r();
      if (op < 0.8) line[at] = NOISE[Math.floor(r() * NOISE.length)]!;
      else line.copyWithin(at, at + 1); // a byte dropped (the last one doubled)
    }
    compare(line, `line ${n}`);
  }
});

test('nextOfType returns exactly the events of that type a full read returns, in order', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-fastpath-'));
  try {
    const r = rng(11);
    const events = Array.from({ length: 400 }, () => randomEvent(r));
    const file = path.join(dir, 'mixed.chain.jsonl');
    writeChainLog(file, JSON.parse(HEADER), events);
    for (const type of ['wasm', 'a"b', 'é/中', 'none-of-these']) {
      const reader = ChainFileReader.open(file);
      const got: ChainEvent[] = [];
      try {
        for (let ev = reader.nextOfType(type); ev; ev = reader.nextOfType(type)) got.push(ev);
      } finally {
        reader.close();
      }
      assert.deepEqual(
        got,
        readChainLog(file).events.filter((e) => e.eventType === type),
        type,
      );
      if (type !== 'none-of-these') assert.ok(got.length > 0, `the log has ${type} events`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

let matchedViews = 0;

/** Every event of a log read with nextView (views decoded and built; a view whose base64 is bad is a line next() skips). */
function readByViews(
  file: string,
  chunkBytes: number,
  expectFor?: (n: number) => { head: Buffer; base64: Buffer; type: Buffer },
): ChainEvent[] {
  const fd = fs.openSync(file, 'r');
  const reader = new ChainLogReader(fd, file, 0, undefined, chunkBytes);
  const out: ChainEvent[] = [];
  try {
    reader.readHeader();
    for (let n = 0; ; n++) {
      const e = expectFor?.(n);
      const expect = e ? lineExpectation(e.type, e.base64) : undefined;
      const r = reader.nextView(expect);
      if (r === undefined) break;
      if (!(r instanceof EventLineView)) {
        out.push(r);
        continue;
      }
      if (r.matched !== undefined) {
        matchedViews++;
        // Met: the line has the expected type and its base64 starts with the expected text.
        assert.equal(r.matched, expect);
        assert.ok(r.typeIs(e!.type));
        const whole = r.decodeAfter(e!.head, e!.base64, expect);
        if (whole === 'invalid') continue;
        assert.equal(whole, 'ok');
        assert.deepEqual(Buffer.from(r.data.subarray(0, e!.head.length)), e!.head);
        out.push(r.toEvent());
        continue;
      }
      const valid = r.dataValid();
      assert.equal(r.decode(), valid, 'dataValid says what decode finds');
      if (valid) out.push(r.toEvent());
    }
  } finally {
    reader.close();
  }
  return out;
}

test('nextView gives, line for line, the events next() gives (views and their expectations included, lines changed at random)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-fastpath-'));
  try {
    const r = rng(42);
    const type = Buffer.from('wasi:random/random@0.2.3/get-random-u64');
    const head = Buffer.from(
      '{"category":"HostFunction","interface":"wasi:random/random@0.2.3","function":"get-random-u64","input":{"Tuple":[]},"output":',
    );
    const prefix = head.subarray(0, head.length - (head.length % 3));
    const base64 = Buffer.from(prefix.toString('base64'), 'latin1');
    const lines: Buffer[] = [];
    for (let n = 0; n < 600; n++) {
      const ev = randomEvent(r);
      if (r() < 0.4) {
        ev.eventType = type.toString();
        ev.data = Buffer.from(`${head.toString()}{"U64":${Math.floor(r() * 2 ** 53)}}}`);
        delete ev.cause;
        delete ev.legacy;
      }
      const line = Buffer.from(Buffer.from(encodeChainLogLine(ev, n), 'utf8').subarray(0, -1));
      if (r() < 0.2) line[Math.floor(r() * line.length)] = NOISE[Math.floor(r() * NOISE.length)]!;
      lines.push(line);
    }
    const file = path.join(dir, 'views.chain.jsonl');
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\n`), ...lines.flatMap((l) => [l, Buffer.from('\n')])]));
    const events = readChainLog(file).events;
    assert.ok(events.length > 400, 'most lines are events');
    for (const chunk of [64, 1000, 1 << 20]) {
      assert.deepEqual(readByViews(file, chunk), events, `chunks of ${chunk} bytes`);
      matchedViews = 0;
      assert.deepEqual(
        readByViews(file, chunk, () => ({ head: prefix, base64, type })),
        events,
        `chunks of ${chunk} bytes, expecting get-random-u64 calls`,
      );
      assert.ok(matchedViews > 150, `most get-random-u64 lines met the expectation (${matchedViews})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
