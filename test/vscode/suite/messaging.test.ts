// Send Message and Send Request to a running actor through the commands (the text passed as an argument,
// so no input box), in the real extension host: the answer the user sees and the calls it added to the chain.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';
import type { MessageResult } from '../../../src/extension/messaging';
import type { ActorSession } from '../../../src/runtime/host/session';

const EXT_ID = 'theater-vscode.theater-vscode';
const ws = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') return resolve();
    session.once('init-done', () => resolve());
    void session.done().then((o) => (o.status === 'failed' ? reject(new Error(`actor failed: ${o.error}`)) : resolve()));
  });
}

/** The WasmCall / WasmResult function names of the chain's export-call events from index `from` on. */
function wasmCalls(session: ActorSession, from: number): string[] {
  return session.events.slice(from).flatMap((e) => {
    if (e.eventType !== 'wasm') return [];
    const payload = JSON.parse(new TextDecoder().decode(e.data)) as Record<string, { function_name?: string }>;
    const kind = payload.WasmCall ? 'WasmCall' : payload.WasmResult ? 'WasmResult' : '?';
    return [`${kind} ${(payload.WasmCall ?? payload.WasmResult)?.function_name ?? ''}`];
  });
}

suite('Theater messaging in a real VS Code extension host', () => {
  let api: TheaterApi;
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<TheaterApi>(EXT_ID)!.activate();
  });

  test('Send Message then Send Request to the counter: the answer is shown and the calls are in its chain', async () => {
    const manifest = vscode.Uri.file(path.join(ws(), 'counter-actor', 'manifest.toml'));
    const session = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifest);
    assert.ok(session, 'the counter started');
    await initDone(session);
    const entry = api.controller.actors.entries.find((e) => e.session === session)!;
    assert.ok(entry, 'the counter is in the Actors view');

    const beforeSend = session.events.length;
    const sent = await vscode.commands.executeCommand<MessageResult>('theater.sendMessage', entry, 'add one');
    assert.deepStrictEqual(sent, { ok: true, text: '' });
    const sendCalls = wasmCalls(session, beforeSend);
    assert.strictEqual(sendCalls.length, 2, sendCalls.join(', '));
    assert.match(sendCalls[0]!, /^WasmCall .*handle-send$/);
    assert.match(sendCalls[1]!, /^WasmResult .*handle-send$/);

    const beforeRequest = session.events.length;
    const noticesBefore = api.controller.notices.length;
    const answer = await vscode.commands.executeCommand<MessageResult>('theater.sendRequest', entry, 'how many?');
    // The count after one message.
    assert.deepStrictEqual(answer, { ok: true, text: '1' });
    const requestCalls = wasmCalls(session, beforeRequest);
    assert.strictEqual(requestCalls.length, 2, requestCalls.join(', '));
    assert.match(requestCalls[0]!, /^WasmCall .*handle-request$/);
    assert.match(requestCalls[1]!, /^WasmResult .*handle-request$/);
    assert.ok(
      api.controller.notices.slice(noticesBefore).some((n) => n.level === 'info' && n.text === 'Theater: counter-actor answered: 1'),
      'the answer was shown in a notification',
    );
    assert.strictEqual(api.controller.verifyChain(api.controller.chains.root(session.id)!), true);

    // Show State: the count, and the document follows the next message.
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('theater.showState', entry);
    assert.strictEqual(doc.getText(), '1\n');
    const updated = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc && doc.getText() === '2\n') {
          sub.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand<MessageResult>('theater.sendMessage', entry, 'add one');
    await updated;
    await vscode.commands.executeCommand('theater.stopActor', entry);
  });

  test('a parent and the child it spawns: the child is under its parent, a request is forwarded, Stop stops both', async () => {
    const manifest = vscode.Uri.file(path.join(ws(), 'parent-actor', 'manifest.toml'));
    const parent = await vscode.commands.executeCommand<ActorSession>('theater.startActor', manifest);
    assert.ok(parent, 'the parent started');
    // Its init spawns the child and returns only once the child is there.
    await initDone(parent);
    const tree = api.controller.actors;
    const parentEntry = tree.entries.find((e) => e.session === parent)!;
    const children = tree.getChildren(parentEntry);
    assert.deepStrictEqual(
      children.map((c) => c.session.name),
      ['counter-actor'],
    );
    const child = children[0]!;
    assert.ok(!tree.getChildren().includes(child), 'the child is not at the top level');
    assert.strictEqual(tree.getParent(child), parentEntry);
    assert.strictEqual(tree.getTreeItem(parentEntry).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    await initDone(child.session);

    const answer = await vscode.commands.executeCommand<MessageResult>('theater.sendRequest', parentEntry, 'how many?');
    assert.deepStrictEqual(answer, { ok: true, text: '0' });
    // The forwarded request ran in the child: its handle-request is in the child's chain.
    assert.ok(wasmCalls(child.session, 0).some((c) => /^WasmResult .*handle-request$/.test(c)));

    await vscode.commands.executeCommand('theater.stopActor', parentEntry);
    assert.strictEqual(child.session.status, 'stopped');
    assert.match(String(tree.getTreeItem(child).description), /^stopped by you · /);
    for (const s of [parent, child.session]) assert.strictEqual(api.controller.verifyChain(api.controller.chains.root(s.id)!), true);
  });
});
