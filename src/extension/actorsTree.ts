// The Actors view: running and finished actors with their state, event count and error.
import * as vscode from 'vscode';
import type { ActorSession } from '../runtime/host/session';

export interface ActorEntry {
  session: ActorSession;
  /** Set for a replay run: the recorded chain it replays. */
  replayOf?: string;
}

export class ActorsTreeProvider implements vscode.TreeDataProvider<ActorEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActorEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly entries: ActorEntry[] = [];

  add(entry: ActorEntry): void {
    this.entries.unshift(entry);
    this.changed.fire(undefined);
  }

  update(entry?: ActorEntry): void {
    this.changed.fire(entry);
  }

  getChildren(entry?: ActorEntry): ActorEntry[] {
    return entry ? [] : this.entries;
  }

  getTreeItem(entry: ActorEntry): vscode.TreeItem {
    const s = entry.session;
    const item = new vscode.TreeItem(`${entry.replayOf ? 'replay: ' : ''}${s.name}`, vscode.TreeItemCollapsibleState.None);
    item.id = `actor:${s.id}`;
    const live = s.status === 'starting' || s.status === 'running' || s.status === 'idle';
    item.description = `${s.id.slice(0, 8)} · ${s.status} · ${s.events.length} events${s.lastError ? ` · ${s.lastError}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(
      s.status === 'failed' ? 'error' : live ? (s.status === 'idle' ? 'debug-pause' : 'loading~spin') : 'circle-slash',
      s.status === 'failed' ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    item.tooltip = `${s.name} (${s.id})\n${s.manifestPath}\nlog: ${s.logPath}${s.lastError ? `\n${s.lastError}` : ''}`;
    item.contextValue = live ? 'theaterActorRunning' : 'theaterActorDone';
    item.command = { command: 'theater.actors.showChain', title: 'Show chain', arguments: [entry] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
