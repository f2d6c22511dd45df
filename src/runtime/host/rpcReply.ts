// How an actor's worker waits for the answer to a host call that needs the runtime (an rpc:
// message-server, supervisor, a main-thread service), and how an answer reaches it. The worker
// numbers each rpc and blocks on shared memory until that number is answered. Two threads may
// answer: the session (main thread), with the value on the rpc port, and, for a request to another
// actor, the target actor's worker, which writes the response bytes here and wakes the caller itself
// once its WasmResult is on disk (one thread hop instead of two). Whoever claims the rpc's number
// first answers; the other's answer is dropped, and an answer meant for an earlier rpc can never be
// taken for a later one.

/** Int32 cells: the number of the last answered rpc, of the rpc waiting now (0: none), how it was answered, the bytes' length. */
const DONE = 0;
const OPEN = 1;
const MODE = 2;
const LENGTH = 3;
const HEADER_BYTES = 16;
/** The answer is on the rpc port (the session's). */
const MODE_PORT = 0;
/** The answer is `ok(bytes)` with the bytes in this buffer (another actor's handle-request response). */
const MODE_BYTES = 1;
/** Responses up to this size go straight to the caller's worker; a larger one goes through the session. */
export const DIRECT_REPLY_MAX_BYTES = 64 * 1024;

export function createRpcReplyBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + DIRECT_REPLY_MAX_BYTES);
}

/** Where a request's answer may go straight to: the caller's buffer and the number of its waiting rpc. */
export interface ReplyTo {
  cells: SharedArrayBuffer;
  seq: number;
}

/** The waiting worker's side. */
export class RpcWait {
  private readonly cells: Int32Array;
  private readonly bytes: Uint8Array;
  private seq = 0;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Opens the next rpc for an answer; returns its number (sent with the rpc). */
  open(): number {
    this.seq = this.seq >= 0x7ffffffe ? 1 : this.seq + 1;
    Atomics.store(this.cells, OPEN, this.seq);
    return this.seq;
  }

  /**
   * Blocks until rpc `seq` is answered. Returns the response bytes when another actor's worker
   * answered; undefined when the answer is on the rpc port.
   */
  wait(seq: number): Uint8Array | undefined {
    for (;;) {
      const done = Atomics.load(this.cells, DONE);
      if (done === seq) break;
      Atomics.wait(this.cells, DONE, done);
    }
    if (Atomics.load(this.cells, MODE) !== MODE_BYTES) return undefined;
    return this.bytes.slice(0, Atomics.load(this.cells, LENGTH));
  }
}

/** Claims rpc `seq` for answering: false when it was answered already (or is not the one waiting). */
function claim(cells: Int32Array, seq: number): boolean {
  return Atomics.compareExchange(cells, OPEN, seq, 0) === seq;
}

function answered(cells: Int32Array, seq: number, mode: number): void {
  Atomics.store(cells, MODE, mode);
  Atomics.store(cells, DONE, seq);
  Atomics.notify(cells, DONE);
}

/** The session's side. */
export class RpcAnswer {
  private readonly cells: Int32Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  }

  /** Answers rpc `seq` with `post` (which puts the value on the port) unless it was answered already. */
  answer(seq: number, post: () => void): boolean {
    if (!claim(this.cells, seq)) return false;
    post();
    answered(this.cells, seq, MODE_PORT);
    return true;
  }
}

/**
 * The target actor's worker: answers the caller's rpc with `ok(response)` directly. False (nothing
 * written) when the response does not fit or the rpc was answered already.
 */
export function answerWithBytes(to: ReplyTo, response: Uint8Array): boolean {
  if (response.length > DIRECT_REPLY_MAX_BYTES) return false;
  const cells = new Int32Array(to.cells, 0, HEADER_BYTES / 4);
  if (!claim(cells, to.seq)) return false;
  new Uint8Array(to.cells, HEADER_BYTES, response.length).set(response);
  Atomics.store(cells, LENGTH, response.length);
  answered(cells, to.seq, MODE_BYTES);
  return true;
}
