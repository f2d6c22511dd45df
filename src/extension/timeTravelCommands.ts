// Fork and what-if from an event of the Event Chain view: "Fork from Here" replays up to the event and
// goes on live; "What If…" opens the event's output for editing (checked against the function's WIT
// result type as you type) and replays with the edit. The runtime does the work (timeTravel.ts).
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

async function forkFromEvent(controller: Controller, context: vscode.ExtensionContext, node?: ChainNode) {
  const t = await targetOf(controller, node);
  if (!t) return undefined;
  try {
    const session = await timeTravel().startFork({
      manifestPath: t.manifest,
      chainPath: t.chain,
      at: t.index,
      dataDir: context.globalStorageUri.fsPath,
    });
    return await finish(controller, session);
  } catch (e) {
    void vscode.window.showErrorMessage(`Theater: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function whatIf(controller: Controller, context: vscode.ExtensionContext, node?: ChainNode, value?: string) {
  const t = await targetOf(controller, node);
  if (!t) return undefined;
  try {
    const { decodeEvent } = require('../runtime/chain/decode') as typeof import('../runtime/chain/decode');
    const { stringifyLossless } = require('../runtime/chain/json') as typeof import('../runtime/chain/json');
    // Indexed, not loaded: the check below reads back only the event being edited.
    const events = timeTravel().recordedEvents(t.chain);
    const ev = events.at(t.index);
    const fn = ev && timeTravel().functionOfEvent(ev);
    if (!ev || !fn?.spec.result) {
      void vscode.window.showErrorMessage(
        `Theater: event ${t.index} is not a host call with an output; only a host call's output can be edited.`,
      );
      return undefined;
    }
    const check = (text: string) => {
      try {
        timeTravel().parseOverride(`${t.index}=${text}`, events, t.chain);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
    value ??= await vscode.window.showInputBox({
      title: `What if event ${t.index} (${ev.eventType}) had returned…`,
      prompt: 'A JSON value of the function’s result type; the replay uses it instead of the recorded output.',
      value: stringifyLossless(decodeEvent(ev).output ?? null),
      validateInput: check,
    });
    if (value === undefined) return undefined;
    const session = await timeTravel().startWhatIf({
      manifestPath: t.manifest,
      chainPath: t.chain,
      overrides: [`${t.index}=${value}`],
      dataDir: context.globalStorageUri.fsPath,
    });
    return await finish(controller, session);
  } catch (e) {
    void vscode.window.showErrorMessage(`Theater: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function registerTimeTravelCommands(context: vscode.ExtensionContext, controller: Controller): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('theater.chain.forkFromEvent', (node?: ChainNode) => forkFromEvent(controller, context, node)),
    vscode.commands.registerCommand('theater.chain.whatIf', (node?: ChainNode, value?: string) => whatIf(controller, context, node, value)),
  );
}
