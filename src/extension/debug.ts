// The `theater` debugger in VS Code: the debug adapter of src/debug runs inline, in a worker thread of
// the extension host (dist/debugAdapter.js), so a chain is loaded, decoded and scanned off the host's
// thread and no process is spawned; live mode's actor runs in its own worker under that one.
// F5 on a manifest or a chain, Debug Actor / Debug Chain…, Compare Chains…, and the Event Chain view
// following the debugger (`theater/reveal`) are wired here.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { isTheaterManifestName } from '../runtime/manifest/identify';
import { ChainDiffDocuments, DIFF_SCHEME, type OpenedDiff } from './chainDiff';
import type { LaunchArguments } from '../debug/session';
import type { ChainNode } from './chainTree';
import type { Controller } from './controller';
import type { ActorEntry } from './actorsTree';
import { pickChainFiles } from './pickChain';

export const DEBUG_TYPE = 'theater';
const CHAIN_FILE = /(\.chain\.jsonl|\.jsonl|chain[^/\\]*\.json)$/;

/** DAP messages to and from the adapter's worker. */
class WorkerDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly worker: Worker;
  private disposed = false;

  constructor(script: string) {
    this.worker = new Worker(script, { stdout: false, stderr: false });
    this.worker.on('message', (m: { type: string }) => {
      if (m.type !== 'theater/disconnected') this.sent.fire(m as vscode.DebugProtocolMessage);
    });
    this.worker.on('exit', () => {
      // Ended before the editor disposed of it (a crash): the session is over.
      if (!this.disposed) this.sent.fire({ seq: 0, type: 'event', event: 'terminated' } as vscode.DebugProtocolMessage);
    });
    this.worker.on('error', (e) => {
      this.sent.fire({
        seq: 0,
        type: 'event',
        event: 'output',
        body: { category: 'stderr', output: `The Theater debug adapter failed: ${e.message}\n` },
      } as vscode.DebugProtocolMessage);
    });
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.worker.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    // The session already stopped its actor on disconnect; ending the worker ends nothing else.
    void this.worker.terminate();
    this.sent.dispose();
  }
}

/** Fills a launch configuration from the active editor (F5 with no launch.json) and the extension's data folder. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly dataDir: string) {}

  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const file = vscode.window.activeTextEditor?.document.uri;
      if (file?.scheme === 'file' && isTheaterManifestName(file.fsPath)) {
        config = { type: DEBUG_TYPE, request: 'launch', name: 'Debug Actor', manifest: file.fsPath, stopOnEntry: true };
      } else if (file?.scheme === 'file' && CHAIN_FILE.test(file.fsPath)) {
        config = { type: DEBUG_TYPE, request: 'launch', name: 'Debug Chain', chain: file.fsPath };
      }
    }
    if (!config.manifest && !config.chain) {
      const file = vscode.window.activeTextEditor?.document.uri;
      if (file?.scheme === 'file' && isTheaterManifestName(file.fsPath)) config.manifest = file.fsPath;
      else {
        void vscode.window.showErrorMessage(
          'Theater: the debug configuration needs "manifest" (run an actor) or "chain" (step through a recording); open a manifest.toml and press F5, or add one of them to launch.json.',
        );
        return undefined; // abort the launch
      }
    }
    config.type ??= DEBUG_TYPE;
    config.request ??= 'launch';
    config.name ??= config.chain ? 'Debug Chain' : 'Debug Actor';
    config.dataDir ??= this.dataDir;
    return config;
  }
}

export interface DebugApi {
  diffs: ChainDiffDocuments;
  /** The last `theater/replay` report of a debug session (recording, replay, divergence). */
  lastReplay: { recording: string; replay: string; divergence: number | null; message: string | null } | undefined;
  /** Fires when lastReplay changed (the report reaches the extension after the adapter's next events may have). */
  onDidReplay: vscode.Event<void>;
}

/**
 * The debugger's reveals, one at a time and the latest winning: each stop sends one, and a reveal
 * can outlast the next stop (the chain's worker reads the file, the workbench fetches its rows). Run
 * side by side, a later reveal reopened the growing log under an earlier one, and the earlier one
 * could select its stale event after the later one.
 */
class RevealQueue {
  private latest = 0;
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly controller: Controller) {}

  push(file: string, index: number): Promise<void> {
    const seq = ++this.latest;
    const run = async () => {
      if (seq !== this.latest) return; // a later stop already asked for another event
      await revealChainEvent(this.controller, file, index, () => seq !== this.latest);
    };
    this.tail = this.tail.then(run, run).catch((e: Error) => this.controller.output.appendLine(`[debug] reveal failed: ${e.message}`));
    return this.tail;
  }
}

/** Opens a chain file in the Event Chain view if needed and reveals event `index` there (unless `superseded` by then). */
async function revealChainEvent(controller: Controller, file: string, index: number, superseded: () => boolean): Promise<void> {
  const live = controller.actors.entries.find((e) => e.session.logPath === file);
  let source = live
    ? controller.chains.sources.find((s) => s.id === live.session.id)
    : controller.chains.sources.find((s) => s.id === `file:${file}`);
  try {
    // A file opened earlier is a snapshot: a live debug session's log has grown since.
    if (!source || source.total <= index) {
      // Read by a worker: its first page is ready before the reveal (the reveal fetches the window).
      const opened = controller.openChainSource(file);
      await opened.ready();
      source = opened;
    }
  } catch (e) {
    controller.output.appendLine(`[debug] the Event Chain view cannot show ${file}: ${(e as Error).message}`);
    return;
  }
  if (source && !superseded()) await controller.reveal(source, index);
}

/** The chain file behind a command's argument: a file, a chain in the Event Chain view, or its selection. */
function chainFileOf(controller: Controller, arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const sourceOf = (n: ChainNode | undefined) => (n && 'source' in n ? n.source : undefined);
  const source = sourceOf(arg as ChainNode | undefined) ?? sourceOf(controller.chainView?.selection[0]);
  return source ? controller.chainFileOf(source).chain : undefined;
}

export function registerDebugging(context: vscode.ExtensionContext, controller: Controller): DebugApi {
  const dataDir = context.globalStorageUri.fsPath;
  const diffs = new ChainDiffDocuments(context.asAbsolutePath(path.join('dist', 'chainListing.js')));
  const replayed = new vscode.EventEmitter<void>();
  const api: DebugApi = { diffs, lastReplay: undefined, onDidReplay: replayed.event };
  const adapterScript = context.asAbsolutePath(path.join('dist', 'debugAdapter.js'));
  const reveals = new RevealQueue(controller);

  const compare = async (a?: unknown, b?: unknown): Promise<OpenedDiff | undefined> => {
    // The explorer passes (clicked, all selected): two selected chain files compare with each other.
    if (Array.isArray(b) && b.length === 2 && b.every((u) => u instanceof vscode.Uri)) [a, b] = b;
    let left = chainFileOf(controller, a);
    let right = b instanceof vscode.Uri ? b.fsPath : undefined;
    if (!left) {
      const both = await pickChainFiles(2, 'Compare these chains');
      if (!both) return undefined;
      [left, right] = both;
    }
    right ??= (await pickChainFiles(1, `Compare with ${path.basename(left!)}`))?.[0];
    if (!left || !right) return undefined;
    try {
      return await diffs.open(left, right);
    } catch (e) {
      void vscode.window.showErrorMessage(`Theater: ${(e as Error).message}`);
      return undefined;
    }
  };

  context.subscriptions.push(
    replayed,
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new WorkerDebugAdapter(adapterScript)),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider(dataDir)),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE) return;
      if (e.event === 'theater/reveal' && typeof e.body?.chain === 'string' && Number.isInteger(e.body?.index)) {
        void reveals.push(e.body.chain as string, e.body.index as number);
      } else if (e.event === 'theater/replay') {
        api.lastReplay = e.body;
        replayed.fire();
        if (e.body?.divergence !== null && e.body?.message) {
          void vscode.window.showWarningMessage(`Theater: ${e.body.message as string}`, 'Compare Chains').then((b) => {
            if (b) void compare(vscode.Uri.file(e.body.recording as string), vscode.Uri.file(e.body.replay as string));
          });
        }
      }
    }),
    vscode.commands.registerCommand('theater.debugActor', async (arg?: vscode.Uri | ActorEntry) => {
      const manifest =
        arg && !(arg instanceof vscode.Uri) && arg.session
          ? vscode.Uri.file(arg.session.manifestPath)
          : await controller.pickManifest(arg as vscode.Uri | undefined);
      if (!manifest) return false;
      const launch: LaunchArguments = { manifest: manifest.fsPath, stopOnEntry: true };
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(manifest), {
        type: DEBUG_TYPE,
        request: 'launch',
        name: `Debug ${path.basename(path.dirname(manifest.fsPath))}`,
        ...launch,
      });
    }),
    // `withComponent`: replay the chain with the actor's component first (its manifest), then step over the replay.
    vscode.commands.registerCommand('theater.debugChain', async (arg?: vscode.Uri | ChainNode, withComponent?: vscode.Uri) => {
      const chain = chainFileOf(controller, arg) ?? (await pickChainFiles(1, 'Debug this chain'))?.[0];
      if (!chain) return false;
      const launch: LaunchArguments = { chain, ...(withComponent ? { manifest: withComponent.fsPath } : {}), stopOnEntry: true };
      return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: DEBUG_TYPE,
        request: 'launch',
        name: `Debug ${path.basename(chain)}`,
        ...launch,
      });
    }),
    vscode.commands.registerCommand('theater.compareChains', compare),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === DIFF_SCHEME) diffs.forget(d.uri);
    }),
  );
  return api;
}
