// The public face of a running actor, used by the CLI and the extension alike.
import type { ChainEvent } from '../chain/event';
import type { ReplayOverride } from './replay';

export type ActorStatus = 'starting' | 'running' | 'idle' | 'paused' | 'stopped' | 'failed';

/** How a run ended. */
export interface ActorOutcome {
  status: 'stopped' | 'failed';
  /** One sentence; set when status is 'failed' (trap, Err from init, time limit, killed). */
  error?: string;
  /** State returned by init (raw bytes), when it returned Ok. */
  state?: Uint8Array | null;
  /** Number of events in the chain (the log on disk holds all of them). */
  eventCount: number;
  /** The code the guest passed to wasi:cli/exit, when it exited that way. */
  exitCode?: number;
}

export interface StartOptions {
  manifestPath: string;
  /** Where the append-only log goes; default `<manifest dir>/.theater/chains/<name>-<id8>.chain.jsonl`. */
  chainLogPath?: string;
  /** Time limit for one call into the guest (init, …); default 30 000 ms. */
  callTimeoutMs?: number;
  /** Cap on the guest's Wasm memory in MiB; default ACTOR_MEMORY_MAX_MIB (limits.ts). */
  maxMemoryMiB?: number;
  /** Old run logs in the manifest's .theater/chains beyond this are removed at start; default DEFAULT_RETENTION. */
  retention?: import('../chain/retention').RetentionPolicy;
  /** Theater's looser model: activate handlers by import matching alone, ignoring `[[handler]]`. */
  activateByImports?: boolean;
  /** Per-user data (content store) and transpile cache; default `~/.theater-vscode`. */
  dataDir?: string;
  /** Force an actor id (tests); default a random UUID v4. */
  actorId?: string;
  /** Replay: answer every host import from this recorded chain (Theater chain.json or our log). */
  replayChainPath?: string;
  /** Progress before the actor runs, one sentence each (the first start transpiles the component). */
  onProgress?: (message: string) => void;
  /** Fork (with replayChainPath): replay events 0..forkAt with the recorded answers, then run live (timeTravel.ts checks it). */
  forkAt?: number;
  /** What-if (with replayChainPath): recorded outputs replaced before the replay (timeTravel.ts builds them). */
  overrides?: ReplayOverride[];
  /** Under a debugger: the DebugController's shared buffer; the worker pauses at events when told. */
  debugControl?: SharedArrayBuffer;
  /** The state init gets instead of the manifest's init_state (supervisor spawn's init-bytes). */
  initialState?: Uint8Array | null;
  /** Start without calling init, with `initialState` as the state (supervisor resume). */
  skipInit?: boolean;
  /** What caused this actor's init (a parent's spawn), recorded on its WasmCall in our log. */
  initCause?: import('../chain/event').EventCause;
}

export interface ActorSessionEvents {
  /** A new event was recorded (already on disk). */
  event: (event: ChainEvent, index: number) => void;
  /** theater:simple/runtime log output. */
  log: (message: string) => void;
  /** The guest's stdout/stderr (wasi:cli), emitted once the write is in the chain. */
  output: (stream: 'stdout' | 'stderr', bytes: Uint8Array) => void;
  status: (status: ActorStatus) => void;
  exit: (outcome: ActorOutcome) => void;
}

export interface ActorSessionLike {
  readonly id: string;
  readonly name: string;
  readonly manifestPath: string;
  readonly logPath: string;
  readonly status: ActorStatus;
  /** Number of events received so far (the view may lag the disk by a few events while running). */
  readonly eventCount: number;
  /** Event i: recent ones from memory, older ones read from the log (memory stays bounded). */
  event(i: number): ChainEvent | undefined;
  on<K extends keyof ActorSessionEvents>(name: K, listener: ActorSessionEvents[K]): this;
  off<K extends keyof ActorSessionEvents>(name: K, listener: ActorSessionEvents[K]): this;
  /** Terminates the worker; the chain ends with an event saying why. */
  stop(reason?: string): Promise<ActorOutcome>;
  /** Resolves when the actor has finished (init returned, failed, or was stopped). */
  done(): Promise<ActorOutcome>;
}

/** A problem the user must fix, in one sentence (what, where, how). Never carries a stack to the user. */
export class TheaterError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly file?: string,
    /** Further problems of the same kind, one sentence each (every unresolved import, not only the first). */
    readonly more: readonly string[] = [],
  ) {
    super(message);
    this.name = 'TheaterError';
  }
}
