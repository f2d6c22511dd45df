// The Event Chain explorer: one root per chain (a running actor or an opened file), paged event
// rows, decoded details on expansion, integrity on the root and on the exact bad event.
import * as vscode from 'vscode';
import { formatValue } from '../runtime/chain/decode';
import { shortHash, toHex } from '../runtime/chain/hash';
import { ChainSource, RefreshCoalescer } from './model/chainSource';

export type ChainNode =
  | { kind: 'source'; source: ChainSource }
  | { kind: 'more'; source: ChainSource; hidden: number; where: 'before' | 'after' }
  | { kind: 'event'; source: ChainSource; index: number }
  | { kind: 'detail'; source: ChainSource; index: number; label: string; value: string };

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
  readonly sources: ChainSource[] = [];
  private readonly roots = new Map<string, ChainNode>();
  private readonly eventNodes = new Map<string, ChainNode>();
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
    this.sources.unshift(source);
    this.roots.set(source.id, node);
    this.changed.fire(undefined);
    return node;
  }

  remove(id: string): void {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i >= 0) this.sources.splice(i, 1);
    this.roots.delete(id);
    this.changed.fire(undefined);
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
    const key = `${source.id}:${index}`;
    let n = this.eventNodes.get(key);
    if (!n) {
      n = { kind: 'event', source, index };
      this.eventNodes.set(key, n);
    }
    return n;
  }

  getChildren(node?: ChainNode): ChainNode[] {
    if (!node) return this.sources.map((s) => this.roots.get(s.id)!);
    if (node.kind === 'source') {
      const s = node.source;
      s.verifyNew();
      const v = s.visible();
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
    if (node.kind === 'source') return undefined;
    if (node.kind === 'detail') return this.eventNode(node.source, node.index);
    return this.roots.get(node.source.id);
  }

  getTreeItem(node: ChainNode): vscode.TreeItem {
    switch (node.kind) {
      case 'source': {
        const s = node.source;
        const integrity = s.verifyNew();
        const item = new vscode.TreeItem(s.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `chain:${s.id}`;
        const filtered = s.filter.type || s.filter.text ? `, filter: ${[s.filter.type, s.filter.text].filter(Boolean).join(' / ')}` : '';
        item.description = `${s.total} events${integrity.state === 'intact' ? (s.reading ? ', reading…' : ', verified') : `, BROKEN at event ${integrity.index}`}${filtered}`;
        item.iconPath = new vscode.ThemeIcon(
          integrity.state === 'intact' ? 'verified' : 'error',
          integrity.state === 'intact' ? undefined : new vscode.ThemeColor('errorForeground'),
        );
        item.tooltip =
          integrity.state === 'intact'
            ? `${s.total} events; every hash and parent link checked.`
            : `Event ${integrity.index}: ${integrity.reason}`;
        item.contextValue = 'theaterChain';
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
        const item = new vscode.TreeItem(
          `${node.index}  ${shortHash(ev.hash)}  ${ev.eventType}`,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `event:${s.id}:${node.index}`;
        item.description = broken ? `✗ ${integrity.reason}` : marked ? `✗ ${s.marked!.note}` : d.summary;
        item.iconPath =
          broken || marked
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
            : new vscode.ThemeIcon(ICONS[d.category] ?? 'circle-outline');
        item.contextValue = 'theaterEvent';
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
      md.appendMarkdown(`**${ev.eventType}** — event ${node.index}\n\n`);
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
  }
}
