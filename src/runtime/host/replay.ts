// Replay: every host import is answered from a recorded chain; no live handler runs. The verdict
// is a position-by-position comparison of the new chain with the recording (hashes), reported with
// the first divergence's event types and decoded inputs and outputs side by side.
import type { ChainEvent } from '../chain/event';
import { decodeEvent } from '../chain/decode';
import { diffChains } from '../chain/diff';
import { shortHash, toHex } from '../chain/hash';
import { parseLossless } from '../chain/json';
import { loadChainFile } from '../chain/theaterJson';
import { decodeTyped, decodeUntyped } from '../chain/typedValue';
import type { FunctionSpec } from '../handlers/types';
import type { CallAnswerer } from './binder';

export interface ReplaySide { eventType: string; hash: string; summary: string; input?: unknown; output?: unknown }

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
  /** Compares what was recorded during the replay with the expected chain. */
  finish(recorded: readonly ChainEvent[]): ReplayReport;
}

interface Expected { event: ChainEvent; payload: any }

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

export function createReplayAnswerer(chainPath: string, log: (m: string) => void): ReplaySession {
  const loaded = loadChainFile(chainPath);
  const expected: Expected[] = loaded.events
    .filter((e) => e.eventType !== 'replay-summary')
    .map((event) => {
      let payload: any = null;
      try { payload = parseLossless(Buffer.from(event.data).toString('utf8')); } catch { /* binary data: not a host call */ }
      return { event, payload };
    });
  const hostCalls = expected.filter((e) => e.payload?.category === 'HostFunction');
  let cursor = 0;
  let initParams: string | undefined;
  const first = expected.find((e) => e.payload?.WasmCall?.function_name === 'theater:simple/actor.init');
  if (first) initParams = Buffer.from(first.payload.WasmCall.params as number[]).toString('utf8');

  const answer: CallAnswerer = (importName, spec) => {
    const wanted = `${importName}/${spec.name}`;
    // Denials are recorded by the handler next to the call; a replay re-answers only the call itself.
    while (cursor < hostCalls.length && hostCalls[cursor]!.payload.function === 'permission-denied') cursor++;
    const next = hostCalls[cursor];
    if (!next) {
      throw new Error(`replay exhausted: the actor called ${wanted}, but the recording has no more host calls`);
    }
    if (next.event.eventType !== wanted) {
      throw new Error(`replay diverged: the actor called ${wanted}, but the recording's next host call is ${next.event.eventType} (event ${shortHash(next.event.hash)})`);
    }
    cursor++;
    return recordedOutput(spec, next.payload);
  };

  return {
    answer,
    recordedInitParams: initParams,
    finish(recorded) {
      const actual = recorded.filter((e) => e.eventType !== 'replay-summary');
      const diff = diffChains(expected.map((e) => e.event), actual);
      const total = expected.length;
      if (diff.identical) {
        return { verdict: 'replayed', total, matched: total, message: `Replay identical: all ${total} events have the recorded hashes.` };
      }
      const d = diff.firstDivergence!;
      const index = d.index;
      const exp = expected[index]?.event;
      const act = actual[index];
      const divergence = { index, ...(exp ? { expected: side(exp) } : {}), ...(act ? { actual: side(act) } : {}) };
      if (!act) {
        const verdict = actual.some((e) => /replay exhausted/.test(decodeEvent(e).error ?? '')) ? 'exhausted' : 'missing-events';
        return { verdict, total, matched: index, divergence, message: `Replay stopped after ${index} of ${total} events; the recording continues with ${exp!.eventType}.` };
      }
      if (!exp) {
        return { verdict: 'extra-events', total, matched: index, divergence, message: `Replay produced ${actual.length} events, the recording has ${total}; the first extra event is ${act.eventType} at index ${index}.` };
      }
      const errorText = decodeEvent(act).error ?? '';
      const verdict = /replay exhausted/.test(errorText) ? 'exhausted' : 'diverged';
      log(`replay diverged at event ${index}`);
      return {
        verdict, total, matched: index, divergence,
        message: `Replay diverged at event ${index}: expected ${exp.eventType} ${shortHash(exp.hash)}, got ${act.eventType} ${shortHash(act.hash)}.`,
      };
    },
  };
}
