// An actor run seen from the main thread: prepares the component (validated against the handler
// registry before anything is transpiled), starts its worker, streams the chain and enforces the
// call time limit. The log on disk is the source of truth; this object only mirrors it.
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChainEvent, ChainLogHeader } from '../chain/event';
import { ChainLogWriter, decodeChainLogLine } from '../chain/log';
import { createChainLogExclusive } from '../chain/logName';
import { diskWriteError } from '../files/diskErrors';
import { shutdownPayload, wasmError } from '../chain/payload';
import { transpileCached } from '../component/transpile';
import { prepareRun, type PreparedRun } from './prepare';
import { TheaterError, type ActorOutcome, type ActorSessionLike, type ActorStatus, type StartOptions } from './api';
import type { MainToWorker, WorkerInput, WorkerToMain } from './protocol';
import { appendAfterTermination } from './recorder';

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const INIT = 'theater:simple/actor.init';

export function defaultDataDir(): string {
  return process.env.THEATER_VSCODE_HOME ?? path.join(os.homedir(), '.theater-vscode');
}

/** Replay outcome as the worker reports it (see replay.ts). */
export type ReplayReport = import('./replay').ReplayReport;

export class ActorSession extends EventEmitter implements ActorSessionLike {
  readonly events: ChainEvent[] = [];
  status: ActorStatus = 'starting';
  replayReport: ReplayReport | undefined;
  /** Time spent inside the last guest call (measured in the worker). */
  lastCallMs: number | undefined;
  private worker: Worker | undefined;
  private outcome: ActorOutcome | undefined;
  private readonly finished: Promise<ActorOutcome>;
  private finish!: (o: ActorOutcome) => void;
  private callTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private initState: Uint8Array | null | undefined;
  /** Set when the guest called wasi:cli/exit. */
  exitCode: number | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly manifestPath: string,
    readonly logPath: string,
    private readonly callTimeoutMs: number,
  ) {
    super();
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** @internal */
  attach(worker: Worker, initialState: Uint8Array | null): void {
    this.worker = worker;
    this.tailTimer = setInterval(() => this.readLog(), 50);
    this.tailTimer.unref();
    worker.on('message', (m: WorkerToMain) => this.onMessage(m, initialState));
    worker.on('error', (e) => this.terminateWith(`the actor's worker crashed: ${e.message}`));
    worker.on('exit', () => {
      if (!this.outcome) this.terminateWith("the actor's worker exited unexpectedly");
    });
  }

  private setStatus(s: ActorStatus): void {
    this.status = s;
    this.emit('status', s);
  }

  private pushEvent(ev: ChainEvent, index: number): void {
    if (this.events[index]) return;
    this.events[index] = ev;
    this.emit('event', ev, index);
  }

  // The worker writes the log; this side follows the file (the one source of truth), so events
  // show up even while the guest is busy, and a terminated worker can never hold any back.
  private tailOffset = 0;
  private tailRest = '';
  private tailTimer: NodeJS.Timeout | undefined;

  /** Reads whatever the log gained since the last read and emits its whole lines as events. */
  readLog(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.logPath, 'r');
    } catch {
      return;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.tailOffset) return;
      const buf = Buffer.alloc(size - this.tailOffset);
      const n = fs.readSync(fd, buf, 0, buf.length, this.tailOffset);
      this.tailOffset += n;
      const lines = (this.tailRest + buf.toString('utf8', 0, n)).split('\n');
      this.tailRest = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '' || line.startsWith('{"format"')) continue;
        const r = decodeChainLogLine(line);
        if (typeof r !== 'string') this.pushEvent(r.ev, r.i);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private onMessage(m: WorkerToMain, initialState: Uint8Array | null): void {
    switch (m.kind) {
      case 'spare-ready':
        break;
      case 'ready':
        this.setStatus('running');
        this.send({ cmd: 'init', state: initialState });
        this.callTimer = setTimeout(() => {
          void this.terminateWith(
            `init did not finish within the ${this.callTimeoutMs} ms time limit and was stopped; raise it with --timeout (CLI) or theater.callTimeoutMs (settings)`,
            true,
          );
        }, this.callTimeoutMs);
        break;
      case 'log':
        this.emit('log', m.message);
        break;
      case 'call-done':
        clearTimeout(this.callTimer);
        this.readLog(); // the call's events are on disk before this message was sent
        this.lastCallMs = m.ms;
        if (m.ok) {
          this.initState = m.state;
          this.setStatus('idle');
          this.emit('init-done', m.state);
        } else {
          this.fail(m.error);
        }
        break;
      case 'output':
        this.readLog(); // the write is on disk before this message was sent
        this.emit('output', m.stream, m.bytes);
        break;
      case 'exited':
        clearTimeout(this.callTimer);
        this.readLog();
        this.lastCallMs = m.ms;
        this.exitCode = m.code;
        this.setStatus('idle');
        void this.stop();
        break;
      case 'replay-report':
        this.readLog();
        this.replayReport = m.report as ReplayReport;
        break;
      case 'shutdown-requested':
        void this.stop();
        break;
      case 'fatal':
        clearTimeout(this.callTimer);
        this.complete({ status: 'failed', error: m.error, eventCount: this.events.length });
        void this.worker?.terminate();
        break;
      case 'debug-stopped':
        this.readLog(); // the event it stopped at is on disk
        this.emit('debug-stopped', m);
        break;
      case 'closed':
        this.complete(
          this.failure
            ? { status: 'failed', error: this.failure, eventCount: this.events.length }
            : {
                status: 'stopped',
                state: this.initState ?? null,
                eventCount: this.events.length,
                ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
              },
        );
        break;
    }
  }

  private failure: string | undefined;

  /** A failed call: the worker is alive but the instance is dead; close the chain cleanly. */
  private fail(error: string): void {
    this.failure = error;
    this.setStatus('failed');
    this.send({ cmd: 'shutdown' });
  }

  private send(m: MainToWorker): void {
    this.worker?.postMessage(m);
  }

  private complete(o: ActorOutcome): void {
    if (this.outcome) return;
    clearInterval(this.tailTimer);
    this.readLog();
    o.eventCount = this.events.length;
    this.outcome = o;
    this.setStatus(o.status);
    this.emit('exit', o);
    this.finish(o);
  }

  /** Kills the worker (it may be stuck in guest code) and ends the chain on disk with the reason. */
  private async terminateWith(reason: string, duringCall = false): Promise<ActorOutcome> {
    if (this.outcome) return this.outcome;
    if (this.closing) return this.finished;
    this.closing = true;
    clearTimeout(this.callTimer);
    await this.worker?.terminate();
    const tail = [];
    if (duringCall || this.status === 'running') tail.push({ eventType: 'wasm', data: wasmError(INIT, reason) });
    tail.push({ eventType: 'shutdown', data: shutdownPayload() });
    try {
      appendAfterTermination(this.logPath, tail, (ev, i) => this.pushEvent(ev, i));
    } catch (e) {
      reason += `; the log could not be completed: ${(e as Error).message}`;
    }
    const failed = duringCall || this.status === 'running' || this.status === 'failed' || this.status === 'starting';
    this.complete(
      failed
        ? { status: 'failed', error: this.failure ?? reason, eventCount: this.events.length }
        : { status: 'stopped', state: this.initState ?? null, eventCount: this.events.length },
    );
    return this.outcome!;
  }

  async stop(reason = 'stopped by the user'): Promise<ActorOutcome> {
    if (this.outcome) return this.outcome;
    if (this.status === 'idle' || this.status === 'failed') {
      // The worker is between calls: let it write the shutdown event itself; kill it if it does not.
      this.send({ cmd: 'shutdown' });
      const timer = setTimeout(() => {
        void this.terminateWith(reason);
      }, 2000);
      const o = await this.finished;
      clearTimeout(timer);
      return o;
    }
    return this.terminateWith(`${reason} while a call was running`, this.status === 'running');
  }

  done(): Promise<ActorOutcome> {
    return this.finished;
  }

  /** The one-sentence reason of a failure, once there is one. */
  get lastError(): string | undefined {
    return this.outcome?.error ?? this.failure;
  }
}

function workerScript(): string {
  // Bundled: dist/actorWorker.js beside this code; compiled for tests: out/src/runtime/host/actorWorker.js.
  const candidates = [path.join(__dirname, 'actorWorker.js'), path.join(__dirname, '..', '..', '..', '..', 'dist', 'actorWorker.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new TheaterError('The actor worker script is missing from this installation; rebuild with `npm run build`.', 'install');
  return found;
}

// A worker takes ~50 ms to boot and load the runtime. With prewarming on (the extension), one spare
// worker waits ready, so starting an actor skips that; the CLI, which starts one actor, leaves it off.
let prewarm = false;
let spare: Worker | undefined;
let spareReady: Promise<void> = Promise.resolve();

function spawnSpare(): void {
  if (!prewarm || spare) return;
  const w = new Worker(workerScript(), { workerData: null, stdout: false, stderr: false });
  spare = w;
  w.unref(); // a spare never keeps the process alive
  spareReady = new Promise((resolve) => {
    w.once('message', () => resolve());
    w.once('exit', () => {
      if (spare === w) spare = undefined;
      resolve();
    });
  });
  w.on('error', () => {
    if (spare === w) spare = undefined;
  });
}

/** Resolves when the spare worker (if any) has loaded the runtime. */
export function whenSpareReady(): Promise<void> {
  return spareReady;
}

/** Keeps one spare worker ready for the next actor (or stops doing so). */
export function setPrewarm(on: boolean): void {
  prewarm = on;
  if (on) spawnSpare();
  else if (spare) {
    void spare.terminate();
    spare = undefined;
  }
}

function takeWorker(input: WorkerInput): Worker {
  const w = spare;
  if (!w) return new Worker(workerScript(), { workerData: input, stdout: false, stderr: false });
  spare = undefined;
  w.removeAllListeners('exit');
  w.removeAllListeners('error');
  w.removeAllListeners('message');
  w.ref();
  w.postMessage({ cmd: 'setup', input });
  setImmediate(spawnSpare);
  return w;
}

/**
 * Validates the manifest and component, transpiles (cached), writes the log header and starts the
 * worker. Rejects with a TheaterError (one sentence) when the actor cannot start.
 */
export async function startActor(options: StartOptions): Promise<ActorSession> {
  const prepared: PreparedRun = prepareRun(options);
  const dataDir = options.dataDir ?? defaultDataDir();
  const cacheDir = path.join(dataDir, 'cache');
  let transpiled;
  try {
    transpiled = await transpileCached(prepared.componentBytes, cacheDir, (n) =>
      options.onProgress?.(
        `transpiling ${prepared.name}'s component (${(n / 2 ** 20).toFixed(1)} MB) for its first start; later starts use the cache`,
      ),
    );
  } catch (e) {
    throw diskWriteError(e, 'the transpiled component', cacheDir) ?? e;
  }
  const id = options.actorId ?? crypto.randomUUID();
  const header: ChainLogHeader = {
    format: 'theater-vscode-chain',
    version: 1,
    actorId: id,
    actorName: prepared.name,
    manifestPath: prepared.manifestPath,
    componentSha256: transpiled.sha256,
    startedAt: new Date().toISOString(),
    ...(prepared.replayChainPath ? { replayOf: prepared.replayChainPath } : {}),
  };
  const chainsDir = path.join(path.dirname(prepared.manifestPath), '.theater', 'chains');
  let logPath: string;
  try {
    if (options.chainLogPath) {
      logPath = options.chainLogPath;
      fs.mkdirSync(path.dirname(logPath), { recursive: true });
      ChainLogWriter.create(logPath, header).close();
    } else {
      // Named from manifest data: a safe file name, created exclusively (never another run's log).
      logPath = createChainLogExclusive(chainsDir, prepared.name, id, header);
    }
  } catch (e) {
    throw diskWriteError(e, 'the chain log', options.chainLogPath ?? chainsDir) ?? e;
  }

  const session = new ActorSession(id, prepared.name, prepared.manifestPath, logPath, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  const input: WorkerInput = {
    actorId: id,
    actorName: prepared.name,
    manifestDir: path.dirname(prepared.manifestPath),
    dataDir,
    logPath,
    bindingsDir: transpiled.dir,
    initTakesParams: transpiled.initTakesParams,
    bindings: prepared.plan.bindings.map((b) => ({
      importName: b.importName,
      jcoKey: b.jcoKey,
      handlerType: b.handlerType,
      interfaceName: b.iface.name,
    })),
    handlerConfigs: prepared.handlerConfigs,
    ...(prepared.replayChainPath ? { replayChainPath: prepared.replayChainPath } : {}),
    ...(options.debugControl ? { debugControl: options.debugControl } : {}),
  };
  session.attach(takeWorker(input), prepared.initialState);
  return session;
}
