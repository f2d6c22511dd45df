// Replay: run → replay reproduces every hash for every test actor (no live handler is called);
// a changed recorded output is reported at its exact index; upstream chains replay by value.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { actorCopy, runToEnd } from '../helpers/actors';
import { sharedPath, skipUnlessShared } from '../helpers/shared';

function hashes(logPath: string, dropSummary = true): string[] {
  const { events } = loadChainFile(logPath);
  assert.ok(verifyChain(events).ok);
  return events.filter((e) => !dropSummary || e.eventType !== 'replay-summary').map((e) => toHex(e.hash));
}

describe('replay', () => {
  test('get-chain is recorded as a reference: 30 calls keep the log linear; the chain verifies and replays identically', async () => {
    const manifest = await actorCopy('get-chain-actor');
    const live = await runToEnd(manifest);
    assert.equal(live.outcome.status, 'stopped', live.outcome.error);
    const { events } = loadChainFile(live.session.logPath);
    assert.ok(verifyChain(events).ok);
    const calls = events.filter((e) => e.eventType === 'theater:simple/runtime/get-chain');
    assert.equal(calls.length, 30);
    // Each call's event is the same small size whatever the chain holds (it was the whole chain,
    // earlier answers included: five calls on an 8-event chain made 31 MiB).
    for (const [k, ev] of calls.entries()) {
      const index = events.indexOf(ev);
      assert.equal(
        Buffer.from(ev.data).toString('utf8'),
        `{"category":"HostFunction","interface":"theater:simple/runtime","function":"get-chain","input":{"Tuple":[]},"output":{"ChainRef":{"events":${index},"head":"${toHex(events[index - 1]!.hash)}"}}}`,
        `call ${k}`,
      );
    }
    const bytes = fs.statSync(live.session.logPath).size;
    assert.ok(bytes < 40_000, `the log of ${events.length} events is ${bytes} bytes`);
    const replay = await runToEnd(manifest, { replayChainPath: live.session.logPath });
    assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
    assert.deepEqual(hashes(replay.session.logPath), hashes(live.session.logPath));
    // From the exported chain.json too: the reference is to the chain, whatever file holds it.
    const json = path.join(path.dirname(manifest), 'chain.json');
    fs.writeFileSync(json, writeTheaterChainJson(events));
    const again = await runToEnd(manifest, { replayChainPath: json });
    assert.equal(again.session.replayReport?.verdict, 'replayed', again.session.replayReport?.message);
  });

  for (const name of [
    'wasi-random-test',
    'wasi-clocks-test',
    'runtime-test',
    'environment-test',
    'store-test',
    'init-params-actor',
    'compat-random-actor',
    'get-chain-actor',
  ]) {
    test(`${name}: run → replay gives identical hashes and ends with a replay summary`, async () => {
      // No seed, real clocks, a fresh store id, the real environment: only the chain can reproduce the run.
      const manifest = await actorCopy(name);
      const live = await runToEnd(manifest);
      assert.equal(live.outcome.status, 'stopped', live.outcome.error);
      const replay = await runToEnd(manifest, { replayChainPath: live.session.logPath });
      assert.equal(replay.outcome.status, 'stopped', replay.outcome.error);
      assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
      assert.deepEqual(hashes(replay.session.logPath), hashes(live.session.logPath));
      const { events } = loadChainFile(replay.session.logPath);
      const summary = decodeEvent(events.at(-1)!);
      assert.equal(summary.category, 'replay-summary');
    });
  }

  test('the manifest form ([[handler]] type = "replay", chain relative to the manifest) replays too', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const live = await runToEnd(manifest);
    const dir = path.dirname(manifest);
    fs.copyFileSync(live.session.logPath, path.join(dir, 'recorded.chain.jsonl'));
    const replayManifest = path.join(dir, 'replay-manifest.toml');
    fs.writeFileSync(
      replayManifest,
      `${fs.readFileSync(manifest, 'utf8')}\n[[handler]]\ntype = "replay"\nchain = "./recorded.chain.jsonl"\n`,
    );
    const replay = await runToEnd(replayManifest);
    assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
  });

  const changeU64 = (ev: { data: Uint8Array }) =>
    Buffer.from(
      Buffer.from(ev.data)
        .toString('utf8')
        .replace(/"U64":(\d+)/, (_, n: string) => `"U64":${BigInt(n) ^ 1n}`),
    );

  test('a recorded output changed in place is reported at exactly that index', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const { events } = loadChainFile((await runToEnd(manifest)).session.logPath);
    const at = events.findIndex((e) => e.eventType.endsWith('/get-random-u64'));
    events[at] = { ...events[at]!, data: changeU64(events[at]!) };
    const tampered = path.join(path.dirname(manifest), 'tampered.chain.json');
    fs.writeFileSync(tampered, writeTheaterChainJson(events));
    const report = (await runToEnd(manifest, { replayChainPath: tampered })).session.replayReport!;
    assert.equal(report.verdict, 'diverged');
    assert.equal(report.divergence?.index, at);
    assert.match(report.message, new RegExp(`event ${at}: .*recording was altered`));
  });

  test('a changed output the actor depends on (re-linked chain) diverges where the behaviour changes, values side by side', async () => {
    const manifest = await actorCopy('loop-actor'); // returns the last u64 as its state
    const { events } = loadChainFile((await runToEnd(manifest)).session.logPath);
    const at = events.map((e) => e.eventType).lastIndexOf('wasi:random/random@0.2.3/get-random-u64');
    events[at] = { ...events[at]!, data: changeU64(events[at]!) };
    for (let i = at; i < events.length; i++) {
      const parent = events[i - 1]!.hash;
      events[i] = { ...events[i]!, parentHash: parent, hash: chainHash(parent, events[i]!.eventType, events[i]!.data) };
    }
    const tampered = path.join(path.dirname(manifest), 'relinked.chain.json');
    fs.writeFileSync(tampered, writeTheaterChainJson(events));
    const report = (await runToEnd(manifest, { replayChainPath: tampered })).session.replayReport!;
    assert.equal(report.verdict, 'diverged');
    assert.equal(report.divergence?.index, at + 1, 'the WasmResult carries the state built from the changed value');
    assert.equal(report.divergence?.expected?.eventType, 'wasm');
    assert.notEqual(report.divergence?.expected?.summary, report.divergence?.actual?.summary);
  });

  test('an actor that behaves differently from the recording diverges at the first different call', async () => {
    const random = await actorCopy('wasi-random-test');
    const recorded = (await runToEnd(random)).session.logPath;
    const loop = await actorCopy('loop-actor'); // calls get-random-u64 first, the recording get-random-bytes
    const replay = await runToEnd(loop, { replayChainPath: recorded });
    const report = replay.session.replayReport!;
    assert.equal(report.verdict, 'diverged');
    assert.equal(report.divergence?.index, 1);
    assert.equal(report.divergence?.expected?.eventType, 'wasi:random/random@0.2.3/get-random-bytes');
    assert.equal(replay.outcome.status, 'failed');
    assert.match(replay.outcome.error ?? '', /replay diverged: the actor called wasi:random\/random@0\.2\.3\/get-random-u64/);
  });

  test('a recording that ends early: the replay is exhausted', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const live = await runToEnd(manifest);
    const { events } = loadChainFile(live.session.logPath);
    const short = path.join(path.dirname(manifest), 'short.chain.json');
    fs.writeFileSync(short, writeTheaterChainJson(events.slice(0, 3)));
    const replay = await runToEnd(manifest, { replayChainPath: short });
    assert.equal(replay.session.replayReport?.verdict, 'exhausted');
    assert.equal(replay.session.replayReport?.divergence?.index, 3);
  });

  test(
    "upstream Theater's wasi-random-test chain replays with our actor, matched by value",
    { skip: skipUnlessShared('fixtures', 'theater-chains') },
    async () => {
      const manifest = await actorCopy('wasi-random-test');
      const replay = await runToEnd(manifest, {
        replayChainPath: sharedPath('fixtures', 'theater-chains', 'wasi-random-test.chain.json')!,
      });
      const report = replay.session.replayReport!;
      assert.equal(report.verdict, 'replayed', report.message);
      assert.match(report.message, /5 host calls were recorded in Theater's older v1 format/);
      assert.equal(Buffer.from(replay.outcome.state ?? []).toString(), 'WASI random tests passed!');
    },
  );
});
