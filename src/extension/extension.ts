// Theater for VS Code: thin glue between VS Code and the runtime and language server.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { stringifyLossless } from '../runtime/chain/json';
import type { ChainNode } from './chainTree';
import { Controller } from './controller';
import type { ActorEntry } from './actorsTree';
import { registerLanguageModelTools } from './lmTools';
import { registerRegressionTests, type RegressionTestsApi } from './regressionTests';
import { registerTimeTravelCommands } from './timeTravelCommands';

export interface TheaterApi {
  controller: Controller;
  client: LanguageClient | undefined;
  regressionTests: RegressionTestsApi;
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

/** Read-only documents for one event: `theater-event:/<source id>/<index>.json|.hex`. */
class EventDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly controller: Controller) {}
  provideTextDocumentContent(uri: vscode.Uri): string {
    const m = /^\/(.+)\/(\d+)\.(json|hex)$/.exec(decodeURIComponent(uri.path));
    const source = m && this.controller.chains.sources.find((s) => s.id === m[1]);
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
    documentSelector: [
      { scheme: 'file', pattern: '**/*manifest*.toml' },
      { scheme: 'file', language: 'wit' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{wasm,wit,json,jsonl}') },
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
  context.subscriptions.push(
    chainView,
    chainView.onDidChangeVisibility((e) => controller.chains.coalescer.setVisible(e.visible)),
    vscode.window.createTreeView('theater.actors', { treeDataProvider: controller.actors }),
    vscode.workspace.registerTextDocumentContentProvider('theater-event', new EventDocuments(controller)),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/manifest.toml' }, new ManifestLens()),
  );
  controller.chains.coalescer.setVisible(chainView.visible);

  const cmd = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  cmd('theater.startActor', (uri?: vscode.Uri) => controller.startActor(uri));
  cmd('theater.stopActor', (e?: ActorEntry) => controller.stopActor(e));
  cmd('theater.restartActor', (e?: ActorEntry) => controller.restartActor(e));
  cmd('theater.replayActor', (arg?: vscode.Uri | ChainNode) => controller.replay(arg));
  cmd('theater.openChainFile', (uri?: vscode.Uri) => controller.openChainFile(uri));
  cmd('theater.verifyChain', (n?: ChainNode) => controller.verifyChain(n));
  cmd('theater.exportChain', (n?: ChainNode, target?: vscode.Uri) => controller.exportChain(n, target));
  cmd('theater.showHandlers', async () => {
    const { listHandlers, qualifiedName } = require('../runtime/handlers/registry') as typeof import('../runtime/handlers/registry');
    const { handlerMarkdown } = require('../server/hover') as typeof import('../server/hover');
    const body = ['# Registered handlers', '', ...listHandlers().map((h) => handlerMarkdown(h))].join('\n\n---\n\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: body });
    await vscode.window.showTextDocument(doc, { preview: true });
    return listHandlers().map((h) => ({ type: h.type, interfaces: h.interfaces.map(qualifiedName) }));
  });
  cmd('theater.actors.showChain', async (e?: ActorEntry) => {
    if (!e) return;
    await vscode.commands.executeCommand('theater.chain.focus');
    const root = controller.chains.root(e.session.id);
    if (root) await chainView.reveal(root, { expand: true, select: true });
  });
  cmd('theater.chain.loadMore', (n?: ChainNode) => {
    if (n) {
      n.source.loadMore();
      controller.chains.refreshSource(n.source.id);
    }
  });
  cmd('theater.chain.filter', (n?: ChainNode) => controller.filter(n));
  cmd('theater.chain.clearFilter', (n?: ChainNode) => controller.clearFilter(n));
  cmd('theater.chain.goToEvent', (n?: ChainNode, index?: number) => controller.goToEvent(n, index));
  cmd('theater.chain.copyHash', async (n?: ChainNode) => {
    if (!n || (n.kind !== 'event' && n.kind !== 'detail')) return undefined;
    const { toHex } = require('../runtime/chain/hash') as typeof import('../runtime/chain/hash');
    const hex = toHex(n.source.event(n.index)!.hash);
    await vscode.env.clipboard.writeText(hex);
    return hex;
  });
  const openEvent = (ext: 'json' | 'hex') => async (n?: ChainNode) => {
    if (!n || (n.kind !== 'event' && n.kind !== 'detail')) return undefined;
    const uri = vscode.Uri.from({ scheme: 'theater-event', path: `/${encodeURIComponent(n.source.id)}/${n.index}.${ext}` });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  };
  cmd('theater.chain.openEventJson', openEvent('json'));
  cmd('theater.chain.openEventHex', openEvent('hex'));

  const regressionTests = registerRegressionTests(context, controller);
  registerLanguageModelTools(context);
  registerTimeTravelCommands(context, controller);
  client = startLanguageClient(context, controller.output);
  return { controller, client, regressionTests };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
