// A chain as a debugger sees it: events by index, decoded on demand, the export call each host call
// runs under, and the actor's state at any event. The state at event i is the state the last
// WasmResult at or before i returned, so moving back re-derives it from the recording alone;
// checkpoints every CHECKPOINT_EVERY events keep any lookup to one short scan.
import { decodeEvent, type DecodedEvent } from '../runtime/chain/decode';
import type { ChainEvent } from '../runtime/chain/event';
import { asEventAccess, type EventAccess } from '../runtime/chain/eventIndex';

export const CHECKPOINT_EVERY = 256;

const WASM_RESULT = Buffer.from('"WasmResult"');
const WASM_CALL = Buffer.from('"WasmCall"');

function contains(data: Uint8Array, needle: Buffer): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(needle) >= 0;
}

interface Checkpoint {
  lastResult: number;
  lastCall: number;
}

export class Timeline {
  private readonly decoded = new Map<number, DecodedEvent>();
  /** checkpoints[k]: the last WasmResult / WasmCall index before event k·CHECKPOINT_EVERY (-1: none). */
  private readonly checkpoints: Checkpoint[] = [{ lastResult: -1, lastCall: -1 }];

  /** Where the events are: a session's window and log, or a chain file's index (never all in memory). */
  private readonly events: EventAccess;

  constructor(
    events: readonly ChainEvent[] | EventAccess,
    private readonly ours: boolean,
  ) {
    this.events = asEventAccess(events);
  }

  get length(): number {
    return this.events.count;
  }

  event(i: number): ChainEvent | undefined {
    return this.events.at(i);
  }

  decode(i: number): DecodedEvent {
    let d = this.decoded.get(i);
    if (!d) {
      d = decodeEvent(this.events.at(i)!, { ours: this.ours });
      if (this.decoded.size > 4096) this.decoded.clear(); // bounded memory on long chains
      this.decoded.set(i, d);
    }
    return d;
  }

  private kind(i: number): 'result' | 'call' | undefined {
    const ev = this.events.at(i)!;
    if (ev.eventType !== 'wasm') return undefined;
    if (contains(ev.data, WASM_RESULT)) return 'result';
    return contains(ev.data, WASM_CALL) ? 'call' : undefined;
  }

  /** Extends the checkpoints (incrementally: a live chain grows) to cover event `i`. */
  private checkpointFor(i: number): Checkpoint {
    const k = Math.floor(i / CHECKPOINT_EVERY);
    let cp = this.checkpoints[this.checkpoints.length - 1]!;
    let from = (this.checkpoints.length - 1) * CHECKPOINT_EVERY;
    while (this.checkpoints.length <= k) {
      const next = { ...cp };
      for (let j = from; j < from + CHECKPOINT_EVERY; j++) {
        const kind = this.kind(j);
        if (kind === 'result') next.lastResult = j;
        else if (kind === 'call') next.lastCall = j;
      }
      this.checkpoints.push(next);
      cp = next;
      from += CHECKPOINT_EVERY;
    }
    return this.checkpoints[k]!;
  }

  private lastBefore(i: number, wanted: 'result' | 'call'): number {
    const cp = this.checkpointFor(i);
    for (let j = i; j >= Math.floor(i / CHECKPOINT_EVERY) * CHECKPOINT_EVERY; j--) if (this.kind(j) === wanted) return j;
    return wanted === 'result' ? cp.lastResult : cp.lastCall;
  }

  /** The actor's state right after event i (raw bytes as decoded: text, JSON or bytes; null: none yet). */
  stateAt(i: number): { value: unknown; fromEvent: number } {
    const r = this.lastBefore(i, 'result');
    return r < 0 ? { value: null, fromEvent: -1 } : { value: this.decode(r).state ?? null, fromEvent: r };
  }

  /** The export call event i belongs to (its WasmCall index and export name), if any. */
  exportCallOf(i: number): { index: number; name: string } | undefined {
    const c = this.lastBefore(i, 'call');
    if (c < 0) return undefined;
    // A call that already returned before i is not on the stack.
    const r = this.lastBefore(i, 'result');
    if (r > c && r < i) return undefined;
    return { index: c, name: this.decode(c).functionName ?? '?' };
  }
}
