// Pausing an actor at host calls for the debugger. The controller (main thread) and the gate (the
// actor's worker) share one SharedArrayBuffer: after an event is recorded (already on disk) and before
// the guest continues, the gate decides whether to stop and, if so, blocks the worker on Atomics.wait
// until the controller resumes it. Breakpoint patterns travel through the same buffer, because the
// worker cannot receive messages while the guest is running.
import { decodeEvent } from '../chain/decode';
import type { ChainEvent } from '../chain/event';

const RUN_STATE = 0; // 0 running, 1 stopped
const STEP = 1; // 1: stop at the next event
const PATTERN_VERSION = 2;
const PATTERN_BYTES = 3;
const EXCEPTIONS = 4; // bit 0: trap, bit 1: Err result
const DETACHED = 5; // 1: never stop again (the debugger went away)
const HEADER_BYTES = 64;
const PATTERN_CAPACITY = 16 * 1024;

export const EXCEPTION_TRAP = 1;
export const EXCEPTION_ERR = 2;

export type StopReason = 'step' | 'entry' | 'pause' | 'function breakpoint' | 'exception';

/** Message the gate posts when it stopped (the worker then blocks). */
export interface DebugStopped {
  kind: 'debug-stopped';
  index: number;
  reason: StopReason;
  /** The breakpoint pattern or exception that matched. */
  detail?: string;
  /** The actor's state at the stop (raw bytes). */
  state: Uint8Array | null;
}

/**
 * Function-breakpoint globs over event types: `*` matches any run of characters (`/` included), the
 * rest is literal; a pattern without `@` also matches types with a version (`wasi:random/random/get-random-u64`
 * matches `wasi:random/random@0.2.3/get-random-u64`).
 */
export function eventTypeMatcher(patterns: readonly string[]): (eventType: string) => string | undefined {
  const compiled = patterns
    .filter((p) => p.trim() !== '')
    .map((p) => {
      const body = p
        .trim()
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      return { p, re: new RegExp(`^${body}$`), unversioned: !p.includes('@') };
    });
  return (eventType) => {
    const bare = eventType.replace(/@[^/]+/g, '');
    return compiled.find((c) => c.re.test(eventType) || (c.unversioned && c.re.test(bare)))?.p;
  };
}

/** Main-thread side: owns the buffer, sets breakpoints, resumes the worker. */
export class DebugController {
  readonly buffer = new SharedArrayBuffer(HEADER_BYTES + PATTERN_CAPACITY);
  private readonly control = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);

  constructor(options: { stopOnEntry: boolean }) {
    if (options.stopOnEntry) Atomics.store(this.control, STEP, 1);
  }

  setFunctionBreakpoints(patterns: readonly string[]): void {
    let bytes = Buffer.from(JSON.stringify(patterns), 'utf8');
    if (bytes.length > PATTERN_CAPACITY) bytes = Buffer.from('[]');
    new Uint8Array(this.buffer, HEADER_BYTES, PATTERN_CAPACITY).set(bytes);
    Atomics.store(this.control, PATTERN_BYTES, bytes.length);
    Atomics.add(this.control, PATTERN_VERSION, 1);
  }

  setExceptionFilters(flags: number): void {
    Atomics.store(this.control, EXCEPTIONS, flags);
  }

  /** Stop at the next recorded event (Pause, or Step Over before resuming). */
  requestStop(): void {
    Atomics.store(this.control, STEP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.control, RUN_STATE) === 1;
  }

  /** Lets the worker go on; `step`: stop again at the next event. */
  resume(step: boolean): void {
    Atomics.store(this.control, STEP, step ? 1 : 0);
    Atomics.store(this.control, RUN_STATE, 0);
    Atomics.notify(this.control, RUN_STATE);
  }

  /** The debugger is gone: never stop again, and let a stopped worker run on. */
  detach(): void {
    Atomics.store(this.control, DETACHED, 1);
    this.resume(false);
  }
}

/** A failed export call: a trap, or an Err its export returned (the worker's wording, see describeFailure). */
export function classifyFailure(ev: ChainEvent): number {
  if (ev.eventType !== 'wasm') return 0;
  const d = decodeEvent(ev);
  if (d.category !== 'wasm-error') return 0;
  return d.error?.includes('returned an error') ? EXCEPTION_ERR : EXCEPTION_TRAP;
}

/** Worker side: returns the recorder's after-event hook. */
export function createDebugGate(
  buffer: SharedArrayBuffer,
  post: (m: DebugStopped) => void,
  currentState: () => Uint8Array | null,
): (ev: ChainEvent, index: number) => void {
  const control = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  let seenVersion = -1;
  let match: (eventType: string) => string | undefined = () => undefined;
  let first = true;
  return (ev, index) => {
    const entry = first;
    first = false;
    if (Atomics.load(control, DETACHED) === 1) return;
    const version = Atomics.load(control, PATTERN_VERSION);
    if (version !== seenVersion) {
      seenVersion = version;
      const n = Atomics.load(control, PATTERN_BYTES);
      const text = Buffer.from(new Uint8Array(buffer, HEADER_BYTES, n)).toString('utf8');
      match = eventTypeMatcher(n > 0 ? (JSON.parse(text) as string[]) : []);
    }
    let reason: StopReason | undefined;
    let detail: string | undefined;
    const failure = classifyFailure(ev) & Atomics.load(control, EXCEPTIONS);
    if (failure) {
      reason = 'exception';
      detail = failure & EXCEPTION_TRAP ? 'trap' : 'Err result';
    } else if ((detail = match(ev.eventType)) !== undefined) reason = 'function breakpoint';
    else if (Atomics.load(control, STEP) === 1) reason = entry ? 'entry' : 'step';
    if (!reason) return;
    Atomics.store(control, RUN_STATE, 1);
    post({ kind: 'debug-stopped', index, reason, ...(detail !== undefined ? { detail } : {}), state: currentState() });
    while (Atomics.load(control, RUN_STATE) === 1) Atomics.wait(control, RUN_STATE, 1);
  };
}
