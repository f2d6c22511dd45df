// Fork and what-if with exact hashes and values. A seeded random handler makes the live part of a
// fork deterministic: it starts its stream from the seed again at the fork point, so the live tail
// repeats the recording's first outputs and every hash after the fork can be computed here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { shutdownPayload, wasmResult } from '../../src/runtime/chain/payload';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { TheaterError } from '../../src/runtime/host/api';
import type { ActorSession } from '../../src/runtime/host/session';
import { startFork, startWhatIf } from '../../src/runtime/host/timeTravel';
import { actorCopy, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const bin = path.join(projectRoot, 'bin', 'theater');
const cliSkip = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing; run `npm run build` first';
const theater = (args: string[]) => spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { encoding: 'utf8' });

/** loop-actor making 5 seeded get-random-u64 calls: 0 init, 1..5 u64, 6 result (last value LE), 7 shutdown. */
async function seededLoop(): Promise<string> {
  const manifest = await actorCopy(
    'loop-actor',
    (m) => `init_state = "./calls.json"\n${m.replace('type = "random"', 'type = "random"\nseed = 7')}`,
  );
  fs.writeFileSync(path.join(path.dirname(manifest), 'calls.json'), '5');
  return manifest;
}

async function finish(session: ActorSession): Promise<ChainEvent[]> {
  await new Promise<void>((resolve) => {
    session.once('init-done', () => resolve());
    void session.done().then(() => resolve());
  });
  await session.stop('test finished');
  return loadChainFile(session.logPath).events;
}

const hex = (events: readonly ChainEvent[]) => events.map((e) => toHex(e.hash));
const u64Of = (ev: ChainEvent) => decodeEvent(ev).output as bigint;
const le = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return new Uint8Array(b);
};

/** The chain continued from `parent` with these payloads, hashed here. */
function continueChain(parent: Uint8Array, rows: Array<[string, Uint8Array]>): string[] {
  const out: string[] = [];
  let last = parent;
  for (const [type, data] of rows) {
    last = chainHash(last, type, data);
    out.push(toHex(last));
  }
  return out;
}

describe('fork and what-if', () => {
  test('fork at event 3: events 0..3 keep the recorded hashes, 4.. are the live handlers answers, hash for hash', async () => {
    const manifest = await seededLoop();
    const live = await runToEnd(manifest);
    const rec = loadChainFile(live.session.logPath).events;
    assert.equal(rec.length, 8);
    const session = await startFork({ manifestPath: manifest, dataDir, chainPath: live.session.logPath, at: 3 });
    const fork = await finish(session);
    assert.equal(session.replayReport?.verdict, 'forked', session.replayReport?.message);
    assert.deepEqual(session.replayReport?.fork, { at: 3, liveEvents: 4 });
    assert.deepEqual(hex(fork.slice(0, 4)), hex(rec.slice(0, 4)));
    assert.notEqual(toHex(fork[4]!.hash), toHex(rec[4]!.hash));
    // The seeded stream restarts at the fork: events 4 and 5 answer with the recording's first two values.
    assert.equal(u64Of(fork[4]!), u64Of(rec[1]!));
    assert.equal(u64Of(fork[5]!), u64Of(rec[2]!));
    const expectedTail = continueChain(fork[3]!.hash, [
      [rec[1]!.eventType, rec[1]!.data],
      [rec[2]!.eventType, rec[2]!.data],
      ['wasm', wasmResult('theater:simple/actor.init', le(u64Of(rec[2]!)), 'null')],
      ['shutdown', shutdownPayload()],
    ]);
    assert.deepEqual(hex(fork.slice(4)), expectedTail);
    assert.equal(loadChainFile(session.logPath).header?.forkAt, 3);
    assert.ok(!fork.some((e) => e.eventType === 'replay-summary'), "a fork's chain has no replay summary");
  });

  test('fork at both ends: at 0 everything after init is live; at the last event nothing is', async () => {
    const manifest = await seededLoop();
    const recPath = (await runToEnd(manifest)).session.logPath;
    const rec = loadChainFile(recPath).events;
    const first = await startFork({ manifestPath: manifest, dataDir, chainPath: recPath, at: 0 });
    const atZero = await finish(first);
    assert.deepEqual(first.replayReport?.fork, { at: 0, liveEvents: 7 });
    // Seeded from the start, the live run records the very same chain.
    assert.deepEqual(hex(atZero), hex(rec));
    const lastSession = await startFork({ manifestPath: manifest, dataDir, chainPath: recPath, at: 7 });
    const atLast = await finish(lastSession);
    assert.deepEqual(lastSession.replayReport?.fork, { at: 7, liveEvents: 0 });
    assert.deepEqual(hex(atLast), hex(rec));
    await assert.rejects(
      startFork({ manifestPath: manifest, dataDir, chainPath: recPath, at: 8 }),
      (e: unknown) =>
        e instanceof TheaterError && /Cannot fork at event 8: .* has events 0\.\.7; pass an index in that range\./.test(e.message),
    );
  });

  test('what-if on the last random value: the run first differs at the result, both states exact', async () => {
    const manifest = await seededLoop();
    const recPath = (await runToEnd(manifest)).session.logPath;
    const rec = loadChainFile(recPath).events;
    const session = await startWhatIf({ manifestPath: manifest, dataDir, chainPath: recPath, overrides: ['5=42'] });
    const run = await finish(session);
    const r = session.replayReport!;
    assert.equal(r.verdict, 'what-if', r.message);
    assert.deepEqual(hex(run.slice(0, 5)), hex(rec.slice(0, 5)), 'before the edit the hashes are the recording');
    assert.equal(u64Of(run[5]!), 42n);
    assert.equal(r.divergence?.index, 6);
    assert.deepEqual(r.divergence?.expected?.state, le(u64Of(rec[5]!)));
    assert.deepEqual(r.divergence?.actual?.state, le(42n));
    assert.deepEqual(r.whatIf, { overrides: [{ index: 5, output: 42n }], differed: true });
    assert.match(r.message, /^With event 5's output edited, the run first went differently at event 6: /);
  });

  test('what-if on a value the actor does not keep: the run makes the same calls to the end', async () => {
    const manifest = await seededLoop();
    const recPath = (await runToEnd(manifest)).session.logPath;
    const session = await startWhatIf({ manifestPath: manifest, dataDir, chainPath: recPath, overrides: ['2=18446744073709551615'] });
    const run = await finish(session);
    assert.equal(u64Of(run[2]!), 18446744073709551615n);
    assert.equal(session.replayReport?.whatIf?.differed, false);
    assert.equal(session.replayReport?.divergence, undefined);
    assert.match(session.replayReport!.message, /made the same calls with the same inputs as the recording to its end \(8 events\)/);
  });

  test('what-if that changes behaviour: the call the actor made instead is reported with its decoded input', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const recPath = (await runToEnd(manifest)).session.logPath;
    const zeros = JSON.stringify(new Array(100).fill(0));
    const session = await startWhatIf({ manifestPath: manifest, dataDir, chainPath: recPath, overrides: [`5=${zeros}`] });
    await finish(session);
    const d = session.replayReport!.divergence!;
    assert.equal(d.index, 6);
    assert.equal(d.expected?.eventType, 'wasm');
    assert.equal(Buffer.from(d.expected!.state as Uint8Array).toString(), 'WASI random tests passed!');
    assert.equal(d.actual?.eventType, 'theater:simple/runtime/log');
    assert.deepEqual(d.actual?.input, ['wasi-random-test: get-random-bytes(100) returned only zero bytes']);
  });

  test('an edit that does not fit the result type, or is not a host call, is refused in one sentence', async () => {
    const manifest = await seededLoop();
    const recPath = (await runToEnd(manifest)).session.logPath;
    const refuse = (o: string, re: RegExp) =>
      assert.rejects(
        startWhatIf({ manifestPath: manifest, dataDir, chainPath: recPath, overrides: [o] }),
        (e: unknown) => e instanceof TheaterError && re.test(e.message),
      );
    await refuse(
      '2="x"',
      /^--override 2 \(wasi:random\/random@0\.2\.3\/get-random-u64 returns u64\): the value does not fit WIT type u64: expected an integer 0\.\.18446744073709551615 but got the string "x"\.$/,
    );
    await refuse('2=18446744073709551616', /expected an integer 0\.\.18446744073709551615 but got the bigint 18446744073709551616n/);
    await refuse(
      '0=1',
      /^--override 0: event 0 is wasm, not a host call of a registered handler; only a host call's output can be edited\.$/,
    );
    await refuse('9=1', /^--override 9: .* has events 0\.\.7; pass an index in that range\.$/);
    await refuse('x', /is not of the form N=<JSON value>/);
    await refuse('2=nope', /'nope' is not JSON; pass a JSON value of WIT type u64/);
  });

  test(
    'CLI: --until N --then live writes the fork, --override prints where the run went differently, bad flags are one sentence',
    { skip: cliSkip },
    async () => {
      const manifest = await seededLoop();
      const recPath = (await runToEnd(manifest)).session.logPath;
      const rec = loadChainFile(recPath).events;
      const out = path.join(path.dirname(manifest), 'fork.chain.json');
      const fork = theater(['replay', manifest, '--chain', recPath, '--until', '3', '--then', 'live', '--chain-out', out]);
      assert.equal(fork.status, 0, fork.stderr);
      assert.match(fork.stderr, /^Forked at event 3: events 0\.\.3 replayed with the recorded hashes, then 4 events ran live\.$/m);
      assert.deepEqual(hex(loadChainFile(out).events.slice(0, 4)), hex(rec.slice(0, 4)));
      const whatIf = theater(['replay', manifest, '--chain', recPath, '--override', '5=42']);
      assert.equal(whatIf.status, 0, whatIf.stderr);
      assert.match(whatIf.stderr, /^With event 5's output edited, the run first went differently at event 6: /m);
      assert.match(whatIf.stderr, /^at event 6:\n {2}expected {2}wasm .*\n.*\n {2}actual {4}wasm /m);
      for (const [args, re] of [
        [['--until', '3'], /^theater: --until N needs --then live/],
        [['--until', '3', '--then', 'later'], /^theater: --then takes 'live'/],
        [['--until', 'x', '--then', 'live'], /^theater: --until must be an event index/],
        [
          ['--override', '2="x"'],
          /^theater: --override 2 \(wasi:random\/random@0\.2\.3\/get-random-u64 returns u64\): the value does not fit/,
        ],
      ] as const) {
        const r = theater(['replay', manifest, '--chain', recPath, ...args]);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, re);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    },
  );
});
