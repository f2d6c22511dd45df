// `theater mcp` over stdio, driven by the MCP SDK's own Client and StdioClientTransport, as an agent's
// host would: tool list, read-only tools with exact values, confirmation before running an actor.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AGENT_TOOLS } from '../../src/runtime/agents/tools';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { parseLossless } from '../../src/runtime/chain/json';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { actorCopy, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const skip = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing; run `npm run build` first';

describe('theater mcp (MCP over stdio, SDK client)', { skip }, () => {
  let client: Client;
  let root: string;
  let recorded: string;

  before(async () => {
    const manifest = await actorCopy('wasi-random-test');
    root = path.dirname(manifest);
    recorded = path.join(root, 'rec.chain.json');
    fs.writeFileSync(recorded, writeTheaterChainJson(loadChainFile((await runToEnd(manifest)).session.logPath).events));
    fs.writeFileSync(
      path.join(root, 'other.chain.json'),
      writeTheaterChainJson(loadChainFile((await runToEnd(manifest)).session.logPath).events),
    );
    const events = loadChainFile(recorded).events;
    events[3] = {
      ...events[3]!,
      data: Buffer.from(
        Buffer.from(events[3]!.data)
          .toString()
          .replace(/"U64":\d+/, '"U64":7'),
      ),
    };
    fs.writeFileSync(path.join(root, 'tampered.chain.json'), writeTheaterChainJson(events));
    fs.rmSync(path.join(root, '.theater'), { recursive: true, force: true });
    client = new Client({ name: 'theater-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [path.join(projectRoot, 'bin', 'theater'), 'mcp', '--root', root, '--data-dir', dataDir],
        stderr: 'pipe',
      }),
    );
  });
  after(async () => {
    await client?.close();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
    return {
      text: r.content[0]!.text,
      isError: r.isError === true,
      value: r.isError ? undefined : (parseLossless(r.content[0]!.text) as any),
    };
  };

  test('lists every tool with its schema; only the running tools are not read-only', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      AGENT_TOOLS.map((t) => t.name),
    );
    const running = tools.filter((t) => t.annotations?.readOnlyHint === false).map((t) => t.name);
    assert.deepEqual(running, ['run_actor', 'replay_actor', 'fork_actor', 'what_if']);
    assert.deepEqual(tools.find((t) => t.name === 'fork_actor')?.inputSchema.required, ['manifest', 'chain', 'at', 'confirm']);
  });

  test('list, summarize, find (u64 exact), verify', async () => {
    const list = await call('list_chains', {});
    assert.deepEqual(
      list.value.map((c: { path: string; events: bigint }) => [c.path, Number(c.events)]),
      [
        ['other.chain.json', 8],
        ['rec.chain.json', 8],
        ['tampered.chain.json', 8],
      ],
    );
    const sum = await call('summarize_chain', { chain: 'rec.chain.json' });
    assert.equal(sum.value.intact, true);
    assert.deepEqual(Object.fromEntries(Object.entries(sum.value.event_types).map(([k, v]) => [k, Number(v)])), {
      wasm: 2,
      'wasi:random/random@0.2.3/get-random-bytes': 3,
      'wasi:random/random@0.2.3/get-random-u64': 2,
      shutdown: 1,
    });
    assert.equal(sum.value.last_wasm_event.state, 'WASI random tests passed!');
    const found = await call('find_events', { chain: 'rec.chain.json', type: '*get-random-u64' });
    const events = loadChainFile(recorded).events;
    assert.equal(Number(found.value.matches), 2);
    assert.deepEqual(
      found.value.events.map((e: { index: bigint; output: bigint }) => [Number(e.index), e.output]),
      [3, 4].map((i) => [i, decodeEvent(events[i]!).output]),
    );
    const digits = String(decodeEvent(events[4]!).output);
    const byValue = await call('find_events', { chain: 'rec.chain.json', value: digits });
    assert.deepEqual(
      byValue.value.events.map((e: { index: bigint }) => Number(e.index)),
      [4],
    );
    const bad = await call('verify_chain', { chain: 'tampered.chain.json' });
    assert.equal(bad.value.intact, false);
    assert.equal(Number(bad.value.first_bad.index), 3);
    const outside = await call('verify_chain', { chain: '../../etc/passwd' });
    assert.equal(outside.isError, true);
    assert.match(outside.text, /is outside the workspace .*; pass a path inside it\.$/);
  });

  test('diff and explain a divergence, both sides decoded', async () => {
    const events = loadChainFile(recorded).events;
    const other = loadChainFile(path.join(root, 'other.chain.json')).events;
    const diff = await call('diff_chains', { a: 'rec.chain.json', b: 'other.chain.json' });
    assert.equal(diff.value.identical, false);
    assert.equal(Number(diff.value.first_difference.index), 1);
    const explain = await call('explain_divergence', { recording: 'rec.chain.json', replay: 'other.chain.json' });
    assert.equal(explain.value.verdict, 'diverged');
    assert.equal(Number(explain.value.divergence.index), 1);
    assert.equal(explain.value.divergence.expected.summary, decodeEvent(events[1]!).summary);
    assert.equal(explain.value.divergence.actual.summary, decodeEvent(other[1]!).summary);
  });

  test('running tools ask for confirmation first, then run: replay and fork', async () => {
    const ask = await call('replay_actor', { manifest: 'manifest.toml', chain: 'rec.chain.json', confirm: false });
    assert.match(
      ask.value.confirmation_required,
      /^This replays the actor manifest\.toml: the actor's WebAssembly code runs on this machine\. Ask the user/,
    );
    assert.ok(!fs.existsSync(path.join(root, '.theater')), 'nothing ran');
    const replay = await call('replay_actor', { manifest: 'manifest.toml', chain: 'rec.chain.json', confirm: true });
    assert.equal(replay.value.report.verdict, 'replayed', replay.text);
    const fork = await call('fork_actor', { manifest: 'manifest.toml', chain: 'rec.chain.json', at: 2, confirm: true });
    assert.equal(fork.value.report.verdict, 'forked', fork.text);
    assert.equal(Number(fork.value.report.fork.liveEvents), 5);
    const forked = loadChainFile(fork.value.chain).events;
    assert.deepEqual(
      forked.slice(0, 3).map((e) => e.hash),
      loadChainFile(recorded)
        .events.slice(0, 3)
        .map((e) => e.hash),
    );
  });

  test('a client that can ask its user (elicitation) is asked instead; the tool runs on yes and not on no', async () => {
    const asked: string[] = [];
    let answer: 'yes' | 'no' = 'no';
    const asking = new Client({ name: 'theater-test-eliciting', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    asking.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(String((req.params as { message: string }).message));
      return answer === 'yes' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
    await asking.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [path.join(projectRoot, 'bin', 'theater'), 'mcp', '--root', root, '--data-dir', dataDir],
        stderr: 'pipe',
      }),
    );
    try {
      const text = async (args: Record<string, unknown>) =>
        ((await asking.callTool({ name: 'fork_actor', arguments: args })) as { content: Array<{ text: string }> }).content[0]!.text;
      const declined = await text({ manifest: 'manifest.toml', chain: 'rec.chain.json', at: 1 });
      assert.equal(declined, 'The user did not confirm; fork_actor did not run.');
      assert.deepEqual(asked, [
        "This forks the actor manifest.toml at event 1: the actor's WebAssembly code runs on this machine with its real handlers (randomness, clocks, environment, store). Run it?",
      ]);
      answer = 'yes';
      const ran = parseLossless(await text({ manifest: 'manifest.toml', chain: 'rec.chain.json', at: 1 })) as any;
      assert.equal(ran.report.verdict, 'forked');
      assert.equal(asked.length, 2);
    } finally {
      await asking.close();
    }
  });
});
