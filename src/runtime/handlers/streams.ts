// Host-side byte streams behind wasi:io/streams, shared by wasi:cli (stdin, stdout, stderr) and
// wasi:filesystem (read-via-stream, write-via-stream). Every stream completes at once: reads return
// what is there (empty stdin is closed), writes go straight to their sink.
import type { Pollable } from './poll';

/** wasi:io/error's error resource: a message, and for filesystem failures the WASI error code. */
export interface IoError {
  message: string;
  /** A wasi:filesystem error-code case (`no-entry`), answered by filesystem-error-code. */
  code?: string;
}

/** The guest's view of a failed stream operation (wasi:io/streams stream-error). */
export type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed'; val: IoError };

export type StreamOutcome<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: StreamError };

export interface InputStream {
  /** At most `len` bytes; `closed` at the end. */
  read(len: number): StreamOutcome<Uint8Array>;
}

export interface OutputStream {
  write(bytes: Uint8Array): StreamOutcome<undefined>;
}

export const ok = <T>(val: T): StreamOutcome<T> => ({ tag: 'ok', val });
export const closed: StreamOutcome<never> = { tag: 'err', val: { tag: 'closed' } };
export const failed = (message: string, code?: string): StreamOutcome<never> => ({
  tag: 'err',
  val: { tag: 'last-operation-failed', val: { message, ...(code ? { code } : {}) } },
});

/** An input stream over fixed bytes (stdin from the manifest, a file read). */
export function bytesInput(bytes: Uint8Array): InputStream {
  let at = 0;
  return {
    read(len) {
      if (at >= bytes.length) return closed;
      const chunk = bytes.slice(at, at + Math.max(0, Math.min(len, bytes.length - at)));
      at += chunk.length;
      return ok(chunk);
    },
  };
}

/** An output stream that hands every write to `sink`. */
export function sinkOutput(sink: (bytes: Uint8Array) => StreamOutcome<undefined> | void): OutputStream {
  return { write: (bytes) => sink(bytes) ?? ok(undefined) };
}

/** jco hands a list<u8> over as a Uint8Array or, for some call shapes, as a plain array of numbers. */
export const toBytes = (b: ArrayLike<number>): Uint8Array => (b instanceof Uint8Array ? b : Uint8Array.from(b));

/** What check-write allows at once: the guest splits larger writes. */
export const WRITE_BUDGET = 1n << 20n;

export type { Pollable };
