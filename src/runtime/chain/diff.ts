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

function row(ea: ChainEvent | undefined, eb: ChainEvent | undefined, i: number): DiffRow {
  return {
    index: i,
    ...(ea ? { hashA: toHex(ea.hash), typeA: ea.eventType } : {}),
    ...(eb ? { hashB: toHex(eb.hash), typeB: eb.eventType } : {}),
    same: ea !== undefined && eb !== undefined && sameEvent(ea, eb),
  };
}

/** Same stored hash and same contents: a stored hash alone can hide edited data. */
export function sameEvent(x: ChainEvent, y: ChainEvent): boolean {
  return bytesEqual(x.hash, y.hash) && x.eventType === y.eventType && bytesEqual(x.data, y.data) && bytesEqual(x.parentHash, y.parentHash);
}

/** Diffs chain `a` (expected) against `b` (actual). */
export function diffChains(a: readonly ChainEvent[], b: readonly ChainEvent[], context = 3): ChainDiff {
  let i = 0;
  let j = 0;
  return diffChainStreams(
    () => a[i++],
    () => b[j++],
    context,
  );
}

/**
 * Diffs two chains read one event at a time (`next*` returns undefined at the end), keeping only the
 * rows around the first difference: chains of any size.
 */
export function diffChainStreams(nextA: () => ChainEvent | undefined, nextB: () => ChainEvent | undefined, context = 3): ChainDiff {
  // The last context+1 pairs before the divergence (or the end).
  const recent: Array<[ChainEvent | undefined, ChainEvent | undefined]> = [];
  let index = 0;
  let ea = nextA();
  let eb = nextB();
  while ((ea || eb) && ea && eb && sameEvent(ea, eb)) {
    recent.push([ea, eb]);
    if (recent.length > context + 1) recent.shift();
    index++;
    ea = nextA();
    eb = nextB();
  }
  const rowsBefore = (from: number): DiffRow[] => {
    const first = index - recent.length;
    return recent.flatMap(([x, y], k) => (first + k >= from ? [row(x, y, first + k)] : []));
  };
  if (!ea && !eb) {
    return { identical: true, aligned: rowsBefore(index - context - 1), lengthA: index, lengthB: index };
  }
  const expected = ea;
  const actual = eb;
  const aligned = rowsBefore(index - context);
  aligned.push(row(ea, eb, index));
  let lengthA = index + (ea ? 1 : 0);
  let lengthB = index + (eb ? 1 : 0);
  for (let k = 1; ea || eb; k++) {
    ea = ea ? nextA() : undefined;
    eb = eb ? nextB() : undefined;
    if (ea) lengthA++;
    if (eb) lengthB++;
    if (k <= context && (ea || eb)) aligned.push(row(ea, eb, index + k));
  }
  let reason: ChainDivergence['reason'];
  let message: string;
  if (expected && actual) {
    reason = 'hash';
    const contents = bytesEqual(expected.hash, actual.hash) ? ' (same stored hash, different contents)' : '';
    message = `event ${index} differs${contents}: expected ${expected.eventType} ${shortHash(expected.hash)} but got ${actual.eventType} ${shortHash(actual.hash)}`;
  } else if (actual) {
    reason = 'extra';
    message = `event ${index} is extra: the expected chain ends after ${lengthA} events but the other continues with ${actual.eventType} ${shortHash(actual.hash)}`;
  } else {
    reason = 'missing';
    message = `event ${index} is missing: the other chain ends after ${lengthB} events but the expected one continues with ${expected!.eventType} ${shortHash(expected!.hash)}`;
  }
  return {
    identical: false,
    firstDivergence: { index, ...(expected ? { expected } : {}), ...(actual ? { actual } : {}), reason, message },
    aligned,
    lengthA,
    lengthB,
  };
}
