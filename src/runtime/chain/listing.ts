// Two chains as aligned, decoded event listings: event i starts on the same line in both, every value
// exact (u64 digits, bytes in full). VS Code's diff editor shows the two texts side by side;
// `theater chain diff --listing` prints the same blocks as a unified diff. Which event is the first
// difference is diffChains' rule (same hash, type, data and parent), not a second one.
//
// Both read the chains as streams, one event of each at a time (streamListing): before the first
// difference only a few events are kept, from it on each block goes to its consumer as it is made
// (the CLI writes it out; the diff editor's texts stop at a size cap and say how many events they
// leave out). Two chains of any length are compared in bounded memory.
import { escapeControlChars } from '../text/escape';
import { ChainFileReader } from './chainFile';
import { sameEvent } from './diff';
import type { ChainEvent } from './event';
import { decodeEvent } from './decode';
import { bytesEqual, toHex } from './hash';

/** One event index: its lines in chain a and in chain b (padded to the same count), and whether they differ. */
export interface ListingBlock {
  index: number;
  a: string[];
  b: string[];
  same: boolean;
}

export interface AlignedListing {
  blocks: ListingBlock[];
  /** The index of the first event that differs; undefined when the chains are identical. */
  firstDifference?: number;
  /** The 0-based line where that event's block starts (the same line in both texts). */
  firstDifferenceLine?: number;
  /** The whole listing of each side, one line per entry of the blocks. */
  textA: string;
  textB: string;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function bytesExact(b: Uint8Array): string {
  let text: string | undefined;
  try {
    text = utf8Strict.decode(b);
  } catch {
    text = undefined;
  }
  const hex = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  // Printable text is shown as text (JSON-quoted, so control characters are escaped); hex is always exact.
  return text !== undefined && b.length > 0 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)
    ? `b${JSON.stringify(text)} (${b.length} bytes)`
    : `0x${hex} (${b.length} bytes)`;
}

/** A decoded value in full on one line: bigint exact, bytes complete, strings JSON-quoted. */
export function exactValue(v: unknown): string {
  if (v === undefined) return '()';
  if (v === null) return 'null';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return bytesExact(v);
  if (Array.isArray(v)) return `[${v.map(exactValue).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${/^[A-Za-z_$][\w$-]*$/.test(k) ? k : JSON.stringify(k)}: ${exactValue(x)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return String(v);
}

const hashLine = (ev: ChainEvent) => `  hash    ${toHex(ev.hash)}`;

/** The lines of one event: a head line with index and type, then its hash and decoded fields. */
export function eventBlock(ev: ChainEvent, index: number): string[] {
  const d = decodeEvent(ev);
  const lines = [`event ${index}  ${escapeControlChars(ev.eventType)}`, hashLine(ev)];
  const field = (name: string, value: string) => lines.push(`  ${name.padEnd(7)} ${value}`);
  const call = `${d.interface}/${d.function ?? ''}`;
  if (d.interface !== undefined && call !== ev.eventType) field('call', escapeControlChars(call));
  if (d.functionName !== undefined) field('export', escapeControlChars(d.functionName));
  if (d.input !== undefined) field('input', exactValue(d.input));
  if (d.output !== undefined) field('output', exactValue(d.output));
  if (d.state !== undefined) field('state', exactValue(d.state));
  if (d.error !== undefined) field('error', JSON.stringify(d.error));
  if (d.category === 'unknown' || d.category === 'runtime') field('data', bytesExact(ev.data));
  return lines;
}

/** The next event of one chain, or undefined at its end. */
export type NextEvent = () => ChainEvent | undefined;

/** What a streamed listing found. */
export interface ListingSummary {
  /** The index of the first event that differs; undefined when the chains are identical. */
  firstDifference?: number;
  lengthA: number;
  lengthB: number;
}

export interface ListingSink {
  /** Each event before the first difference (the same event in both chains), in order. */
  identical(ev: ChainEvent, index: number): void;
  /** The first difference's block, then every block after it; false: no more blocks (the rest is only counted). */
  block(block: ListingBlock): boolean;
}

function blockOf(
  ea: ChainEvent | undefined,
  eb: ChainEvent | undefined,
  i: number,
  endA: number,
  endB: number,
  first: boolean,
): ListingBlock {
  const la = ea ? eventBlock(ea, i) : [`event ${i}  (none: this chain ends after ${endA} events)`];
  let lb: string[];
  if (!eb) lb = [`event ${i}  (none: this chain ends after ${endB} events)`];
  else if (ea && ea.eventType === eb.eventType && bytesEqual(ea.data, eb.data)) {
    // The same type and data (after a divergence, typically only the hashes differ): decoded once.
    lb = la.slice();
    lb[1] = hashLine(eb);
  } else lb = eventBlock(eb, i);
  while (la.length < lb.length) la.push('');
  while (lb.length < la.length) lb.push('');
  // The first difference differs by diffChains' rule; after it, the lines decide.
  return { index: i, a: la, b: lb, same: first ? false : la.every((l, k) => l === lb[k]) };
}

/**
 * Walks `a` (expected, e.g. the recording) and `b` (actual, e.g. the replay or fork) event by event:
 * events before the first difference go to `sink.identical` (not rendered), blocks from it on to
 * `sink.block`. Holds one event of each chain at a time.
 */
export function streamListing(nextA: NextEvent, nextB: NextEvent, sink: ListingSink): ListingSummary {
  let i = 0;
  let ea = nextA();
  let eb = nextB();
  while (ea && eb && sameEvent(ea, eb)) {
    sink.identical(ea, i++);
    ea = nextA();
    eb = nextB();
  }
  if (!ea && !eb) return { lengthA: i, lengthB: i };
  const first = i;
  // A chain's length is known once it has ended; its blocks after that say so.
  let endA = ea ? -1 : i;
  let endB = eb ? -1 : i;
  let rendering = true;
  while (ea || eb) {
    if (rendering) rendering = sink.block(blockOf(ea, eb, i, endA, endB, i === first));
    i++;
    if (ea && !(ea = nextA())) endA = i;
    if (eb && !(eb = nextB())) endB = i;
  }
  return { firstDifference: first, lengthA: endA, lengthB: endB };
}

function arrayStream(events: readonly ChainEvent[]): NextEvent {
  let i = 0;
  return () => events[i++];
}

/** The whole aligned listing of two chains in memory (tests, small chains); see listingTexts for files. */
export function alignedListing(a: readonly ChainEvent[], b: readonly ChainEvent[]): AlignedListing {
  const blocks: ListingBlock[] = [];
  const s = streamListing(arrayStream(a), arrayStream(b), {
    identical: (ev, i) => {
      const lines = eventBlock(ev, i);
      blocks.push({ index: i, a: lines, b: lines.slice(), same: true });
    },
    block: (block) => blocks.push(block) > 0,
  });
  const linesA: string[] = [];
  const linesB: string[] = [];
  let firstLine: number | undefined;
  for (const block of blocks) {
    if (block.index === s.firstDifference) firstLine = linesA.length;
    linesA.push(...block.a);
    linesB.push(...block.b);
  }
  return {
    blocks,
    ...(s.firstDifference !== undefined ? { firstDifference: s.firstDifference, firstDifferenceLine: firstLine! } : {}),
    textA: linesA.join('\n') + '\n',
    textB: linesB.join('\n') + '\n',
  };
}

/** A block's lines in the unified form: two spaces where both sides agree, `-` for a and `+` for b. */
function unifiedBlock(block: ListingBlock, write: (line: string) => void): void {
  if (block.same) {
    for (const l of block.a) write(`  ${l}`);
    return;
  }
  for (let k = 0; k < block.a.length; k++) {
    const x = block.a[k]!;
    const y = block.b[k]!;
    if (x === y) write(`  ${x}`);
    else {
      if (x !== '') write(`- ${x}`);
      if (y !== '') write(`+ ${y}`);
    }
  }
}

function identicalEvents(n: number): string {
  return `  … ${n} identical event${n === 1 ? '' : 's'}`;
}

/**
 * The listing as a unified diff for a terminal: `context` identical blocks before the first
 * difference, then every block from it on (`-` lines of a, `+` lines of b, two spaces when equal).
 */
export function unifiedListing(listing: AlignedListing, labelA: string, labelB: string, context = 2): string {
  const out = [`--- ${escapeControlChars(labelA)}`, `+++ ${escapeControlChars(labelB)}`];
  const first = listing.firstDifference;
  if (first === undefined) {
    out.push(`  (identical: ${listing.blocks.length} events)`);
    return out.join('\n') + '\n';
  }
  const from = Math.max(0, first - context);
  if (from > 0) out.push(identicalEvents(from));
  for (const block of listing.blocks.slice(from)) unifiedBlock(block, (l) => out.push(l));
  return out.join('\n') + '\n';
}

/**
 * unifiedListing of two chains read as streams, each line handed to `write` as it is made: the
 * `context` events before the first difference are the only ones kept, so chains of any length and
 * listings of any size take bounded memory (what `write` does with the lines is the caller's).
 */
export function writeUnifiedListing(
  nextA: NextEvent,
  nextB: NextEvent,
  labelA: string,
  labelB: string,
  write: (line: string) => void,
  context = 2,
): ListingSummary {
  write(`--- ${escapeControlChars(labelA)}`);
  write(`+++ ${escapeControlChars(labelB)}`);
  const recent: ChainEvent[] = [];
  let started = false;
  const s = streamListing(nextA, nextB, {
    identical: (ev) => {
      if (context <= 0) return;
      recent.push(ev);
      if (recent.length > context) recent.shift();
    },
    block: (block) => {
      if (!started) {
        started = true;
        const from = block.index - recent.length;
        if (from > 0) write(identicalEvents(from));
        recent.forEach((ev, k) => {
          for (const l of eventBlock(ev, from + k)) write(`  ${l}`);
        });
        recent.length = 0;
      }
      unifiedBlock(block, write);
      return true;
    },
  });
  if (s.firstDifference === undefined) write(`  (identical: ${s.lengthA} events)`);
  return s;
}

/** The diff editor's two documents: aligned, capped in size. */
export interface ListingTexts extends ListingSummary {
  textA: string;
  textB: string;
  /** The 0-based line where the first difference's block starts (the same line in both texts). */
  firstDifferenceLine?: number;
  /** Identical events at the start that the texts leave out (a line says so). */
  omittedBefore: number;
  /** Events at the end that the texts leave out (a line says so). */
  omittedAfter: number;
}

export interface ListingTextOptions {
  /** Characters of each text before it stops (default 4 Mi). The identical start gets at most half. */
  maxChars?: number;
  /** Identical events kept before the first difference when the identical start is left out (default 20). */
  context?: number;
}

export const LISTING_MAX_CHARS = 4 * 2 ** 20;

const linesChars = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/**
 * alignedListing's two texts for chains read as streams, in bounded memory: the whole listing when it
 * fits in `maxChars` a side, otherwise the identical start is left out (but for the `context` events
 * before the first difference) and the texts stop after the block that reaches the cap. A line on
 * both sides (so the alignment holds) says what is left out and which command prints it.
 */
export function listingTexts(nextA: NextEvent, nextB: NextEvent, options: ListingTextOptions = {}): ListingTexts {
  const maxChars = options.maxChars ?? LISTING_MAX_CHARS;
  const context = options.context ?? 20;
  const cap = maxChars >= 2 ** 20 ? `${+(maxChars / 2 ** 20).toFixed(1)} MiB` : `${Math.round(maxChars / 1024)} KiB`;
  // The identical start: its lines (the same on both sides) while they fit in half the cap, and the
  // last `context` events, which are all that is shown once they no longer fit.
  let prefix: string[] | undefined = [];
  let prefixChars = 0;
  const recent: ChainEvent[] = [];
  let linesA: string[] = [];
  let linesB: string[] = [];
  let chars = 0;
  let omittedBefore = 0;
  let stoppedAt: number | undefined;
  let firstLine: number | undefined;
  const startOf = (next: number) => {
    if (prefix) {
      linesA = prefix;
      linesB = prefix.slice();
      chars = prefixChars;
      prefix = undefined;
      return;
    }
    // The last identical events, as many of the last `context` as fit in half the cap.
    const kept: string[][] = [];
    let keptChars = 0;
    for (let k = recent.length - 1; k >= 0; k--) {
      const lines = eventBlock(recent[k]!, next - recent.length + k);
      const c = linesChars(lines);
      if (keptChars + c > maxChars / 2) break;
      kept.unshift(lines);
      keptChars += c;
    }
    omittedBefore = next - kept.length;
    if (omittedBefore > 0) {
      const note = `… ${omittedBefore} identical event${omittedBefore === 1 ? '' : 's'} (0 to ${omittedBefore - 1}) not shown: this listing keeps at most ${cap} a side; \`theater chain show\` prints every event`;
      linesA.push(note);
      linesB.push(note);
    }
    for (const lines of kept) {
      linesA.push(...lines);
      linesB.push(...lines);
    }
    chars = keptChars;
    recent.length = 0;
  };
  const s = streamListing(nextA, nextB, {
    identical: (ev, i) => {
      if (context > 0) {
        recent.push(ev);
        if (recent.length > context) recent.shift();
      }
      if (!prefix) return;
      const lines = eventBlock(ev, i);
      for (const l of lines) prefix.push(l);
      prefixChars += linesChars(lines);
      if (prefixChars > maxChars / 2) prefix = undefined;
    },
    block: (block) => {
      if (firstLine === undefined) {
        startOf(block.index);
        firstLine = linesA.length;
      } else if (chars + Math.max(linesChars(block.a), linesChars(block.b)) > maxChars) {
        stoppedAt = block.index;
        return false;
      }
      linesA.push(...block.a);
      linesB.push(...block.b);
      chars += Math.max(linesChars(block.a), linesChars(block.b));
      return true;
    },
  });
  if (s.firstDifference === undefined) startOf(s.lengthA);
  let omittedAfter = 0;
  if (stoppedAt !== undefined) {
    omittedAfter = Math.max(s.lengthA, s.lengthB) - stoppedAt;
    const note = `… ${omittedAfter} more event${omittedAfter === 1 ? '' : 's'} (${stoppedAt} to ${stoppedAt + omittedAfter - 1}) not shown: this listing stops at ${cap} a side; \`theater chain diff --listing\` prints them all`;
    linesA.push(note);
    linesB.push(note);
  }
  return {
    ...s,
    textA: linesA.join('\n') + '\n',
    textB: linesB.join('\n') + '\n',
    ...(firstLine !== undefined ? { firstDifferenceLine: firstLine } : {}),
    omittedBefore,
    omittedAfter,
  };
}

/** listingTexts of two chain files of either format and any size (the Compare Chains worker). */
export function listChainFiles(a: string, b: string, options: ListingTextOptions = {}): ListingTexts {
  return withChainStreams(a, b, (nextA, nextB) => listingTexts(nextA, nextB, options));
}

/** Opens two chain files as streams for `use`, and closes them after. */
export function withChainStreams<T>(a: string, b: string, use: (nextA: NextEvent, nextB: NextEvent) => T): T {
  const ra = ChainFileReader.open(a);
  try {
    const rb = ChainFileReader.open(b);
    try {
      return use(
        () => ra.next(),
        () => rb.next(),
      );
    } finally {
      rb.close();
    }
  } finally {
    ra.close();
  }
}
