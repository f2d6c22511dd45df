// Theater for VS Code in a real VS Code extension host (code-server's), against a fixture workspace
// of real test actors. No fixed sleeps: every wait is on an event of VS Code or the runtime.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';
import type { ChainNode } from '../../../src/extension/chainTree';
import type { ActorSession } from '../../../src/runtime/host/session';
import { onEvent, waitUntil } from './wait';

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

/** A chain file's source (read by a worker): rows arrive after ready(). */
interface ChainSourceLike {
  marked: { index: number; note: string } | undefined;
  ready(): Promise<void>;
  ensureWindow(): Promise<void>;
}

/** Resolves when `session` has ended (an outcome, never a timer). */
const ended = (session: ActorSession) => session.done();

/** Resolves on the first change of `provider`'s tree for which `check` holds. */
/** Theater's chain.json with the u64 output of event `at` changed (its stored hash no longer matches). */
function tamperU64(chainJson: string, at: number): string {
  const events = JSON.parse(chainJson) as Array<{ event_type: string; data: number[] }>;
  const text = Buffer.from(events[at]!.data).toString('utf8');
  const changed = text.replace(/"U64":(\d+)/, (_, n: string) => `"U64":${BigInt(n) ^ 1n}`);
  assert.notStrictEqual(changed, text, `event ${at} holds a u64: ${text}`);
  events[at]!.data = [...Buffer.from(changed, 'utf8')];
  return JSON.stringify(events, null, 2);
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
      'theater.chain.remove',
      'theater.chain.clearFinished',
      'theater.actors.remove',
      'theater.actors.clearFinished',
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
    // The extension's storage is fresh in this run, so some start transpiled it: a progress notification said so.
    assert.ok(
      api.controller.notices.some(
        (n) =>
          n.level === 'status' &&
          n.text === "Theater: transpiling wasi-random-test's component (0.0 MB) for its first start; later starts use the cache…",
      ),
      api.controller.notices.map((n) => n.text).join(' | '),
    );
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
    // Rows lead with the function and its value; the interface goes to the description.
    const row = api.controller.chains.getTreeItem(events[3]!);
    assert.match(String(row.label), /^3 {2}get-random-u64\(\) → \d+$/);
    assert.match(String(row.description), /^wasi:random\/random@0\.2\.3 · [0-9a-f]{7,}/);
    const json = await vscode.commands.executeCommand<vscode.TextDocument>('theater.chain.openEventJson', events[1]);
    assert.match(json.getText(), /"event_type": "wasi:random\/random@0\.2\.3\/get-random-bytes"/);
    assert.ok(json.uri.path.endsWith('/wasi-random-test event 1 (get-random-bytes).json'), json.uri.path);
    assert.strictEqual(json.isUntitled, false);
    const hash = await vscode.commands.executeCommand<string>('theater.chain.copyHash', events[0]);
    assert.strictEqual(hash, '584d8e1be21fed4367e60f8297f7c104cd377791');
    assert.match(api.controller.notices.at(-1)?.text ?? '', /Copied the hash of event 0: 584d8e1be21f/);
    assert.strictEqual(api.controller.notices.at(-1)?.level, 'status');
    const stopped = await vscode.commands.executeCommand<{ status: string }>(
      'theater.stopActor',
      api.controller.actors.entries.find((e) => e.session === session),
    );
    assert.strictEqual(stopped.status, 'stopped');
  });

  test("Start Actor on a Rust wasm32-wasi actor (real toolchain) shows its stdout in the actor's output channel", async function () {
    if (!fs.existsSync(manifestOf('rust-wasi-actor').fsPath)) {
      console.log('skipped: rust-wasi-actor is not built here (test-actors/build-native.mjs says why)');
      this.skip();
    }
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifestOf('rust-wasi-actor'));
    assert.ok(session, 'the actor started');
    await initDone(session);
    await session.stop();
    // Output is posted after its write is in the chain, and before init's result: all there now.
    assert.match(api.controller.actorOutput('rust-wasi-actor'), /hello from Rust std\n[\s\S]*Rust writes to stderr\n/);
    assert.ok(session.recentEvents.some((e) => e.eventType === 'wasi:io/streams@0.2.12/[method]output-stream.blocking-write-and-flush'));
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

  test('Stop Actor on the looping actor terminates it; a user stop is a normal end, not a failure', async () => {
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifestOf('infinite-loop-actor'));
    assert.ok(session);
    // Wait until the guest is inside init (its log line arrives), then stop it.
    await new Promise<void>((resolve) => {
      if (session.eventCount >= 2) resolve();
      else
        session.on('event', () => {
          if (session.eventCount >= 2) resolve();
        });
    });
    const noticesBefore = api.controller.noticeCount;
    const entry = api.controller.actors.entries.find((e) => e.session === session)!;
    const outcome = await vscode.commands.executeCommand<{ status: string; error?: string }>('theater.stopActor', entry);
    // The chain says why it ended (Theater's shape); the views say it was stopped, not that it failed.
    assert.match(outcome.error ?? '', /stopped from VS Code while a call was running/);
    const types = session.recentEvents.map((e) => e.eventType);
    assert.deepStrictEqual(types.slice(-2), ['wasm', 'shutdown']);
    const item = api.controller.actors.getTreeItem(entry);
    assert.match(String(item.description), /^stopped by you · /);
    assert.notStrictEqual((item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).color, undefined);
    const errors = api.controller.noticesSince(noticesBefore).filter((n) => n.level === 'error');
    assert.deepStrictEqual(errors, [], 'no error toast for a stop the user asked for');
    const root = api.controller.chains.root(session.id)!;
    assert.strictEqual(api.controller.verifyChain(root), true);
  });

  test('Export Chain writes a Theater chain.json that Open Chain File shows and verifies; replay ends with its verdict', async () => {
    const root = api.controller.chains.root(randomSession.id)!;
    const target = vscode.Uri.file(path.join(ws(), 'exported.chain.json'));
    await vscode.commands.executeCommand('theater.exportChain', root, target);
    const source = await vscode.commands.executeCommand<{ id: string; total: number }>('theater.openChainFile', target);
    assert.strictEqual(source.total, 8);
    const opened = api.controller.chains.root(source.id)!;
    assert.strictEqual(api.controller.verifyChain(opened), true);
    const replay = await vscode.commands.executeCommand<ActorSession>('theater.replayActor', vscode.Uri.file(randomSession.logPath));
    assert.ok(replay);
    // Nobody stops it: the replay ends by itself once init has answered from the recording.
    const outcome = await ended(replay);
    assert.strictEqual(outcome.status, 'stopped', outcome.error);
    assert.strictEqual(replay.replayReport?.verdict, 'replayed', replay.replayReport?.message);
    const entry = api.controller.actors.entries.find((e) => e.session === replay)!;
    assert.match(String(api.controller.actors.getTreeItem(entry).description), /stopped · 9 events · replayed/);
    assert.ok(
      api.controller.notices.some((n) => n.level === 'info' && /replay/i.test(n.text) && n.text.includes(replay.replayReport!.message)),
      'the verdict was shown',
    );

    // Restart on a replay entry replays the same recording again.
    const again = await vscode.commands.executeCommand<ActorSession>('theater.restartActor', entry);
    assert.ok(again);
    const againEntry = api.controller.actors.entries.find((e) => e.session === again)!;
    assert.strictEqual(againEntry.replayOf, randomSession.logPath);
    await ended(again);
    assert.strictEqual(again.replayReport?.verdict, 'replayed', again.replayReport?.message);
  });

  test('a tampered file shows the bad event; a divergence marks the recording; the fixed file opened again is fresh', async () => {
    const good = fs.readFileSync(path.join(ws(), 'exported.chain.json'), 'utf8');
    const file = path.join(ws(), 'edited.chain.json');
    fs.writeFileSync(file, tamperU64(good, 3));
    const broken = await vscode.commands.executeCommand<import('../../../src/extension/model/chainSource').ChainSource>(
      'theater.openChainFile',
      vscode.Uri.file(file),
    );
    let root = api.controller.chains.root(broken.id)!;
    assert.match(String(api.controller.chains.getTreeItem(root).description), /BROKEN at event 3/);
    const ev3 = () =>
      api.controller.chains.getChildren(api.controller.chains.root(broken.id)!).find((n) => n.kind === 'event' && n.index === 3)!;
    assert.match(String(api.controller.chains.getTreeItem(ev3()).description), /^✗ hash mismatch/);

    // Replaying the edited recording diverges at event 3: the recording (opened again) marks that event.
    const replay = await api.controller.startActor(manifestOf('wasi-random-test'), file);
    assert.ok(replay);
    await ended(replay);
    assert.strictEqual(replay.replayReport?.verdict, 'diverged', replay.replayReport?.message);
    assert.strictEqual(replay.replayReport?.divergence?.index, 3);
    // The recording is opened again; a file is read by a worker, so wait until its rows are in.
    const recording = api.controller.chains.sources.find((s) => s.id === `file:${file}`)! as unknown as ChainSourceLike;
    await recording.ready();
    await recording.ensureWindow();
    assert.strictEqual(recording.marked?.index, 3);
    assert.match(String(api.controller.chains.getTreeItem(ev3()).description), /^✗ replay got .*hash mismatch/);
    const replayRoot = api.controller.chains.root(replay.id)!;
    const replayEv3 = api.controller.chains.getChildren(replayRoot).find((n) => n.kind === 'event' && n.index === 3)!;
    assert.match(String(api.controller.chains.getTreeItem(replayEv3).description), /^✗ diverged: expected/);

    // The file fixed and opened again: nothing of the earlier load is left.
    fs.writeFileSync(file, good);
    await vscode.commands.executeCommand('theater.openChainFile', vscode.Uri.file(file));
    root = api.controller.chains.root(broken.id)!;
    assert.match(String(api.controller.chains.getTreeItem(root).description), /8 events, verified/);
    const fresh = api.controller.chains.getTreeItem(ev3());
    assert.doesNotMatch(String(fresh.description), /✗/);
    assert.notStrictEqual((fresh.iconPath as vscode.ThemeIcon).id, 'error');
  });

  test('a long live chain: Actors counts keep up while it runs; Go to Event shows one page around an index or a hash', async () => {
    const dir = path.join(ws(), 'loop-actor');
    // Long enough that the Actors view (refreshed at most every 250 ms) refreshes while it runs; the
    // test stops it once it has looked (at about 4 µs a call, a million calls take seconds).
    fs.writeFileSync(path.join(dir, 'state.json'), '1000000');
    const manifest = path.join(dir, 'manifest.toml');
    const text = fs.readFileSync(manifest, 'utf8');
    if (!text.includes('init_state')) fs.writeFileSync(manifest, text.replace(/^(name = .*)$/m, '$1\ninit_state = "./state.json"'));
    await vscode.commands.executeCommand('theater.actors.focus');
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', vscode.Uri.file(manifest));
    assert.ok(session);
    const entry = api.controller.actors.entries.find((e) => e.session === session)!;
    // The Actors view refreshes while the actor runs, with the count the chain has at that moment.
    let seen = '';
    await waitUntil(
      'the Actors view showing the running actor with the count its chain has (at least 1,500 events)',
      () => {
        if (session.status === 'starting') return false;
        if (session.status !== 'running') throw new Error(`the actor is ${session.status} after ${session.eventCount} events`);
        if (session.eventCount < 1500) return false;
        seen = String(api.controller.actors.getTreeItem(entry).description);
        return seen.includes(`${session.eventCount.toLocaleString('en-US')} events`);
      },
      [onEvent(api.controller.actors.onDidChangeTreeData)],
      { seen: () => `"${seen}", ${session.eventCount} events` },
    );
    assert.match(seen, /^running · /);

    // Go to Event on the live chain: the window stays one page, the event is selected.
    await vscode.commands.executeCommand('theater.chain.focus');
    const root = api.controller.chains.root(session.id)!;
    // The workbench reports the selection it made (the view's own getter may lag while live rows refresh).
    const view = api.controller.chainView!;
    const selected = new Promise<void>((resolve) => {
      const sub = view.onDidChangeSelection((e) => {
        const sel = e.selection[0];
        if (sel?.kind === 'event' && sel.source.id === session.id && sel.index === 5) {
          sub.dispose();
          resolve();
        }
      });
    });
    const shown = await vscode.commands.executeCommand<number>('theater.chain.goToEvent', root, 5);
    assert.strictEqual(shown, 5);
    const rows = api.controller.chains.getChildren(root).filter((n) => n.kind === 'event');
    assert.ok(rows.length <= 500, `${rows.length} rows shown`);
    await selected;
    const hex = Buffer.from(session.event(7)!.hash).toString('hex');
    assert.strictEqual(await vscode.commands.executeCommand<number>('theater.chain.goToEvent', root, hex.slice(0, 10)), 7);

    await vscode.commands.executeCommand('theater.stopActor', entry);
    const done = String(api.controller.actors.getTreeItem(entry).description);
    assert.ok(done.includes(`${session.eventCount.toLocaleString('en-US')} events`), done);
  });

  test('the view-title Filter acts on the chain just revealed, and a chain filtered to nothing says so', async () => {
    const chains = api.controller.chains;
    const first = chains.root(randomSession.id)!;
    await api.controller.chainView!.reveal(first, { select: true, expand: true });
    // A chain opened afterwards is revealed and becomes the one view-title commands act on.
    const opened = await vscode.commands.executeCommand<{ id: string }>(
      'theater.openChainFile',
      vscode.Uri.file(path.join(ws(), 'exported.chain.json')),
    );
    const filtered = await vscode.commands.executeCommand<{ id: string }>('theater.chain.filter', undefined, 'no-event-has-this');
    assert.strictEqual(filtered.id, opened.id);
    assert.deepStrictEqual(randomSession && chains.sources.find((s) => s.id === randomSession.id)!.filter, {});
    const kids = chains.getChildren(chains.root(opened.id)!);
    assert.strictEqual(kids.length, 1);
    assert.strictEqual(kids[0]!.kind, 'empty');
    assert.match(String(chains.getTreeItem(kids[0]!).label), /No event matches the filter "no-event-has-this"/);
    await vscode.commands.executeCommand('theater.chain.clearFilter', kids[0]);
    assert.strictEqual(chains.getChildren(chains.root(opened.id)!).filter((n) => n.kind === 'event').length, 8);
  });

  test('Show Registered Handlers opens a read-only document that never asks to be saved', async () => {
    const r = await vscode.commands.executeCommand<{ document: vscode.TextDocument; handlers: Array<{ type: string }> }>(
      'theater.showHandlers',
    );
    assert.strictEqual(r.document.uri.scheme, 'theater-handlers');
    assert.strictEqual(r.document.isUntitled, false);
    assert.strictEqual(r.document.isDirty, false);
    assert.strictEqual(r.document.languageId, 'markdown');
    assert.match(r.document.getText(), /^# Registered handlers/);
    assert.ok(r.handlers.some((h) => h.type === 'random'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
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

  test('Remove and Clear Finished empty the views; earlier runs are listed from .theater/chains', async () => {
    const entry = api.controller.actors.entries.find((e) => e.session === randomSession)!;
    await vscode.commands.executeCommand('theater.actors.remove', entry);
    assert.ok(!api.controller.actors.entries.includes(entry));
    assert.strictEqual(api.controller.chains.root(randomSession.id), undefined);
    const history = api.controller.chains.getChildren().find((n) => n.kind === 'history')!;
    const past = api.controller.chains.getChildren(history);
    assert.ok(
      past.some((n) => n.kind === 'past' && n.run.file === randomSession.logPath && n.run.name === 'wasi-random-test'),
      `the removed run is listed: ${past.map((n) => (n.kind === 'past' ? n.run.file : n.kind)).join(', ')}`,
    );
    const removed = await vscode.commands.executeCommand<number>('theater.actors.clearFinished');
    assert.ok(removed >= 1);
    assert.ok(api.controller.actors.entries.every((e) => ['starting', 'running', 'idle'].includes(e.session.status)));
    await vscode.commands.executeCommand('theater.chain.clearFinished');
    assert.deepStrictEqual(
      api.controller.chains.sources.filter((s) => !api.controller.chains.isLive(s)),
      [],
      'only running actors keep their chains',
    );
  });
});
