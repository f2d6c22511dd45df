// Messages between an ActorSession (main thread) and its actor worker.
import type { HandlerConfig } from '../handlers/types';
import type { DebugStopped } from './debugGate';

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
  /** Under a debugger: the DebugController's shared buffer (see debugGate.ts). */
  debugControl?: SharedArrayBuffer;
}

export type MainToWorker = { cmd: 'init'; state: Uint8Array | null } | { cmd: 'shutdown' };

export type WorkerToMain =
  | { kind: 'ready' }
  /** A spare worker has loaded the runtime and waits for its actor. */
  | { kind: 'spare-ready' }
  | { kind: 'log'; message: string }
  /** `ms`: time spent inside the guest call, measured in the worker. */
  | { kind: 'call-done'; ok: true; state: Uint8Array | null; ms: number }
  | { kind: 'call-done'; ok: false; error: string; ms: number }
  | { kind: 'shutdown-requested' }
  /** The guest called wasi:cli/exit: the call was recorded, the instance is done. */
  | { kind: 'exited'; code: number; ms: number }
  /** The guest wrote to stdout/stderr (posted after the write is in the chain). */
  | { kind: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { kind: 'replay-report'; report: unknown }
  | DebugStopped
  | { kind: 'closed' }
  | { kind: 'fatal'; error: string };
