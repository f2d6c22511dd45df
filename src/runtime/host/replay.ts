// Replay: every host import is answered from a recorded chain; no live handler runs. The verdict
// is a position-by-position comparison of the new chain with the recording (hashes), reported with
// the first divergence's event types and decoded inputs and outputs side by side.
import type { ChainEvent } from '../chain/event';
import { decodeEvent, formatValue } from '../chain/decode';
import { bytesEqual, shortHash, toHex } from '../chain/hash';
import { parseLossless, stringifyLossless } from '../chain/json';
import { loadChainFile } from '../chain/chainFile';
import { type ChainReference, parseChainReference, withChainReference } from '../chain/reference';
import { decodeTyped, decodeUntyped, typedToPlain } from '../chain/typedValue';
import { chainValue } from '../handlers/runtime';
import type { FunctionSpec } from '../handlers/types';
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
}

export interface ReplaySession {
  answer: CallAnswerer;
  /** A fork: the live handlers take over after the fork point, and no replay-summary is recorded. */
  forking: boolean;
  /** The recorded WasmCall params of init (so an actor id in them replays identically). */
  recordedInitParams: string | undefined;
  /** Compares what was recorded during the replay with the expected chain. */
  finish(recorded: readonly ChainEvent[]): ReplayReport;
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
  const at = `(event ${shortHash(rec.event.hash)})`;
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
        `replay diverged: the actor called ${wanted} with ${clip(stringifyLossless(actual))}, but the recording has it called with ${clip(stringifyLossless(rec.payload.input))} ${at}`,
      );
    }
  }
  let out: unknown;
  try {
    out = recordedOutput(spec, rec.payload);
  } catch (e) {
    throw new Error(
      `replay diverged: the recorded answer to ${wanted} ${at} does not fit its declared result type (${(e as Error).message})`,
    );
  }
  const fixed = fixedResultLength(spec, hostArgs);
  if (fixed !== undefined) {
    const got = ArrayBuffer.isView(out) ? (out as Uint8Array).length : Array.isArray(out) ? out.length : -1;
    if (BigInt(got) !== fixed) {
      throw new Error(
        `replay diverged: the recording answers ${wanted}(${fixed}) with ${got < 0 ? 'a value that is not a list' : `${got} items`} ${at}; the call returns exactly ${fixed}`,
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

export function createReplayAnswerer(chainPath: string, options: ReplayOptions): ReplaySession {
  const loaded = loadChainFile(chainPath);
  const expected: Expected[] = loaded.events
    .filter((e) => e.eventType !== 'replay-summary')
    .map((event) => {
      let payload: any = null;
      try {
        payload = parseLossless(Buffer.from(event.data).toString('utf8'));
      } catch {
        /* binary data: not a host call */
      }
      return { event, payload };
    });
  const hostCalls = expected.filter((e) => e.payload?.category === 'HostFunction');
  let cursor = 0;
  let initParams: string | undefined;
  const first = expected.find((e) => e.payload?.WasmCall?.function_name === 'theater:simple/actor.init');
  if (first) initParams = Buffer.from(first.payload.WasmCall.params as number[]).toString('utf8');

  const overrides = new Map((options.overrides ?? []).map((o) => [o.index, o.outputJson]));
  let attempt: Attempt | undefined;

  // get-chain was recorded as a reference to the chain's first N events: the answer is those events
  // of the recording, which up to here is what this replay recorded too (or it diverged earlier).
  const chainFromRecording = (wanted: string, ref: ChainReference, rec: Expected): unknown => {
    const prefix = loaded.events.slice(0, ref.events);
    const last = prefix.at(-1)?.hash ?? null;
    if (prefix.length !== ref.events || !bytesEqual(last, ref.head)) {
      throw new Error(
        `replay diverged: the recorded answer to ${wanted} (event ${shortHash(rec.event.hash)}) refers to the first ${ref.events} events ending at ${ref.head ? shortHash(ref.head) : 'none'}, which the recording does not have`,
      );
    }
    return withChainReference(chainValue(prefix), ref);
  };

  const answer: CallAnswerer = (importName, spec, hostArgs, inputJson) => {
    const index = options.nextIndex();
    if (options.liveAfter !== undefined && index > options.liveAfter) return ANSWER_LIVE;
    const wanted = `${importName}/${spec.name}`;
    attempt = { index, eventType: wanted, inputJson };
    // Denials are recorded by the handler next to the call; a replay re-answers only the call itself.
    while (cursor < hostCalls.length && hostCalls[cursor]!.payload.function === 'permission-denied') cursor++;
    const next = hostCalls[cursor];
    if (!next) {
      throw new Error(`replay exhausted: the actor called ${wanted}, but the recording has no more host calls`);
    }
    if (next.event.eventType !== wanted) {
      throw new Error(
        `replay diverged: the actor called ${wanted}, but the recording's next host call is ${next.event.eventType} (event ${shortHash(next.event.hash)})`,
      );
    }
    cursor++;
    const ref = parseChainReference(next.payload.output);
    if (ref) {
      attempt = undefined;
      return chainFromRecording(wanted, ref, next);
    }
    const override = overrides.get(index);
    const out =
      override !== undefined && spec.result
        ? (checkedOutput(wanted, spec, next, hostArgs, inputJson), decodeTyped(spec.result, parseLossless(override)))
        : checkedOutput(wanted, spec, next, hostArgs, inputJson);
    attempt = undefined;
    return out;
  };

  return {
    answer,
    forking: options.liveAfter !== undefined,
    recordedInitParams: initParams,
    finish(recordedAll) {
      const recorded = recordedAll.filter((e) => e.eventType !== 'replay-summary');
      const recording = expected.map((e) => e.event);
      if (options.liveAfter !== undefined) return forkReport(recording, recorded, options.liveAfter);
      if (overrides.size > 0)
        return whatIfReport(
          recording,
          recorded,
          [...overrides.keys()].sort((a, b) => a - b),
          attempt,
        );
      return compareReplay(recording, recorded);
    },
  };
}

/** A fork matches when its first `at + 1` events have exactly the recording's hashes. */
function forkReport(recording: readonly ChainEvent[], recorded: readonly ChainEvent[], at: number): ReplayReport {
  const prefix = compareReplay(recording.slice(0, at + 1), recorded.slice(0, at + 1));
  const sameHashes = recorded.length > at && recording.slice(0, at + 1).every((e, i) => bytesEqual(e.hash, recorded[i]!.hash));
  const liveEvents = Math.max(0, recorded.length - (at + 1));
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
function whatIfReport(
  recording: readonly ChainEvent[],
  recorded: readonly ChainEvent[],
  edited: number[],
  attempt: Attempt | undefined,
): ReplayReport {
  const first = edited[0]!;
  const total = recording.length;
  const overridesOut = edited.map((index) => ({ index, output: recorded[index] ? decodeEvent(recorded[index]).output : undefined }));
  const prefix = compareReplay(recording.slice(0, first), recorded.slice(0, first));
  if (prefix.verdict !== 'replayed' && first > 0) {
    return {
      ...prefix,
      whatIf: { overrides: overridesOut, differed: true },
      message: `The what-if replay diverged before the edited event ${first}: ${prefix.message}`,
    };
  }
  const editedSet = new Set(edited);
  const what = edited.length === 1 ? `event ${first}'s output` : `the outputs of events ${edited.join(', ')}`;
  for (let i = first; i < Math.max(recording.length, recorded.length); i++) {
    const exp = recording[i],
      act = recorded[i];
    const same =
      exp !== undefined &&
      act !== undefined &&
      exp.eventType === act.eventType &&
      (editedSet.has(i) ? sameInput(exp, act) : bytesEqual(exp.data, act.data) || sameCall(exp, act));
    if (same) continue;
    // Upstream recordings often end without a shutdown event; ours always records one.
    if (!exp && i === recorded.length - 1 && act?.eventType === 'shutdown') break;
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
  const total = expected.length;
  let byValue = 0;
  const n = Math.max(expected.length, actual.length);
  // While every event so far matched by hash, the next hash must match too: same data under a
  // different hash means the recording was altered (or its hash is wrong) at exactly this event.
  let linked = true;
  for (let i = 0; i < n; i++) {
    const exp = expected[i],
      act = actual[i];
    const divergence = { index: i, ...(exp ? { expected: side(exp) } : {}), ...(act ? { actual: side(act) } : {}) };
    if (exp && act && exp.eventType === act.eventType && bytesEqual(exp.data, act.data)) {
      if (!linked || bytesEqual(exp.hash, act.hash)) continue;
      return {
        verdict: 'diverged',
        total,
        matched: i,
        divergence,
        message: `Replay diverged at event ${i}: the same ${exp.eventType} call, but the recording's hash ${shortHash(exp.hash)} does not match its contents (${shortHash(act.hash)}); the recording was altered there.`,
      };
    }
    if (exp && act && exp.eventType === act.eventType && sameCall(exp, act)) {
      byValue++;
      linked = false;
      continue;
    }
    if (!act) {
      return {
        verdict: 'missing-events',
        total,
        matched: i,
        divergence,
        message: `Replay stopped after ${i} of ${total} events; the recording continues with ${exp!.eventType}.`,
      };
    }
    // Upstream recordings often end without a shutdown event; ours always records one.
    if (!exp && i === actual.length - 1 && act!.eventType === 'shutdown') break;
    if (!exp && /replay exhausted/.test(decodeEvent(act!).error ?? '')) {
      return {
        verdict: 'exhausted',
        total,
        matched: i,
        divergence,
        message: `Replay ran past the end of the recording at event ${i}: ${decodeEvent(act!).error}.`,
      };
    }
    if (!exp) {
      return {
        verdict: 'extra-events',
        total,
        matched: i,
        divergence,
        message: `Replay produced ${actual.length} events, the recording has ${total}; the first extra event is ${act.eventType} at index ${i}.`,
      };
    }
    const error = decodeEvent(act).error ?? '';
    const exhausted = /replay exhausted/.test(error);
    // The call that diverged trapped before it was recorded; its name is in the error.
    const called = /the actor called ([^\s,]+)/.exec(error)?.[1];
    return {
      verdict: exhausted ? 'exhausted' : 'diverged',
      total,
      matched: i,
      divergence,
      message: exhausted
        ? `Replay ran past the recording at event ${i}: the actor made a call the recording does not have.`
        : called
          ? `Replay diverged at event ${i}: the recording has ${exp.eventType} ${shortHash(exp.hash)}, but the actor called ${called}.`
          : `Replay diverged at event ${i}: expected ${exp.eventType} ${shortHash(exp.hash)}, got ${act.eventType} ${shortHash(act.hash)}.`,
    };
  }
  const sameHashes = byValue === 0 && total > 0 && bytesEqual(expected[total - 1]!.hash, actual[total - 1]!.hash);
  return {
    verdict: 'replayed',
    total,
    matched: total,
    message: sameHashes
      ? `Replay identical: all ${total} events have the recorded hashes.`
      : `Replay matched all ${total} events; ${byValue} host call${byValue === 1 ? ' was' : 's were'} recorded in Theater's older v1 format and matched by value, so the hashes differ from the recording.`,
  };
}
