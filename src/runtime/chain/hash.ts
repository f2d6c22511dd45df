// Theater's event hash: SHA-1 over serde_json's compact rendering of the event with an empty `hash`
// (theater-compat.md §4.2, verified on the upstream chains). This runs once per host call, so the
// preimage is written byte by byte into a reused buffer instead of going through JSON.stringify (the
// recorder's own path is eventEncoder.ts, which writes the same bytes).
import type { ChainEvent } from './event';
import { dataViewOf, putDecimals, sha1Bytes } from './eventEncoder';
import { quoteJsonString } from './json';

export const HASH_LENGTH = 20;

/** The two extra fields of a legacy (c5fe764f) event; they are appended to the preimage. */
export interface LegacyFields {
  timestamp: bigint | number;
  description: string | null;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const HEAD = ascii('{"hash":[],"parent_hash":');
const NULL = ascii('null');
const EVENT_TYPE = ascii(',"event_type":');
const DATA = ascii(',"data":[');
const TIMESTAMP = ascii(',"timestamp":');
const DESCRIPTION = ascii(',"description":');

/** "0," … "255,": the JSON of each byte followed by a comma, for callers building byte arrays as text. */
export const BYTE_COMMA: readonly string[] = Array.from({ length: 256 }, (_, i) => `${i},`);

let scratch = Buffer.allocUnsafe(16 * 1024);
let scratchView = dataViewOf(scratch);

// Event types repeat (one per host function), so their escaped UTF-8 is cached; bounded in case a
// caller invents types freely.
const typeCache = new Map<string, Buffer>();
function encodedString(s: string): Buffer {
  let b = typeCache.get(s);
  if (b === undefined) {
    b = Buffer.from(quoteJsonString(s), 'utf8');
    if (typeCache.size >= 4096) typeCache.clear();
    typeCache.set(s, b);
  }
  return b;
}

function put(buf: Buffer, p: number, src: Uint8Array): number {
  const n = src.length;
  if (n < 24) {
    for (let i = 0; i < n; i++) buf[p + i] = src[i]!;
  } else {
    buf.set(src, p);
  }
  return p + n;
}

/** Writes `b0,b1,…` (decimal, no brackets) and returns the new position (needs 4 bytes of slack). */
function putByteList(buf: Buffer, p: number, bytes: Uint8Array): number {
  const end = putDecimals(scratch === buf ? scratchView : dataViewOf(buf), p, bytes, 0, bytes.length);
  return bytes.length > 0 ? end - 1 : end;
}

function timestampText(ts: bigint | number): string {
  if (typeof ts === 'bigint') {
    if (ts < 0n || ts >= 1n << 64n)
      throw new RangeError(`A legacy event timestamp must be a u64, but it is ${ts}; fix the event's timestamp.`);
    return ts.toString();
  }
  if (!Number.isInteger(ts) || ts < 0)
    throw new RangeError(`A legacy event timestamp must be a non-negative integer, but it is ${ts}; fix the event's timestamp.`);
  return BigInt(ts).toString();
}

/** Writes the preimage into the scratch buffer and returns its length. */
function writePreimage(parentHash: Uint8Array | null, eventType: string, data: Uint8Array, legacy?: LegacyFields): number {
  const et = encodedString(eventType);
  let legacyTs: Buffer | undefined;
  let legacyDesc: Buffer | undefined;
  let extra = 0;
  if (legacy) {
    legacyTs = ascii(timestampText(legacy.timestamp));
    legacyDesc = legacy.description === null ? NULL : Buffer.from(quoteJsonString(legacy.description), 'utf8');
    extra = TIMESTAMP.length + legacyTs.length + DESCRIPTION.length + legacyDesc.length;
  }
  const parentLen = parentHash === null ? 4 : 2 + parentHash.length * 4;
  const need = HEAD.length + parentLen + EVENT_TYPE.length + et.length + DATA.length + data.length * 4 + 8 + extra;
  if (scratch.length < need) {
    scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
    scratchView = dataViewOf(scratch);
  }
  const buf = scratch;
  let p = put(buf, 0, HEAD);
  if (parentHash === null) {
    p = put(buf, p, NULL);
  } else {
    buf[p++] = 91; // [
    p = putByteList(buf, p, parentHash);
    buf[p++] = 93; // ]
  }
  p = put(buf, p, EVENT_TYPE);
  p = put(buf, p, et);
  p = put(buf, p, DATA);
  p = putByteList(buf, p, data);
  buf[p++] = 93; // ]
  if (legacyTs && legacyDesc) {
    p = put(buf, p, TIMESTAMP);
    p = put(buf, p, legacyTs);
    p = put(buf, p, DESCRIPTION);
    p = put(buf, p, legacyDesc);
  }
  buf[p++] = 125; // }
  return p;
}

/**
 * The hash of an event: SHA-1 of `{"hash":[],"parent_hash":null|[..],"event_type":"..","data":[..]}`
 * (legacy events append `,"timestamp":N,"description":null|".."`). Returns 20 bytes.
 */
export function chainHash(parentHash: Uint8Array | null, eventType: string, data: Uint8Array, legacy?: LegacyFields): Uint8Array {
  const n = writePreimage(parentHash, eventType, data, legacy);
  // A plain Uint8Array, so events compare equal to ones read from disk.
  return sha1Bytes(new Uint8Array(scratch.buffer, scratch.byteOffset, n));
}

/** Recomputes the hash of a stored event from its own parent, type, data (and legacy fields). */
export function eventHash(ev: ChainEvent): Uint8Array {
  return chainHash(ev.parentHash, ev.eventType, ev.data, ev.legacy);
}

/** The exact preimage text that is hashed (for debugging and tests; a copy, not the hot path). */
export function chainPreimage(parentHash: Uint8Array | null, eventType: string, data: Uint8Array, legacy?: LegacyFields): string {
  const n = writePreimage(parentHash, eventType, data, legacy);
  return scratch.toString('utf8', 0, n);
}

/** Builds a linked event after `parent` (null for the root). */
export function createChainEvent(parent: Uint8Array | null, eventType: string, data: Uint8Array): ChainEvent {
  return { hash: chainHash(parent, eventType, data), parentHash: parent, eventType, data };
}

/** `[1,2,3]` exactly as serde_json writes a byte vector. */
export function byteArrayJson(bytes: Uint8Array): string {
  let s = '[';
  for (let i = 0; i < bytes.length; i++) s += BYTE_COMMA[bytes[i]!];
  return bytes.length === 0 ? '[]' : `${s.slice(0, -1)}]`;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export function toHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) {
    throw new Error(
      `"${hex.length > 48 ? `${hex.slice(0, 48)}…` : hex}" is not a hex byte string; use an even number of the digits 0-9 and a-f.`,
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The first 7 hex digits, as git abbreviates. */
export function shortHash(bytes: Uint8Array): string {
  return toHex(bytes.subarray(0, 4)).slice(0, 7);
}

export function bytesEqual(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
