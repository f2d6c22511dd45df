// Replay regression tests in VS Code: "Theater: Save as Regression Test" on a chain, and the Testing
// view (Test API) listing every *.theater-test.json of the workspace and replaying them. The work is
// the runtime's (regressionTests.ts), the same that `theater test` runs; this is glue.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChainNode } from './chainTree';
import type { Controller } from './controller';
import { pickChainFile } from './pickChain';

type Tests = typeof import('../runtime/host/regressionTests');
const tests = (): Tests => require('../runtime/host/regressionTests') as Tests;

const GLOB = '**/*.theater-test.json';
const EXCLUDE = '**/{node_modules,.theater}/**';

export interface RegressionTestsApi {
  testController: vscode.TestController;
  runProfile: vscode.TestRunProfile;
  /** The last outcome of each test item run here (by item id), for tests of the extension itself. */
  lastResults: Map<string, { passed: boolean; message: string }>;
  /** Finds the workspace's test files again (after a save). */
  refresh(): Promise<void>;
}

/** The chain file behind a command argument: an actor's log, an opened chain file, or a file in the explorer. */
function chainFileOf(controller: Controller, arg: ChainNode | vscode.Uri | undefined): { chain?: string; manifest?: string } {
  if (arg instanceof vscode.Uri) return { chain: arg.fsPath };
  return arg && arg.kind === 'source' ? controller.chainFileOf(arg.source) : {};
}

async function saveCommand(controller: Controller, api: RegressionTestsApi, arg?: ChainNode | vscode.Uri, name?: string) {
  let { chain, manifest } = chainFileOf(controller, arg);
  chain ??= await pickChainFile('Save as regression test');
  if (!chain) return undefined;
  try {
    manifest ??= await controller.manifestOfChain(chain);
    if (!manifest) return undefined;
    name ??= await vscode.window.showInputBox({
      prompt: 'Name of the regression test',
      value: `${path.basename(path.dirname(manifest))}-${new Date().toISOString().slice(0, 10)}`,
    });
    if (name === undefined) return undefined;
    // The chain is copied into the test by a worker (a chain of any size; never this thread).
    const { TimeTravelJobs } = require('../runtime/host/timeTravelJobs') as typeof import('../runtime/host/timeTravelJobs');
    const jobs = new TimeTravelJobs();
    let saved: import('../runtime/host/regressionTests').RegressionTest;
    try {
      saved = await jobs.saveTest({ chainPath: chain, manifestPath: manifest, name });
    } finally {
      jobs.dispose();
    }
    await api.refresh();
    void vscode.window.showInformationMessage(
      `Theater: saved regression test "${saved.name}" (${vscode.workspace.asRelativePath(saved.file)}).`,
    );
    return saved;
  } catch (e) {
    void vscode.window.showErrorMessage(`Theater: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function registerRegressionTests(context: vscode.ExtensionContext, controller: Controller): RegressionTestsApi {
  const ctrl = vscode.tests.createTestController('theater.replayTests', 'Theater Replay Tests');

  const addFile = (uri: vscode.Uri) => {
    let label = path.basename(uri.fsPath, '.theater-test.json');
    try {
      label = tests().readRegressionTest(uri.fsPath).name;
    } catch {
      /* a broken file still shows up, and fails with its sentence when run */
    }
    const item = ctrl.createTestItem(uri.toString(), label, uri);
    item.description = vscode.workspace.asRelativePath(path.dirname(uri.fsPath));
    ctrl.items.add(item);
  };
  const refresh = async () => {
    const found = await vscode.workspace.findFiles(GLOB, EXCLUDE, 2000);
    const keep = new Set(found.map((u) => u.toString()));
    ctrl.items.forEach((item) => {
      if (!keep.has(item.id)) ctrl.items.delete(item.id);
    });
    for (const u of found) addFile(u);
  };
  ctrl.resolveHandler = async () => refresh();
  ctrl.refreshHandler = async () => refresh();

  const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
  watcher.onDidCreate(addFile);
  watcher.onDidChange(addFile);
  watcher.onDidDelete((u) => ctrl.items.delete(u.toString()));

  const lastResults = new Map<string, { passed: boolean; message: string }>();
  const runProfile = ctrl.createRunProfile(
    'Replay',
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      const run = ctrl.createTestRun(request);
      const queue: vscode.TestItem[] = [];
      if (request.include) queue.push(...request.include);
      else ctrl.items.forEach((i) => queue.push(i));
      const excluded = new Set((request.exclude ?? []).map((i) => i.id));
      for (const item of queue) {
        if (excluded.has(item.id)) continue;
        if (token.isCancellationRequested) {
          run.skipped(item);
          continue;
        }
        run.started(item);
        const r = await tests().runRegressionTest(item.uri!.fsPath, {
          callTimeoutMs: vscode.workspace.getConfiguration('theater').get<number>('callTimeoutMs', 30000),
          dataDir: context.globalStorageUri.fsPath,
        });
        lastResults.set(item.id, { passed: r.passed, message: r.message });
        if (r.passed) run.passed(item, r.ms);
        else {
          const d = r.report?.divergence;
          const detail = d
            ? `\n\nat event ${d.index}:\n  expected ${d.expected?.eventType ?? '(none)'} ${d.expected?.summary ?? ''}\n  actual   ${d.actual?.eventType ?? '(none)'} ${d.actual?.summary ?? ''}`
            : '';
          const message = new vscode.TestMessage(`${r.message}${detail}${r.logPath ? `\n\nreplay log: ${r.logPath}` : ''}`);
          message.location = new vscode.Location(item.uri!, new vscode.Position(0, 0));
          run.failed(item, message, r.ms);
        }
      }
      run.end();
    },
    true,
  );

  const api: RegressionTestsApi = { testController: ctrl, runProfile, lastResults, refresh };
  context.subscriptions.push(
    ctrl,
    watcher,
    vscode.commands.registerCommand('theater.saveRegressionTest', (arg?: ChainNode | vscode.Uri, name?: string) =>
      saveCommand(controller, api, arg, name),
    ),
  );
  void refresh();
  return api;
}
