// A chain file opened for viewing, owned by the caller's thread but read, verified and decoded in a
// worker_threads Worker (chainViewWorker.ts), so a chain of any size never blocks the caller (the
// VS Code extension host). The caller learns the count and integrity as the worker reads, and asks
// for decoded rows by index when it shows them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ViewFilter, ViewProgress, ViewReply, ViewRequest, ViewRow } from './viewProtocol';

export type { ViewFilter, ViewIntegrity, ViewProgress, ViewRow } from './viewProtocol';

function workerScript(): string {
  // Bundled: dist/chainViewWorker.js beside this code; compiled (tests): chainViewWorker.js beside it too.
  const script = path.join(__dirname, 'chainViewWorker.js');
  if (!fs.existsSync(script))
    throw new Error('The chain viewer worker script is missing from this installation; rebuild with `npm run build`.');
  return script;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class ChainFileView {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private latest: ViewProgress | undefined;
  private failure: string | undefined;
  private readonly listeners: Array<(p: ViewProgress | { kind: 'fatal'; error: string }) => void> = [];
  private readonly firstPage: Promise<ViewProgress>;
  private disposed = false;
  /** Rejects ready() when the view is disposed before the first page (a waiter never hangs). */
  private closed: () => void = () => {};

  constructor(readonly file: string) {
    this.worker = new Worker(workerScript(), { workerData: { file }, stdout: false, stderr: false });
    // The view never keeps the process alive (the CLI, tests).
    this.worker.unref();
    this.firstPage = new Promise((resolve, reject) => {
      this.closed = () => reject(new Error('the chain viewer was closed before it read the first page'));
      this.onProgress((p) => (p.kind === 'fatal' ? reject(new Error(p.error)) : p.count >= 500 || p.done ? resolve(p) : undefined));
    });
    // Nothing else may observe it: an unhandled rejection would be reported as a crash.
    this.firstPage.catch(() => {});
    this.worker.on('message', (m: ViewReply) => this.receive(m));
    this.worker.on('error', (e) => this.receive({ kind: 'fatal', error: `the chain viewer failed: ${e.message}` }));
    this.worker.on('exit', () => {
      if (!this.disposed && !this.latest?.done && !this.failure)
        this.receive({ kind: 'fatal', error: 'the chain viewer stopped before reading the file' });
      for (const p of this.pending.values()) p.reject(new Error(this.failure ?? 'the chain viewer was closed'));
      this.pending.clear();
    });
  }

  private receive(m: ViewReply): void {
    if (m.kind === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
      return;
    }
    if (m.kind === 'fatal') {
      if (this.failure) return;
      this.failure = m.error;
    } else this.latest = m;
    for (const l of this.listeners) l(m);
  }

  /** Called on every progress report (count, integrity, done) and once on a fatal error. */
  onProgress(listener: (p: ViewProgress | { kind: 'fatal'; error: string }) => void): void {
    this.listeners.push(listener);
  }

  /** The latest progress, or undefined before the first report. */
  get progress(): ViewProgress | undefined {
    return this.latest;
  }

  get error(): string | undefined {
    return this.failure;
  }

  /** Resolves when the first page of events is known (or the whole file, if shorter). */
  ready(): Promise<ViewProgress> {
    return this.firstPage;
  }

  private request<T>(req: WithoutId<ViewRequest>): Promise<T> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id } as ViewRequest);
    });
  }

  /** Decoded rows for these event indexes (answered once the worker has read that far). */
  rows(indexes: number[]): Promise<ViewRow[]> {
    return this.request({ op: 'rows', indexes });
  }

  /** Indexes of the events that pass the filter (answered once the whole file was read). */
  filter(filter: ViewFilter): Promise<Int32Array> {
    return this.request({ op: 'filter', filter });
  }

  /** Indexes of up to `limit` events whose hash starts with `prefix` (answered once the whole file was read). */
  findHash(prefix: string, limit = 2): Promise<number[]> {
    return this.request({ op: 'find-hash', prefix: prefix.toLowerCase(), limit });
  }

  /** Writes the chain as Theater's chain.json (streamed, in the worker). */
  exportTo(out: string): Promise<{ count: number; head: Uint8Array | null }> {
    return this.request({ op: 'export', out });
  }

  dispose(): void {
    this.disposed = true;
    this.closed();
    void this.worker.terminate();
  }
}

/** Exports a chain file of any size to Theater's chain.json in a worker of its own. */
export function exportChainInWorker(from: string, out: string): Promise<{ count: number; head: Uint8Array | null }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerScript(), { workerData: { file: from, exportTo: out }, stdout: false, stderr: false });
    w.once('message', (m: ViewReply) => {
      if (m.kind === 'reply' && m.ok) resolve(m.value as { count: number; head: Uint8Array | null });
      else reject(new Error(m.kind === 'reply' && !m.ok ? m.error : m.kind === 'fatal' ? m.error : 'the export stopped'));
    });
    w.once('error', (e) => reject(new Error(`the chain export failed: ${e.message}`)));
    w.once('exit', () => reject(new Error('the chain export stopped')));
  });
}
