// The recorder's encoder (eventEncoder.ts) against the reference paths it replaces on the hot path:
// hostFunctionPayload for the payload, chainHash / a JSON.stringify preimage for the hash, and
// encodeChainLogLine for the log line, byte for byte on seeded random events.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEncoder, HostCallTemplate, sha1Bytes } from '../../src/runtime/chain/eventEncoder';
import type { ChainEvent, EventCause } from '../../src/runtime/chain/event';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { ChainLogWriter, encodeChainLogLine, readChainLog } from '../../src/runtime/chain/log';
import { hostFunctionPayload } from '../../src/runtime/chain/payload';
import { Recorder } from '../../src/runtime/host/recorder';
import { verifyChain } from '../../src/runtime/chain/verify';
import { seededRandom as rng } from '../helpers/chainText';

// Characters that exercise every branch: ASCII, JSON escapes, controls, 2-, 3- and 4-byte UTF-8 and
// lone surrogates (both paths turn those into U+FFFD).
const ALPHABET = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  '€',
  '中',
  '😀',
  '\ud800',
  '\udfff',
];

function randomString(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  // Mostly ASCII, as real typed values are.
  for (let i = 0; i < n; i++)
    s += r() < 0.8 ? String.fromCharCode(32 + Math.floor(r() * 95)) : ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

function randomBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** A typed-value-like JSON text: sometimes short, sometimes a long list<u8> (which the log packs). */
function randomJson(r: () => number): string {
  const k = r();
  if (k < 0.3) return `{"U64":${BigInt.asUintN(64, BigInt(Math.floor(r() * 2 ** 53)) * 4099n)}}`;
  if (k < 0.5) return `{"String":${JSON.stringify(randomString(r, 40))}}`;
  if (k < 0.6) return '{"Tuple":[]}';
  if (k < 0.75) {
    const n = Math.floor(r() * 80);
    return `{"List":[${Array.from(randomBytes(r, n), (b) => `{"U8":${b}}`).join(',')}]}`;
  }
  return randomString(r, 300);
}

/** The line as the disk gets it (the reference is a string, written as UTF-8: a lone surrogate becomes U+FFFD). */
const lineBytes = (enc: EventEncoder): Buffer => Buffer.from(enc.line.subarray(enc.lineStart, enc.lineStart + enc.lineLength));

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const referencePreimage = (parent: Uint8Array | null, eventType: string, data: Uint8Array): string =>
  JSON.stringify({ hash: [], parent_hash: parent ? [...parent] : null, event_type: eventType, data: [...data] });

test('sha1Bytes agrees with createHash', () => {
  const r = rng(1);
  for (let n = 0; n < 300; n += 7) {
    const b = randomBytes(r, n);
    assert.deepEqual(sha1Bytes(b), new Uint8Array(crypto.createHash('sha1').update(b).digest()));
  }
});

test('host calls: payload, hash and log line are byte for byte the reference paths (2,000 seeded calls)', () => {
  const r = rng(12);
  const interfaces = ['wasi:random/random@0.2.3', 'theater:simple/runtime', 'x:y/z"quoted\\@1.0.0', 'ü:ñ/€@0.1.0', 'a'];
  const fns = ['get-random-u64', 'log', 'f', 'permission-denied', 'name with "quotes"', 'é'];
  let parent: Uint8Array | null = r() < 0.5 ? null : randomBytes(r, 20);
  const enc = new EventEncoder(parent);
  const templates = new Map<string, HostCallTemplate>();
  const inputs = new Map<HostCallTemplate, string>();
  let withInput = 0;
  for (let i = 0; i < 2000; i++) {
    const iface = interfaces[Math.floor(r() * interfaces.length)]!;
    const fn = fns[Math.floor(r() * fns.length)]!;
    let t = templates.get(`${iface} ${fn}`);
    if (!t) templates.set(`${iface} ${fn}`, (t = new HostCallTemplate(iface, fn)));
    // Inputs often repeat (a function without parameters, or called alike): the template then holds the input too.
    const previous = inputs.get(t);
    const input = previous !== undefined && r() < 0.6 ? previous : randomJson(r);
    inputs.set(t, input);
    const output = randomJson(r);
    const index = r() < 0.5 ? i : Math.floor(r() * 2 ** 40);
    const at = r() < 0.5 ? Math.floor(r() * 2 ** 43) : undefined;
    enc.encodeHostCall(t, index, input, output, at);
    const hash = enc.hash();
    if (t.withInput?.input === input) withInput++;
    const data = hostFunctionPayload(iface, fn, input, output);
    const where = `call ${i} (${iface}/${fn}, ${data.length} bytes)`;
    assert.deepEqual(enc.data(), data, `payload of ${where}`);
    assert.equal(t.eventType, `${iface}/${fn}`);
    const expected = chainHash(parent, t.eventType, data);
    assert.deepEqual(hash, expected, `hash of ${where}`);
    assert.equal(
      toHex(hash),
      crypto
        .createHash('sha1')
        .update(referencePreimage(parent, t.eventType, data))
        .digest('hex'),
      where,
    );
    const ev: ChainEvent = { hash, parentHash: parent, eventType: t.eventType, data, ...(at !== undefined ? { at } : {}) };
    assert.deepEqual(lineBytes(enc), Buffer.from(encodeChainLogLine(ev, index), 'utf8'), `line of ${where}`);
    enc.advance();
    parent = hash;
  }
  assert.ok(withInput > 500, `calls encoded from a head that holds their input: ${withInput}`);
});

test('any event: hash and log line are the reference paths (packed data, causes, empty data; 1,500 seeded events)', () => {
  const r = rng(99);
  let parent: Uint8Array | null = null;
  const enc = new EventEncoder(null);
  for (let i = 0; i < 1500; i++) {
    const k = r();
    const eventType = k < 0.3 ? 'wasm' : k < 0.5 ? randomString(r, 30) : 'wasi:random/random@0.2.3/get-random-bytes';
    let data: Uint8Array;
    const d = r();
    if (d < 0.1) data = new Uint8Array(0);
    else if (d < 0.4) data = randomBytes(r, Math.floor(r() * 600));
    else if (d < 0.6)
      data = new TextEncoder().encode(
        `{"output":{"List":[${Array.from(randomBytes(r, Math.floor(r() * 400)), (b) => `{"U8":${b}}`).join(',')}]}}`,
      );
    else data = new TextEncoder().encode(randomJson(r));
    let cause: EventCause | undefined;
    if (r() < 0.3) {
      cause = { actor: randomString(r, 20) };
      if (r() < 0.5) cause.event = toHex(randomBytes(r, 20));
      if (r() < 0.5) cause.after = toHex(randomBytes(r, 20));
    }
    const index = Math.floor(r() * 1e7);
    const at = r() < 0.5 ? Math.floor(r() * 2 ** 43) : undefined;
    const hash = enc.encode(eventType, data, index, cause, at);
    const where = `event ${i} (${JSON.stringify(eventType)}, ${data.length} bytes)`;
    assert.deepEqual(hash, chainHash(parent, eventType, data), `hash of ${where}`);
    // JSON.stringify escapes a lone surrogate where serde_json's text (and ours) carries U+FFFD.
    if (!LONE_SURROGATE.test(eventType))
      assert.equal(
        toHex(hash),
        crypto
          .createHash('sha1')
          .update(referencePreimage(parent, eventType, data))
          .digest('hex'),
        where,
      );
    const ev: ChainEvent = { hash, parentHash: parent, eventType, data, ...(cause ? { cause } : {}), ...(at !== undefined ? { at } : {}) };
    assert.deepEqual(lineBytes(enc), Buffer.from(encodeChainLogLine(ev, index), 'utf8'), `line of ${where}`);
    assert.deepEqual(enc.data(), data);
    enc.advance();
    parent = hash;
  }
});

test('buffers grow for a 1 MiB host call and for a 1 MiB event', () => {
  const r = rng(5);
  const enc = new EventEncoder(null);
  const t = new HostCallTemplate('wasi:random/random@0.2.3', 'get-random-bytes');
  const big = `{"List":[${Array.from(randomBytes(r, 1 << 20), (b) => `{"U8":${b}}`).join(',')}]}`;
  enc.encodeHostCall(t, 0, '{"U64":1048576}', big);
  const hash = enc.hash();
  const data = hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-bytes', '{"U64":1048576}', big);
  assert.deepEqual(hash, chainHash(null, t.eventType, data));
  const line = enc.line.toString('utf8', enc.lineStart, enc.lineStart + enc.lineLength);
  assert.equal(line, encodeChainLogLine({ hash, parentHash: null, eventType: t.eventType, data }, 0));
  assert.ok(line.includes('"data_packed":'), 'a long list<u8> is stored packed');
  enc.advance();
  const raw = randomBytes(r, 1 << 20);
  const h2 = enc.encode('x', raw, 1);
  assert.deepEqual(h2, chainHash(hash, 'x', raw));
  assert.deepEqual(lineBytes(enc), Buffer.from(encodeChainLogLine({ hash: h2, parentHash: hash, eventType: 'x', data: raw }, 1), 'utf8'));
});

test('the recorder writes a log that reads back event for event and verifies', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-encoder-'));
  try {
    const file = path.join(dir, 'a.chain.jsonl');
    const header = {
      format: 'theater-vscode-chain' as const,
      version: 1 as const,
      actorId: 'id',
      actorName: 'a',
      manifestPath: null,
      componentSha256: null,
      startedAt: new Date(0).toISOString(),
    };
    const heard: ChainEvent[] = [];
    const rec = new Recorder(ChainLogWriter.create(file, header), (ev) => heard.push(ev));
    const r = rng(3);
    const expected: Array<{ eventType: string; data: Uint8Array }> = [];
    for (let i = 0; i < 300; i++) {
      if (r() < 0.7) {
        const input = randomJson(r);
        const output = randomJson(r);
        rec.recordHostCall('wasi:random/random@0.2.3', 'get-random-u64', input, output);
        expected.push({
          eventType: 'wasi:random/random@0.2.3/get-random-u64',
          data: hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', input, output),
        });
      } else {
        const data = randomBytes(r, Math.floor(r() * 300));
        rec.record('wasm', data, r() < 0.5 ? { actor: 'b' } : undefined);
        expected.push({ eventType: 'wasm', data });
      }
    }
    rec.close();
    const log = readChainLog(file);
    assert.equal(log.broken, undefined);
    assert.equal(log.events.length, 300);
    assert.deepEqual(
      log.events.map((e) => ({ eventType: e.eventType, data: e.data })),
      expected,
    );
    assert.deepEqual(
      heard.map((e) => toHex(e.hash)),
      log.events.map((e) => toHex(e.hash)),
    );
    assert.deepEqual(
      rec.events.map((e) => toHex(e.hash)),
      log.events.map((e) => toHex(e.hash)),
    );
    assert.equal(toHex(rec.lastHash!), toHex(log.events[299]!.hash));
    assert.equal(verifyChain(log.events).ok, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a recorder without listener or kept events still links and counts its host calls', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-encoder-'));
  try {
    const file = path.join(dir, 'b.chain.jsonl');
    const header = {
      format: 'theater-vscode-chain' as const,
      version: 1 as const,
      actorId: 'id',
      actorName: 'b',
      manifestPath: null,
      componentSha256: null,
      startedAt: new Date(0).toISOString(),
    };
    const rec = new Recorder(ChainLogWriter.create(file, header), undefined, undefined, { keepEvents: false });
    for (let i = 0; i < 50; i++) rec.recordHostCall('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', `{"U64":${i}}`);
    assert.equal(rec.count, 50);
    assert.equal(rec.events.length, 0);
    rec.close();
    const log = readChainLog(file);
    assert.equal(log.events.length, 50);
    assert.equal(verifyChain(log.events).ok, true);
    assert.equal(toHex(rec.lastHash!), toHex(log.events[49]!.hash));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
