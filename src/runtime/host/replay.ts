// Replay: every host import is answered from a recorded chain; no live handler runs. The verdict
// is a position-by-position comparison of the new chain with the recording (hashes), reported with
// the first divergence's event types and decoded inputs and outputs side by side.
import type { ChainEvent } from '../chain/event';
import { decodeEvent, formatValue } from '../chain/decode';
import { bytesEqual, shortHash, toHex } from '../chain/hash';
import { parseLossless, stringifyLossless } from '../chain/json';
import { ChainFileReader } from '../chain/chainFile';
import { ChainEventIndex, withoutEvents, type EventAccess } from '../chain/eventIndex';
import { HostCallTemplate } from '../chain/eventEncoder';
import { type ChainReference, parseChainReference } from '../chain/reference';
import { decodeTyped, decodeUntyped, typedToPlain } from '../chain/typedValue';
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
  event: ChainEvent;
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
  const at = (): string => `(event ${shortHash(rec.event.hash)})`;
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

/**
 * The output text of a recorded host call whose payload is byte for byte what this call would record
 * up to its output (the same head and input JSON), or undefined when it is not (then the payload is
 * parsed whole and compared as values).
 */
function recordedOutputText(data: Uint8Array, t: HostCallTemplate, inputJson: string): string | undefined {
  if (!startsWith(data, t.head)) return undefined;
  const input = Buffer.from(inputJson, 'utf8');
  if (!startsWith(data, input, t.head.length)) return undefined;
  const at = t.head.length + input.length;
  if (!startsWith(data, OUTPUT_KEY, at) || data[data.length - 1] !== 0x7d) return undefined;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8', at + OUTPUT_KEY.length, data.length - 1);
}

function parsePayload(event: ChainEvent): any {
  try {
    return parseLossless(Buffer.from(event.data).toString('utf8'));
  } catch {
    return null; // binary data: not a host call
  }
}

/** The recording's events one at a time (a file of any size), without its replay-summary. */
function recordingStream(chainPath: string): { next: () => ChainEvent | undefined; close: () => void } {
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
    close,
  };
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
  // A host call's payload is parsed only when needed: a call whose recorded input is byte for byte
  // its own takes just the output text (see recordedOutputText).
  const nextHostCall = (): { event: ChainEvent; payload: () => any } | undefined => {
    for (let event = calls.next(); event; event = calls.next()) {
      if (!startsWith(event.data, HOST_FUNCTION_PREFIX)) continue;
      let parsed: any;
      const payload = () => (parsed ??= parsePayload(event));
      // Denials are recorded by the handler just before the call's own event; a replay re-records them
      // (same hashes) and re-answers only the call itself.
      const note = event.eventType.slice(event.eventType.lastIndexOf('/') + 1);
      if (NOTE_FUNCTIONS.has(note) && payload()?.function === note) {
        options.rerecord?.(event.eventType, event.data);
        continue;
      }
      return { event, payload };
    }
    return undefined;
  };
  const templates = new Map<string, Map<string, HostCallTemplate>>();
  const templateOf = (importName: string, fn: string): HostCallTemplate => {
    let byFn = templates.get(importName);
    if (byFn === undefined) templates.set(importName, (byFn = new Map()));
    let t = byFn.get(fn);
    if (t === undefined) byFn.set(fn, (t = new HostCallTemplate(importName, fn)));
    return t;
  };

  const overrides = new Map((options.overrides ?? []).map((o) => [o.index, o.outputJson]));
  let attempt: Attempt | undefined;

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
        `replay diverged: the recorded answer to ${wanted} (event ${shortHash(rec.event.hash)}) refers to the first ${ref.events} events ending at ${ref.head ? shortHash(ref.head) : 'none'}, which the recording does not have`,
      );
    }
    return answer.value();
  };

  const answer: CallAnswerer = (importName, spec, hostArgs, inputJson) => {
    const index = options.nextIndex();
    if (options.liveAfter !== undefined && index > options.liveAfter) return ANSWER_LIVE;
    const wanted = `${importName}/${spec.name}`;
    attempt = { index, eventType: wanted, inputJson };
    const found = nextHostCall();
    if (!found) {
      throw new Error(`replay exhausted: the actor called ${wanted}, but the recording has no more host calls`);
    }
    if (found.event.eventType !== wanted) {
      throw new Error(
        `replay diverged: the actor called ${wanted}, but the recording's next host call is ${found.event.eventType} (event ${shortHash(found.event.hash)})`,
      );
    }
    // Same input bytes: only the output is parsed (the input check below would pass).
    const outputText = recordedOutputText(found.event.data, templateOf(importName, spec.name), inputJson);
    let fastOutput: unknown;
    if (outputText !== undefined) {
      try {
        fastOutput = parseLossless(outputText);
      } catch {
        /* not JSON after all: the whole payload decides below */
      }
    }
    const next: Expected =
      fastOutput !== undefined
        ? { event: found.event, payload: { output: fastOutput } }
        : { event: found.event, payload: found.payload() ?? {} };
    const ref = parseChainReference(next.payload?.output);
    if (ref) {
      attempt = undefined;
      return chainFromRecording(wanted, ref, next);
    }
    // The call is checked against the recording even when its output is edited (what-if).
    const recordedAnswer = checkedOutput(wanted, spec, next, hostArgs, inputJson);
    const override = overrides.get(index);
    const out = override !== undefined && spec.result ? decodeTyped(spec.result, parseLossless(override)) : recordedAnswer;
    attempt = undefined;
    return out;
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
          attempt,
        );
      }
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
      ? `Replay identical: all ${matchedCount} events have the recorded hashes.`
      : `Replay matched all ${matchedCount} events; ${byValue} host call${byValue === 1 ? ' was' : 's were'} recorded in Theater's older v1 format and matched by value, so the hashes differ from the recording.`,
  };
}
