// Theater for VS Code in a real VS Code extension host (code-server's), against a fixture workspace
// of real test actors. No fixed sleeps: every wait is on an event of VS Code or the runtime.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';
import type { ChainNode } from '../../../src/extension/chainTree';
import type { ActorSession } from '../../../src/runtime/host/session';

const EXT_ID = 'theater-vscode.theater-vscode';
let api: TheaterApi;
const ws = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const manifestOf = (actor: string) => vscode.Uri.file(path.join(ws(), actor, 'manifest.toml'));

/** Resolves when `check` holds, re-checking on every change VS Code reports for diagnostics. */
function diagnosticsUntil(uri: vscode.Uri, check: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const now = vscode.languages.getDiagnostics(uri);
    if (check(now)) {
      resolve(now);
      return;
    }
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const d = vscode.languages.getDiagnostics(uri);
      if (check(d)) {
        sub.dispose();
        resolve(d);
      }
    });
  });
}

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') {
      resolve();
      return;
    }
    session.once('init-done', () => resolve());
    void session.done().then((o) => {
      if (o.status === 'failed') reject(new Error(`actor failed: ${o.error}`));
    });
  });
}

suite('Theater in a real VS Code extension host', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<TheaterApi>(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    api = await ext.activate();
    console.log(`host: vscode ${vscode.version}, ${vscode.env.appName}, node ${process.version}`);
  });

  test('activates and registers every command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of [
      'theater.startActor',
      'theater.stopActor',
      'theater.restartActor',
      'theater.replayActor',
      'theater.openChainFile',
      'theater.verifyChain',
      'theater.exportChain',
      'theater.showHandlers',
      'theater.chain.filter',
      'theater.chain.goToEvent',
      'theater.chain.copyHash',
    ]) {
      assert.ok(all.includes(c), `${c} registered`);
    }
    await vscode.commands.executeCommand('theater.chain.focus');
  });

  let randomSession: ActorSession;
  test('Start Actor on wasi-random-test streams its events into the Event Chain view and the log verifies', async () => {
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifestOf('wasi-random-test'));
    assert.ok(session, 'the actor started');
    randomSession = session;
    await initDone(session);
    const root = api.controller.chains.root(session.id)!;
    const children = api.controller.chains.getChildren(root);
    const events = children.filter((n) => n.kind === 'event');
    assert.deepStrictEqual(
      events.map((n) => n.kind === 'event' && n.source.event(n.index)!.eventType),
      [
        'wasm',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasi:random/random@0.2.3/get-random-u64',
        'wasi:random/random@0.2.3/get-random-u64',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasm',
      ],
    );
    const item = api.controller.chains.getTreeItem(root);
    assert.match(String(item.description), /7 events, verified/);
    const details = api.controller.chains.getChildren(events[3]!).map((n) => (n.kind === 'detail' ? `${n.label}=${n.value}` : ''));
    assert.ok(
      details.some((d) => /^output=\d{5,}$/.test(d)),
      `u64 output shown exactly: ${details.join(' | ')}`,
    );
    assert.strictEqual(api.controller.verifyChain(root), true);
    assert.ok(fs.existsSync(session.logPath));
    const json = await vscode.commands.executeCommand<vscode.TextDocument>('theater.chain.openEventJson', events[1]);
    assert.match(json.getText(), /"event_type": "wasi:random\/random@0\.2\.3\/get-random-bytes"/);
    const hash = await vscode.commands.executeCommand<string>('theater.chain.copyHash', events[0]);
    assert.strictEqual(hash, '584d8e1be21fed4367e60f8297f7c104cd377791');
    const stopped = await vscode.commands.executeCommand<{ status: string }>(
      'theater.stopActor',
      api.controller.actors.entries.find((e) => e.session === session),
    );
    assert.strictEqual(stopped.status, 'stopped');
  });

  test('a manifest whose component imports an unlisted handler shows the diagnostic, and the quick fix removes it', async () => {
    const uri = manifestOf('unlisted-random-actor');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsUntil(uri, (d) => d.some((x) => x.code === 'handler-not-listed'));
    const problem = diags.find((x) => x.code === 'handler-not-listed')!;
    assert.match(problem.message, /add \[\[handler\]\] type = "random"/);
    assert.strictEqual(doc.getText(problem.range), '"./unlisted-random-actor.wasm"');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title.includes('type = "random"'));
    assert.ok(fix?.edit, `a quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await diagnosticsUntil(uri, (d) => !d.some((x) => x.code === 'handler-not-listed'));
    await doc.save();
  });

  test('theater.activateByImports reaches the diagnostics: the server pulls it (workspace/configuration) when it changes', async () => {
    const dir = path.join(ws(), 'loose-actor');
    fs.cpSync(path.join(ws(), 'unlisted-random-actor'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.theater`) });
    // The quick-fix test above may have listed the handler in the original: start from the component's own manifest.
    fs.writeFileSync(
      path.join(dir, 'manifest.toml'),
      'name = "loose-actor"\nversion = "0.1.0"\ncomponent = "./unlisted-random-actor.wasm"\n',
    );
    const uri = vscode.Uri.file(path.join(dir, 'manifest.toml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'theater-manifest', 'a manifest opened without a TOML extension gets TOML colouring');
    await diagnosticsUntil(uri, (d) => d.some((x) => x.code === 'handler-not-listed'));
    const config = vscode.workspace.getConfiguration('theater', uri);
    await config.update('activateByImports', true, vscode.ConfigurationTarget.Workspace);
    try {
      const loose = await diagnosticsUntil(uri, (d) => !d.some((x) => x.code === 'handler-not-listed'));
      assert.deepStrictEqual(
        loose.filter((x) => x.severity === vscode.DiagnosticSeverity.Error),
        [],
      );
    } finally {
      await config.update('activateByImports', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsUntil(uri, (d) => d.some((x) => x.code === 'handler-not-listed'));
  });

  test("a Julia project's Manifest.toml is not a Theater manifest: no language change, no diagnostics", async () => {
    const dir = path.join(ws(), 'julia-project');
    fs.mkdirSync(dir, { recursive: true });
    const julia = vscode.Uri.file(path.join(dir, 'Manifest.toml'));
    fs.writeFileSync(
      julia.fsPath,
      'julia_version = "1.10.0"\nmanifest_format = "2.0"\nproject_hash = "abc"\n\n[[deps.Example]]\nuuid = "7876af07-990d-54b4-ab0e-23690620f79a"\nversion = "0.5.3"\n',
    );
    const juliaDoc = await vscode.workspace.openTextDocument(julia);
    await vscode.window.showTextDocument(juliaDoc);
    // Then a broken Theater manifest: the server answers documents in order, so once its diagnostics
    // are in, the Julia file's would be too had the client sent it.
    const broken = vscode.Uri.file(path.join(dir, 'manifest.toml'));
    fs.writeFileSync(broken.fsPath, 'name = "x"\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(broken));
    await diagnosticsUntil(broken, (d) => d.some((x) => x.code === 'missing-key'));
    assert.deepStrictEqual(vscode.languages.getDiagnostics(julia), []);
    assert.strictEqual(juliaDoc.languageId, 'plaintext', 'Manifest.toml keeps its language');
  });

  test('Stop Actor on the looping actor terminates it and its chain ends with the reason', async () => {
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifestOf('infinite-loop-actor'));
    assert.ok(session);
    // Wait until the guest is inside init (its log line arrives), then stop it.
    await new Promise<void>((resolve) => {
      if (session.events.length >= 2) resolve();
      else
        session.on('event', () => {
          if (session.events.length >= 2) resolve();
        });
    });
    const outcome = await vscode.commands.executeCommand<{ status: string; error?: string }>(
      'theater.stopActor',
      api.controller.actors.entries.find((e) => e.session === session),
    );
    assert.strictEqual(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /stopped from VS Code while a call was running/);
    const types = session.events.map((e) => e.eventType);
    assert.deepStrictEqual(types.slice(-2), ['wasm', 'shutdown']);
    const root = api.controller.chains.root(session.id)!;
    assert.strictEqual(api.controller.verifyChain(root), true);
  });

  test('Export Chain writes a Theater chain.json that Open Chain File shows and verifies; replay reproduces it', async () => {
    const root = api.controller.chains.root(randomSession.id)!;
    const target = vscode.Uri.file(path.join(ws(), 'exported.chain.json'));
    await vscode.commands.executeCommand('theater.exportChain', root, target);
    const source = await vscode.commands.executeCommand<{ id: string; total: number }>('theater.openChainFile', target);
    assert.strictEqual(source.total, 8);
    const opened = api.controller.chains.root(source.id)!;
    assert.strictEqual(api.controller.verifyChain(opened), true);
    const replay = await vscode.commands.executeCommand<ActorSession>('theater.replayActor', vscode.Uri.file(randomSession.logPath));
    assert.ok(replay);
    await initDone(replay);
    await replay.stop();
    assert.strictEqual(replay.replayReport?.verdict, 'replayed', replay.replayReport?.message);
  });

  test('a screenshot of the workbench with the Event Chain view filled', async function () {
    const signal = process.env.THEATER_TEST_SIGNAL_DIR;
    if (!signal) this.skip();
    await vscode.commands.executeCommand('theater.chain.focus');
    const root = api.controller.chains.root(randomSession.id)! as ChainNode;
    await api.controller.chainView!.reveal(root, { expand: true, select: true });
    const done = path.join(signal!, 'screenshot.done');
    const taken = new Promise<void>((resolve) => {
      const watcher = fs.watch(signal!, () => {
        if (fs.existsSync(done)) {
          watcher.close();
          resolve();
        }
      });
    });
    fs.writeFileSync(path.join(signal!, 'screenshot.request'), 'event-chain');
    await taken;
    assert.ok(fs.statSync(fs.readFileSync(done, 'utf8').trim()).size > 10_000, 'the screenshot is a real image');
  });
});
