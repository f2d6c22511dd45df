// Following a call across chains (docs/actors.md "Causality across chains"): a delivered call's WasmCall
// carries, in our log only, the sender's id and either the hash of the event that caused it (`event`) or
// the hash that event follows (`after`: a request, channel open, spawn or restart is recorded only once
// it returns). These functions match the two ends; reading the chains is the caller's business.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { isCauseOf } from './cause';
import type { ChainEvent, EventCause } from './event';
import { decodeChainLogLine } from './log';

export { causesCalls, isCauseOf } from './cause';

/** One event seen while going through a chain, in order. */
export type EventVisitor = (ev: ChainEvent, index: number) => boolean | void;

/**
 * Goes through the events of our log (`*.chain.jsonl`) line by line, without holding the chain;
 * stops when `visit` returns true. Resolves false when the file cannot be read.
 */
export async function scanLog(file: string, visit: EventVisitor): Promise<boolean> {
  let stream: fs.ReadStream;
  try {
    stream = fs.createReadStream(file, { encoding: 'utf8' });
  } catch {
    return false;
  }
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '' || line.startsWith('{"format"')) continue;
      const r = decodeChainLogLine(line);
      if (typeof r === 'string') continue;
      if (visit(r.ev, r.i)) break;
    }
    return true;
  } catch {
    return false;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Where an event is: which actor's chain, which index. */
export interface EventPlace {
  actorId: string;
  index: number;
}

/** A chain the lookups may read: the actor's id and its log. */
export interface CausalChain {
  actorId: string;
  logPath: string;
}

/** The sender's event that caused the delivered call `cause` names, read from the sender's log. */
export async function findCause(cause: EventCause, sender: CausalChain): Promise<EventPlace | undefined> {
  let found: number | undefined;
  await scanLog(sender.logPath, (ev, i) => {
    if (!isCauseOf(cause, sender.actorId, ev)) return false;
    found = i;
    return true;
  });
  return found === undefined ? undefined : { actorId: sender.actorId, index: found };
}

/** The calls event `ev` of actor `actorId` caused, in the chains given (each chain's first match). */
export async function findEffects(
  actorId: string,
  ev: Pick<ChainEvent, 'hash' | 'parentHash'>,
  chains: readonly CausalChain[],
): Promise<EventPlace[]> {
  const out: EventPlace[] = [];
  for (const c of chains) {
    if (c.actorId === actorId) continue;
    await scanLog(c.logPath, (e, i) => {
      if (!e.cause || !isCauseOf(e.cause, actorId, ev)) return false;
      out.push({ actorId: c.actorId, index: i });
      return true;
    });
  }
  return out;
}
