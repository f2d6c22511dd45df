// Appends events to the chain: hash-linked, written to disk with one synchronous write before the
// guest continues, so a trap, a terminated worker or a killed process never loses a recorded event.
import type { ChainEvent, EventCause } from '../chain/event';
import { chainHash } from '../chain/hash';
import { ChainLogWriter } from '../chain/log';

export class Recorder {
  readonly events: ChainEvent[] = [];
  private last: Uint8Array | null;

  constructor(
    private readonly writer: ChainLogWriter,
    private readonly onEvent: (ev: ChainEvent, index: number, line: string) => void,
    previous: { lastHash: Uint8Array | null; count: number } = { lastHash: null, count: 0 },
  ) {
    this.last = previous.lastHash;
    this.offset = previous.count;
  }

  private readonly offset: number;

  get count(): number {
    return this.offset + this.events.length;
  }
  get lastHash(): Uint8Array | null {
    return this.last;
  }

  record(eventType: string, data: Uint8Array, cause?: EventCause): ChainEvent {
    const hash = chainHash(this.last, eventType, data);
    const ev: ChainEvent = { hash, parentHash: this.last, eventType, data, ...(cause ? { cause } : {}) };
    const index = this.count;
    const line = this.writer.append(ev, index);
    this.events.push(ev);
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
