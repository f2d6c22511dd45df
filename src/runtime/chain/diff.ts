// Compares two chains position by position by hash (as Theater's replay verification does) and shows
// the rows around the first difference, for `theater chain diff` and replay reports.
import type { ChainEvent } from './event';
import { bytesEqual, shortHash, toHex } from './hash';

export interface DiffRow {
  index: number;
  hashA?: string;
  hashB?: string;
  typeA?: string;
  typeB?: string;
  same: boolean;
}

export interface ChainDivergence {
  index: number;
  /** The event of chain a (the expected one) at that index; absent when a is shorter. */
  expected?: ChainEvent;
  /** The event of chain b (the actual one); absent when b is shorter. */
  actual?: ChainEvent;
  /** `hash`: both have an event there but different hashes; `extra`: only b has it; `missing`: only a has it. */
  reason: 'hash' | 'extra' | 'missing';
  message: string;
}

export interface ChainDiff {
  identical: boolean;
  firstDivergence?: ChainDivergence;
  /** Rows from `context` before to `context` after the divergence (the last rows when identical). */
  aligned: DiffRow[];
  lengthA: number;
  lengthB: number;
}

function row(a: readonly ChainEvent[], b: readonly ChainEvent[], i: number): DiffRow {
  const ea = a[i];
  const eb = b[i];
  return {
    index: i,
    ...(ea ? { hashA: toHex(ea.hash), typeA: ea.eventType } : {}),
    ...(eb ? { hashB: toHex(eb.hash), typeB: eb.eventType } : {}),
    same: ea !== undefined && eb !== undefined && sameEvent(ea, eb),
  };
}

/** Same stored hash and same contents: a stored hash alone can hide edited data. */
function sameEvent(x: ChainEvent, y: ChainEvent): boolean {
  return bytesEqual(x.hash, y.hash) && x.eventType === y.eventType && bytesEqual(x.data, y.data) && bytesEqual(x.parentHash, y.parentHash);
}

/** Diffs chain `a` (expected) against `b` (actual). */
export function diffChains(a: readonly ChainEvent[], b: readonly ChainEvent[], context = 3): ChainDiff {
  const common = Math.min(a.length, b.length);
  let index = 0;
  while (index < common && sameEvent(a[index]!, b[index]!)) index++;
  const longest = Math.max(a.length, b.length);
  const rows = (from: number, to: number): DiffRow[] => {
    const out: DiffRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(longest, to); i++) out.push(row(a, b, i));
    return out;
  };
  if (index === longest) {
    return { identical: true, aligned: rows(longest - context - 1, longest), lengthA: a.length, lengthB: b.length };
  }
  const expected = a[index];
  const actual = b[index];
  let reason: ChainDivergence['reason'];
  let message: string;
  if (expected && actual) {
    reason = 'hash';
    const contents = bytesEqual(expected.hash, actual.hash) ? ' (same stored hash, different contents)' : '';
    message = `event ${index} differs${contents}: expected ${expected.eventType} ${shortHash(expected.hash)} but got ${actual.eventType} ${shortHash(actual.hash)}`;
  } else if (actual) {
    reason = 'extra';
    message = `event ${index} is extra: the expected chain ends after ${a.length} events but the other continues with ${actual.eventType} ${shortHash(actual.hash)}`;
  } else {
    reason = 'missing';
    message = `event ${index} is missing: the other chain ends after ${b.length} events but the expected one continues with ${expected!.eventType} ${shortHash(expected!.hash)}`;
  }
  return {
    identical: false,
    firstDivergence: { index, ...(expected ? { expected } : {}), ...(actual ? { actual } : {}), reason, message },
    aligned: rows(index - context, index + context + 1),
    lengthA: a.length,
    lengthB: b.length,
  };
}
