// The process handler against a real component (test-actors/process-actor) and real programs
// (/bin/cat, /bin/sh): output and exit delivered through the actor's queue in order, refusals
// recorded, chains verify, replay identical and starting nothing, stopping the actor kills its processes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { checkSpawn } from '../../src/runtime/handlers/process';
import { OutputSplitter, ProcessTable } from '../../src/runtime/host/processes';
import type { ActorSession } from '../../src/runtime/host/session';
import { startActor } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorCopy, dataDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';
import { wasmCalls as wasmCallsOf } from '../helpers/chainText';

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');
const bytes = (s: string) => new TextEncoder().encode(s);
const wasmCalls = (events: readonly { eventType: string; data: Uint8Array }[]) => wasmCallsOf(events, { shortNames: true });

/** Runs the actor with `scenario` as its init state until nothing is left to do, then stops it. */
async function run(manifestPath: string, scenario: string) {
  const system = new ActorSystem({ dataDir });
  const session = await system.start({ manifestPath, initialState: bytes(scenario) });
  await new Promise<void>((resolve, reject) => {
    session.once('init-done', () => resolve());
    void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
  await system.whenQuiet();
  const state = text(session.state);
  await system.stopAll();
  const { events } = loadChainFile(session.logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `the chain verifies: ${v.firstBad?.message}`);
  return { session, state, events };
}

/** Replays a recorded log with the same init state; returns the replay's events and report. */
async function replay(manifestPath: string, scenario: string, logPath: string) {
  const session = await startActor({ manifestPath, dataDir, replayChainPath: logPath, initialState: bytes(scenario) });
  await new Promise<void>((resolve) => {
    session.once('init-done', () => resolve());
    void session.done().then(() => resolve());
  });
  await session.stop('replay finished');
  return { report: session.replayReport, events: loadChainFile(session.logPath).events };
}

function assertReplayIdentical(recorded: readonly { hash: Uint8Array }[], replayed: readonly { hash: Uint8Array; eventType: string }[]) {
  const own = replayed.filter((e) => e.eventType !== 'replay-summary');
  assert.deepEqual(
    own.map((e) => toHex(e.hash)),
    recorded.map((e) => toHex(e.hash)),
  );
}

/** Resolves once `pred` holds, or rejects after `ms` (an OS process ends on its own schedule). */
async function within(ms: number, pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('process handler', () => {
  test('cat: stdin written, stdout delivered line by line in order, then the exit; golden chain; replay identical', async () => {
    const manifest = await actorCopy('process-actor');
    const { state, events, session } = await run(manifest, 'cat');
    assert.equal(state, '[spawned 1][out one\n][out two\n][out three\n][exit 0]');
    assert.deepEqual(wasmCalls(events), [
      'WasmCall actor.init',
      'WasmResult actor.init',
      'WasmCall process-handlers.handle-stdout',
      'WasmResult process-handlers.handle-stdout',
      'WasmCall process-handlers.handle-stdout',
      'WasmResult process-handlers.handle-stdout',
      'WasmCall process-handlers.handle-stdout',
      'WasmResult process-handlers.handle-stdout',
      'WasmCall process-handlers.handle-exit',
      'WasmResult process-handlers.handle-exit',
    ]);
    // The host calls, recorded with their inputs and outputs, before init returned.
    assert.deepEqual(
      events
        .filter((e) => e.eventType.startsWith('theater:simple/process/'))
        .map((e) => e.eventType.slice('theater:simple/process/'.length)),
      ['os-spawn', 'os-write-stdin', 'os-write-stdin', 'os-write-stdin'],
    );
    // Nothing in this chain depends on time or the OS: the same run gives the same hashes.
    assert.equal(events.length, 15);
    assert.equal(toHex(events.at(-1)!.hash), GOLDEN_CAT_HEAD);
    const r = await replay(manifest, 'cat', session.logPath);
    assert.equal(r.report?.verdict, 'replayed', r.report?.message);
    assertReplayIdentical(events, r.events);
  });

  test('sh: stdout and stderr each in order, exit code 3 last; the replay starts nothing', async () => {
    const manifest = await actorCopy('process-actor');
    const { state, events, session } = await run(manifest, 's');
    assert.match(state, /^\[spawned 1\]/);
    assert.ok(state.includes('[out out\n]') && state.includes('[err err\n]'), state);
    assert.ok(state.endsWith('[exit 3]'), state);
    const ran = path.join(path.dirname(manifest), 'ran.txt');
    assert.equal(fs.readFileSync(ran, 'utf8'), 'ran\n');
    const r = await replay(manifest, 's', session.logPath);
    assert.equal(r.report?.verdict, 'replayed', r.report?.message);
    assertReplayIdentical(events, r.events);
    // The script appends a line each time it runs: the replay did not run it.
    assert.equal(fs.readFileSync(ran, 'utf8'), 'ran\n');
  });

  test('a program not in allowed_programs is refused with one sentence, recorded as a denial, and replays identically', async () => {
    const manifest = await actorCopy('process-actor');
    const { state, events, session } = await run(manifest, 'd');
    assert.equal(
      state,
      '[refused: os-spawn refused: /usr/bin/env is not in allowed_programs (/bin/cat, /bin/sh); add it there to let the actor run it.]',
    );
    const types = events.map((e) => e.eventType);
    const denied = types.indexOf('theater:simple/process/permission-denied');
    assert.ok(denied > 0, types.join(', '));
    assert.equal(types[denied + 1], 'theater:simple/process/os-spawn');
    const r = await replay(manifest, 'd', session.logPath);
    assert.equal(r.report?.verdict, 'replayed', r.report?.message);
    assertReplayIdentical(events, r.events);
  });

  test('allowed_programs absent or empty allows no program', async () => {
    for (const line of ['', 'allowed_programs = []']) {
      const manifest = await actorCopy('process-actor', (m) => m.replace(/^allowed_programs = .*$/m, line));
      const { state } = await run(manifest, 'c');
      assert.match(state, /^\[refused: os-spawn refused: the process handler allows no program \(allowed_programs is (not set|empty)\)/);
    }
  });

  test('os-kill ends the process: exit 128 + SIGKILL', async () => {
    const manifest = await actorCopy('process-actor');
    const { state } = await run(manifest, 'k');
    assert.equal(state, '[spawned 1][exit 137]');
  });

  test('max_processes: the third process is refused while two run', async () => {
    const manifest = await actorCopy('process-actor');
    const { state } = await run(manifest, 'm');
    assert.ok(
      state.startsWith(
        '[spawned 1][spawned 2][refused: os-spawn refused: 2 processes are running and max_processes is 2; wait for one to exit or raise max_processes]',
      ),
      state,
    );
    assert.equal(state.match(/\[exit 137\]/g)?.length, 2, state);
  });

  test('max_output_buffer bounds every delivered chunk', async () => {
    const manifest = await actorCopy('process-actor', (m) => m.replace('max_processes = 2', 'max_processes = 2\nmax_output_buffer = 4'));
    const { state } = await run(manifest, 'c');
    assert.equal(state, '[spawned 1][out one\n][out two\n][out thre][out e\n][exit 0]');
  });

  test('a cwd outside allowed_paths is refused', async () => {
    const manifest = await actorCopy('process-actor');
    const dir = path.dirname(manifest);
    fs.mkdirSync(path.join(dir, 'work'));
    const req = {
      program: '/bin/cat',
      args: [],
      env: [] as Array<[string, string]>,
      bufferSize: 0,
      stdoutMode: { tag: 'raw' as const },
      stderrMode: { tag: 'raw' as const },
    };
    const cfg = { allowed_programs: ['/bin/cat'], allowed_paths: ['work'] };
    const inside = checkSpawn(cfg, dir, { ...req, cwd: 'work' });
    assert.ok('ok' in inside && inside.ok.cwd === fs.realpathSync(path.join(dir, 'work')));
    const none = checkSpawn(cfg, dir, req);
    assert.ok('ok' in none && none.ok.cwd === fs.realpathSync(path.join(dir, 'work')), 'no cwd: the first allowed path');
    const outside = checkSpawn(cfg, dir, { ...req, cwd: '..' });
    assert.ok('denied' in outside && /is outside allowed_paths/.test(outside.denied));
    // A symbolic link inside pointing out is judged by its real path.
    fs.symlinkSync('/tmp', path.join(dir, 'work', 'out'));
    const viaLink = checkSpawn(cfg, dir, { ...req, cwd: 'work/out' });
    assert.ok('denied' in viaLink, 'a link out of the allowed folder is refused');
    const noPaths = checkSpawn({ allowed_programs: ['/bin/cat'] }, dir, { ...req, cwd: 'work' });
    assert.ok('ok' in noPaths, "without allowed_paths the manifest's folder and below");
    assert.ok('denied' in checkSpawn({ allowed_programs: ['/bin/cat'] }, dir, { ...req, cwd: '/' }));
  });

  test('stopping the actor kills the processes it started', async () => {
    const manifest = await actorCopy('process-actor');
    const system = new ActorSystem({ dataDir });
    const session: ActorSession = await system.start({ manifestPath: manifest, initialState: bytes('l') });
    // The script prints its OS pid, then becomes cat and waits on its stdin for ever.
    await within(10_000, () => /\[out \d+\n\]/.test(text(session.state)), 'the pid delivery');
    const pid = Number(/\[out (\d+)\n\]/.exec(text(session.state))![1]);
    assert.doesNotThrow(() => process.kill(pid, 0), 'the process runs');
    assert.equal(session.busy, true, 'a running process keeps the actor busy');
    await system.stopAll();
    await within(
      5_000,
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      'the process ending',
    );
  });
});

describe('ProcessTable', () => {
  test('os-status, os-signal and effects only at commit; exit after the output; unknown ids and ended processes get err', async () => {
    const delivered: string[] = [];
    let exited!: () => void;
    const exit = new Promise<void>((r) => (exited = r));
    const table = new ProcessTable({
      maxProcesses: 1,
      maxOutputBuffer: 1024,
      deliver: (fn, args) => {
        delivered.push(`${fn} ${args[0]} ${fn === 'handle-exit' ? args[1] : Buffer.from(args[1] as Uint8Array).toString()}`);
        if (fn === 'handle-exit') exited();
        return Promise.resolve();
      },
      changed: () => {},
    });
    const dir = fs.realpathSync(path.dirname(await actorCopy('process-actor')));
    const req = {
      program: '/bin/sh',
      named: '/bin/sh',
      args: ['-c', 'echo ready; read line; echo "got $line"; sleep 30'],
      cwd: dir,
      env: [] as Array<[string, string]>,
      bufferSize: 0,
      stdoutMode: 'line-by-line' as const,
      stderrMode: 'raw' as const,
      chunkSize: undefined,
      executionTimeoutS: undefined,
    };
    assert.deepEqual(table.handle('os-spawn', [req]), { tag: 'ok', val: 1n });
    assert.equal(table.handle('os-spawn', [req]).tag, 'err', 'max_processes = 1 counts a process not yet started');
    table.handle('os-status', [1n]);
    table.commit(); // os-status has no effect; the spawn's effect was replaced by the refusal's none
    const status = table.handle('os-status', [1n]) as { tag: 'ok'; val: { running: boolean; exitCode?: number } };
    assert.equal(status.val.running, true);
    assert.deepEqual(table.handle('os-kill', [9n]), { tag: 'err', val: 'os-kill: this actor started no process 9' });
    table.killAll();
    assert.equal(delivered.length, 0, 'nothing started: every effect waits for its commit');

    const live = new ProcessTable({
      maxProcesses: 1,
      maxOutputBuffer: 1024,
      deliver: (fn, args) => {
        delivered.push(`${fn} ${args[0]} ${fn === 'handle-exit' ? args[1] : Buffer.from(args[1] as Uint8Array).toString()}`);
        if (fn === 'handle-exit') exited();
        return Promise.resolve();
      },
      changed: () => {},
    });
    assert.deepEqual(live.handle('os-spawn', [req]), { tag: 'ok', val: 1n });
    live.commit();
    await within(10_000, () => delivered.includes('handle-stdout 1 ready\n'), 'the first line');
    assert.deepEqual(live.handle('os-write-stdin', [1n, bytes('hi\n')]), { tag: 'ok', val: 3 });
    live.commit();
    await within(10_000, () => delivered.includes('handle-stdout 1 got hi\n'), 'the answer to stdin');
    assert.deepEqual(live.handle('os-signal', [1n, 15]), { tag: 'ok', val: undefined });
    live.commit();
    await exit;
    assert.equal(delivered.at(-1), 'handle-exit 1 143', 'SIGTERM: 128 + 15, after the output');
    const ended = live.handle('os-status', [1n]) as { tag: 'ok'; val: { running: boolean; exitCode?: number } };
    assert.equal(ended.val.running, false);
    assert.equal(ended.val.exitCode, 143);
    assert.match((live.handle('os-kill', [1n]) as { val: string }).val, /has exited with code 143/);
    assert.equal(live.active, false);
  });
});

describe('ProcessTable limits', () => {
  const base = (dir: string) => ({
    named: '/bin/sh',
    program: '/bin/sh',
    cwd: dir,
    env: [] as Array<[string, string]>,
    bufferSize: 0,
    stdoutMode: 'raw' as const,
    stderrMode: 'raw' as const,
    chunkSize: undefined,
    executionTimeoutS: undefined as number | undefined,
  });

  test('max_output_buffer: 100 000 bytes arrive whole in chunks of at most the limit while the actor is slow (the pipe waits, then goes on)', async () => {
    const dir = fs.realpathSync(path.dirname(await actorCopy('process-actor')));
    const chunks: number[] = [];
    let exitCode: number | undefined;
    const table = new ProcessTable({
      maxProcesses: 1,
      maxOutputBuffer: 1000,
      // A slow actor: each delivery is handled a moment later.
      deliver: (fn, args) =>
        new Promise((resolve) =>
          setImmediate(() => {
            if (fn === 'handle-exit') exitCode = args[1] as number;
            else chunks.push((args[1] as Uint8Array).length);
            resolve(undefined);
          }),
        ),
      changed: () => {},
    });
    table.handle('os-spawn', [{ ...base(dir), args: ['-c', 'head -c 100000 /dev/zero'] }]);
    table.commit();
    await within(20_000, () => exitCode !== undefined, 'the exit');
    assert.equal(exitCode, 0);
    assert.equal(
      chunks.reduce((a, b) => a + b, 0),
      100_000,
    );
    assert.ok(Math.max(...chunks) <= 1000, `largest chunk ${Math.max(...chunks)}`);
  });

  test('execution-timeout kills a process that runs longer', async () => {
    const dir = fs.realpathSync(path.dirname(await actorCopy('process-actor')));
    let exitCode: number | undefined;
    const table = new ProcessTable({
      maxProcesses: 1,
      maxOutputBuffer: 1000,
      deliver: (fn, args) => {
        if (fn === 'handle-exit') exitCode = args[1] as number;
        return Promise.resolve();
      },
      changed: () => {},
    });
    table.handle('os-spawn', [{ ...base(dir), args: ['-c', 'sleep 30'], executionTimeoutS: 1 }]);
    table.commit();
    await within(15_000, () => exitCode !== undefined, 'the kill at the timeout');
    assert.equal(exitCode, 137);
  });
});

describe('OutputSplitter', () => {
  const all = (s: OutputSplitter, parts: string[]) =>
    [...parts.flatMap((p) => s.push(Buffer.from(p))), ...s.end()].map((b) => b.toString());
  test('raw: as read, cut at the limit', () => {
    assert.deepEqual(all(new OutputSplitter('raw', 3, 3), ['abcdefg', 'h']), ['abc', 'def', 'g', 'h']);
  });
  test('line-by-line: one line per chunk whatever the reads, long lines cut at the limit, the rest at the end', () => {
    assert.deepEqual(all(new OutputSplitter('line-by-line', 4, 4), ['o', 'ne\ntw', 'o\nthree\nla', 'st']), [
      'one\n',
      'two\n',
      'thre',
      'e\n',
      'last',
    ]);
  });
  test('chunked: fixed-size chunks, the rest at the end', () => {
    assert.deepEqual(all(new OutputSplitter('chunked', 8, 3), ['abcd', 'efgh']), ['abc', 'def', 'gh']);
  });
});

/** The head of the cat scenario's chain (15 events); any change to what is recorded changes it. */
const GOLDEN_CAT_HEAD = '3213c687c4795b317a1916a9a35fa3fd6c39f1e8';

describe(
  'process handler in `theater run`',
  { skip: fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'run `npm run build` first' },
  () => {
    test('waits for the exit delivery, exits 0, and its chain.json verifies', async () => {
      const manifest = await actorCopy('process-actor');
      const out = path.join(path.dirname(manifest), 'chain.json');
      const r = spawnSync(
        process.execPath,
        [path.join(projectRoot, 'bin', 'theater'), 'run', manifest, '--chain-out', out, '--data-dir', dataDir],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const events = loadChainFile(out).events;
      assert.ok(verifyChain(events).ok);
      const calls = wasmCalls(events);
      assert.equal(calls.at(-1), 'WasmResult process-handlers.handle-exit');
      assert.equal(calls.filter((c) => c === 'WasmCall process-handlers.handle-stdout').length, 3);
    });

    test('check: a process table without allowed_programs is told it grants no program (information, not an error)', async () => {
      const manifest = await actorCopy('process-actor', (m) => m.replace(/^allowed_programs = .*$/m, ''));
      const r = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'check', manifest], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(
        r.stdout + r.stderr,
        /:6:1: information: Without `allowed_programs` the `process` handler lets the actor start no program; add allowed_programs = \["\/path\/to\/program"\] to grant one\. \[config-grants-nothing\]/,
      );
    });
  },
);
