// Replay: every host import is answered from a recorded chain; no live handler runs. The verdict
// is a position-by-position comparison of the new chain with the recording (hashes), reported with
// the first divergence's event types and decoded inputs and outputs side by side.
import type { ChainEvent } from '../chain/event';
import { decodeEvent } from '../chain/decode';
import { bytesEqual, shortHash, toHex } from '../chain/hash';
import { parseLossless, stringifyLossless } from '../chain/json';
import { loadChainFile } from '../chain/theaterJson';
import { decodeTyped, decodeUntyped } from '../chain/typedValue';
import type { FunctionSpec } from '../handlers/types';
import type { CallAnswerer } from './binder';

export interface ReplaySide {
  eventType: string;
  hash: string;
  summary: string;
  input?: unknown;
  output?: unknown;
}

export interface ReplayReport {
  verdict: 'replayed' | 'diverged' | 'exhausted' | 'extra-events' | 'missing-events';
  /** Events compared (the recording's length, without a trailing replay-summary). */
  total: number;
  /** Events identical to the recording before the first divergence. */
  matched: number;
  /** One sentence for notifications and the CLI. */
  message: string;
  divergence?: { index: number; expected?: ReplaySide; actual?: ReplaySide };
}

export interface ReplaySession {
  answer: CallAnswerer;
  /** The recorded WasmCall params of init (so an actor id in them replays identically). */
  recordedInitParams: string | undefined;
  /** Every recorded call into the actor (WasmCall), in order: a replay re-drives them all. */
  recordedCalls: Array<{ fn: string; paramsJson: string }>;
  /** Compares what was recorded during the replay with the expected chain. */
  finish(recorded: readonly ChainEvent[]): ReplayReport;
}

interface Expected {
  event: ChainEvent;
  payload: any;
}

function side(ev: ChainEvent): ReplaySide {
  const d = decodeEvent(ev);
  return { eventType: ev.eventType, hash: toHex(ev.hash), summary: d.summary, input: d.input, output: d.output };
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

export function createReplayAnswerer(chainPath: string): ReplaySession {
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

  const answer: CallAnswerer = (importName, spec, hostArgs, inputJson) => {
    const wanted = `${importName}/${spec.name}`;
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
    return checkedOutput(wanted, spec, next, hostArgs, inputJson);
  };

  const recordedCalls = expected
    .filter((e) => e.payload?.category === 'Wasm' && e.payload.WasmCall && e.event.eventType === 'wasm')
    .map((e) => ({
      fn: String(e.payload.WasmCall.function_name),
      paramsJson: Buffer.from(e.payload.WasmCall.params as number[]).toString('utf8'),
    }));

  return {
    answer,
    recordedInitParams: initParams,
    recordedCalls,
    finish(recorded) {
      return compareReplay(
        expected.map((e) => e.event),
        recorded.filter((e) => e.eventType !== 'replay-summary'),
      );
    },
  };
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
