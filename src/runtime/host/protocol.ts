// Messages between an ActorSession (main thread) and its actor worker.
import type { HandlerConfig } from '../handlers/types';
import type { MessagePort } from 'node:worker_threads';
import type { EventCause } from '../chain/event';
import type { DebugStopped } from './debugGate';
import type { ReplayOverride } from './replay';
import type { ReplyTo } from './rpcReply';

export interface WorkerBinding {
  importName: string;
  jcoKey: string;
  handlerType: string;
  /** Interface name the handler provides (without version). */
  interfaceName: string;
}

export interface WorkerInput {
  actorId: string;
  actorName: string;
  manifestDir: string;
  dataDir: string;
  /** Our .chain.jsonl log; the session already wrote its header. */
  logPath: string;
  /** Folder of the transpiled bindings (actor.js + core modules). */
  bindingsDir: string;
  initTakesParams: boolean;
  bindings: WorkerBinding[];
  handlerConfigs: Record<string, HandlerConfig>;
  /** Replay: the recorded chain to answer imports from. */
  replayChainPath?: string;
  /** Fork: replay events 0..N from the chain, then the live handlers answer. */
  replayLiveAfter?: number;
  /** What-if: recorded outputs replaced by these (typed-value JSON). */
  replayOverrides?: ReplayOverride[];
  /** The write lock and call phase shared with the session (killSwitch.ts). */
  killSwitch: SharedArrayBuffer;
  /** Cap on the guest's Wasm memory, in 64 KiB pages. */
  maxMemoryPages: number;
  /** Under a debugger: the DebugController's shared buffer (see debugGate.ts). */
  debugControl?: SharedArrayBuffer;
  /**
   * init runs with this state right after instantiation, without waiting for the session's `init`
   * (one thread round trip less per start); `ready` then says so with `initRunning`.
   */
  initNow?: { state: Uint8Array | null; cause?: EventCause };
}

/** What a spare worker loads ahead: the bindings and core modules of the component it expects. */
export interface SpareInput {
  bindingsDir: string;
  maxMemoryPages: number;
}

export type MainToWorker =
  | { cmd: 'init'; state: Uint8Array | null; cause?: EventCause }
  /**
   * A call into an export other than init (`theater:simple/message-server-client.handle-send`); `args` is
   * the params tuple. `seq`: a pipelined call's sequence number, set as the kill switch's phase with its
   * WasmCall event (killSwitch.ts). `reply`: a request from another actor, whose worker waits for the
   * response there (rpcReply.ts): it gets it from this worker once the WasmResult is on disk.
   */
  | { cmd: 'call'; fn: string; args: unknown[]; cause?: EventCause; seq?: number; reply?: ReplyTo }
  /** A fresh instance (resume after a failure, restart); with `init`, init runs on it with `state`. */
  | { cmd: 'reset'; state: Uint8Array | null; init: boolean; cause?: EventCause }
  | { cmd: 'shutdown' };

/**
 * The main thread's answer to an `rpc` arrives on `port` and is signalled through `cells` (Atomics,
 * rpcReply.ts), where another actor's worker may also answer a request directly.
 */
export interface RpcChannel {
  cells: SharedArrayBuffer;
  port: MessagePort;
}

/** The session's answer to rpc `seq` on the rpc port; `commit: false`: nothing waits for the call's event (no `commit` then). */
export interface RpcAnswerMessage {
  value: unknown;
  commit?: false;
}

export type WorkerToMain =
  /** `exports`: the interfaces the component exports (`theater:simple/message-server-client`). */
  | { kind: 'ready'; exports: string[]; rpc?: RpcChannel; initRunning?: boolean }
  /** A spare worker has loaded the runtime and waits for its actor. */
  | { kind: 'spare-ready' }
  | { kind: 'log'; message: string }
  /** `ms`: wall time spent inside the guest call, measured in the worker; `cpuMs`: the worker thread's CPU time in it (absent when nothing ran). */
  | { kind: 'call-done'; ok: true; state: Uint8Array | null; ms: number; cpuMs?: number; result?: unknown[] }
  /** `refused`: nothing was called (the export does not exist); the actor is not paused for it. */
  | { kind: 'call-done'; ok: false; error: string; ms: number; cpuMs?: number; refused?: boolean }
  | { kind: 'shutdown-requested'; data?: Uint8Array }
  /**
   * A host call that needs the runtime (message-server, supervisor, a main-thread service); the worker
   * blocks until rpc `seq` is answered (rpcReply.ts).
   */
  | { kind: 'rpc'; op: string; args: unknown[]; after: string | null; seq: number }
  /** The event of the last rpc is on disk: its effects on other actors may happen now. */
  | { kind: 'commit'; hash: string }
  /**
   * A fork: a recorded set-up call (answered from the chain) for the main-thread service that takes
   * `op` to re-apply (MainThreadService.restore: http-framework's servers).
   */
  | { kind: 'restore'; op: string; args: unknown[]; recorded: unknown }
  /** The shutdown event is recorded and no guest code runs again: the replay's verdict is being computed. */
  | { kind: 'finishing' }
  /** The guest called wasi:cli/exit: the call was recorded, the instance is done. */
  | { kind: 'exited'; code: number; ms: number }
  /** The guest wrote to stdout/stderr (posted after the write is in the chain). */
  | { kind: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { kind: 'replay-report'; report: unknown }
  | DebugStopped
  /** `events`: the chain's length on disk now; CPU ms of the worker thread in the shutdown (a replay's verdict included) and in its whole life. */
  | { kind: 'closed'; events: number; shutdownCpuMs?: number; threadCpuMs?: number }
  | { kind: 'fatal'; error: string; events: number };
