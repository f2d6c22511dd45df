// Appends events to the chain: hash-linked, written to disk with one synchronous write before the
// guest continues, so a trap, a terminated worker or a killed process never loses a recorded event.
import type { ChainEvent, EventCause } from '../chain/event';
import { EventEncoder, HostCallTemplate } from '../chain/eventEncoder';
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
  private next: number;
  private readonly keepEvents: boolean;
  private readonly lock: WorkerWriteLock | undefined;
  // The hash preimage and the log line are encoded straight into the encoder's reused buffers.
  private readonly encoder: EventEncoder;
  private readonly templates = new Map<string, Map<string, HostCallTemplate>>();
  /** Host calls come in runs of one function: the last template is checked first. */
  private lastTemplate: HostCallTemplate | undefined;

  constructor(
    private readonly writer: ChainLogWriter,
    /** Called after each event is on disk (undefined: nobody listens, so host calls build no event object). */
    private readonly onEvent: ((ev: ChainEvent, index: number) => void) | undefined,
    previous: { lastHash: Uint8Array | null; count: number } = { lastHash: null, count: 0 },
    options: RecorderOptions = {},
  ) {
    this.encoder = new EventEncoder(previous.lastHash);
    this.next = previous.count;
    this.keepEvents = options.keepEvents ?? true;
    this.lock = options.lock;
  }

  get count(): number {
    return this.next;
  }
  get lastHash(): Uint8Array | null {
    return this.encoder.parentHash;
  }

  /** Writes one event; `endPhase` (killSwitch.ts) is set with it when the event ends a call. */
  record(eventType: string, data: Uint8Array, cause?: EventCause, endPhase?: number): ChainEvent {
    const parentHash = this.encoder.parentHash;
    const index = this.next;
    const at = Date.now();
    const hash = this.encoder.encode(eventType, data, index, cause, at);
    this.write(index, endPhase);
    const ev: ChainEvent = cause ? { hash, parentHash, eventType, data, cause, at } : { hash, parentHash, eventType, data, at };
    if (this.keepEvents) this.events.push(ev);
    this.onEvent?.(ev, index);
    return ev;
  }

  /**
   * Records one host call: the payload hostFunctionPayload(interfaceWithVersion, fn, inputJson,
   * outputJson) would build, under the event type `<interface>/<fn>`, with the parts that are the
   * same on every call of the function encoded once. The event object (and its data) is built only
   * when the events are kept or someone listens; the hash is `lastHash` afterwards.
   */
  recordHostCall(interfaceWithVersion: string, fn: string, inputJson: string, outputJson: string): void {
    let t = this.lastTemplate;
    if (t === undefined || t.fn !== fn || t.interfaceWithVersion !== interfaceWithVersion) t = this.templateFor(interfaceWithVersion, fn);
    const enc = this.encoder;
    const index = this.next;
    const at = Date.now();
    enc.encodeHostCall(t, index, inputJson, outputJson, at);
    if (!this.keepEvents && !this.onEvent) {
      this.write(index, undefined);
      return;
    }
    const parentHash = enc.parentHash;
    const hash = enc.hash();
    this.write(index, undefined);
    const ev: ChainEvent = { hash, parentHash, eventType: t.eventType, data: enc.data(), at };
    if (this.keepEvents) this.events.push(ev);
    this.onEvent?.(ev, index);
  }

  private templateFor(interfaceWithVersion: string, fn: string): HostCallTemplate {
    let byFn = this.templates.get(interfaceWithVersion);
    if (byFn === undefined) {
      byFn = new Map();
      this.templates.set(interfaceWithVersion, byFn);
    }
    let t = byFn.get(fn);
    if (t === undefined) {
      t = new HostCallTemplate(interfaceWithVersion, fn);
      byFn.set(fn, t);
    }
    this.lastTemplate = t;
    return t;
  }

  /** One synchronous write of the encoded line under the worker's write lock; then the event is the chain's last. */
  private write(index: number, endPhase: number | undefined): void {
    const enc = this.encoder;
    this.lock?.acquire();
    try {
      this.writer.appendLine(enc.line, enc.lineStart, enc.lineLength, index);
    } finally {
      this.lock?.releaseAfterWrite(endPhase);
    }
    enc.advance();
    this.next++;
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
