// The runtime against real components: every test actor, positive and negative, in a real worker.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { TheaterError } from '../../src/runtime/host/api';
import { startActor } from '../../src/runtime/host/session';
import { actorCopy, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

/** Theater's root hash: the init WasmCall with params `null` (every upstream golden chain starts with it). */
const THEATER_ROOT = '584d8e1be21fed4367e60f8297f7c104cd377791';

function chainOf(logPath: string) {
  const loaded = loadChainFile(logPath);
  const verdict = verifyChain(loaded.events);
  assert.ok(verdict.ok, `chain ${logPath} must verify: ${verdict.firstBad?.message}`);
  return loaded.events;
}

function stateText(s: Uint8Array | null | undefined): string {
  return s ? Buffer.from(s).toString('utf8') : '';
}

describe('positive actors', () => {
  test("wasi-random-test passes its checks, starts with Theater's root hash and records the seed's call order", async () => {
    const { outcome, session, initOk } = await runToEnd(await actorCopy('wasi-random-test'));
    assert.equal(initOk, true, outcome.error);
    assert.equal(stateText(outcome.state), 'WASI random tests passed!');
    const events = chainOf(session.logPath);
    assert.equal(toHex(events[0]!.hash), THEATER_ROOT);
    assert.deepEqual(
      events.map((e) => e.eventType),
      [
        'wasm',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasi:random/random@0.2.3/get-random-u64',
        'wasi:random/random@0.2.3/get-random-u64',
        'wasi:random/random@0.2.3/get-random-bytes',
        'wasm',
        'shutdown',
      ],
    );
    const first = decodeEvent(events[1]!);
    assert.equal(first.interface, 'wasi:random/random@0.2.3');
    assert.equal(first.function, 'get-random-bytes');
    assert.equal((first.output as Uint8Array | number[]).length, 10);
  });

  test('wasi-clocks-test exercises clocks and pollables', async () => {
    const { outcome, session } = await runToEnd(await actorCopy('wasi-clocks-test'));
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(stateText(outcome.state), 'WASI clocks + poll tests passed!');
    const types = chainOf(session.logPath).map((e) => e.eventType);
    for (const t of [
      'wasi:clocks/monotonic-clock@0.2.3/now',
      'wasi:clocks/monotonic-clock@0.2.3/subscribe-duration',
      'wasi:io/poll@0.2.3/[method]pollable.block',
      'wasi:io/poll@0.2.3/poll',
      'wasi:clocks/wall-clock@0.2.3/now',
    ]) {
      assert.ok(types.includes(t), `${t} recorded`);
    }
  });

  test('runtime-test logs, reads its state and the real chain', async () => {
    const manifest = await actorCopy('runtime-test');
    const session = await startActor({ manifestPath: manifest, dataDir });
    const logs: string[] = [];
    session.on('log', (m) => logs.push(m));
    await new Promise((r) => session.once('init-done', r));
    const outcome = await session.stop();
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.deepEqual(JSON.parse(stateText(outcome.state)), { status: 'success', message: 'Runtime handler tests passed!' });
    assert.deepEqual(logs.slice(0, 4), ['Runtime test actor initialized', 'Test message 1', 'Test message 2', 'Test message 3']);
    const types = chainOf(session.logPath).map((e) => e.eventType);
    assert.ok(types.includes('theater:simple/runtime/get-chain'));
  });

  test('environment-test reads allowed variables; a denied variable is recorded and reads as unset', async () => {
    process.env.THEATER_TEST_SECRET = 'hidden';
    const { outcome, session } = await runToEnd(await actorCopy('environment-test'));
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.match(stateText(outcome.state), /PATH exists: true/);
    chainOf(session.logPath);

    const denied = await actorCopy('environment-test', (m) =>
      m.replace(/type = "environment"[^\n]*/, 'type = "environment"\ndenied_vars = ["PATH"]'),
    );
    const r2 = await runToEnd(denied);
    const events = chainOf(r2.session.logPath);
    const denial = events.find((e) => e.eventType === 'theater:simple/environment/permission-denied');
    assert.ok(denial, 'the denial is an event');
    assert.match(JSON.stringify(decodeEvent(denial).output), /PATH/);
    assert.match(stateText(r2.outcome.state), /PATH exists: false/);
  });

  test('store-test stores, reads and labels content on disk', async () => {
    const { outcome, session } = await runToEnd(await actorCopy('store-test'));
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(stateText(outcome.state), 'store tests passed');
    const types = chainOf(session.logPath).map((e) => e.eventType);
    assert.ok(types.includes('theater:simple/store/get-by-label'));
  });

  test('init-params-actor gets the older (state, (actor-id,)) init and the id is recorded', async () => {
    const session = await startActor({
      manifestPath: await actorCopy('init-params-actor'),
      dataDir,
      actorId: '00000000-0000-4000-8000-000000000001',
    });
    await new Promise((r) => session.once('init-done', r));
    const outcome = await session.stop();
    assert.equal(stateText(outcome.state), '00000000-0000-4000-8000-000000000001');
    const call = decodeEvent(chainOf(session.logPath)[0]!);
    assert.match(JSON.stringify(call.input ?? call), /00000000-0000-4000-8000-000000000001/);
  });

  test('golden chain: a seeded random handler records exactly the committed hashes, every run', async () => {
    const seeded = (m: string) => m.replace(/type = "random"[^\n]*/, 'type = "random"\nseed = 42');
    const golden = JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'golden', 'wasi-random-test.seed42.json'), 'utf8')) as {
      events: Array<{ event_type: string; hash: string }>;
    };
    for (let run = 0; run < 2; run++) {
      const events = chainOf((await runToEnd(await actorCopy('wasi-random-test', seeded))).session.logPath);
      assert.deepEqual(
        events.map((e) => ({ event_type: e.eventType, hash: toHex(e.hash) })),
        golden.events,
      );
    }
  });
});

describe('negative actors: one clear sentence, and a chain that verifies', () => {
  const refuses = async (name: string, code: string, pattern: RegExp) => {
    await assert.rejects(startActor({ manifestPath: await actorCopy(name), dataDir }), (e: unknown) => {
      assert.ok(e instanceof TheaterError, `a TheaterError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace');
      return true;
    });
  };

  test('random@0.3.0 has no compatible handler', () =>
    refuses('random-030-actor', 'import-version-mismatch', /wasi:random\/random@0\.3\.0.*registered: wasi:random\/random@0\.2\.3/));
  test('an interface no handler provides', () => refuses('unknown-import-actor', 'import-unresolved', /acme:widgets\/gizmo@1\.0\.0/));
  test('random imported but not listed in the manifest', () =>
    refuses('unlisted-random-actor', 'handler-not-listed', /add \[\[handler\]\] type = "random"/));

  const fails = async (name: string, pattern: RegExp, opts: { callTimeoutMs?: number } = {}) => {
    const { outcome, session, initOk } = await runToEnd(await actorCopy(name), opts);
    assert.equal(initOk, false);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', pattern);
    const events = chainOf(session.logPath);
    const last = events.at(-1)!,
      beforeLast = events.at(-2)!;
    assert.equal(last.eventType, 'shutdown');
    assert.equal(decodeEvent(beforeLast).category, 'wasm-error');
    assert.match(decodeEvent(beforeLast).error ?? '', pattern);
    return events;
  };

  test('a trap', async () => {
    await fails('trap-actor', /trapped/);
  });
  test('init returns Err', async () => {
    await fails('init-error-actor', /init failed on purpose: missing configuration/);
  });
  test('an endless loop is stopped at the time limit', async () => {
    await fails('infinite-loop-actor', /time limit/, { callTimeoutMs: 300 });
  });

  test('a semver-compatible import (0.2.0 served by 0.2.3) runs and records the name as imported', async () => {
    const { outcome, session } = await runToEnd(await actorCopy('compat-random-actor'));
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.ok(chainOf(session.logPath).some((e) => e.eventType.startsWith('wasi:random/random@0.2.0/')));
  });

  test('--activate-by-imports runs an unlisted handler, as Theater does', async () => {
    const session = await startActor({ manifestPath: await actorCopy('unlisted-random-actor'), dataDir, activateByImports: true });
    const outcome = await Promise.race([new Promise((r) => session.once('init-done', r)).then(() => session.stop()), session.done()]);
    assert.equal(outcome.status, 'stopped', outcome.error);
  });

  test('a broken manifest gives file:line:col and the problem', async () => {
    const manifest = await actorCopy('wasi-random-test', (m) => m.replace(/^name = .*$/m, 'name = '));
    await assert.rejects(startActor({ manifestPath: manifest, dataDir }), (e: unknown) => {
      assert.ok(e instanceof TheaterError);
      assert.match(e.message, /manifest\.toml:1:\d+: error: /);
      return true;
    });
    assert.ok(fs.existsSync(manifest));
  });
});
