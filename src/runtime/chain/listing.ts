// Two chains as aligned, decoded event listings: event i starts on the same line in both, every value
// exact (u64 digits, bytes in full). VS Code's diff editor shows the two texts side by side;
// `theater chain diff --listing` prints the same blocks as a unified diff. Which event is the first
// difference is diffChains' rule (same hash, type, data and parent), not a second one.
import { escapeControlChars } from '../text/escape';
import { decodeEvent } from './decode';
import { diffChains } from './diff';
import type { ChainEvent } from './event';
import { toHex } from './hash';

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

/** The lines of one event: a head line with index and type, then its hash and decoded fields. */
export function eventBlock(ev: ChainEvent, index: number): string[] {
  const d = decodeEvent(ev);
  const lines = [`event ${index}  ${escapeControlChars(ev.eventType)}`, `  hash    ${toHex(ev.hash)}`];
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

/** Aligns `a` (expected, e.g. the recording) and `b` (actual, e.g. the replay or fork) event by event. */
export function alignedListing(a: readonly ChainEvent[], b: readonly ChainEvent[]): AlignedListing {
  const diff = diffChains(a, b, 0);
  const first = diff.identical ? undefined : diff.firstDivergence!.index;
  const blocks: ListingBlock[] = [];
  const linesA: string[] = [];
  const linesB: string[] = [];
  let firstLine: number | undefined;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ea = a[i];
    const eb = b[i];
    const la = ea ? eventBlock(ea, i) : [`event ${i}  (none: this chain ends after ${a.length} events)`];
    const lb = eb ? eventBlock(eb, i) : [`event ${i}  (none: this chain ends after ${b.length} events)`];
    while (la.length < lb.length) la.push('');
    while (lb.length < la.length) lb.push('');
    // Before the first difference every event is the same (diffChains); after it, compare the lines.
    const same = first === undefined || i < first ? true : i === first ? false : la.every((l, k) => l === lb[k]);
    if (i === first) firstLine = linesA.length;
    blocks.push({ index: i, a: la, b: lb, same });
    linesA.push(...la);
    linesB.push(...lb);
  }
  return {
    blocks,
    ...(first !== undefined ? { firstDifference: first, firstDifferenceLine: firstLine! } : {}),
    textA: linesA.join('\n') + '\n',
    textB: linesB.join('\n') + '\n',
  };
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
  if (from > 0) out.push(`  … ${from} identical event${from === 1 ? '' : 's'}`);
  for (const block of listing.blocks.slice(from)) {
    if (block.same) {
      for (const l of block.a) out.push(`  ${l}`);
      continue;
    }
    for (let k = 0; k < block.a.length; k++) {
      const x = block.a[k]!;
      const y = block.b[k]!;
      if (x === y) out.push(`  ${x}`);
      else {
        if (x !== '') out.push(`- ${x}`);
        if (y !== '') out.push(`+ ${y}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
