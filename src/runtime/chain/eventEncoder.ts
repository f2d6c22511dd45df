// The recorder's hot path: one event's hash preimage and its log line are written straight into
// reused buffers, with no intermediate strings for the byte renderings. The output is byte for byte
// what chainPreimage (hash.ts) and encodeChainLogLine (log.ts) produce — those stay as the reference,
// and test/chain/eventEncoder.test.ts compares the two on seeded random events.
//
// A host call's payload starts with a part that is the same on every call of one function
// (`{"category":"HostFunction","interface":…,"function":…,"input":`, and the input too when it repeats);
// a HostCallTemplate holds that part as bytes, as its decimal rendering for the preimage and as base64
// for the line, so each call renders only what varies.
import * as crypto from 'node:crypto';
import type { EventCause } from './event';
import { quoteJsonString } from './json';
import { packData } from './packedData';

// Renderings are table-driven and written as whole little-endian words through a DataView: a byte's
// `b,` (padded to four bytes, then the position moves by its real length), a byte's two hex digits,
// and the four base64 characters of three bytes.
const DEC = new Uint32Array(256);
const DEC_LEN = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const s = `${b},`;
  let w = 0;
  for (let k = 0; k < s.length; k++) w |= s.charCodeAt(k) << (8 * k);
  DEC[b] = w >>> 0;
  DEC_LEN[b] = s.length;
}
const B64_CHARS = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));
/** The two base64 characters of every 12-bit value. */
const B64_PAIR = new Uint16Array(4096);
for (let v = 0; v < 4096; v++) B64_PAIR[v] = B64_CHARS[v >>> 6]! | (B64_CHARS[v & 63]! << 8);
const HEX_CHARS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const HEX_PAIR = new Uint16Array(256);
for (let b = 0; b < 256; b++) HEX_PAIR[b] = HEX_CHARS[b >>> 4]! | (HEX_CHARS[b & 15]! << 8);

/** A DataView over a whole Buffer. */
export const dataViewOf = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const PRE_HEAD = latin1('{"hash":[],"parent_hash":');
const PRE_TYPE = latin1(',"event_type":');
const PRE_DATA = latin1(',"data":[');
const LINE_I = latin1('{"i":');
const LINE_HASH = latin1(',"hash":"');
const LINE_PARENT = latin1('","parent_hash":');
const LINE_TYPE = latin1(',"event_type":');
const LINE_DATA = latin1(',"data":"');
const LINE_PACKED = latin1(',"data_packed":"');
const LINE_CAUSE = latin1(',"cause":');
const LINE_AT = latin1(',"at":');
const NULL = latin1('null');

const SLAB_BYTES = 64 * 1024;

/** Data at least this long may be stored packed (the same rule as encodeChainLogLine). */
const PACK_FROM = 256;

function put(buf: Buffer, p: number, src: Uint8Array): number {
  const n = src.length;
  if (n < 32) for (let i = 0; i < n; i++) buf[p + i] = src[i]!;
  else buf.set(src, p);
  return p + n;
}

/** Writes `b,` for each byte of `bytes[from..to)` (a trailing comma included); needs 4 bytes of slack. */
export function putDecimals(dv: DataView, p: number, bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    dv.setUint32(p, DEC[b]!, true);
    p += DEC_LEN[b]!;
  }
  return p;
}

/** Base64 (standard alphabet, padded) of `bytes[from..to)`. */
function putBase64(dv: DataView, p: number, bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  const whole = to - ((to - from) % 3);
  for (; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    dv.setUint32(p, B64_PAIR[n >>> 12]! | (B64_PAIR[n & 4095]! << 16), true);
    p += 4;
  }
  const rest = to - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    dv.setUint32(p, B64_PAIR[n >>> 12]! | (0x3d3d << 16), true);
    p += 4;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    dv.setUint32(p, (B64_PAIR[n >>> 12]! | (B64_CHARS[(n >>> 6) & 63]! << 16) | (0x3d << 24)) >>> 0, true);
    p += 4;
  }
  return p;
}

function putHex(dv: DataView, p: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    dv.setUint16(p, HEX_PAIR[bytes[i]!]!, true);
    p += 2;
  }
  return p;
}

/** Writes an ASCII string as its bytes. */
function putAscii(buf: Buffer, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/** UTF-8 of `s` at `p` (lone surrogates become U+FFFD, as Buffer.from does); needs 3 bytes per char. */
function putUtf8(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n < 64) {
    let q = p;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return p + buf.write(s, p, 'utf8');
      buf[q++] = c;
    }
    return q;
  }
  return p + buf.write(s, p, 'utf8');
}

function putIndex(buf: Buffer, p: number, n: number): number {
  if (n < 10) {
    buf[p] = 48 + n;
    return p + 1;
  }
  return putAscii(buf, p, String(n));
}

type OneShot = (alg: string, data: Uint8Array, enc: 'binary') => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

/** SHA-1 of `view` as 20 bytes in a plain Uint8Array (digested to a latin1 string: cheaper than a Buffer). */
export function sha1Bytes(view: Uint8Array): Uint8Array {
  const s = oneShot ? oneShot('sha1', view, 'binary') : crypto.createHash('sha1').update(view).digest('binary');
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = s.charCodeAt(i);
  return out;
}

const OUTPUT = latin1(',"output":');

/** A payload's leading bytes pre-rendered: as decimals for the preimage and as base64 for the line. */
class PayloadHead {
  /** Preimage after the parent hash: `,"event_type":<type>,"data":[` and `b,` for every byte of the head. */
  readonly preimageMiddle: Buffer;
  /** Line after the parent hash: `,"event_type":<type>,"data":"` and the base64 of the head up to a multiple of 3 bytes. */
  readonly lineMiddle: Buffer;
  /** The 0-2 bytes of the head that base64 has not covered yet: they lead the varying part. */
  readonly rest: Buffer;

  constructor(
    typeJson: Buffer,
    /** The head itself. */
    readonly bytes: Buffer,
    /** For a head that includes the input: that input's JSON text. */
    readonly input?: string,
  ) {
    const dec = Buffer.allocUnsafe(bytes.length * 4 + 4);
    const decimals = dec.subarray(0, putDecimals(dataViewOf(dec), 0, bytes, 0, bytes.length));
    this.preimageMiddle = Buffer.concat([PRE_TYPE, typeJson, PRE_DATA, decimals]);
    const b64Bytes = bytes.length - (bytes.length % 3);
    this.lineMiddle = Buffer.concat([LINE_TYPE, typeJson, LINE_DATA, latin1(bytes.subarray(0, b64Bytes).toString('base64'))]);
    this.rest = Buffer.from(bytes.subarray(b64Bytes));
  }
}

/**
 * The parts of one host function's events that never change between its calls: the payload up to its
 * input and, once the same input JSON came twice in a row (a function without parameters, or called
 * with the same ones), the payload up to its output.
 */
export class HostCallTemplate {
  readonly eventType: string;
  /** `{"category":"HostFunction","interface":…,"function":…,"input":` as UTF-8. */
  readonly head: Buffer;
  readonly typeJson: Buffer;
  readonly plain: PayloadHead;
  /** The head through `"input":<input>,"output":` for the input last seen twice in a row. */
  withInput: PayloadHead | undefined;
  lastInput: string | undefined;

  constructor(
    readonly interfaceWithVersion: string,
    readonly fn: string,
  ) {
    this.eventType = `${interfaceWithVersion}/${fn}`;
    this.typeJson = Buffer.from(quoteJsonString(this.eventType), 'utf8');
    this.head = Buffer.from(
      `{"category":"HostFunction","interface":${quoteJsonString(interfaceWithVersion)},"function":${quoteJsonString(fn)},"input":`,
      'utf8',
    );
    this.plain = new PayloadHead(this.typeJson, this.head);
  }

  /** The head to encode a call with `inputJson` from (and whether it already holds the input). */
  headFor(inputJson: string): PayloadHead {
    const w = this.withInput;
    if (w !== undefined && w.input === inputJson) return w;
    if (this.lastInput === inputJson && inputJson.length <= 4096) {
      this.withInput = new PayloadHead(this.typeJson, Buffer.concat([this.head, Buffer.from(inputJson, 'utf8'), OUTPUT]), inputJson);
      return this.withInput;
    }
    this.lastInput = inputJson;
    return this.plain;
  }
}

// Event types repeat (one per host function), so their JSON is cached; bounded in case a caller
// invents types freely.
const typeJsonCache = new Map<string, Buffer>();
function typeJsonOf(eventType: string): Buffer {
  let b = typeJsonCache.get(eventType);
  if (b === undefined) {
    b = Buffer.from(quoteJsonString(eventType), 'utf8');
    if (typeJsonCache.size >= 4096) typeJsonCache.clear();
    typeJsonCache.set(eventType, b);
  }
  return b;
}

/** A view of `buf[0..n)` (the Uint8Array constructor is cheaper than Buffer#subarray). */
const view = (buf: Buffer, n: number): Uint8Array => new Uint8Array(buf.buffer, buf.byteOffset, n);

/**
 * Encodes the events of one chain in order. `encode`/`encodeHostCall` return the event's hash and
 * leave its log line in `line[0..lineLength)`; `advance` makes that event the parent of the next
 * (call it once the line is written).
 */
export class EventEncoder {
  private pre = Buffer.allocUnsafe(8 * 1024);
  private preView = dataViewOf(this.pre);
  /** The log line of the last encode (newline included), valid up to `lineLength`. */
  line = Buffer.allocUnsafe(4 * 1024);
  private lineView = dataViewOf(this.line);
  lineLength = 0;
  /** A host call's varying bytes: the rest of the template's head, then input, output and `}`. */
  private varying = Buffer.allocUnsafe(1024);
  private varyingLength = 0;
  private lastHead: PayloadHead | undefined;
  private lastData: Uint8Array | undefined;
  private parent: Uint8Array | null;

  constructor(parent: Uint8Array | null) {
    this.parent = parent;
  }

  get parentHash(): Uint8Array | null {
    return this.parent;
  }

  /** Makes the event just encoded (hash `hash`) the parent of the next one. */
  advance(hash: Uint8Array): void {
    this.parent = hash;
  }

  /** Encodes event `index` (the next one after the current parent) with any payload. */
  encode(eventType: string, data: Uint8Array, index: number, cause?: EventCause, at?: number): Uint8Array {
    this.lastHead = undefined;
    this.lastData = data;
    const typeJson = typeJsonOf(eventType);
    const need = PRE_HEAD.length + 82 + PRE_TYPE.length + typeJson.length + PRE_DATA.length + data.length * 4 + 8;
    if (this.pre.length < need) this.growPreimage(need);
    const b = this.pre;
    const bv = this.preView;
    let p = this.putPreimageParent(b, bv);
    p = put(b, p, PRE_TYPE);
    p = put(b, p, typeJson);
    p = put(b, p, PRE_DATA);
    p = putDecimals(bv, p, data, 0, data.length);
    if (data.length > 0) p--; // the last comma
    b[p++] = 93; // ]
    b[p++] = 125; // }
    const hash = sha1Bytes(view(b, p));

    const packed = data.length >= PACK_FROM ? packData(data) : undefined;
    const body = packed ?? data;
    const causeText = cause ? JSON.stringify(cause) : undefined;
    const size = 230 + typeJson.length + Math.ceil(body.length / 3) * 4 + (causeText ? 3 * causeText.length + 12 : 0);
    if (this.line.length < size) this.growLine(size);
    const l = this.line;
    const lv = this.lineView;
    let q = this.putLineStart(l, lv, index, hash);
    q = put(l, q, LINE_TYPE);
    q = put(l, q, typeJson);
    q = put(l, q, packed ? LINE_PACKED : LINE_DATA);
    q = putBase64(lv, q, body, 0, body.length);
    l[q++] = 34; // "
    if (causeText !== undefined) {
      q = put(l, q, LINE_CAUSE);
      q = putUtf8(l, q, causeText);
    }
    if (at !== undefined) q = putAt(l, q, at);
    l[q++] = 125; // }
    l[q++] = 10; // \n
    this.lineLength = q;
    return hash;
  }

  /**
   * Encodes event `index` as a call of `t`'s function: the payload is exactly
   * hostFunctionPayload(interface, fn, inputJson, outputJson); only the varying part is rendered.
   */
  encodeHostCall(t: HostCallTemplate, index: number, inputJson: string, outputJson: string, at?: number): Uint8Array {
    const h = t.headFor(inputJson);
    const rest = h.rest;
    const withInput = h.input !== undefined;
    const cap = rest.length + OUTPUT.length + 3 * ((withInput ? 0 : inputJson.length) + outputJson.length) + 1;
    if (this.varying.length < cap) this.varying = Buffer.allocUnsafe(Math.max(cap, this.varying.length * 2));
    const v = this.varying;
    let n = put(v, 0, rest);
    if (!withInput) {
      n = putUtf8(v, n, inputJson);
      n = put(v, n, OUTPUT);
    }
    n = putUtf8(v, n, outputJson);
    v[n++] = 125; // }
    this.varyingLength = n;
    this.lastHead = h;
    // Long payloads may be stored packed: the general path decides.
    if (h.bytes.length - rest.length + n >= PACK_FROM) return this.encode(t.eventType, this.materialize(h), index, undefined, at);
    this.lastData = undefined;

    const need = PRE_HEAD.length + 82 + h.preimageMiddle.length + n * 4 + 8;
    if (this.pre.length < need) this.growPreimage(need);
    const b = this.pre;
    const bv = this.preView;
    let p = this.putPreimageParent(b, bv);
    p = put(b, p, h.preimageMiddle);
    p = putDecimals(bv, p, v, rest.length, n) - 1; // without the last comma
    b[p++] = 93; // ]
    b[p++] = 125; // }
    const hash = sha1Bytes(view(b, p));

    const size = 190 + h.lineMiddle.length + Math.ceil(n / 3) * 4;
    if (this.line.length < size) this.growLine(size);
    const l = this.line;
    const lv = this.lineView;
    let q = this.putLineStart(l, lv, index, hash);
    q = put(l, q, h.lineMiddle);
    q = putBase64(lv, q, v, 0, n);
    l[q++] = 34; // "
    if (at !== undefined) q = putAt(l, q, at);
    l[q] = 125; // }
    l[q + 1] = 10; // \n
    this.lineLength = q + 2;
    return hash;
  }

  /** The payload of the event encoded last (a fresh array for a host call, built only when asked for). */
  data(): Uint8Array {
    if (this.lastData === undefined) this.lastData = this.materialize(this.lastHead!);
    return this.lastData;
  }

  private materialize(h: PayloadHead): Uint8Array {
    const headLen = h.bytes.length - h.rest.length;
    const out = this.allocate(headLen + this.varyingLength);
    out.set(h.bytes.subarray(0, headLen));
    out.set(this.varying.subarray(0, this.varyingLength), headLen);
    return out;
  }

  // Kept payloads (a replay keeps every event) are views into 64 KiB slabs: a typed array with its
  // own buffer costs several times more to allocate and collect than the bytes it holds. They stay
  // in the worker (what leaves it is decoded), so no slab is ever copied along with a view.
  private slab = new ArrayBuffer(0);
  private slabUsed = 0;
  private allocate(n: number): Uint8Array {
    if (n > SLAB_BYTES / 8) return new Uint8Array(n);
    if (this.slabUsed + n > this.slab.byteLength) {
      this.slab = new ArrayBuffer(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const out = new Uint8Array(this.slab, this.slabUsed, n);
    this.slabUsed += n;
    return out;
  }

  private growPreimage(need: number): void {
    this.pre = Buffer.allocUnsafe(Math.max(need, this.pre.length * 2));
    this.preView = dataViewOf(this.pre);
  }

  private growLine(size: number): void {
    this.line = Buffer.allocUnsafe(Math.max(size, this.line.length * 2));
    this.lineView = dataViewOf(this.line);
  }

  /** `{"hash":[],"parent_hash":null` or `…:[b,…]`; returns the position after it. */
  private putPreimageParent(b: Buffer, bv: DataView): number {
    let p = put(b, 0, PRE_HEAD);
    const parent = this.parent;
    if (parent === null) return put(b, p, NULL);
    b[p++] = 91; // [
    p = putDecimals(bv, p, parent, 0, parent.length) - 1;
    b[p++] = 93; // ]
    return p;
  }

  /** `{"i":N,"hash":"…","parent_hash":null` or `…:"…"`; returns the position after it. */
  private putLineStart(l: Buffer, lv: DataView, index: number, hash: Uint8Array): number {
    let q = put(l, 0, LINE_I);
    q = putIndex(l, q, index);
    q = put(l, q, LINE_HASH);
    q = putHex(lv, q, hash);
    q = put(l, q, LINE_PARENT);
    const parent = this.parent;
    if (parent === null) return put(l, q, NULL);
    l[q++] = 34; // "
    q = putHex(lv, q, parent);
    l[q++] = 34;
    return q;
  }
}

/** `,"at":<ms>` (when the event was recorded; outside the hashed data); returns the position after it. */
function putAt(l: Buffer, q: number, at: number): number {
  q = put(l, q, LINE_AT);
  return q + l.write(String(at), q, 'latin1');
}
