// The event model shared by the recorder, the on-disk log, Theater's chain.json and every viewer.

/** One link of the chain, exactly Theater's ChainEvent (era 5f4600b1 and later: four fields). */
export interface ChainEvent {
  /** SHA-1 of the event serialized with an empty hash (see hash.ts): 20 bytes. */
  hash: Uint8Array;
  /** The previous event's hash; null for the root. */
  parentHash: Uint8Array | null;
  /** `<interface@version>/<function>` for host calls, `wasm` for export calls, `shutdown`, `replay-summary`. */
  eventType: string;
  /** UTF-8 JSON of the payload envelope, kept as raw bytes: never re-serialize it to hash it. */
  data: Uint8Array;
  /** Legacy (c5fe764f) events carry these two; they take part in the hash when present. */
  legacy?: { timestamp: bigint | number; description: string | null };
  /**
   * Our log only, outside the hashed data: what caused a delivered call (docs/actors.md). `event` is the
   * causing event's hash; `after` is the hash the causing event follows (a request, spawn or channel
   * open is recorded only once it returns, after the call it caused).
   */
  cause?: EventCause;
  /** Our log only, outside the hashed data: when the event was recorded (milliseconds since the epoch). */
  at?: number;
}

export interface EventCause {
  /** Id of the actor whose event caused this one. */
  actor: string;
  event?: string;
  after?: string;
}

/** Facts about a run, written as the first line of our log (not part of the hash chain). */
export interface ChainLogHeader {
  format: 'theater-vscode-chain';
  version: 1;
  actorId: string;
  actorName: string;
  manifestPath: string | null;
  componentSha256: string | null;
  startedAt: string;
  /** Set for a replay run: the chain it replays. */
  replayOf?: string;
  /** Set for a fork: events 0..forkAt of `replayOf` were replayed, the rest ran live. */
  forkAt?: number;
}
