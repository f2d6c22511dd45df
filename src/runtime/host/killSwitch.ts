// Who may write the chain log, shared by an actor's worker and its session through one
// SharedArrayBuffer. The worker takes the lock for each event it writes; the session, when a time
// limit or a stop ends a running call, takes it once and leaves it KILLED, so the worker (however
// stuck, even if terminate never reaches it) can never write again, and the session appends the
// closing events to a log nobody else touches. `phase` says whether a call (or the start) is running;
// it changes under the lock together with the event that ends the call, so a time limit that fires
// after the call has returned sees that and lets the result stand.

const FREE = 0;
const WORKER = 1;
const MAIN = 2;
const KILLED = 3;

export const PHASE_IDLE = 0;
export const PHASE_BUSY = 1;
/**
 * Calls pipelined into the worker carry a sequence number (≥ FIRST_CALL_SEQ); the worker sets the
 * phase to it with the call's WasmCall event, so a time limit kills only the call it was armed for,
 * never the next one already running behind it.
 */
export const FIRST_CALL_SEQ = 2;

// Atomics.waitAsync is in Node 16+ but not in the ES2022 lib this project compiles against.
type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export function createKillSwitchBuffer(): SharedArrayBuffer {
  // [0] who may write, [1] phase, [2] the largest size in pages the guest's memory.grow reached,
  // [3] how many session threads wait for the lock, [4] events the worker wrote (wrapping), [5] 1 while
  // the session waits for [4] to change. The worker notifies only when someone waits: a notify takes
  // a global lock in V8, and this runs on every event.
  const sab = new SharedArrayBuffer(24);
  new Int32Array(sab)[1] = PHASE_BUSY; // instantiation (start functions included) counts as a call
  return sab;
}

/** The worker's side. */
export class WorkerWriteLock {
  private readonly cells: Int32Array;
  constructor(sab: SharedArrayBuffer) {
    this.cells = new Int32Array(sab);
  }

  /** Takes the lock; never returns once the session has killed this worker. */
  acquire(): void {
    for (;;) {
      const was = Atomics.compareExchange(this.cells, 0, FREE, WORKER);
      if (was === FREE) return;
      if (was === KILLED) for (;;) Atomics.wait(this.cells, 0, KILLED);
      Atomics.wait(this.cells, 0, was, 1); // the session holds it for a moment
    }
  }

  /** Never returns once the session has killed this worker (it waits for terminate); else returns at once. */
  stopIfKilled(): void {
    if (Atomics.load(this.cells, 0) === KILLED) for (;;) Atomics.wait(this.cells, 0, KILLED);
  }

  /** The guest's memory is about to be `pages` pages (if the grow succeeds). */
  noteMemoryPages(pages: number): void {
    if (pages > Atomics.load(this.cells, 2)) Atomics.store(this.cells, 2, Math.min(pages, 0x7fffffff));
  }

  /** Releases the lock after writing an event (setting the phase first when given); tells a waiting session. */
  releaseAfterWrite(phase?: number): void {
    this.release(phase);
    Atomics.add(this.cells, 4, 1);
    if (Atomics.load(this.cells, 5) !== 0) Atomics.notify(this.cells, 4);
  }

  /** Releases the lock, setting the phase first when given. */
  release(phase?: number): void {
    if (phase !== undefined) Atomics.store(this.cells, 1, phase);
    Atomics.store(this.cells, 0, FREE);
    if (Atomics.load(this.cells, 3) !== 0) Atomics.notify(this.cells, 0);
  }

  /** Sets the phase under the lock (no event written). */
  setPhase(phase: number): void {
    this.acquire();
    this.release(phase);
  }
}

/** The session's side. */
export class SessionKillSwitch {
  private readonly cells: Int32Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  get killed(): boolean {
    return Atomics.load(this.cells, 0) === KILLED;
  }

  /** The largest size (in 64 KiB pages) the guest asked memory.grow for, 0 before any grow. */
  get memoryPages(): number {
    return Atomics.load(this.cells, 2);
  }

  /** How many events the worker has written (wrapping at 2^32): a change means the log grew. */
  get writes(): number {
    return Atomics.load(this.cells, 4);
  }

  /**
   * Resolves once the worker writes after `seen` (undefined when it already has). Costs no thread and
   * no timer while the actor is idle; the worker notifies only while this wait is armed.
   */
  afterWrites(seen: number): Promise<unknown> | undefined {
    Atomics.store(this.cells, 5, 1);
    const w = waitAsync(this.cells, 4, seen);
    if (!w.async) {
      Atomics.store(this.cells, 5, 0);
      return undefined;
    }
    return w.value.then((v) => {
      Atomics.store(this.cells, 5, 0);
      return v;
    });
  }

  /** Ends a pending afterWrites wait (the session is done with the log). */
  stopWaitingForWrites(): void {
    Atomics.notify(this.cells, 4);
  }

  /** A call is about to be sent to the worker. */
  markBusy(): void {
    Atomics.store(this.cells, 1, PHASE_BUSY);
  }

  /** PHASE_IDLE, PHASE_BUSY (the start, init, reset) or the sequence number of the running call. */
  get phase(): number {
    return Atomics.load(this.cells, 1);
  }

  /**
   * Stops the worker from ever writing again. With `onlyIfBusy`, does nothing (returns false) when the
   * call already ended; with `onlyCall` too, also when the running call is not that one (a pipelined
   * call's sequence number). Returns true when the worker is now locked out.
   */
  kill(onlyIfBusy: boolean, onlyCall?: number): boolean {
    for (;;) {
      const was = Atomics.compareExchange(this.cells, 0, FREE, MAIN);
      if (was === KILLED) return true;
      if (was === FREE) break;
      // The worker is writing one line. Counted as a waiter first, so its release wakes this wait
      // (a release between the count and the wait changes the cell, and the wait returns at once).
      Atomics.add(this.cells, 3, 1);
      Atomics.wait(this.cells, 0, was, 1);
      Atomics.sub(this.cells, 3, 1);
    }
    const phase = Atomics.load(this.cells, 1);
    if (onlyIfBusy && (phase === PHASE_IDLE || (onlyCall !== undefined && phase !== onlyCall))) {
      Atomics.store(this.cells, 0, FREE);
      Atomics.notify(this.cells, 0);
      return false;
    }
    Atomics.store(this.cells, 0, KILLED);
    Atomics.notify(this.cells, 0);
    return true;
  }
}
