// Send Message and Send Request to a running actor through the commands (the text passed as an argument,
// so no input box), in the real extension host: the answer the user sees and the calls it added to the chain.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';
import type { MessageResult } from '../../../src/extension/messaging';
import type { EventPlace } from '../../../src/runtime/chain/causality';
import type { ChainEvent } from '../../../src/runtime/chain/event';
import type { ActorSession } from '../../../src/runtime/host/session';
import { onEmitter, onEvent, waitUntil, within } from './wait';

const EXT_ID = 'theater-vscode.theater-vscode';
const ws = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

/** Waits until the actor has finished init (status idle); fails at once when it failed, paused or stopped instead. */
function idle(session: ActorSession, what = `${session.name} to finish init`): Promise<true> {
  return waitUntil(
    `${what} (status idle)`,
    () => {
      if (session.status === 'idle') return true;
      if (session.status === 'paused' || session.status === 'failed' || session.status === 'stopped')
        throw new Error(`${session.name} is ${session.status}: ${session.lastError ?? ''}`);
      return false;
    },
    [onEmitter(session, 'status', 'exit')],
    { seen: () => `status ${session.status}, ${session.eventCount} events` },
  );
}

const isLiveStatus = (s: string) => s === 'starting' || s === 'running' || s === 'idle' || s === 'paused';

/** The WasmCall / WasmResult function names of the chain's export-call events from index `from` on. */
function wasmCalls(session: ActorSession, from: number): string[] {
  const events: ChainEvent[] = [];
  session.forEachEvent((e) => events.push(e), from);
  return events.flatMap((e) => {
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
    const session = await within(
      'Start Actor (counter-actor)',
      vscode.commands.executeCommand<ActorSession>('theater.startActor', manifest),
    );
    assert.ok(session, 'the counter started');
    await idle(session);
    const entry = api.controller.actors.entries.find((e) => e.session === session)!;
    assert.ok(entry, 'the counter is in the Actors view');

    const beforeSend = session.eventCount;
    const sent = await within(
      'Send Message to the counter',
      vscode.commands.executeCommand<MessageResult>('theater.sendMessage', entry, 'add one'),
    );
    assert.deepStrictEqual(sent, { ok: true, text: '' });
    const sendCalls = wasmCalls(session, beforeSend);
    assert.strictEqual(sendCalls.length, 2, sendCalls.join(', '));
    assert.match(sendCalls[0]!, /^WasmCall .*handle-send$/);
    assert.match(sendCalls[1]!, /^WasmResult .*handle-send$/);

    const beforeRequest = session.eventCount;
    const noticesBefore = api.controller.noticeCount;
    const answer = await within(
      'Send Request to the counter',
      vscode.commands.executeCommand<MessageResult>('theater.sendRequest', entry, 'how many?'),
    );
    // The count after one message.
    assert.deepStrictEqual(answer, { ok: true, text: '1' });
    const requestCalls = wasmCalls(session, beforeRequest);
    assert.strictEqual(requestCalls.length, 2, requestCalls.join(', '));
    assert.match(requestCalls[0]!, /^WasmCall .*handle-request$/);
    assert.match(requestCalls[1]!, /^WasmResult .*handle-request$/);
    assert.ok(
      api.controller.noticesSince(noticesBefore).some((n) => n.level === 'info' && n.text === 'Theater: counter-actor answered: 1'),
      'the answer was shown in a notification',
    );
    assert.strictEqual(api.controller.verifyChain(api.controller.chains.root(session.id)!), true);

    // Show State: the count, and the document follows the next message.
    const doc = await within('Show State', vscode.commands.executeCommand<vscode.TextDocument>('theater.showState', entry));
    assert.strictEqual(doc.getText(), '1\n');
    // Subscribed before the message goes out: the change cannot come before the wait.
    const updated = waitUntil(
      'the state document to show the count 2',
      () => doc.getText() === '2\n',
      [onEvent(vscode.workspace.onDidChangeTextDocument)],
      {
        seen: () => JSON.stringify(doc.getText()),
      },
    );
    await within('the second Send Message', vscode.commands.executeCommand<MessageResult>('theater.sendMessage', entry, 'add one'));
    await updated;
    await within('Stop (counter-actor)', vscode.commands.executeCommand('theater.stopActor', entry));
  });

  test('a parent and the child it spawns: the child is under its parent, a request is forwarded, Stop stops both', async () => {
    const manifest = vscode.Uri.file(path.join(ws(), 'parent-actor', 'manifest.toml'));
    const parent = await within('Start Actor (parent-actor)', vscode.commands.executeCommand<ActorSession>('theater.startActor', manifest));
    assert.ok(parent, 'the parent started');
    // Its init spawns the child and returns only once the child is there.
    await idle(parent);
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
    await idle(child.session);

    const answer = await within(
      'Send Request to the parent',
      vscode.commands.executeCommand<MessageResult>('theater.sendRequest', parentEntry, 'how many?'),
    );
    assert.deepStrictEqual(answer, { ok: true, text: '0' });
    // The forwarded request ran in the child: its handle-request is in the child's chain.
    assert.ok(wasmCalls(child.session, 0).some((c) => /^WasmResult .*handle-request$/.test(c)));

    // Causality across the two chains: the child's handle-request goes to the parent's request, and back.
    const chains = api.controller.chains;
    const childSource = chains.sources.find((s) => s.id === child.session.id)!;
    const parentSource = chains.sources.find((s) => s.id === parent.id)!;
    let delivered = -1;
    for (let i = childSource.total - 1; i >= 0 && delivered < 0; i--) {
      const ev = childSource.event(i);
      if (ev?.cause && /"WasmCall".*handle-request/.test(new TextDecoder().decode(ev.data))) delivered = i;
    }
    assert.ok(delivered >= 0, "the child's handle-request WasmCall carries its cause");
    assert.strictEqual(chains.getTreeItem(chains.eventNode(childSource, delivered)).contextValue, 'theaterEventCaused');
    const cause = await within(
      'Go to Its Cause',
      vscode.commands.executeCommand<EventPlace>('theater.chain.goToCause', chains.eventNode(childSource, delivered)),
    );
    assert.strictEqual(cause?.actorId, parent.id, 'the cause is in the parent');
    assert.strictEqual(parentSource.event(cause.index)?.eventType, 'theater:simple/message-server-host/request');
    assert.strictEqual(api.controller.current, parentSource, "the parent's chain is the one shown");
    assert.strictEqual(chains.getTreeItem(chains.eventNode(parentSource, cause.index)).contextValue, 'theaterEventCauses');
    const effect = await within(
      'Go to the Call It Caused',
      vscode.commands.executeCommand<EventPlace>('theater.chain.goToEffect', chains.eventNode(parentSource, cause.index)),
    );
    assert.deepStrictEqual(effect, { actorId: child.session.id, index: delivered });
    // The parent's spawn caused the child's init (its first event).
    let spawnAt = -1;
    for (let i = 0; i < parentSource.total && spawnAt < 0; i++)
      if (parentSource.event(i)?.eventType === 'theater:simple/supervisor/spawn') spawnAt = i;
    const init = await within(
      'Go to the Call It Caused (spawn)',
      vscode.commands.executeCommand<EventPlace>('theater.chain.goToEffect', chains.eventNode(parentSource, spawnAt)),
    );
    assert.deepStrictEqual(init, { actorId: child.session.id, index: 0 });

    // Restart on the child: through its parent's supervision, the same actor, its chain goes on.
    await within('Send Message to the parent', vscode.commands.executeCommand<MessageResult>('theater.sendMessage', parentEntry, 'one'));
    const counted = await within(
      'Send Request to the parent (after a message)',
      vscode.commands.executeCommand<MessageResult>('theater.sendRequest', parentEntry, 'how many?'),
    );
    assert.deepStrictEqual(counted, { ok: true, text: '1' });
    const beforeRestart = child.session.eventCount;
    const restarted = await within('Restart (the child)', vscode.commands.executeCommand<ActorSession>('theater.restartActor', child));
    assert.strictEqual(restarted, child.session, 'the same actor, not a new one');
    assert.strictEqual(child.session.status, 'idle');
    assert.deepStrictEqual(wasmCalls(child.session, beforeRestart), [
      'WasmCall theater:simple/actor.init',
      'WasmResult theater:simple/actor.init',
    ]);
    assert.deepStrictEqual(
      tree.getChildren(parentEntry).map((c) => c.session.id),
      [child.session.id],
      'still the one child under its parent',
    );
    assert.ok(
      !tree.getChildren().some((e) => e.session.name === 'counter-actor' && e !== child && isLiveStatus(e.session.status)),
      'no new top-level counter',
    );
    const afterRestart = await within(
      'Send Request to the parent (after the restart)',
      vscode.commands.executeCommand<MessageResult>('theater.sendRequest', parentEntry, 'how many?'),
    );
    assert.deepStrictEqual(afterRestart, { ok: true, text: '0' }, 'the restarted child counts from its init state');

    await within('Stop (parent-actor)', vscode.commands.executeCommand('theater.stopActor', parentEntry));
    assert.strictEqual(child.session.status, 'stopped');
    assert.match(String(tree.getTreeItem(child).description), /^stopped by you · /);
    for (const s of [parent, child.session]) assert.strictEqual(api.controller.verifyChain(api.controller.chains.root(s.id)!), true);
  });
});
