// An actor run seen from the main thread: prepares the component (validated against the handler
// registry before anything is transpiled), starts its worker, streams the chain and enforces the
// call time limit. The log on disk is the source of truth; this object only mirrors it. What the
// actor's handlers do on the main thread (processes, servers) are the main-thread services they
// declare by name in the registry (ServiceDeclaration, handlers/types.ts), implemented in
// services.ts (imported only here): created, dispatched to, committed and closed here without
// naming a handler.
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChainEvent, ChainLogHeader, EventCause } from '../chain/event';
import { ChainLogWriter, decodeChainLogLine } from '../chain/log';
import { ChainEventIndex, type EventAccess } from '../chain/eventIndex';
import { createChainLogExclusive } from '../chain/logName';
import { diskWriteError } from '../files/diskErrors';
import { shutdownPayload, wasmError } from '../chain/payload';
import { transpileCached } from '../component/transpile';
import { prepareRun, type PreparedRun } from './prepare';
import { takesOp, type HandlerConfig, type MainThreadService, type ServiceDeclaration, type ServiceHost } from '../handlers/types';
import { servicesFor } from '../handlers/registry';
import { createService } from './services';
import { TheaterError, type ActorOutcome, type ActorSessionLike, type ActorStatus, type StartOptions } from './api';
import type { MainToWorker, RpcAnswerMessage, SpareInput, WorkerInput, WorkerToMain } from './protocol';
import { RpcAnswer, type ReplyTo } from './rpcReply';
import { appendAfterTermination } from './recorder';
import { createKillSwitchBuffer, FIRST_CALL_SEQ, PHASE_IDLE, SessionKillSwitch } from './killSwitch';
import { ACTOR_HEAP_MAX_MIB, ACTOR_MEMORY_MAX_MIB, TERMINATE_GRACE_MS } from '../limits';
import { WASM_PAGE_BYTES } from '../component/memoryCap';
import { cleanChains, DEFAULT_RETENTION } from '../chain/retention';

/** Logs of sessions that have not ended: retention never removes them. */
const liveLogs = new Set<string>();

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const INIT = 'theater:simple/actor.init';

export function defaultDataDir(): string {
  return process.env.THEATER_VSCODE_HOME ?? path.join(os.homedir(), '.theater-vscode');
}

/** Replay outcome as the worker reports it (see replay.ts). */
export type ReplayReport = import('./replay').ReplayReport;

/** How one call into the actor ended. `refused`: it never reached the guest (paused, stopped, no such export). */
export type CallOutcome = { ok: true; state: Uint8Array | null; result?: unknown[] } | { ok: false; error: string; refused?: boolean };

interface QueuedCall {
  msg: MainToWorker;
  /** A pipelined call's sequence number (the kill switch's phase while it runs). */
  seq?: number;
  /** The export's name for messages and the chain (`theater:simple/message-server-client.handle-send`). */
  fn: string;
  resolve: (o: CallOutcome) => void;
}

// Plain calls handed to the worker ahead (it runs them one at a time, in order): a burst of messages
// costs no thread round trip per message. Each carries a sequence number that the worker sets as the
// kill switch's phase with its WasmCall, so a call's time limit still applies to that call alone.
// Under a debugger or in a replay one call at a time, as before.
const PIPELINE = 64;
/** How much of the log readLog takes in at a time. */
const READ_CHUNK = 4 * 2 ** 20;
const shortFn = (fn: string) => fn.slice(fn.lastIndexOf('.') + 1);

/** Events a session keeps in memory: the newest ones, up to this many… */
export const SESSION_WINDOW_EVENTS = 1024;
/** While an actor keeps writing, its followed log is read at most this often (ms). */
const FOLLOW_COALESCE_MS = 10;
/** …and up to this many bytes of event data (at least the newest event is kept). */
export const SESSION_WINDOW_BYTES = 16 * 2 ** 20;

export class ActorSession extends EventEmitter implements ActorSessionLike {
  /**
   * The newest events (a bounded window, see SESSION_WINDOW_*); `windowStart` is the index of the
   * first. Older events are on disk: event(i) reads them from the log through a sparse index.
   */
  private window: ChainEvent[] = [];
  private windowBytes = 0;
  private windowFirst = 0;
  private readonly index: ChainEventIndex;
  /** Events known to be on disk (the worker's count, the tail appended after a termination). */
  private eventsOnDisk = 0;
  /** Events read from the log so far. */
  private get readCount(): number {
    return this.windowFirst + this.window.length;
  }
  /** The chain's length, without parsing the log when nobody follows it. */
  private eventCountNow(): number {
    if (this.following) {
      this.readLog();
      return this.readCount;
    }
    return Math.max(this.eventsOnDisk, this.readCount);
  }
  status: ActorStatus = 'starting';
  replayReport: ReplayReport | undefined;
  /** Time spent inside the last guest call (measured in the worker). */
  lastCallMs: number | undefined;
  /** CPU time of the worker thread in the last guest call. */
  lastCallCpuMs: number | undefined;
  /** CPU time of the worker thread in its shutdown (a replay's verdict included), and in its whole life. */
  shutdownCpuMs: number | undefined;
  workerCpuMs: number | undefined;
  /** Interfaces the component exports (known once the worker is ready). */
  exports: string[] = [];
  /** The stored state: what the last successful call returned. */
  state: Uint8Array | null = null;
  /**
   * Theater's model for actors of a system: a failed call pauses the actor (calls are refused until
   * it is resumed, restarted or stopped). Off, a failed call ends the actor (a lone `theater run`).
   */
  pauseOnFailure = false;
  /** Start without calling init (supervisor resume: the state is given). */
  skipInit = false;
  /** What caused init (a parent's spawn): recorded on init's WasmCall in our log. */
  initCause: EventCause | undefined;
  /** The manifest's handler tables after defaults (the supervisor's restart limit). */
  handlerConfigs: Record<string, HandlerConfig> = {};
  /** The cap on the guest's linear memory this run has, in MiB. */
  memoryCapMiB = ACTOR_MEMORY_MAX_MIB;
  /** The manifest's init_state (what a restart's init gets). */
  manifestInitialState: Uint8Array | null = null;
  private worker: Worker | undefined;
  private outcome: ActorOutcome | undefined;
  private readonly finished: Promise<ActorOutcome>;
  private finish!: (o: ActorOutcome) => void;
  private callTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private initState: Uint8Array | null | undefined;
  /** Set when the guest called wasi:cli/exit. */
  exitCode: number | undefined;
  private ready = false;
  private readonly queue: QueuedCall[] = [];
  /** Calls handed to the worker, oldest first. Plain calls are pipelined; init and reset go alone. */
  private readonly sent: QueuedCall[] = [];
  private get inFlight(): QueuedCall | undefined {
    return this.sent[0];
  }
  private initDone = false;
  /** runtime.shutdown was called: the actor ends after the current call. */
  exitRequested: { data: Uint8Array | undefined } | undefined;
  private rpc: { answer: RpcAnswer; port: import('node:worker_threads').MessagePort } | undefined;
  /**
   * The main-thread services the actor's handlers declare in the registry (OS processes, HTTP
   * servers), made from services.ts when the worker is ready (the exports are known then), in registry order.
   */
  private services: Array<{ def: ServiceDeclaration; service: MainThreadService }> = [];
  /** A replay: no port is opened (recorded incoming requests are re-driven from the chain). */
  replaying = false;
  /** A fork (replay up to a point, then live): it serves its servers again. */
  forking = false;
  /** The actor serves (or is starting to serve) requests: `theater run` keeps it until Ctrl-C. */
  get serving(): boolean {
    return !this.outcome && this.services.some((s) => s.service.serving);
  }
  /** Plain calls that may wait in the worker at once (1: under a debugger or in a replay). */
  pipeline = PIPELINE;
  private nextSeq = FIRST_CALL_SEQ;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly manifestPath: string,
    readonly logPath: string,
    private readonly callTimeoutMs: number,
    private readonly killSwitch: SessionKillSwitch = new SessionKillSwitch(createKillSwitchBuffer()),
  ) {
    super();
    this.index = new ChainEventIndex(logPath, 'jsonl');
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** @internal */
  attach(worker: Worker, initialState: Uint8Array | null): void {
    this.worker = worker;
    this.state = initialState;
    if (this.listenerCount('event') > 0) this.follow();
    else
      this.on('newListener', (name: string) => {
        if (name === 'event') this.follow();
      });
    // Instantiation (a core module's start function included) has the same time limit as a call.
    this.callTimer = setTimeout(() => this.onStartTimeLimit(), this.callTimeoutMs);
    worker.on('message', (m: WorkerToMain) => this.onMessage(m, initialState));
    worker.on('error', (e) => this.terminateWith(`the actor's worker crashed: ${e.message}`));
    worker.on('exit', () => {
      this.workerGone();
      if (!this.outcome) this.terminateWith("the actor's worker exited unexpectedly");
    });
  }

  private workerGone!: () => void;
  /** Resolves when the actor's worker thread has ended (after a stop, it may outlive done() by a moment). */
  readonly workerExited: Promise<void> = new Promise((resolve) => (this.workerGone = resolve));

  /** The largest memory (MiB) the guest asked memory.grow for so far; 0 before any grow. */
  get guestMemoryMiB(): number {
    return (this.killSwitch.memoryPages * WASM_PAGE_BYTES) / 2 ** 20;
  }

  private following = false;
  /**
   * Follows the log while anyone listens: the worker counts the events it writes in the kill switch's
   * shared memory and wakes this thread only while it waits (an idle actor costs nothing), and a busy
   * one at most once per FOLLOW_COALESCE_MS, so following adds no work to the guest's writes (a file
   * watch made each write pay a change notification).
   */
  private follow(): void {
    if (this.following || this.outcome) return;
    this.following = true;
    this.onLogWrites();
  }

  private followTimer: NodeJS.Timeout | undefined;
  private onLogWrites(): void {
    this.followTimer = undefined;
    if (this.outcome) return;
    const seen = this.killSwitch.writes;
    this.readLog();
    const wait = this.killSwitch.afterWrites(seen);
    if (wait === undefined) {
      // Written while reading: read again once a burst had time to gather.
      this.followTimer = setTimeout(() => this.onLogWrites(), FOLLOW_COALESCE_MS);
      this.followTimer.unref();
    } else void wait.then(() => this.onLogWrites());
  }

  private started = false;
  private setStatus(s: ActorStatus): void {
    if (this.status === s) return;
    this.status = s;
    if (!this.started && s !== 'starting' && s !== 'running') {
      // Started (init done, or the start failed): the next spare worker boots now, not while it would
      // compete with this start for the CPU.
      this.started = true;
      setImmediate(spawnSpare);
    }
    this.emit('status', s);
  }

  /** Number of events in the chain so far (the view may lag the disk by a few events while running). */
  get eventCount(): number {
    // Followed live while anyone listens for `event`; otherwise brought up to date when asked.
    if (!this.following) this.readLog();
    return this.readCount;
  }

  /** Index of the oldest event kept in memory (older ones are read from the log). */
  get windowStart(): number {
    return this.windowFirst;
  }

  /** The newest events kept in memory, oldest first (at most SESSION_WINDOW_EVENTS). */
  get recentEvents(): readonly ChainEvent[] {
    return this.window;
  }

  /** Event i: from memory when recent, else read from the log on disk. */
  event(i: number): ChainEvent | undefined {
    if (!this.following && i >= this.readCount) this.readLog();
    if (i >= this.windowFirst) return this.window[i - this.windowFirst];
    return this.index.at(i);
  }

  /** The chain so far as an EventAccess (for views and the debugger: bounded memory). */
  readonly eventAccess: EventAccess = ((s: ActorSession): EventAccess => ({
    get count() {
      return s.eventCount;
    },
    at: (i) => s.event(i),
  }))(this);

  /** Calls `onEvent` for events from..eventCount-1, reading older ones from the log one block at a time. */
  forEachEvent(onEvent: (ev: ChainEvent, index: number) => void, from = 0): void {
    const end = this.eventCount;
    for (let i = Math.max(0, from); i < end; i++) onEvent(this.event(i)!, i);
  }

  private pushEvent(ev: ChainEvent, index: number): void {
    if (index >= this.eventsOnDisk) this.eventsOnDisk = index + 1;
    if (index < this.readCount) return;
    if (index > this.readCount) {
      // Not expected (the log is read in order); keep the window contiguous.
      this.window = [];
      this.windowBytes = 0;
      this.windowFirst = index;
    }
    this.window.push(ev);
    this.windowBytes += ev.data.length;
    if (this.window.length > SESSION_WINDOW_EVENTS + 256 || this.windowBytes > SESSION_WINDOW_BYTES) this.trimWindow();
    this.emit('event', ev, index);
  }

  private trimWindow(): void {
    let drop = Math.max(0, this.window.length - SESSION_WINDOW_EVENTS);
    let bytes = this.windowBytes;
    for (let k = 0; k < drop; k++) bytes -= this.window[k]!.data.length;
    while (bytes > SESSION_WINDOW_BYTES && drop < this.window.length - 1) bytes -= this.window[drop++]!.data.length;
    if (drop === 0) return;
    this.window = this.window.slice(drop);
    this.windowBytes = bytes;
    this.windowFirst += drop;
  }

  // The worker writes the log; this side follows the file (the one source of truth), so events
  // show up even while the guest is busy, and a terminated worker can never hold any back.
  /** Offset of the first byte not yet consumed (the start of a line still being written). */
  private tailOffset = 0;

  /** Reads whatever the log gained since the last read and emits its whole lines as events. */
  readLog(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.logPath, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const size = fs.fstatSync(fd).size;
        if (size <= this.tailOffset) return;
        // Read in bounded chunks (a line longer than a chunk grows the buffer to hold it).
        let want = Math.min(size - this.tailOffset, READ_CHUNK);
        let buf = Buffer.allocUnsafe(want);
        let n = fs.readSync(fd, buf, 0, want, this.tailOffset);
        let last = buf.lastIndexOf(0x0a, n - 1);
        while (last < 0 && this.tailOffset + n < size) {
          want = Math.min(size - this.tailOffset, buf.length * 2);
          buf = Buffer.allocUnsafe(want);
          n = fs.readSync(fd, buf, 0, want, this.tailOffset);
          last = buf.lastIndexOf(0x0a, n - 1);
        }
        if (last < 0) return; // only a line still being written
        let start = 0;
        while (start <= last) {
          const nl = buf.indexOf(0x0a, start);
          if (nl > start && !(buf[start] === 0x7b && buf.toString('latin1', start, start + 9) === '{"format"')) {
            const r = decodeChainLogLine(buf.toString('utf8', start, nl));
            if (typeof r !== 'string') {
              this.index.note(r.i, this.tailOffset + start);
              this.pushEvent(r.ev, r.i);
            }
          }
          start = nl + 1;
        }
        this.tailOffset += last + 1;
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Where the servers the actor made listen now (its services' `listening`; empty: none). */
  get listening(): string[] {
    return this.outcome ? [] : this.services.flatMap((s) => s.service.listening?.() ?? []);
  }

  /** What the actor's main-thread services reach of this session. */
  private readonly serviceHost: ServiceHost = ((s: ActorSession): ServiceHost => ({
    get name() {
      return s.name;
    },
    get exports() {
      return s.exports;
    },
    configOf: (type) => s.handlerConfigs[type],
    get replaying() {
      return s.replaying;
    },
    get forking() {
      return s.forking;
    },
    call: (fn, args) => s.call(fn, args),
    log: (message) => s.emit('log', message),
    emit: (event, ...args) => s.emit(event, ...args),
    changed: () => s.emit('status', s.status),
  }))(this);

  /** The service that takes this rpc op, if one of the actor's handlers declared it. */
  private serviceFor(op: string): MainThreadService | undefined {
    return this.services.find((s) => takesOp(s.def, op))?.service;
  }

  /** Answers the worker's rpc `seq` from a service (at once, or when its promise settles). */
  private serviceRpc(service: MainThreadService, op: string, args: unknown[], seq: number): void {
    const failed = (e: unknown) => this.answerRpc({ tag: 'err', val: `the runtime could not answer ${op}: ${(e as Error).message}` }, seq);
    let value: unknown;
    try {
      value = service.handle ? service.handle(op, args) : { tag: 'err', val: `${op} is not answered by this runtime` };
    } catch (e) {
      failed(e);
      return;
    }
    if (value instanceof Promise) void value.then((v: unknown) => this.answerRpc(v, seq), failed);
    else this.answerRpc(value, seq);
  }

  /** The worker thread running this actor (each actor gets a worker of its own, never reused). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** A call is running or queued. */
  get busy(): boolean {
    return (
      this.sent.length > 0 ||
      this.queue.length > 0 ||
      (!this.ready && !this.outcome) ||
      (!this.outcome && this.services.some((s) => s.service.active))
    );
  }

  /**
   * Queues a call into an export (FIFO: one at a time, in the order queued). `reply`: a request from
   * another actor, answered by this actor's worker straight to the caller's (rpcReply.ts).
   */
  call(fn: string, args: unknown[], cause?: EventCause, reply?: ReplyTo): Promise<CallOutcome> {
    return this.enqueue({ cmd: 'call', fn, args, ...(cause ? { cause } : {}), ...(reply ? { reply } : {}) }, fn);
  }

  /** Where another actor may answer this actor's waiting rpc `seq` directly (a request it made). */
  replyTo(seq: number): ReplyTo | undefined {
    return this.rpc ? { cells: this.rpc.answer.buffer, seq } : undefined;
  }

  /** A paused actor goes on with a fresh instance and its last good state (init is not called again). */
  resume(): Promise<CallOutcome> {
    if (this.status !== 'paused')
      return Promise.resolve({ ok: false, error: `actor ${this.name} is not paused (it is ${this.status})`, refused: true });
    return this.enqueue({ cmd: 'reset', state: this.state, init: false }, 'resume');
  }

  /** A fresh instance and init with `state` (the manifest's init state); same id, same chain. */
  restart(state: Uint8Array | null, cause?: EventCause): Promise<CallOutcome> {
    // The fresh instance's init sets up again what such a service holds (servers): the old one closes
    // (its ports are free) and a fresh one takes over.
    for (const s of this.services)
      if (s.def.freshOnRestart) {
        void s.service.close();
        s.service = createService(s.def, this.serviceHost);
      }
    return this.enqueue({ cmd: 'reset', state, init: true, ...(cause ? { cause } : {}) }, INIT);
  }

  private refusal(): string | undefined {
    if (this.outcome || this.closing) return `actor ${this.name} (${this.id}) has stopped`;
    if (this.exitRequested) return `actor ${this.name} (${this.id}) is shutting down`;
    if (this.status === 'paused')
      return `actor ${this.name} (${this.id}) is paused after a failed call (${this.failure ?? 'unknown error'}); resume, restart or stop it first`;
    return undefined;
  }

  private enqueue(msg: MainToWorker, fn: string): Promise<CallOutcome> {
    const refused = msg.cmd === 'reset' && this.status === 'paused' && !this.outcome && !this.closing ? undefined : this.refusal();
    if (refused) return Promise.resolve({ ok: false, error: refused, refused: true });
    return new Promise((resolve) => {
      const item = { msg, fn, resolve };
      // A resume or restart of a paused actor goes first: nothing else is queued then.
      this.queue.push(item);
      this.pump();
    });
  }

  private pump(): void {
    if (!this.ready || this.outcome || this.closing || this.exitRequested) return;
    if (this.status === 'paused' && this.queue[0]?.msg.cmd !== 'reset') return;
    // Up to PIPELINE plain calls wait in the worker (it runs them one at a time, in order, and refuses
    // the rest itself after a failure); init and reset are sent alone.
    while (this.queue.length > 0 && this.sent.length < this.pipeline) {
      const next = this.queue[0]!;
      const exclusive = next.msg.cmd !== 'call';
      if (this.sent.length > 0 && (exclusive || this.sent[0]!.msg.cmd !== 'call')) break;
      this.queue.shift();
      this.sent.push(next);
      if (next.msg.cmd === 'call' && this.pipeline > 1) {
        // The worker marks it running with its WasmCall (never this side: a call may be running now).
        next.seq = this.nextSeq++;
        next.msg = { ...next.msg, seq: next.seq };
      } else this.killSwitch.markBusy();
      this.send(next.msg);
      if (this.sent.length === 1) this.armTimer();
      if (exclusive) break;
    }
    if (this.sent.length > 0) this.setStatus('running');
  }

  /** The time limit of the oldest call in the worker. */
  /**
   * The start's time limit. Init follows instantiation in the worker at once, so the worker may be in
   * init while its `ready` still waits in this thread's queue: init's own limit then runs from its
   * WasmCall (on disk, with the time it was recorded), and its wording is init's.
   */
  private onStartTimeLimit(): void {
    if (this.ready || this.outcome) return;
    this.readLog();
    const initCall = this.recentEvents.at(-1);
    const initStartedAt = initCall && isInitCall(initCall) ? initCall.at : undefined;
    if (initStartedAt !== undefined) {
      const left = initStartedAt + this.callTimeoutMs - Date.now();
      if (left > 0) {
        this.callTimer = setTimeout(() => this.onStartTimeLimit(), left);
        return;
      }
    }
    if (!this.killSwitch.kill(true)) return; // it became ready just now
    void this.terminateWith(
      initStartedAt !== undefined
        ? `${shortFn(INIT)} did not finish within the ${this.callTimeoutMs} ms time limit and was stopped; raise it with --timeout (CLI) or theater.callTimeoutMs (settings)`
        : `the component did not finish starting (instantiation, start function) within the ${this.callTimeoutMs} ms time limit and was stopped; raise it with --timeout (CLI) or theater.callTimeoutMs (settings)`,
      true,
    );
  }

  private armTimer(): void {
    clearTimeout(this.callTimer);
    const call = this.sent[0];
    if (!call) return;
    this.callTimer = setTimeout(() => {
      // On a busy event loop this may fire after the call returned: the call's result then stands.
      // A pipelined call that has not started yet (or already ended) is not killed: its limit starts again.
      if (!this.killSwitch.kill(true, call.seq)) {
        if (call.seq !== undefined && this.sent[0] === call) this.armTimer();
        return;
      }
      void this.terminateWith(
        `${shortFn(call.fn)} did not finish within the ${this.callTimeoutMs} ms time limit and was stopped; raise it with --timeout (CLI) or theater.callTimeoutMs (settings)`,
        true,
      );
    }, this.callTimeoutMs);
  }

  /**
   * Answers the worker's rpc `seq` and wakes it, unless it was answered already (by the worker of the
   * actor it asked, rpcReply.ts). `commit: false`: the call has no effect that waits for its event.
   */
  answerRpc(value: unknown, seq: number, commit = true): void {
    const rpc = this.rpc;
    if (!rpc) return;
    const m: RpcAnswerMessage = commit ? { value } : { value, commit: false };
    rpc.answer.answer(seq, () => rpc.port.postMessage(m));
  }

  private rejectQueued(error: string): void {
    for (const q of this.queue.splice(0)) q.resolve({ ok: false, error, refused: true });
  }

  private onMessage(m: WorkerToMain, initialState: Uint8Array | null): void {
    switch (m.kind) {
      case 'spare-ready':
        break;
      case 'ready':
        clearTimeout(this.callTimer); // the start's time limit
        this.exports = m.exports;
        if (m.rpc) this.rpc = { answer: new RpcAnswer(m.rpc.cells), port: m.rpc.port };
        this.services = servicesFor(Object.keys(this.handlerConfigs)).map((def) => ({
          def,
          service: createService(def, this.serviceHost),
        }));
        this.ready = true;
        if (this.skipInit) {
          this.initDone = true;
          this.setStatus('idle');
          this.emit('init-done', initialState);
          this.startServices();
        } else if (m.initRunning) {
          // The worker went on with init right after instantiation: it is the call in flight.
          this.sent.unshift({ msg: { cmd: 'init', state: initialState }, fn: INIT, resolve: () => {} });
          this.armTimer();
          this.setStatus('running');
        } else {
          // init goes first, ahead of anything queued while the worker started.
          this.queue.unshift({
            msg: { cmd: 'init', state: initialState, ...(this.initCause ? { cause: this.initCause } : {}) },
            fn: INIT,
            resolve: () => {},
          });
        }
        this.pump();
        break;
      case 'log':
        this.emit('log', m.message);
        break;
      case 'rpc': {
        // What the actor's handlers do on the main thread is its own, alone or in a system (its servers
        // call it through its own queue); message-server and supervisor calls go to the system.
        const service = this.serviceFor(m.op);
        if (service) this.serviceRpc(service, m.op, m.args, m.seq);
        else if (this.listenerCount('rpc') === 0) this.answerRpc(noRuntimeAnswer(m.op), m.seq, false);
        else this.emit('rpc', m.op, m.args, m.after, m.seq);
        break;
      }
      case 'restore':
        this.serviceFor(m.op)?.restore?.(m.op, m.args, m.recorded);
        break;
      case 'commit':
        for (const s of this.services) s.service.commit?.();
        this.emit('commit', m.hash);
        break;
      case 'call-done': {
        clearTimeout(this.callTimer);
        // The call's events are on disk before this message was sent; without a live listener the tail timer catches up.
        if (this.listenerCount('event') > 0) this.readLog();
        this.lastCallMs = m.ms;
        this.lastCallCpuMs = m.cpuMs;
        const call = this.sent.shift();
        this.armTimer();
        const isInit = call?.fn === INIT;
        if (m.ok) {
          this.state = m.state;
          // After the call's events: a listener that reads `state` on 'event' would see the old one.
          this.emit('state', m.state);
          if (isInit) this.initState = m.state;
          if (call?.msg.cmd === 'reset') this.failure = undefined;
          if (this.sent.length === 0) this.setStatus('idle');
          call?.resolve({ ok: true, state: m.state, ...(m.result ? { result: m.result } : {}) });
          if (isInit && !this.initDone) {
            this.initDone = true;
            this.emit('init-done', m.state);
            this.startServices();
          }
        } else if (m.refused) {
          if (this.sent.length === 0 && this.status !== 'failed') this.setStatus(this.failure ? 'paused' : 'idle');
          // A call the worker refused after an earlier failure gets the same sentence as a queued one.
          call?.resolve({ ok: false, error: ((this.failure || this.exitRequested) && this.refusal()) || m.error, refused: true });
        } else if (this.pauseOnFailure) {
          this.failure = m.error;
          this.setStatus('paused');
          const paused = this.refusal()!;
          this.rejectQueued(paused);
          call?.resolve({ ok: false, error: m.error });
          this.emit('paused', m.error, call?.fn ?? INIT);
        } else {
          call?.resolve({ ok: false, error: m.error });
          this.fail(m.error);
          break;
        }
        if (this.exitRequested) {
          this.rejectQueued(this.refusal()!);
          // Calls pipelined behind the shutting-down one come back refused first; the actor ends after them.
          if (this.sent.length > 0) break;
          if (this.listenerCount('exit-requested') > 0) this.emit('exit-requested', this.exitRequested.data);
          else void this.stop();
          break;
        }
        this.pump();
        break;
      }
      case 'finishing':
        clearTimeout(this.stopTimer);
        break;
      case 'output':
        this.readLog(); // the write is on disk before this message was sent
        this.emit('output', m.stream, m.bytes);
        break;
      case 'exited': {
        // wasi:cli/exit: the call is recorded and the instance is done; the actor ends like a stop.
        clearTimeout(this.callTimer);
        this.readLog();
        this.lastCallMs = m.ms;
        this.exitCode = m.code;
        const call = this.sent.shift();
        const why = `the actor exited with code ${m.code}`;
        call?.resolve({ ok: false, error: why });
        for (const q of this.sent.splice(0)) q.resolve({ ok: false, error: why, refused: true });
        this.rejectQueued(why);
        this.setStatus('idle');
        void this.stop();
        break;
      }
      case 'replay-report':
        this.readLog();
        this.replayReport = m.report as ReplayReport;
        break;
      case 'shutdown-requested':
        this.exitRequested = { data: m.data };
        break;
      case 'fatal':
        clearTimeout(this.callTimer);
        this.eventsOnDisk = Math.max(this.eventsOnDisk, m.events);
        this.complete({ status: 'failed', error: m.error, eventCount: this.eventCountNow() });
        void this.worker?.terminate();
        break;
      case 'debug-stopped':
        this.readLog(); // the event it stopped at is on disk
        this.emit('debug-stopped', m);
        break;
      case 'closed':
        this.eventsOnDisk = Math.max(this.eventsOnDisk, m.events);
        this.shutdownCpuMs = m.shutdownCpuMs;
        this.workerCpuMs = m.threadCpuMs;
        this.complete(
          this.failure
            ? { status: 'failed', error: this.failure, eventCount: this.eventCountNow() }
            : {
                status: 'stopped',
                state: this.state ?? this.initState ?? null,
                eventCount: this.eventCountNow(),
                ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
              },
        );
        break;
    }
  }

  private failure: string | undefined;
  /** Kills a worker that does not close its chain within 2 s of a stop (cleared once it is finishing). */
  private stopTimer: ReturnType<typeof setTimeout> | undefined;

  /** A failed call: the worker is alive but the instance is dead; close the chain cleanly. */
  private fail(error: string): void {
    this.failure = error;
    this.setStatus('failed');
    this.send({ cmd: 'shutdown' });
  }

  private send(m: MainToWorker): void {
    this.worker?.postMessage(m);
  }

  /** init is done (or skipped): services that serve on their own (a configured port) start now. */
  private startServices(): void {
    for (const s of this.services) s.service.started?.();
  }

  private complete(o: ActorOutcome): void {
    if (this.outcome) return;
    // Every service stops (processes killed, servers closed, requests abandoned); nothing more is delivered.
    for (const s of this.services) void s.service.close();
    clearTimeout(this.followTimer);
    this.killSwitch.stopWaitingForWrites();
    liveLogs.delete(path.resolve(this.logPath));
    o.eventCount = this.eventCountNow();
    this.outcome = o;
    const gone = `actor ${this.name} (${this.id}) has stopped`;
    for (const c of this.sent.splice(0)) c.resolve({ ok: false, error: o.error ?? gone });
    this.rejectQueued(gone);
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
    // Lock the worker out of the log first: even one that terminate cannot reach never writes again.
    this.killSwitch.kill(false);
    // With calls pipelined, the running one is the one whose sequence number is the phase. An idle
    // phase under the lock means the worker's last event ended its call (its call-done may still be on
    // the way here): no call is running, so none is recorded as failed.
    const phase = this.killSwitch.phase;
    const inCall = (duringCall || this.status === 'running') && phase !== PHASE_IDLE;
    const fn = (this.sent.find((c) => c.seq !== undefined && c.seq === phase) ?? this.inFlight)?.fn ?? INIT;
    const worker = this.worker;
    if (worker) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([worker.terminate(), new Promise((r) => (grace = setTimeout(r, TERMINATE_GRACE_MS)))]);
      clearTimeout(grace);
      worker.unref();
    }
    const tail = [];
    if (inCall) tail.push({ eventType: 'wasm', data: wasmError(fn, reason) });
    tail.push({ eventType: 'shutdown', data: shutdownPayload() });
    try {
      appendAfterTermination(this.logPath, tail, (ev, i) => this.pushEvent(ev, i));
    } catch (e) {
      reason += `; the log could not be completed: ${(e as Error).message}`;
    }
    const failed = inCall || this.status === 'failed' || this.status === 'paused' || this.status === 'starting';
    this.complete(
      failed
        ? { status: 'failed', error: this.failure ?? reason, eventCount: this.eventCountNow() }
        : { status: 'stopped', state: this.state ?? this.initState ?? null, eventCount: this.eventCountNow() },
    );
    return this.outcome!;
  }

  async stop(reason = 'stopped by the user'): Promise<ActorOutcome> {
    if (this.outcome) return this.outcome;
    if (this.status === 'idle' || this.status === 'failed' || this.status === 'paused') {
      // The worker is between calls: let it write the shutdown event itself; kill it if it does not.
      this.closing = true;
      this.rejectQueued(`actor ${this.name} (${this.id}) has stopped`);
      this.send({ cmd: 'shutdown' });
      this.stopTimer = setTimeout(() => {
        this.closing = false;
        void this.terminateWith(reason);
      }, 2000);
      const o = await this.finished;
      clearTimeout(this.stopTimer);
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

/** What a message-server or supervisor call gets when the actor runs alone, without a system to route it. */
function noRuntimeAnswer(op: string): unknown {
  if (/\/(list-outstanding-requests|list-children)$/.test(op)) return [];
  return { tag: 'err', val: 'this actor runs alone: messages and children need `theater run` or the Actors view' };
}

let chosenWorkerScript: string | undefined;

/**
 * Runs actors on this worker script from now on (undefined: the default). The bench uses it to measure
 * the shipped bundle (dist/actorWorker.js, what the extension and the CLI run) from the compiled API.
 */
export function useWorkerScript(file: string | undefined): void {
  chosenWorkerScript = file;
}

function workerScript(): string {
  if (chosenWorkerScript) return chosenWorkerScript;
  // Bundled: dist/actorWorker.js beside this code; compiled for tests: out/src/runtime/host/actorWorker.js.
  const candidates = [path.join(__dirname, 'actorWorker.js'), path.join(__dirname, '..', '..', '..', '..', 'dist', 'actorWorker.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new TheaterError('The actor worker script is missing from this installation; rebuild with `npm run build`.', 'install');
  return found;
}

// A worker takes ~50 ms to boot and load the runtime. With prewarming on (the extension), one spare
// worker waits ready, so starting an actor skips that; the CLI, which starts one actor, leaves it off.
let prewarm = false;
// A small young generation: an idle actor's worker keeps ~0.6 MiB less resident (measured with 100
// idle actors, bench/actors.mjs), with no loss of message throughput measured. The guest's memory is
// Wasm memory, outside the JS heap.
const ACTOR_YOUNG_GENERATION_MIB = 2;
const WORKER_LIMITS = { maxOldGenerationSizeMb: ACTOR_HEAP_MAX_MIB, maxYoungGenerationSizeMb: ACTOR_YOUNG_GENERATION_MIB };
/** The resource limits every actor's worker gets (the bench starts empty workers with them for its floor). */
export const ACTOR_WORKER_LIMITS: Readonly<typeof WORKER_LIMITS> = WORKER_LIMITS;
let spare: Worker | undefined;
let spareReady: Promise<void> = Promise.resolve();

/** The component the next actor most likely runs (the last one started): the spare loads it ahead. */
let expected: SpareInput | null = null;

function spawnSpare(): void {
  if (!prewarm || spare) return;
  const w = new Worker(workerScript(), { workerData: { spare: expected }, stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
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
  spawnSpare(); // one may be due (it starts once the last actor has started)
  return spareReady;
}

/** The thread id of the spare worker waiting for the next actor, if there is one. */
export function spareThreadId(): number | undefined {
  return spare?.threadId;
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
  if (!input.replayChainPath && !input.debugControl) expected = { bindingsDir: input.bindingsDir, maxMemoryPages: input.maxMemoryPages };
  const w = spare;
  if (!w) return new Worker(workerScript(), { workerData: input, stdout: false, stderr: false, resourceLimits: WORKER_LIMITS });
  spare = undefined;
  w.removeAllListeners('exit');
  w.removeAllListeners('error');
  w.removeAllListeners('message');
  w.ref();
  w.postMessage({ cmd: 'setup', input });
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
    ...(options.forkAt !== undefined ? { forkAt: options.forkAt } : {}),
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
    liveLogs.add(path.resolve(logPath));
    if (!options.chainLogPath) cleanChains(chainsDir, options.retention ?? DEFAULT_RETENTION, liveLogs);
  } catch (e) {
    throw diskWriteError(e, 'the chain log', options.chainLogPath ?? chainsDir) ?? e;
  }

  const killSwitch = new SessionKillSwitch(createKillSwitchBuffer());
  const session = new ActorSession(
    id,
    prepared.name,
    prepared.manifestPath,
    logPath,
    options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    killSwitch,
  );
  // --max-memory / theater.maxMemoryMiB (when given) over the manifest's max_memory_mib over the default.
  const maxMemoryMiB = options.maxMemoryMiB ?? prepared.maxMemoryMiB ?? ACTOR_MEMORY_MAX_MIB;
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
    killSwitch: killSwitch.buffer,
    maxMemoryPages: Math.max(1, Math.floor((maxMemoryMiB * 2 ** 20) / WASM_PAGE_BYTES)),
    ...(prepared.replayChainPath ? { replayChainPath: prepared.replayChainPath } : {}),
    ...(options.forkAt !== undefined ? { replayLiveAfter: options.forkAt } : {}),
    ...(options.overrides?.length ? { replayOverrides: options.overrides } : {}),
    ...(options.debugControl ? { debugControl: options.debugControl } : {}),
  };
  if (options.skipInit) session.skipInit = true;
  if (options.initCause) session.initCause = options.initCause;
  session.memoryCapMiB = maxMemoryMiB;
  if (options.debugControl || prepared.replayChainPath) session.pipeline = 1;
  session.handlerConfigs = prepared.handlerConfigs;
  session.replaying = !!prepared.replayChainPath;
  session.forking = options.forkAt !== undefined;
  session.manifestInitialState = prepared.initialState;
  const initialState = options.initialState !== undefined ? options.initialState : prepared.initialState;
  // init follows instantiation in the worker at once, except where the session drives it (replay, debugger).
  if (!options.skipInit && !prepared.replayChainPath && !options.debugControl)
    input.initNow = { state: initialState, ...(options.initCause ? { cause: options.initCause } : {}) };
  session.attach(takeWorker(input), initialState);
  return session;
}

const INIT_CALL_HEAD = Buffer.from(`{"category":"Wasm","WasmCall":{"function_name":"${INIT}"`);
/** The event is init's WasmCall (our payload envelope, key order fixed). */
function isInitCall(ev: ChainEvent): boolean {
  return (
    ev.eventType === 'wasm' &&
    Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.length).subarray(0, INIT_CALL_HEAD.length).equals(INIT_CALL_HEAD)
  );
}
