// The explorer's view of one chain (a running actor or an opened file), without any vscode import:
// a bounded window over the events, filters, incremental verification and a refresh coalescer.
// The runtime never waits for this: it only appends; the view decides what to show.
import { decodeEvent, type DecodedEvent } from '../../runtime/chain/decode';
import type { ChainEvent } from '../../runtime/chain/event';
import { asEventAccess, type EventAccess } from '../../runtime/chain/eventIndex';
import { bytesEqual, chainHash, shortHash } from '../../runtime/chain/hash';

export const PAGE = 500;

export type Integrity = { state: 'intact'; checked: number } | { state: 'broken'; index: number; reason: string };

export interface Filter {
  type?: string;
  text?: string;
}

export class ChainSource {
  private readonly decoded = new Map<number, DecodedEvent>();
  private integrity: Integrity = { state: 'intact', checked: 0 };
  /** Events shown: indexes into the (filtered) list; `follow` keeps the window on the newest events. */
  private windowSize = PAGE;
  /** Set by reveal: the window starts here (a position in the filtered list) instead of at an end. */
  private anchor: number | undefined;
  private filtered: number[] | undefined;
  filter: Filter = {};
  /** Index of an event to highlight (replay divergence). */
  marked: { index: number; note: string } | undefined;

  /** A live actor's events come from its session (a window in memory, older ones from the log). */
  private readonly events: EventAccess;

  constructor(
    readonly id: string,
    readonly label: string,
    events: readonly ChainEvent[] | EventAccess,
    readonly follow: boolean,
  ) {
    this.events = asEventAccess(events);
  }

  get total(): number {
    return this.events.count;
  }

  /** The events are still being read (a file opened in the explorer): count and verdict not final. */
  get reading(): boolean {
    return false;
  }

  event(i: number): ChainEvent | undefined {
    return this.events.at(i);
  }

  decode(i: number): DecodedEvent {
    let d = this.decoded.get(i);
    if (!d) {
      d = decodeEvent(this.events.at(i)!);
      if (this.decoded.size > 4096) this.decoded.clear(); // bounded memory on long chains
      this.decoded.set(i, d);
    }
    return d;
  }

  /** Verifies the events appended since the last call (cheap: one hash per new event). */
  verifyNew(): Integrity {
    if (this.integrity.state === 'broken') return this.integrity;
    let prev = this.integrity.checked === 0 ? undefined : this.events.at(this.integrity.checked - 1);
    for (let i = this.integrity.checked; i < this.events.count; i++) {
      const ev = this.events.at(i);
      if (!ev) return this.integrity; // a gap while live events arrive out of order
      const parent = i === 0 ? null : prev!.hash;
      prev = ev;
      if (!bytesEqual(ev.parentHash, parent)) {
        this.integrity = {
          state: 'broken',
          index: i,
          reason: `parent link broken: parent_hash ${ev.parentHash ? shortHash(ev.parentHash) : 'null'} but event ${i - 1} has ${parent ? shortHash(parent) : 'none'}`,
        };
        return this.integrity;
      }
      const h = chainHash(ev.parentHash, ev.eventType, ev.data, ev.legacy);
      if (!bytesEqual(h, ev.hash)) {
        this.integrity = {
          state: 'broken',
          index: i,
          reason: `hash mismatch: stored ${shortHash(ev.hash)} but contents hash to ${shortHash(h)}`,
        };
        return this.integrity;
      }
      this.integrity = { state: 'intact', checked: i + 1 };
    }
    return this.integrity;
  }

  get verification(): Integrity {
    return this.integrity;
  }

  setFilter(f: Filter): void {
    this.filter = f;
    this.filtered = undefined;
    this.windowSize = PAGE;
    this.anchor = undefined;
  }

  private matches(i: number): boolean {
    const { type, text } = this.filter;
    const ev = this.events.at(i);
    if (!ev) return false;
    if (type && !ev.eventType.toLowerCase().includes(type.toLowerCase())) return false;
    if (text && !`${ev.eventType} ${this.decode(i).summary}`.toLowerCase().includes(text.toLowerCase())) return false;
    return true;
  }

  /** Indexes that pass the filter (all of them without one). */
  private candidates(): { count: number; at: (k: number) => number } {
    if (!this.filter.type && !this.filter.text) return { count: this.events.count, at: (k) => k };
    if (!this.filtered || this.filtered.length === 0 || this.filtered[this.filtered.length - 1]! < this.events.count - 1) {
      const from = this.filtered && this.filtered.length ? this.filtered[this.filtered.length - 1]! + 1 : 0;
      this.filtered ??= [];
      for (let i = from; i < this.events.count; i++) if (this.matches(i)) this.filtered.push(i);
    }
    const list = this.filtered;
    return { count: list.length, at: (k) => list[k]! };
  }

  /**
   * The visible window: for a live actor the newest `windowSize` events (older ones behind "load
   * more"), for a file the first `windowSize` (later ones behind "load more"); after a reveal, the
   * page around the revealed event.
   */
  visible(): { indexes: number[]; hiddenBefore: number; hiddenAfter: number; matching: number } {
    const c = this.candidates();
    const n = Math.min(this.windowSize, c.count);
    const start = this.anchor !== undefined ? Math.max(0, Math.min(this.anchor, c.count - n)) : this.follow ? c.count - n : 0;
    const indexes: number[] = [];
    for (let k = start; k < start + n; k++) indexes.push(c.at(k));
    return { indexes, hiddenBefore: start, hiddenAfter: c.count - (start + n), matching: c.count };
  }

  /** One more page on the side asked for; a window that reaches the newest event follows it again. */
  loadMore(where: 'before' | 'after' = this.follow ? 'before' : 'after'): void {
    if (this.anchor === undefined) {
      this.windowSize += PAGE;
      return;
    }
    const count = this.candidates().count;
    if (where === 'before') this.anchor = Math.max(0, this.anchor - PAGE);
    this.windowSize += PAGE;
    if (this.follow && this.anchor + this.windowSize >= count) this.anchor = undefined;
  }

  /**
   * Shows event `index`: the window stays one page around it (it never grows to the whole chain);
   * false when the filter hides it.
   */
  reveal(index: number): boolean {
    if (index < 0 || index >= this.events.count) return false;
    if ((this.filter.type || this.filter.text) && !this.matches(index)) return false;
    if (this.visible().indexes.includes(index)) return true;
    const c = this.candidates();
    // Position of `index` in the filtered list (binary search: the list is ascending).
    let lo = 0;
    let hi = c.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c.at(mid) < index) lo = mid + 1;
      else hi = mid;
    }
    this.windowSize = PAGE;
    this.anchor = Math.max(0, lo - PAGE / 2);
    return this.visible().indexes.includes(index);
  }
}

/**
 * Coalesces refresh requests: at most one flush per `intervalMs`, nothing while hidden, one flush
 * when the view becomes visible again. The flush receives the set of dirty keys.
 */
export class RefreshCoalescer<K> {
  private readonly dirty = new Set<K>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private visible = true;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (keys: Set<K>) => void,
    private readonly clock: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout },
  ) {}

  mark(key: K): void {
    this.dirty.add(key);
    if (this.visible && !this.timer) this.timer = this.clock.set(() => this.run(), this.intervalMs);
  }

  setVisible(v: boolean): void {
    this.visible = v;
    if (v && this.dirty.size > 0 && !this.timer) this.run();
    if (!v && this.timer) {
      this.clock.clear(this.timer);
      this.timer = undefined;
    }
  }

  private run(): void {
    this.timer = undefined;
    if (!this.visible || this.dirty.size === 0) return;
    const keys = new Set(this.dirty);
    this.dirty.clear();
    this.flush(keys);
  }

  dispose(): void {
    if (this.timer) this.clock.clear(this.timer);
  }
}
