// The OS processes of one actor (main thread; `type = "process"`, handlers/process.ts). The worker
// checks permissions and asks here with a synchronous rpc; every effect (start, stdin, signal, kill)
// happens only once the call's event is on disk (`commit`). Output and exit go to the actor's
// theater:simple/process-handlers exports through its call queue, so each delivery is a recorded
// WasmCall/WasmResult, in the order the output arrived. Stopping the actor kills its processes.
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import type { Readable } from 'node:stream';
import {
  DEFAULT_MAX_OUTPUT_BUFFER,
  DEFAULT_MAX_PROCESSES,
  PROCESS,
  PROCESS_HANDLERS,
  type OutputMode,
  type SpawnRequest,
} from '../handlers/process';
import type { MainThreadService, ServiceHost } from '../handlers/types';

type Result<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: string };
const ok = <T>(val: T): Result<T> => ({ tag: 'ok', val });
const err = (val: string): Result<never> => ({ tag: 'err', val });

export type ProcessDelivery = 'handle-stdout' | 'handle-stderr' | 'handle-exit';

export interface ProcessTableOptions {
  maxProcesses: number;
  maxOutputBuffer: number;
  /** Queues a call into the actor's process-handlers export; resolves when it has returned. Undefined: the actor has no such export. */
  deliver: ((fn: ProcessDelivery, args: unknown[]) => Promise<unknown>) | undefined;
  /** Something changed that may make the actor quiet (a process ended without a delivery). */
  changed: () => void;
}

interface Proc {
  id: bigint;
  req: SpawnRequest;
  child: ChildProcess | undefined;
  startTime: bigint;
  /** The exit code once it ended (a signal: 128 + its number; a start that failed: -1). */
  exitCode: number | undefined;
  /** handle-exit was queued (or there is nothing to deliver it to). */
  exitQueued: boolean;
  stdinClosed: boolean;
  /** Output bytes handed to the actor's queue and not yet handled. */
  pendingBytes: number;
  paused: Readable[];
  timer: NodeJS.Timeout | undefined;
}

/** Every child of this host process, killed if the host exits with them still running. */
const everyChild = new Set<ChildProcess>();
let exitHook = false;
function killGroup(child: ChildProcess, signal: NodeJS.Signals | number = 'SIGKILL'): void {
  try {
    // Started as a process group leader: the program and whatever it started go together.
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Splits a stream's bytes into the chunks one delivery carries, per the process-config's mode. */
export class OutputSplitter {
  private rest: Buffer = Buffer.alloc(0);
  constructor(
    private readonly mode: OutputMode,
    /** Largest chunk. */
    private readonly limit: number,
    /** chunked: the chunk size (at most `limit`). */
    private readonly chunk: number,
  ) {}

  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (this.mode === 'raw') {
      for (let i = 0; i < data.length; i += this.limit) out.push(data.subarray(i, i + this.limit));
      return out;
    }
    let buf = this.rest.length ? Buffer.concat([this.rest, data]) : data;
    if (this.mode === 'chunked') {
      while (buf.length >= this.chunk) {
        out.push(buf.subarray(0, this.chunk));
        buf = buf.subarray(this.chunk);
      }
    } else {
      // line-by-line and json: one line per delivery (with its newline); a line longer than the limit in pieces.
      for (;;) {
        const nl = buf.indexOf(10);
        if (nl < 0 || nl >= this.limit) {
          if (buf.length < this.limit) break;
          out.push(buf.subarray(0, this.limit));
          buf = buf.subarray(this.limit);
          continue;
        }
        out.push(buf.subarray(0, nl + 1));
        buf = buf.subarray(nl + 1);
      }
    }
    this.rest = Buffer.from(buf);
    return out;
  }

  /** What is left at the end of the stream. */
  end(): Buffer[] {
    const r = this.rest;
    this.rest = Buffer.alloc(0);
    return r.length ? [r] : [];
  }
}

export class ProcessTable {
  private next = 1n;
  private readonly procs = new Map<bigint, Proc>();
  private effect: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: ProcessTableOptions) {}

  /** A process has not ended, or its exit is not yet queued to the actor. */
  get active(): boolean {
    for (const p of this.procs.values()) if (!p.exitQueued) return true;
    return false;
  }

  private running(): number {
    let n = 0;
    for (const p of this.procs.values()) if (p.exitCode === undefined) n++;
    return n;
  }

  /** Answers one rpc (`os-spawn`, …) at once; its effect waits for `commit`. */
  handle(fn: string, args: unknown[]): Result<unknown> {
    this.effect = undefined;
    if (this.closed) return err('the actor is stopping, so it starts and controls no processes');
    if (fn === 'os-spawn') {
      const req = args[0] as SpawnRequest;
      if (this.running() >= this.options.maxProcesses)
        return err(
          `os-spawn refused: ${this.running()} processes are running and max_processes is ${this.options.maxProcesses}; wait for one to exit or raise max_processes`,
        );
      const p: Proc = {
        id: this.next++,
        req,
        child: undefined,
        startTime: BigInt(Date.now()),
        exitCode: undefined,
        exitQueued: false,
        stdinClosed: false,
        pendingBytes: 0,
        paused: [],
        timer: undefined,
      };
      this.procs.set(p.id, p);
      this.effect = () => this.start(p);
      return ok(p.id);
    }
    const pid = args[0] as bigint;
    const p = this.procs.get(pid);
    if (!p) return err(`${fn}: this actor started no process ${pid}`);
    if (fn === 'os-status') return ok({ pid: p.id, running: p.exitCode === undefined, exitCode: p.exitCode, startTime: p.startTime });
    if (p.exitCode !== undefined) return err(`${fn}: process ${pid} (${p.req.named}) has exited with code ${p.exitCode}`);
    switch (fn) {
      case 'os-write-stdin': {
        const data = args[1] as Uint8Array;
        if (p.stdinClosed) return err(`os-write-stdin: the stdin of process ${pid} (${p.req.named}) is closed`);
        if (data.length === 0) {
          p.stdinClosed = true;
          this.effect = () => p.child?.stdin?.end();
        } else {
          const bytes = Buffer.from(data);
          this.effect = () => p.child?.stdin?.write(bytes);
        }
        return ok(data.length);
      }
      case 'os-signal': {
        const signal = args[1] as number;
        const known = Object.values(os.constants.signals) as number[];
        if (!known.includes(signal)) return err(`os-signal: ${signal} is not a signal number on this machine`);
        this.effect = () => p.child?.kill(signal);
        return ok(undefined);
      }
      case 'os-kill':
        this.effect = () => {
          if (p.child) killGroup(p.child);
        };
        return ok(undefined);
    }
    return err(`theater:simple/process/${fn} is not a process function`);
  }

  /** The event of the last rpc is on disk: its effect happens now. */
  commit(): void {
    const e = this.effect;
    this.effect = undefined;
    if (!this.closed) e?.();
  }

  private start(p: Proc): void {
    const { req } = p;
    let child: ChildProcess;
    try {
      child = spawn(req.program, req.args, {
        cwd: req.cwd,
        // Only what the actor passed: the host's environment is not handed on.
        env: Object.fromEntries(req.env),
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
    } catch {
      this.ended(p, -1);
      return;
    }
    p.child = child;
    everyChild.add(child);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const c of everyChild) killGroup(c);
      });
    }
    child.stdin?.on('error', () => {}); // a process that exits before reading its stdin
    const limit = Math.max(1, Math.min(this.options.maxOutputBuffer, req.bufferSize > 0 ? req.bufferSize : Infinity));
    const chunk = Math.max(1, Math.min(limit, req.chunkSize ?? limit));
    const wire = (stream: Readable | null, mode: OutputMode, fn: ProcessDelivery) => {
      if (!stream) return;
      const split = new OutputSplitter(mode, limit, chunk);
      stream.on('data', (d: Buffer) => {
        for (const c of split.push(d)) this.output(p, stream, fn, c);
      });
      stream.on('end', () => {
        for (const c of split.end()) this.output(p, stream, fn, c);
      });
      stream.on('error', () => {});
    };
    wire(child.stdout, req.stdoutMode, 'handle-stdout');
    wire(child.stderr, req.stderrMode, 'handle-stderr');
    child.on('error', () => {
      // The start failed after the checks (the program vanished): no output, exit -1.
      if (child.pid === undefined) {
        everyChild.delete(child);
        this.ended(p, -1);
      }
    });
    // What the program left running in its group would hold its pipes open (and the exit back): it goes too.
    child.on('exit', () => killGroup(child));
    // 'close' comes after both output streams ended: the exit is delivered after all output.
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      everyChild.delete(child);
      const n = signal ? (os.constants.signals[signal] ?? 0) : 0;
      this.ended(p, code !== null ? code : 128 + n);
    });
    if (req.executionTimeoutS !== undefined) {
      p.timer = setTimeout(() => killGroup(child), req.executionTimeoutS * 1000);
      p.timer.unref();
    }
  }

  private output(p: Proc, stream: Readable, fn: ProcessDelivery, bytes: Buffer): void {
    const deliver = this.options.deliver;
    if (this.closed || !deliver) return;
    const n = bytes.length;
    p.pendingBytes += n;
    // Back-pressure: past max_output_buffer bytes waiting for the actor, the process waits too.
    if (p.pendingBytes >= this.options.maxOutputBuffer && !p.paused.includes(stream)) {
      stream.pause();
      p.paused.push(stream);
    }
    void deliver(fn, [p.id, new Uint8Array(bytes)]).then(() => {
      p.pendingBytes -= n;
      if (p.pendingBytes < this.options.maxOutputBuffer) for (const s of p.paused.splice(0)) s.resume();
    });
  }

  private ended(p: Proc, code: number): void {
    if (p.exitCode !== undefined) return;
    clearTimeout(p.timer);
    p.exitCode = code;
    p.exitQueued = true;
    if (!this.closed && this.options.deliver) void this.options.deliver('handle-exit', [p.id, code]);
    this.options.changed();
  }

  /** The actor stops: every process it started is killed and nothing more is delivered. */
  killAll(): void {
    this.closed = true;
    this.effect = undefined;
    for (const p of this.procs.values()) {
      clearTimeout(p.timer);
      if (p.exitCode === undefined && p.child) killGroup(p.child);
      p.exitQueued = true;
    }
  }
}

/**
 * The `processes` service (handlers/process.ts's PROCESS_SERVICE) for one actor: one ProcessTable.
 * Its effects happen at commit; a process that has not ended keeps the actor busy; the actor's end
 * kills every process; a restart keeps them (they are the actor's, not its instance's).
 */
export function createProcessService(host: ServiceHost): MainThreadService {
  const cfg = host.configOf('process') ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : d);
  const table = new ProcessTable({
    maxProcesses: num(cfg.max_processes, DEFAULT_MAX_PROCESSES),
    maxOutputBuffer: num(cfg.max_output_buffer, DEFAULT_MAX_OUTPUT_BUFFER),
    // Without the export the output has nowhere to go: it is neither delivered nor recorded.
    deliver: host.exports.includes(PROCESS_HANDLERS) ? (fn, args) => host.call(`${PROCESS_HANDLERS}.${fn}`, args) : undefined,
    // A process that ended without a delivery may leave the actor quiet (theater run waits for that).
    changed: () => host.changed(),
  });
  return {
    handle: (op, args) => table.handle(op.slice(PROCESS.length + 1), args),
    commit: () => table.commit(),
    get active() {
      return table.active;
    },
    close: () => table.killAll(),
  };
}
