// wasi:io @0.2.3 (error, streams, poll): the plumbing every WASI toolchain's output imports. It grants
// nothing by itself: streams come from wasi:cli (stdin/stdout/stderr) or wasi:filesystem, pollables
// from wasi:clocks, so it is available to every actor.
import { t, type WitType } from '../wit/types';
import { pollFunctions, pollInterface, readyPollable } from './poll';
import { ok, toBytes, WRITE_BUDGET, type InputStream, type IoError, type OutputStream, type StreamOutcome } from './streams';
import type { HandlerDefinition } from './types';

const errorOwn = t.own('error');
const streamError = t.variant('stream-error', [
  ['last-operation-failed', errorOwn],
  ['closed', null],
]);
const input = t.borrow('input-stream');
const output = t.borrow('output-stream');
const bytesOrError = t.result(t.list(t.u8), streamError);
const u64OrError = t.result(t.u64, streamError);
const unitOrError = t.result(null, streamError);
const pollableOwn = t.own('pollable');

const self = (r: WitType): [string, WitType] => ['self', r];

/** Reads up to `len` bytes from `src` and writes them to `dst` (splice). */
function splice(dst: OutputStream, src: InputStream, len: bigint): StreamOutcome<bigint> {
  const r = src.read(Number(len > WRITE_BUDGET ? WRITE_BUDGET : len));
  if (r.tag === 'err') return r;
  const w = dst.write(r.val);
  return w.tag === 'err' ? w : ok(BigInt(r.val.length));
}

function skip(src: InputStream, len: bigint): StreamOutcome<bigint> {
  const r = src.read(Number(len > WRITE_BUDGET ? WRITE_BUDGET : len));
  return r.tag === 'err' ? r : ok(BigInt(r.val.length));
}

export const wasiIoHandler: HandlerDefinition = {
  type: 'wasi-io',
  summary: 'WASI I/O plumbing: wasi:io error, streams and poll @0.2.3 (always available; grants nothing by itself).',
  doc:
    'Serves `wasi:io/error`, `wasi:io/streams` and `wasi:io/poll`, which every wasi-libc, Rust `std` and ' +
    'componentize-js output imports. The streams themselves come from `wasi-cli` (stdin, stdout, stderr) and ' +
    '`filesystem`, pollables from `timing`, so this handler grants nothing on its own and every actor gets it. ' +
    "Every call is recorded (a write's bytes, a read's answer), so a replay sees the same data.",
  exports: [],
  alwaysAvailable: true,
  config: [],
  interfaces: [
    {
      name: 'wasi:io/error',
      version: '0.2.3',
      resources: ['error'],
      doc: 'An error of a stream operation, with a debug message.',
      functions: [
        {
          name: '[method]error.to-debug-string',
          params: [self(t.borrow('error'))],
          result: t.string,
          doc: 'A message for humans (not stable).',
        },
      ],
    },
    {
      name: 'wasi:io/streams',
      version: '0.2.3',
      resources: ['input-stream', 'output-stream'],
      uses: ['wasi:io/error', 'wasi:io/poll'],
      doc: 'Byte streams: stdin/stdout/stderr (wasi:cli) and file streams (wasi:filesystem). Writes are recorded with their bytes.',
      functions: [
        { name: '[method]input-stream.read', params: [self(input), ['len', t.u64]], result: bytesOrError, doc: 'Reads up to `len` bytes.' },
        {
          name: '[method]input-stream.blocking-read',
          params: [self(input), ['len', t.u64]],
          result: bytesOrError,
          doc: 'Reads up to `len` bytes (never waits here).',
        },
        { name: '[method]input-stream.skip', params: [self(input), ['len', t.u64]], result: u64OrError, doc: 'Skips up to `len` bytes.' },
        {
          name: '[method]input-stream.blocking-skip',
          params: [self(input), ['len', t.u64]],
          result: u64OrError,
          doc: 'Skips up to `len` bytes.',
        },
        { name: '[method]input-stream.subscribe', params: [self(input)], result: pollableOwn, doc: 'A pollable, ready at once.' },
        {
          name: '[method]output-stream.check-write',
          params: [self(output)],
          result: u64OrError,
          doc: 'How many bytes may be written now.',
        },
        {
          name: '[method]output-stream.write',
          params: [self(output), ['contents', t.list(t.u8)]],
          result: unitOrError,
          doc: 'Writes the bytes.',
        },
        {
          name: '[method]output-stream.blocking-write-and-flush',
          params: [self(output), ['contents', t.list(t.u8)]],
          result: unitOrError,
          doc: 'Writes and flushes the bytes.',
        },
        { name: '[method]output-stream.flush', params: [self(output)], result: unitOrError, doc: 'Flushes (writes are immediate).' },
        {
          name: '[method]output-stream.blocking-flush',
          params: [self(output)],
          result: unitOrError,
          doc: 'Flushes (writes are immediate).',
        },
        { name: '[method]output-stream.subscribe', params: [self(output)], result: pollableOwn, doc: 'A pollable, ready at once.' },
        {
          name: '[method]output-stream.write-zeroes',
          params: [self(output), ['len', t.u64]],
          result: unitOrError,
          doc: 'Writes `len` zero bytes.',
        },
        {
          name: '[method]output-stream.blocking-write-zeroes-and-flush',
          params: [self(output), ['len', t.u64]],
          result: unitOrError,
          doc: 'Writes `len` zero bytes and flushes.',
        },
        {
          name: '[method]output-stream.splice',
          params: [self(output), ['src', input], ['len', t.u64]],
          result: u64OrError,
          doc: 'Moves up to `len` bytes from `src` to this stream.',
        },
        {
          name: '[method]output-stream.blocking-splice',
          params: [self(output), ['src', input], ['len', t.u64]],
          result: u64OrError,
          doc: 'Moves up to `len` bytes from `src` to this stream.',
        },
      ],
    },
    pollInterface,
  ],
  create(ctx) {
    const write = (s: OutputStream, bytes: ArrayLike<number>) => s.write(toBytes(bytes));
    const zeroes = (s: OutputStream, len: bigint) => s.write(new Uint8Array(Number(len > WRITE_BUDGET ? WRITE_BUDGET : len)));
    const read = (s: InputStream, len: bigint) => s.read(Number(len > WRITE_BUDGET ? WRITE_BUDGET : len));
    const fns: Record<string, Record<string, (...a: any[]) => unknown>> = {
      'wasi:io/error': { '[method]error.to-debug-string': (e: IoError) => e.message },
      'wasi:io/streams': {
        '[method]input-stream.read': read,
        '[method]input-stream.blocking-read': read,
        '[method]input-stream.skip': skip,
        '[method]input-stream.blocking-skip': skip,
        '[method]input-stream.subscribe': readyPollable,
        '[method]output-stream.check-write': () => ok(WRITE_BUDGET),
        '[method]output-stream.write': write,
        '[method]output-stream.blocking-write-and-flush': write,
        '[method]output-stream.flush': () => ok(undefined),
        '[method]output-stream.blocking-flush': () => ok(undefined),
        '[method]output-stream.subscribe': readyPollable,
        '[method]output-stream.write-zeroes': zeroes,
        '[method]output-stream.blocking-write-zeroes-and-flush': zeroes,
        '[method]output-stream.splice': splice,
        '[method]output-stream.blocking-splice': splice,
      },
      'wasi:io/poll': pollFunctions(ctx),
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};
