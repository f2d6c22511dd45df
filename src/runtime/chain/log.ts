// Our append-only chain log (`*.chain.jsonl`): a header line, then one event per line. Each event is
// one synchronous write of one whole line, so a process killed at any moment leaves whole lines plus
// at most one torn last line, which readers report and ignore.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChainEvent, ChainLogHeader } from './event';
import { bytesEqual, fromHex, shortHash, toHex } from './hash';
import { FileReadError, openRegularFile } from '../files/readRegular';
import { BASE64_ALPHABET, codesOf, HEX_ALPHABET } from './alphabets';
import { ByteWindow } from './chunks';
import { parseLossless, quoteJsonString } from './json';
import { packData, unpackData } from './packedData';

// Taken once: through the module namespace object every call of it would go through a getter (the
// CommonJS interop of `import * as`), on the recorder's path once per event.
const writeSync = fs.writeSync;

export interface ChainLogContents {
  header: ChainLogHeader;
  events: ChainEvent[];
  /** The last line was incomplete (the writer was interrupted) and was ignored. */
  tornTail: boolean;
  /** One sentence per line that could not be used. */
  problems: string[];
  /**
   * The first place where the log is not exactly what the writer writes (a bad line that is not the
   * torn last one, an index out of order, a header with unknown or missing fields). A log with this
   * set is broken: `chain verify` reports it at its line, whatever the hashes say.
   */
  broken?: { line: number; message: string };
}

export interface OpenedChainLog {
  writer: ChainLogWriter;
  header: ChainLogHeader;
  /** Hash of the last whole event (null when the log holds only its header). */
  lastHash: Uint8Array | null;
  lastEvent: ChainEvent | null;
  /** Index the next event gets. */
  count: number;
  tornTail: boolean;
  problems: string[];
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * One log line for an event, newline included. Data holding long list<u8> runs is stored packed as
 * `"data_packed"` (packedData.ts: the exact Theater bytes come back on reading), everything else as `"data"`.
 */
export function encodeChainLogLine(ev: ChainEvent, index: number): string {
  const packed = ev.data.length >= 256 ? packData(ev.data) : undefined;
  const data = packed ? `"data_packed":"${packed.toString('base64')}"` : `"data":"${asBuffer(ev.data).toString('base64')}"`;
  let s = `{"i":${index},"hash":"${toHex(ev.hash)}","parent_hash":${ev.parentHash === null ? 'null' : `"${toHex(ev.parentHash)}"`},"event_type":${quoteJsonString(ev.eventType)},${data}`;
  if (ev.legacy) {
    const d = ev.legacy.description;
    s += `,"timestamp":${BigInt(ev.legacy.timestamp).toString()},"description":${d === null ? 'null' : quoteJsonString(d)}`;
  }
  if (ev.cause) s += `,"cause":${JSON.stringify(ev.cause)}`;
  if (ev.at !== undefined) s += `,"at":${ev.at}`;
  return `${s}}\n`;
}

function writeAll(fd: number, text: string): void {
  // The usual case: one write of the string, encoded natively (no Buffer allocated in JS).
  const n = fs.writeSync(fd, text);
  if (n === Buffer.byteLength(text, 'utf8')) return;
  const buf = Buffer.from(text, 'utf8').subarray(n);
  let off = 0;
  // Regular files take the whole buffer in one write; the loop only guards against a short write.
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function validHeader(v: unknown): v is ChainLogHeader {
  return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === 'theater-vscode-chain';
}

// ---- Strict reading: is each line exactly what the writer writes? -------------------------------

const HEADER_FIELDS: Record<string, (v: unknown) => boolean> = {
  format: (v) => v === 'theater-vscode-chain',
  version: (v) => v === 1,
  actorId: (v) => typeof v === 'string',
  actorName: (v) => typeof v === 'string',
  manifestPath: (v) => v === null || typeof v === 'string',
  componentSha256: (v) => v === null || (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)),
  startedAt: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  replayOf: (v) => typeof v === 'string',
  forkAt: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0,
};
const OPTIONAL_HEADER_FIELDS = new Set(['replayOf', 'forkAt']);

/** Why a header line is not one the writer writes, or undefined when it is. */
export function headerProblem(h: ChainLogHeader): string | undefined {
  const fields = h as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!Object.prototype.hasOwnProperty.call(HEADER_FIELDS, key)) return `the header has an unknown field "${key}"`;
    if (!HEADER_FIELDS[key]!(fields[key])) return `the header's "${key}" is not valid`;
  }
  for (const key of Object.keys(HEADER_FIELDS)) {
    if (!OPTIONAL_HEADER_FIELDS.has(key) && !(key in fields)) return `the header has no "${key}"`;
  }
  return undefined;
}

export class ChainLogWriter {
  private fd: number | null;
  /** Lines written by appendLine: their hashes are the caller's, so lastHash and append's check no longer apply. */
  private linkedByCaller = false;

  private constructor(
    readonly path: string,
    fd: number,
    readonly header: ChainLogHeader,
    private next: number,
    private last: Uint8Array | null,
  ) {
    this.fd = fd;
  }

  /** Creates (or truncates) the log and writes its header line; parent folders are created. */
  static create(filePath: string, header: ChainLogHeader): ChainLogWriter {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const fd = fs.openSync(filePath, 'w');
    try {
      writeAll(fd, `${JSON.stringify(header)}\n`);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return new ChainLogWriter(filePath, fd, header, 0, null);
  }

  /**
   * Opens an existing log to continue its chain (after a worker was terminated): finds the last whole
   * event, cuts off a torn last line so the next event starts on a fresh line, and appends from there.
   */
  static openForAppend(filePath: string): OpenedChainLog {
    const reader = ChainLogReader.open(filePath);
    let lastEvent: ChainEvent | null = null;
    let summary: ChainLogStreamSummary;
    try {
      for (let ev = reader.next(); ev; ev = reader.next()) lastEvent = ev;
      summary = reader.summary();
    } finally {
      reader.close();
    }
    if (reader.unterminated) fs.appendFileSync(filePath, '\n');
    else if (reader.goodEnd < fs.statSync(filePath).size) fs.truncateSync(filePath, reader.goodEnd);
    const fd = fs.openSync(filePath, 'a');
    const count = reader.lastIndex + 1;
    const writer = new ChainLogWriter(filePath, fd, summary.header, count, lastEvent?.hash ?? null);
    return {
      writer,
      header: summary.header,
      lastHash: lastEvent?.hash ?? null,
      lastEvent,
      count,
      tornTail: summary.tornTail,
      problems: summary.problems,
    };
  }

  /** Number of events in the log (the index the next event gets). */
  get count(): number {
    return this.next;
  }
  /** The last event's hash, as far as append knows it (undefined once appendLine wrote lines). */
  get lastHash(): Uint8Array | null | undefined {
    return this.linkedByCaller ? undefined : this.last;
  }
  get closed(): boolean {
    return this.fd === null;
  }

  /**
   * Writes one event as one line with one synchronous write. `index` must be the next index.
   * Returns the line (live viewers get the same text the disk got).
   */
  append(ev: ChainEvent, index: number): string {
    if (this.fd === null) {
      throw new Error(`The chain log ${this.path} is closed; reopen it with ChainLogWriter.openForAppend before appending.`);
    }
    if (index !== this.next) {
      throw new Error(
        `Cannot append event ${index} to ${this.path}: it holds ${this.next} events, so the next index must be ${this.next}.`,
      );
    }
    if (this.linkedByCaller) {
      throw new Error(
        `Cannot append event ${index} to ${this.path} with append: its recorder writes encoded lines (appendLine) and keeps the links.`,
      );
    }
    if (!bytesEqual(ev.parentHash, this.last)) {
      const parent = ev.parentHash ? shortHash(ev.parentHash) : 'none';
      const last = this.last ? shortHash(this.last) : 'none (empty log)';
      throw new Error(
        `Cannot append event ${index} to ${this.path}: its parent_hash is ${parent} but the log's last hash is ${last}; append events in chain order.`,
      );
    }
    const line = encodeChainLogLine(ev, index);
    writeAll(this.fd, line);
    this.next++;
    this.last = ev.hash;
    return line;
  }

  /**
   * Writes an event line already encoded (EventEncoder, newline included) with one synchronous write
   * from the caller's buffer. `index` must be the next index; the encoder linked the line to the log's
   * last event, so from here on the caller keeps the chain's links (append refuses to mix in).
   */
  appendLine(line: Uint8Array, offset: number, length: number, index: number): void {
    if (this.fd === null) {
      throw new Error(`The chain log ${this.path} is closed; reopen it with ChainLogWriter.openForAppend before appending.`);
    }
    if (index !== this.next) {
      throw new Error(
        `Cannot append event ${index} to ${this.path}: it holds ${this.next} events, so the next index must be ${this.next}.`,
      );
    }
    let done = writeSync(this.fd, line, offset, length);
    // Regular files take the whole line in one write; the loop only guards against a short write.
    while (done < length) done += writeSync(this.fd, line, offset + done, length - done);
    this.next++;
    this.linkedByCaller = true;
  }

  /** Idempotent. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}

/** Writes a whole log at once (conversions, tests); unlike the writer it does not check links. */
export function writeChainLog(filePath: string, header: ChainLogHeader, events: readonly ChainEvent[]): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const parts = [`${JSON.stringify(header)}\n`];
  events.forEach((ev, i) => parts.push(encodeChainLogLine(ev, i)));
  fs.writeFileSync(filePath, parts.join(''));
}

const HEX40 = /^[0-9a-f]{40}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses one event line; returns the event and its `i`, or a problem sentence. A line exactly as the
 * writer writes it takes the fast path (see fastEventLine); any other the general parser.
 */
export function decodeChainLogLine(line: string, lineNo = 0): { ev: ChainEvent; i: number } | string {
  const b = Buffer.from(line, 'utf8');
  return fastEventLine(b, 0, b.length) ?? parseEventLine(line, lineNo);
}

/** The general parser alone (the reference the fast path is tested against). */
export function decodeChainLogLineGeneral(line: string, lineNo = 0): { ev: ChainEvent; i: number } | string {
  return parseEventLine(line, lineNo);
}

function parseEventLine(line: string, lineNo: number): { ev: ChainEvent; i: number } | string {
  let v: unknown;
  try {
    // Legacy timestamps may exceed 2^53; everything else in a line is small or a string.
    v = line.includes('"timestamp":') ? parseLossless(line) : JSON.parse(line);
  } catch {
    return `line ${lineNo} is not valid JSON; it was skipped.`;
  }
  if (typeof v !== 'object' || v === null) return `line ${lineNo} is not an event object; it was skipped.`;
  const o = v as Record<string, unknown>;
  const i = typeof o.i === 'bigint' ? Number(o.i) : o.i;
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) return `line ${lineNo} has no event index "i"; it was skipped.`;
  if (typeof o.hash !== 'string' || !HEX40.test(o.hash)) return `line ${lineNo} (event ${i}) has no 40-digit hex "hash"; it was skipped.`;
  if (o.parent_hash !== null && (typeof o.parent_hash !== 'string' || !HEX40.test(o.parent_hash))) {
    return `line ${lineNo} (event ${i}) has a "parent_hash" that is neither null nor 40 hex digits; it was skipped.`;
  }
  if (typeof o.event_type !== 'string') return `line ${lineNo} (event ${i}) has no "event_type" string; it was skipped.`;
  const packedText = o.data_packed;
  const dataText = packedText ?? o.data;
  if (typeof dataText !== 'string' || dataText.length % 4 !== 0 || !BASE64.test(dataText) || (packedText !== undefined && 'data' in o))
    return `line ${lineNo} (event ${i}) has no base64 "data"; it was skipped.`;
  let data: Uint8Array;
  try {
    // A copy with its own right-sized buffer (Buffer.from may hand out a slice of a shared pool).
    data = packedText !== undefined ? unpackData(Buffer.from(dataText, 'base64')) : new Uint8Array(Buffer.from(dataText, 'base64'));
  } catch {
    return `line ${lineNo} (event ${i}) has a "data_packed" that is cut off; it was skipped.`;
  }
  const ev: ChainEvent = {
    hash: fromHex(o.hash),
    parentHash: o.parent_hash === null ? null : fromHex(o.parent_hash as string),
    eventType: o.event_type,
    data,
  };
  if ('timestamp' in o) {
    const ts = o.timestamp;
    if (typeof ts !== 'number' && typeof ts !== 'bigint')
      return `line ${lineNo} (event ${i}) has a non-numeric "timestamp"; it was skipped.`;
    ev.legacy = { timestamp: ts, description: typeof o.description === 'string' ? o.description : null };
  }
  const cause = o.cause as Record<string, unknown> | undefined;
  if (cause && typeof cause === 'object' && typeof cause.actor === 'string') {
    ev.cause = { actor: cause.actor };
    if (typeof cause.event === 'string' && HEX40.test(cause.event)) ev.cause.event = cause.event;
    if (typeof cause.after === 'string' && HEX40.test(cause.after)) ev.cause.after = cause.after;
  }
  if (typeof o.at === 'number' && Number.isSafeInteger(o.at) && o.at >= 0) ev.at = o.at;
  return { ev, i };
}

// ---- The fast path: a line exactly as the writer writes it, read from its bytes -----------------
// `{"i":N,"hash":"<40 hex>","parent_hash":null|"<40 hex>","event_type":"<type>","data"|"data_packed":"<base64>"[,"at":<ms>]}`
// is parsed by position, every character checked as it is read (digits, lowercase hex, the base64
// alphabet and its padding, no escapes in the type); anything else (a cause, legacy fields, an
// escaped type, a byte out of place) goes to parseEventLine, which decides and words the problem.

const L_I = Buffer.from('{"i":', 'latin1');
const L_HASH = Buffer.from(',"hash":"', 'latin1');
const L_PARENT = Buffer.from('","parent_hash":', 'latin1');
const L_TYPE = Buffer.from(',"event_type":"', 'latin1');
const L_DATA = Buffer.from('","data":"', 'latin1');
const L_PACKED = Buffer.from('","data_packed":"', 'latin1');
const L_NULL = Buffer.from('null', 'latin1');
const L_AT = Buffer.from(',"at":', 'latin1');

const HEX_CODES = codesOf(HEX_ALPHABET);
const B64_CODES = codesOf(BASE64_ALPHABET);
/** Lowercase hex digit values; 255 for anything else. */
const HEX_DIGIT = new Uint8Array(256).fill(255);
HEX_CODES.forEach((c, i) => (HEX_DIGIT[c] = i));
/** Base64 alphabet values; 255 for anything else (padding is handled apart). */
const B64_VALUE = new Uint8Array(256).fill(255);
B64_CODES.forEach((c, i) => (B64_VALUE[c] = i));

function matchAt(b: Buffer, p: number, lit: Uint8Array): boolean {
  if (p + lit.length > b.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[p + k] !== lit[k]) return false;
  return true;
}

// A line's bytes read several at a time: a DataView per window buffer, kept for the next lines (two,
// for two logs read side by side).
let wordBuf: Buffer | undefined;
let wordView: DataView = new DataView(new ArrayBuffer(0));
let otherBuf: Buffer | undefined;
let otherView: DataView = wordView;
function wordsOf(b: Buffer): DataView {
  if (b === wordBuf) return wordView;
  const view = b === otherBuf ? otherView : new DataView(b.buffer, b.byteOffset, b.byteLength);
  otherBuf = wordBuf;
  otherView = wordView;
  wordBuf = b;
  wordView = view;
  return view;
}

/** 0 for two lowercase hex digits read as a little-endian 16-bit word, 1 for anything else. */
const HEX_PAIR_BAD = new Uint8Array(65536).fill(1);
for (const a of HEX_CODES) for (const c of HEX_CODES) HEX_PAIR_BAD[a | (c << 8)] = 0;

/** 0 for two base64 alphabet characters read as a little-endian 16-bit word, 1 for anything else. */
const B64_PAIR_BAD = new Uint8Array(65536).fill(1);
for (const a of B64_CODES) for (const c of B64_CODES) B64_PAIR_BAD[a | (c << 8)] = 0;

/** Whether b[p..p+40) are 40 lowercase hex digits (read four at a time, two digits per table lookup). */
function hexValid(b: Buffer, p: number, end: number): boolean {
  if (p + 40 > end) return false;
  const dv = wordsOf(b);
  let bad = 0;
  for (let k = p; k < p + 40; k += 4) {
    const w = dv.getUint32(k, true);
    bad |= HEX_PAIR_BAD[w & 0xffff]! | HEX_PAIR_BAD[w >>> 16]!;
  }
  return bad === 0;
}

/** The 20 bytes of 40 hex digits at b[p..) (checked by hexValid). */
function hexBytes(b: Buffer, p: number): Uint8Array {
  const out = new Uint8Array(20);
  for (let k = 0; k < 20; k++) out[k] = (HEX_DIGIT[b[p + 2 * k]! | 0]! << 4) | HEX_DIGIT[b[p + 2 * k + 1]! | 0]!;
  return out;
}

/** How many bytes canonical base64 in b[p..q) decodes to, or -1 when its length or padding is wrong. */
function base64Length(b: Buffer, p: number, q: number): number {
  const n = q - p;
  if (n % 4 !== 0) return -1;
  let pad = 0;
  if (n > 0 && b[q - 1] === 0x3d) pad = b[q - 2] === 0x3d ? 2 : 1;
  return (n / 4) * 3 - pad;
}

/**
 * Decodes base64 in b[p..q) (length a multiple of 4, `=` only as padding) into `out` from `o` on (room
 * for base64Length bytes); false when a character is outside the alphabet.
 */
function base64Into(b: Buffer, p: number, q: number, out: Uint8Array, o = 0): boolean {
  let pad = 0;
  if (q > p && b[q - 1] === 0x3d) pad = b[q - 2] === 0x3d ? 2 : 1;
  const whole = pad > 0 ? q - 4 : q;
  for (let k = p; k < whole; k += 4) {
    const a = B64_VALUE[b[k]! | 0]!;
    const c = B64_VALUE[b[k + 1]! | 0]!;
    const d = B64_VALUE[b[k + 2]! | 0]!;
    const e = B64_VALUE[b[k + 3]! | 0]!;
    if ((a | c | d | e) === 255) return false;
    const v = (a << 18) | (c << 12) | (d << 6) | e;
    out[o] = v >>> 16;
    out[o + 1] = (v >>> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  if (pad > 0) {
    const a = B64_VALUE[b[whole]! | 0]!;
    const c = B64_VALUE[b[whole + 1]! | 0]!;
    const d = pad === 1 ? B64_VALUE[b[whole + 2]! | 0]! : 0;
    if ((a | c | d) === 255) return false;
    const v = (a << 18) | (c << 12) | (d << 6);
    out[o] = v >>> 16;
    if (pad === 1) out[o + 1] = (v >>> 8) & 255;
  }
  return true;
}

/** Decodes canonical base64 in b[p..q) into a new array, or undefined. */
function base64At(b: Buffer, p: number, q: number): Uint8Array | undefined {
  const n = base64Length(b, p, q);
  if (n < 0) return undefined;
  const out = new Uint8Array(n);
  return base64Into(b, p, q, out) ? out : undefined;
}

/**
 * What a reader expects the next line to hold (ChainLogReader.nextView): an event type and the start
 * of its data's base64, compared with the line in one go.
 */
export interface LineExpectation {
  /** `,"event_type":"<type>","data":"<base64>` as the writer writes it, and its leading bytes as little-endian doubles. */
  readonly middle: Buffer;
  readonly words: Float64Array;
  readonly typeLength: number;
  readonly base64Length: number;
}

/**
 * The expectation of a line of type `eventType` (UTF-8, no character JSON escapes) whose data's
 * base64 starts with `base64`; undefined for a type that needs escapes (such lines are never matched).
 */
export function lineExpectation(eventType: Uint8Array, base64: Uint8Array): LineExpectation | undefined {
  for (const c of eventType) if (c === 0x22 || c === 0x5c || c < 0x20) return undefined;
  const middle = Buffer.concat([L_TYPE, eventType, L_DATA, base64]);
  // Compared eight bytes at a time as doubles: bytes of text (0x20..0x7e, as this middle is: a type
  // without control characters, base64) are never a NaN or a zero, so equal doubles are equal bytes,
  // and a NaN read from a changed line only ever compares unequal.
  let ascii = true;
  for (const c of middle) if (c < 0x20 || c > 0x7e) ascii = false;
  const words = new Float64Array(ascii ? middle.length >>> 3 : 0);
  for (let k = 0; k < words.length; k++) words[k] = middle.readDoubleLE(8 * k);
  return { middle, words, typeLength: eventType.length, base64Length: base64.length };
}

/** Whether b[p..) starts with expect.middle (room for it checked by the caller). */
function wordsAt(b: Buffer, p: number, expect: LineExpectation): boolean {
  const dv = wordsOf(b);
  const words = expect.words;
  const n = words.length;
  for (let k = 0; k < n; k++) if (dv.getFloat64(p + 8 * k, true) !== words[k]) return false;
  const middle = expect.middle;
  for (let k = 8 * n; k < middle.length; k++) if (b[p + k] !== middle[k]) return false;
  return true;
}

/** Where the parts of a line written exactly as the writer writes it are (scanEventLine fills it). */
interface LineShape {
  /** The expectation the line met (its type and data start are the expected ones), if any. */
  matched: LineExpectation | undefined;
  i: number;
  hashAt: number;
  /** -1 for a null parent. */
  parentAt: number;
  typeStart: number;
  typeEnd: number;
  packed: boolean;
  /** The base64 text b[dataStart..dataEnd) (not checked yet: the decoder checks it). */
  dataStart: number;
  dataEnd: number;
  at: number | undefined;
}

const SCAN_FAIL = 0;
const SCAN_OK = 1;
const SCAN_OTHER_TYPE = 2;

/**
 * Reads the shape of b[s..e) (no newline) into `out` without allocating: SCAN_OK when it is written
 * exactly as the writer writes it (up to the base64, which the caller decodes and so checks),
 * SCAN_OTHER_TYPE for a line of another type than `onlyType` (then only `i` is set), else SCAN_FAIL.
 */
function scanEventLine(
  b: Buffer,
  s: number,
  e: number,
  onlyType: Uint8Array | undefined,
  out: LineShape,
  expect?: LineExpectation,
): number {
  if (!matchAt(b, s, L_I)) return SCAN_FAIL;
  let p = s + L_I.length;
  let i = 0;
  const first = p;
  while (p < e && b[p]! >= 0x30 && b[p]! <= 0x39 && p - first < 15) i = i * 10 + b[p++]! - 0x30;
  if (p === first || (b[first] === 0x30 && p - first > 1)) return SCAN_FAIL;
  if (!matchAt(b, p, L_HASH)) return SCAN_FAIL;
  p += L_HASH.length;
  if (!hexValid(b, p, e)) return SCAN_FAIL;
  out.hashAt = p;
  p += 40;
  if (!matchAt(b, p, L_PARENT)) return SCAN_FAIL;
  p += L_PARENT.length;
  if (matchAt(b, p, L_NULL)) {
    out.parentAt = -1;
    p += 4;
  } else {
    if (b[p] !== 0x22 || !hexValid(b, p + 1, e) || b[p + 41] !== 0x22) return SCAN_FAIL;
    out.parentAt = p + 1;
    p += 42;
  }
  let typeStart: number;
  let typeEnd: number;
  let packed = false;
  out.i = i;
  out.matched = undefined;
  const middle = expect?.middle;
  if (middle !== undefined && p + middle.length <= e && wordsAt(b, p, expect!)) {
    // The expected type and the start of the expected data, in one comparison.
    typeStart = p + L_TYPE.length;
    typeEnd = typeStart + expect!.typeLength;
    p = typeEnd + L_DATA.length;
    out.matched = expect;
  } else {
    if (!matchAt(b, p, L_TYPE)) return SCAN_FAIL;
    p += L_TYPE.length;
    typeStart = p;
    for (; p < e; p++) {
      const c = b[p]!;
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) return SCAN_FAIL; // escapes: the general parser
    }
    typeEnd = p;
    if (onlyType !== undefined && (typeEnd - typeStart !== onlyType.length || !matchAt(b, typeStart, onlyType))) return SCAN_OTHER_TYPE;
    if (matchAt(b, p, L_DATA)) p += L_DATA.length;
    else if (matchAt(b, p, L_PACKED)) {
      p += L_PACKED.length;
      packed = true;
    } else return SCAN_FAIL;
  }
  // The line ends `"}` right after the base64, or `","at":<ms>}`.
  if (e - p < 2 || b[e - 1] !== 0x7d) return SCAN_FAIL;
  let dataEnd = e - 1;
  let at: number | undefined;
  let k = dataEnd;
  while (k > p && b[k - 1]! >= 0x30 && b[k - 1]! <= 0x39 && dataEnd - k < 16) k--;
  if (k < dataEnd && matchAt(b, k - L_AT.length, L_AT)) {
    if (b[k] === 0x30 && dataEnd - k > 1) return SCAN_FAIL;
    at = 0;
    for (let d = k; d < dataEnd; d++) at = at * 10 + b[d]! - 0x30;
    if (!Number.isSafeInteger(at)) return SCAN_FAIL;
    dataEnd = k - L_AT.length;
  }
  if (b[dataEnd - 1] !== 0x22) return SCAN_FAIL;
  if (out.matched !== undefined && dataEnd - 1 < p + out.matched.base64Length) out.matched = undefined;
  out.typeStart = typeStart;
  out.typeEnd = typeEnd;
  out.packed = packed;
  out.dataStart = p;
  out.dataEnd = dataEnd - 1;
  out.at = at;
  return SCAN_OK;
}

/** What fastEventLine returns for a line of another type than the one asked for (its data is not decoded). */
const OTHER_TYPE: ChainEvent = { hash: new Uint8Array(20), parentHash: null, eventType: '', data: new Uint8Array(0) };

const shape: LineShape = {
  matched: undefined,
  i: 0,
  hashAt: 0,
  parentAt: -1,
  typeStart: 0,
  typeEnd: 0,
  packed: false,
  dataStart: 0,
  dataEnd: 0,
  at: undefined,
};

/**
 * The event of a line written exactly as the writer writes it (b[s..e), no newline), or undefined.
 * With `onlyType` (UTF-8 of an event type), a line of another type gives OTHER_TYPE and its index.
 */
function fastEventLine(b: Buffer, s: number, e: number, onlyType?: Uint8Array): { ev: ChainEvent; i: number } | undefined {
  const r = scanEventLine(b, s, e, onlyType, shape);
  if (r === SCAN_OTHER_TYPE) return { ev: OTHER_TYPE, i: shape.i };
  if (r === SCAN_FAIL) return undefined;
  const raw = base64At(b, shape.dataStart, shape.dataEnd);
  if (!raw) return undefined;
  let data: Uint8Array;
  try {
    data = shape.packed ? unpackData(raw) : raw;
  } catch {
    return undefined;
  }
  const ev: ChainEvent = {
    hash: hexBytes(b, shape.hashAt),
    parentHash: shape.parentAt < 0 ? null : hexBytes(b, shape.parentAt),
    eventType: b.toString('utf8', shape.typeStart, shape.typeEnd),
    data,
  };
  if (shape.at !== undefined) ev.at = shape.at;
  return { ev, i: shape.i };
}

/**
 * An event line seen in place (ChainLogReader.nextView): what a reader that compares or answers from
 * events needs, without building the event. One object per reader, refilled by every read: it is
 * valid until the next one. The line is exactly as the writer writes it up to its base64, its data is
 * stored plain (not packed), and the base64 has a valid length and padding; whether its characters
 * are valid is known only once the data is decoded (decode, decodeAfter): a line that fails there is
 * one next() skips as a problem.
 */
export class EventLineView {
  /** The window holding the line. */
  buf: Buffer = Buffer.alloc(0);
  /** The event's index (`i`). */
  index = 0;
  hashAt = 0;
  parentAt = -1;
  typeStart = 0;
  typeEnd = 0;
  at: number | undefined;
  /** The base64 text of the data is buf[dataStart..dataEnd); it decodes to dataLength bytes. */
  dataStart = 0;
  dataEnd = 0;
  dataLength = 0;
  /** The expectation passed to nextView when the line met it (its type and the start of its base64). */
  matched: LineExpectation | undefined;
  /** The payload once decoded (a view of a buffer the next read overwrites); empty before. */
  data: Uint8Array = new Uint8Array(0);
  private scratch = new Uint8Array(1024);

  /** Whether the event type is exactly `utf8` (its UTF-8 bytes). */
  typeIs(utf8: Uint8Array): boolean {
    return this.typeEnd - this.typeStart === utf8.length && matchAt(this.buf, this.typeStart, utf8);
  }

  get eventType(): string {
    return this.buf.toString('utf8', this.typeStart, this.typeEnd);
  }

  /**
   * Whether this event has `other`'s hash, parent, type and base64 text (so the same data): both
   * lines are as the writer writes them, so that is one comparison from the hash to the data's end.
   */
  sameAs(other: EventLineView): boolean {
    const n = this.dataEnd - this.hashAt;
    return other.dataEnd - other.hashAt === n && this.buf.compare(other.buf, other.hashAt, other.dataEnd, this.hashAt, this.dataEnd) === 0;
  }

  /**
   * Whether the base64 is valid (what decode() checks, without decoding: every character but the
   * padding in the alphabet, read four at a time with two characters per table lookup).
   */
  dataValid(): boolean {
    const b = this.buf;
    const end = this.dataEnd - (this.dataEnd > this.dataStart && b[this.dataEnd - 1] === 0x3d ? (b[this.dataEnd - 2] === 0x3d ? 2 : 1) : 0);
    const dv = wordsOf(b);
    let bad = 0;
    let k = this.dataStart;
    for (; k + 4 <= end; k += 4) {
      const w = dv.getUint32(k, true);
      bad |= B64_PAIR_BAD[w & 0xffff]! | B64_PAIR_BAD[w >>> 16]!;
    }
    for (; k < end; k++) bad |= B64_VALUE[b[k]! | 0]! === 255 ? 1 : 0;
    return bad === 0;
  }

  /** Decodes the whole payload into `data`; false when the base64 is not valid (next() skips the line). */
  decode(): boolean {
    const out = this.room();
    this.headInScratch = undefined;
    if (!base64Into(this.buf, this.dataStart, this.dataEnd, out)) return false;
    this.data = this.dataView(out);
    return true;
  }

  /**
   * For a payload expected to start with `head` (a multiple of 3 bytes, `headBase64` its base64):
   * 'mismatch' when the base64 does not start with headBase64 (nothing decoded), else the rest is
   * decoded after a copy of `head` ('ok', the whole payload in `data`) or is not valid ('invalid').
   * `expect`: the expectation of nextView whose base64 is headBase64 (met: no comparison again).
   */
  decodeAfter(head: Uint8Array, headBase64: Uint8Array, expect?: LineExpectation): 'ok' | 'mismatch' | 'invalid' {
    const p = this.dataStart + headBase64.length;
    const known = expect !== undefined && this.matched === expect && expect.base64Length === headBase64.length;
    if (!known && (p > this.dataEnd || this.buf.compare(headBase64, 0, headBase64.length, this.dataStart, p) !== 0)) return 'mismatch';
    const out = this.room();
    // The head stays in the buffer from the last call like this one (only a whole decode or a bigger
    // buffer overwrites it).
    if (this.headInScratch !== head) {
      out.set(head);
      this.headInScratch = head;
    }
    if (!base64Into(this.buf, p, this.dataEnd, out, head.length)) return 'invalid';
    this.data = this.dataView(out);
    return 'ok';
  }

  /** The event as next() returns it (its own copies of every part); decode() first. */
  toEvent(): ChainEvent {
    const ev: ChainEvent = {
      hash: hexBytes(this.buf, this.hashAt),
      parentHash: this.parentAt < 0 ? null : hexBytes(this.buf, this.parentAt),
      eventType: this.eventType,
      data: this.data.slice(),
    };
    if (this.at !== undefined) ev.at = this.at;
    return ev;
  }

  private headInScratch: Uint8Array | undefined;
  /** Views of the scratch handed out as `data`, by length (one object per length in use). */
  private subs: Uint8Array[] = [];

  private dataView(out: Uint8Array): Uint8Array {
    const n = this.dataLength;
    if (n >= 1024) return out.subarray(0, n);
    return (this.subs[n] ??= out.subarray(0, n));
  }

  private room(): Uint8Array {
    if (this.scratch.length < this.dataLength) {
      this.scratch = new Uint8Array(Math.max(this.dataLength, this.scratch.length * 2));
      this.headInScratch = undefined;
      this.subs = [];
    }
    return this.scratch;
  }

  /** Fills the view from the shape just scanned; false when the base64's length or padding is wrong. */
  fill(b: Buffer, s: LineShape): boolean {
    const n = base64Length(b, s.dataStart, s.dataEnd);
    if (n < 0) return false;
    this.buf = b;
    this.index = s.i;
    this.hashAt = s.hashAt;
    this.parentAt = s.parentAt;
    this.typeStart = s.typeStart;
    this.typeEnd = s.typeEnd;
    this.at = s.at;
    this.dataStart = s.dataStart;
    this.dataEnd = s.dataEnd;
    this.dataLength = n;
    this.matched = s.matched;
    this.data = EMPTY;
    return true;
  }
}

const EMPTY = new Uint8Array(0);

const RESUMED: ChainLogHeader = {
  format: 'theater-vscode-chain',
  version: 1,
  actorId: '',
  actorName: '',
  manifestPath: null,
  componentSha256: null,
  startedAt: '',
};

/** Incremental line parser shared by the whole-file and the streaming reader. */
class LogLineParser {
  header: ChainLogHeader | undefined;
  readonly problems: string[] = [];
  lineNo = 0;
  lastIndex = -1;
  /** The first line that is not what the writer writes (see ChainLogContents.broken). */
  broken: { line: number; message: string } | undefined;

  constructor(private readonly source: string) {}

  /** Continues after a header read earlier, expecting event `index` next. */
  resumeAt(index: number): void {
    this.header = RESUMED;
    this.lastIndex = index - 1;
  }

  private markBroken(message: string): void {
    if (!this.broken) this.broken = { line: this.lineNo, message };
  }

  /** Handles one complete line given as bytes b[s..e): the fast path for lines as the writer writes them. */
  lineAt(b: Buffer, s: number, e: number, onlyType?: Uint8Array): ChainEvent | undefined {
    if (this.header !== undefined) {
      const r = fastEventLine(b, s, e, onlyType);
      if (r) {
        this.lineNo++;
        const ev = this.accept(r);
        return ev === OTHER_TYPE ? undefined : ev;
      }
    }
    const ev = this.line(b.toString('utf8', s, e));
    return onlyType !== undefined && ev !== undefined && !bytesEqual(Buffer.from(ev.eventType, 'utf8'), onlyType) ? undefined : ev;
  }

  /**
   * Like lineAt, but a line exactly as the writer writes it with plain data fills `view` (and returns
   * it) instead of building an event; any other line goes the way lineAt takes it.
   */
  viewAt(b: Buffer, s: number, e: number, view: EventLineView, expect?: LineExpectation): ChainEvent | EventLineView | undefined {
    if (this.header !== undefined && scanEventLine(b, s, e, undefined, shape, expect) === SCAN_OK && !shape.packed && view.fill(b, shape)) {
      this.lineNo++;
      this.checkOrder(shape.i);
      return view;
    }
    return this.lineAt(b, s, e);
  }

  /** Checks the order of an event read from the current line. */
  private accept(r: { ev: ChainEvent; i: number }): ChainEvent {
    this.checkOrder(r.i);
    return r.ev;
  }

  /** Checks that the current line holds the next event index. */
  private checkOrder(i: number): void {
    if (i !== this.lastIndex + 1) {
      this.problems.push(
        `line ${this.lineNo} holds event ${i} but event ${this.lastIndex + 1} was expected; events are missing or repeated.`,
      );
      this.markBroken(`line ${this.lineNo} holds event ${i} but event ${this.lastIndex + 1} was expected`);
    }
    this.lastIndex = i;
  }

  /** Handles one complete line; returns the event it holds, if any. */
  line(text: string): ChainEvent | undefined {
    this.lineNo++;
    if (this.header === undefined) {
      let h: unknown;
      try {
        h = JSON.parse(text);
      } catch {
        /* reported below */
      }
      if (!validHeader(h)) {
        throw new Error(
          `${this.source} is not a theater-vscode chain log: its first line is not a {"format":"theater-vscode-chain",…} header; pass a *.chain.jsonl file written by Theater for VS Code.`,
        );
      }
      this.header = h;
      const bad = headerProblem(h);
      if (bad) this.markBroken(`${bad}, so it was altered`);
      return undefined;
    }
    if (text.trim() === '') {
      this.markBroken(`line ${this.lineNo} is empty; the writer never writes an empty line`);
      return undefined;
    }
    const r = parseEventLine(text, this.lineNo);
    if (typeof r === 'string') {
      this.problems.push(r);
      this.markBroken(r.replace(/; it was skipped\.$/, ''));
      return undefined;
    }
    return this.accept(r);
  }

  /** The final segment that had no newline: an event if it is whole, otherwise a torn line. */
  tail(text: string): { ev?: ChainEvent; torn: boolean } {
    if (this.header === undefined) {
      return { ev: this.line(text), torn: false };
    }
    const r = parseEventLine(text, this.lineNo + 1);
    if (typeof r === 'string') {
      this.lineNo++;
      this.problems.push(`the last line (${this.lineNo}) is incomplete, as left by an interrupted write; it was ignored.`);
      return { torn: true };
    }
    return { ev: this.line(text), torn: false };
  }

  finish(): ChainLogHeader {
    if (this.header === undefined) {
      throw new Error(`${this.source} is empty; a chain log starts with a header line, so recreate it or pick another file.`);
    }
    return this.header;
  }
}

export interface ChainLogStreamSummary {
  header: ChainLogHeader;
  count: number;
  tornTail: boolean;
  problems: string[];
  broken?: { line: number; message: string };
}

/**
 * Reads a log of any size event by event with synchronous chunked reads, holding one chunk plus the
 * current line. Every reader of `*.chain.jsonl` goes through this class (whole-file reads, streaming
 * commands, the explorer's worker, appending after a termination), so the line format lives here only.
 */
export class ChainLogReader {
  private readonly parser: LogLineParser;
  private readonly win: ByteWindow;
  private pos: number;
  private scanFrom: number;
  private done = false;
  private count = 0;
  private torn = false;
  /** File offsets of the line that held the last event returned by next(). */
  lastStart = 0;
  lastEnd = 0;
  /** Offset just after the last line that is kept (a torn last line is not). */
  goodEnd = 0;
  /** The kept last line had no newline (a whole event whose newline did not make it). */
  unterminated = false;

  constructor(
    private readonly fd: number,
    readonly source: string,
    start = 0,
    /** Resume at an event line found by an earlier read (`start` is its offset): no header is read. */
    firstIndex?: number,
    chunkBytes?: number,
  ) {
    this.parser = new LogLineParser(source);
    if (firstIndex !== undefined) this.parser.resumeAt(firstIndex);
    // Events are built as copies and a view lasts until the next read, so the window reuses one buffer.
    this.win = new ByteWindow(fd, start, -1, chunkBytes, true);
    this.pos = start;
    this.scanFrom = start;
    this.goodEnd = start;
  }

  /** Opens a log file (a regular file, any size); close() the reader when done. */
  static open(filePath: string): ChainLogReader {
    const { fd } = openLogFile(filePath);
    const r = new ChainLogReader(fd, filePath);
    try {
      r.readHeader();
    } catch (e) {
      r.close();
      throw e;
    }
    return r;
  }

  /** Reads the header line (done by open); throws one sentence when the file is not one of our logs. */
  readHeader(): ChainLogHeader {
    while (this.parser.header === undefined && !this.done) this.step();
    return this.parser.finish();
  }

  get header(): ChainLogHeader | undefined {
    return this.parser.header;
  }

  /** The next event, or undefined at the end of the log. */
  next(): ChainEvent | undefined {
    while (!this.done) {
      const ev = this.step();
      if (ev) {
        this.count++;
        return ev;
      }
    }
    return undefined;
  }

  /**
   * The next event of type `eventType`, or undefined at the end: lines of other types are only read
   * up to their type (their data is not decoded, nor checked). For scans that want one kind of
   * event; summary() after such a read counts only the events returned.
   */
  nextOfType(eventType: string): ChainEvent | undefined {
    const only = Buffer.from(eventType, 'utf8');
    while (!this.done) {
      const ev = this.step(only);
      if (ev && ev.eventType === eventType) {
        this.count++;
        return ev;
      }
    }
    return undefined;
  }

  private view: EventLineView | undefined;

  /**
   * The next event, or undefined at the end: a line exactly as the writer writes it with plain data
   * comes back as this reader's EventLineView (refilled by the next read, nothing allocated; see
   * there for the one check left to its reader), any other as the event next() would return. For
   * readers that compare or answer from a log's events; summary() then leaves out the problems of
   * lines whose base64 only its reader found bad. `expect`: what the caller expects the line to
   * hold (view.matched tells whether it does).
   */
  nextView(expect?: LineExpectation): ChainEvent | EventLineView | undefined {
    const view = (this.view ??= new EventLineView());
    while (!this.done) {
      const ev = this.step(undefined, view, expect);
      if (ev) {
        this.count++;
        return ev;
      }
    }
    return undefined;
  }

  /** One line: returns its event (or, given `view`, the filled view), if any. */
  private step(onlyType?: Uint8Array): ChainEvent | undefined;
  private step(onlyType: undefined, view: EventLineView, expect?: LineExpectation): ChainEvent | EventLineView | undefined;
  private step(onlyType?: Uint8Array, view?: EventLineView, expect?: LineExpectation): ChainEvent | EventLineView | undefined {
    const win = this.win;
    for (;;) {
      const nl = win.buf.indexOf(0x0a, this.scanFrom - win.base);
      if (nl >= 0) {
        const start = this.pos;
        const end = win.base + nl;
        const ev = view
          ? this.parser.viewAt(win.buf, start - win.base, nl, view, expect)
          : this.parser.lineAt(win.buf, start - win.base, nl, onlyType);
        this.pos = this.scanFrom = end + 1;
        this.goodEnd = this.pos;
        if (ev) {
          this.lastStart = start;
          this.lastEnd = end;
        }
        return ev;
      }
      this.scanFrom = win.end;
      if (!win.fill(this.pos)) break;
    }
    this.done = true;
    if (this.pos >= win.end) return undefined;
    const start = this.pos;
    const t = this.parser.tail(win.buf.toString('utf8', start - win.base));
    if (t.torn) this.torn = true;
    else {
      this.goodEnd = win.end;
      this.unterminated = true;
    }
    if (t.ev) {
      this.lastStart = start;
      this.lastEnd = win.end;
    }
    this.pos = win.end;
    return t.ev;
  }

  /** Index the next event gets (one past the last index read). */
  get lastIndex(): number {
    return this.parser.lastIndex;
  }

  /** What the whole read found; call after next() returned undefined. */
  summary(): ChainLogStreamSummary {
    const header = this.parser.finish();
    return {
      header,
      count: this.count,
      tornTail: this.torn,
      problems: this.parser.problems,
      ...(this.parser.broken ? { broken: this.parser.broken } : {}),
    };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function openLogFile(filePath: string): { fd: number; size: number } {
  try {
    return openRegularFile(filePath, 'chain log');
  } catch (e) {
    throw new Error(
      e instanceof FileReadError && e.reason !== 'missing'
        ? e.message
        : `Cannot read the chain log ${filePath}: ${(e as NodeJS.ErrnoException).code ?? 'ENOENT'}; check that the file exists and is readable.`,
    );
  }
}

/** Parses a whole log given as text or bytes (`source` names it in messages). */
export function parseChainLog(content: string | Uint8Array, source = 'the chain log'): ChainLogContents {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : asBuffer(content);
  const p = new LogLineParser(source);
  const events: ChainEvent[] = [];
  let start = 0;
  let tornTail = false;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      const t = p.tail(buf.toString('utf8', start));
      if (t.ev) events.push(t.ev);
      tornTail = t.torn;
      break;
    }
    const ev = p.lineAt(buf, start, nl);
    if (ev) events.push(ev);
    start = nl + 1;
  }
  const header = p.finish();
  return { header, events, tornTail, problems: p.problems, ...(p.broken ? { broken: p.broken } : {}) };
}

/** Reads a whole log into memory (tests, small logs); a torn last line is reported and ignored. */
export function readChainLog(filePath: string): ChainLogContents {
  const r = ChainLogReader.open(filePath);
  try {
    const events: ChainEvent[] = [];
    for (let ev = r.next(); ev; ev = r.next()) events.push(ev);
    const { header, tornTail, problems, broken } = r.summary();
    return { header, events, tornTail, problems, ...(broken ? { broken } : {}) };
  } finally {
    r.close();
  }
}

/**
 * Streams a log of any size: calls `onHeader` once, then `onEvent` for each event in order, holding
 * only one chunk in memory. Resolves with what a whole-file read would have reported.
 */
export async function streamChainLog(
  filePath: string,
  onEvent: (ev: ChainEvent, index: number) => void,
  onHeader?: (header: ChainLogHeader) => void,
): Promise<ChainLogStreamSummary> {
  const r = ChainLogReader.open(filePath);
  try {
    onHeader?.(r.header!);
    let i = 0;
    for (let ev = r.next(); ev; ev = r.next()) onEvent(ev, i++);
    return r.summary();
  } finally {
    r.close();
  }
}
