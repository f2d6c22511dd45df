// Entry of an actor's worker thread: instantiates the transpiled component with recording handler
// imports and runs calls into it. A trap or endless loop here never reaches the host process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, parentPort, receiveMessageOnPort, threadId, workerData } from 'node:worker_threads';
import type { EventCause } from '../chain/event';
import { toHex } from '../chain/hash';
import { findExportFunction, fromSerde, paramsJson, resultJson } from '../handlers/actorExports';
import { t } from '../wit/types';
import { quoteJsonString } from '../chain/json';
import { ChainLogReader, ChainLogWriter } from '../chain/log';
import { replaySummary, shutdownPayload, wasmCall, wasmError, wasmResult } from '../chain/payload';
import { findHandler } from '../handlers/registry';
import { ActorExit, type HandlerContext, type HandlerInstance, type InterfaceSpec } from '../handlers/types';
import { ANSWER_LIVE, bindInterface, ResourceTable, type CallAnswerer } from './binder';
import { isIncomingHandle } from '../handlers/http/incoming';
import type { MainToWorker, RpcAnswerMessage, SpareInput, WorkerInput, WorkerToMain } from './protocol';
import { Recorder } from './recorder';
import { answerWithBytes, createRpcReplyBuffer, RpcWait, type ReplyTo } from './rpcReply';
import type { ReplaySession } from './replay';
import { threadCpuMs } from './threadCpu';
import { createKillSwitchBuffer, PHASE_IDLE, WorkerWriteLock } from './killSwitch';
import { capMemory, WASM_PAGE_BYTES } from '../component/memoryCap';
import { GROW_HOOK_MODULE, GROW_HOOK_NAME, GROW_HOOK_VERSION } from '../component/growHookAbi';

// What only some actors need loads when it is first needed, not with every worker: an idle actor's
// worker keeps its loaded code resident (docs/actors.md, "Memory of an idle actor"). The debugger's
// gate, replay, the wasi:http export and the core-module rewriter (its output is cached beside the
// component).
const debugGate = () => require('./debugGate') as typeof import('./debugGate');
const replayModule = () => require('./replay') as typeof import('./replay');
const wasiHttp = () => require('../handlers/http/wasiHttp') as typeof import('../handlers/http/wasiHttp');
const growHookRewriter = () => require('../component/growHook') as typeof import('../component/growHook');

const INIT = 'theater:simple/actor.init';
const port = parentPort!;
const post = (m: WorkerToMain) => port.postMessage(m);
const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** jco's name of an export function (`handle-request` → `handleRequest`), made once per name. */
const jsNames = new Map<string, string>();
function jsName(witName: string): string {
  let n = jsNames.get(witName);
  if (n === undefined) {
    n = witName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    jsNames.set(witName, n);
  }
  return n;
}

/** Runs one actor in this worker; `input` arrives as workerData or, for a pre-started spare worker, as its first message. */
function runActor(input: WorkerInput): void {
  const { writer, lastHash, count } = ChainLogWriter.openForAppend(input.logPath);
  // The main thread follows the log file itself; the worker only writes it.
  let state: Uint8Array | null = null;
  // Under a debugger, the gate may block here after an event is on disk, before the guest goes on.
  const gate = input.debugControl ? debugGate().createDebugGate(input.debugControl, post, () => state) : undefined;
  const lock = new WorkerWriteLock(input.killSwitch);
  // A live run keeps no events in memory (get-chain reads the log); a replay compares whole chains.
  const recorder = new Recorder(writer, gate, { lastHash, count }, { keepEvents: false, lock });
  // runtime.log output is posted only after the event of its call is on disk: nothing the guest did
  // is visible outside before it is in the chain.
  let pendingLogs: string[] = [];
  const flushLogs = (): void => {
    if (pendingLogs.length === 0) return;
    const logs = pendingLogs;
    pendingLogs = [];
    for (const message of logs) post({ kind: 'log', message });
  };
  // The guest's memories, to tell a trap at the memory cap from any other. (The project's lib has no
  // WebAssembly JS API types beyond what @types/node declares.)
  const memories: Array<{ buffer: ArrayBuffer }> = [];
  const wasm = WebAssembly as unknown as {
    instantiate(m: unknown, i: unknown): Promise<{ exports: Record<string, unknown> }>;
    Memory: new (...a: never[]) => { buffer: ArrayBuffer };
    Module: { imports(m: unknown): Array<{ module: string; name: string }> };
  };
  let shutdownRequested: { data: Uint8Array | undefined } | undefined;
  // After runtime.shutdown, calls already waiting in this worker are refused (the actor ends after its call).
  let exiting = false;
  let dead: string | undefined;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  // Host calls that need the runtime: post the question, block until it is answered (rpcReply.ts), take
  // the answer off the port, or the response bytes another actor's worker wrote for a request.
  const rpcWait = new RpcWait(createRpcReplyBuffer());
  const { port1: rpcIn, port2: rpcOut } = new MessageChannel();
  let commitPending = false;

  const context: HandlerContext = {
    actorId: input.actorId,
    actorName: input.actorName,
    manifestDir: input.manifestDir,
    dataDir: input.dataDir,
    log: (message) => {
      pendingLogs.push(message);
    },
    chain: (onEvent) => {
      // The log as written so far, one event at a time: no event is kept here.
      const r = ChainLogReader.open(input.logPath);
      try {
        for (let ev = r.next(); ev; ev = r.next()) onEvent(ev);
      } finally {
        r.close();
      }
    },
    currentState: () => state,
    requestShutdown: (data) => {
      shutdownRequested = { data };
    },
    recordDenial: (iface, operation, subject, message) => {
      const inputJson = `{"Tuple":[{"String":${quoteJsonString(operation)}},{"String":${quoteJsonString(subject)}}]}`;
      recorder.recordHostCall(iface, 'permission-denied', inputJson, `{"String":${quoteJsonString(message)}}`);
    },
    recordNote: (iface, name, inputJson, outputJson) => {
      recorder.recordHostCall(iface, name, inputJson, outputJson);
    },
    blockFor: (ms) => {
      if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
    },
    output: (stream, bytes) => {
      pendingOutput.push({ kind: 'output', stream, bytes: new Uint8Array(bytes) });
    },
    configOf: (type) => input.handlerConfigs[type],
    hostCall: (op, args) => {
      const seq = rpcWait.open();
      post({ kind: 'rpc', op, args, after: recorder.lastHash ? toHex(recorder.lastHash) : null, seq });
      const response = rpcWait.wait(seq);
      // Another actor answered a request directly: a request has no effect that waits for its event.
      if (response) return { tag: 'ok', val: response };
      const answer = receiveMessageOnPort(rpcIn)?.message as RpcAnswerMessage | undefined;
      commitPending = answer?.commit !== false;
      return answer?.value;
    },
  };
  // The guest's stdout/stderr leave the worker only once the call that wrote them is in the chain.
  const pendingOutput: Array<Extract<WorkerToMain, { kind: 'output' }>> = [];

  function recordCall(importName: string, fn: string, inputJson: string, outputJson: string): void {
    recorder.recordHostCall(importName, fn, inputJson, outputJson);
    flushLogs();
    if (commitPending) {
      commitPending = false;
      post({ kind: 'commit', hash: toHex(recorder.lastHash!) });
    }
    while (pendingOutput.length > 0) post(pendingOutput.shift()!);
  }

  async function instantiate(answer: CallAnswerer | undefined): Promise<any> {
    const instances = new Map<string, HandlerInstance>();
    const specs: InterfaceSpec[] = [];
    for (const b of input.bindings) {
      const def = findHandler(b.handlerType)!;
      specs.push(def.interfaces.find((i) => i.name === b.interfaceName)!);
    }
    resources = new ResourceTable();
    const imports: Record<string, unknown> = {};
    for (const b of input.bindings) {
      const def = findHandler(b.handlerType)!;
      let inst = instances.get(b.handlerType);
      // A fork needs the live handlers for the calls after its fork point.
      if (!inst && (!answer || input.replayLiveAfter !== undefined)) {
        inst = def.create(context, input.handlerConfigs[b.handlerType] ?? {});
        instances.set(b.handlerType, inst);
      }
      const iface = def.interfaces.find((i) => i.name === b.interfaceName)!;
      // A fork: what the guest set up before the fork point (answered from the chain) is re-applied
      // by the handler's live main-thread service, so its servers exist (and listen) after it.
      const restoreCall = def.restoreCall;
      const bindAnswer: CallAnswerer | undefined =
        answer && input.replayLiveAfter !== undefined && restoreCall
          ? (importName, spec, hostArgs, inputJson) => {
              const out = answer(importName, spec, hostArgs, inputJson);
              if (out !== ANSWER_LIVE) {
                const c = restoreCall(input.handlerConfigs[b.handlerType] ?? {}, spec.name, hostArgs, out);
                if (c) post({ kind: 'restore', op: c.op, args: c.args, recorded: out });
              }
              return out;
            }
          : answer;
      imports[b.jcoKey] = bindInterface({
        importName: b.importName,
        iface,
        impl: inst?.functions(iface.name) ?? {},
        record: recordCall,
        ...(bindAnswer ? { answer: bindAnswer } : {}),
        resources,
        allInterfaces: specs,
      });
    }
    // A spare worker may have loaded this component's bindings and compiled its core modules ahead.
    const pre =
      preloaded && preloaded.bindingsDir === input.bindingsDir && preloaded.maxMemoryPages === input.maxMemoryPages ? preloaded : undefined;
    const bindings = pre ? await pre.bindings : await importBindings(input.bindingsDir);
    const compile = (file: string) => pre?.modules.get(file) ?? compileCore(input.bindingsDir, file, input.maxMemoryPages);
    memories.length = 0;
    // Every memory.grow asks first: once the actor is stopped, the grow waits for terminate (V8 defers
    // a terminate while a guest keeps growing its memory).
    const growHook = {
      [GROW_HOOK_NAME]: (pages: number) => {
        lock.stopIfKilled();
        let now = 0;
        for (const mem of memories) now = Math.max(now, mem.buffer.byteLength / WASM_PAGE_BYTES);
        lock.noteMemoryPages(now + (pages >>> 0));
        return pages;
      },
    };
    const instantiateCore = async (m: unknown, i: unknown) => {
      const hooked = wasm.Module.imports(m).some((x) => x.module === GROW_HOOK_MODULE);
      if (hooked) i = { ...(i as object), [GROW_HOOK_MODULE]: growHook };
      const inst = await wasm.instantiate(m, i);
      for (const v of Object.values(inst.exports)) if (v instanceof wasm.Memory) memories.push(v);
      return inst;
    };
    return bindings.instantiate(compile, imports, instantiateCore);
  }

  // runtime.shutdown(data) ends the actor after the current call: the main thread learns it before the call's end.
  function callDone(m: Extract<WorkerToMain, { kind: 'call-done' }>): void {
    flushLogs();
    if (replaying) {
      lastDone = m;
      return;
    }
    lock.setPhase(PHASE_IDLE); // (already idle when the call's last event set it)
    if (shutdownRequested) {
      post({ kind: 'shutdown-requested', ...(shutdownRequested.data ? { data: shutdownRequested.data } : {}) });
      shutdownRequested = undefined;
      exiting = true;
    }
    post(m);
  }

  /** One sentence for the user: what failed, in terms of the actor. */
  function describeFailure(e: unknown, fn = 'init'): string {
    // jco throws the `err` payload of a result-returning export as is (older versions wrap it in ComponentError).
    if (typeof e === 'string') return `${fn} returned an error: ${e}`;
    if (e && typeof e === 'object' && 'payload' in e) return `${fn} returned an error: ${String((e as { payload: unknown }).payload)}`;
    const capBytes = input.maxMemoryPages * WASM_PAGE_BYTES;
    if (memories.some((m) => m.buffer.byteLength + WASM_PAGE_BYTES > capBytes)) {
      const detail = e instanceof Error ? e.message : String(e);
      return `the actor reached its memory cap of ${capBytes / 2 ** 20} MiB and trapped (${detail}); raise it with max_memory_mib (manifest), --max-memory (CLI) or theater.maxMemoryMiB (settings)`;
    }
    if (e instanceof WebAssembly.RuntimeError) return `the actor trapped: ${(e as Error).message}`;
    // A guest recursing too deep exhausts the worker's stack inside Wasm: the guest's stack overflow, not a host failure.
    if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message))
      return 'the actor trapped: stack overflow (call stack exhausted in guest code)';
    const msg = e instanceof Error ? e.message : String(e);
    return `a host call failed: ${msg}`;
  }

  /** The ActorExit a wasi:cli/exit call threw, however jco passed it on. */
  function exitOf(e: unknown): ActorExit | undefined {
    if (e instanceof ActorExit) return e;
    const inner =
      e && typeof e === 'object'
        ? ((e as { cause?: unknown; payload?: unknown }).cause ?? (e as { payload?: unknown }).payload)
        : undefined;
    return inner instanceof ActorExit ? inner : undefined;
  }

  let actorExports: any;
  let instance: any;
  let resources = new ResourceTable();
  const instancePerRequest = input.handlerConfigs['wasi-http']?.instance_per_request === true;
  // A replay re-drives every recorded call before it answers the main thread's init once.
  let replaying = false;
  let lastDone: Extract<WorkerToMain, { kind: 'call-done' }> | undefined;
  let replay: ReplaySession | undefined;

  async function setUp(): Promise<void> {
    if (input.replayChainPath) {
      // Denials the recording has next to a call are part of the chain: the replay records them again.
      replay = replayModule().createReplayAnswerer(input.replayChainPath, {
        nextIndex: () => recorder.count,
        rerecord: (eventType, data) => recorder.record(eventType, data),
        ...(input.replayLiveAfter !== undefined ? { liveAfter: input.replayLiveAfter } : {}),
        ...(input.replayOverrides ? { overrides: input.replayOverrides } : {}),
      });
    }
    await freshInstance();
  }

  async function freshInstance(): Promise<void> {
    instance = await instantiate(replay?.answer);
    actorExports = instance['theater:simple/actor'] ?? instance.actor;
    if (!actorExports || typeof actorExports.init !== 'function')
      throw new Error('the component does not export theater:simple/actor with an init function');
    dead = undefined;
  }

  const exportNames = () => Object.keys(instance ?? {}).filter((k) => k.includes(':'));

  /** One call into an export other than init: recorded like init; the returned state replaces the stored one. */
  function callExport(
    fn: string,
    args: unknown[],
    cause: EventCause | undefined,
    seq?: number,
    recordedResult?: string,
    reply?: ReplyTo,
  ): void {
    if (isIncomingHandle(fn)) {
      callIncoming(fn, String(args[0]), cause, seq, recordedResult);
      return;
    }
    const spec = findExportFunction(fn);
    const f = spec ? instance?.[spec.iface]?.[jsName(spec.name)] : undefined;
    if (!spec || typeof f !== 'function') {
      callDone({ kind: 'call-done', ok: false, error: `the actor does not export ${fn}`, ms: 0, refused: true });
      return;
    }
    // A pipelined call is running from its WasmCall on: its sequence number is the phase (killSwitch.ts).
    recorder.record('wasm', wasmCall(fn, utf8(paramsJson(spec, args))), cause, seq);
    const t0 = performance.now();
    const c0 = threadCpuMs();
    try {
      const out = f(state ?? undefined, args) as unknown[];
      const newState = out[0] as Uint8Array | undefined;
      state = newState ? new Uint8Array(newState) : null;
      const result = spec.result ? (out[1] as unknown[]) : undefined;
      recorder.record('wasm', wasmResult(fn, state, utf8(result ? resultJson(spec, result) : 'null')), undefined, PHASE_IDLE);
      // A request from another actor: its response goes to the waiting caller now that the WasmResult
      // is on disk, before the session hears of it (the session's own answer is then dropped).
      const response = reply ? result?.[0] : undefined;
      if (response instanceof Uint8Array) answerWithBytes(reply!, response);
      callDone({
        kind: 'call-done',
        ok: true,
        state,
        ms: performance.now() - t0,
        cpuMs: threadCpuMs() - c0,
        ...(result ? { result } : {}),
      });
    } catch (e) {
      dead = describeFailure(e, spec.name);
      recorder.record('wasm', wasmError(fn, dead), undefined, PHASE_IDLE);
      callDone({ kind: 'call-done', ok: false, error: dead, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 });
    }
  }

  /**
   * wasi:http/incoming-handler.handle: the request (WasmCall params, as recorded) becomes the guest's
   * incoming-request, and what it sets on the response-outparam the WasmResult. A replay answers the
   * guest's calls from the chain, so it records the recorded response.
   */
  function callIncoming(fn: string, requestJson: string, cause: EventCause | undefined, seq?: number, recordedResult?: string): void {
    const iface = fn.slice(0, fn.lastIndexOf('/'));
    const exported = instance?.[iface] ?? instance?.incomingHandler;
    if (!exported || typeof exported.handle !== 'function') {
      callDone({ kind: 'call-done', ok: false, error: `the actor does not export ${iface}`, ms: 0, refused: true });
      return;
    }
    // A pipelined call is running from its WasmCall on: its sequence number is the phase (killSwitch.ts).
    recorder.record('wasm', wasmCall(fn, utf8(requestJson)), cause, seq);
    const t0 = performance.now();
    const c0 = threadCpuMs();
    try {
      const { incomingResources, responseJson } = wasiHttp();
      const { request, outparam } = incomingResources(requestJson);
      const owner = 'wasi:http/types';
      exported.handle(resources.wrap('incoming-request', owner, request), resources.wrap('response-outparam', owner, outparam));
      const result = replay && recordedResult !== undefined ? recordedResult : responseJson(outparam);
      recorder.record('wasm', wasmResult(fn, state, utf8(result)), undefined, PHASE_IDLE);
      callDone({ kind: 'call-done', ok: true, state, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0, result: [result] });
    } catch (e) {
      dead = describeFailure(e, 'handle');
      recorder.record('wasm', wasmError(fn, dead), undefined, PHASE_IDLE);
      callDone({ kind: 'call-done', ok: false, error: dead, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 });
    }
  }

  function callInit(initial: Uint8Array | null, cause?: EventCause): void {
    state = initial;
    // A replay passes the recorded params (an old-shape init carries the recorded actor id).
    const recordedId = replay?.recordedInitParams?.startsWith('[') ? (JSON.parse(replay.recordedInitParams) as string[])[0] : undefined;
    const actorIdParam = recordedId ?? input.actorId;
    const params = input.initTakesParams ? JSON.stringify([actorIdParam]) : 'null';
    recorder.record('wasm', wasmCall(INIT, utf8(params)), cause);
    const t0 = performance.now();
    const c0 = threadCpuMs();
    try {
      const args: unknown[] = [initial ?? undefined];
      if (input.initTakesParams) args.push([actorIdParam]);
      const [newState] = actorExports.init(...args) as [Uint8Array | undefined];
      state = newState ? new Uint8Array(newState) : null;
      recorder.record('wasm', wasmResult(INIT, state, utf8('null')), undefined, PHASE_IDLE);
      callDone({ kind: 'call-done', ok: true, state, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 });
    } catch (e) {
      const exit = exitOf(e);
      if (exit) {
        // wasi:cli/exit: the exit call is the chain's last guest event; the actor ends like a stop.
        dead = exit.message;
        post({ kind: 'exited', code: exit.code, ms: performance.now() - t0 });
        return;
      }
      // jco does not poison an instance after a trap; we never call into it again.
      dead = describeFailure(e);
      recorder.record('wasm', wasmError(INIT, dead), undefined, PHASE_IDLE);
      callDone({ kind: 'call-done', ok: false, error: dead, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 });
    }
  }

  /**
   * Replay of a living actor: init and then every recorded call in order, host calls answered from the
   * chain (other actors do not run). After a failed call, or for a restart's init, a fresh instance, as live.
   */
  async function replayAll(session: ReplaySession, initial: Uint8Array | null): Promise<void> {
    replaying = true;
    const [first, ...rest] = session.recordedCalls;
    try {
      if (!first || first.fn === INIT) callInit(initial);
      for (const call of rest) {
        // (wasi-http `instance_per_request`: each recorded request on a fresh instance, as live.)
        if (dead || call.fn === INIT || (instancePerRequest && isIncomingHandle(call.fn))) await freshInstance();
        if (call.fn === INIT) {
          callInit(initial);
          continue;
        }
        if (isIncomingHandle(call.fn)) {
          callExport(call.fn, [call.paramsJson], undefined, undefined, call.resultJson);
          continue;
        }
        const spec = findExportFunction(call.fn);
        const args = spec ? (fromSerde(t.tuple(...spec.params), JSON.parse(call.paramsJson)) as unknown[]) : [];
        callExport(call.fn, args, undefined);
      }
    } catch (e) {
      lastDone = { kind: 'call-done', ok: false, error: `the replay could not re-drive a recorded call: ${(e as Error).message}`, ms: 0 };
    }
    replaying = false;
    callDone(lastDone ?? { kind: 'call-done', ok: true, state, ms: 0 });
  }

  function shutdown(): void {
    const c0 = threadCpuMs();
    recorder.record('shutdown', shutdownPayload());
    if (replay) {
      // Comparing a big recording takes a while: the session must not take it for a stuck guest.
      post({ kind: 'finishing' });
      const report = replay.finish(input.logPath);
      // A fork's chain is a live chain from its fork point on: no replay summary in it.
      if (!replay.forking)
        recorder.record(
          'replay-summary',
          replaySummary(
            report.total,
            report.matched,
            report.verdict === 'replayed' ? 0 : 1,
            report.verdict === 'replayed',
            report.verdict === 'replayed' ? null : report.message,
          ),
        );
      post({ kind: 'replay-report', report });
    }
    recorder.close();
    const c1 = threadCpuMs();
    post({ kind: 'closed', events: recorder.count, shutdownCpuMs: c1 - c0, threadCpuMs: c1 });
    port.close();
  }

  port.on('message', (m: MainToWorker) => {
    if (m.cmd === 'shutdown') {
      shutdown();
      return;
    }
    if (m.cmd === 'reset') {
      // A failed instance is never called again; resume and restart get a fresh one (same chain).
      freshInstance().then(
        () => {
          if (m.init) callInit(m.state, m.cause);
          else {
            state = m.state;
            callDone({ kind: 'call-done', ok: true, state, ms: 0 });
          }
        },
        (e: unknown) => callDone({ kind: 'call-done', ok: false, error: `the actor could not be instantiated again: ${String(e)}`, ms: 0 }),
      );
      return;
    }
    if (dead || exiting) {
      const error = dead ? `the actor cannot be called again after: ${dead}` : 'the actor is shutting down';
      callDone({ kind: 'call-done', ok: false, error, ms: 0, refused: true });
      return;
    }
    if (m.cmd === 'init' && replay) void replayAll(replay, m.state);
    else if (m.cmd === 'init') callInit(m.state, m.cause);
    else if (instancePerRequest && isIncomingHandle(m.fn)) {
      // wasi-http `instance_per_request`: a fresh instance for each request, as `wasmtime serve` makes.
      freshInstance().then(
        () => callExport(m.fn, m.args, m.cause, m.seq),
        (e: unknown) =>
          callDone({ kind: 'call-done', ok: false, error: `the actor could not be instantiated for the request: ${String(e)}`, ms: 0 }),
      );
    } else callExport(m.fn, m.args, m.cause, m.seq, undefined, m.reply);
  });

  setUp().then(
    () => {
      const rpc = { cells: rpcWait.buffer, port: rpcOut };
      if (input.initNow && !replay) {
        // Still busy (the start's phase) until init's last event: init goes on at once.
        port.postMessage({ kind: 'ready', exports: exportNames(), rpc, initRunning: true }, [rpcOut]);
        callInit(input.initNow.state, input.initNow.cause);
        return;
      }
      lock.setPhase(PHASE_IDLE);
      port.postMessage({ kind: 'ready', exports: exportNames(), rpc }, [rpcOut]);
    },
    (e: unknown) => {
      const message = `the component could not be instantiated: ${e instanceof Error ? e.message : String(e)}`;
      recorder.record('wasm', wasmError(INIT, message), undefined, PHASE_IDLE);
      recorder.close();
      post({ kind: 'fatal', error: message, events: recorder.count });
    },
  );
}

// The bindings are ESM; keep a real dynamic import even inside a CommonJS bundle.
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;
const importBindings = (dir: string): Promise<any> => importEsm(pathToFileURL(path.join(dir, 'actor.js')).href);
const compileCore = (dir: string, file: string, pages: number): Promise<unknown> =>
  WebAssembly.compile(capMemory(hookedModule(dir, file), pages));

/**
 * What a spare worker loaded ahead for the component it expects (the last one started): the bindings
 * module and the compiled core modules. Code only, no instance: a spare has never run an actor, and
 * every actor gets a worker of its own, so nothing of one actor can reach another.
 */
let preloaded: { bindingsDir: string; maxMemoryPages: number; bindings: Promise<any>; modules: Map<string, Promise<unknown>> } | undefined;

async function preload(p: SpareInput): Promise<void> {
  // A failure here is not the spare's: the actor's own start loads and compiles again and reports it.
  try {
    const modules = new Map<string, Promise<unknown>>();
    for (const file of fs.readdirSync(p.bindingsDir).filter((f) => f.endsWith('.wasm')))
      modules.set(file, compileCore(p.bindingsDir, file, p.maxMemoryPages));
    const bindings = importBindings(p.bindingsDir);
    await Promise.all([bindings, ...modules.values()]);
    preloaded = { bindingsDir: p.bindingsDir, maxMemoryPages: p.maxMemoryPages, bindings, modules };
  } catch {
    preloaded = undefined;
  }
}

/**
 * Runs the log's write and read paths, the recorder and the thread CPU sample once on a throwaway file
 * (removed again), so an actor's first events do not pay for compiling that code. No guest code runs.
 */
function warmUp(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-spare-'));
  try {
    const file = path.join(dir, 'warm-up.chain.jsonl');
    const header = {
      format: 'theater-vscode-chain' as const,
      version: 1 as const,
      actorId: 'warm-up',
      actorName: 'warm-up',
      manifestPath: null,
      componentSha256: null,
      startedAt: new Date(0).toISOString(),
    };
    ChainLogWriter.create(file, header).close();
    const { writer, lastHash, count } = ChainLogWriter.openForAppend(file);
    const lock = new WorkerWriteLock(createKillSwitchBuffer());
    const rec = new Recorder(writer, () => {}, { lastHash, count }, { keepEvents: false, lock });
    rec.record('wasm', wasmCall(INIT, utf8('null')));
    rec.record('wasm', wasmResult(INIT, null, utf8('null')), undefined, PHASE_IDLE);
    rec.close();
    threadCpuMs();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// A spare worker (started ahead of time so the next actor starts fast) waits for its input.
const spareInput = workerData as WorkerInput | { spare: SpareInput | null } | null;
if (spareInput && !('spare' in spareInput)) runActor(spareInput);
else {
  port.once('message', (m: { cmd: 'setup'; input: WorkerInput }) => runActor(m.input));
  const ahead = spareInput?.spare;
  try {
    warmUp();
  } catch {
    // Only a head start: the actor's own start does the same work.
  }
  void (ahead ? preload(ahead) : Promise.resolve()).then(() => post({ kind: 'spare-ready' }));
}

/**
 * A core module of the transpiled component with the grow hook (growHook.ts), kept beside it: the
 * rewrite takes about half a second on a 12 MB module, so it is done once per transpiled component.
 */
function hookedModule(dir: string, file: string): Uint8Array {
  const cached = path.join(dir, `${file}.grow-hook-v${GROW_HOOK_VERSION}`);
  try {
    return fs.readFileSync(cached);
  } catch {
    /* not made yet */
  }
  const original = fs.readFileSync(path.join(dir, file));
  const hooked = growHookRewriter().addGrowHook(original);
  try {
    const tmp = `${cached}.${process.pid}.${threadId}.tmp`;
    fs.writeFileSync(tmp, hooked);
    fs.renameSync(tmp, cached);
  } catch {
    /* a read-only cache: rewrite again next time */
  }
  return hooked;
}
