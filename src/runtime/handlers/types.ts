// What a handler declares. The registry (registry.ts) is the one source of truth: the runtime,
// `theater handlers`, diagnostics, hover, completion and the JSON Schema are all derived from it.
import type { WitType } from '../wit/types';
import type { ChainEvent } from '../chain/event';

/** A config key of a `[[handler]]` table. */
export interface ConfigKeySpec {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'string-array';
  doc: string;
  /** Shown in hover/completion and used when the key is absent. Integers above 2^53 are bigint. */
  default?: string | number | bigint | boolean | string[];
  required?: boolean;
  /** Inclusive bounds for integers. */
  minimum?: number | bigint;
  maximum?: number | bigint;
  /** Paths resolve against the manifest's folder. */
  isPath?: boolean;
  /**
   * A string value must match this regular expression (whole value); `patternHint` completes the
   * sentence "… must be <patternHint>" of the diagnostic. The JSON Schema carries it as `pattern`.
   */
  pattern?: string;
  patternHint?: string;
  /**
   * The key grants or limits a permission (what the actor may read, where it may write). A handler
   * with such keys fails closed: an unknown key in its table is an error (a misspelt permission
   * would otherwise silently fall back to the default), and two tables of its type are an error.
   */
  permission?: boolean;
  /**
   * Said (as information, on the table) when a listed table leaves this key out and so grants nothing:
   * one sentence, what the actor gets without it and how to grant more.
   */
  absentGrantsNothing?: string;
}

/** One function of an interface, as the component model names it (`get-random-bytes`, `[method]pollable.ready`). */
export interface FunctionSpec {
  name: string;
  params: Array<[string, WitType]>;
  result: WitType | null;
  doc: string;
  /**
   * The call ends the actor (wasi:cli/exit): after it is recorded the runtime stops the guest with
   * this code, live and in replay alike. Never returns to the guest.
   */
  exitCode?: (args: unknown[]) => number;
}

/**
 * Events a handler records next to a call (not calls themselves): a replay re-records them from the
 * recording as they are and answers only the call.
 */
export const NOTE_FUNCTIONS: ReadonlySet<string> = new Set(['permission-denied', 'http-exchange']);

/** Thrown through the guest by a call that ends the actor (wasi:cli/exit); carries the exit code. */
export class ActorExit extends Error {
  constructor(readonly code: number) {
    super(`the actor exited with code ${code}`);
    this.name = 'ActorExit';
  }
}

export interface InterfaceSpec {
  /** Fully qualified without version: `wasi:random/random`, `theater:simple/runtime`. */
  name: string;
  /** Exact version it provides (`0.2.3`); null for the unversioned theater:simple interfaces. */
  version: string | null;
  doc: string;
  /** Resource types defined by this interface (`pollable`). */
  resources: string[];
  functions: FunctionSpec[];
  /**
   * Interfaces whose resource types this one uses (`wasi:clocks/monotonic-clock` uses
   * `wasi:io/poll`'s pollable); they must be bound in the same instance.
   */
  uses?: string[];
}

/** The value of a handler's config after defaults were applied. */
export type HandlerConfig = Record<string, string | number | bigint | boolean | string[] | undefined>;

/** What a handler instance can reach; it runs inside the actor's worker thread. */
export interface HandlerContext {
  actorId: string;
  actorName: string;
  /** Folder of the manifest: relative config paths resolve against it. */
  manifestDir: string;
  /** Per-user data folder (content store, caches). */
  dataDir: string;
  /** The actor's log output (shown in the output channel / CLI). */
  log(message: string): void;
  /**
   * Calls `onEvent` for each event recorded so far, in order, read from the log one at a time (for
   * theater:simple/runtime get-chain, which keeps only what its answer needs).
   */
  chain(onEvent: (ev: ChainEvent) => void): void;
  /** The actor's current state (what init received or last returned). */
  currentState(): Uint8Array | null;
  /** The actor asked to stop (theater:simple/runtime shutdown). */
  requestShutdown(data: Uint8Array | undefined): void;
  /**
   * Records a permission denial as its own event `<interface>/permission-denied` (as Theater does)
   * just before the call's event; the guest still gets a benign value.
   */
  recordDenial(interfaceName: string, operation: string, subject: string, message: string): void;
  /**
   * Records a note as its own event `<interface>/<name>` just before the call's event (the whole HTTP
   * exchange a call performed); `inputJson` and `outputJson` are typed-value JSON. `name` must be one
   * of NOTE_FUNCTIONS: a replay re-records these events as they are, like denials.
   */
  recordNote(interfaceName: string, name: string, inputJson: string, outputJson: string): void;
  /** Blocks the worker thread (Atomics.wait); used by sleep and pollable.block. */
  blockFor(ms: number): void;
  /**
   * The guest wrote to stdout or stderr. Shown live (CLI, output channel) only after the call that
   * wrote it is in the chain.
   */
  output(stream: 'stdout' | 'stderr', bytes: Uint8Array): void;
  /** The config of another handler the manifest lists (wasi-cli reads the environment handler's lists). */
  configOf(type: string): HandlerConfig | undefined;
  /**
   * Asks the runtime on the main thread (message-server, supervisor) and blocks this actor's worker
   * until it answers. An effect on another actor is applied only after this call's event is on disk.
   */
  hostCall(op: string, args: unknown[]): unknown;
}

/**
 * Host-side implementation of one function. Arguments and results use jco's JS representation
 * except: a `result` is returned as `{ tag: 'ok' | 'err', val }`, and resources are plain host
 * objects (the binder wraps them into jco's resource classes and numbers their handles).
 */
export type HostFunction = (...args: any[]) => unknown;

export interface HandlerInstance {
  /** Implementations for one provided interface, keyed by component-model function name. */
  functions(interfaceName: string): Record<string, HostFunction>;
}

export interface HandlerDefinition {
  /** The manifest `[[handler]] type`. */
  type: string;
  summary: string;
  /** Longer documentation (markdown) for hover and docs. */
  doc: string;
  /** Interfaces this handler provides to the actor (its imports). */
  interfaces: InterfaceSpec[];
  /** Actor exports this handler drives (`theater:simple/actor`). */
  exports: string[];
  config: ConfigKeySpec[];
  /** Available to every actor whether or not the manifest lists it (theater:simple/runtime). */
  alwaysAvailable?: boolean;
  /**
   * Not listed, the handler still serves its interfaces, with `unlistedConfig` granting nothing (the
   * filesystem: no preopened folder), as wasmtime's default sandbox does: toolchains import
   * wasi:filesystem whether or not the program uses it.
   */
  sandboxedWhenUnlisted?: boolean;
  /**
   * A hint on the manifest when the component uses the handler without the manifest listing it,
   * completing "The component imports <interface> and " (what it gets, how to grant more).
   */
  unlistedHint?: string;
  /**
   * The raw config a handler gets when it is activated by imports alone (`--activate-by-imports`)
   * without a table in the manifest: the most restrictive one (environment: no variable readable).
   * Absent: the declared defaults.
   */
  unlistedConfig?: Record<string, unknown>;
  create(ctx: HandlerContext, config: HandlerConfig): HandlerInstance;
}
