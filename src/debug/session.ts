// The Theater debug adapter: DAP requests in, responses and events out, over any transport (stdio for
// `theater debug-adapter`, in-process for the extension). Threads are actors; the call stack is the
// host call (top) over the export call it runs under. Two modes:
// - live (`manifest`): the actor runs in its worker with real handlers; the DebugGate pauses it after
//   an event is recorded; Continue / Step Over / Pause drive the gate.
// - chain (`chain`): a cursor over a recorded chain, forwards and backwards (supportsStepBack). With
//   `manifest` too, the actor's component first replays the recording (in its worker, answered from
//   the chain), and the cursor walks the replay's chain with the first divergence as an exception.
import * as path from 'node:path';
import { toHex } from '../runtime/chain/hash';
import { ChainEventIndex } from '../runtime/chain/eventIndex';
import { escapeControlChars } from '../runtime/text/escape';
import {
  classifyFailure,
  DebugController,
  EXCEPTION_ERR,
  EXCEPTION_TRAP,
  eventTypeMatcher,
  type DebugStopped,
} from '../runtime/host/debugGate';
import type { ReplayReport } from '../runtime/host/replay';
import type { ActorSession } from '../runtime/host/session';
import { Timeline } from './timeline';
import { VariableStore, type Variable } from './values';
import type { DapMessage } from './wire';

export interface LaunchArguments {
  /** Live mode: the actor to run; with `chain`: the actor whose component replays the chain. */
  manifest?: string;
  chain?: string;
  stopOnEntry?: boolean;
  /** Live mode: where the chain log goes (default beside the manifest). */
  chainOut?: string;
  dataDir?: string;
  noDebug?: boolean;
}

const THREAD_ID = 1;
const EXCEPTION_FILTERS = [
  { filter: 'trap', label: 'Trap', description: 'Stop when the actor traps', default: true },
  { filter: 'err', label: 'Err result', description: 'Stop when an export returns an Err', default: false },
  {
    filter: 'divergence',
    label: 'Replay divergence',
    description: 'Stop at the first event that differs from the recording (replay)',
    default: true,
  },
];

type Request = DapMessage & { command: string; arguments?: any };

export class TheaterDebugSession {
  private seq = 1;
  private mode: 'live' | 'chain' | undefined;
  private timeline: Timeline | undefined;
  private current = 0;
  private actorName = 'actor';
  private chainPath: string | undefined;
  /** Chain mode: the event index of the first divergence from the recording (a replay's), if any. */
  private divergenceAt: number | undefined;
  private replayReport: ReplayReport | undefined;
  private patterns: string[] = [];
  private exceptionFlags = EXCEPTION_TRAP;
  private readonly vars = new VariableStore();
  private controller: DebugController | undefined;
  private actor: ActorSession | undefined;
  private liveState: Uint8Array | null = null;
  private launchArgs: LaunchArguments = {};
  private ended = false;
  private closed = false;

  /** `onDisconnect`: after the disconnect response went out (the stdio adapter exits then). */
  constructor(
    private readonly send: (m: object) => void,
    private readonly onDisconnect: () => void = () => {},
  ) {}

  private event(event: string, body?: object): void {
    this.send({ seq: this.seq++, type: 'event', event, ...(body ? { body } : {}) });
  }

  private respond(req: Request, body?: object, error?: string): void {
    this.send({
      seq: this.seq++,
      type: 'response',
      request_seq: req.seq,
      command: req.command,
      success: !error,
      ...(error ? { message: error, body: { error: { id: 1, format: error, showUser: true } } } : body ? { body } : {}),
    });
  }

  handle(msg: DapMessage): void {
    if (msg.type !== 'request') return;
    const req = msg as Request;
    this.dispatch(req).catch((e: unknown) => this.respond(req, undefined, e instanceof Error ? e.message : String(e)));
  }

  private async dispatch(req: Request): Promise<void> {
    const a = req.arguments ?? {};
    switch (req.command) {
      case 'initialize':
        this.respond(req, {
          supportsConfigurationDoneRequest: true,
          supportsFunctionBreakpoints: true,
          supportsStepBack: true,
          supportsTerminateRequest: true,
          supportsExceptionFilterOptions: false,
          exceptionBreakpointFilters: EXCEPTION_FILTERS,
        });
        this.event('initialized');
        return;
      case 'launch':
        return this.launch(req, a as LaunchArguments);
      case 'attach':
        return this.respond(req, undefined, 'The Theater debugger launches actors or opens chains; use "request": "launch".');
      case 'setFunctionBreakpoints': {
        this.patterns = ((a.breakpoints ?? []) as Array<{ name: string }>).map((b) => b.name);
        this.controller?.setFunctionBreakpoints(this.patterns);
        return this.respond(req, { breakpoints: this.patterns.map(() => ({ verified: true })) });
      }
      case 'setExceptionBreakpoints': {
        const filters = (a.filters ?? []) as string[];
        this.exceptionFlags =
          (filters.includes('trap') ? EXCEPTION_TRAP : 0) |
          (filters.includes('err') ? EXCEPTION_ERR : 0) |
          (filters.includes('divergence') ? DIVERGENCE : 0);
        this.controller?.setExceptionFilters(this.exceptionFlags & (EXCEPTION_TRAP | EXCEPTION_ERR));
        return this.respond(req, {});
      }
      case 'setBreakpoints':
        return this.respond(req, {
          breakpoints: ((a.breakpoints ?? []) as unknown[]).map(() => ({
            verified: false,
            message: 'Theater breaks on host calls: add a function breakpoint with an event type pattern such as wasi:random/*',
          })),
        });
      case 'configurationDone':
        this.respond(req);
        return this.start();
      case 'threads':
        return this.respond(req, { threads: [{ id: THREAD_ID, name: escapeControlChars(this.actorName) }] });
      case 'stackTrace':
        return this.respond(req, this.stackTrace());
      case 'scopes':
        return this.respond(req, { scopes: this.scopes() });
      case 'variables':
        return this.respond(req, { variables: this.vars.get(a.variablesReference as number) });
      case 'continue':
        this.respond(req, { allThreadsContinued: true });
        return this.move('forward', false);
      case 'next':
      case 'stepIn':
      case 'stepOut':
        this.respond(req);
        return this.move('forward', true);
      case 'stepBack':
      case 'reverseContinue': {
        if (this.mode !== 'chain')
          return this.respond(
            req,
            undefined,
            'Step Back works on a recorded chain: start the session with "chain" (Theater: Debug Chain…).',
          );
        this.respond(req);
        return this.move('back', req.command === 'stepBack');
      }
      case 'pause':
        this.respond(req);
        if (this.mode === 'live') this.controller?.requestStop();
        else this.stop('pause');
        return;
      case 'evaluate':
        return this.respond(req, undefined, 'Expressions are not evaluated; see Variables.');
      case 'disconnect':
      case 'terminate':
        await this.shutdown();
        this.respond(req);
        if (req.command === 'terminate') this.terminated();
        else this.onDisconnect();
        return;
      default:
        return this.respond(req, undefined, `The Theater debugger does not support '${req.command}'.`);
    }
  }

  private async launch(req: Request, a: LaunchArguments): Promise<void> {
    this.launchArgs = a;
    if (a.chain) {
      // Indexed in one streaming pass: the timeline reads events from the file as it shows them.
      const loaded = ChainEventIndex.scan(path.resolve(a.chain));
      if (loaded.index.count === 0) throw new Error(`${a.chain} holds no events; pick a chain with at least one event.`);
      this.mode = 'chain';
      this.chainPath = path.resolve(a.chain);
      this.actorName = loaded.header?.actorName ?? path.basename(a.chain);
      // With the component, the timeline is the replay's chain (configurationDone runs the replay).
      if (!a.manifest) {
        this.timeline = new Timeline(loaded.index, loaded.summary.format === 'jsonl');
        this.divergenceAt = recordedDivergence(this.timeline);
      }
      return this.respond(req);
    }
    if (!a.manifest) throw new Error('The launch configuration needs "manifest" (live mode) or "chain" (chain mode).');
    this.mode = 'live';
    this.respond(req);
  }

  private async start(): Promise<void> {
    if (this.mode === 'chain') {
      if (!this.timeline && !(await this.replayWithComponent())) return;
      this.current = 0;
      if (this.launchArgs.stopOnEntry !== false) this.stop('entry');
      else this.move('forward', false);
      return;
    }
    if (this.mode !== 'live') return;
    const { startActor } = require('../runtime/host/session') as typeof import('../runtime/host/session');
    this.controller = new DebugController({ stopOnEntry: this.launchArgs.stopOnEntry ?? false });
    this.controller.setFunctionBreakpoints(this.patterns);
    this.controller.setExceptionFilters(this.exceptionFlags & (EXCEPTION_TRAP | EXCEPTION_ERR));
    try {
      this.actor = await startActor({
        manifestPath: path.resolve(this.launchArgs.manifest!),
        debugControl: this.controller.buffer,
        callTimeoutMs: 2 ** 31 - 1, // a paused actor is not a hung one
        ...(this.launchArgs.chainOut ? { chainLogPath: path.resolve(this.launchArgs.chainOut) } : {}),
        ...(this.launchArgs.dataDir ? { dataDir: this.launchArgs.dataDir } : {}),
      });
    } catch (e) {
      this.output(`${e instanceof Error ? e.message : String(e)}\n`, 'stderr');
      this.terminated();
      return;
    }
    const actor = this.actor;
    this.actorName = actor.name;
    this.chainPath = actor.logPath;
    this.timeline = new Timeline(actor.eventAccess, true);
    this.event('process', { name: escapeControlChars(actor.name), startMethod: 'launch', isLocalProcess: true });
    this.event('thread', { reason: 'started', threadId: THREAD_ID });
    actor.on('log', (m) => this.output(`${m}\n`, 'stdout'));
    actor.on(
      'debug-stopped' as never,
      ((m: DebugStopped) => {
        this.current = m.index;
        this.liveState = m.state;
        this.stop(m.reason, m.detail);
      }) as never,
    );
    actor.once(
      'init-done' as never,
      (() => {
        void actor.stop('init finished under the debugger');
      }) as never,
    );
    void actor.done().then((o) => {
      this.output(
        o.status === 'failed'
          ? `${actor.name}: ${o.error}\n`
          : `${actor.name}: init returned Ok; ${o.eventCount} events in ${actor.logPath}\n`,
        o.status === 'failed' ? 'stderr' : 'console',
      );
      this.event('exited', { exitCode: o.status === 'failed' ? 1 : 0 });
      this.terminated();
    });
  }

  /**
   * Runs the manifest's component against the recording (every host call answered from it, in the
   * actor's worker, so no heavy work happens on this thread) and takes the replay's chain as the
   * timeline. Returns false (and ends the session) when the replay could not start.
   */
  private async replayWithComponent(): Promise<boolean> {
    const { startActor } = require('../runtime/host/session') as typeof import('../runtime/host/session');
    const recording = this.chainPath!;
    try {
      this.actor = await startActor({
        manifestPath: path.resolve(this.launchArgs.manifest!),
        replayChainPath: recording,
        ...(this.launchArgs.chainOut ? { chainLogPath: path.resolve(this.launchArgs.chainOut) } : {}),
        ...(this.launchArgs.dataDir ? { dataDir: this.launchArgs.dataDir } : {}),
      });
    } catch (e) {
      this.output(`${e instanceof Error ? e.message : String(e)}\n`, 'stderr');
      this.terminated();
      return false;
    }
    const actor = this.actor;
    actor.on('log', (m) => this.output(`${m}\n`, 'stdout'));
    await new Promise<void>((resolve) => {
      actor.once('init-done' as never, (() => resolve()) as never);
      void actor.done().then(() => resolve());
    });
    await actor.stop('replay finished under the debugger');
    this.actor = undefined;
    if (this.closed) return false; // the client disconnected while the replay ran
    this.actorName = actor.name;
    this.chainPath = actor.logPath;
    this.timeline = new Timeline(actor.eventAccess, true);
    const report = actor.replayReport;
    this.replayReport = report;
    this.divergenceAt = report && report.verdict !== 'replayed' ? report.divergence?.index : undefined;
    this.output(`${report ? report.message : `the replay ended before it could be compared (${actor.status})`}\n`, 'console');
    // The editor can open the recording and the replay side by side (chain diff).
    this.event('theater/replay', {
      recording,
      replay: actor.logPath,
      verdict: report?.verdict ?? null,
      divergence: this.divergenceAt ?? null,
      message: report?.message ?? null,
    });
    return true;
  }

  private output(text: string, category: 'stdout' | 'stderr' | 'console'): void {
    this.event('output', { category, output: escapeControlChars(text).replace(/\\n/g, '\n') });
  }

  private terminated(): void {
    if (this.ended) return;
    this.ended = true;
    this.event('terminated');
  }

  private describe(i: number): string {
    return `event ${i}: ${escapeControlChars(this.timeline!.event(i)!.eventType)}`;
  }

  private stop(reason: string, detail?: string): void {
    this.vars.reset();
    const what = this.describe(this.current);
    const text = detail ? `${what} (${escapeControlChars(detail)})` : what;
    this.event('stopped', { reason, description: text, text, threadId: THREAD_ID, allThreadsStopped: true });
    this.event('theater/reveal', { chain: this.chainPath, index: this.current });
  }

  /** Chain mode: walks the recording; live mode: resumes the worker. */
  private move(direction: 'forward' | 'back', oneStep: boolean): void {
    if (this.mode === 'live') {
      if (!this.controller) return;
      this.event('continued', { threadId: THREAD_ID, allThreadsContinued: true });
      this.controller.resume(oneStep);
      return;
    }
    const t = this.timeline!;
    const match = eventTypeMatcher(this.patterns);
    const step = direction === 'forward' ? 1 : -1;
    for (let i = this.current + step; i >= 0 && i < t.length; i += step) {
      if (oneStep) {
        this.current = i;
        return this.stop('step');
      }
      const ev = t.event(i)!;
      const failure = classifyFailure(ev) & this.exceptionFlags;
      if (failure) {
        this.current = i;
        return this.stop('exception', failure & EXCEPTION_TRAP ? 'trap' : 'Err result');
      }
      if (this.exceptionFlags & DIVERGENCE && i === this.divergenceAt) {
        this.current = i;
        return this.stop('exception', 'replay divergence');
      }
      const bp = match(ev.eventType);
      if (bp !== undefined) {
        this.current = i;
        return this.stop('function breakpoint', bp);
      }
    }
    // Ran off either end of the recording: stay on its first / last event.
    this.current = direction === 'forward' ? t.length - 1 : 0;
    this.stop(direction === 'forward' ? 'step' : 'entry', direction === 'forward' ? 'end of the chain' : 'start of the chain');
  }

  private stackTrace(): object {
    const t = this.timeline;
    if (!t || t.length === 0) return { stackFrames: [], totalFrames: 0 };
    const frames = [{ id: this.current + 1, name: this.describe(this.current), line: 0, column: 0 }];
    const call = t.exportCallOf(this.current);
    if (call && call.index !== this.current) {
      frames.push({ id: -(call.index + 1), name: `${escapeControlChars(call.name)} (event ${call.index})`, line: 0, column: 0 });
    }
    return { stackFrames: frames, totalFrames: frames.length };
  }

  private scopes(): object[] {
    const t = this.timeline!;
    const i = this.current;
    const eventRef = this.vars.add(() => this.eventVariables(i));
    const stateRef = this.vars.add(() => this.stateVariables(i));
    return [
      { name: `Event ${i}`, variablesReference: eventRef, expensive: false, presentationHint: 'locals' },
      { name: 'Actor state', variablesReference: stateRef, expensive: false },
    ].filter(() => t.length > 0);
  }

  private eventVariables(i: number): Variable[] {
    const t = this.timeline!;
    const ev = t.event(i)!;
    const d = t.decode(i);
    const v = (name: string, value: unknown) => this.vars.variable(name, value);
    const out: Variable[] = [
      { name: 'index', value: String(i), type: 'u64', variablesReference: 0 },
      { name: 'hash', value: toHex(ev.hash), type: 'string', variablesReference: 0 },
      { name: 'eventType', value: JSON.stringify(ev.eventType), type: 'string', variablesReference: 0 },
    ];
    if (d.interface !== undefined) out.push(v('interface', d.interface));
    if (d.function !== undefined) out.push(v('function', d.function));
    if (d.functionName !== undefined) out.push(v('export', d.functionName));
    if ('input' in d) out.push(v('input', d.input));
    if ('output' in d) out.push(v('output', d.output));
    if (d.error !== undefined) out.push(v('error', d.error));
    out.push(v('summary', d.summary));
    const div = this.replayReport?.divergence;
    if (div && div.index === i) {
      // Both sides of the divergence: what the recording has here, and the report's sentence.
      out.push(v('recorded', div.expected ? `${div.expected.eventType}: ${div.expected.summary}` : '(nothing: the recording ends here)'));
      out.push(v('divergence', this.replayReport!.message));
    }
    return out;
  }

  private stateVariables(i: number): Variable[] {
    if (this.mode === 'live') return [this.vars.variable('state', this.liveState)];
    const s = this.timeline!.stateAt(i);
    return [
      this.vars.variable('state', s.value),
      { name: 'from event', value: s.fromEvent < 0 ? '(none yet)' : String(s.fromEvent), variablesReference: 0 },
    ];
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.controller?.detach();
    if (this.actor) await this.actor.stop('the debug session ended');
  }
}

/** Exception filter bit for replay divergence (chain mode). */
const DIVERGENCE = 4;

/**
 * A recorded replay ends with a replay-summary; when it failed, its `events_replayed` (the events that
 * matched before the first divergence) is the index of the divergence.
 */
function recordedDivergence(t: Timeline): number | undefined {
  for (let i = t.length - 1; i >= 0 && i >= t.length - 3; i--) {
    if (t.event(i)!.eventType !== 'replay-summary') continue;
    const o = t.decode(i).output as { success?: unknown; eventsReplayed?: unknown } | undefined;
    const n = Number(o?.eventsReplayed);
    return o?.success === false && Number.isInteger(n) && n >= 0 && n < t.length ? n : undefined;
  }
  return undefined;
}
