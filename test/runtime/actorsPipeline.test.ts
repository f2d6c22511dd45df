// The delivery plumbing of living actors: calls pipelined into an actor's worker keep FIFO, the
// pause and shutdown rules and per-call time limits; a spare worker loaded ahead starts a fresh actor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { createKillSwitchBuffer, FIRST_CALL_SEQ, PHASE_IDLE, SessionKillSwitch, WorkerWriteLock } from '../../src/runtime/host/killSwitch';
import type { ActorSession } from '../../src/runtime/host/session';
import { setPrewarm, spareThreadId, whenSpareReady } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorsCopy, dataDir } from '../helpers/actors';
import { wasmCalls as wasmCallsOf } from '../helpers/chainText';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');
const SEND = 'theater:simple/message-server-client.handle-send';

/** The wasm calls of an actor's chain, once it verifies. */
function wasmCalls(session: ActorSession): string[] {
  const { events } = loadChainFile(session.logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `${session.name}'s chain verifies: ${v.firstBad?.message}`);
  return wasmCallsOf(events);
}

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') return resolve();
    session.once('init-done', () => resolve());
    void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
}

async function counter(system: ActorSystem): Promise<ActorSession> {
  const manifests = await actorsCopy(['counter-actor']);
  const s = await system.start({ manifestPath: manifests['counter-actor']! });
  await initDone(s);
  return s;
}

describe('pipelined deliveries', () => {
  test('a burst of 300 sends queued at once arrives in order: the count, then the request after them', async () => {
    const system = new ActorSystem({ dataDir });
    const s = await counter(system);
    const done = [];
    for (let i = 0; i < 300; i++) done.push(system.sendAndWait(s.id, bytes('tick')));
    // Queued behind all 300 on the same queue: FIFO means it sees every one of them.
    const r = await system.request(undefined, s.id, bytes('get'));
    assert.equal(text(r.val), '300');
    assert.ok((await Promise.all(done)).every((o) => o.tag === 'ok'));
    await system.stopAll();
    const calls = wasmCalls(s);
    assert.equal(calls.filter((c) => c === `WasmCall ${SEND}`).length, 300);
    assert.equal(calls.filter((c) => c === `WasmResult ${SEND}`).length, 300);
  });

  test('calls pipelined behind a trapping call never run: they are refused, the actor pauses, resume goes on', async () => {
    const system = new ActorSystem({ dataDir });
    const s = await counter(system);
    const all = ['tick', 'tick', 'tick', 'trap', 'tick', 'tick', 'tick'].map((m) => system.sendAndWait(s.id, bytes(m)));
    const outcomes = await Promise.all(all);
    assert.deepEqual(
      outcomes.map((o) => o.tag),
      ['ok', 'ok', 'ok', 'err', 'err', 'err', 'err'],
    );
    for (const o of outcomes.slice(4)) assert.match(String(o.val), /is paused after a failed call/);
    assert.equal(s.status, 'paused');
    assert.equal((await system.resume(s.id)).tag, 'ok');
    assert.equal(text((await system.request(undefined, s.id, bytes('get'))).val), '3', 'the last good state');
    await system.stopAll();
    const calls = wasmCalls(s);
    // Exactly three sends ran, then the trap; nothing after it until the resume's request.
    assert.deepEqual(calls.slice(2, 10), [
      ...[1, 2, 3].flatMap(() => [`WasmCall ${SEND}`, `WasmResult ${SEND}`]),
      `WasmCall ${SEND}`,
      `WasmError ${SEND}`,
    ]);
    assert.equal(calls[10], 'WasmCall theater:simple/message-server-client.handle-request');
  });

  test('runtime.shutdown in a burst: the calls behind it are refused and the actor ends cleanly after its call', async () => {
    const system = new ActorSystem({ dataDir });
    const s = await counter(system);
    const all = ['tick', 'tick', 'stop', 'tick', 'tick'].map((m) => system.sendAndWait(s.id, bytes(m)));
    const outcomes = await Promise.all(all);
    assert.deepEqual(
      outcomes.map((o) => o.tag),
      ['ok', 'ok', 'ok', 'err', 'err'],
    );
    for (const o of outcomes.slice(3)) assert.match(String(o.val), /is shutting down|has stopped/);
    const end = await s.done();
    assert.equal(end.status, 'stopped', String(end.error));
    const calls = wasmCalls(s);
    assert.equal(calls.filter((c) => c === `WasmCall ${SEND}`).length, 3);
    assert.ok(!calls.some((c) => c.startsWith('WasmError')), calls.join(','));
    const { events } = loadChainFile(s.logPath);
    assert.equal(events.at(-1)!.eventType, 'shutdown');
  });

  test('a time limit kills only the call it was armed for, not the pipelined call running after it', () => {
    const sab = createKillSwitchBuffer();
    const worker = new WorkerWriteLock(sab);
    const session = new SessionKillSwitch(sab);
    worker.setPhase(PHASE_IDLE);
    assert.equal(session.kill(true, FIRST_CALL_SEQ), false, 'idle: nothing to kill');
    // Call FIRST_CALL_SEQ ended and the next one is running (its WasmCall set the phase).
    worker.acquire();
    worker.release(FIRST_CALL_SEQ + 1);
    assert.equal(session.phase, FIRST_CALL_SEQ + 1);
    assert.equal(session.kill(true, FIRST_CALL_SEQ), false, "the older call's timer lets the newer call run");
    assert.equal(session.killed, false);
    assert.equal(session.kill(true, FIRST_CALL_SEQ + 1), true, "the running call's own timer kills it");
    assert.equal(session.killed, true);
  });
});

describe('the main thread mirror of a chain', () => {
  test('nobody follows: events are read on access and the outcome counts every event; a late listener sees only new ones', async () => {
    const system = new ActorSystem({ dataDir });
    const s = await counter(system);
    for (let i = 0; i < 5; i++) await system.sendAndWait(s.id, bytes('tick'));
    // init call + result, 5 × (call + result), read now from the log.
    assert.equal(s.eventCount, 12);
    const seen: number[] = [];
    s.on('event', (_ev, i: number) => seen.push(i));
    await system.sendAndWait(s.id, bytes('tick'));
    await system.stopAll();
    const end = await s.done();
    const onDisk = loadChainFile(s.logPath).events.length;
    assert.equal(onDisk, 15, 'one more send and the shutdown event');
    assert.equal(end.eventCount, onDisk);
    assert.deepEqual(seen, [12, 13, 14]);
    assert.equal(s.eventCount, onDisk);
  });

  test('an actor nobody ever reads: the outcome still counts the whole chain', async () => {
    const system = new ActorSystem({ dataDir });
    const s = await counter(system);
    for (let i = 0; i < 3; i++) await system.sendAndWait(s.id, bytes('tick'));
    await system.stopAll();
    const end = await s.done();
    assert.equal(end.eventCount, loadChainFile(s.logPath).events.length);
    assert.equal(end.eventCount, 9);
  });
});

describe('spare worker', () => {
  test('an actor started on a spare worker (loaded ahead with the same component) is fresh: its own thread, init state, chain', async () => {
    const system = new ActorSystem({ dataDir });
    setPrewarm(true);
    try {
      const a = await counter(system);
      for (let i = 0; i < 4; i++) await system.sendAndWait(a.id, bytes('tick'));
      assert.equal(text((await system.request(undefined, a.id, bytes('get'))).val), '4');
      // The spare now waiting has loaded the counter's bindings and compiled its modules.
      await whenSpareReady();
      const pooled = spareThreadId();
      assert.notEqual(pooled, undefined, 'a spare is waiting');
      const b = await system.start({ manifestPath: a.manifestPath });
      assert.equal(b.threadId, pooled, 'the start took the spare');
      assert.notEqual(spareThreadId(), pooled, 'a spare is handed out once');
      await initDone(b);
      assert.notEqual(b.threadId, a.threadId, 'a worker of its own');
      assert.equal(text((await system.request(undefined, b.id, bytes('get'))).val), '0', 'nothing of the other actor');
      await system.sendAndWait(b.id, bytes('tick'));
      assert.equal(text((await system.request(undefined, a.id, bytes('get'))).val), '4', 'and nothing leaks back');
      await system.stopAll();
      assert.deepEqual(wasmCalls(b).slice(0, 2), ['WasmCall theater:simple/actor.init', 'WasmResult theater:simple/actor.init']);
      assert.equal(loadChainFile(b.logPath).events.length, wasmCalls(b).length + 1);
    } finally {
      setPrewarm(false);
    }
  });
});
