// A chain file in the explorer: the same view model as a live chain (ChainSource), but the file is
// read, verified, filtered and decoded by a ChainFileView's worker, never on the extension host's
// thread. The window holds only rows fetched on demand; rows outside it are dropped.
import { ChainFileView, type ViewRow } from '../../runtime/chain/chainView';
import type { DecodedEvent } from '../../runtime/chain/decode';
import type { ChainEvent } from '../../runtime/chain/event';
import { ChainSource, PAGE, type Filter, type Integrity } from './chainSource';

const LOADING: DecodedEvent = { category: 'unknown', summary: 'loading…' };

export class FileChainSource extends ChainSource {
  readonly view: ChainFileView;
  private readonly rows = new Map<number, ViewRow>();
  private readonly requested = new Set<number>();
  private start = 0;
  private size = PAGE;
  /** Matching event indexes under a filter (undefined while the worker computes them). */
  private matchList: Int32Array | undefined;
  private problemsReported = false;

  constructor(
    id: string,
    label: string,
    readonly file: string,
    /** Called when something shown changed (progress, rows arrived, a filter's answer). */
    private readonly changed: () => void,
    /** Lines worth showing once the file is read (lines set aside, a failure). */
    private readonly report: (message: string) => void = () => {},
  ) {
    super(id, label, [], false);
    this.view = new ChainFileView(file);
    this.view.onProgress((p) => {
      if (p.kind === 'fatal') this.report(p.error);
      else if (p.firstRows) for (const r of p.firstRows) this.rows.set(r.index, r);
      if (p.kind !== 'fatal' && p.done && !this.problemsReported) {
        this.problemsReported = true;
        for (const m of p.problems ?? []) this.report(m);
      }
      this.changed();
    });
  }

  /** Resolves when the first page of rows is in memory (rejects with one sentence for a bad file). */
  async ready(): Promise<void> {
    await this.view.ready();
    if (await this.fetch(this.window().indexes)) this.changed();
  }

  override get total(): number {
    return this.view.progress?.count ?? 0;
  }

  /** The worker is still reading the file: the count and the verdict are not final. */
  override get reading(): boolean {
    return !this.view.progress?.done && !this.view.error;
  }

  override event(i: number): ChainEvent | undefined {
    return this.rows.get(i)?.event;
  }

  override decode(i: number): DecodedEvent {
    return this.rows.get(i)?.decoded ?? LOADING;
  }

  override verifyNew(): Integrity {
    return this.verification;
  }

  override get verification(): Integrity {
    return this.view.progress?.integrity ?? { state: 'intact', checked: 0 };
  }

  private hasFilter(): boolean {
    return Boolean(this.filter.type || this.filter.text);
  }

  override setFilter(f: Filter): void {
    this.filter = f;
    this.start = 0;
    this.size = PAGE;
    this.matchList = undefined;
    if (!this.hasFilter()) return;
    void this.view.filter(f).then(
      (m) => {
        if (this.filter !== f) return;
        this.matchList = m;
        this.changed();
      },
      (e: Error) => this.report(e.message),
    );
  }

  /** Candidates in order: every event, or the matching ones once known. */
  private count(): number {
    return this.hasFilter() ? (this.matchList?.length ?? 0) : this.total;
  }

  private at(k: number): number {
    return this.hasFilter() ? this.matchList![k]! : k;
  }

  private window(): { indexes: number[]; count: number } {
    const count = this.count();
    const end = Math.min(count, this.start + this.size);
    const indexes: number[] = [];
    for (let k = this.start; k < end; k++) indexes.push(this.at(k));
    return { indexes, count };
  }

  /** Fetches the rows not in memory nor requested yet; true when it fetched any. */
  private async fetch(indexes: number[]): Promise<boolean> {
    const missing = indexes.filter((i) => !this.rows.has(i) && !this.requested.has(i));
    if (missing.length === 0) return false;
    for (const i of missing) this.requested.add(i);
    try {
      for (const r of await this.view.rows(missing)) this.rows.set(r.index, r);
    } finally {
      for (const i of missing) this.requested.delete(i);
    }
    return true;
  }

  /** The loaded rows of the window, from its start; the rest are fetched and shown when they arrive. */
  override visible(): { indexes: number[]; hiddenBefore: number; hiddenAfter: number; matching: number } {
    const { indexes, count } = this.window();
    let loaded = 0;
    while (loaded < indexes.length && this.rows.has(indexes[loaded]!)) loaded++;
    if (loaded < indexes.length) {
      this.fetch(indexes).then(
        (fetched) => fetched && this.changed(),
        (e: Error) => this.report(e.message),
      );
    }
    // Rows that left the window are dropped: memory stays bounded by the window.
    if (this.rows.size > indexes.length + 2 * PAGE) {
      const keep = new Set(indexes);
      for (const i of this.rows.keys()) if (!keep.has(i)) this.rows.delete(i);
    }
    return { indexes: indexes.slice(0, loaded), hiddenBefore: this.start, hiddenAfter: count - this.start - loaded, matching: count };
  }

  override loadMore(where: 'before' | 'after' = 'after'): void {
    if (where === 'before') {
      const from = Math.max(0, this.start - PAGE);
      this.size += this.start - from;
      this.start = from;
    } else this.size += PAGE;
  }

  /** Moves the window to the page that holds event `index` (it never grows to all rows). */
  override reveal(index: number): boolean {
    if (index < 0 || index >= this.total) return false;
    let k = index;
    if (this.hasFilter()) {
      if (!this.matchList) return false;
      k = binarySearch(this.matchList, index);
      if (k < 0) return false;
    }
    if (k < this.start || k >= this.start + this.size) {
      this.start = Math.floor(k / PAGE) * PAGE;
      this.size = PAGE;
    }
    return true;
  }

  /** Resolves when every row of the window is in memory (after reveal, before the tree shows it). */
  async ensureWindow(): Promise<void> {
    if (await this.fetch(this.window().indexes)) this.changed();
  }

  dispose(): void {
    this.view.dispose();
  }
}

function binarySearch(list: Int32Array, value: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
