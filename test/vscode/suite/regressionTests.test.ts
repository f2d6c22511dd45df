// Replay regression tests in the real extension host: Save as Regression Test on a recorded chain,
// the Testing view's controller lists the new test, and its run profile replays it to a pass.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';

suite('Theater replay regression tests (Test API)', () => {
  test('Save as Regression Test, listed in the Testing view, replayed to a pass', async () => {
    const api = await vscode.extensions.getExtension<TheaterApi>('theater-vscode.theater-vscode')!.activate();
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const session = await api.controller.startActor(vscode.Uri.file(path.join(ws, 'wasi-random-test', 'manifest.toml')));
    assert.ok(session, 'the actor started');
    await new Promise<void>((resolve) => {
      if (session.status === 'idle') resolve();
      session.once('init-done', () => resolve());
      void session.done().then(() => resolve());
    });
    await session.stop('test finished');
    const saved = (await vscode.commands.executeCommand('theater.saveRegressionTest', vscode.Uri.file(session.logPath), 'host saved')) as {
      file: string;
    };
    assert.equal(saved.file, path.join(ws, 'wasi-random-test', 'tests', 'host-saved.theater-test.json'));
    assert.ok(fs.existsSync(path.join(ws, 'wasi-random-test', 'tests', 'host-saved.chain.json')));
    const item = api.regressionTests.testController.items.get(vscode.Uri.file(saved.file).toString());
    assert.ok(item, 'the Testing view lists the saved test');
    assert.equal(item.label, 'host saved');
    const cts = new vscode.CancellationTokenSource();
    await api.regressionTests.runProfile.runHandler(new vscode.TestRunRequest([item]), cts.token);
    assert.deepEqual(api.regressionTests.lastResults.get(item.id), {
      passed: true,
      message: 'Replay identical: all 8 events have the recorded hashes.',
    });
  });
});

suite('Theater language-model tools', () => {
  test('the agent tools are registered and a read-only one answers from a chain', async () => {
    await vscode.extensions.getExtension<TheaterApi>('theater-vscode.theater-vscode')!.activate();
    const names = vscode.lm.tools.map((t) => t.name).filter((n) => n.startsWith('theater_'));
    assert.deepEqual(names.sort(), [
      'theater_diff_chains',
      'theater_explain_divergence',
      'theater_find_events',
      'theater_fork_actor',
      'theater_list_chains',
      'theater_replay_actor',
      'theater_run_actor',
      'theater_summarize_chain',
      'theater_verify_chain',
      'theater_what_if',
    ]);
    const r = await vscode.lm.invokeTool('theater_list_chains', {
      input: { dir: 'wasi-random-test/tests' },
      toolInvocationToken: undefined,
    });
    const text = r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    assert.match(text, /"path": "wasi-random-test\/tests\/host-saved\.chain\.json"/);
  });
});

suite('Theater fork and what-if from an event', () => {
  test('Fork from Here and What If… on events of an opened chain', async () => {
    const api = await vscode.extensions.getExtension<TheaterApi>('theater-vscode.theater-vscode')!.activate();
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const session = await api.controller.startActor(vscode.Uri.file(path.join(ws, 'wasi-random-test', 'manifest.toml')));
    assert.ok(session, 'the actor started');
    await new Promise<void>((resolve) => {
      if (session.status === 'idle') resolve();
      session.once('init-done', () => resolve());
      void session.done().then(() => resolve());
    });
    await session.stop('test finished');
    const source = await api.controller.openChainFile(vscode.Uri.file(session.logPath));
    assert.ok(source, 'the chain opened');
    const fork = (await vscode.commands.executeCommand('theater.chain.forkFromEvent', { kind: 'event', source, index: 3 })) as {
      verdict: string;
      fork: { at: number; liveEvents: number };
    };
    assert.equal(fork.verdict, 'forked');
    assert.deepEqual(fork.fork, { at: 3, liveEvents: 4 });
    const zeros = JSON.stringify(new Array(100).fill(0));
    const whatIf = (await vscode.commands.executeCommand('theater.chain.whatIf', { kind: 'event', source, index: 5 }, zeros)) as {
      verdict: string;
      divergence: { index: number; actual: { eventType: string; input: unknown } };
    };
    assert.equal(whatIf.verdict, 'what-if');
    assert.equal(whatIf.divergence.index, 6);
    assert.equal(whatIf.divergence.actual.eventType, 'theater:simple/runtime/log');
    assert.deepEqual(whatIf.divergence.actual.input, ['wasi-random-test: get-random-bytes(100) returned only zero bytes']);
  });
});
