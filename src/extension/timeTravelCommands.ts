// Fork and what-if from an event of the Event Chain view: "Fork from Here" replays up to the event and
// goes on live; "What If…" opens the event's output for editing (checked against the function's WIT
// result type as you type) and replays with the edit. The runtime does the work (timeTravel.ts); what
// reads the whole chain (indexing, the checks) runs in a worker (timeTravelJobs.ts), never on this thread.
import * as vscode from 'vscode';
import type { ChainNode } from './chainTree';
import type { Controller } from './controller';

type TimeTravel = typeof import('../runtime/host/timeTravel');
const timeTravel = (): TimeTravel => require('../runtime/host/timeTravel') as TimeTravel;
type ReplayReport = import('../runtime/host/replay').ReplayReport;

interface Target {
  chain: string;
  manifest: string;
  index: number;
}

/** The chain file and manifest behind an event node: a running actor's log or an opened chain file. */
async function targetOf(controller: Controller, node: ChainNode | undefined): Promise<Target | undefined> {
  if (!node || (node.kind !== 'event' && node.kind !== 'detail')) {
    void vscode.window.showInformationMessage('Theater: pick an event in the Event Chain view first.');
    return undefined;
  }
  const behind = controller.chainFileOf(node.source);
  const chain = behind.chain;
  if (!chain) return undefined;
  const manifest = behind.manifest ?? (await controller.manifestOfChain(chain));
  return manifest ? { chain, manifest, index: node.index } : undefined;
}

async function finish(controller: Controller, session: import('../runtime/host/session').ActorSession): Promise<ReplayReport | undefined> {
  const { runToCompletion } = require('../runtime/host/regressionTests') as typeof import('../runtime/host/regressionTests');
  await runToCompletion(session);
  const report = session.replayReport;
  const text = report?.message ?? `the run ended before it could be compared: ${session.lastError ?? session.status}`;
  controller.output.appendLine(`[time travel] ${text}`);
  void vscode.window.showInformationMessage(`Theater: ${text}`, 'Open Chain').then((b) => {
    if (b) void controller.openChainFile(vscode.Uri.file(session.logPath));
  });
  return report;
}

type Jobs = typeof import('../runtime/host/timeTravelJobs');
/** A worker for the command's whole-chain work (indexing, checks): never this thread's. */
const newJobs = () => new (require('../runtime/host/timeTravelJobs') as Jobs).TimeTravelJobs();

async function forkFromEvent(controller: Controller, context: vscode.ExtensionContext, node?: ChainNode) {
  const t = await targetOf(controller, node);
  if (!t) return undefined;
  const jobs = newJobs();
  try {
    await jobs.checkFork(t.chain, t.index);
    jobs.dispose();
    const session = await timeTravel().startCheckedFork({
      manifestPath: t.manifest,
      chainPath: t.chain,
      at: t.index,
      dataDir: context.globalStorageUri.fsPath,
    });
    return await finish(controller, session);
  } catch (e) {
    void vscode.window.showErrorMessage(`Theater: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  } finally {
    jobs.dispose();
  }
}

async function whatIf(controller: Controller, context: vscode.ExtensionContext, node?: ChainNode, value?: string) {
  const t = await targetOf(controller, node);
  if (!t) return undefined;
  const jobs = newJobs();
  try {
    // Indexed in the worker, which reads back only the edited event for each check as you type.
    const target = await jobs.whatIfTarget(t.chain, t.index);
    if (!target) {
      void vscode.window.showErrorMessage(
        `Theater: event ${t.index} is not a host call with an output; only a host call's output can be edited.`,
      );
      return undefined;
    }
    const check = async (text: string) => (await jobs.checkOverride(t.chain, `${t.index}=${text}`)) ?? undefined;
    value ??= await vscode.window.showInputBox({
      title: `What if event ${t.index} (${target.eventType}) had returned…`,
      prompt: 'A JSON value of the function’s result type; the replay uses it instead of the recorded output.',
      value: target.output,
      validateInput: check,
    });
    if (value === undefined) return undefined;
    const overrides = await jobs.parseOverrides(t.chain, [`${t.index}=${value}`]);
    jobs.dispose();
    const session = await timeTravel().startParsedWhatIf({
      manifestPath: t.manifest,
      chainPath: t.chain,
      overrides,
      dataDir: context.globalStorageUri.fsPath,
    });
    return await finish(controller, session);
  } catch (e) {
    void vscode.window.showErrorMessage(`Theater: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  } finally {
    jobs.dispose();
  }
}

export function registerTimeTravelCommands(context: vscode.ExtensionContext, controller: Controller): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('theater.chain.forkFromEvent', (node?: ChainNode) => forkFromEvent(controller, context, node)),
    vscode.commands.registerCommand('theater.chain.whatIf', (node?: ChainNode, value?: string) => whatIf(controller, context, node, value)),
  );
}
