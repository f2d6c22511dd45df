// Appends events to the chain: hash-linked, written to disk with one synchronous write before the
// guest continues, so a trap, a terminated worker or a killed process never loses a recorded event.
import type { ChainEvent, EventCause } from '../chain/event';
import { chainHash } from '../chain/hash';
import { ChainLogWriter } from '../chain/log';
import type { WorkerWriteLock } from './killSwitch';

export interface RecorderOptions {
  /** Keep every event in memory (replay compares whole chains); a live run keeps none: the log has them. */
  keepEvents?: boolean;
  /** The worker's write lock (killSwitch.ts); absent when the writer is the only one (after termination). */
  lock?: WorkerWriteLock;
}

export class Recorder {
  readonly events: ChainEvent[] = [];
  private last: Uint8Array | null;
  private next: number;
  private readonly keepEvents: boolean;
  private readonly lock: WorkerWriteLock | undefined;

  constructor(
    private readonly writer: ChainLogWriter,
    private readonly onEvent: (ev: ChainEvent, index: number, line: string) => void,
    previous: { lastHash: Uint8Array | null; count: number } = { lastHash: null, count: 0 },
    options: RecorderOptions = {},
  ) {
    this.last = previous.lastHash;
    this.next = previous.count;
    this.keepEvents = options.keepEvents ?? true;
    this.lock = options.lock;
  }

  get count(): number {
    return this.next;
  }
  get lastHash(): Uint8Array | null {
    return this.last;
  }

  /** Writes one event; `endPhase` (killSwitch.ts) is set with it when the event ends a call. */
  record(eventType: string, data: Uint8Array, cause?: EventCause, endPhase?: number): ChainEvent {
    const hash = chainHash(this.last, eventType, data);
    const ev: ChainEvent = { hash, parentHash: this.last, eventType, data, ...(cause ? { cause } : {}), at: Date.now() };
    const index = this.next;
    this.lock?.acquire();
    let line: string;
    try {
      line = this.writer.append(ev, index);
    } finally {
      this.lock?.release(endPhase);
    }
    this.next++;
    if (this.keepEvents) this.events.push(ev);
    this.last = hash;
    this.onEvent(ev, index, line);
    return ev;
  }

  close(): void {
    this.writer.close();
  }
}

/**
 * Continues a log whose writer is gone (the worker was terminated or crashed): finds the last whole
 * event on disk and appends after it, so the chain ends with the event that says why.
 */
export function appendAfterTermination(
  logPath: string,
  events: Array<{ eventType: string; data: Uint8Array }>,
  onEvent: (ev: ChainEvent, index: number) => void = () => {},
): ChainEvent[] {
  const { writer, lastHash, count } = ChainLogWriter.openForAppend(logPath);
  const rec = new Recorder(writer, onEvent, { lastHash, count });
  try {
    return events.map((e) => rec.record(e.eventType, e.data));
  } finally {
    rec.close();
  }
}
