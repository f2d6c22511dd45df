// The debug adapter as a real client drives it: `theater debug-adapter` in a child process, DAP over stdio.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { toHex } from '../../src/runtime/chain/hash';
import { readChainLog } from '../../src/runtime/chain/log';
import { actorCopy, dataDir, runToEnd, tempDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';
import { DapClient } from './dapClient';

const bin = path.join(projectRoot, 'bin', 'theater');
const skip = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing; run `npm run build` first';
const seeded = (m: string) => m.replace(/type = "random"[^\n]*/, 'type = "random"\nseed = 42');
const golden = JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'golden', 'wasi-random-test.seed42.json'), 'utf8')) as {
  events: Array<{ event_type: string; hash: string }>;
};
const U64 = 'wasi:random/random@0.2.3/get-random-u64';

const clients: DapClient[] = [];
// A failed assertion leaves its adapter running: end every one we started.
after(() => {
  for (const c of clients) if (c.child.exitCode === null) c.child.kill();
});

async function startClient(): Promise<DapClient> {
  const c = new DapClient(process.execPath, [bin, 'debug-adapter']);
  clients.push(c);
  const init = await c.request('initialize', { adapterID: 'theater', linesStartAt1: true, columnsStartAt1: true });
  assert.equal(init.success, true);
  assert.equal(init.body.supportsStepBack, true);
  assert.equal(init.body.supportsFunctionBreakpoints, true);
  await c.waitFor('initialized');
  return c;
}

describe('theater debug-adapter over stdio', { skip }, () => {
  test('chain mode: function breakpoint, continue, step back, variables with exact u64 and state', async () => {
    const { session } = await runToEnd(await actorCopy('wasi-random-test', seeded));
    const chain = readChainLog(session.logPath).events;
    const u64At = (i: number) => (decodeEvent(chain[i]!).output as bigint).toString();
    const c = await startClient();
    assert.equal((await c.request('launch', { chain: session.logPath, stopOnEntry: true })).success, true);
    const bps = await c.request('setFunctionBreakpoints', { breakpoints: [{ name: '*get-random-u64' }] });
    assert.equal(bps.body.breakpoints[0].verified, true);
    await c.request('setExceptionBreakpoints', { filters: ['trap'] });
    await c.request('configurationDone');
    const entry = await c.waitFor('stopped');
    assert.equal(entry.body.reason, 'entry');
    assert.equal(entry.body.description, 'event 0: wasm');

    await c.request('continue', { threadId: 1 });
    const first = await c.waitFor('stopped');
    assert.equal(first.body.reason, 'function breakpoint');
    assert.equal(first.body.description, `event 3: ${U64} (*get-random-u64)`);
    await c.request('continue', { threadId: 1 });
    assert.match((await c.waitFor('stopped')).body.description, /^event 4: /);

    assert.equal((await c.request('stepBack', { threadId: 1 })).success, true);
    const back = await c.waitFor('stopped');
    assert.equal(back.body.reason, 'step');
    assert.equal(back.body.description, `event 3: ${U64}`);
    const st = await c.request('stackTrace', { threadId: 1 });
    assert.deepEqual(
      st.body.stackFrames.map((f: any) => f.name),
      [`event 3: ${U64}`, 'theater:simple/actor.init (event 0)'],
    );
    const ev = await c.variables('Event');
    assert.equal(ev.index, '3');
    assert.equal(ev.hash, golden.events[3]!.hash);
    assert.equal(ev.function, '"get-random-u64"');
    assert.equal(ev.output, u64At(3));
    assert.equal((await c.variables('Actor state')).state, 'null'); // init has not returned yet

    // Reverse Continue with no earlier breakpoint lands on the first event; Continue to the end shows the state init returned.
    await c.request('reverseContinue', { threadId: 1 });
    assert.match((await c.waitFor('stopped')).body.description, /^event 0: wasm/);
    await c.request('setFunctionBreakpoints', { breakpoints: [] });
    await c.request('continue', { threadId: 1 });
    const end = await c.waitFor('stopped');
    assert.equal(end.body.description, `event ${chain.length - 1}: shutdown (end of the chain)`);
    assert.equal((await c.variables('Actor state')).state, '"WASI random tests passed!"');

    await c.request('disconnect');
    assert.equal(await c.exited, 0);
  });

  test('chain mode with the component: the replay diverges where a recorded output was edited, and the session stops there', async () => {
    const manifest = await actorCopy('wasi-random-test', seeded);
    const { session } = await runToEnd(manifest);
    // Edit the recorded output of event 4 (a get-random-u64) in the log, leaving its stored hash as it was.
    const lines = fs.readFileSync(session.logPath, 'utf8').split('\n');
    const line4 = JSON.parse(lines[5]!) as { i: number; data: string };
    assert.equal(line4.i, 4);
    const data = Buffer.from(line4.data, 'base64').toString('utf8');
    const recorded = /"U64":(\d+)/.exec(data)![1]!;
    const edited = (BigInt(recorded) + 1n).toString();
    line4.data = Buffer.from(data.replace(`"U64":${recorded}`, `"U64":${edited}`), 'utf8').toString('base64');
    lines[5] = JSON.stringify(line4);
    const editedChain = path.join(tempDir('dap-divergence'), 'edited.chain.jsonl');
    fs.writeFileSync(editedChain, lines.join('\n'));
    const replayOut = path.join(path.dirname(editedChain), 'replay.chain.jsonl');

    const c = await startClient();
    assert.equal(
      (await c.request('launch', { chain: editedChain, manifest, chainOut: replayOut, dataDir, stopOnEntry: false })).success,
      true,
    );
    await c.request('setExceptionBreakpoints', { filters: ['divergence'] });
    await c.request('configurationDone');
    const replay = await c.waitFor('theater/replay');
    assert.equal(replay.body.verdict, 'diverged');
    assert.equal(replay.body.divergence, 4);
    assert.equal(replay.body.recording, editedChain);
    assert.equal(replay.body.replay, replayOut);
    const stop = await c.waitFor('stopped');
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.description, `event 4: ${U64} (replay divergence)`);
    const reveal = await c.waitFor('theater/reveal');
    assert.deepEqual(reveal.body, { chain: replayOut, index: 4 });
    // The replay's event 4 got the edited answer; the recording's side is beside it.
    const ev = await c.variables('Event');
    assert.equal(ev.output, edited);
    assert.match(ev.recorded, new RegExp(`${U64}: \\(\\) → ${edited}`));
    assert.match(ev.divergence, /Replay diverged at event 4: .*the recording was altered there/);
    // Step Back walks the replay's chain.
    await c.request('stepBack', { threadId: 1 });
    assert.equal((await c.waitFor('stopped')).body.description, `event 3: ${U64}`);
    await c.request('disconnect');
    assert.equal(await c.exited, 0);

    // The replay's chain alone (no component): its replay-summary names the same divergence.
    const again = await startClient();
    await again.request('launch', { chain: replayOut, stopOnEntry: false });
    await again.request('setExceptionBreakpoints', { filters: ['divergence'] });
    await again.request('configurationDone');
    assert.equal((await again.waitFor('stopped')).body.description, `event 4: ${U64} (replay divergence)`);
    await again.request('disconnect');
    assert.equal(await again.exited, 0);
  });

  test('live mode: the seeded actor runs in its worker, pauses at host calls, records the golden chain', async () => {
    const manifest = await actorCopy('wasi-random-test', seeded);
    const chainOut = path.join(tempDir('dap-live'), 'live.chain.jsonl');
    const c = await startClient();
    assert.equal((await c.request('launch', { manifest, chainOut, dataDir })).success, true);
    await c.request('setFunctionBreakpoints', { breakpoints: [{ name: 'wasi:random/*' }] });
    await c.request('configurationDone');
    const first = await c.waitFor('stopped');
    assert.equal(first.body.description, 'event 1: wasi:random/random@0.2.3/get-random-bytes (wasi:random/*)');
    const threads = await c.request('threads');
    assert.equal(threads.body.threads[0].name, 'wasi-random-test');
    // The event is on disk before the guest goes on.
    assert.equal(readChainLog(chainOut).events.length, 2);

    await c.request('next', { threadId: 1 });
    assert.match((await c.waitFor('stopped')).body.description, /^event 2: wasi:random\/random@0\.2\.3\/get-random-bytes/);
    await c.request('setFunctionBreakpoints', { breakpoints: [{ name: '*get-random-u64' }] });
    await c.request('continue', { threadId: 1 });
    const u64 = await c.waitFor('stopped');
    assert.equal(u64.body.description, `event 3: ${U64} (*get-random-u64)`);
    const st = await c.request('stackTrace', { threadId: 1 });
    assert.equal(st.body.stackFrames[1].name, 'theater:simple/actor.init (event 0)');
    const ev = await c.variables('Event');
    assert.equal(ev.hash, golden.events[3]!.hash);
    const recorded = readChainLog(chainOut).events;
    assert.equal(ev.output, (decodeEvent(recorded[3]!).output as bigint).toString());
    const stepBack = await c.request('stepBack', { threadId: 1 });
    assert.equal(stepBack.success, false);

    await c.request('setFunctionBreakpoints', { breakpoints: [] });
    await c.request('continue', { threadId: 1 });
    await c.waitFor('terminated');
    await c.request('disconnect');
    assert.equal(await c.exited, 0);
    assert.deepEqual(
      readChainLog(chainOut).events.map((e) => toHex(e.hash)),
      golden.events.map((e) => e.hash),
    );
  });
});
