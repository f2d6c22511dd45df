// What the commands do: start/stop/restart actors, open/verify/export chains, replay. The runtime is
// loaded on the first start (it brings jco with it), so activation stays cheap.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChainEvent } from '../runtime/chain/event';
import type { ActorSession } from '../runtime/host/session';
import type { ActorSystem } from '../runtime/host/system';
import type { EventPlace } from '../runtime/chain/causality';
import { isTheaterManifestName, MANIFEST_GLOBS } from '../runtime/manifest/identify';
import { escapeControlChars, escapeControlCharsKeepLines } from '../runtime/text/escape';
import { ActorsTreeProvider, type ActorEntry } from './actorsTree';
import { ChainTreeProvider, type ChainNode } from './chainTree';
import { ChainSource, RefreshCoalescer } from './model/chainSource';
import { endState, isLive, outputLine } from './present/actorRow';
import { filterPrompt, filterText, findByHashPrefix, isFiltered, parseEventTarget, parseFilter } from './present/chainQuery';
import { FileChainSource } from './model/fileChainSource';
import { pickChainFile } from './pickChain';

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

/** A message shown to the user (kept, the last 100, so tests can see what the user saw). */
export interface Notice {
  level: 'info' | 'warning' | 'error' | 'status';
  text: string;
}

export class Controller implements vscode.Disposable {
  readonly chains = new ChainTreeProvider();
  readonly actors = new ActorsTreeProvider();
  readonly output: vscode.OutputChannel;
  readonly notices: Notice[] = [];
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  chainView: vscode.TreeView<ChainNode> | undefined;
  /** The chain the user last looked at: revealed, selected or filtered. View-title commands act on it. */
  current: ChainSource | undefined;
  /** Folders holding manifests (found at activation, and every started actor's): their `.theater/chains` are listed. */
  private readonly manifestDirs = new Set<string>();
  /** Event counts in the Actors view follow the chain at most 4 times a second. */
  readonly actorCounts = new RefreshCoalescer<ActorEntry>(250, (entries) => {
    for (const e of entries) this.actors.update(e);
  });

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Theater');
    this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
    this.status.command = 'theater.actors.focus';
    this.disposables.push(this.output, this.status, this.chains, this.actors, { dispose: () => this.actorCounts.dispose() });
    this.chains.isLive = (s) => this.actors.entries.some((e) => e.session.id === s.id && isLive(e.session.status));
    this.chains.shownFiles = () =>
      new Set([
        ...this.actors.entries.filter((e) => this.chains.root(e.session.id)).map((e) => e.session.logPath),
        ...this.chains.sources.filter((s) => s.id.startsWith('file:')).map((s) => s.id.slice(5)),
      ]);
    this.chains.historyDirs = () => [...this.manifestDirs].map((d) => path.join(d, '.theater', 'chains'));
    this.updateState();
    void this.findManifestDirs();
  }

  /** Settings as they apply to `resource` (folder settings win), the same answer the language server pulls. */
  private maxMemoryOption(uri: vscode.Uri): { maxMemoryMiB?: number } {
    const i = this.config(uri).inspect<number>('maxMemoryMiB');
    const set = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    return set !== undefined ? { maxMemoryMiB: set } : {};
  }

  private config(resource?: vscode.Uri) {
    return vscode.workspace.getConfiguration('theater', resource);
  }

  /** One timestamped line in the Output channel. */
  log(text: string): void {
    this.output.appendLine(outputLine(new Date(), text));
  }

  notify(level: 'info' | 'warning' | 'error', text: string, ...items: string[]): Thenable<string | undefined> {
    this.remember({ level, text });
    const show =
      level === 'error'
        ? vscode.window.showErrorMessage
        : level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return show(text, ...items);
  }

  /** A short confirmation in the status bar (Copy Hash). */
  flash(text: string): void {
    this.remember({ level: 'status', text });
    vscode.window.setStatusBarMessage(text, 4000); // disposes itself after the timeout
  }

  /** How many notices were shown since activation (the list keeps only the last 100). */
  noticeCount = 0;

  private remember(n: Notice): void {
    this.noticeCount++;
    this.notices.push(n);
    if (this.notices.length > 100) this.notices.shift();
  }

  /** The notices shown after the first `count` (from `noticeCount` taken earlier), as far as the last 100 reach. */
  noticesSince(count: number): Notice[] {
    const n = this.noticeCount - count;
    return n <= 0 ? [] : this.notices.slice(-Math.min(n, this.notices.length));
  }

  /** The workspace's Theater manifests, by the one manifest rule. */
  private async findManifests(): Promise<vscode.Uri[]> {
    const found = await vscode.workspace.findFiles(`{${MANIFEST_GLOBS.join(',')}}`, '**/{node_modules,.theater}/**', 200);
    return found.filter((u) => isTheaterManifestName(u.fsPath));
  }

  private async findManifestDirs(): Promise<void> {
    const found = await this.findManifests();
    for (const u of found) this.manifestDirs.add(path.dirname(u.fsPath));
    this.chains.refreshHistory();
  }

  /** Status bar and the context keys that hide palette commands where they cannot act. */
  private updateState(): void {
    const running = this.actors.entries.filter((e) => isLive(e.session.status)).length;
    this.status.text = `$(play-circle) Theater: ${running} running`;
    this.status.tooltip = `${running} running actor${running === 1 ? '' : 's'}; ${this.actors.entries.length} in this session`;
    if (this.actors.entries.length > 0) this.status.show();
    else this.status.hide();
    const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
    set('theater.hasRunningActors', running > 0);
    set('theater.hasActors', this.actors.entries.length > 0);
    set('theater.hasFinishedActors', this.actors.entries.length > running);
    set('theater.hasChains', this.chains.sources.length > 0);
  }

  /** Resolves which manifest to start: the argument, the active editor, or a pick among the workspace's. */
  /**
   * The manifest a chain was recorded with (our log's header names it), else the user's pick. Only the
   * header line is read: the chain itself is never read on this thread.
   */
  async manifestOfChain(chainFile: string): Promise<string | undefined> {
    const { ChainFileReader } = require('../runtime/chain/chainFile') as typeof import('../runtime/chain/chainFile');
    return ChainFileReader.recordedManifestPath(chainFile) ?? (await this.pickManifest())?.fsPath;
  }

  async pickManifest(arg?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) return arg;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && isTheaterManifestName(active.fsPath)) return active;
    const found = await this.findManifests();
    if (found.length === 0) {
      void this.notify('error', "Theater: no manifest.toml in this workspace; open an actor's folder or a manifest.toml.");
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
    let busy: { dispose(): void } | undefined;
    try {
      // Through the extension's one actor system: actors can spawn children and message each other.
      const actorId = crypto.randomUUID();
      if (replayChain) this.pendingReplays.set(actorId, replayChain);
      session = await this.actorSystem().start({
        actorId,
        manifestPath: uri.fsPath,
        callTimeoutMs: this.config(uri).get<number>('callTimeoutMs', 30000),
        // The setting, when the user set it, over the manifest's max_memory_mib (else that, else 256 MiB).
        ...this.maxMemoryOption(uri),
        retention: {
          keep: this.config(uri).get<number>('chainRetention.keep', 200),
          maxBytes: this.config(uri).get<number>('chainRetention.maxMB', 1024) * 2 ** 20,
        },
        activateByImports: this.config(uri).get<boolean>('activateByImports', false),
        dataDir: path.join(this.context.globalStorageUri.fsPath),
        ...(replayChain ? { replayChainPath: replayChain } : {}),
        // A first start transpiles the component (seconds for a componentize-js one): a progress
        // notification says so until the start is over.
        onProgress: (m) => {
          this.output.appendLine(`[start] ${m}`);
          busy?.dispose();
          let end!: () => void;
          const over = new Promise<void>((resolve) => (end = resolve));
          busy = { dispose: end };
          const title = `Theater: ${m}…`;
          this.remember({ level: 'status', text: title });
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => over);
        },
      });
    } catch (e) {
      const message = escapeControlChars(e instanceof Error ? e.message : String(e));
      this.log(`[start] ${vscode.workspace.asRelativePath(uri)}: ${message}`);
      // Every unresolved import, not only the first (the notification shows the first).
      const more = (e as { more?: readonly string[] }).more ?? [];
      for (const m of more) this.log(`[start] ${escapeControlChars(m)}`);
      void this.notify('error', `Theater: ${message}`, 'Show Problem').then((b) => {
        if (b) void vscode.window.showTextDocument(uri).then(() => vscode.commands.executeCommand('workbench.actions.view.problems'));
      });
      return undefined;
    } finally {
      busy?.dispose();
    }
    // Tracked already: the system announced it ('actor') before start resolved.
    if (!this.actors.entries.some((e) => e.session === session)) this.track(session, replayChain);
    return session;
  }

  /** Replays being started, by the actor id they were given (the system announces the actor before start resolves). */
  private readonly pendingReplays = new Map<string, string>();
  private system: ActorSystem | undefined;

  /** The extension's one actor system, created on the first start. */
  actorSystem(): ActorSystem {
    if (!this.system) {
      runtime();
      const { ActorSystem: System } = require('../runtime/host/system') as typeof import('../runtime/host/system');
      const system = new System({
        dataDir: this.context.globalStorageUri.fsPath,
        // Children get these; a started actor's own options come from its manifest's folder settings.
        callTimeoutMs: this.config().get<number>('callTimeoutMs', 30000),
        maxMemoryMiB: this.config().get<number>('maxMemoryMiB', 256),
        onProgress: (m) => this.output.appendLine(`[start] ${m}`),
      });
      system.on('actor', (session: ActorSession, parent: ActorSession | undefined) => {
        const replayOf = this.pendingReplays.get(session.id);
        this.pendingReplays.delete(session.id);
        const parentEntry = parent ? this.actors.entries.find((e) => e.session === parent) : undefined;
        this.track(session, replayOf, parentEntry);
      });
      system.on('failure', (session: ActorSession, fn: string, error: string, handled: boolean) => {
        if (handled) return;
        const name = escapeControlChars(session.name);
        void this.notify(
          'warning',
          `Theater: ${name} is paused: ${escapeControlChars(fn)} failed: ${escapeControlChars(error)}`,
          'Resume',
        ).then((b) => {
          if (b) void this.resumeActor(this.actors.entries.find((e) => e.session === session));
        });
      });
      this.system = system;
    }
    return this.system;
  }

  /** Resumes a paused actor (a fresh instance with its last good state). */
  async resumeActor(arg?: ActorEntry): Promise<boolean> {
    const entry = await this.pickEntry(
      arg,
      this.actors.entries.filter((e) => e.session.status === 'paused'),
      'resume',
    );
    if (!entry) return false;
    const r = await this.actorSystem().resume(entry.session.id);
    if (r.tag === 'err') void this.notify('error', `Theater: ${escapeControlChars(r.val)}`);
    else this.log(`[${escapeControlChars(entry.session.name)}] resumed`);
    return r.tag === 'ok';
  }

  private track(session: ActorSession, replayOf?: string, parent?: ActorEntry): void {
    const entry: ActorEntry = { session, ...(replayOf ? { replayOf } : {}), ...(parent ? { parent } : {}) };
    const name = escapeControlChars(session.name);
    this.manifestDirs.add(path.dirname(session.manifestPath));
    const source = this.sourceForSession(entry);
    this.actors.add(entry);
    this.updateState();
    this.log(
      `[${name}] started ${session.id} from ${session.manifestPath}${replayOf ? `, replaying ${replayOf}` : ''}; chain log ${session.logPath}`,
    );
    void this.revealNew(source);
    session.on('event', () => {
      this.chains.touched(session.id);
      this.actorCounts.mark(entry);
    });
    session.on('log', (m: string) => this.log(`[${name}] ${escapeControlCharsKeepLines(m)}`));
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
      this.actors.update(entry);
      this.updateState();
      this.chains.refreshSource(session.id);
    });
    if (replayOf) {
      // A replay ends when init has answered from the recording (as `theater replay` does): the verdict follows.
      if (session.status === 'idle') void session.stop('replay finished');
      else session.once('init-done', () => void session.stop('replay finished'));
    }
    session.on('exit', (o) => {
      this.actors.update(entry);
      this.updateState();
      this.chains.refreshSource(session.id);
      const end = endState({ status: o.status, stoppedByUser: entry.stoppedByUser });
      const error = o.error ? escapeControlChars(o.error) : undefined;
      this.log(`[${name}] ended: ${end}${error ? ` (${error})` : ''}; ${o.eventCount} events in ${session.logPath}`);
      if (end === 'failed') void this.notify('error', `Theater: ${name} failed: ${error}`);
      if (replayOf && session.replayReport) this.showReplayResult(session, source, replayOf);
      else if (replayOf) void this.notify('warning', `Theater: the replay of ${name} ended before it could be compared (${end}).`);
    });
  }

  /** The chain root of an actor's run (created again from the run's events when it was removed from the view). */
  private sourceForSession(entry: ActorEntry): ChainSource {
    const s = entry.session;
    const existing = this.chains.sources.find((c) => c.id === s.id);
    if (existing) return existing;
    const source = new ChainSource(s.id, `${entry.replayOf ? 'replay: ' : ''}${s.name} · ${s.id.slice(0, 8)}`, s.eventAccess, true);
    this.chains.add(source);
    this.updateState();
    return source;
  }

  /** A new chain is shown: it becomes the current one and, when the view is open, is scrolled to. */
  private async revealNew(source: ChainSource): Promise<void> {
    this.current = source;
    const root = this.chains.root(source.id);
    if (!root || !this.chainView?.visible) return;
    // A new root is known to VS Code only once the workbench has fetched the top level again.
    const listed = this.chains.nextChildren('');
    if (!this.chains.isListed(source.id)) await this.untilFetched(listed);
    await new Promise((r) => setImmediate(r));
    try {
      await this.chainView.reveal(root, { expand: true, select: false, focus: false });
    } catch (e) {
      this.log(`[view] could not reveal ${source.label}: ${(e as Error).message}`);
    }
  }

  private showReplayResult(session: ActorSession, source: ChainSource, replayOf: string): void {
    const report = session.replayReport!;
    const message = escapeControlChars(report.message);
    this.log(`[${escapeControlChars(session.name)}] replay ${report.verdict}: ${message}`);
    if (report.divergence) {
      source.marked = {
        index: report.divergence.index,
        note: `diverged: expected ${report.divergence.expected?.eventType ?? '(nothing)'} ${report.divergence.expected?.summary ?? ''}`,
      };
      // The recording beside the replay, with the same event marked.
      try {
        const recorded = this.openChainSource(replayOf);
        recorded.marked = {
          index: report.divergence.index,
          note: `replay got ${report.divergence.actual?.eventType ?? '(nothing)'} ${report.divergence.actual?.summary ?? ''}`,
        };
        const at = report.divergence.index;
        void recorded
          .ready()
          .then(async () => {
            recorded.reveal(at);
            await recorded.ensureWindow();
            this.chains.refreshSource(recorded.id);
          })
          .catch((e: Error) =>
            this.log(`[${escapeControlChars(session.name)}] the recording could not be opened: ${escapeControlChars(e.message)}`),
          );
      } catch (e) {
        this.log(`[${escapeControlChars(session.name)}] the recording could not be opened: ${escapeControlChars((e as Error).message)}`);
      }
      this.chains.refreshSource(session.id);
      void this.reveal(source, report.divergence.index);
      void this.notify('warning', `Theater: ${message}`, 'Compare Chains').then((b) => {
        if (b) void vscode.commands.executeCommand('theater.compareChains', vscode.Uri.file(replayOf), vscode.Uri.file(session.logPath));
      });
    } else {
      void this.notify('info', `Theater: ${message}`);
    }
  }

  /** The entry of the argument, or a pick among `candidates` (none: a message; one: that one). */
  async pickEntry(arg: ActorEntry | undefined, candidates: ActorEntry[], what: string): Promise<ActorEntry | undefined> {
    if (arg?.session) return arg;
    if (candidates.length === 0) {
      void this.notify('info', `Theater: no actor to ${what}.`);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const pick = await vscode.window.showQuickPick(
      candidates.map((e) => ({
        label: `${e.replayOf ? 'replay: ' : ''}${escapeControlChars(e.session.name)}`,
        description: `${e.session.id.slice(0, 8)} · ${e.session.status} · ${e.session.eventCount} events`,
        detail: vscode.workspace.asRelativePath(e.session.manifestPath),
        entry: e,
      })),
      { placeHolder: `Which actor do you want to ${what}?` },
    );
    return pick?.entry;
  }

  running(): ActorEntry[] {
    return this.actors.entries.filter((e) => isLive(e.session.status));
  }

  /** Stops an actor by the user's wish: a normal end, never reported as a failure. */
  private async stopByUser(entry: ActorEntry, reason: string) {
    // Its children stop with it (children first), by the same wish.
    const mark = (e: ActorEntry) => {
      if (isLive(e.session.status)) {
        e.stoppedByUser = true;
        this.actors.update(e);
      }
      for (const c of this.actors.entries.filter((x) => x.parent === e)) mark(c);
    };
    mark(entry);
    if (this.system?.get(entry.session.id)) await this.system.stop(entry.session.id, reason);
    // Its outcome (kept by the session once it has ended).
    return entry.session.stop(reason);
  }

  async stopActor(arg?: ActorEntry) {
    const entry = await this.pickEntry(arg, this.running(), 'stop');
    if (!entry) return undefined;
    return this.stopByUser(entry, 'stopped from VS Code');
  }

  async restartActor(arg?: ActorEntry): Promise<ActorSession | undefined> {
    const entry = await this.pickEntry(arg, this.actors.entries, 'restart');
    if (!entry) return undefined;
    const node = this.system?.get(entry.session.id);
    if (node?.parent) {
      // A child restarts under its parent's supervision, as restart-child does: same id, its chain goes on.
      const r = await this.system!.restartChild(entry.session.id);
      if (r.tag === 'err') {
        void this.notify('error', `Theater: ${escapeControlChars(r.val)}`);
        return undefined;
      }
      entry.stoppedByUser = false;
      this.actors.update(entry);
      this.log(
        `[${escapeControlChars(entry.session.name)}] restarted by its parent ${escapeControlChars(node.parent.session.name)}'s supervision`,
      );
      return entry.session;
    }
    let root = entry;
    while (root.parent) root = root.parent;
    if (root !== entry && isLive(root.session.status)) {
      void this.notify(
        'error',
        `Theater: ${escapeControlChars(entry.session.name)} has stopped while ${escapeControlChars(root.session.name)}, which supervises it, runs; restart ${escapeControlChars(root.session.name)} to spawn it again.`,
      );
      return undefined;
    }
    if (root !== entry) {
      // A child of a tree that has ended: the tree starts again from its root (which spawns the child).
      this.log(
        `[${escapeControlChars(entry.session.name)}] its tree has ended; restarting it from ${escapeControlChars(root.session.name)}`,
      );
      return this.restartActor(root);
    }
    await this.stopByUser(entry, 'restarted from VS Code');
    // A replay restarts as a replay of the same recording.
    return this.startActor(vscode.Uri.file(entry.session.manifestPath), entry.replayOf);
  }

  /** Removes an actor from the Actors view (stopping it first) together with its chain. */
  async removeActor(arg?: ActorEntry): Promise<void> {
    const entry = await this.pickEntry(arg, this.actors.entries, 'remove');
    if (!entry) return;
    if (isLive(entry.session.status)) await this.stopByUser(entry, 'removed from VS Code');
    this.actors.remove(entry);
    this.removeChain(entry.session.id);
  }

  /** Removes every finished actor and its chain; running ones stay. */
  clearFinishedActors(): number {
    const done = this.actors.entries.filter((e) => !isLive(e.session.status));
    for (const e of done) {
      this.actors.remove(e);
      this.removeChain(e.session.id);
    }
    this.updateState();
    return done.length;
  }

  private removeChain(id: string): void {
    if (!this.chains.root(id)) return;
    this.chains.remove(id);
    if (this.current?.id === id) this.current = undefined;
    this.chains.refreshHistory();
    this.updateState();
  }

  /** Removes a chain from the Event Chain view; a running actor's chain stays until it ends. */
  removeChainNode(node?: ChainNode): boolean {
    const source = this.sourceOf(node);
    if (!source) return false;
    if (this.chains.isLive(source)) {
      void this.notify('info', `Theater: ${escapeControlChars(source.label)} is still running; stop it first.`);
      return false;
    }
    this.removeChain(source.id);
    return true;
  }

  /** Removes every chain that is not a running actor's. */
  clearFinishedChains(): number {
    const done = this.chains.sources.filter((s) => !this.chains.isLive(s));
    for (const s of done) this.removeChain(s.id);
    return done.length;
  }

  /**
   * Opens a chain file (Theater chain.json or our log) as a source in the explorer; a file opened
   * again is loaded afresh. A worker reads, verifies and decodes it (never this thread); rows
   * arrive page by page.
   */
  openChainSource(file: string): FileChainSource {
    const id = `file:${file}`;
    const existing = this.chains.sources.find((s) => s.id === id);
    if (this.chains.root(id)) this.chains.remove(id);
    if (existing instanceof FileChainSource) existing.dispose();
    const label = path.basename(file);
    const source = new FileChainSource(
      id,
      label,
      file,
      () => this.chains.touched(id),
      (m) => this.log(`[${label}] ${escapeControlChars(m)}`),
    );
    this.chains.add(source);
    this.chains.refreshHistory();
    this.updateState();
    return source;
  }

  async openChainFile(arg?: vscode.Uri): Promise<ChainSource | undefined> {
    const file = arg instanceof vscode.Uri ? arg.fsPath : await pickChainFile('Open Chain');
    if (!file) return undefined;
    const uri = vscode.Uri.file(file);
    let source: ChainSource;
    try {
      const opened = this.openChainSource(uri.fsPath);
      source = opened;
      try {
        await opened.ready();
      } catch (e) {
        this.chains.remove(opened.id);
        opened.dispose();
        throw e;
      }
    } catch (e) {
      void this.notify('error', `Theater: ${escapeControlChars((e as Error).message)}`);
      return undefined;
    }
    await vscode.commands.executeCommand('theater.chain.focus');
    await this.revealNew(source);
    return source;
  }

  /** The node's chain; without one (palette, view title) the chain the user last looked at. */
  /** The file behind a chain in the view: a running or finished actor's log (and its manifest), or an opened file. */
  chainFileOf(source: ChainSource): { chain?: string; manifest?: string } {
    const session = this.actors.entries.find((e) => e.session.id === source.id)?.session;
    if (session) return { chain: session.logPath, manifest: session.manifestPath };
    return source.id.startsWith('file:') ? { chain: source.id.slice(5) } : {};
  }

  sourceOf(node?: ChainNode): ChainSource | undefined {
    if (node && 'source' in node) return node.source;
    if (this.current && this.chains.sources.includes(this.current)) return this.current;
    return this.chains.sources[0];
  }

  verifyChain(node?: ChainNode): boolean | undefined {
    const source = this.sourceOf(node);
    if (!source) {
      void this.notify('info', 'Theater: open or record a chain first.');
      return undefined;
    }
    const r = source.verifyNew();
    this.chains.refreshSource(source.id);
    const label = escapeControlChars(source.label);
    if (r.state === 'intact' && source.reading)
      void this.notify('info', `Theater: ${label}: still reading; ${r.checked} events verified so far.`);
    else if (r.state === 'intact') void this.notify('info', `Theater: ${label}: intact, ${source.total} events verified.`);
    else {
      void this.notify('error', `Theater: ${label}: event ${r.index}: ${r.reason}`);
      void this.reveal(source, r.index);
    }
    return r.state === 'intact';
  }

  async exportChain(node?: ChainNode, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const source = this.sourceOf(node);
    if (!source) return undefined;
    const uri = target ?? (await vscode.window.showSaveDialog({ filters: { 'Theater chain.json': ['json'] }, saveLabel: 'Export Chain' }));
    if (!uri) return undefined;
    // Streamed by a worker from the file (ours or the opened one): any size, off this thread.
    const from =
      source instanceof FileChainSource ? source.file : this.actors.entries.find((e) => e.session.id === source.id)?.session.logPath;
    let count: number;
    if (from) {
      const { exportChainInWorker } = require('../runtime/chain/chainView') as typeof import('../runtime/chain/chainView');
      count = (await exportChainInWorker(from, uri.fsPath)).count;
    } else {
      const { writeTheaterChainJson } = require('../runtime/chain/theaterJson') as typeof import('../runtime/chain/theaterJson');
      const events: ChainEvent[] = [];
      for (let i = 0; i < source.total; i++) events.push(source.event(i)!);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(writeTheaterChainJson(events), 'utf8'));
      count = events.length;
    }
    void this.notify('info', `Theater: exported ${count} events to ${uri.fsPath}`);
    return uri;
  }

  /** Resolves when the workbench fetched (`fetched`), or the view was hidden (then it fetches nothing until reveal shows it). */
  private untilFetched(fetched: Promise<void>): Promise<void> {
    const view = this.chainView;
    if (!view?.visible) return Promise.resolve();
    let sub: vscode.Disposable | undefined;
    const hidden = new Promise<void>((resolve) => {
      sub = view.onDidChangeVisibility((e) => e.visible || resolve());
    });
    // A safety net only (should the expansion state be wrong, no fetch would come): never the usual path.
    let timer: NodeJS.Timeout | undefined;
    const net = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log('[view] the Event Chain view did not fetch the rows to reveal within 10 s; revealing anyway');
        resolve();
      }, 10_000);
    });
    return Promise.race([fetched, hidden, net]).finally(() => {
      sub?.dispose();
      clearTimeout(timer);
    });
  }

  /** Shows event `index` of `source`: one page around it, selected; false when the filter hides it. */
  async reveal(source: ChainSource, index: number): Promise<boolean> {
    if (!source.reveal(index)) return false;
    // A file's rows come from its worker: the window's rows must be here before the tree shows them.
    if (source instanceof FileChainSource) await source.ensureWindow();
    this.current = source;
    // The workbench reveals only rows it has fetched: when the window moved, let the refresh reach it
    // first (a collapsed chain is not fetched, so this waits at most a moment; reveal then expands it).
    // VS Code's reveal silently does nothing for a row its workbench has not fetched, so wait for the
    // fetches themselves, not for a while: a new chain must be listed at the top level first, and an
    // expanded chain's rows are fetched again after the refresh (a collapsed one's when reveal expands it).
    const listed = this.chains.nextChildren('');
    const served = this.chains.nextChildren(source.id);
    this.chains.refreshSource(source.id);
    if (this.chainView?.visible) {
      if (!this.chains.isListed(source.id)) await this.untilFetched(listed);
      if (this.chains.isExpanded(source.id)) await this.untilFetched(served);
      // VS Code registers the served rows in the same tick; reveal resolves rows only from that cache.
      await new Promise((r) => setImmediate(r));
    }
    try {
      await this.chainView?.reveal(this.chains.eventNode(source, index), { select: true, focus: false, expand: false });
    } catch (e) {
      this.log(`[view] could not reveal event ${index}: ${(e as Error).message}`);
      return false;
    }
    return true;
  }

  /** The actor a chain in the view belongs to (a run of this window), if any. */
  private entryOfSource(source: ChainSource): ActorEntry | undefined {
    return this.actors.entries.find((e) => e.session.id === source.id);
  }

  /**
   * "Go to its cause" on a delivered call (a WasmCall another actor caused: handle-send, handle-request,
   * a channel call, a child's init after spawn or restart-child): shows the sender's event. Resolves to
   * where it is, or undefined (with a message saying why).
   */
  async goToCause(node?: ChainNode): Promise<EventPlace | undefined> {
    if (!node || (node.kind !== 'event' && node.kind !== 'detail')) return undefined;
    const ev = node.source.event(node.index);
    const cause = ev?.cause;
    if (!ev || !cause) {
      void this.notify('info', `Theater: event ${node.index} was not caused by another actor (only delivered calls carry a cause).`);
      return undefined;
    }
    const sender = this.actors.entries.find((e) => e.session.id === cause.actor);
    if (!sender) {
      void this.notify('warning', `Theater: the actor ${cause.actor} that caused event ${node.index} is not in the Actors view any more.`);
      return undefined;
    }
    const { findCause } = require('../runtime/chain/causality') as typeof import('../runtime/chain/causality');
    const place = await findCause(cause, { actorId: sender.session.id, logPath: sender.session.logPath });
    if (!place) {
      void this.notify(
        'warning',
        `Theater: the event that caused event ${node.index} is not in ${escapeControlChars(sender.session.name)}'s chain yet.`,
      );
      return undefined;
    }
    return this.showPlace(sender, place);
  }

  /**
   * "Go to the call it caused" on a send, request, channel or spawn event: shows the WasmCall it
   * delivered in the other actor's chain (searched in every run of the Actors view).
   */
  async goToEffect(node?: ChainNode): Promise<EventPlace | undefined> {
    if (!node || (node.kind !== 'event' && node.kind !== 'detail')) return undefined;
    const ev = node.source.event(node.index);
    const from = this.entryOfSource(node.source);
    const { causesCalls, findEffects } = require('../runtime/chain/causality') as typeof import('../runtime/chain/causality');
    if (!ev || !(causesCalls(ev.eventType) || node.source.decode(node.index).category === 'wasm-error')) {
      void this.notify(
        'info',
        `Theater: event ${node.index} is not a send, request, channel or spawn call, nor a failed call, so it caused no call.`,
      );
      return undefined;
    }
    if (!from) {
      void this.notify(
        'info',
        `Theater: ${escapeControlChars(node.source.label)} is not a run of this window; its receivers are not known.`,
      );
      return undefined;
    }
    const chains = this.actors.entries.map((e) => ({ actorId: e.session.id, logPath: e.session.logPath }));
    const [place] = await findEffects(from.session.id, ev, chains);
    if (!place) {
      void this.notify('info', `Theater: no actor in the Actors view received a call from event ${node.index} (it may have been refused).`);
      return undefined;
    }
    return this.showPlace(
      this.actors.entries.find((e) => e.session.id === place.actorId)!,
      place,
    );
  }

  private async showPlace(entry: ActorEntry, place: EventPlace): Promise<EventPlace> {
    entry.session.readLog(); // the log may be ahead of the events the view has
    const source = this.sourceForSession(entry);
    this.current = source;
    await vscode.commands.executeCommand('theater.chain.focus');
    if (!(await this.reveal(source, place.index)))
      void this.notify(
        'info',
        `Theater: event ${place.index} of ${escapeControlChars(source.label)} is hidden by its filter; clear it to see it.`,
      );
    return place;
  }

  /** Go to Event: an event number or a hash prefix (typed, or given by a caller). Resolves to the index shown. */
  async goToEvent(node?: ChainNode, target?: number | string): Promise<number | undefined> {
    const source = this.sourceOf(node);
    if (!source) {
      void this.notify('info', 'Theater: open or record a chain first.');
      return undefined;
    }
    const label = escapeControlChars(source.label);
    const input =
      target !== undefined
        ? String(target)
        : await vscode.window.showInputBox({
            title: `Go to Event in ${label}`,
            prompt: `An event number (0–${source.total - 1}) or the start of its hash`,
            validateInput: (v) => {
              const t = parseEventTarget(v, source.total);
              return t.kind === 'invalid' ? t.reason : null;
            },
          });
    if (input === undefined) return undefined;
    const t = parseEventTarget(input, source.total);
    let index: number;
    if (t.kind === 'invalid') {
      void this.notify('warning', `Theater: ${t.reason}.`);
      return undefined;
    } else if (t.kind === 'index') index = t.index;
    else {
      // A file's events are in its worker, not here: the worker searches the file.
      const found =
        source instanceof FileChainSource
          ? await source.view.findHash(t.prefix)
          : findByHashPrefix((i) => source.event(i)?.hash, source.total, t.prefix);
      if (found.length === 0) {
        void this.notify('warning', `Theater: no event of ${label} has a hash starting with ${t.prefix}.`);
        return undefined;
      }
      if (found.length > 1)
        void this.notify('info', `Theater: several events' hashes start with ${t.prefix}; showing the first (${found[0]}).`);
      index = found[0]!;
    }
    if (!source.reveal(index)) {
      void this.notify('warning', `Theater: event ${index} is hidden by the filter; clear it first.`);
      return undefined;
    }
    return (await this.reveal(source, index)) ? index : undefined;
  }

  /** Filter Events on a chain (the node's, else the current one); `text` skips the prompt. */
  async filter(node?: ChainNode, text?: string): Promise<ChainSource | undefined> {
    const source = this.sourceOf(node);
    if (!source) {
      void this.notify('info', 'Theater: open or record a chain first.');
      return undefined;
    }
    const value =
      text ??
      (await vscode.window.showInputBox({
        title: `Filter ${escapeControlChars(source.label)}`,
        prompt: filterPrompt(escapeControlChars(source.label)),
        value: filterText(source.filter),
      }));
    if (value === undefined) return undefined;
    source.setFilter(parseFilter(value));
    this.current = source;
    this.chains.refreshSource(source.id);
    return source;
  }

  clearFilter(node?: ChainNode): ChainSource | undefined {
    const source = this.sourceOf(node);
    if (!source || !isFiltered(source.filter)) return source;
    source.setFilter({});
    this.chains.refreshSource(source.id);
    return source;
  }

  /** Show Chain from the Actors view: the run's chain root, shown again if it was removed. */
  async showChain(entry?: ActorEntry): Promise<void> {
    if (!entry) return;
    const source = this.sourceForSession(entry);
    this.current = source;
    await vscode.commands.executeCommand('theater.chain.focus');
    const root = this.chains.root(source.id);
    if (root) await this.chainView?.reveal(root, { expand: true, select: true });
  }

  async replay(arg?: vscode.Uri | ChainNode): Promise<ActorSession | undefined> {
    let chainFile: string | undefined;
    let manifest: vscode.Uri | undefined;
    if (arg && !(arg instanceof vscode.Uri) && arg.kind === 'source') {
      const behind = this.chainFileOf(arg.source);
      chainFile = behind.chain;
      if (behind.manifest) manifest = vscode.Uri.file(behind.manifest);
    } else if (arg && !(arg instanceof vscode.Uri) && arg.kind === 'past') {
      chainFile = arg.run.file;
    } else if (arg instanceof vscode.Uri) {
      chainFile = arg.fsPath;
    }
    chainFile ??= await pickChainFile('Replay this chain');
    if (!chainFile) return undefined;
    if (!manifest) {
      const recorded = await this.manifestOfChain(chainFile);
      manifest = recorded ? vscode.Uri.file(recorded) : undefined;
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
    if (this.system) void this.system.stopAll('VS Code is closing');
    for (const e of this.actors.entries) void e.session.stop('VS Code is closing');
    for (const d of this.disposables) d.dispose();
  }
}
