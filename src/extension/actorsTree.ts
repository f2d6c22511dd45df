// The Actors view: running and finished actors with their state, event count and error.
import * as vscode from 'vscode';
import type { ActorSession } from '../runtime/host/session';
import { actorRow } from './present/actorRow';

export interface ActorEntry {
  session: ActorSession;
  /** Set for a replay run: the recorded chain it replays. */
  replayOf?: string;
  /** The user stopped it (Stop, Restart, Remove): its end is a normal end, not a failure. */
  stoppedByUser?: boolean;
}

export class ActorsTreeProvider implements vscode.TreeDataProvider<ActorEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActorEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly entries: ActorEntry[] = [];

  add(entry: ActorEntry): void {
    this.entries.unshift(entry);
    this.changed.fire(undefined);
  }

  remove(entry: ActorEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
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
    const row = actorRow({
      name: s.name,
      id: s.id,
      status: s.status,
      events: s.eventCount,
      lastError: s.lastError,
      stoppedByUser: entry.stoppedByUser,
      replayOf: entry.replayOf,
      verdict: s.replayReport?.verdict,
    });
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `actor:${s.id}`;
    item.description = row.description;
    item.iconPath = new vscode.ThemeIcon(row.icon, row.alarming ? new vscode.ThemeColor('errorForeground') : undefined);
    item.tooltip = `${row.tooltip}\n${s.manifestPath}\nlog: ${s.logPath}`;
    item.contextValue = row.contextValue;
    item.command = { command: 'theater.actors.showChain', title: 'Show chain', arguments: [entry] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
