// The agent tools (src/runtime/agents/tools.ts, the same `theater mcp` serves) as VS Code
// language-model tools. A tool that runs an actor is confirmed by the user in VS Code's own dialog
// (prepareInvocation) before it runs; read-only tools run without asking.
import * as vscode from 'vscode';

type Tools = typeof import('../runtime/agents/tools');
const agentTools = (): Tools => require('../runtime/agents/tools') as Tools;

export function registerLanguageModelTools(context: vscode.ExtensionContext): void {
  // Older VS Code (engines ^1.90) has no language-model tools; the rest of the extension works without them.
  if (typeof vscode.lm?.registerTool !== 'function') return;
  const { AGENT_TOOLS, callAgentTool, lmToolName } = agentTools();
  for (const tool of AGENT_TOOLS) {
    context.subscriptions.push(
      vscode.lm.registerTool<Record<string, unknown>>(lmToolName(tool), {
        prepareInvocation(options) {
          if (!tool.runsActor) return { invocationMessage: `Theater: ${tool.title.toLowerCase()}` };
          const target = [options.input.manifest, options.input.chain].filter((x) => typeof x === 'string').join(' with ');
          return {
            invocationMessage: `Theater: ${tool.title.toLowerCase()} ${target}`,
            confirmationMessages: {
              title: `Theater: ${tool.title}?`,
              message: new vscode.MarkdownString(
                `This runs the actor's WebAssembly code on this machine: **${tool.title}** ${target ? `\`${target}\`` : ''}.`,
              ),
            },
          };
        },
        async invoke(options) {
          const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
          if (!root) throw new Error('Open a folder first: the Theater tools read chains inside the workspace.');
          // The user confirmed in prepareInvocation's dialog: that is the confirmation a running tool needs.
          const args = tool.runsActor ? { ...options.input, confirm: true } : options.input;
          const r = await callAgentTool(tool.name, args, { root, dataDir: context.globalStorageUri.fsPath });
          if (r.isError) throw new Error(r.text);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(r.text)]);
        },
      }),
    );
  }
}
