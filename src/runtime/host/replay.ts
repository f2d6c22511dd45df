// Replay: every host import is answered from a recorded chain; no live handler runs. The verdict
// is a position-by-position comparison of the new chain with the recording (hashes), reported with
// the first divergence's event types and decoded inputs and outputs side by side.
import type { ChainEvent } from '../chain/event';
import { decodeEvent, formatValue } from '../chain/decode';
import { bytesEqual, shortHash, toHex } from '../chain/hash';
import { parseLossless, stringifyLossless } from '../chain/json';
import { ChainFileReader } from '../chain/chainFile';
import { EventLineView, lineExpectation, type LineExpectation } from '../chain/log';
import { ChainEventIndex, withoutEvents, type EventAccess } from '../chain/eventIndex';
import { HostCallTemplate } from '../chain/eventEncoder';
import { type ChainReference, parseChainReference } from '../chain/reference';
import { BIG_KINDS, decodeTyped, decodeUntyped, INT_KINDS, typedToPlain } from '../chain/typedValue';
import { ChainAnswer } from '../handlers/runtime';
import { NOTE_FUNCTIONS, type FunctionSpec } from '../handlers/types';
import { ANSWER_LIVE, type CallAnswerer } from './binder';

export interface ReplaySide {
  eventType: string;
  hash: string;
  summary: string;
  input?: unknown;
  output?: unknown;
  /** A WasmResult's new actor state. */
  state?: unknown;
}

export interface ReplayReport {
  /** `forked`: events 0..N replayed with the recorded hashes, then the actor ran live; `what-if`: a replay with edited outputs. */
  verdict: 'replayed' | 'diverged' | 'exhausted' | 'extra-events' | 'missing-events' | 'forked' | 'what-if';
  /** Events compared (the recording's length, without a trailing replay-summary). */
  total: number;
  /** Events identical to the recording before the first divergence. */
  matched: number;
  /** One sentence for notifications and the CLI. */
  message: string;
  divergence?: { index: number; expected?: ReplaySide; actual?: ReplaySide };
  /** A fork: the last replayed index and how many events ran live after it. */
  fork?: { at: number; liveEvents: number };
  /** A what-if: the edited events; `divergence` is where the run first went differently after the first edit. */
  whatIf?: { overrides: Array<{ index: number; output: unknown }>; differed: boolean };
}

/** An edited recorded output (what-if): `outputJson` is a typed value of the function's result type. */
export interface ReplayOverride {
  index: number;
  outputJson: string;
}

export interface ReplayOptions {
  /** The index the next recorded event gets (the recorder's count). */
  nextIndex: () => number;
  /** Fork: answer from the recording up to this event index, then let the live handlers answer. */
  liveAfter?: number;
  overrides?: readonly ReplayOverride[];
  /**
   * Records an event of the recording verbatim: the permission denials a handler recorded next to a
   * call are replayed as they were (no handler runs to record them).
   */
  rerecord?: (eventType: string, data: Uint8Array) => void;
}

export interface ReplaySession {
  answer: CallAnswerer;
  /** A fork: the live handlers take over after the fork point, and no replay-summary is recorded. */
  forking: boolean;
  /** The recorded WasmCall params of init (so an actor id in them replays identically). */
  recordedInitParams: string | undefined;
  /** Every recorded call into the actor (WasmCall), in order: a replay re-drives them all. */
  recordedCalls: Array<{ fn: string; paramsJson: string; resultJson?: string }>;
  /** Compares what was recorded during the replay (the run's own log, read back from disk) with the expected chain. */
  finish(recordedLog: string): ReplayReport;
}

interface Expected {
  /** The recorded event (built on demand: only divergence messages need its hash). */
  event: () => ChainEvent;
  payload: any;
}

function side(ev: ChainEvent): ReplaySide {
  const d = decodeEvent(ev);
  return {
    eventType: ev.eventType,
    hash: toHex(ev.hash),
    summary: d.summary,
    input: d.input,
    output: d.output,
    ...(d.state !== undefined ? { state: d.state } : {}),
  };
}

function recordedOutput(spec: FunctionSpec, payload: any): unknown {
  const out = payload.output;
  if (Array.isArray(out)) {
    // v1: bytes of JSON
    return spec.result ? decodeUntyped(spec.result, parseLossless(Buffer.from(out as number[]).toString('utf8'))) : undefined;
  }
  return spec.result ? decodeTyped(spec.result, out) : undefined;
}

/**
 * A recorded answer is handed to the guest only if it fits the call: the recorded input is the actual
 * input, the output has the declared result type, and where the WIT semantics fix its size from the
 * inputs (`get-random-bytes(len)` returns exactly `len` bytes) it has that size. Anything else is a
 * divergence, never a wrong answer.
 */
function checkedOutput(wanted: string, spec: FunctionSpec, rec: Expected, hostArgs: unknown[], inputJson: string): unknown {
  const at = (): string => `(event ${shortHash(rec.event().hash)})`;
  const v1 = Array.isArray(rec.payload.output);
  if (!v1 && 'input' in rec.payload) {
    let actual: unknown;
    try {
      actual = parseLossless(inputJson);
    } catch {
      actual = inputJson;
    }
    if (stringifyLossless(actual) !== stringifyLossless(rec.payload.input)) {
      throw new Error(
        `replay diverged: the actor called ${wanted} with ${clip(stringifyLossless(actual))}, but the recording has it called with ${clip(stringifyLossless(rec.payload.input))} ${at()}`,
      );
    }
  }
  let out: unknown;
  try {
    out = recordedOutput(spec, rec.payload);
  } catch (e) {
    throw new Error(
      `replay diverged: the recorded answer to ${wanted} ${at()} does not fit its declared result type (${(e as Error).message})`,
    );
  }
  const fixed = fixedResultLength(spec, hostArgs);
  if (fixed !== undefined) {
    const got = ArrayBuffer.isView(out) ? (out as Uint8Array).length : Array.isArray(out) ? out.length : -1;
    if (BigInt(got) !== fixed) {
      throw new Error(
        `replay diverged: the recording answers ${wanted}(${fixed}) with ${got < 0 ? 'a value that is not a list' : `${got} items`} ${at()}; the call returns exactly ${fixed}`,
      );
    }
  }
  return out;
}

/** A `list` result whose length the call fixes: a first parameter named `len` (wasi:random's bytes). */
function fixedResultLength(spec: FunctionSpec, hostArgs: unknown[]): bigint | undefined {
  if (spec.result?.kind !== 'list' || spec.params[0]?.[0] !== 'len') return undefined;
  const len = hostArgs[0];
  return typeof len === 'bigint' || typeof len === 'number' ? BigInt(len) : undefined;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** A call the replay refused (it does not match the recording): shown as the run's side of a what-if. */
interface Attempt {
  index: number;
  eventType: string;
  inputJson: string;
}

/** `{"category":"HostFunction",`: how every host call's payload starts (payload.ts). */
const HOST_FUNCTION_PREFIX = Buffer.from('{"category":"HostFunction",', 'latin1');
const OUTPUT_KEY = Buffer.from(',"output":', 'latin1');

function startsWith(data: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (data.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

function parsePayload(event: ChainEvent): any {
  try {
    return parseLossless(Buffer.from(event.data).toString('utf8'));
  } catch {
    return null; // binary data: not a host call
  }
}

/** The recording's events one at a time (a file of any size), without its replay-summary. */
function recordingStream(chainPath: string): {
  next: () => ChainEvent | undefined;
  /** Like next, but our log's lines as the writer writes them come as a view (ChainLogReader.nextView). */
  nextView: (expect?: LineExpectation) => ChainEvent | EventLineView | undefined;
  close: () => void;
} {
  const r = ChainFileReader.open(chainPath);
  let open = true;
  const close = () => {
    if (open) r.close();
    open = false;
  };
  return {
    next: () => {
      for (let ev = open ? r.next() : undefined; ev; ev = r.next()) if (ev.eventType !== 'replay-summary') return ev;
      close();
      return undefined;
    },
    nextView: (expect) => {
      for (let ev = open ? r.nextView(expect) : undefined; ev; ev = r.nextView(expect))
        if (ev instanceof EventLineView ? !ev.typeIs(REPLAY_SUMMARY) : ev.eventType !== 'replay-summary') return ev;
      close();
      return undefined;
    },
    close,
  };
}

const REPLAY_SUMMARY = Buffer.from('replay-summary', 'latin1');

/** What stays the same for every call of one host function: its names, its payload's head, its decoder. */
interface CallInfo {
  importName: string;
  spec: FunctionSpec;
  /** `<import>/<fn>`, the event type, and its UTF-8. */
  wanted: string;
  typeBytes: Buffer;
  template: HostCallTemplate;
  /** A note function (NOTE_FUNCTIONS): its events are re-recorded, so its calls take the general path. */
  note: boolean;
  /** Decodes a recorded output written exactly as the encoder writes it; NOT_FAST for anything else. */
  fastDecode: FastDecoder | undefined;
  /** The payload's head as the recording's base64 starts with it; with the input too once it repeats. */
  plainPrefix: Prefix;
  withInput: Prefix | undefined;
  lastInput: string | undefined;
}

/** The leading bytes of a payload (a multiple of 3, so its base64 is a prefix of the payload's) and that base64. */
interface Prefix {
  /** The whole expected start: the head, or head, input and `,"output":`. */
  full: Buffer;
  bytes: Buffer;
  base64: Buffer;
  /** The line's type and this base64, compared by the log reader in one go. */
  expect: LineExpectation | undefined;
  /** The input JSON this prefix includes (undefined: the head alone). */
  input: string | undefined;
}

function prefixOf(typeBytes: Buffer, full: Buffer, input: string | undefined): Prefix {
  const bytes = full.subarray(0, full.length - (full.length % 3));
  const base64 = Buffer.from(bytes.toString('base64'), 'latin1');
  return { full, bytes, base64, expect: lineExpectation(typeBytes, base64), input };
}

/** Whether data[from..full.length) is full[from..) (data long enough). */
function matchesFrom(data: Uint8Array, full: Uint8Array, from: number): boolean {
  if (data.length < full.length) return false;
  for (let i = from; i < full.length; i++) if (data[i] !== full[i]) return false;
  return true;
}

/** The prefix to match a call with `inputJson` against (as the encoder's HostCallTemplate.headFor). */
function prefixFor(c: CallInfo, inputJson: string): Prefix {
  const w = c.withInput;
  if (w !== undefined && w.input === inputJson) return w;
  if (c.lastInput === inputJson && inputJson.length <= 4096) {
    c.withInput = prefixOf(c.typeBytes, Buffer.concat([c.template.head, Buffer.from(inputJson, 'utf8'), OUTPUT_KEY]), inputJson);
    return c.withInput;
  }
  c.lastInput = inputJson;
  return c.plainPrefix;
}

export const NOT_FAST: unique symbol = Symbol('theater.replay.notFast');
export type FastDecoder = (data: Uint8Array, from: number, to: number) => unknown;

const INT_RANGE: Partial<Record<string, readonly [string, number, number]>> = INT_KINDS;
const [, S64_MIN, S64_MAX] = BIG_KINDS.s64;
const BOOL_TRUE = Buffer.from('{"Bool":true}', 'latin1');
const BOOL_FALSE = Buffer.from('{"Bool":false}', 'latin1');

/**
 * For a result type whose typed value is a scalar, a decoder that reads `{"<Tag>":<canonical integer>}`
 * (or `{"Bool":true|false}`) straight from the payload's bytes and gives exactly what parseLossless +
 * decodeTyped give for it; every other text (another shape, spaces, out of range) is NOT_FAST and takes
 * the general path, which decides and words the divergence.
 */
export function fastDecoderFor(spec: FunctionSpec): FastDecoder | undefined {
  const ty = spec.result;
  if (!ty) return undefined;
  if (ty.kind === 'bool')
    return (d, from, to) => (bytesAt(d, from, to, BOOL_TRUE) ? true : bytesAt(d, from, to, BOOL_FALSE) ? false : NOT_FAST);
  const small = INT_RANGE[ty.kind];
  const big = ty.kind === 'u64' ? 'U64' : ty.kind === 's64' ? 'S64' : undefined;
  const tag = small?.[0] ?? big;
  if (tag === undefined) return undefined;
  const head = Buffer.from(`{"${tag}":`, 'latin1');
  return (d, from, to) => {
    if (to - from < head.length + 2 || d[to - 1] !== 0x7d) return NOT_FAST;
    for (let k = 0; k < head.length; k++) if (d[from + k] !== head[k]) return NOT_FAST;
    let p = from + head.length;
    const end = to - 1;
    const negative = d[p] === 0x2d;
    if (negative) p++;
    const digits = end - p;
    if (digits < 1 || digits > 20 || (d[p] === 0x30 && digits > 1)) return NOT_FAST;
    // The digits as two numbers (each below 10^10, so exact): the high ones and the last ten.
    const split = Math.max(p, end - 10);
    let hi = 0;
    let lo = 0;
    let bad = 0; // negative once a byte is not a digit
    for (let k = p; k < split; k++) {
      const c = (d[k]! | 0) - 0x30;
      bad |= c | (9 - c);
      hi = hi * 10 + c;
    }
    for (let k = split; k < end; k++) {
      const c = (d[k]! | 0) - 0x30;
      bad |= c | (9 - c);
      lo = lo * 10 + c;
    }
    if (bad < 0) return NOT_FAST;
    if (negative && hi === 0 && lo === 0) return NOT_FAST; // -0: the general path
    if (small) {
      const v = (negative ? -1 : 1) * (hi * 1e10 + lo);
      return digits <= 10 && v >= small[1] && v <= small[2] ? v : NOT_FAST;
    }
    if (big === 'U64') return negative ? NOT_FAST : (u64Of(hi, lo) ?? NOT_FAST);
    let b = hi === 0 ? BigInt(lo) : BigInt(hi) * 10_000_000_000n + BigInt(lo);
    if (negative) b = -b;
    return b >= S64_MIN && b <= S64_MAX ? b : NOT_FAST;
  };
}

const u64View = new DataView(new ArrayBuffer(8));

/**
 * hi·10^10 + lo (both below 10^10) as a u64 bigint, or undefined above 2^64 − 1: computed exactly in
 * 16-bit pieces (every product stays below 2^53) and read as one bigint.
 */
function u64Of(hi: number, lo: number): bigint | undefined {
  const hiH = Math.floor(hi / 65536);
  const a = (hi - hiH * 65536) * 1e10 + lo;
  const b = hiH * 1e10;
  const bHi = Math.floor(b / 65536);
  const c = (b - bHi * 65536) * 65536 + a;
  const carry = Math.floor(c / 4294967296);
  const high = bHi + carry;
  if (high > 0xffffffff) return undefined;
  u64View.setUint32(0, c - carry * 4294967296, true);
  u64View.setUint32(4, high, true);
  return u64View.getBigUint64(0, true);
}

function bytesAt(d: Uint8Array, from: number, to: number, lit: Uint8Array): boolean {
  return to - from === lit.length && startsWith(d, lit, from);
}

/**
 * Where the output of a recorded host call starts when its payload is byte for byte what this call
 * would record up to its output (`t`'s head, the same input JSON, `,"output":`, ending in `}`), or -1.
 */
function outputStart(data: Uint8Array, t: HostCallTemplate, inputJson: string): number {
  const head = t.head;
  if (!startsWith(data, head)) return -1;
  let p = head.length;
  const n = inputJson.length;
  if (data.length < p + n) return -1;
  for (let i = 0; i < n; i++) {
    const c = inputJson.charCodeAt(i);
    if (c >= 0x80) {
      // Not ASCII: compared as its UTF-8 bytes.
      const input = Buffer.from(inputJson, 'utf8');
      if (!startsWith(data, input, head.length)) return -1;
      p = head.length + input.length;
      break;
    }
    if (data[p + i] !== c) return -1;
    if (i === n - 1) p += n;
  }
  if (!startsWith(data, OUTPUT_KEY, p) || data[data.length - 1] !== 0x7d) return -1;
  return p + OUTPUT_KEY.length;
}

/**
 * Answers host calls from a recording read lazily, one host call ahead, so a recording of any size
 * replays in bounded memory; the verdict compares it again as a stream.
 */
export function createReplayAnswerer(chainPath: string, options: ReplayOptions): ReplaySession {
  const calls = recordingStream(chainPath);
  let initParams: string | undefined;
  {
    // init's WasmCall opens the chain; its params replay an old-shape init's actor id.
    const head = recordingStream(chainPath);
    try {
      for (let ev = head.next(), k = 0; ev && k < 64; ev = head.next(), k++) {
        const p = parsePayload(ev);
        if (p?.WasmCall?.function_name === 'theater:simple/actor.init') {
          initParams = Buffer.from(p.WasmCall.params as number[]).toString('utf8');
          break;
        }
      }
    } finally {
      head.close();
    }
  }
  /**
   * The next recorded host call. A line of our log that is a call of `c`'s function comes back as a
   * view (nothing decoded beyond its payload bytes); any other event is built, and the denials a
   * handler recorded just before a call are re-recorded (same hashes) and passed over.
   */
  /** The prefix the last view nextHostCall returned was checked against (undefined: none, its data was decoded whole). */
  let verified: Prefix | undefined;
  const nextHostCall = (c: CallInfo, inputJson: string): ChainEvent | EventLineView | undefined => {
    verified = undefined;
    // The usual case: the line has this call's type and its payload's base64 starts with what this
    // call's would (its head, and its input once it repeats), so only the rest is decoded.
    const pre = c.note ? undefined : prefixFor(c, inputJson);
    for (let r = calls.nextView(pre?.expect); r; r = calls.nextView(pre?.expect)) {
      if (r instanceof EventLineView) {
        // (A line that met the expectation has the type: no need to compare it again.)
        if (pre !== undefined && (r.matched === pre.expect || r.typeIs(c.typeBytes))) {
          const d = r.decodeAfter(pre.bytes, pre.base64, pre.expect);
          if (d === 'ok') {
            verified = pre;
            return r;
          }
          if (d === 'invalid') continue; // a line next() skips
        }
        if (!r.decode()) continue;
        if (!startsWith(r.data, HOST_FUNCTION_PREFIX)) continue;
        if (!c.note && r.typeIs(c.typeBytes)) return r;
        r = r.toEvent();
      } else if (!startsWith(r.data, HOST_FUNCTION_PREFIX)) continue;
      const note = r.eventType.slice(r.eventType.lastIndexOf('/') + 1);
      if (NOTE_FUNCTIONS.has(note) && parsePayload(r)?.function === note) {
        options.rerecord?.(r.eventType, r.data);
        continue;
      }
      return r;
    }
    return undefined;
  };
  const byType = new Map<string, CallInfo>();
  const bySpec = new Map<FunctionSpec, CallInfo>();
  let lastCall: CallInfo | undefined;
  const callInfo = (importName: string, spec: FunctionSpec): CallInfo => {
    if (lastCall !== undefined && lastCall.spec === spec && lastCall.importName === importName) return lastCall;
    lastCall = callInfoOf(importName, spec);
    return lastCall;
  };
  const callInfoOf = (importName: string, spec: FunctionSpec): CallInfo => {
    const last = bySpec.get(spec);
    if (last !== undefined && last.importName === importName) return last;
    const wanted = `${importName}/${spec.name}`;
    let c = byType.get(wanted);
    if (c === undefined) {
      const template = new HostCallTemplate(importName, spec.name);
      const typeBytes = Buffer.from(wanted, 'utf8');
      c = {
        importName,
        spec,
        wanted,
        typeBytes,
        template,
        note: NOTE_FUNCTIONS.has(spec.name),
        fastDecode: fastDecoderFor(spec),
        plainPrefix: prefixOf(typeBytes, template.head, undefined),
        withInput: undefined,
        lastInput: undefined,
      };
      byType.set(wanted, c);
    }
    bySpec.set(spec, c);
    return c;
  };

  const overrides = new Map((options.overrides ?? []).map((o) => [o.index, o.outputJson]));
  // The call being answered (kept in place, not allocated per call): a refused one is the run's side
  // of a what-if's divergence.
  let attempting = false;
  let attemptIndex = 0;
  let attemptType = '';
  let attemptInput = '';
  const attempt = (): Attempt | undefined =>
    attempting ? { index: attemptIndex, eventType: attemptType, inputJson: attemptInput } : undefined;

  // get-chain was recorded as a reference to the chain's first N events: the answer is those events
  // of the recording, which up to here is what this replay recorded too (or it diverged earlier).
  const chainFromRecording = (wanted: string, ref: ChainReference, rec: Expected): unknown => {
    // Read one event at a time into the answer: only the answer is kept.
    const answer = new ChainAnswer();
    const r = recordingStream(chainPath);
    try {
      for (let ev = answer.count < ref.events ? r.next() : undefined; ev; ev = answer.count < ref.events ? r.next() : undefined)
        answer.add(ev);
    } finally {
      r.close();
    }
    if (answer.count !== ref.events || !bytesEqual(answer.lastHash, ref.head)) {
      throw new Error(
        `replay diverged: the recorded answer to ${wanted} (event ${shortHash(rec.event().hash)}) refers to the first ${ref.events} events ending at ${ref.head ? shortHash(ref.head) : 'none'}, which the recording does not have`,
      );
    }
    return answer.value();
  };

  /** The recorded answer to a call (of the recorded event's type) from its output text, as values. */
  const answerFrom = (c: CallInfo, event: () => ChainEvent, outputText: string | undefined, hostArgs: unknown[], inputJson: string) => {
    let fastOutput: unknown;
    if (outputText !== undefined) {
      try {
        fastOutput = parseLossless(outputText);
      } catch {
        /* not JSON after all: the whole payload decides below */
      }
    }
    const next: Expected =
      fastOutput !== undefined ? { event, payload: { output: fastOutput } } : { event, payload: parsePayload(event()) ?? {} };
    const ref = parseChainReference(next.payload?.output);
    if (ref) {
      attempting = false;
      return chainFromRecording(c.wanted, ref, next);
    }
    // The call is checked against the recording even when its output is edited (what-if).
    return checkedOutput(c.wanted, c.spec, next, hostArgs, inputJson);
  };

  const answer: CallAnswerer = (importName, spec, hostArgs, inputJson) => {
    const index = options.nextIndex();
    if (options.liveAfter !== undefined && index > options.liveAfter) return ANSWER_LIVE;
    const c = callInfo(importName, spec);
    attempting = true;
    attemptIndex = index;
    attemptType = c.wanted;
    attemptInput = inputJson;
    const found = nextHostCall(c, inputJson);
    if (!found) {
      throw new Error(`replay exhausted: the actor called ${c.wanted}, but the recording has no more host calls`);
    }
    let recorded: unknown;
    if (found instanceof EventLineView) {
      // Same type; with the same input bytes only the output is decoded (the input check would pass).
      const data = found.data;
      const w = verified;
      // Checked with the input (all but the last 0-2 bytes of head, input and `,"output":`): the output follows.
      const at =
        w !== undefined && w.input === inputJson && data[data.length - 1] === 0x7d && matchesFrom(data, w.full, w.bytes.length)
          ? w.full.length
          : outputStart(data, c.template, inputJson);
      const fast = at >= 0 && c.fastDecode ? c.fastDecode(data, at, data.length - 1) : NOT_FAST;
      if (fast !== NOT_FAST) recorded = fast;
      else {
        let event: ChainEvent | undefined;
        const text = at >= 0 ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8', at, data.length - 1) : undefined;
        recorded = answerFrom(c, () => (event ??= found.toEvent()), text, hostArgs, inputJson);
        if (!attempting) return recorded; // a chain reference: answered from the recording's prefix
      }
    } else {
      if (found.eventType !== c.wanted) {
        throw new Error(
          `replay diverged: the actor called ${c.wanted}, but the recording's next host call is ${found.eventType} (event ${shortHash(found.hash)})`,
        );
      }
      const at = outputStart(found.data, c.template, inputJson);
      const text =
        at >= 0
          ? Buffer.from(found.data.buffer, found.data.byteOffset, found.data.byteLength).toString('utf8', at, found.data.length - 1)
          : undefined;
      recorded = answerFrom(c, () => found, text, hostArgs, inputJson);
      if (!attempting) return recorded;
    }
    attempting = false;
    if (overrides.size === 0) return recorded;
    const override = overrides.get(index);
    return override !== undefined && spec.result ? decodeTyped(spec.result, parseLossless(override)) : recorded;
  };

  // Every call into the actor, re-driven in order (held in memory: one entry per recorded call).
  const recordedCalls: Array<{ fn: string; paramsJson: string; resultJson?: string }> = [];
  {
    // Only `wasm` events are decoded: the host calls' lines are read up to their type.
    const all = ChainFileReader.open(chainPath);
    try {
      for (let ev = all.nextOfType('wasm'); ev; ev = all.nextOfType('wasm')) {
        const p = parsePayload(ev);
        if (p?.category === 'Wasm' && p.WasmCall)
          recordedCalls.push({
            fn: String(p.WasmCall.function_name),
            paramsJson: Buffer.from(p.WasmCall.params as number[]).toString('utf8'),
          });
        else if (p?.category === 'Wasm' && p.WasmResult && recordedCalls.at(-1)?.fn === p.WasmResult.function_name) {
          // The export's answer (wasi:http's incoming handle re-records the recorded response).
          const out = (p.WasmResult.result as unknown[])[1];
          if (Array.isArray(out)) recordedCalls.at(-1)!.resultJson = Buffer.from(out as number[]).toString('utf8');
        }
      }
    } finally {
      all.close();
    }
  }

  return {
    answer,
    forking: options.liveAfter !== undefined,
    recordedInitParams: initParams,
    recordedCalls,
    finish(recordedLog) {
      calls.close();
      if (options.liveAfter !== undefined || overrides.size > 0) {
        // Forks and what-ifs compare by index: both chains are indexed (one streaming pass each) and
        // read back block by block, never held whole.
        const recorded = indexedWithoutSummaries(recordedLog);
        const recording = indexedWithoutSummaries(chainPath);
        if (options.liveAfter !== undefined) return forkReport(recording, recorded, options.liveAfter);
        return whatIfReport(
          recording,
          recorded,
          [...overrides.keys()].sort((a, b) => a - b),
          attempt(),
        );
      }
      const same = identicalInPlace(chainPath, recordedLog);
      if (same !== undefined) return { verdict: 'replayed', total: same, matched: same, message: identicalMessage(same) };
      const expected = recordingStream(chainPath);
      const actual = recordingStream(recordedLog);
      try {
        return compareReplayStreams(expected.next, actual.next);
      } finally {
        expected.close();
        actual.close();
      }
    },
  };
}

const identicalMessage = (n: number): string => `Replay identical: all ${n} events have the recorded hashes.`;

/**
 * The common verdict first, read in place: when both logs hold, position by position, lines as the
 * writer writes them with the same hash, parent, type and base64 data (replay summaries left out), the replay is
 * identical and this is the number of events; anything else (a difference, an event of another
 * format, one log ending first) is undefined, and compareReplayStreams decides and words it.
 */
function identicalInPlace(chainPath: string, recordedLog: string): number | undefined {
  const expected = recordingStream(chainPath);
  const actual = recordingStream(recordedLog);
  try {
    for (let n = 0; ; n++) {
      const x = expected.nextView();
      const y = actual.nextView();
      if (x === undefined && y === undefined) return n > 0 ? n : undefined;
      if (!(x instanceof EventLineView) || !(y instanceof EventLineView)) return undefined;
      // The same base64 text is the same data; checking one side tells that both are valid.
      if (!x.sameAs(y) || !x.dataValid()) return undefined;
    }
  } finally {
    expected.close();
    actual.close();
  }
}

/** A chain file's events without replay summaries, by index (the file is indexed, not loaded). */
function indexedWithoutSummaries(file: string): EventAccess {
  const summaries: number[] = [];
  const { index } = ChainEventIndex.scan(file, (ev, i) => {
    if (ev.eventType === 'replay-summary') summaries.push(i);
  });
  return withoutEvents(index, summaries);
}

/** The first `n` events of `events`, one at a time. */
function firstEvents(events: EventAccess, n: number): () => ChainEvent | undefined {
  let i = 0;
  return () => (i < n ? events.at(i++) : undefined);
}

/** A fork matches when its first `at + 1` events have exactly the recording's hashes. */
function forkReport(recording: EventAccess, recorded: EventAccess, at: number): ReplayReport {
  const prefix = compareReplayStreams(firstEvents(recording, at + 1), firstEvents(recorded, at + 1));
  let sameHashes = recorded.count > at;
  for (let i = 0; sameHashes && i < Math.min(recording.count, at + 1); i++)
    sameHashes = bytesEqual(recording.at(i)!.hash, recorded.at(i)!.hash);
  const liveEvents = Math.max(0, recorded.count - (at + 1));
  if (prefix.verdict !== 'replayed' || !sameHashes) {
    return {
      ...prefix,
      verdict: prefix.verdict === 'replayed' ? 'diverged' : prefix.verdict,
      fork: { at, liveEvents },
      message: `The fork at event ${at} failed before the fork point: ${prefix.message}`,
    };
  }
  return {
    verdict: 'forked',
    total: at + 1,
    matched: at + 1,
    fork: { at, liveEvents },
    message: `Forked at event ${at}: events 0..${at} replayed with the recorded hashes, then ${liveEvents} event${liveEvents === 1 ? '' : 's'} ran live.`,
  };
}

/** Plain input of a host-call payload (typed or v1), for comparing an edited call with the recording. */
function sameInput(a: ChainEvent, b: ChainEvent): boolean {
  const x = decodeEvent(a),
    y = decodeEvent(b);
  return x.category === 'host' && y.category === 'host' && JSON.stringify(normalize(x.input)) === JSON.stringify(normalize(y.input));
}

/**
 * A what-if: before the first edit the run must reproduce the recording exactly; from there on, the
 * first event whose type or data differs (an edited event only by its input) is where the run went
 * differently. Hashes differ from the first edit on by construction and are not compared.
 */
function whatIfReport(recording: EventAccess, recorded: EventAccess, edited: number[], attempt: Attempt | undefined): ReplayReport {
  const first = edited[0]!;
  const total = recording.count;
  const overridesOut = edited.map((index) => {
    const ev = recorded.at(index);
    return { index, output: ev ? decodeEvent(ev).output : undefined };
  });
  const prefix = compareReplayStreams(firstEvents(recording, first), firstEvents(recorded, first));
  if (prefix.verdict !== 'replayed' && first > 0) {
    return {
      ...prefix,
      whatIf: { overrides: overridesOut, differed: true },
      message: `The what-if replay diverged before the edited event ${first}: ${prefix.message}`,
    };
  }
  const editedSet = new Set(edited);
  const what = edited.length === 1 ? `event ${first}'s output` : `the outputs of events ${edited.join(', ')}`;
  for (let i = first; i < Math.max(recording.count, recorded.count); i++) {
    const exp = recording.at(i),
      act = recorded.at(i);
    const same =
      exp !== undefined &&
      act !== undefined &&
      exp.eventType === act.eventType &&
      (editedSet.has(i) ? sameInput(exp, act) : bytesEqual(exp.data, act.data) || sameCall(exp, act));
    if (same) continue;
    // Upstream recordings often end without a shutdown event; ours always records one.
    if (!exp && i === recorded.count - 1 && act?.eventType === 'shutdown') break;
    const actual = attempt && attempt.index === i ? attemptedSide(attempt) : act ? side(act) : undefined;
    const divergence = { index: i, ...(exp ? { expected: side(exp) } : {}), ...(actual ? { actual } : {}) };
    const theirs = exp ? `${exp.eventType} ${decodeEvent(exp).summary}` : 'no event';
    const ours = actual ? `${actual.eventType} ${actual.summary}` : 'no event';
    return {
      verdict: 'what-if',
      total,
      matched: i,
      divergence,
      whatIf: { overrides: overridesOut, differed: true },
      message: `With ${what} edited, the run first went differently at event ${i}: the recording has ${theirs}, the run ${attempt && attempt.index === i ? 'called' : 'has'} ${ours}.`,
    };
  }
  return {
    verdict: 'what-if',
    total,
    matched: total,
    whatIf: { overrides: overridesOut, differed: false },
    message: `With ${what} edited, the run made the same calls with the same inputs as the recording to its end (${total} events); only the hashes from event ${first} on differ.`,
  };
}

/** The call the replay refused to answer: not in the chain (it trapped), so built from the attempt. */
function attemptedSide(a: Attempt): ReplaySide {
  let input: unknown;
  try {
    input = typedToPlain(parseLossless(a.inputJson));
  } catch {
    input = a.inputJson;
  }
  const shown = Array.isArray(input) ? input.map((x) => formatValue(x, 60)).join(', ') : formatValue(input, 60);
  return { eventType: a.eventType, hash: '', summary: `(${shown}) — not answered, the recording differs here`, input };
}

/** Plain values compared loosely: typed arrays as arrays, bigint and number by value, one-arg tuples unwrapped. */
function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => String(x));
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v ?? null;
}
function unwrapArgs(v: unknown): unknown {
  if (Array.isArray(v) && v.length === 0) return null;
  if (Array.isArray(v) && v.length === 1) return v[0];
  return v;
}
function sameCall(a: ChainEvent, b: ChainEvent): boolean {
  const x = decodeEvent(a),
    y = decodeEvent(b);
  if (x.category !== 'host' || y.category !== 'host' || x.function !== y.function) return false;
  const eq = (p: unknown, q: unknown) => JSON.stringify(normalize(p)) === JSON.stringify(normalize(q));
  const xin = x.era === 'v1' ? x.input : unwrapArgs(x.input),
    yin = y.era === 'v1' ? y.input : unwrapArgs(y.input);
  return eq(xin, yin) && eq(x.output, y.output);
}

/**
 * Position by position: identical data is a match; a host call recorded in Theater's older v1 format
 * with the same values is a match "by value" (its hash cannot be reproduced in today's format).
 */
export function compareReplay(expected: readonly ChainEvent[], actual: readonly ChainEvent[]): ReplayReport {
  let i = 0;
  let j = 0;
  return compareReplayStreams(
    () => expected[i++],
    () => actual[j++],
  );
}

/** compareReplay over two chains read one event at a time (`next*` returns undefined at the end). */
export function compareReplayStreams(nextExpected: () => ChainEvent | undefined, nextActual: () => ChainEvent | undefined): ReplayReport {
  let byValue = 0;
  let exp = nextExpected();
  let act = nextActual();
  let lastExpected: ChainEvent | undefined;
  let lastActual: ChainEvent | undefined;
  let matchedCount = 0;
  /** The recording's length, read to its end (only counted). */
  const total = (i: number): number => {
    let n = i + (exp ? 1 : 0);
    while (nextExpected()) n++;
    return n;
  };
  // While every event so far matched by hash, the next hash must match too: same data under a
  // different hash means the recording was altered (or its hash is wrong) at exactly this event.
  let linked = true;
  for (let i = 0; exp || act; i++) {
    // Decoded only when reported: a long replay that matches decodes nothing here.
    const divergence = () => ({ index: i, ...(exp ? { expected: side(exp) } : {}), ...(act ? { actual: side(act) } : {}) });
    const advance = () => {
      matchedCount++;
      lastExpected = exp;
      lastActual = act;
      exp = nextExpected();
      act = nextActual();
    };
    if (exp && act && exp.eventType === act.eventType && bytesEqual(exp.data, act.data)) {
      if (!linked || bytesEqual(exp.hash, act.hash)) {
        advance();
        continue;
      }
      const x = exp;
      return {
        verdict: 'diverged',
        total: total(i),
        matched: i,
        divergence: divergence(),
        message: `Replay diverged at event ${i}: the same ${x.eventType} call, but the recording's hash ${shortHash(x.hash)} does not match its contents (${shortHash(act.hash)}); the recording was altered there.`,
      };
    }
    if (exp && act && exp.eventType === act.eventType && sameCall(exp, act)) {
      byValue++;
      linked = false;
      advance();
      continue;
    }
    if (!act) {
      const x = exp!;
      const n = total(i);
      return {
        verdict: 'missing-events',
        total: n,
        matched: i,
        divergence: divergence(),
        message: `Replay stopped after ${i} of ${n} events; the recording continues with ${x.eventType}.`,
      };
    }
    if (!exp) {
      const a = act;
      const following = nextActual();
      // Upstream recordings often end without a shutdown event; ours always records one.
      if (!following && a.eventType === 'shutdown') break;
      if (/replay exhausted/.test(decodeEvent(a).error ?? '')) {
        return {
          verdict: 'exhausted',
          total: i,
          matched: i,
          divergence: divergence(),
          message: `Replay ran past the end of the recording at event ${i}: ${decodeEvent(a).error}.`,
        };
      }
      let produced = i + 1 + (following ? 1 : 0);
      while (nextActual()) produced++;
      return {
        verdict: 'extra-events',
        total: i,
        matched: i,
        divergence: divergence(),
        message: `Replay produced ${produced} events, the recording has ${i}; the first extra event is ${a.eventType} at index ${i}.`,
      };
    }
    const x = exp;
    const error = decodeEvent(act).error ?? '';
    const exhausted = /replay exhausted/.test(error);
    // The call that diverged trapped before it was recorded; its name is in the error.
    const called = /the actor called ([^\s,]+)/.exec(error)?.[1];
    return {
      verdict: exhausted ? 'exhausted' : 'diverged',
      total: total(i),
      matched: i,
      divergence: divergence(),
      message: exhausted
        ? `Replay ran past the recording at event ${i}: the actor made a call the recording does not have.`
        : called
          ? `Replay diverged at event ${i}: the recording has ${x.eventType} ${shortHash(x.hash)}, but the actor called ${called}.`
          : `Replay diverged at event ${i}: expected ${x.eventType} ${shortHash(x.hash)}, got ${act.eventType} ${shortHash(act.hash)}.`,
    };
  }
  const sameHashes = byValue === 0 && matchedCount > 0 && bytesEqual(lastExpected!.hash, lastActual!.hash);
  return {
    verdict: 'replayed',
    total: matchedCount,
    matched: matchedCount,
    message: sameHashes
      ? identicalMessage(matchedCount)
      : `Replay matched all ${matchedCount} events; ${byValue} host call${byValue === 1 ? ' was' : 's were'} recorded in Theater's older v1 format and matched by value, so the hashes differ from the recording.`,
  };
}
