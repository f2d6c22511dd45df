// Theater's chain.json: a JSON array of events with byte arrays as number arrays, pretty-printed by
// serde_json::to_string_pretty (theater-compat.md §4.3). Also StateChain::save_to_file's
// {"events":[…],"current_hash":[…]} and the legacy six-field events.
import * as fs from 'node:fs';
import { ByteWindow } from './chunks';
import type { ChainEvent } from './event';
import { parseLossless, quoteJsonString } from './json';

type RawEvent = Record<string, unknown>;

function bytesField(e: RawEvent, key: string, index: number, source: string): Uint8Array {
  const v = e[key];
  if (!Array.isArray(v)) {
    throw new Error(
      `Event ${index} in ${source} has a "${key}" that is not an array of bytes; Theater chain files store ${key} as numbers 0-255.`,
    );
  }
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      throw new Error(
        `Event ${index} in ${source} has ${JSON.stringify(String(b))} at ${key}[${i}], which is not a byte; Theater chain files store ${key} as numbers 0-255.`,
      );
    }
    out[i] = b;
  }
  return out;
}

function toEvent(e: unknown, index: number, source: string): ChainEvent {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) {
    throw new Error(`Event ${index} in ${source} is not an object; each event needs hash, parent_hash, event_type and data.`);
  }
  const o = e as RawEvent;
  for (const key of ['hash', 'event_type', 'data']) {
    if (!(key in o))
      throw new Error(`Event ${index} in ${source} has no "${key}" field; each event needs hash, parent_hash, event_type and data.`);
  }
  if (typeof o.event_type !== 'string')
    throw new Error(`Event ${index} in ${source} has an "event_type" that is not a string; fix or regenerate the chain file.`);
  const ev: ChainEvent = {
    hash: bytesField(o, 'hash', index, source),
    // serde reads a missing Option field as None.
    parentHash: o.parent_hash === null || o.parent_hash === undefined ? null : bytesField(o, 'parent_hash', index, source),
    eventType: o.event_type,
    data: bytesField(o, 'data', index, source),
  };
  if ('timestamp' in o) {
    const ts = o.timestamp;
    if ((typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0) && (typeof ts !== 'bigint' || ts < 0n)) {
      throw new Error(
        `Event ${index} in ${source} has a "timestamp" that is not a non-negative integer; legacy events carry milliseconds as a u64.`,
      );
    }
    const d = o.description;
    if (d !== undefined && d !== null && typeof d !== 'string') {
      throw new Error(
        `Event ${index} in ${source} has a "description" that is neither a string nor null; fix or regenerate the chain file.`,
      );
    }
    ev.legacy = { timestamp: ts, description: d ?? null };
  }
  return ev;
}

const notJson = (source: string, why: string) =>
  new Error(`${source} is not valid JSON (${why}); expected Theater's chain.json, a JSON array of events.`);
const notChain = (source: string) =>
  new Error(`${source} is neither a JSON array of events nor an object with an "events" array; expected Theater's chain.json.`);

function parseElement(text: string, index: number, source: string): ChainEvent {
  let e: unknown;
  try {
    e = JSON.parse(text);
  } catch (err) {
    throw notJson(source, `event ${index}: ${(err as Error).message}`);
  }
  // Legacy timestamps are u64: re-read losslessly in the rare case one does not fit a double.
  if (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as RawEvent).timestamp === 'number' &&
    !Number.isSafeInteger((e as RawEvent).timestamp)
  )
    e = parseLossless(text);
  return toEvent(e, index, source);
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Reads Theater's chain JSON of any size event by event (a bare array, or StateChain's
 * {"events":[…],"current_hash":…}): a byte scanner finds each array element, which alone is parsed,
 * so memory holds one chunk plus one event. Throws one sentence naming the event index and field
 * when the shape is wrong.
 */
export class TheaterJsonReader {
  private readonly win: ByteWindow;
  private pos: number;
  private index: number;
  /** 'members': inside the top object looking for "events"; 'elements': in the events array. */
  private state: 'start' | 'members' | 'elements' | 'first-element' | 'after' | 'done';
  private top: 'array' | 'object' = 'array';
  /** File offsets of the last event's JSON text. */
  lastStart = 0;
  lastEnd = 0;

  constructor(
    /** A file descriptor (read in chunks) or the whole text's bytes. */
    input: number | Buffer,
    readonly source: string,
    /** Start inside the events array at an element (page reads): its offset and index. */
    at?: { offset: number; index: number },
    chunkBytes?: number,
  ) {
    this.win = new ByteWindow(input, at?.offset ?? 0, -1, chunkBytes);
    this.pos = at?.offset ?? 0;
    this.index = at?.index ?? 0;
    this.state = at ? 'elements' : 'start';
  }

  get count(): number {
    return this.index;
  }

  private byte(at: number): number {
    return this.win.byte(at, this.pos);
  }

  private skipWs(): number {
    for (;;) {
      const c = this.byte(this.pos);
      if (!isWs(c)) return c;
      this.pos++;
    }
  }

  private unexpected(c: number): Error {
    return notJson(
      this.source,
      c < 0 ? 'unexpected end of the file' : `unexpected ${JSON.stringify(String.fromCharCode(c))} at byte ${this.pos}`,
    );
  }

  /** Offset just after the JSON value that starts at `start` (only its structure is checked here). */
  private valueEnd(start: number): number {
    const w = this.win;
    const first = this.byte(start);
    if (first < 0) throw this.unexpected(first);
    const container = first === 0x5b || first === 0x7b;
    let depth = 0;
    let inStr = false;
    let i = start;
    for (;;) {
      if (i >= w.end && !w.fill(start)) {
        if (!container && !inStr && i > start) return i;
        this.pos = i;
        throw this.unexpected(-1);
      }
      const buf = w.buf;
      const base = w.base;
      const stop = w.end;
      for (; i < stop; i++) {
        const c = buf[i - base]!;
        if (inStr) {
          if (c === 0x5c) i++;
          else if (c === 0x22) {
            inStr = false;
            if (!container) return i + 1;
          }
        } else if (c === 0x22) {
          if (!container && i > start) return i;
          inStr = true;
        } else if (container) {
          if (c === 0x5b || c === 0x7b) depth++;
          else if (c === 0x5d || c === 0x7d) {
            if (--depth === 0) return i + 1;
          }
        } else if (c === 0x2c || c === 0x5d || c === 0x7d || isWs(c)) return i;
      }
    }
  }

  /** The next event, or undefined after the last one. */
  next(): ChainEvent | undefined {
    for (;;) {
      switch (this.state) {
        case 'start': {
          if (this.byte(0) === 0xef && this.byte(1) === 0xbb && this.byte(2) === 0xbf) this.pos = 3;
          const c = this.skipWs();
          this.pos++;
          if (c === 0x5b) this.state = 'first-element';
          else if (c === 0x7b) {
            this.top = 'object';
            this.state = 'members';
          } else {
            this.pos--;
            throw this.unexpected(c);
          }
          break;
        }
        case 'members': {
          let c = this.skipWs();
          if (c === 0x7d) {
            throw notChain(this.source);
          }
          if (c !== 0x22) throw this.unexpected(c);
          const keyEnd = this.valueEnd(this.pos);
          const key = JSON.parse(this.win.view(this.pos, keyEnd).toString('utf8')) as string;
          this.pos = keyEnd;
          if ((c = this.skipWs()) !== 0x3a) throw this.unexpected(c);
          this.pos++;
          c = this.skipWs();
          if (key === 'events') {
            if (c !== 0x5b) throw notChain(this.source);
            this.pos++;
            this.state = 'first-element';
            break;
          }
          this.pos = this.valueEnd(this.pos);
          c = this.skipWs();
          this.pos++;
          if (c === 0x7d) throw notChain(this.source);
          if (c !== 0x2c) {
            this.pos--;
            throw this.unexpected(c);
          }
          break;
        }
        case 'first-element':
        case 'elements': {
          let c = this.skipWs();
          if (this.state === 'first-element' && c === 0x5d) {
            this.pos++;
            this.state = 'after';
            break;
          }
          const start = this.pos;
          const end = this.valueEnd(start);
          const ev = parseElement(this.win.view(start, end).toString('utf8'), this.index, this.source);
          this.lastStart = start;
          this.lastEnd = end;
          this.pos = end;
          c = this.skipWs();
          this.pos++;
          if (c === 0x5d) this.state = 'after';
          else if (c === 0x2c) this.state = 'elements';
          else {
            this.pos--;
            throw this.unexpected(c);
          }
          this.index++;
          return ev;
        }
        case 'after': {
          // The rest of the StateChain object (current_hash), then nothing but whitespace.
          let c = this.skipWs();
          if (this.top === 'object') {
            this.pos++;
            if (c === 0x7d) this.top = 'array';
            else if (c !== 0x2c) {
              this.pos--;
              throw this.unexpected(c);
            } else {
              c = this.skipWs();
              if (c !== 0x22) throw this.unexpected(c);
              this.pos = this.valueEnd(this.pos);
              if ((c = this.skipWs()) !== 0x3a) throw this.unexpected(c);
              this.pos++;
              this.skipWs();
              this.pos = this.valueEnd(this.pos);
            }
            break;
          }
          if (c >= 0) throw this.unexpected(c);
          this.state = 'done';
          return undefined;
        }
        case 'done':
          return undefined;
      }
    }
  }
}

/**
 * Parses Theater's chain JSON held in memory (tests, small inputs); files are read with
 * TheaterJsonReader (chainFile.ts), which this wraps.
 */
export function readTheaterChainJson(text: string, source = 'the chain JSON'): ChainEvent[] {
  const r = new TheaterJsonReader(Buffer.from(text, 'utf8'), source);
  const out: ChainEvent[] = [];
  for (let ev = r.next(); ev; ev = r.next()) out.push(ev);
  return out;
}

// serde_json's PrettyFormatter: two-space indent, one array element per line, `[]` when empty.
const BYTE_LINE6: readonly string[] = Array.from({ length: 256 }, (_, i) => `      ${i}`);

function prettyBytes(b: Uint8Array): string {
  if (b.length === 0) return '[]';
  const lines = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) lines[i] = BYTE_LINE6[b[i]!]!;
  return `[\n${lines.join(',\n')}\n    ]`;
}

function prettyEvent(ev: ChainEvent): string {
  let s = `  {\n    "hash": ${prettyBytes(ev.hash)},\n    "parent_hash": ${ev.parentHash === null ? 'null' : prettyBytes(ev.parentHash)},\n    "event_type": ${quoteJsonString(ev.eventType)},\n    "data": ${prettyBytes(ev.data)}`;
  if (ev.legacy) {
    const d = ev.legacy.description;
    s += `,\n    "timestamp": ${BigInt(ev.legacy.timestamp).toString()},\n    "description": ${d === null ? 'null' : quoteJsonString(d)}`;
  }
  return `${s}\n  }`;
}

/** Writes events exactly as `serde_json::to_string_pretty(&Vec<ChainEvent>)` does (no trailing newline). */
export function writeTheaterChainJson(events: readonly ChainEvent[]): string {
  if (events.length === 0) return '[]';
  return `[\n${events.map(prettyEvent).join(',\n')}\n]`;
}

const FLUSH_CHARS = 1 << 20;

/**
 * Writes a chain.json of any size event by event, byte for byte what writeTheaterChainJson writes
 * for the same events, holding about one event's text at a time.
 */
export class TheaterJsonWriter {
  private pending = '';
  private count = 0;

  constructor(private readonly write: (text: string) => void) {}

  /** Writes to a file descriptor with synchronous writes. */
  static toFd(fd: number): TheaterJsonWriter {
    return new TheaterJsonWriter((text) => {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    });
  }

  get written(): number {
    return this.count;
  }

  add(ev: ChainEvent): void {
    this.pending += (this.count++ === 0 ? '[\n' : ',\n') + prettyEvent(ev);
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending) this.write(this.pending);
    this.pending = '';
  }

  /** Closes the array (`[]` when no event was added) and flushes. */
  end(): void {
    this.pending += this.count === 0 ? '[]' : '\n]';
    this.flush();
  }
}
