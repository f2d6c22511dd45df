// Theater's chain.json: a JSON array of events with byte arrays as number arrays, pretty-printed by
// serde_json::to_string_pretty (theater-compat.md §4.3). Also StateChain::save_to_file's
// {"events":[…],"current_hash":[…]} and the legacy six-field events.
import { FileReadError, readRegularFile } from '../files/readRegular';
import { CHAIN_FILE_MAX_BYTES } from '../limits';
import { ChainFileError } from './errors';
import type { ChainEvent, ChainLogHeader } from './event';
import { parseLossless, quoteJsonString } from './json';
import { parseChainLog } from './log';

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

/**
 * Parses Theater's chain JSON: a bare array of events, or StateChain's {"events":[…],"current_hash":…}.
 * Throws one sentence naming the event index and field when the shape is wrong.
 */
export function readTheaterChainJson(text: string, source = 'the chain JSON'): ChainEvent[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new Error(`${source} is not valid JSON (${(e as Error).message}); expected Theater's chain.json, a JSON array of events.`);
  }
  const top = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(top)) {
    throw new Error(`${source} is neither a JSON array of events nor an object with an "events" array; expected Theater's chain.json.`);
  }
  let list: unknown[] = top;
  // Legacy timestamps are u64: re-read losslessly in the rare case one does not fit a double.
  if (
    list.some(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as RawEvent).timestamp === 'number' &&
        !Number.isSafeInteger((e as RawEvent).timestamp),
    )
  ) {
    const exact = parseLossless(body);
    list = (Array.isArray(exact) ? exact : (exact as { events?: unknown }).events) as unknown[];
  }
  return list.map((e, i) => toEvent(e, i, source));
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

export interface LoadedChain {
  /** `jsonl`: our log; `theater-json`: Theater's chain.json (array or StateChain object). */
  format: 'jsonl' | 'theater-json';
  events: ChainEvent[];
  header?: ChainLogHeader;
  tornTail?: boolean;
  problems: string[];
  /** Our log only: where it stops being exactly what was written (see ChainLogContents.broken). */
  broken?: { line: number; message: string };
}

/** Loads a chain from our `.chain.jsonl` log or Theater's chain.json, telling them apart by content. */
export function loadChainFile(filePath: string): LoadedChain {
  try {
    return loadChainFileUnchecked(filePath);
  } catch (e) {
    // Every failure here is about the file's content, said in one sentence.
    if (e instanceof ChainFileError || !(e instanceof Error) || e instanceof RangeError) throw e;
    throw new ChainFileError(e.message);
  }
}

function loadChainFileUnchecked(filePath: string): LoadedChain {
  let buf: Buffer;
  try {
    buf = readRegularFile(filePath, { maxBytes: CHAIN_FILE_MAX_BYTES, what: 'chain file' });
  } catch (e) {
    if (e instanceof FileReadError && e.reason !== 'missing') throw new ChainFileError(e.message);
    throw new ChainFileError(
      `Cannot read the chain file ${filePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the path.`,
    );
  }
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  while (start < buf.length && (buf[start] === 0x20 || buf[start] === 0x0a || buf[start] === 0x0d || buf[start] === 0x09)) start++;
  const first = buf[start];
  if (first === 0x7b) {
    const nl = buf.indexOf(0x0a, start);
    const firstLine = buf.toString('utf8', start, nl < 0 ? buf.length : nl);
    let head: unknown;
    try {
      head = JSON.parse(firstLine);
    } catch {
      /* a pretty-printed object: Theater JSON */
    }
    if (typeof head === 'object' && head !== null && (head as { format?: unknown }).format === 'theater-vscode-chain') {
      const log = parseChainLog(buf, filePath);
      return {
        format: 'jsonl',
        events: log.events,
        header: log.header,
        tornTail: log.tornTail,
        problems: log.problems,
        ...(log.broken ? { broken: log.broken } : {}),
      };
    }
  } else if (first !== 0x5b) {
    throw new Error(
      `${filePath} is neither a Theater chain.json nor a theater-vscode chain log (it does not start with '[' or '{'); pass a chain file.`,
    );
  }
  return { format: 'theater-json', events: readTheaterChainJson(buf.toString('utf8'), filePath), problems: [] };
}
