// The Event Chain explorer: one root per chain (a running actor or an opened file), paged event
// rows, decoded details on expansion, integrity on the root and on the exact bad event.
import * as vscode from 'vscode';
import { causesCalls } from '../runtime/chain/cause';
import { formatValue } from '../runtime/chain/decode';
import { shortHash, toHex } from '../runtime/chain/hash';
import { escapeControlChars } from '../runtime/text/escape';
import { ChainSource, RefreshCoalescer } from './model/chainSource';
import { describeFilter, isFiltered } from './present/chainQuery';
import { eventRowText } from './present/eventRow';
import { listPastRuns, sizeText, type PastRun } from './present/pastRuns';

export type ChainNode =
  | { kind: 'source'; source: ChainSource }
  | { kind: 'more'; source: ChainSource; hidden: number; where: 'before' | 'after' }
  | { kind: 'event'; source: ChainSource; index: number }
  | { kind: 'detail'; source: ChainSource; index: number; label: string; value: string }
  | { kind: 'empty'; source: ChainSource }
  | { kind: 'history' }
  | { kind: 'past'; run: PastRun };

const ICONS: Record<string, string> = {
  host: 'symbol-method',
  'wasm-call': 'debug-start',
  'wasm-result': 'pass',
  'wasm-error': 'error',
  shutdown: 'debug-stop',
  'replay-summary': 'history',
  runtime: 'gear',
  unknown: 'question',
};

export class ChainTreeProvider implements vscode.TreeDataProvider<ChainNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChainNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly servedRows = new vscode.EventEmitter<string>();
  /**
   * The workbench was given a chain's rows (`''`: the top level), a turn after they were returned. A
   * TreeView's selection maps its rows to elements when read and leaves out rows being fetched again,
   * so what it holds can change without onDidChangeSelection.
   */
  readonly onDidServeRows = this.servedRows.event;
  readonly sources: ChainSource[] = [];
  private readonly roots = new Map<string, ChainNode>();
  // Event nodes belong to one source object: a chain opened again is a new source with new nodes,
  // so nothing of the previous load (its status, its marks) survives in the tree.
  private readonly eventNodes = new WeakMap<ChainSource, Map<number, ChainNode>>();
  private readonly historyNode: ChainNode = { kind: 'history' };
  /** Folders whose `.theater/chains` logs are listed under "Earlier runs" (set by the controller). */
  historyDirs: () => string[] = () => [];
  /** Logs already shown as a chain (not listed again under "Earlier runs"). */
  shownFiles: () => Set<string> = () => new Set();
  /** Whether a source is a running actor's (it cannot be removed while it runs). */
  isLive: (source: ChainSource) => boolean = () => false;
  readonly coalescer = new RefreshCoalescer<string>(250, (ids) => {
    for (const id of ids) {
      const root = this.roots.get(id);
      if (root) this.changed.fire(root);
    }
  });
  /** Tree refreshes fired (tests check the coalescing). */
  refreshes = 0;

  constructor() {
    this.onDidChangeTreeData(() => {
      this.refreshes++;
    });
  }

  add(source: ChainSource): ChainNode {
    const existing = this.roots.get(source.id);
    if (existing) return existing;
    const node: ChainNode = { kind: 'source', source };
    this.newest = source;
    this.sources.unshift(source);
    this.roots.set(source.id, node);
    this.changed.fire(undefined);
    return node;
  }

  /** The chain added last: the only one that starts expanded. */
  private newest: ChainSource | undefined;

  remove(id: string): void {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i >= 0) this.eventNodes.delete(this.sources.splice(i, 1)[0]!);
    this.roots.delete(id);
    this.changed.fire(undefined);
    this.served(id); // its rows will never be asked for: nobody waits for them
  }

  /** Chains the workbench listed at its last fetch of the top level (it knows their rows' parent). */
  private readonly listed = new Set<string>();
  /** Chains the user expanded (true) or collapsed (false), by id as the workbench keeps it; else only the newest is expanded. */
  private readonly expanded = new Map<string, boolean>();

  /** Whether the workbench's last fetch of the top level listed the chain. */
  isListed(id: string): boolean {
    return this.listed.has(id);
  }

  /** Whether the chain is shown expanded (the workbench fetches its rows after each refresh). */
  isExpanded(id: string): boolean {
    return this.expanded.get(id) ?? this.newest?.id === id;
  }

  /** The view's onDidExpandElement / onDidCollapseElement for a chain's root. */
  setExpanded(id: string, expanded: boolean): void {
    this.expanded.set(id, expanded);
    if (!expanded) this.served(id); // collapsed: its rows are not fetched now
  }

  /** "Earlier runs" changed (a run ended, a chain was removed): its children are read again when shown. */
  refreshHistory(): void {
    this.changed.fire(undefined); // the top level too: "Earlier runs" appears only when there are some
  }

  private readonly childWaiters = new Map<string, Array<() => void>>();

  /** Resolves the next time the workbench asks for a chain's rows (`''`: the top level), i.e. after a refresh reached it. */
  nextChildren(id: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.childWaiters.get(id) ?? [];
      list.push(resolve);
      this.childWaiters.set(id, list);
    });
  }

  private served(id: string): void {
    setImmediate(() => this.servedRows.fire(id));
    const waiters = this.childWaiters.get(id);
    if (!waiters) return;
    this.childWaiters.delete(id);
    for (const w of waiters) queueMicrotask(w);
  }

  root(id: string): ChainNode | undefined {
    return this.roots.get(id);
  }

  /** New events arrived: the source's subtree refreshes at most ~4 times a second, never while hidden. */
  touched(id: string): void {
    this.coalescer.mark(id);
  }

  refreshSource(id: string): void {
    const root = this.roots.get(id);
    if (root) this.changed.fire(root);
  }

  eventNode(source: ChainSource, index: number): ChainNode {
    let nodes = this.eventNodes.get(source);
    if (!nodes) {
      nodes = new Map();
      this.eventNodes.set(source, nodes);
    }
    let n = nodes.get(index);
    if (!n) {
      n = { kind: 'event', source, index };
      nodes.set(index, n);
    }
    return n;
  }

  getChildren(node?: ChainNode): ChainNode[] {
    if (!node) {
      this.listed.clear();
      for (const s of this.sources) this.listed.add(s.id);
      this.served('');
      const roots = this.sources.map((s) => this.roots.get(s.id)!);
      // "Earlier runs" only when there are some: an empty view keeps its welcome (Open Chain File…).
      return listPastRuns(this.historyDirs(), this.shownFiles(), 1).length > 0 ? [...roots, this.historyNode] : roots;
    }
    if (node.kind === 'history') return listPastRuns(this.historyDirs(), this.shownFiles()).map((run) => ({ kind: 'past', run }));
    if (node.kind === 'source') {
      const s = node.source;
      this.served(s.id);
      s.verifyNew();
      const v = s.visible();
      if (v.matching === 0 && isFiltered(s.filter)) return [{ kind: 'empty', source: s }];
      const out: ChainNode[] = [];
      if (v.hiddenBefore > 0) out.push({ kind: 'more', source: s, hidden: v.hiddenBefore, where: 'before' });
      for (const i of v.indexes) out.push(this.eventNode(s, i));
      if (v.hiddenAfter > 0) out.push({ kind: 'more', source: s, hidden: v.hiddenAfter, where: 'after' });
      return out;
    }
    if (node.kind === 'event') return this.details(node.source, node.index);
    return [];
  }

  private details(s: ChainSource, index: number): ChainNode[] {
    const ev = s.event(index)!;
    const d = s.decode(index);
    const rows: Array<[string, string]> = [];
    if (d.interface) rows.push(['interface', `${d.interface} / ${d.function}`]);
    if (d.functionName) rows.push(['function', d.functionName]);
    if (d.input !== undefined) rows.push(['input', formatValue(d.input, 400)]);
    if (d.output !== undefined) rows.push(['output', formatValue(d.output, 400)]);
    if (d.state !== undefined) rows.push(['state', formatValue(d.state, 400)]);
    if (d.error) rows.push(['error', d.error]);
    rows.push(['hash', toHex(ev.hash)]);
    rows.push(['parent', ev.parentHash ? toHex(ev.parentHash) : '(root)']);
    rows.push(['data', `${ev.data.length} bytes${d.era ? `, ${d.era} format` : ''}`]);
    return rows.map(([label, value]) => ({ kind: 'detail', source: s, index, label, value }));
  }

  getParent(node: ChainNode): ChainNode | undefined {
    if (node.kind === 'source' || node.kind === 'history') return undefined;
    if (node.kind === 'past') return this.historyNode;
    if (node.kind === 'detail') return this.eventNode(node.source, node.index);
    return this.roots.get(node.source.id);
  }

  getTreeItem(node: ChainNode): vscode.TreeItem {
    switch (node.kind) {
      case 'source': {
        const s = node.source;
        const integrity = s.verifyNew();
        const item = new vscode.TreeItem(
          escapeControlChars(s.label),
          this.isExpanded(s.id) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `chain:${s.id}`;
        const filtered = isFiltered(s.filter) ? `, filter ${describeFilter(s.filter)}: ${s.visible().matching} shown` : '';
        item.description = `${s.total} events${integrity.state === 'intact' ? (s.reading ? ', reading…' : ', verified') : `, BROKEN at event ${integrity.index}`}${filtered}`;
        item.iconPath = new vscode.ThemeIcon(
          integrity.state === 'intact' ? 'verified' : 'error',
          integrity.state === 'intact' ? undefined : new vscode.ThemeColor('errorForeground'),
        );
        item.tooltip =
          integrity.state === 'intact'
            ? `${s.total} events; every hash and parent link checked.`
            : `Event ${integrity.index}: ${integrity.reason}`;
        item.contextValue = this.isLive(s) ? 'theaterChainLive' : 'theaterChain';
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem(`No event matches the filter ${describeFilter(node.source.filter)} — clear it`);
        item.id = `empty:${node.source.id}`;
        item.iconPath = new vscode.ThemeIcon('filter');
        item.tooltip = `None of the ${node.source.total} events matches. Click to clear the filter.`;
        item.command = { command: 'theater.chain.clearFilter', title: 'Clear Filter', arguments: [node] };
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('Earlier runs', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'history';
        item.description = '.theater/chains';
        item.tooltip = 'Chain logs recorded by earlier runs, next to their manifests; click one to open it.';
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'theaterHistory';
        return item;
      }
      case 'past': {
        const r = node.run;
        const item = new vscode.TreeItem(escapeControlChars(`${r.replayOf ? 'replay: ' : ''}${r.name}`));
        item.id = `past:${r.file}`;
        const when = new Date(r.startedAt ?? r.mtimeMs);
        item.description = `${when.toLocaleString()} · ${sizeText(r.size)}`;
        item.tooltip = [r.file, r.replayOf ? `replay of ${r.replayOf}` : ''].filter(Boolean).map(escapeControlChars).join('\n');
        item.resourceUri = vscode.Uri.file(r.file);
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'theaterPastRun';
        item.command = { command: 'theater.openChainFile', title: 'Open Chain', arguments: [vscode.Uri.file(r.file)] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(
          node.where === 'before' ? `${node.hidden} earlier events — load more` : `${node.hidden} more events — load more`,
        );
        item.id = `more:${node.source.id}:${node.where}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'theater.chain.loadMore', title: 'Load more', arguments: [node] };
        return item;
      }
      case 'event': {
        const s = node.source;
        const ev = s.event(node.index)!;
        const d = s.decode(node.index);
        const integrity = s.verification;
        const broken = integrity.state === 'broken' && integrity.index === node.index;
        const marked = s.marked?.index === node.index;
        const row = eventRowText(node.index, ev.eventType, d, shortHash(ev.hash));
        const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `event:${s.id}:${node.index}`;
        // A replay's mark and a broken hash can meet on one event (an edited recording): both are said.
        const problems = [marked ? escapeControlChars(s.marked!.note) : '', broken ? integrity.reason : ''].filter(Boolean);
        item.description = problems.length > 0 ? `✗ ${problems.join('; ')}` : row.description;
        item.iconPath =
          broken || marked
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
            : new vscode.ThemeIcon(ICONS[d.category] ?? 'circle-outline');
        // A delivered call can go to its cause, a send/request/spawn to the call it caused (menus by suffix).
        // A failed call (WasmError) of a child causes its parent's handle-child-error.
        const causes = causesCalls(ev.eventType) || d.category === 'wasm-error';
        item.contextValue = ev.cause ? 'theaterEventCaused' : causes ? 'theaterEventCauses' : 'theaterEvent';
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `detail:${node.source.id}:${node.index}:${node.label}`;
        item.description = node.value;
        item.tooltip = node.value;
        item.contextValue = node.label === 'hash' ? 'theaterEventHash' : 'theaterEventDetail';
        return item;
      }
    }
  }

  /** Tooltips are built only when hovered (thousands of rows stay cheap). */
  resolveTreeItem(item: vscode.TreeItem, node: ChainNode): vscode.TreeItem {
    if (node.kind === 'event') {
      const d = node.source.decode(node.index);
      const ev = node.source.event(node.index)!;
      const md = new vscode.MarkdownString();
      const eventType = escapeControlChars(ev.eventType).replace(/[\\`*_[\]<>]/g, '\\$&');
      md.appendMarkdown(`**${eventType}** — event ${node.index}\n\n`);
      md.appendCodeblock(d.summary, 'text');
      md.appendMarkdown(
        `\nhash \`${toHex(ev.hash)}\`  \nparent \`${ev.parentHash ? toHex(ev.parentHash) : '(root)'}\`  \n${ev.data.length} bytes of data`,
      );
      item.tooltip = md;
    }
    return item;
  }

  dispose(): void {
    this.coalescer.dispose();
    this.changed.dispose();
    this.servedRows.dispose();
  }
}
