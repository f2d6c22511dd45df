// What the commands do: start/stop/restart actors, open/verify/export chains, replay. The runtime is
// loaded on the first start (it brings jco with it), so activation stays cheap.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChainEvent } from '../runtime/chain/event';
import type { ActorSession } from '../runtime/host/session';
import { ActorsTreeProvider, type ActorEntry } from './actorsTree';
import { ChainTreeProvider, type ChainNode } from './chainTree';
import { ChainSource } from './model/chainSource';

type Runtime = typeof import('../runtime/host/session');
let runtimeModule: Runtime | undefined;
function runtime(): Runtime {
  // Bundled into the extension but evaluated only on first use.
  if (!runtimeModule) {
    runtimeModule = require('../runtime/host/session') as Runtime;
    // From the first start on, keep a worker ready so later starts skip its ~50 ms boot.
    runtimeModule.setPrewarm(true);
  }
  return runtimeModule;
}

const OUTPUT_TAIL_CHARS = 65536;

export class Controller implements vscode.Disposable {
  readonly chains = new ChainTreeProvider();
  readonly actors = new ActorsTreeProvider();
  readonly output: vscode.OutputChannel;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  chainView: vscode.TreeView<ChainNode> | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Theater');
    this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
    this.status.command = 'theater.actors.focus';
    this.disposables.push(this.output, this.status, this.chains, this.actors);
    this.updateStatus();
  }

  private config() {
    return vscode.workspace.getConfiguration('theater');
  }

  private updateStatus(): void {
    const running = this.actors.entries.filter((e) => ['starting', 'running', 'idle'].includes(e.session.status)).length;
    this.status.text = `$(play-circle) Theater: ${running} running`;
    this.status.tooltip = `${running} running actor${running === 1 ? '' : 's'}; ${this.actors.entries.length} in this session`;
    if (this.actors.entries.length > 0) this.status.show();
    else this.status.hide();
  }

  /** Resolves which manifest to start: the argument, the active editor, or a pick among the workspace's. */
  async pickManifest(arg?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) return arg;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && /manifest[^/]*\.toml$/.test(active.fsPath)) return active;
    const found = await vscode.workspace.findFiles('**/manifest.toml', '**/{node_modules,.theater}/**', 200);
    if (found.length === 0) {
      void vscode.window.showErrorMessage("Theater: no manifest.toml in this workspace; open an actor's folder or a manifest.toml.");
      return undefined;
    }
    if (found.length === 1) return found[0];
    const pick = await vscode.window.showQuickPick(
      found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { placeHolder: 'Which actor?' },
    );
    return pick?.uri;
  }

  async startActor(arg?: vscode.Uri, replayChain?: string): Promise<ActorSession | undefined> {
    const uri = await this.pickManifest(arg);
    if (!uri) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    let session: ActorSession;
    let busy: vscode.Disposable | undefined;
    try {
      session = await runtime().startActor({
        manifestPath: uri.fsPath,
        callTimeoutMs: this.config().get<number>('callTimeoutMs', 30000),
        activateByImports: this.config().get<boolean>('activateByImports', false),
        dataDir: path.join(this.context.globalStorageUri.fsPath),
        ...(replayChain ? { replayChainPath: replayChain } : {}),
        // A first start transpiles the component (seconds for a componentize-js one): say so while it runs.
        onProgress: (m) => {
          this.output.appendLine(`[start] ${m}`);
          busy?.dispose();
          busy = vscode.window.setStatusBarMessage(`$(sync~spin) Theater: ${m}…`);
        },
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.output.appendLine(`[start] ${message}`);
      // Every unresolved import, not only the first (the notification shows the first).
      const more = (e as { more?: readonly string[] }).more ?? [];
      for (const m of more) this.output.appendLine(`[start] ${m}`);
      void vscode.window.showErrorMessage(`Theater: ${message}`, 'Show Problem').then((b) => {
        if (b) void vscode.window.showTextDocument(uri).then(() => vscode.commands.executeCommand('workbench.actions.view.problems'));
      });
      return undefined;
    } finally {
      busy?.dispose();
    }
    this.track(session, replayChain);
    return session;
  }

  private track(session: ActorSession, replayOf?: string): void {
    const entry: ActorEntry = { session, ...(replayOf ? { replayOf } : {}) };
    const source = new ChainSource(
      session.id,
      `${replayOf ? 'replay: ' : ''}${session.name} · ${session.id.slice(0, 8)}`,
      session.events,
      true,
    );
    this.actors.add(entry);
    this.chains.add(source);
    this.updateStatus();
    session.on('event', () => {
      this.chains.touched(session.id);
    });
    session.on('log', (m: string) => this.output.appendLine(`[${session.name}] ${m}`));
    // The guest's stdout/stderr (wasi:cli) in an output channel of its own, per actor name.
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    session.on('output', (stream: 'stdout' | 'stderr', bytes: Uint8Array) => {
      const text = decoders[stream].decode(bytes, { stream: true });
      this.actorChannel(session.name).append(text);
      // The tail of what the channel shows, bounded (tests and tooltips read it; the channel keeps all).
      const tail = (this.outputTails.get(session.name) ?? '') + text;
      this.outputTails.set(session.name, tail.length > OUTPUT_TAIL_CHARS ? tail.slice(-OUTPUT_TAIL_CHARS) : tail);
    });
    session.on('status', () => {
      this.actors.update();
      this.updateStatus();
    });
    session.on('exit', (o) => {
      this.actors.update();
      this.updateStatus();
      this.chains.refreshSource(session.id);
      if (o.status === 'failed') {
        this.output.appendLine(`[${session.name}] failed: ${o.error}`);
        void vscode.window.showErrorMessage(`Theater: ${session.name} failed: ${o.error}`);
      }
      if (replayOf && session.replayReport) this.showReplayResult(session, source, replayOf);
    });
  }

  private showReplayResult(session: ActorSession, source: ChainSource, replayOf: string): void {
    const report = session.replayReport!;
    if (report.divergence) {
      source.marked = {
        index: report.divergence.index,
        note: `diverged: expected ${report.divergence.expected?.eventType ?? '(nothing)'} ${report.divergence.expected?.summary ?? ''}`,
      };
      // The recording beside the replay, with the same event marked.
      const recorded = this.openChainSource(replayOf);
      if (recorded)
        recorded.marked = {
          index: report.divergence.index,
          note: `replay got ${report.divergence.actual?.eventType ?? '(nothing)'} ${report.divergence.actual?.summary ?? ''}`,
        };
      this.chains.refreshSource(session.id);
      void this.reveal(source, report.divergence.index);
      void vscode.window.showWarningMessage(`Theater: ${report.message}`);
    } else {
      void vscode.window.showInformationMessage(`Theater: ${report.message}`);
    }
  }

  entryFor(arg?: ActorEntry): ActorEntry | undefined {
    if (arg?.session) return arg;
    const live = this.actors.entries.filter((e) => ['starting', 'running', 'idle'].includes(e.session.status));
    return live[0] ?? this.actors.entries[0];
  }

  async stopActor(arg?: ActorEntry) {
    const entry = this.entryFor(arg);
    if (!entry) {
      void vscode.window.showInformationMessage('Theater: no actor is running.');
      return undefined;
    }
    return entry.session.stop('stopped from VS Code');
  }

  async restartActor(arg?: ActorEntry): Promise<ActorSession | undefined> {
    const entry = this.entryFor(arg);
    if (!entry) return undefined;
    await entry.session.stop('restarted from VS Code');
    return this.startActor(vscode.Uri.file(entry.session.manifestPath));
  }

  /** Loads a chain file (Theater chain.json or our log) as a source in the explorer. */
  openChainSource(file: string): ChainSource | undefined {
    const { loadChainFile } = require('../runtime/chain/theaterJson') as typeof import('../runtime/chain/theaterJson');
    const loaded = loadChainFile(file);
    const id = `file:${file}`;
    const existing = this.chains.sources.find((s) => s.id === id);
    if (existing) this.chains.remove(id);
    const source = new ChainSource(id, path.basename(file), loaded.events, false);
    this.chains.add(source);
    for (const p of loaded.problems) this.output.appendLine(`[${path.basename(file)}] ${p}`);
    return source;
  }

  async openChainFile(arg?: vscode.Uri): Promise<ChainSource | undefined> {
    const uri =
      arg instanceof vscode.Uri
        ? arg
        : (
            await vscode.window.showOpenDialog({
              canSelectMany: false,
              openLabel: 'Open Chain',
              filters: { 'Theater chains': ['json', 'jsonl'] },
            })
          )?.[0];
    if (!uri) return undefined;
    try {
      const source = this.openChainSource(uri.fsPath)!;
      await vscode.commands.executeCommand('theater.chain.focus');
      return source;
    } catch (e) {
      void vscode.window.showErrorMessage(`Theater: ${(e as Error).message}`);
      return undefined;
    }
  }

  sourceOf(node?: ChainNode): ChainSource | undefined {
    if (node) return node.source;
    const sel = this.chainView?.selection[0];
    return sel?.source ?? this.chains.sources[0];
  }

  verifyChain(node?: ChainNode): boolean | undefined {
    const source = this.sourceOf(node);
    if (!source) {
      void vscode.window.showInformationMessage('Theater: open or record a chain first.');
      return undefined;
    }
    const r = source.verifyNew();
    this.chains.refreshSource(source.id);
    if (r.state === 'intact')
      void vscode.window.showInformationMessage(`Theater: ${source.label}: intact, ${source.total} events verified.`);
    else {
      void vscode.window.showErrorMessage(`Theater: ${source.label}: event ${r.index}: ${r.reason}`);
      void this.reveal(source, r.index);
    }
    return r.state === 'intact';
  }

  async exportChain(node?: ChainNode, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const source = this.sourceOf(node);
    if (!source) return undefined;
    const uri = target ?? (await vscode.window.showSaveDialog({ filters: { 'Theater chain.json': ['json'] }, saveLabel: 'Export Chain' }));
    if (!uri) return undefined;
    const { writeTheaterChainJson } = require('../runtime/chain/theaterJson') as typeof import('../runtime/chain/theaterJson');
    const events: ChainEvent[] = [];
    for (let i = 0; i < source.total; i++) events.push(source.event(i)!);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(writeTheaterChainJson(events), 'utf8'));
    void vscode.window.showInformationMessage(`Theater: exported ${events.length} events to ${uri.fsPath}`);
    return uri;
  }

  async reveal(source: ChainSource, index: number): Promise<void> {
    if (!source.reveal(index)) return;
    this.chains.refreshSource(source.id);
    await this.chainView?.reveal(this.chains.eventNode(source, index), { select: true, focus: false, expand: false });
  }

  async goToEvent(node?: ChainNode, index?: number): Promise<void> {
    const source = this.sourceOf(node);
    if (!source) return;
    const n =
      index ??
      Number(
        await vscode.window.showInputBox({
          prompt: `Event number (0–${source.total - 1})`,
          validateInput: (v) => (/^\d+$/.test(v) && +v < source.total ? null : `a number from 0 to ${source.total - 1}`),
        }),
      );
    if (!Number.isInteger(n)) return;
    if (!source.reveal(n)) {
      void vscode.window.showWarningMessage(`Theater: event ${n} is hidden by the filter; clear it first.`);
      return;
    }
    await this.reveal(source, n);
  }

  async filter(node?: ChainNode): Promise<void> {
    const source = this.sourceOf(node);
    if (!source) return;
    const text = await vscode.window.showInputBox({
      prompt: 'Show events whose type or summary contains… (prefix with type: to match the event type only)',
      value: source.filter.text ?? source.filter.type ?? '',
    });
    if (text === undefined) return;
    source.setFilter(text.startsWith('type:') ? { type: text.slice(5).trim() } : text ? { text } : {});
    this.chains.refreshSource(source.id);
  }

  clearFilter(node?: ChainNode): void {
    const source = this.sourceOf(node);
    if (!source) return;
    source.setFilter({});
    this.chains.refreshSource(source.id);
  }

  async replay(arg?: vscode.Uri | ChainNode): Promise<ActorSession | undefined> {
    let chainFile: string | undefined;
    let manifest: vscode.Uri | undefined;
    if (arg && !(arg instanceof vscode.Uri) && arg.kind === 'source') {
      const session = this.actors.entries.find((e) => e.session.id === arg.source.id)?.session;
      if (session) {
        chainFile = session.logPath;
        manifest = vscode.Uri.file(session.manifestPath);
      } else if (arg.source.id.startsWith('file:')) chainFile = arg.source.id.slice(5);
    } else if (arg instanceof vscode.Uri) {
      chainFile = arg.fsPath;
    }
    chainFile ??= (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Replay this chain',
        filters: { 'Theater chains': ['json', 'jsonl'] },
      })
    )?.[0]?.fsPath;
    if (!chainFile) return undefined;
    if (!manifest) {
      const { loadChainFile } = require('../runtime/chain/theaterJson') as typeof import('../runtime/chain/theaterJson');
      const header = loadChainFile(chainFile).header;
      manifest = header?.manifestPath ? vscode.Uri.file(header.manifestPath) : await this.pickManifest();
    }
    if (!manifest) return undefined;
    return this.startActor(manifest, chainFile);
  }

  private readonly actorChannels = new Map<string, vscode.OutputChannel>();
  private readonly outputTails = new Map<string, string>();

  /** The last (up to 64 Ki characters) of an actor's stdout and stderr, as its output channel shows them. */
  actorOutput(name: string): string {
    return this.outputTails.get(name) ?? '';
  }

  /** `Theater: <actor>`: the actor's stdout and stderr, created on its first output. */
  actorChannel(name: string): vscode.OutputChannel {
    let c = this.actorChannels.get(name);
    if (!c) {
      c = vscode.window.createOutputChannel(`Theater: ${name}`);
      this.actorChannels.set(name, c);
      this.disposables.push(c);
    }
    return c;
  }

  dispose(): void {
    runtimeModule?.setPrewarm(false);
    for (const e of this.actors.entries) void e.session.stop('VS Code is closing');
    for (const d of this.disposables) d.dispose();
  }
}
