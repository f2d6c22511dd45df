// Every time limit holds and every actor has a memory cap: hitting one ends the actor with one
// sentence and a chain that verifies.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { capMemory, MemoryCapError } from '../../src/runtime/component/memoryCap';
import { ChainLogWriter } from '../../src/runtime/chain/log';
import { TheaterError } from '../../src/runtime/host/api';
import { startActor } from '../../src/runtime/host/session';
import { actorCopy, dataDir, runToEnd } from '../helpers/actors';

function verified(logPath: string): string[] {
  const { events } = loadChainFile(logPath);
  assert.ok(verifyChain(events).ok, `${logPath} must verify`);
  return events.map((e) => e.eventType);
}

describe('time limits and the memory cap', () => {
  test('a start function that never returns is stopped by the time limit before init', async () => {
    const { outcome, session } = await runToEnd(await actorCopy('start-loop-actor'), { callTimeoutMs: 1000 });
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /did not finish starting .* within the 1000 ms time limit/);
    assert.deepEqual(verified(session.logPath), ['wasm', 'shutdown']);
  });

  test('a guest growing its memory page by page hits the memory cap and traps with a sentence', async () => {
    const manifest = await actorCopy('hostile-guest-actor', (m) => `init_state = "./state.json"\n${m}`);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '3');
    const { outcome, session } = await runToEnd(manifest, { maxMemoryMiB: 2, callTimeoutMs: 3000 });
    assert.equal(outcome.status, 'failed');
    // The guest loops on a failing grow, so the time limit ends it (on a loaded machine possibly while
    // still starting); the chain says why and verifies.
    assert.match(outcome.error ?? '', /time limit/);
    const types = verified(session.logPath);
    assert.deepEqual(types.slice(-2), ['wasm', 'shutdown']);
  });

  test('a stopped guest that keeps growing its memory page by page: its worker ends long before the cap', async () => {
    // V8 defers a worker's terminate while memory.grow keeps succeeding (a 1 GiB cap took 3.5 minutes
    // to stop); every grow now asks the kill switch first and waits for terminate once the actor is stopped.
    const manifest = await actorCopy('hostile-guest-actor', (m) => `init_state = "./state.json"\n${m}`);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '3');
    const session = await startActor({ manifestPath: manifest, dataDir, maxMemoryMiB: 1024, callTimeoutMs: 1000 });
    const outcome = await session.done();
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /time limit/);
    await session.workerExited;
    // Measured as memory, not time: the worker is gone and the guest never got near its cap.
    assert.ok(session.guestMemoryMiB > 0, 'the grow hook saw the guest grow');
    assert.ok(session.guestMemoryMiB < 512, `the guest's memory reached ${session.guestMemoryMiB} MiB of its 1024 MiB cap`);
    assert.deepEqual(verified(session.logPath).slice(-2), ['wasm', 'shutdown']);
  });

  test('the manifest key max_memory_mib sets the cap; --max-memory (StartOptions.maxMemoryMiB) takes precedence', async () => {
    const manifest = await actorCopy('loop-actor', (m) => `max_memory_mib = 2\n${m}`);
    const fromManifest = await runToEnd(manifest);
    assert.ok(fromManifest.initOk, fromManifest.outcome.error);
    assert.equal(fromManifest.session.memoryCapMiB, 2);
    const overridden = await runToEnd(manifest, { maxMemoryMiB: 64 });
    assert.equal(overridden.session.memoryCapMiB, 64);
    const unset = await runToEnd(await actorCopy('loop-actor'));
    assert.equal(unset.session.memoryCapMiB, 256);
  });

  test('capMemory sets a maximum on a memory without one and refuses an initial size above the cap', () => {
    // (module (memory 1)) and (module (memory 40))
    const mod = (min: number) => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, min]);
    assert.deepEqual([...capMemory(mod(1), 32).subarray(8)], [5, 4, 1, 1, 1, 32]);
    assert.throws(() => capMemory(mod(40), 32), MemoryCapError);
  });
});

describe('disk full at start', () => {
  test('a chain log on a full disk (/dev/full) is one sentence, and no actor starts', { skip: !fs.existsSync('/dev/full') }, async () => {
    const manifest = await actorCopy('loop-actor');
    await assert.rejects(
      startActor({ manifestPath: manifest, dataDir, chainLogPath: '/dev/full' }),
      (e: unknown) => e instanceof TheaterError && /Cannot write the chain log at \/dev\/full: the disk is full \(ENOSPC\)/.test(e.message),
    );
  });

  test('a full disk in .theater/chains leaves no empty log behind', async () => {
    const manifest = await actorCopy('loop-actor');
    const chains = path.join(path.dirname(manifest), '.theater', 'chains');
    fs.mkdirSync(chains, { recursive: true });
    const realCreate = ChainLogWriter.create;
    ChainLogWriter.create = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    try {
      await assert.rejects(
        startActor({ manifestPath: manifest, dataDir }),
        (e: unknown) => e instanceof TheaterError && /the disk is full \(ENOSPC\); free some space/.test(e.message),
      );
    } finally {
      ChainLogWriter.create = realCreate;
    }
    assert.deepEqual(fs.readdirSync(chains), []);
  });
});
