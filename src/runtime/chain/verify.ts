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

/**
 * Verifies links and hashes from the root. `firstParent` is what the first event's parent_hash must be
 * (null for a chain that starts at its root; a hash to verify a continuation).
 */
export function verifyChain(events: readonly ChainEvent[], firstParent: Uint8Array | null = null): VerifyResult {
  let prev: Uint8Array | null = firstParent;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (!bytesEqual(ev.parentHash, prev)) {
      const expected = prev ? toHex(prev) : '';
      const actual = ev.parentHash ? toHex(ev.parentHash) : '';
      const message =
        i === 0 && prev === null
          ? `event 0: parent link broken: parent_hash ${short(actual)} but the first event of a chain has none`
          : `event ${i}: parent link broken: parent_hash ${short(actual)} but ${i === 0 ? 'the chain continues from' : `event ${i - 1} has hash`} ${short(expected)}`;
      return { ok: false, checked: i, firstBad: { index: i, reason: 'parent', message, expected, actual } };
    }
    const computed = eventHash(ev);
    if (!bytesEqual(computed, ev.hash)) {
      const expected = toHex(computed);
      const actual = toHex(ev.hash);
      const message = `event ${i}: hash mismatch: stored ${short(actual)} but contents hash to ${short(expected)}`;
      return { ok: false, checked: i, firstBad: { index: i, reason: 'hash', message, expected, actual } };
    }
    prev = ev.hash;
  }
  return { ok: true, checked: events.length };
}

/**
 * A chain file is intact only if it is exactly what was written: a log with a broken line (garbage,
 * NUL bytes, an index out of order, an altered header) fails at that line even when the events that
 * could be read link up; only a torn last line (an interrupted write) is set aside.
 */
export function verifyLoadedChain(loaded: { events: readonly ChainEvent[]; broken?: { line: number; message: string } }): VerifyResult {
  const result = verifyChain(loaded.events);
  if (!loaded.broken) return result;
  const { line, message } = loaded.broken;
  // Events before the broken line were read in order: it comes after `checked` of them at most.
  const index = Math.min(result.checked, Math.max(0, line - 2));
  return {
    ok: false,
    checked: index,
    firstBad: { index, reason: 'line', message: `the log is broken at line ${line}: ${message}`, expected: '', actual: '' },
  };
}
