// theater:simple/runtime: log, get-state, get-chain (the real chain) and shutdown. Always available.
import type { ChainEvent } from '../chain/event';
import { withChainReference } from '../chain/reference';
import { t } from '../wit/types';
import { HTTP_TYPES, WEBSOCKET_TYPES } from './http/types';
import type { HandlerDefinition } from './types';

const eventRecord = t.record('event', [
  ['event-type', t.string],
  ['parent', t.option(t.u64)],
  ['data', t.list(t.u8)],
]);
const metaEvent = t.record('meta-event', [
  ['hash', t.u64],
  ['event', eventRecord],
]);
const chainRecord = t.record('chain', [['events', t.list(metaEvent)]]);

/** Theater's WIT models hashes as u64: the first 8 bytes of the SHA-1, big-endian. */
function hashU64(hash: Uint8Array): bigint {
  return Buffer.from(hash.buffer, hash.byteOffset, 8).readBigUInt64BE(0);
}

/**
 * get-chain's answer, built from events given one at a time (read from a log): each element keeps
 * only what the guest receives (the two u64 hashes, the type and the data bytes), so building it holds
 * the answer and nothing more. Replay re-derives it from the recording the same way.
 */
export class ChainAnswer {
  private readonly events: unknown[] = [];
  private head: Uint8Array | null = null;
  /** Each event type once (a reader makes a new string per event; the answer repeats a few types). */
  private readonly types = new Map<string, string>();

  add(ev: ChainEvent): void {
    let eventType = this.types.get(ev.eventType);
    if (eventType === undefined) {
      eventType = ev.eventType;
      if (this.types.size < 4096) this.types.set(eventType, eventType);
    }
    this.events.push({
      hash: hashU64(ev.hash),
      event: { eventType, parent: ev.parentHash ? hashU64(ev.parentHash) : undefined, data: ev.data },
    });
    this.head = ev.hash;
  }

  get count(): number {
    return this.events.length;
  }

  get lastHash(): Uint8Array | null {
    return this.head;
  }

  /** The answer, recorded as a reference to this prefix of the chain, not as its copy (see chain/reference.ts). */
  value(): { events: unknown[] } {
    return withChainReference({ events: this.events }, { events: this.events.length, head: this.head });
  }
}

export const runtimeHandler: HandlerDefinition = {
  type: 'runtime',
  summary: "Logging, the actor's state and chain, and shutdown: theater:simple/runtime. Always available.",
  doc:
    "Serves `theater:simple/runtime` (and the types-only `theater:simple/types`, `http-types` and `websocket-types`) and drives the actor's " +
    '`theater:simple/actor.init` export. Every actor gets it, listed in the manifest or not.',
  exports: ['theater:simple/actor'],
  alwaysAvailable: true,
  config: [],
  interfaces: [
    {
      name: 'theater:simple/runtime',
      version: null,
      resources: [],
      doc: "The actor's window on its own runtime.",
      functions: [
        {
          name: 'log',
          params: [['msg', t.string]],
          result: null,
          doc: "Writes a line to the actor's log (Theater output channel, CLI stderr).",
        },
        { name: 'get-state', params: [], result: t.option(t.list(t.u8)), doc: "Returns the actor's current state." },
        {
          name: 'get-chain',
          params: [],
          result: chainRecord,
          doc: 'Returns the event chain recorded so far (hashes as the first 8 bytes of the SHA-1).',
        },
        {
          name: 'shutdown',
          params: [['data', t.option(t.list(t.u8))]],
          result: t.result(null, t.string),
          doc: 'Asks the runtime to stop the actor after the current call.',
        },
      ],
    },
    { name: 'theater:simple/types', version: null, resources: [], doc: 'Shared types (no functions).', functions: [] },
    // Types-only, used by http-client and http-framework: here so either handler alone is enough.
    { name: HTTP_TYPES, version: null, resources: [], doc: 'HTTP request, response and server types (no functions).', functions: [] },
    { name: WEBSOCKET_TYPES, version: null, resources: [], doc: 'WebSocket message types (no functions).', functions: [] },
  ],
  create(ctx) {
    const runtime = {
      log: (msg: string) => {
        ctx.log(msg);
      },
      'get-state': () => ctx.currentState() ?? undefined,
      'get-chain': () => {
        const answer = new ChainAnswer();
        ctx.chain((ev) => answer.add(ev));
        return answer.value();
      },
      shutdown: (data: Uint8Array | undefined) => {
        ctx.requestShutdown(data);
        return { tag: 'ok', val: undefined };
      },
    };
    return { functions: (name) => (name === 'theater:simple/runtime' ? runtime : {}) };
  },
};
