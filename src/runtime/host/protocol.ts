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
  /** The write lock and call phase shared with the session (killSwitch.ts). */
  killSwitch: SharedArrayBuffer;
  /** Cap on the guest's Wasm memory, in 64 KiB pages. */
  maxMemoryPages: number;
  /** Under a debugger: the DebugController's shared buffer (see debugGate.ts). */
  debugControl?: SharedArrayBuffer;
}

export type MainToWorker = { cmd: 'init'; state: Uint8Array | null } | { cmd: 'shutdown' };

export type WorkerToMain =
  | { kind: 'ready' }
  /** A spare worker has loaded the runtime and waits for its actor. */
  | { kind: 'spare-ready' }
  | { kind: 'log'; message: string }
  /** `ms`: wall time spent inside the guest call, measured in the worker; `cpuMs`: the worker thread's CPU time in it. */
  | { kind: 'call-done'; ok: true; state: Uint8Array | null; ms: number; cpuMs: number }
  | { kind: 'call-done'; ok: false; error: string; ms: number; cpuMs: number }
  | { kind: 'shutdown-requested' }
  | { kind: 'replay-report'; report: unknown }
  | DebugStopped
  | { kind: 'closed' }
  | { kind: 'fatal'; error: string };
