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
  /** The actor that spawned this one (the supervision tree); undefined for an actor started by the user. */
  parent?: ActorEntry;
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
    // Children under their parent; a child whose parent left the view shows at the top level.
    if (entry) return this.entries.filter((e) => e.parent === entry);
    return this.entries.filter((e) => !e.parent || !this.entries.includes(e.parent));
  }

  getParent(entry: ActorEntry): ActorEntry | undefined {
    return entry.parent && this.entries.includes(entry.parent) ? entry.parent : undefined;
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
    const hasChildren = this.entries.some((e) => e.parent === entry);
    const item = new vscode.TreeItem(
      row.label,
      hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
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
