// The `theater` debugger and the chain diff in the real extension host: a debug session on a recorded
// chain (observed through a DebugAdapterTracker, as VS Code's own UI sees it), Step Back, the Event
// Chain view following the debugger, and two chains in the diff editor at their first difference.
// Every wait is on an event of VS Code or the runtime, never a timer, and has a deadline (wait.ts) whose
// failure says what it waited for and what it saw.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TheaterApi } from '../../../src/extension/extension';
import type { OpenedDiff } from '../../../src/extension/chainDiff';
import type { ActorSession } from '../../../src/runtime/host/session';
import type { ChainNode } from '../../../src/extension/chainTree';
import { onEmitter, onEvent, waitUntil, within } from './wait';

const EXT_ID = 'theater-vscode.theater-vscode';
const U64 = 'wasi:random/random@0.2.3/get-random-u64';
let api: TheaterApi;
const ws = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

/** Records a chain of wasi-random-test through Start Actor and returns its log. */
async function recordChain(): Promise<string> {
  const session = await within(
    'Start Actor of wasi-random-test',
    vscode.commands.executeCommand<ActorSession>(
      'theater.startActor',
      vscode.Uri.file(path.join(ws(), 'wasi-random-test', 'manifest.toml')),
    ),
  );
  assert.ok(session, 'the actor started');
  await waitUntil(
    'wasi-random-test to finish init (status idle)',
    () => {
      if (session.status === 'failed' || session.status === 'stopped')
        throw new Error(`the actor ended: ${session.status} ${session.lastError ?? ''}`);
      return session.status === 'idle';
    },
    [onEmitter(session, 'status', 'init-done', 'exit')],
    { seen: () => `status ${session.status}` },
  );
  await within('the recording actor to stop', session.stop());
  return session.logPath;
}

/** A copy of the chain with the recorded output of event 4 (a get-random-u64) edited; its stored hash is left as it was. */
function editedCopy(chain: string, name: string): { file: string; recorded: string; edited: string } {
  const lines = fs.readFileSync(chain, 'utf8').split('\n');
  const line4 = JSON.parse(lines[5]!) as { i: number; data: string };
  assert.strictEqual(line4.i, 4);
  const data = Buffer.from(line4.data, 'base64').toString('utf8');
  const recorded = /"U64":(\d+)/.exec(data)![1]!;
  const edited = (BigInt(recorded) + 1n).toString();
  line4.data = Buffer.from(data.replace(`"U64":${recorded}`, `"U64":${edited}`), 'utf8').toString('base64');
  lines[5] = JSON.stringify(line4);
  const file = path.join(ws(), name);
  fs.writeFileSync(file, lines.join('\n'));
  return { file, recorded, edited };
}

const describeSession = (s: vscode.DebugSession | undefined) => (s ? `${s.type} session "${s.name}" (${s.id})` : 'no debug session');

/**
 * The next debug session to start. Subscribe (call this) before the command that starts it; `what`
 * names that command in the failure.
 */
function nextSession(what: string): Promise<vscode.DebugSession> {
  let started: vscode.DebugSession | undefined;
  const sub = vscode.debug.onDidStartDebugSession((s) => (started ??= s));
  return waitUntil(`a debug session started by ${what}`, () => started, [onEvent(vscode.debug.onDidStartDebugSession)], {
    seen: () => `active: ${describeSession(vscode.debug.activeDebugSession)}`,
  }).finally(() => sub.dispose());
}

/** Every debug session that ended while this suite ran (so a wait for an end that came first still sees it). */
const endedSessions = new Set<string>();

/** Resolves when `session` has ended (also when it ended before this was called). */
function sessionEnded(session: vscode.DebugSession, what: string): Promise<void> {
  return waitUntil(
    `the end of ${describeSession(session)} (${what})`,
    () => endedSessions.has(session.id),
    [onEvent(vscode.debug.onDidTerminateDebugSession)],
    { seen: () => `active: ${describeSession(vscode.debug.activeDebugSession)}` },
  ).then(() => undefined);
}

/** Every DAP message the adapter sends ('stopped' events are handed out in order by next()). */
class StopWatcher implements vscode.Disposable {
  private readonly stops: any[] = [];
  /** The other events and responses, in order (named in a failure). */
  private readonly log: string[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly registration: vscode.Disposable;
  constructor() {
    this.registration = vscode.debug.registerDebugAdapterTrackerFactory('theater', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: any) => {
          if (m.type === 'event' && m.event === 'stopped') this.stops.push(m);
          if (m.type === 'event' && m.event !== 'output')
            this.log.push(m.event === 'stopped' ? `stopped(${m.body?.description})` : m.event);
          else if (m.type === 'response' && !m.success) this.log.push(`${m.command} failed: ${m.message}`);
          this.changed.fire();
        },
      }),
    });
  }
  /** The next 'stopped' event; `what` says which stop the test expects. */
  next(what: string): Promise<any> {
    return waitUntil(`the debugger to stop (${what})`, () => this.stops.shift(), [onEvent(this.changed.event)], {
      seen: () => `adapter events: ${this.log.slice(-12).join(', ') || 'none'}`,
    });
  }
  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

/**
 * Resolves when the Event Chain view's selection is event `index` (the debugger's reveal). The view's
 * own `selection` getter leaves out rows the workbench is fetching again (it may lag while rows
 * refresh), so the selection the workbench reported is checked too, and the check runs again after
 * each reveal and each time rows are served.
 */
function selectedEvent(index: number): Promise<void> {
  const view = api.controller.chainView!;
  let reported: readonly ChainNode[] = [];
  const isIt = (nodes: readonly ChainNode[]) => nodes.some((n) => n.kind === 'event' && n.index === index);
  const describe = () =>
    view.selection.map((n) => (n.kind === 'event' ? `event ${n.index} of ${n.source.label}` : n.kind)).join(', ') || 'nothing selected';
  return waitUntil(
    `the Event Chain view to select event ${index} (the debugger's reveal)`,
    () => isIt(view.selection) || isIt(reported),
    [
      (cb) =>
        view.onDidChangeSelection((e) => {
          reported = e.selection;
          cb();
        }),
      onEvent(api.controller.onDidReveal),
      onEvent(api.controller.chains.onDidServeRows),
    ],
    { seen: () => `selection: ${describe()}; chains: ${api.controller.chains.sources.map((s) => `${s.label} (${s.total})`).join(', ')}` },
  ).then(() => undefined);
}

suite('Theater time travel in a real VS Code extension host', () => {
  let chain: string;
  let ends: vscode.Disposable;
  suiteSetup(async () => {
    ends = vscode.debug.onDidTerminateDebugSession((s) => endedSessions.add(s.id));
    api = await within('the extension to activate', vscode.extensions.getExtension<TheaterApi>(EXT_ID)!.activate());
    chain = await recordChain();
  });
  suiteTeardown(() => ends.dispose());

  test('contributes the theater debugger and registers its commands', async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as {
      contributes: { debuggers: Array<{ type: string; configurationAttributes: any }> };
    };
    const dbg = pkg.contributes.debuggers.find((d) => d.type === 'theater');
    assert.ok(dbg, 'a debugger of type theater');
    // VS Code adds its common attributes (preLaunchTask, …) to the contribution it holds.
    const props = Object.keys(dbg.configurationAttributes.launch.properties);
    for (const p of ['manifest', 'chain', 'stopOnEntry', 'chainOut', 'dataDir'])
      assert.ok(props.includes(p), `launch attribute ${p} in ${props.join(', ')}`);
    const all = await within('the command list', vscode.commands.getCommands(true));
    for (const c of ['theater.debugActor', 'theater.debugChain', 'theater.compareChains']) assert.ok(all.includes(c), `${c} registered`);
  });

  test('Debug Chain: stops at the breakpoint event, steps back, the Event Chain view follows, the session ends', async () => {
    await within('the Event Chain view to open', vscode.commands.executeCommand('theater.chain.focus'));
    const stops = new StopWatcher();
    const bp = new vscode.FunctionBreakpoint('*get-random-u64');
    vscode.debug.addBreakpoints([bp]);
    try {
      const started = nextSession('Debug Chain');
      assert.strictEqual(await within('Debug Chain', vscode.commands.executeCommand('theater.debugChain', vscode.Uri.file(chain))), true);
      const session = await started;
      assert.strictEqual(session.type, 'theater');
      const entry = await stops.next('entry, event 0');
      assert.strictEqual(entry.body.reason, 'entry');
      assert.strictEqual(entry.body.description, 'event 0: wasm');
      await selectedEvent(0);

      await within('continue', session.customRequest('continue', { threadId: 1 }));
      const atBreakpoint = await stops.next('the breakpoint at event 3');
      assert.strictEqual(atBreakpoint.body.reason, 'function breakpoint');
      assert.strictEqual(atBreakpoint.body.description, `event 3: ${U64} (*get-random-u64)`);
      await selectedEvent(3);

      await within('stepBack', session.customRequest('stepBack', { threadId: 1 }));
      const back = await stops.next('step back to event 2');
      assert.strictEqual(back.body.description, 'event 2: wasi:random/random@0.2.3/get-random-bytes');
      await selectedEvent(2);
      const frames = await within('stackTrace', session.customRequest('stackTrace', { threadId: 1 }));
      assert.deepStrictEqual(
        frames.stackFrames.map((f: { name: string }) => f.name),
        ['event 2: wasi:random/random@0.2.3/get-random-bytes', 'theater:simple/actor.init (event 0)'],
      );

      const ended = sessionEnded(session, 'Stop Debugging');
      await within('Stop Debugging', vscode.debug.stopDebugging(session));
      await ended;
    } finally {
      vscode.debug.removeBreakpoints([bp]);
      stops.dispose();
    }
  });

  test('Compare Chains: the recording and an edited copy open in the diff editor at the first difference, values exact', async () => {
    const { file: copy, recorded, edited } = editedCopy(chain, 'edited.chain.jsonl');

    const opened = await within(
      'Compare Chains',
      vscode.commands.executeCommand<OpenedDiff>('theater.compareChains', vscode.Uri.file(chain), vscode.Uri.file(copy)),
    );
    assert.ok(opened, 'the diff opened');
    assert.strictEqual(opened.firstDifference, 4);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    assert.strictEqual(editor.document.uri.toString(), opened.right.toString(), 'the diff editor (its modified side) is active');
    const line = editor.selection.active.line;
    assert.strictEqual(line, opened.firstDifferenceLine);
    assert.strictEqual(editor.document.lineAt(line).text, `event 4  ${U64}`);
    assert.ok(
      editor.visibleRanges.some((r) => r.contains(new vscode.Position(line, 0))),
      'the first difference is in view',
    );
    const left = await within('the left side of the diff', vscode.workspace.openTextDocument(opened.left));
    assert.strictEqual(left.lineAt(line).text, `event 4  ${U64}`, 'aligned: the same event on the same line');
    // Exact u64 values on both sides, on the same line of the block.
    const right = editor.document.getText().split('\n');
    const out = right.indexOf(`  output  ${edited}`);
    assert.ok(out > line, 'the edited value is in the listing');
    assert.strictEqual(left.lineAt(out).text, `  output  ${recorded}`);
  });

  test('Debug Chain with the component: the replay of an edited chain stops at the divergence, and Compare Chains opens there', async () => {
    const { file: copy } = editedCopy(chain, 'edited-for-replay.chain.jsonl');
    const stops = new StopWatcher();
    try {
      const started = nextSession('Debug Chain with the component');
      const manifest = vscode.Uri.file(path.join(ws(), 'wasi-random-test', 'manifest.toml'));
      assert.strictEqual(
        await within(
          'Debug Chain with the component',
          vscode.commands.executeCommand('theater.debugChain', vscode.Uri.file(copy), manifest),
        ),
        true,
      );
      const session = await started;
      assert.strictEqual((await stops.next('entry, after the replay')).body.description, 'event 0: wasm');
      // The divergence exception filter is on by default.
      await within('continue', session.customRequest('continue', { threadId: 1 }));
      const stop = await stops.next('the divergence at event 4');
      assert.strictEqual(stop.body.reason, 'exception');
      assert.strictEqual(stop.body.description, `event 4: ${U64} (replay divergence)`);
      // The tracker sees the adapter's messages at once; the custom event comes back through the workbench.
      const replay = await waitUntil(
        `the theater/replay report of ${path.basename(copy)}`,
        () => (api.debug.lastReplay?.recording === copy ? api.debug.lastReplay : undefined),
        [onEvent(api.debug.onDidReplay)],
        { seen: () => `last report: ${JSON.stringify(api.debug.lastReplay ?? null)}` },
      );
      assert.strictEqual(replay.divergence, 4);
      await selectedEvent(4);
      const opened = await within(
        'Compare Chains of the recording and the replay',
        vscode.commands.executeCommand<OpenedDiff>(
          'theater.compareChains',
          vscode.Uri.file(replay.recording),
          vscode.Uri.file(replay.replay),
        ),
      );
      assert.strictEqual(opened.firstDifference, 4);
      assert.strictEqual(vscode.window.activeTextEditor!.document.lineAt(opened.firstDifferenceLine!).text, `event 4  ${U64}`);
      const ended = sessionEnded(session, 'Stop Debugging');
      await within('Stop Debugging', vscode.debug.stopDebugging(session));
      await ended;
    } finally {
      stops.dispose();
    }
  });

  test('Debug Actor: the actor runs live, pauses at the breakpoint event, and the session ends when init returns', async () => {
    const stops = new StopWatcher();
    const bp = new vscode.FunctionBreakpoint('*get-random-u64');
    vscode.debug.addBreakpoints([bp]);
    try {
      const started = nextSession('Debug Actor');
      const manifest = vscode.Uri.file(path.join(ws(), 'wasi-random-test', 'manifest.toml'));
      assert.strictEqual(await within('Debug Actor', vscode.commands.executeCommand('theater.debugActor', manifest)), true);
      const session = await started;
      assert.strictEqual((await stops.next('entry, event 0')).body.description, 'event 0: wasm');
      await within('continue', session.customRequest('continue', { threadId: 1 }));
      assert.strictEqual((await stops.next('the breakpoint at event 3')).body.description, `event 3: ${U64} (*get-random-u64)`);
      // The Event Chain view re-reads the growing log and selects the event.
      await selectedEvent(3);
      const ended = sessionEnded(session, 'init returned after the last continue');
      vscode.debug.removeBreakpoints([bp]);
      await within('setFunctionBreakpoints []', session.customRequest('setFunctionBreakpoints', { breakpoints: [] }));
      await within('continue', session.customRequest('continue', { threadId: 1 }));
      await ended;
    } finally {
      vscode.debug.removeBreakpoints([bp]);
      stops.dispose();
    }
  });

  test('F5 on an open manifest: the configuration provider fills "manifest" from the active editor', async () => {
    const manifest = vscode.Uri.file(path.join(ws(), 'wasi-random-test', 'manifest.toml'));
    await within('the manifest to open', vscode.window.showTextDocument(manifest));
    const stops = new StopWatcher();
    try {
      const started = nextSession('F5');
      assert.ok(
        await within(
          'startDebugging (F5)',
          vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
            type: 'theater',
            name: 'F5',
            request: 'launch',
            stopOnEntry: true,
          }),
        ),
      );
      const session = await started;
      assert.strictEqual(session.configuration.manifest, manifest.fsPath);
      assert.strictEqual((await stops.next('entry, event 0')).body.description, 'event 0: wasm');
      const ended = sessionEnded(session, 'Stop Debugging');
      await within('Stop Debugging', vscode.debug.stopDebugging(session));
      await ended;
    } finally {
      stops.dispose();
    }
  });
});
