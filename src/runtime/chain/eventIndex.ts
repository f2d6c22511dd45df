// Random access to the events of a chain file without keeping them in memory: a sparse index of
// file offsets (one per INDEX_BLOCK events) and a small cache of decoded blocks. A live actor's
// session feeds it as its log grows; a chain file opened whole (the debugger, forks) is scanned once.
// Memory: 8 bytes per INDEX_BLOCK events plus at most CACHE_BLOCKS decoded blocks.
import { ChainFileReader, type ChainFileSummary, type ChainFormat } from './chainFile';
import type { ChainEvent, ChainLogHeader } from './event';

export const INDEX_BLOCK = 256;
const CACHE_BLOCKS = 4;

/** Events by index, from wherever they are kept (an array, a log file). */
export interface EventAccess {
  readonly count: number;
  at(i: number): ChainEvent | undefined;
}

/** An in-memory list as an EventAccess (small chains, tests). */
export function arrayAccess(events: readonly ChainEvent[]): EventAccess {
  return {
    get count() {
      return events.length;
    },
    at: (i) => events[i],
  };
}

export function asEventAccess(events: readonly ChainEvent[] | EventAccess): EventAccess {
  return Array.isArray(events) ? arrayAccess(events as readonly ChainEvent[]) : (events as EventAccess);
}

export class ChainEventIndex implements EventAccess {
  /** offsets[k]: file offset of event k·INDEX_BLOCK. */
  private readonly offsets: number[] = [];
  private total = 0;
  /** Decoded blocks, least recently used first. */
  private readonly cache = new Map<number, ChainEvent[]>();

  constructor(
    readonly file: string,
    readonly format: ChainFormat,
  ) {}

  /** Indexes a whole chain file in one streaming pass (no event is kept). */
  static scan(
    file: string,
    onEvent?: (ev: ChainEvent, index: number) => void,
  ): { index: ChainEventIndex; summary: ChainFileSummary; header: ChainLogHeader | undefined } {
    const r = ChainFileReader.open(file);
    try {
      const index = new ChainEventIndex(file, r.format);
      let i = 0;
      for (let ev = r.next(); ev; ev = r.next()) {
        onEvent?.(ev, i);
        index.note(i++, r.lastRange.start);
      }
      return { index, summary: r.summary(), header: r.header };
    } finally {
      r.close();
    }
  }

  get count(): number {
    return this.total;
  }

  /** Event `index` starts at byte `offset` of the file (events are noted in order). */
  note(index: number, offset: number): void {
    if (index % INDEX_BLOCK === 0 && this.offsets.length === index / INDEX_BLOCK) this.offsets.push(offset);
    if (index >= this.total) {
      this.total = index + 1;
      // A block cached while it was still being filled is short: read it again next time.
      this.cache.delete(Math.floor(index / INDEX_BLOCK));
    }
  }

  at(i: number): ChainEvent | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.total) return undefined;
    const b = Math.floor(i / INDEX_BLOCK);
    let block = this.cache.get(b);
    if (block) {
      this.cache.delete(b);
      this.cache.set(b, block);
    } else {
      block = this.readBlock(b);
      this.cache.set(b, block);
      if (this.cache.size > CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    }
    return block[i - b * INDEX_BLOCK];
  }

  private readBlock(b: number): ChainEvent[] {
    const offset = this.offsets[b];
    if (offset === undefined) return [];
    const first = b * INDEX_BLOCK;
    const want = Math.min(INDEX_BLOCK, this.total - first);
    const r = ChainFileReader.openAt(this.file, this.format, offset, first);
    try {
      const out: ChainEvent[] = [];
      for (let ev = out.length < want ? r.next() : undefined; ev; ev = out.length < want ? r.next() : undefined) out.push(ev);
      return out;
    } finally {
      r.close();
    }
  }

  /** Calls `onEvent` for events from..count-1 in order, one block in memory at a time. */
  forEach(onEvent: (ev: ChainEvent, index: number) => void, from = 0): void {
    for (let i = Math.max(0, from); i < this.total; i++) onEvent(this.at(i)!, i);
  }
}

/** `events` without the events at `skip` (ascending file indexes), renumbered as a filter would. */
export function withoutEvents(events: EventAccess, skip: readonly number[]): EventAccess {
  if (skip.length === 0) return events;
  return {
    get count() {
      return events.count - skip.length;
    },
    at(i) {
      if (!Number.isInteger(i) || i < 0 || i >= events.count - skip.length) return undefined;
      let j = i;
      for (const s of skip) if (s <= j) j++;
      return events.at(j);
    },
  };
}
