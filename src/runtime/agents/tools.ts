// Tools for agents over chains and replays, written once: `theater mcp` (MCP over stdio) and the
// extension's language-model tools both register exactly these definitions. Read-only tools only read
// files below the root; tools that run an actor (run, replay, fork, what-if) refuse to run unless
// called with `confirm: true`, and say what would run so the agent can ask its user first.
import * as path from 'node:path';
import { decodeEvent } from '../chain/decode';
import { diffChainStreams } from '../chain/diff';
import type { ChainEvent } from '../chain/event';
import { toHex } from '../chain/hash';
import { stringifyLossless } from '../chain/json';
import { ChainFileReader, forEachChainEvent, verifyChainFile, type ChainFileSummary } from '../chain/chainFile';
import { ChainVerifier, withBrokenLine } from '../chain/verify';
import { TheaterError } from '../host/api';
import { runToCompletion } from '../host/regressionTests';
import { compareReplayStreams, type ReplayReport } from '../host/replay';
import { startActor, type ActorSession } from '../host/session';
import { startFork, startWhatIf } from '../host/timeTravel';
import { findFilesBelow } from '../files/findBelow';

/** A JSON Schema for a tool's arguments (what MCP and package.json's languageModelTools both take). */
export interface ToolSchema {
  type: 'object';
  properties: Record<string, { type: string; description: string; items?: { type: string }; minimum?: number }>;
  required?: string[];
  additionalProperties: false;
}

export interface ToolContext {
  /** Every path argument resolves against this folder and must stay inside it. */
  root: string;
  /** Per-user data (transpile cache) for tools that run an actor. */
  dataDir?: string;
}

export interface AgentTool {
  name: string;
  title: string;
  description: string;
  inputSchema: ToolSchema;
  /** Runs actor code: needs `confirm: true`. */
  runsActor: boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<unknown>;
}

/** Bad arguments: the agent gets this sentence back as a tool error. */
export class ToolInputError extends Error {}

const MAX_LISTED = 500;
const MAX_FOUND = 200;

function str(args: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = args[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '') throw new ToolInputError(`"${key}" must be a non-empty string.`);
  return v;
}

function int(args: Record<string, unknown>, key: string, required = true): number | undefined {
  const v = args[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ToolInputError(`"${key}" must be an event index (0, 1, …).`);
  return v;
}

/** A path argument resolved against the root; one outside it is refused. */
export function insideRoot(ctx: ToolContext, p: string): string {
  const root = path.resolve(ctx.root);
  const abs = path.resolve(root, p);
  const rel = path.relative(root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new ToolInputError(`${p} is outside the workspace ${root}; pass a path inside it.`);
  return abs;
}

/** A chain read one event at a time (a file of any size: nothing is loaded whole). */
function open(ctx: ToolContext, p: string, skipSummaries = false): { reader: ChainFileReader; next: () => ChainEvent | undefined } {
  const reader = ChainFileReader.open(insideRoot(ctx, p));
  const next = () => {
    for (let ev = reader.next(); ev; ev = reader.next()) if (!skipSummaries || ev.eventType !== 'replay-summary') return ev;
    return undefined;
  };
  return { reader, next };
}

function forEachEvent(ctx: ToolContext, p: string, onEvent: (ev: ChainEvent, i: number) => void): ChainFileSummary {
  return forEachChainEvent(insideRoot(ctx, p), onEvent);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as agents read them best: `{text}` when they are printable UTF-8, else `{hex}`. */
function forAgents(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    try {
      const text = utf8.decode(v);
      if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { text };
    } catch {
      /* not UTF-8 */
    }
    return { hex: Buffer.from(v).toString('hex') };
  }
  if (Array.isArray(v)) return v.map(forAgents);
  return v;
}

/** One event as agents read it: exact values (u64 as digits), bytes as text when printable. */
function eventView(ev: ChainEvent, index: number) {
  const d = decodeEvent(ev);
  return {
    index,
    hash: toHex(ev.hash),
    event_type: ev.eventType,
    summary: d.summary,
    ...(d.input !== undefined ? { input: forAgents(d.input) } : {}),
    ...(d.output !== undefined ? { output: forAgents(d.output) } : {}),
    ...(d.state !== undefined ? { state: forAgents(d.state) } : {}),
    ...(d.error !== undefined ? { error: d.error } : {}),
  };
}

/** `*` matches any run of characters (event types contain `/` and `@`, so no path semantics). */
function globRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

const CHAIN_FILE = /(\.chain\.jsonl|chain[^/]*\.json)$/;
const SKIP = new Set(['node_modules', '.git', 'out', 'dist']);

function listChainFiles(root: string): string[] {
  return findFilesBelow(root, {
    match: (name) => CHAIN_FILE.test(name) && !name.endsWith('.theater-test.json'),
    skipDirs: SKIP,
    maxDepth: 10,
    limit: MAX_LISTED,
  });
}

function reportView(report: ReplayReport | undefined, session: ActorSession) {
  return { report: report ?? null, chain: session.logPath, status: session.status, error: session.lastError ?? null };
}

function confirmation(args: Record<string, unknown>, what: string): { confirmation_required: string } | undefined {
  if (args.confirm === true) return undefined;
  return {
    confirmation_required: `This ${what}: the actor's WebAssembly code runs on this machine${/replay/.test(what) ? '' : ' with its real handlers (randomness, clocks, environment, store)'}. Ask the user, then call again with "confirm": true.`,
  };
}

const chainArg = { type: 'string', description: 'A chain file (.chain.jsonl log or Theater chain.json), relative to the workspace.' };
const manifestArg = { type: 'string', description: "The actor's manifest.toml, relative to the workspace." };
const confirmArg = { type: 'boolean', description: 'Must be true: the user agreed to run the actor.' };

export const AGENT_TOOLS: readonly AgentTool[] = [
  {
    name: 'list_chains',
    title: 'List chains',
    description: 'Lists the event chain files in the workspace (or a folder of it): path, format, event count, actor name.',
    inputSchema: {
      type: 'object',
      properties: { dir: { type: 'string', description: 'A folder inside the workspace; default the whole workspace.' } },
      additionalProperties: false,
    },
    runsActor: false,
    async run(args, ctx) {
      const dir = insideRoot(ctx, str(args, 'dir', false) ?? '.');
      return listChainFiles(dir).map((file) => {
        const rel = path.relative(path.resolve(ctx.root), file);
        try {
          const c = forEachChainEvent(file, () => {});
          return {
            path: rel,
            format: c.format,
            events: c.count,
            actor: c.header?.actorName ?? null,
            replay_of: c.header?.replayOf ?? null,
          };
        } catch (e) {
          return { path: rel, error: (e as Error).message };
        }
      });
    },
  },
  {
    name: 'summarize_chain',
    title: 'Summarize a chain',
    description:
      'Summarizes one chain: actor, integrity, event count per type, the init call and its result or error, the final state, whether it is a replay or fork.',
    inputSchema: { type: 'object', properties: { chain: chainArg }, required: ['chain'], additionalProperties: false },
    runsActor: false,
    async run(args, ctx) {
      const byType: Record<string, number> = {};
      const verifier = new ChainVerifier();
      let last: readonly [ChainEvent, number] | undefined;
      let head: ChainEvent | undefined;
      const c = forEachEvent(ctx, str(args, 'chain')!, (e, i) => {
        byType[e.eventType] = (byType[e.eventType] ?? 0) + 1;
        verifier.add(e);
        if (e.eventType === 'wasm') last = [e, i];
        head = e;
      });
      const verified = withBrokenLine(verifier.result(), c.broken);
      return {
        format: c.format,
        actor: c.header?.actorName ?? null,
        manifest: c.header?.manifestPath ?? null,
        replay_of: c.header?.replayOf ?? null,
        fork_at: c.header?.forkAt ?? null,
        events: c.count,
        intact: verified.ok,
        first_bad: verified.firstBad?.message ?? null,
        event_types: byType,
        head: head ? toHex(head.hash) : null,
        last_wasm_event: last ? eventView(last[0], last[1]) : null,
      };
    },
  },
  {
    name: 'find_events',
    title: 'Find events',
    description:
      'Finds events in a chain by event type (a glob with *, e.g. "wasi:random/*" or "*get-random-u64") and/or by a text or value in the decoded summary, input, output or state (u64 values match by their exact digits).',
    inputSchema: {
      type: 'object',
      properties: {
        chain: chainArg,
        type: { type: 'string', description: 'Event type glob, * matches anything.' },
        value: { type: 'string', description: 'Text to look for in the decoded event (case-insensitive).' },
        limit: { type: 'number', description: `At most this many events (default and maximum ${MAX_FOUND}).`, minimum: 1 },
      },
      required: ['chain'],
      additionalProperties: false,
    },
    runsActor: false,
    async run(args, ctx) {
      const chain = str(args, 'chain')!;
      const type = str(args, 'type', false);
      const value = str(args, 'value', false)?.toLowerCase();
      const limit = Math.min(MAX_FOUND, typeof args.limit === 'number' && args.limit >= 1 ? Math.floor(args.limit) : MAX_FOUND);
      const re = type ? globRegExp(type) : undefined;
      const found: Array<ReturnType<typeof eventView>> = [];
      let matches = 0;
      forEachEvent(ctx, chain, (ev, i) => {
        if (re && !re.test(ev.eventType)) return;
        const view = eventView(ev, i);
        if (value && !stringifyLossless(view).toLowerCase().includes(value)) return;
        matches++;
        if (found.length < limit) found.push(view);
      });
      return { matches, shown: found.length, events: found };
    },
  },
  {
    name: 'verify_chain',
    title: 'Verify a chain',
    description: 'Recomputes every hash and parent link of a chain and names the first bad event, if any.',
    inputSchema: { type: 'object', properties: { chain: chainArg }, required: ['chain'], additionalProperties: false },
    runsActor: false,
    async run(args, ctx) {
      const { result: r, summary } = verifyChainFile(insideRoot(ctx, str(args, 'chain')!));
      return { intact: r.ok, events: summary.count, checked: r.checked, first_bad: r.firstBad ?? null, problems: summary.problems };
    },
  },
  {
    name: 'diff_chains',
    title: 'Diff two chains',
    description:
      'Compares two chains event by event: the first index where they differ, both events decoded, and the aligned rows around it.',
    inputSchema: {
      type: 'object',
      properties: {
        a: { ...chainArg, description: 'The first (expected) chain.' },
        b: { ...chainArg, description: 'The second (actual) chain.' },
      },
      required: ['a', 'b'],
      additionalProperties: false,
    },
    runsActor: false,
    async run(args, ctx) {
      const a = open(ctx, str(args, 'a')!);
      let b: ReturnType<typeof open>;
      try {
        b = open(ctx, str(args, 'b')!);
      } catch (e) {
        a.reader.close();
        throw e;
      }
      let d: ReturnType<typeof diffChainStreams>;
      try {
        d = diffChainStreams(a.next, b.next);
      } finally {
        a.reader.close();
        b.reader.close();
      }
      const f = d.firstDivergence;
      return {
        identical: d.identical,
        length_a: d.lengthA,
        length_b: d.lengthB,
        first_difference: f
          ? {
              index: f.index,
              reason: f.reason,
              a: f.expected ? eventView(f.expected, f.index) : null,
              b: f.actual ? eventView(f.actual, f.index) : null,
            }
          : null,
        aligned: d.aligned,
      };
    },
  },
  {
    name: 'explain_divergence',
    title: 'Explain a replay divergence',
    description:
      "Explains where a replay went differently from its recording: the first divergent index, the verdict, and both events decoded side by side. Pass the replay's chain (its log names the recording) or both chains.",
    inputSchema: {
      type: 'object',
      properties: {
        replay: { ...chainArg, description: "The replay's chain." },
        recording: { ...chainArg, description: "The recorded chain; default the one the replay's log names." },
      },
      required: ['replay'],
      additionalProperties: false,
    },
    runsActor: false,
    async run(args, ctx) {
      const replay = open(ctx, str(args, 'replay')!, true);
      try {
        const recordingPath = str(args, 'recording', false) ?? replay.reader.header?.replayOf;
        if (!recordingPath) throw new ToolInputError('The replay\'s chain does not name its recording; pass "recording" too.');
        const recording = open(ctx, recordingPath, true);
        try {
          return compareReplayStreams(recording.next, replay.next);
        } finally {
          recording.reader.close();
        }
      } finally {
        replay.reader.close();
      }
    },
  },
  {
    name: 'run_actor',
    title: 'Run an actor',
    description: "Runs an actor's init with its real handlers and records a new chain. Runs code: needs confirm: true.",
    inputSchema: {
      type: 'object',
      properties: { manifest: manifestArg, confirm: confirmArg },
      required: ['manifest', 'confirm'],
      additionalProperties: false,
    },
    runsActor: true,
    async run(args, ctx) {
      const manifestPath = insideRoot(ctx, str(args, 'manifest')!);
      const ask = confirmation(args, `runs the actor ${path.relative(ctx.root, manifestPath)}`);
      if (ask) return ask;
      const session = await startActor({ manifestPath, ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}) });
      await runToCompletion(session);
      return { chain: session.logPath, status: session.status, events: session.eventCount, error: session.lastError ?? null };
    },
  },
  {
    name: 'replay_actor',
    title: 'Replay an actor',
    description:
      'Replays an actor against a recorded chain (every host call answered from the recording) and reports whether it reproduced it. Runs code: needs confirm: true.',
    inputSchema: {
      type: 'object',
      properties: { manifest: manifestArg, chain: chainArg, confirm: confirmArg },
      required: ['manifest', 'chain', 'confirm'],
      additionalProperties: false,
    },
    runsActor: true,
    async run(args, ctx) {
      const manifestPath = insideRoot(ctx, str(args, 'manifest')!);
      const chainPath = insideRoot(ctx, str(args, 'chain')!);
      const ask = confirmation(args, `replays the actor ${path.relative(ctx.root, manifestPath)}`);
      if (ask) return ask;
      const session = await startActor({ manifestPath, replayChainPath: chainPath, ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}) });
      await runToCompletion(session);
      return reportView(session.replayReport, session);
    },
  },
  {
    name: 'fork_actor',
    title: 'Fork from an event',
    description:
      'Replays a recorded chain up to event "at", then continues live with the real handlers into a new chain whose first at+1 hashes are the recording\'s. Runs code: needs confirm: true.',
    inputSchema: {
      type: 'object',
      properties: {
        manifest: manifestArg,
        chain: chainArg,
        at: { type: 'number', description: 'The last event index to replay.', minimum: 0 },
        confirm: confirmArg,
      },
      required: ['manifest', 'chain', 'at', 'confirm'],
      additionalProperties: false,
    },
    runsActor: true,
    async run(args, ctx) {
      const manifestPath = insideRoot(ctx, str(args, 'manifest')!);
      const chainPath = insideRoot(ctx, str(args, 'chain')!);
      const at = int(args, 'at')!;
      const ask = confirmation(args, `forks the actor ${path.relative(ctx.root, manifestPath)} at event ${at}`);
      if (ask) return ask;
      const session = await startFork({ manifestPath, chainPath, at, ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}) });
      await runToCompletion(session);
      return reportView(session.replayReport, session);
    },
  },
  {
    name: 'what_if',
    title: 'What-if replay',
    description:
      'Replays a recorded chain with edited host-call outputs ("N=<JSON>", the JSON typed as the function\'s WIT result, e.g. "3=42") and reports where the run first went differently. Runs code: needs confirm: true.',
    inputSchema: {
      type: 'object',
      properties: {
        manifest: manifestArg,
        chain: chainArg,
        overrides: { type: 'array', items: { type: 'string' }, description: 'Edits as "N=<JSON value>".' },
        confirm: confirmArg,
      },
      required: ['manifest', 'chain', 'overrides', 'confirm'],
      additionalProperties: false,
    },
    runsActor: true,
    async run(args, ctx) {
      const manifestPath = insideRoot(ctx, str(args, 'manifest')!);
      const chainPath = insideRoot(ctx, str(args, 'chain')!);
      const overrides = args.overrides;
      if (!Array.isArray(overrides) || overrides.length === 0 || !overrides.every((o) => typeof o === 'string'))
        throw new ToolInputError('"overrides" must be a non-empty array of "N=<JSON value>" strings.');
      const ask = confirmation(args, `replays the actor ${path.relative(ctx.root, manifestPath)} with edited outputs`);
      if (ask) return ask;
      const session = await startWhatIf({ manifestPath, chainPath, overrides, ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}) });
      await runToCompletion(session);
      return reportView(session.replayReport, session);
    },
  },
];

export function findAgentTool(name: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}

/** Runs a tool: its result as exact JSON text, or one sentence and `isError` for bad input. */
export async function callAgentTool(
  name: string,
  args: Record<string, unknown>,
  ctx: ToolContext,
): Promise<{ text: string; isError: boolean }> {
  const tool = findAgentTool(name);
  if (!tool) return { text: `There is no tool named ${name}; the tools are ${AGENT_TOOLS.map((t) => t.name).join(', ')}.`, isError: true };
  try {
    return { text: stringifyLossless(await tool.run(args ?? {}, ctx), 2), isError: false };
  } catch (e) {
    // Bad input and unusable files are the agent's to fix: one sentence. Anything else is ours.
    if (e instanceof ToolInputError || e instanceof TheaterError || (e instanceof Error && /ChainFileError|FileReadError/.test(e.name)))
      return { text: e.message, isError: true };
    return { text: `internal error in ${name}: ${e instanceof Error ? e.message : String(e)}`, isError: true };
  }
}

/** VS Code's name for a tool (`theater_list_chains`): language-model tool names are global. */
export const lmToolName = (tool: AgentTool): string => `theater_${tool.name}`;

/**
 * The tool's arguments as a language-model tool takes them: VS Code asks the user before a running
 * tool is invoked (prepareInvocation), so `confirm` is not the model's to pass there.
 */
export function lmInputSchema(tool: AgentTool): ToolSchema {
  const { confirm: _confirm, ...properties } = tool.inputSchema.properties;
  const required = (tool.inputSchema.required ?? []).filter((r) => r !== 'confirm');
  return { ...tool.inputSchema, properties, ...(required.length ? { required } : {}) };
}

/** package.json's `contributes.languageModelTools`, derived from AGENT_TOOLS (src/build/lm-tools.mjs writes it). */
export function languageModelToolContributions(): unknown[] {
  return AGENT_TOOLS.map((t) => ({
    name: lmToolName(t),
    displayName: t.title,
    modelDescription: t.description.replace(/ Runs code: needs confirm: true\.$/, ' Runs code: VS Code asks the user first.'),
    inputSchema: lmInputSchema(t),
  }));
}
