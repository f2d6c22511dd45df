// A chain file of either format (our `*.chain.jsonl` log or Theater's chain.json), told apart by
// content and read event by event in bounded memory. Every command and view that reads a chain file
// goes through here; the formats themselves live in log.ts and theaterJson.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileReadError, openRegularFile } from '../files/readRegular';
import { CHAIN_FILE_MAX_BYTES } from '../limits';
import { ChainFileError } from './errors';
import type { ChainEvent, ChainLogHeader } from './event';
import { ChainLogReader, type EventLineView, type LineExpectation } from './log';
import { TheaterJsonReader, TheaterJsonWriter } from './theaterJson';
import { ChainVerifier, type VerifyResult, withBrokenLine } from './verify';

export type ChainFormat = 'jsonl' | 'theater-json';

export interface ChainFileSummary {
  format: ChainFormat;
  count: number;
  header?: ChainLogHeader;
  tornTail: boolean;
  problems: string[];
  /** Our log only: where it stops being exactly what was written (see ChainLogContents.broken). */
  broken?: { line: number; message: string };
}

export interface LoadedChain {
  /** `jsonl`: our log; `theater-json`: Theater's chain.json (array or StateChain object). */
  format: ChainFormat;
  events: ChainEvent[];
  header?: ChainLogHeader;
  tornTail?: boolean;
  problems: string[];
  broken?: { line: number; message: string };
}

const SNIFF_BYTES = 64 * 1024;

/** Every failure about a file's content is one sentence (a ChainFileError: the CLI's exit 2). */
function asChainFileError(e: unknown): unknown {
  if (e instanceof ChainFileError || !(e instanceof Error) || e instanceof RangeError) return e;
  return new ChainFileError(e.message);
}

function sniff(fd: number, filePath: string): ChainFormat {
  const head = Buffer.alloc(SNIFF_BYTES);
  const n = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
  const buf = head.subarray(0, n);
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  while (start < buf.length && (buf[start] === 0x20 || buf[start] === 0x0a || buf[start] === 0x0d || buf[start] === 0x09)) start++;
  const first = buf[start];
  if (first === 0x7b) {
    const nl = buf.indexOf(0x0a, start);
    let head: unknown;
    try {
      head = JSON.parse(buf.toString('utf8', start, nl < 0 ? buf.length : nl));
    } catch {
      /* a pretty-printed object: Theater JSON */
    }
    if (typeof head === 'object' && head !== null && (head as { format?: unknown }).format === 'theater-vscode-chain') return 'jsonl';
    return 'theater-json';
  }
  if (first === 0x5b) return 'theater-json';
  if (n === 0) throw new Error(`${filePath} is empty; pass a Theater chain.json or a theater-vscode chain log.`);
  throw new Error(
    `${filePath} is neither a Theater chain.json nor a theater-vscode chain log (it does not start with '[' or '{'); pass a chain file.`,
  );
}

/** Reads a chain file of any size event by event; close() it when done. */
export class ChainFileReader {
  private constructor(
    readonly format: ChainFormat,
    private readonly fd: number,
    private readonly inner: ChainLogReader | TheaterJsonReader,
    readonly size: number,
  ) {}

  /** Opens and recognizes a chain file (a regular file); throws a ChainFileError with one sentence. */
  static open(filePath: string, limits: { maxBytes?: number } = {}): ChainFileReader {
    let opened: { fd: number; size: number };
    try {
      opened = openRegularFile(filePath, 'chain file');
    } catch (e) {
      if (e instanceof FileReadError && e.reason !== 'missing') throw new ChainFileError(e.message);
      throw new ChainFileError(`The chain file ${filePath} does not exist; check the path.`);
    }
    const { fd, size } = opened;
    try {
      if (limits.maxBytes !== undefined && size > limits.maxBytes) {
        throw new ChainFileError(
          `The chain file ${filePath} is larger than the ${Math.round(limits.maxBytes / 2 ** 20)} MiB limit for reading a whole chain into memory; use the streaming commands (theater chain verify/show/export).`,
        );
      }
      const format = sniff(fd, filePath);
      if (format === 'jsonl') {
        const r = new ChainLogReader(fd, filePath);
        r.readHeader();
        return new ChainFileReader(format, fd, r, size);
      }
      return new ChainFileReader(format, fd, new TheaterJsonReader(fd, filePath), size);
    } catch (e) {
      fs.closeSync(fd);
      throw asChainFileError(e);
    }
  }

  /**
   * Opens a reader positioned at an event whose offset an earlier full read reported (the
   * explorer's page reads). Our log's events are lines; Theater JSON's are array elements.
   */
  static openAt(filePath: string, format: ChainFormat, offset: number, index: number): ChainFileReader {
    const { fd, size } = openRegularFile(filePath, 'chain file');
    const inner =
      format === 'jsonl' ? new ChainLogReader(fd, filePath, offset, index) : new TheaterJsonReader(fd, filePath, { offset, index });
    return new ChainFileReader(format, fd, inner, size);
  }

  get header(): ChainLogHeader | undefined {
    return this.inner instanceof ChainLogReader ? this.inner.header : undefined;
  }

  /** The manifest our log's header names (Theater chain.json names none), read from the header alone. */
  static recordedManifestPath(filePath: string): string | undefined {
    const reader = ChainFileReader.open(filePath);
    try {
      return reader.header?.manifestPath || undefined;
    } finally {
      reader.close();
    }
  }

  /** The next event, or undefined at the end; throws a ChainFileError when the content is wrong. */
  next(): ChainEvent | undefined {
    try {
      return this.inner.next();
    } catch (e) {
      throw asChainFileError(e);
    }
  }

  /**
   * The next event, or undefined at the end; our log's lines as the writer writes them come back as a
   * view of the line (ChainLogReader.nextView: valid until the next read), everything else as events.
   */
  nextView(expect?: LineExpectation): ChainEvent | EventLineView | undefined {
    try {
      return this.inner instanceof ChainLogReader ? this.inner.nextView(expect) : this.inner.next();
    } catch (e) {
      throw asChainFileError(e);
    }
  }

  /** The next event of one type (our log reads other lines only up to their type; Theater JSON filters). */
  nextOfType(eventType: string): ChainEvent | undefined {
    try {
      if (this.inner instanceof ChainLogReader) return this.inner.nextOfType(eventType);
      for (let ev = this.inner.next(); ev; ev = this.inner.next()) if (ev.eventType === eventType) return ev;
      return undefined;
    } catch (e) {
      throw asChainFileError(e);
    }
  }

  /** File offsets [start, end) of the last event returned by next(). */
  get lastRange(): { start: number; end: number } {
    return { start: this.inner.lastStart, end: this.inner.lastEnd };
  }

  /** What the read found; call after next() returned undefined. */
  summary(): ChainFileSummary {
    if (this.inner instanceof ChainLogReader) {
      const s = this.inner.summary();
      return { format: 'jsonl', ...s };
    }
    return { format: 'theater-json', count: this.inner.count, tornTail: false, problems: [] };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Calls `onEvent` for every event of a chain file of any size, in order; returns the summary. */
export function forEachChainEvent(filePath: string, onEvent: (ev: ChainEvent, index: number) => void): ChainFileSummary {
  const r = ChainFileReader.open(filePath);
  try {
    let i = 0;
    for (let ev = r.next(); ev; ev = r.next()) onEvent(ev, i++);
    return r.summary();
  } finally {
    r.close();
  }
}

/**
 * Loads a whole chain into memory (the debugger, tests, small files); capped, because every event is
 * kept. Commands that only pass over a chain use ChainFileReader / forEachChainEvent instead.
 */
export function loadChainFile(filePath: string): LoadedChain {
  const r = ChainFileReader.open(filePath, { maxBytes: CHAIN_FILE_MAX_BYTES });
  try {
    const events: ChainEvent[] = [];
    for (let ev = r.next(); ev; ev = r.next()) events.push(ev);
    const s = r.summary();
    return {
      format: s.format,
      events,
      ...(s.header ? { header: s.header } : {}),
      ...(s.format === 'jsonl' ? { tornTail: s.tornTail } : {}),
      problems: s.problems,
      ...(s.broken ? { broken: s.broken } : {}),
    };
  } finally {
    r.close();
  }
}

export interface ChainFileVerdict {
  result: VerifyResult;
  summary: ChainFileSummary;
  /** Hash of the last event read (null for an empty chain). */
  head: Uint8Array | null;
}

/** Verifies a chain file of any size in one pass (hashes, links, and for our log every line). */
export function verifyChainFile(filePath: string): ChainFileVerdict {
  const v = new ChainVerifier();
  let head: Uint8Array | null = null;
  const summary = forEachChainEvent(filePath, (ev) => {
    v.add(ev);
    head = ev.hash;
  });
  return { result: withBrokenLine(v.result(), summary.broken), summary, head };
}

/** Copies a chain file of any size to Theater's chain.json, event by event; returns the count and head. */
export function exportChainFile(
  filePath: string,
  out: string,
  options: { skip?: (ev: ChainEvent) => boolean } = {},
): { count: number; head: Uint8Array | null } {
  const r = ChainFileReader.open(filePath);
  let head: Uint8Array | null = null;
  try {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      const w = TheaterJsonWriter.toFd(fd);
      for (let ev = r.next(); ev; ev = r.next()) {
        if (options.skip?.(ev)) continue;
        w.add(ev);
        head = ev.hash;
      }
      w.end();
      fs.closeSync(fd);
      // Renamed into place only when whole: a failed export never leaves half a chain.json behind.
      fs.renameSync(tmp, out);
      return { count: w.written, head };
    } catch (e) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  } finally {
    r.close();
  }
}
