// Fork and what-if over a recorded chain, checked before anything runs: a fork
// point must be an event of the recording, an edited output must be a host call's and must fit the
// function's WIT result type as the handler registry declares it. The CLI uses these on its thread;
// the editor runs the checks in a worker (timeTravelJobs.ts) and starts with startCheckedFork /
// startParsedWhatIf.
import { decodeEvent } from '../chain/decode';
import type { ChainEvent } from '../chain/event';
import { parseLossless } from '../chain/json';
import { asEventAccess, ChainEventIndex, withoutEvents, type EventAccess } from '../chain/eventIndex';
import { decodeUserValue, encodeTyped, TypedValueError } from '../chain/typedValue';
import { resolveImport } from '../handlers/registry';
import type { FunctionSpec } from '../handlers/types';
import { witTypeToString } from '../wit/types';
import { TheaterError, type StartOptions } from './api';
import type { ReplayOverride } from './replay';
import { startActor, type ActorSession } from './session';

/**
 * The recording's events a replay compares with (a trailing replay-summary is not part of the run),
 * indexed in one streaming pass: only the events asked for are read back (a chain of any size).
 */
export function recordedEvents(chainPath: string): EventAccess {
  const summaries: number[] = [];
  const { index } = ChainEventIndex.scan(chainPath, (ev, i) => {
    if (ev.eventType === 'replay-summary') summaries.push(i);
  });
  return withoutEvents(index, summaries);
}

/** Refuses a fork point outside the recording, in one sentence. */
export function checkForkPoint(chain: readonly ChainEvent[] | EventAccess, at: number, chainPath: string): void {
  const events = asEventAccess(chain);
  if (!Number.isInteger(at) || at < 0 || at >= events.count) {
    throw new TheaterError(
      `Cannot fork at event ${at}: ${chainPath} has events 0..${events.count - 1}; pass an index in that range.`,
      'fork-point',
      chainPath,
    );
  }
}

/** The declared signature of a recorded host call, from the registry (the one source of truth). */
export function functionOfEvent(ev: ChainEvent): { importName: string; spec: FunctionSpec } | undefined {
  let payload: any;
  try {
    payload = parseLossless(Buffer.from(ev.data).toString('utf8'));
  } catch {
    return undefined;
  }
  if (payload?.category !== 'HostFunction' || typeof payload.interface !== 'string' || typeof payload.function !== 'string')
    return undefined;
  const resolved = resolveImport(payload.interface);
  if (resolved.status === 'unresolved') return undefined;
  const spec = resolved.provider.iface.functions.find((f) => f.name === payload.function);
  return spec ? { importName: payload.interface, spec } : undefined;
}

/**
 * `N=<JSON>`: the new output of event N, plain JSON read as the function's WIT result type (u64 as a
 * number of any size, list<u8> as an array of bytes, result as {"Ok": …} / {"Err": …}, option as
 * null or the value, records as objects), turned into the typed value the replay answers with.
 */
export function parseOverride(text: string, chain: readonly ChainEvent[] | EventAccess, chainPath: string): ReplayOverride {
  const events = asEventAccess(chain);
  const eq = text.indexOf('=');
  const index = Number(text.slice(0, eq));
  if (eq <= 0 || !Number.isInteger(index) || index < 0) {
    throw new TheaterError(
      `--override '${text}' is not of the form N=<JSON value> (for example --override 3=42); N is an event index.`,
      'override-form',
    );
  }
  if (index >= events.count) {
    throw new TheaterError(
      `--override ${index}: ${chainPath} has events 0..${events.count - 1}; pass an index in that range.`,
      'override-index',
    );
  }
  const ev = events.at(index)!;
  const fn = functionOfEvent(ev);
  if (!fn) {
    throw new TheaterError(
      `--override ${index}: event ${index} is ${ev.eventType}, not a host call of a registered handler; only a host call's output can be edited.`,
      'override-event',
    );
  }
  const { spec } = fn;
  if (!spec.result) {
    throw new TheaterError(`--override ${index}: ${ev.eventType} returns nothing, so there is no output to edit.`, 'override-event');
  }
  let plain: unknown;
  try {
    plain = parseLossless(text.slice(eq + 1));
  } catch {
    throw new TheaterError(
      `--override ${index}: '${text.slice(eq + 1)}' is not JSON; pass a JSON value of WIT type ${witTypeToString(spec.result)} (quote it for the shell).`,
      'override-json',
    );
  }
  let value: unknown;
  try {
    value = decodeUserValue(spec.result, plain, 'the value');
  } catch (e) {
    if (e instanceof TypedValueError) {
      throw new TheaterError(
        `--override ${index} (${ev.eventType} returns ${witTypeToString(spec.result)}): ${e.message}.`,
        'override-type',
      );
    }
    throw e;
  }
  // get-random-bytes(len) returns exactly len bytes: the edit must keep the recorded call's length.
  if (spec.result.kind === 'list' && spec.params[0]?.[0] === 'len') {
    const recordedInput = decodeEvent(ev).input;
    const len = Array.isArray(recordedInput) ? recordedInput[0] : undefined;
    const got = (value as ArrayLike<unknown>).length;
    if ((typeof len === 'bigint' || typeof len === 'number') && BigInt(got) !== BigInt(len)) {
      throw new TheaterError(
        `--override ${index}: ${ev.eventType} was called with len ${len}, so its output has exactly ${len} items, not ${got}.`,
        'override-type',
      );
    }
  }
  return { index, outputJson: encodeTyped(spec.result, value) };
}

export interface ForkOptions extends Omit<StartOptions, 'replayChainPath' | 'forkAt' | 'overrides'> {
  chainPath: string;
  /** The last event index answered from the recording; the live handlers answer every call after it. */
  at: number;
}

/** Replays events 0..at of the chain, then runs live into a new chain (its first at+1 hashes are the recording's). */
export async function startFork(options: ForkOptions): Promise<ActorSession> {
  const { chainPath, at, ...rest } = options;
  checkForkPoint(recordedEvents(chainPath), at, chainPath);
  return startActor({ ...rest, replayChainPath: chainPath, forkAt: at });
}

/** startFork with the fork point already checked against the recording (checkForkPoint, e.g. in a worker). */
export async function startCheckedFork(options: ForkOptions): Promise<ActorSession> {
  const { chainPath, at, ...rest } = options;
  return startActor({ ...rest, replayChainPath: chainPath, forkAt: at });
}

export interface WhatIfOptions extends Omit<StartOptions, 'replayChainPath' | 'forkAt' | 'overrides'> {
  chainPath: string;
  /** `N=<JSON>` texts (see parseOverride). */
  overrides: readonly string[];
}

/** Replays the chain with edited outputs; the report says where the run first went differently. */
export async function startWhatIf(options: WhatIfOptions): Promise<ActorSession> {
  const { chainPath, overrides, ...rest } = options;
  const events = recordedEvents(chainPath);
  const parsed = overrides.map((o) => parseOverride(o, events, chainPath));
  const seen = new Set<number>();
  for (const o of parsed) {
    if (seen.has(o.index)) throw new TheaterError(`--override ${o.index} is given twice; edit each event once.`, 'override-twice');
    seen.add(o.index);
  }
  return startActor({ ...rest, replayChainPath: chainPath, overrides: parsed });
}

/** startWhatIf with the overrides already checked and encoded (parseOverride, e.g. in a worker). */
export async function startParsedWhatIf(
  options: Omit<WhatIfOptions, 'overrides'> & { overrides: readonly ReplayOverride[] },
): Promise<ActorSession> {
  const { chainPath, overrides, ...rest } = options;
  return startActor({ ...rest, replayChainPath: chainPath, overrides: [...overrides] });
}
