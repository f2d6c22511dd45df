// `theater mcp`: the agent tools (src/runtime/agents/tools.ts) as an MCP server over stdio, on the
// official SDK. stdout carries only protocol messages; nothing else may write to it.
import * as path from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AGENT_TOOLS, callAgentTool, type ToolContext } from '../runtime/agents/tools';
import type { ParsedArgs } from './args';

const VERSION = '0.1.0';

/** The question a running tool asks before it runs (its `confirmation_required` answer), if this is one. */
function confirmationOf(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { confirmation_required?: unknown };
    return typeof v?.confirmation_required === 'string'
      ? v.confirmation_required.replace(/ Ask the user, then call again with "confirm": true\.$/, ' Run it?')
      : undefined;
  } catch {
    return undefined;
  }
}

export async function runMcpServer(args: ParsedArgs): Promise<number> {
  const ctx: ToolContext = {
    root: path.resolve(args.options.get('root') ?? process.cwd()),
    ...(args.options.has('data-dir') ? { dataDir: path.resolve(args.options.get('data-dir')!) } : {}),
  };
  const server = new Server(
    { name: 'theater', version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'Tools over Theater event chains (hash-linked records of every host call of a WebAssembly actor). Read-only tools inspect chain files in the workspace; run_actor, replay_actor, fork_actor and what_if run actor code and need "confirm": true after the user agreed.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: AGENT_TOOLS.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: { title: t.title, readOnlyHint: !t.runsActor, destructiveHint: false, openWorldHint: t.runsActor },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    let r = await callAgentTool(req.params.name, args, ctx);
    // A running tool called without confirm answers what it would run; a client that can ask its
    // user (MCP elicitation) gets that question put to the user instead, and the tool runs on a yes.
    const ask = !r.isError && args.confirm !== true && server.getClientCapabilities()?.elicitation ? confirmationOf(r.text) : undefined;
    if (ask) {
      const answer = await server.elicitInput({
        message: ask,
        requestedSchema: {
          type: 'object',
          properties: { confirm: { type: 'boolean', title: 'Run it', description: "Run the actor's code on this machine." } },
          required: ['confirm'],
        },
      });
      r =
        answer.action === 'accept' && answer.content?.confirm === true
          ? await callAgentTool(req.params.name, { ...args, confirm: true }, ctx)
          : { text: `The user did not confirm; ${req.params.name} did not run.`, isError: false };
    }
    return { content: [{ type: 'text' as const, text: r.text }], isError: r.isError };
  });
  const closed = new Promise<number>((resolve) => {
    server.onclose = () => resolve(0);
  });
  await server.connect(new StdioServerTransport());
  return closed;
}
