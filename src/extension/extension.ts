// Theater for VS Code: thin glue between VS Code and the runtime and language server.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { stringifyLossless } from '../runtime/chain/json';
import { isTheaterManifestName, MANIFEST_GLOBS } from '../runtime/manifest/identify';
import type { ChainNode } from './chainTree';
import { Controller } from './controller';
import { messageActor } from './messaging';
import { STATE_SCHEME, StateDocuments } from './stateDocument';
import type { ActorEntry } from './actorsTree';
import { registerLanguageModelTools } from './lmTools';
import { registerRegressionTests, type RegressionTestsApi } from './regressionTests';
import { registerTimeTravelCommands } from './timeTravelCommands';
import { registerDebugging, type DebugApi } from './debug';
import { eventDocTitle } from './present/eventRow';

export interface TheaterApi {
  controller: Controller;
  client: LanguageClient | undefined;
  regressionTests: RegressionTestsApi;
  debug: DebugApi;
}

let client: LanguageClient | undefined;

/** The payload as JSON when it is JSON (exact u64), else base64. */
function dataAsJson(data: Uint8Array): unknown {
  const { parseLosslessBytes } = require('../runtime/chain/json') as typeof import('../runtime/chain/json');
  try {
    return parseLosslessBytes(data);
  } catch {
    return { base64: Buffer.from(data).toString('base64') };
  }
}

/**
 * Read-only documents for one event: `theater-event:/<source id>/<index>/<title>.json|.hex`; the
 * last segment is the tab's title (`wasi-random-test event 3 (get-random-u64).json`).
 */
class EventDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly controller: Controller) {}
  provideTextDocumentContent(uri: vscode.Uri): string {
    const m = /^\/([^/]+)\/(\d+)\/[^/]*\.(json|hex)$/.exec(uri.path);
    const id = m && decodeURIComponent(m[1]!);
    const source = m && this.controller.chains.sources.find((s) => s.id === id);
    const ev = source?.event(Number(m![2]));
    if (!m || !source || !ev) return 'This event is no longer open in the Event Chain view.';
    const { toHex } = require('../runtime/chain/hash') as typeof import('../runtime/chain/hash');
    if (m[3] === 'hex') {
      const lines: string[] = [];
      for (let o = 0; o < ev.data.length; o += 16) {
        const chunk = ev.data.subarray(o, o + 16);
        const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
        const ascii = Array.from(chunk, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
        lines.push(`${o.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
      }
      return lines.join('\n') + '\n';
    }
    const d = source.decode(Number(m[2]));
    return (
      stringifyLossless(
        {
          index: Number(m[2]),
          hash: toHex(ev.hash),
          parent_hash: ev.parentHash ? toHex(ev.parentHash) : null,
          event_type: ev.eventType,
          category: d.category,
          era: d.era ?? null,
          interface: d.interface ?? null,
          function: d.function ?? d.functionName ?? null,
          input: d.input ?? null,
          output: d.output ?? null,
          state: d.state ?? null,
          error: d.error ?? null,
          data: dataAsJson(ev.data),
        },
        2,
      ) + '\n'
    );
  }
}

/** The registered handlers as a read-only Markdown document (never an Untitled one that asks to be saved). */
class HandlersDocument implements vscode.TextDocumentContentProvider {
  static readonly uri = vscode.Uri.from({ scheme: 'theater-handlers', path: '/Registered handlers.md' });
  provideTextDocumentContent(): string {
    const { listHandlers } = require('../runtime/handlers/registry') as typeof import('../runtime/handlers/registry');
    const { handlerMarkdown } = require('../server/hover') as typeof import('../server/hover');
    return ['# Registered handlers', '', ...listHandlers().map((h) => handlerMarkdown(h))].join('\n\n---\n\n') + '\n';
  }
}

/** "▶ Start Actor" over a manifest's `name` key. */
class ManifestLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    for (let i = 0; i < doc.lineCount; i++) {
      if (/^\s*name\s*=/.test(doc.lineAt(i).text)) {
        const range = doc.lineAt(i).range;
        return [
          new vscode.CodeLens(range, { command: 'theater.startActor', title: '▶ Start Actor', arguments: [doc.uri] }),
          new vscode.CodeLens(range, { command: 'theater.replayActor', title: '↺ Replay from Chain…', arguments: [] }),
        ];
      }
    }
    return [];
  }
}

/**
 * A manifest that opened as Plain Text (no TOML extension installed) gets the `theater-manifest`
 * language (TOML colouring). Not by a `filenames` association: VS Code matches those ignoring case,
 * which would claim Julia's `Manifest.toml` too. A manifest already in `toml` keeps that extension's features.
 */
async function colourManifest(doc: vscode.TextDocument): Promise<void> {
  if (doc.languageId !== 'plaintext' || doc.uri.scheme !== 'file' || !isTheaterManifestName(doc.uri.fsPath)) return;
  await vscode.languages.setTextDocumentLanguage(doc, 'theater-manifest');
}

function startLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient | undefined {
  const module = context.asAbsolutePath('dist/server.js');
  if (!fs.existsSync(module)) {
    output.appendLine(`The language server is missing (${module}); manifest diagnostics are off. Rebuild with \`npm run build\`.`);
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // The manifest rule's globs (runtime/manifest/identify), whatever language the file opened as.
    documentSelector: [...MANIFEST_GLOBS.map((pattern) => ({ scheme: 'file', pattern })), { scheme: 'file', language: 'wit' }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{wasm,wit,json,jsonl}'),
      // A change of any theater.* setting is announced; the server then pulls each manifest's own (workspace/configuration).
      configurationSection: 'theater',
    },
    outputChannel: output,
  };
  const c = new LanguageClient('theater', 'Theater Language Server', serverOptions, clientOptions);
  void c.start();
  return c;
}

export function activate(context: vscode.ExtensionContext): TheaterApi {
  const controller = new Controller(context);
  context.subscriptions.push(controller);
  const chainView = vscode.window.createTreeView('theater.chain', { treeDataProvider: controller.chains, showCollapseAll: true });
  controller.chainView = chainView;
  const actorsView = vscode.window.createTreeView('theater.actors', { treeDataProvider: controller.actors });
  context.subscriptions.push(
    chainView,
    chainView.onDidChangeVisibility((e) => controller.chains.coalescer.setVisible(e.visible)),
    chainView.onDidExpandElement((e) => e.element.kind === 'source' && controller.chains.setExpanded(e.element.source.id, true)),
    chainView.onDidCollapseElement((e) => e.element.kind === 'source' && controller.chains.setExpanded(e.element.source.id, false)),
    // The chain the user selects becomes the one view-title commands (Filter, Go to Event) act on.
    chainView.onDidChangeSelection((e) => {
      const n = e.selection[0];
      if (n && 'source' in n) controller.current = n.source;
    }),
    actorsView,
    actorsView.onDidChangeVisibility((e) => controller.actorCounts.setVisible(e.visible)),
    vscode.workspace.registerTextDocumentContentProvider('theater-event', new EventDocuments(controller)),
    vscode.languages.registerCodeLensProvider(
      MANIFEST_GLOBS.map((pattern) => ({ scheme: 'file', pattern })),
      new ManifestLens(),
    ),
    vscode.workspace.onDidOpenTextDocument(colourManifest),
    vscode.workspace.registerTextDocumentContentProvider('theater-handlers', new HandlersDocument()),
  );
  for (const doc of vscode.workspace.textDocuments) void colourManifest(doc);
  controller.chains.coalescer.setVisible(chainView.visible);
  controller.actorCounts.setVisible(actorsView.visible);

  const cmd = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  cmd('theater.startActor', (uri?: vscode.Uri) => controller.startActor(uri));
  cmd('theater.stopActor', (e?: ActorEntry) => controller.stopActor(e));
  cmd('theater.restartActor', (e?: ActorEntry) => controller.restartActor(e));
  cmd('theater.sendMessage', (e?: ActorEntry, text?: string) => messageActor(controller, 'send', e, text));
  cmd('theater.sendRequest', (e?: ActorEntry, text?: string) => messageActor(controller, 'request', e, text));
  const states = new StateDocuments(controller);
  context.subscriptions.push(states, vscode.workspace.registerTextDocumentContentProvider(STATE_SCHEME, states));
  cmd('theater.showState', (e?: ActorEntry) => states.show(e));
  cmd('theater.resumeActor', (e?: ActorEntry) => controller.resumeActor(e));
  cmd('theater.replayActor', (arg?: vscode.Uri | ChainNode) => controller.replay(arg));
  cmd('theater.openChainFile', (uri?: vscode.Uri) => controller.openChainFile(uri));
  cmd('theater.verifyChain', (n?: ChainNode) => controller.verifyChain(n));
  cmd('theater.exportChain', (n?: ChainNode, target?: vscode.Uri) => controller.exportChain(n, target));
  cmd('theater.showHandlers', async () => {
    const { listHandlers, qualifiedName } = require('../runtime/handlers/registry') as typeof import('../runtime/handlers/registry');
    const doc = await vscode.workspace.openTextDocument(HandlersDocument.uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return { document: doc, handlers: listHandlers().map((h) => ({ type: h.type, interfaces: h.interfaces.map(qualifiedName) })) };
  });
  cmd('theater.actors.showChain', (e?: ActorEntry) => controller.showChain(e));
  cmd('theater.actors.remove', (e?: ActorEntry) => controller.removeActor(e));
  cmd('theater.actors.clearFinished', () => controller.clearFinishedActors());
  cmd('theater.chain.remove', (n?: ChainNode) => controller.removeChainNode(n));
  cmd('theater.chain.clearFinished', () => controller.clearFinishedChains());
  cmd('theater.chain.loadMore', (n?: ChainNode) => {
    if (n?.kind === 'more') {
      n.source.loadMore(n.where);
      controller.chains.refreshSource(n.source.id);
    }
  });
  cmd('theater.chain.filter', (n?: ChainNode, text?: string) => controller.filter(n, text));
  cmd('theater.chain.clearFilter', (n?: ChainNode) => controller.clearFilter(n));
  cmd('theater.chain.goToCause', (n?: ChainNode) => controller.goToCause(n));
  cmd('theater.chain.goToEffect', (n?: ChainNode) => controller.goToEffect(n));
  cmd('theater.chain.goToEvent', (n?: ChainNode, target?: number | string) => controller.goToEvent(n, target));
  cmd('theater.chain.copyHash', async (n?: ChainNode) => {
    if (!n || (n.kind !== 'event' && n.kind !== 'detail')) return undefined;
    const { toHex } = require('../runtime/chain/hash') as typeof import('../runtime/chain/hash');
    const hex = toHex(n.source.event(n.index)!.hash);
    await vscode.env.clipboard.writeText(hex);
    controller.flash(`$(copy) Copied the hash of event ${n.index}: ${hex.slice(0, 12)}…`);
    return hex;
  });
  const openEvent = (ext: 'json' | 'hex') => async (n?: ChainNode) => {
    if (!n || (n.kind !== 'event' && n.kind !== 'detail')) return undefined;
    const ev = n.source.event(n.index)!;
    const title = eventDocTitle(n.source.label.split(' · ')[0] ?? n.source.label, n.index, ev.eventType, ext);
    const uri = vscode.Uri.from({ scheme: 'theater-event', path: `/${encodeURIComponent(n.source.id)}/${n.index}/${title}` });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  };
  cmd('theater.chain.openEventJson', openEvent('json'));
  cmd('theater.chain.openEventHex', openEvent('hex'));

  const regressionTests = registerRegressionTests(context, controller);
  registerLanguageModelTools(context);
  registerTimeTravelCommands(context, controller);
  const debug = registerDebugging(context, controller);
  client = startLanguageClient(context, controller.output);
  return { controller, client, regressionTests, debug };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
