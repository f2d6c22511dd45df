// Show State: an actor's state as a read-only virtual document, updated as its chain grows.
import * as vscode from 'vscode';
import type { ActorEntry } from './actorsTree';
import type { Controller } from './controller';
import { stateDocument } from './present/message';

export const STATE_SCHEME = 'theater-state';

export class StateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly watched = new Set<string>();

  constructor(private readonly controller: Controller) {}

  static uriOf(entry: ActorEntry): vscode.Uri {
    return vscode.Uri.from({ scheme: STATE_SCHEME, path: `/${entry.session.name} state`, query: entry.session.id });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const entry = this.controller.actors.entries.find((e) => e.session.id === uri.query);
    return entry ? stateDocument(entry.session.state) : '(this actor is no longer in the Actors view)\n';
  }

  async show(arg?: ActorEntry): Promise<vscode.TextDocument | undefined> {
    const entry = await this.controller.pickEntry(arg, this.controller.actors.entries, 'show the state of');
    if (!entry) return undefined;
    const uri = StateDocuments.uriOf(entry);
    if (!this.watched.has(entry.session.id)) {
      this.watched.add(entry.session.id);
      // The session says 'state' once a call's result is the stored state. Not on 'event': VS Code asks
      // for the content while the listener runs, and the WasmResult event is read before the state is set.
      entry.session.on('state', () => this.changed.fire(uri));
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
