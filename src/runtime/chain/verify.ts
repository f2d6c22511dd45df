// Recomputes every hash and parent link, as StateChain::verify does, and names the first bad event.
import type { ChainEvent } from './event';
import { bytesEqual, eventHash, toHex } from './hash';

export interface VerifyFailure {
  index: number;
  /**
   * `hash`: the contents do not hash to the stored hash; `parent`: parent_hash is not the previous
   * event's hash; `line`: the log file itself is not what was written (see verifyLoadedChain).
   */
  reason: 'hash' | 'parent' | 'line';
  /** One line, e.g. "event 3: hash mismatch: stored 5a6b97dc… but contents hash to 1f00aa…". */
  message: string;
  /** Full hex of what the event should hold: the recomputed hash, or the previous event's hash ('' for none). */
  expected: string;
  /** Full hex of what it holds: the stored hash, or its parent_hash ('' for none). */
  actual: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Events that passed, in order, before the first bad one (all of them when ok). */
  checked: number;
  firstBad?: VerifyFailure;
}

const short = (hex: string): string => (hex === '' ? 'none' : `${hex.slice(0, 8)}…`);

/** Verifies a chain one event at a time (streams of any size); stops at the first bad event. */
export class ChainVerifier {
  private prev: Uint8Array | null;
  private index = 0;
  firstBad: VerifyFailure | undefined;

  constructor(firstParent: Uint8Array | null = null) {
    this.prev = firstParent;
  }

  /** Checks the next event; false once an event failed (later ones are not checked). */
  add(ev: ChainEvent): boolean {
    if (this.firstBad) return false;
    const i = this.index;
    const prev = this.prev;
    if (!bytesEqual(ev.parentHash, prev)) {
      const expected = prev ? toHex(prev) : '';
      const actual = ev.parentHash ? toHex(ev.parentHash) : '';
      const message =
        i === 0 && prev === null
          ? `event 0: parent link broken: parent_hash ${short(actual)} but the first event of a chain has none`
          : `event ${i}: parent link broken: parent_hash ${short(actual)} but ${i === 0 ? 'the chain continues from' : `event ${i - 1} has hash`} ${short(expected)}`;
      this.firstBad = { index: i, reason: 'parent', message, expected, actual };
      return false;
    }
    const computed = eventHash(ev);
    if (!bytesEqual(computed, ev.hash)) {
      const expected = toHex(computed);
      const actual = toHex(ev.hash);
      const message = `event ${i}: hash mismatch: stored ${short(actual)} but contents hash to ${short(expected)}`;
      this.firstBad = { index: i, reason: 'hash', message, expected, actual };
      return false;
    }
    this.prev = ev.hash;
    this.index++;
    return true;
  }

  result(): VerifyResult {
    return this.firstBad ? { ok: false, checked: this.index, firstBad: this.firstBad } : { ok: true, checked: this.index };
  }
}

/**
 * Verifies links and hashes from the root. `firstParent` is what the first event's parent_hash must be
 * (null for a chain that starts at its root; a hash to verify a continuation).
 */
export function verifyChain(events: readonly ChainEvent[], firstParent: Uint8Array | null = null): VerifyResult {
  const v = new ChainVerifier(firstParent);
  for (const ev of events) if (!v.add(ev)) break;
  return v.result();
}

/**
 * A chain file is intact only if it is exactly what was written: a log with a broken line (garbage,
 * NUL bytes, an index out of order, an altered header) fails at that line even when the events that
 * could be read link up; only a torn last line (an interrupted write) is set aside.
 */
export function verifyLoadedChain(loaded: { events: readonly ChainEvent[]; broken?: { line: number; message: string } }): VerifyResult {
  return withBrokenLine(verifyChain(loaded.events), loaded.broken);
}

/** The verdict of the hashes, overruled by a broken line of the log (see verifyLoadedChain). */
export function withBrokenLine(result: VerifyResult, broken: { line: number; message: string } | undefined): VerifyResult {
  if (!broken) return result;
  const { line, message } = broken;
  // Events before the broken line were read in order: it comes after `checked` of them at most.
  const index = Math.min(result.checked, Math.max(0, line - 2));
  return {
    ok: false,
    checked: index,
    firstBad: { index, reason: 'line', message: `the log is broken at line ${line}: ${message}`, expected: '', actual: '' },
  };
}
