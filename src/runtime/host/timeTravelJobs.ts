// The editor's time-travel commands ask a worker (timeTravelWorker.ts) for everything that reads a
// whole chain: the extension host's thread only sends a request and awaits the answer. One worker
// per command; it keeps the recording it indexed, so What If…'s checks as you type read back only
// the edited event.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RegressionTest, SaveOptions } from './regressionTests';
import type { ReplayOverride } from './replay';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export type TimeTravelRequest =
  | { id: number; op: 'what-if-target'; chain: string; index: number }
  | { id: number; op: 'check-override'; chain: string; text: string }
  | { id: number; op: 'parse-overrides'; chain: string; overrides: string[] }
  | { id: number; op: 'check-fork'; chain: string; at: number }
  | { id: number; op: 'save-test'; options: SaveOptions };

export type TimeTravelReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Requests a worker served (tests check that the editor's path goes through it). */
export const servedByWorker: string[] = [];

function workerScript(): string {
  // Bundled: dist/timeTravelWorker.js beside this code; compiled (tests): timeTravelWorker.js beside it too.
  const script = path.join(__dirname, 'timeTravelWorker.js');
  if (!fs.existsSync(script))
    throw new Error('The time-travel worker script is missing from this installation; rebuild with `npm run build`.');
  return script;
}

export class TimeTravelJobs {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }>();
  private failure: string | undefined;

  constructor() {
    this.worker = new Worker(workerScript(), { stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (m: TimeTravelReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      servedByWorker.push(p.op);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const fail = (why: string) => {
      this.failure ??= why;
      for (const p of this.pending.values()) p.reject(new Error(this.failure));
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(`the time-travel worker failed: ${e.message}`));
    this.worker.on('exit', () => fail('the time-travel worker stopped'));
  }

  private request<T>(req: WithoutId<TimeTravelRequest>): Promise<T> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op: req.op });
      this.worker.postMessage({ ...req, id } as TimeTravelRequest);
    });
  }

  /** The event's type and recorded output (lossless JSON), or null when it is not a host call with an output. */
  whatIfTarget(chain: string, index: number): Promise<{ eventType: string; output: string } | null> {
    return this.request({ op: 'what-if-target', chain, index });
  }

  /** parseOverride's sentence for `N=<JSON>` against the recording, or null when it is fine. */
  checkOverride(chain: string, text: string): Promise<string | null> {
    return this.request({ op: 'check-override', chain, text });
  }

  /** The overrides checked and encoded (parseOverride); rejects with its sentence. */
  parseOverrides(chain: string, overrides: string[]): Promise<ReplayOverride[]> {
    return this.request({ op: 'parse-overrides', chain, overrides });
  }

  /** Rejects with checkForkPoint's sentence when `at` is not an event of the recording. */
  checkFork(chain: string, at: number): Promise<void> {
    return this.request({ op: 'check-fork', chain, at });
  }

  /** saveRegressionTest (the chain is copied in the worker). */
  saveTest(options: SaveOptions): Promise<RegressionTest> {
    return this.request({ op: 'save-test', options });
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
