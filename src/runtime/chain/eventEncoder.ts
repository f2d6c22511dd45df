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
import { BASE64_ALPHABET, codesOf, HEX_ALPHABET } from './alphabets';
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
const B64_CHARS = codesOf(BASE64_ALPHABET);
/** The two base64 characters of every 12-bit value. */
const B64_PAIR = new Uint16Array(4096);
for (let v = 0; v < 4096; v++) B64_PAIR[v] = B64_CHARS[v >>> 6]! | (B64_CHARS[v & 63]! << 8);
const HEX_CHARS = codesOf(HEX_ALPHABET);
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

/** Decimal digits of a non-negative integer below 2^53. */
function digitCount(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** The decimal rendering of a non-negative integer below 2^53 (what String(n) gives) in `d` digits at `p`. */
function putDigits(buf: Buffer, p: number, n: number, d: number): number {
  const end = p + d;
  for (let q = end - 1; q > p; q--) {
    const next = Math.floor(n / 10);
    buf[q] = 48 + n - next * 10;
    n = next;
  }
  buf[p] = 48 + n;
  return end;
}

type OneShot = (alg: string, data: Uint8Array, enc: 'binary') => string;
const oneShot = (crypto as { hash?: OneShot }).hash;

/** SHA-1 of `view` as a 20-character latin1 string (the cheapest digest to get out of Node). */
function sha1Binary(view: Uint8Array): string {
  return oneShot ? oneShot('sha1', view, 'binary') : crypto.createHash('sha1').update(view).digest('binary');
}

function bytesOfBinary(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function binaryOfBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** SHA-1 of `view` as 20 bytes. */
export function sha1Bytes(view: Uint8Array): Uint8Array {
  return bytesOfBinary(sha1Binary(view));
}

/**
 * `[b,…,b]` for the bytes of a binary string (a hash), writing nothing past its end: in a head's
 * buffer the preimage's constant middle follows at once.
 */
function putBracketedDecimals(buf: Buffer, dv: DataView, p: number, s: string): number {
  buf[p++] = 91; // [
  const last = s.length - 1;
  for (let i = 0; i < last; i++) {
    const b = s.charCodeAt(i);
    dv.setUint32(p, DEC[b]!, true);
    p += DEC_LEN[b]!;
  }
  const b = s.charCodeAt(last);
  const w = DEC[b]!;
  for (let k = 0; k < DEC_LEN[b]! - 1; k++) buf[p++] = (w >>> (8 * k)) & 255;
  buf[p++] = 93; // ]
  return p;
}

function putHexOfBinary(dv: DataView, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    dv.setUint16(p, HEX_PAIR[s.charCodeAt(i)]!, true);
    p += 2;
  }
  return p;
}

const OUTPUT = latin1(',"output":');
const U8_ITEM = '{"U8":';
/** The shortest text packData packs: a run of 16 `{"U8":N}` items joined by commas. */
const SHORTEST_RUN = 16 * 8 + 15;

// A host call's preimage and line are encoded in buffers owned by the head they start from, with the
// head's constant middle written once at a fixed offset: each call writes only what varies, the
// start (index, hashes) right-aligned in front of the middle and the varying part behind it.
/** Room in front of the preimage's middle: `{"hash":[],"parent_hash":` and the parent (`[b,…]`, ≤ 81 bytes). */
const PRE_SLOT = 112;
/** Room in front of the line's middle: `{"i":N,"hash":"…","parent_hash":"…"` (N up to 16 digits: ≤ 128 bytes). */
const LINE_SLOT = 136;
/** In a head's line the hashes have fixed places: `,"hash":"<40>","parent_hash":"<40>"` ends at LINE_SLOT. */
const LINE_LINKS = LINE_SLOT - (LINE_HASH.length + 40 + LINE_PARENT.length + 1 + 40 + 1);
const LINE_HASH_AT = LINE_LINKS + LINE_HASH.length;
const LINE_PARENT_AT = LINE_HASH_AT + 40 + LINE_PARENT.length + 1;
/** The largest `,"at":N}\n` tail (N below 2^53). */
const AT_TAIL = 26;

/** A payload's leading bytes pre-rendered: as decimals for the preimage and as base64 for the line. */
class PayloadHead {
  /** Preimage after the parent hash: `,"event_type":<type>,"data":[` and `b,` for every byte of the head. */
  readonly preimageMiddle: Buffer;
  /** Line after the parent hash: `,"event_type":<type>,"data":"` and the base64 of the head up to a multiple of 3 bytes. */
  readonly lineMiddle: Buffer;
  /** The 0-2 bytes of the head that base64 has not covered yet: they lead the varying part. */
  readonly rest: Buffer;
  /** Whether the head holds a `{"U8":` item (then a call from it may need its data packed: the general path). */
  readonly mayPack: boolean;
  /** This head's preimage buffer: the middle at PRE_SLOT, the varying decimals after it. */
  pre: Buffer = Buffer.alloc(0);
  preView: DataView = dataViewOf(this.pre);
  /** This head's line buffer: the middle at LINE_SLOT, the varying base64 after it. */
  line: Buffer = Buffer.alloc(0);
  lineView: DataView = dataViewOf(this.line);
  /** Views of the preimage buffer by (start, end): crypto.hash wants an exact view, and they repeat. */
  private views = new Map<number, Uint8Array>();

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
    this.mayPack = bytes.includes(U8_ITEM);
    this.ensure(256);
  }

  /** Makes room for `n` varying bytes. */
  ensure(n: number): void {
    const preNeed = PRE_SLOT + this.preimageMiddle.length + n * 4 + 8;
    if (this.pre.length < preNeed) {
      this.pre = Buffer.allocUnsafe(Math.max(preNeed, this.pre.length * 2));
      this.preView = dataViewOf(this.pre);
      this.preimageMiddle.copy(this.pre, PRE_SLOT);
      this.views.clear();
    }
    const lineNeed = LINE_SLOT + this.lineMiddle.length + Math.ceil(n / 3) * 4 + AT_TAIL + 4;
    if (this.line.length < lineNeed) {
      this.line = Buffer.allocUnsafe(Math.max(lineNeed, this.line.length * 2));
      this.lineView = dataViewOf(this.line);
      this.lineMiddle.copy(this.line, LINE_SLOT);
      let q = put(this.line, LINE_LINKS, LINE_HASH) + 40;
      q = put(this.line, q, LINE_PARENT);
      this.line[q] = 34; // "
      this.line[LINE_SLOT - 1] = 34;
    }
  }

  /** The preimage buffer's bytes [start, end). */
  view(start: number, end: number): Uint8Array {
    if (end >= 1 << 22) return new Uint8Array(this.pre.buffer, this.pre.byteOffset + start, end - start);
    const key = end * 128 + start;
    let v = this.views.get(key);
    if (v === undefined) {
      if (this.views.size >= 1024) this.views.clear();
      v = new Uint8Array(this.pre.buffer, this.pre.byteOffset + start, end - start);
      this.views.set(key, v);
    }
    return v;
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

/** The length of `[b,…]` (or `null`) for a parent hash held as a binary string. */
function parentDecimalsLength(parent: string | null): number {
  if (parent === null) return 4;
  let n = 1; // the brackets, less the last comma
  for (let i = 0; i < parent.length; i++) n += DEC_LEN[parent.charCodeAt(i)]!;
  return n;
}

/**
 * Encodes the events of one chain in order. `encode`/`encodeHostCall` leave the event's log line in
 * `line[lineStart..lineStart+lineLength)` and its hash in `hash()`; `advance` makes that event the
 * parent of the next (call it once the line is written).
 */
export class EventEncoder {
  private pre = Buffer.allocUnsafe(8 * 1024);
  private preView = dataViewOf(this.pre);
  private ownLine = Buffer.allocUnsafe(4 * 1024);
  private ownLineView = dataViewOf(this.ownLine);
  /** The buffer holding the log line of the last encode (newline included). */
  line: Buffer = this.ownLine;
  lineStart = 0;
  lineLength = 0;
  /** A host call's varying bytes: the rest of the template's head, then input, output and `}`. */
  private varying = Buffer.allocUnsafe(1024);
  private varyingLength = 0;
  private lastHead: PayloadHead | undefined;
  private lastData: Uint8Array | undefined;
  // Hashes are kept as 20-character binary strings (what the digest returns); bytes only when asked.
  private parent: string | null;
  private parentBytes: Uint8Array | null;
  private parentDecLength: number;
  private current = '';
  // The hex of the current hash (written once, copied into this line and as the parent into the next).
  private currentHex = new DataView(new ArrayBuffer(40));
  private parentHex = new DataView(new ArrayBuffer(40));
  // `{"i":N` of the last line: indexes mostly count up by one, so the digits are incremented in place.
  private readonly indexText = Buffer.from('{"i":0'.padEnd(32, ' '), 'latin1');
  private indexTextLength = 6;
  private indexValue = 0;
  // `,"at":T` of the last line: many events share a millisecond.
  private readonly atText = Buffer.alloc(40);
  private atTextLength = 0;
  private atValue = -1;

  constructor(parent: Uint8Array | null) {
    this.parent = parent === null ? null : binaryOfBytes(parent);
    this.parentBytes = parent;
    this.parentDecLength = parentDecimalsLength(this.parent);
    if (this.parent !== null) putHexOfBinary(this.parentHex, 0, this.parent);
  }

  get parentHash(): Uint8Array | null {
    if (this.parentBytes === null && this.parent !== null) this.parentBytes = bytesOfBinary(this.parent);
    return this.parentBytes;
  }

  /** The hash of the event encoded last (a fresh array). */
  hash(): Uint8Array {
    return bytesOfBinary(this.current);
  }

  /** Makes the event just encoded the parent of the next one. */
  advance(): void {
    this.parent = this.current;
    this.parentBytes = null;
    this.parentDecLength = parentDecimalsLength(this.current);
    const hex = this.parentHex;
    this.parentHex = this.currentHex;
    this.currentHex = hex;
  }

  /** Hashes the preimage `view`: the event's hash, also as hex. */
  private digest(view: Uint8Array): void {
    const s = sha1Binary(view);
    this.current = s;
    putHexOfBinary(this.currentHex, 0, s);
  }

  /** `{"i":N` for `index` in indexText (counting up in place when it follows the last one). */
  private indexTextFor(index: number): number {
    const t = this.indexText;
    if (index === this.indexValue + 1) {
      let q = this.indexTextLength - 1;
      while (t[q] === 57) t[q--] = 48; // a 9 carries
      if (t[q] === 58 /* the colon: all nines */) {
        t[q + 1] = 49;
        t[this.indexTextLength++] = 48;
      } else t[q]!++;
    } else {
      this.indexTextLength = putDigits(t, LINE_I.length, index, digitCount(index));
    }
    this.indexValue = index;
    return this.indexTextLength;
  }

  /** `,"at":T` for `at` in atText. */
  private atTextFor(at: number): number {
    if (at !== this.atValue) {
      this.atValue = at;
      const q = put(this.atText, 0, LINE_AT);
      this.atTextLength =
        Number.isSafeInteger(at) && at >= 0
          ? putDigits(this.atText, q, at, digitCount(at))
          : q + this.atText.write(String(at), q, 'latin1');
    }
    return this.atTextLength;
  }

  /** Encodes event `index` (the next one after the current parent) with any payload; returns its hash. */
  encode(eventType: string, data: Uint8Array, index: number, cause?: EventCause, at?: number): Uint8Array {
    this.lastHead = undefined;
    this.lastData = data;
    const typeJson = typeJsonOf(eventType);
    const need = PRE_HEAD.length + 82 + PRE_TYPE.length + typeJson.length + PRE_DATA.length + data.length * 4 + 8;
    if (this.pre.length < need) this.growPreimage(need);
    const b = this.pre;
    const bv = this.preView;
    let p = this.putPreimageStart(b, bv, 0);
    p = put(b, p, PRE_TYPE);
    p = put(b, p, typeJson);
    p = put(b, p, PRE_DATA);
    p = putDecimals(bv, p, data, 0, data.length);
    if (data.length > 0) p--; // the last comma
    b[p++] = 93; // ]
    b[p++] = 125; // }
    this.digest(view(b, p));

    const packed = data.length >= PACK_FROM ? packData(data) : undefined;
    const body = packed ?? data;
    const causeText = cause ? JSON.stringify(cause) : undefined;
    const size = 230 + typeJson.length + Math.ceil(body.length / 3) * 4 + (causeText ? 3 * causeText.length + 12 : 0);
    if (this.ownLine.length < size) this.growLine(size);
    const l = this.ownLine;
    const lv = this.ownLineView;
    let q = this.putLineStart(l, lv, 0, index);
    q = put(l, q, LINE_TYPE);
    q = put(l, q, typeJson);
    q = put(l, q, packed ? LINE_PACKED : LINE_DATA);
    q = putBase64(lv, q, body, 0, body.length);
    l[q++] = 34; // "
    if (causeText !== undefined) {
      q = put(l, q, LINE_CAUSE);
      q = putUtf8(l, q, causeText);
    }
    if (at !== undefined) q = put(l, q, this.atText.subarray(0, this.atTextFor(at)));
    l[q++] = 125; // }
    l[q++] = 10; // \n
    this.line = l;
    this.lineStart = 0;
    this.lineLength = q;
    return this.hash();
  }

  /**
   * Encodes event `index` as a call of `t`'s function: the payload is exactly
   * hostFunctionPayload(interface, fn, inputJson, outputJson); only the varying part is rendered.
   */
  encodeHostCall(t: HostCallTemplate, index: number, inputJson: string, outputJson: string, at?: number): void {
    const h = t.headFor(inputJson);
    const withInput = h.input !== undefined;
    // Data that may be stored packed (a run of list<u8> items) takes the general path, which decides.
    // So does a chain's first event (no parent: the line's links differ).
    const mayPack =
      h.mayPack ||
      (outputJson.length >= SHORTEST_RUN && outputJson.includes(U8_ITEM)) ||
      (!withInput && inputJson.length >= SHORTEST_RUN && inputJson.includes(U8_ITEM));
    if (this.parent === null || mayPack) {
      this.renderVarying(h, inputJson, outputJson);
      this.encode(t.eventType, this.materialize(h), index, undefined, at);
      return;
    }
    const n = this.renderVarying(h, inputJson, outputJson);
    this.lastHead = h;
    this.lastData = undefined;
    h.ensure(n);
    const v = this.varying;
    const restLength = h.rest.length;

    const b = h.pre;
    const bv = h.preView;
    const start = PRE_SLOT - PRE_HEAD.length - this.parentDecLength;
    this.putPreimageStart(b, bv, start);
    let p = putDecimals(bv, PRE_SLOT + h.preimageMiddle.length, v, restLength, n) - 1; // without the last comma
    b[p++] = 93; // ]
    b[p++] = 125; // }
    this.digest(h.view(start, p));

    const l = h.line;
    const lv = h.lineView;
    copyWords(lv, LINE_HASH_AT, this.currentHex);
    copyWords(lv, LINE_PARENT_AT, this.parentHex);
    const indexLength = this.indexTextFor(index);
    const lineStart = LINE_LINKS - indexLength;
    const it = this.indexText;
    for (let i = 0; i < indexLength; i++) l[lineStart + i] = it[i]!;
    let q = putBase64(lv, LINE_SLOT + h.lineMiddle.length, v, 0, n);
    l[q++] = 34; // "
    if (at !== undefined) {
      const atLength = this.atTextFor(at);
      const a = this.atText;
      for (let i = 0; i < atLength; i++) l[q + i] = a[i]!;
      q += atLength;
    }
    l[q] = 125; // }
    l[q + 1] = 10; // \n
    this.line = l;
    this.lineStart = lineStart;
    this.lineLength = q + 2 - lineStart;
  }

  /** Writes the head's rest, the input unless the head holds it, the output and `}` into `varying`. */
  private renderVarying(h: PayloadHead, inputJson: string, outputJson: string): number {
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
    return n;
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
    this.ownLine = Buffer.allocUnsafe(Math.max(size, this.ownLine.length * 2));
    this.ownLineView = dataViewOf(this.ownLine);
  }

  /** `{"hash":[],"parent_hash":null` or `…:[b,…]` at `p`; returns the position after it. */
  private putPreimageStart(b: Buffer, bv: DataView, p: number): number {
    p = put(b, p, PRE_HEAD);
    const parent = this.parent;
    return parent === null ? put(b, p, NULL) : putBracketedDecimals(b, bv, p, parent);
  }

  /** `{"i":N,"hash":"…","parent_hash":null` or `…:"…"` at `q`; returns the position after it. */
  private putLineStart(l: Buffer, lv: DataView, q: number, index: number): number {
    q = put(l, q, this.indexText.subarray(0, this.indexTextFor(index)));
    q = put(l, q, LINE_HASH);
    copyWords(lv, q, this.currentHex);
    q = put(l, q + 40, LINE_PARENT);
    if (this.parent === null) return put(l, q, NULL);
    l[q++] = 34; // "
    copyWords(lv, q, this.parentHex);
    l[q + 40] = 34;
    return q + 41;
  }
}

/** Copies 40 bytes (a hash in hex) as ten 32-bit words. */
function copyWords(dv: DataView, p: number, hex: DataView): void {
  for (let i = 0; i < 40; i += 4) dv.setUint32(p + i, hex.getUint32(i, true), true);
}
