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

/** How a call the session queued into the actor ended (the shape of host/session.ts's CallOutcome). */
export type ServiceCallOutcome = { ok: true; result?: unknown[] } | { ok: false; error: string; refused?: boolean };

/** What a main-thread service reaches of its actor's session (host/session.ts). */
export interface ServiceHost {
  readonly name: string;
  /** Interfaces the component exports (known when services are created: the worker is ready). */
  readonly exports: readonly string[];
  /** A handler's table in the manifest after defaults (undefined: not active for this actor). */
  configOf(type: string): HandlerConfig | undefined;
  /** A replay: answers come from the chain, so nothing is opened or started outside. */
  readonly replaying: boolean;
  /** A fork: a replay up to its fork point, live after it. */
  readonly forking: boolean;
  /** Queues a call into one of the actor's exports (FIFO with every other call); resolves when it ended. */
  call(fn: string, args: unknown[]): Promise<ServiceCallOutcome>;
  /** One line of the actor's log output. */
  log(message: string): void;
  /** Emits an event on the session (`http-listening`). */
  emit(event: string, ...args: unknown[]): void;
  /** Something changed that may leave the actor quiet (`busy` may have become false). */
  changed(): void;
}

/**
 * The main-thread side of a handler for one actor (OS processes, HTTP servers): the worker asks it
 * with a blocking rpc (HandlerContext.hostCall), and what it does outside happens only in `commit`,
 * once the event of that call is on disk. Handlers only declare one by name (ServiceDeclaration); the
 * implementations are host/services.ts's table, which only the session (host/session.ts, main
 * thread) imports: the worker and the language server load the registry without them.
 */
export interface MainThreadService {
  /** Answers one rpc whose op this service takes (ServiceDeclaration.ops); may be async. */
  handle?(op: string, args: unknown[]): unknown;
  /**
   * A fork: a call recorded before the fork point, answered from the chain in the worker, is
   * re-applied here so what the guest set up (servers, routes) exists after the fork point.
   */
  restore?(op: string, args: unknown[], recorded: unknown): void;
  /** The event of the last rpc is on disk: its effect outside happens now. */
  commit?(): void;
  /** Work under way that keeps the actor busy (a process that has not ended). */
  readonly active?: boolean;
  /** The actor serves (or is starting to serve) requests: `theater run` keeps it until Ctrl-C. */
  readonly serving?: boolean;
  /** The addresses it listens on now for servers the guest made (`http://127.0.0.1:8080/`). */
  listening?(): string[];
  /** init is done (or skipped): a service that serves on its own starts now. */
  started?(): void;
  /** The actor ends (or, with `freshOnRestart`, restarts): everything stops and nothing more is delivered. */
  close(): void | Promise<void>;
}

/**
 * A main-thread service as a handler declares it (HandlerDefinition.services): data only. Which
 * service (its name, the key of its implementation in host/services.ts) and the rpc ops it takes.
 */
export interface ServiceDeclaration {
  /** Unique among services: handlers that declare the same name share one instance per actor. */
  readonly name: string;
  /** The rpc ops it answers: an exact op, or a prefix ending in `/` (`theater:simple/process/`). */
  readonly ops: readonly string[];
  /** A restart closes it and makes a fresh one: the fresh instance's init sets everything up again. */
  readonly freshOnRestart?: boolean;
}

/** The service takes `op` (one of its ops exactly, or under one of its `/` prefixes). */
export function takesOp(decl: ServiceDeclaration, op: string): boolean {
  return decl.ops.some((o) => (o.endsWith('/') ? op.startsWith(o) : op === o));
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
  /**
   * The main-thread services the handler needs for each actor that uses it, by name (host/session.ts
   * creates them from host/services.ts and drives them; none: everything happens in the worker).
   */
  services?: readonly ServiceDeclaration[];
  /**
   * A fork: a call of this handler answered from the chain before the fork point, as the host call the
   * live handler would have made, for its main-thread service to re-apply (MainThreadService.restore);
   * undefined when the call set nothing up (http-framework's servers, routes, handlers).
   */
  restoreCall?(config: HandlerConfig, fn: string, args: unknown[], recorded: unknown): { op: string; args: unknown[] } | undefined;
  create(ctx: HandlerContext, config: HandlerConfig): HandlerInstance;
}
