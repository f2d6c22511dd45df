// Living actors against real components: queues, message-server routing, supervision, causality.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import type { ActorSession } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorsCopy, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';
import { wasmCalls } from '../helpers/chainText';

/** The export each wasm event names, with its kind: `WasmCall theater:simple/actor.init`. */
/** Every event of a session so far (read from its log: the session keeps only a window). */
function allEvents(s: ActorSession): ChainEvent[] {
  const out: ChainEvent[] = [];
  s.readLog();
  s.forEachEvent((ev) => out.push(ev));
  return out;
}

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');
const bytes = (s: string) => new TextEncoder().encode(s);

function verified(session: ActorSession) {
  const { events } = loadChainFile(session.logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `${session.name}'s chain verifies: ${v.firstBad?.message}`);
  return events;
}

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') return resolve();
    session.once('init-done', () => resolve());
    void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
}

/** Resolves when `pred` holds (the conditions span several actors and their logs). */
function until(pred: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (pred()) {
        clearInterval(timer);
        resolve();
      }
    };
    // Checked every few ms: a condition over several actors has no single event to wait on.
    const timer = setInterval(check, 5);
    check();
  });
}

async function startTree(names: string[], edit = {}) {
  const manifests = await actorsCopy(names, edit);
  const system = new ActorSystem({ dataDir });
  const root = await system.start({ manifestPath: manifests[names[0]!]! });
  await initDone(root);
  return { system, root, manifests };
}

describe('living actors', () => {
  test('a counter keeps its count across messages; each call is recorded as wasm call and result', async () => {
    const { system, root } = await startTree(['counter-actor']);
    for (let i = 0; i < 3; i++) assert.equal(system.send(root.id, bytes('tick')).tag, 'ok');
    const r = await system.request(undefined, root.id, bytes('get'));
    assert.deepEqual(r.tag, 'ok');
    assert.equal(text(r.val as Uint8Array), '3');
    await system.stopAll();
    const events = verified(root);
    const send = 'theater:simple/message-server-client.handle-send';
    assert.deepEqual(wasmCalls(events), [
      'WasmCall theater:simple/actor.init',
      'WasmResult theater:simple/actor.init',
      ...[1, 2, 3].flatMap(() => [`WasmCall ${send}`, `WasmResult ${send}`]),
      'WasmCall theater:simple/message-server-client.handle-request',
      'WasmResult theater:simple/message-server-client.handle-request',
    ]);
    assert.equal(events.at(-1)!.eventType, 'shutdown');
  });

  test('a parent spawns its child by a relative path, forwards requests, and FIFO holds for sends then a request', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor']);
    const child = system.get(root.id)!.children.values().next().value!.session;
    assert.equal(child.name, 'counter-actor');
    assert.equal(text(root.state), child.id);
    const burst = await system.request(undefined, root.id, bytes('burst'));
    assert.equal(text(burst.val as Uint8Array), '5');
    const channel = await system.request(undefined, root.id, bytes('channel'));
    assert.equal(text(channel.val as Uint8Array), '7');
    await system.stopAll();
    assert.equal(child.status, 'stopped');
    const childEvents = verified(child);
    const parentEvents = verified(root);
    // Causality: the child's handle-send calls name the parent's send events, which exist in its chain.
    const sends = childEvents.filter((e) => e.cause?.event);
    assert.ok(sends.length >= 5);
    const parentHashes = new Set(parentEvents.map((e) => Buffer.from(e.hash).toString('hex')));
    for (const e of sends) {
      assert.equal(e.cause!.actor, root.id);
      assert.ok(parentHashes.has(e.cause!.event!), 'the cause is an event of the parent');
    }
    const calls = wasmCalls(childEvents);
    assert.ok(calls.includes('WasmCall theater:simple/message-server-client.handle-channel-open'));
    assert.equal(calls.filter((c) => c === 'WasmCall theater:simple/message-server-client.handle-channel-message').length, 2);
    assert.ok(calls.includes('WasmCall theater:simple/message-server-client.handle-channel-close'));
  });

  test('a trapping child pauses, its parent restarts it (same id, the chain goes on), and requests work again', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor']);
    const child = [...system.get(root.id)!.children][0]!.session;
    const logs: string[] = [];
    root.on('log', (m) => logs.push(m));
    system.send(child.id, bytes('tick'));
    const trapped = await system.request(undefined, root.id, bytes('trap'));
    assert.match(text(trapped.val as Uint8Array), /^err: actor counter-actor .* failed .*the actor trapped/);
    await until(() => logs.includes('child failed; restarting it') && child.status === 'idle');
    const after = await system.request(undefined, root.id, bytes('get'));
    assert.equal(text(after.val as Uint8Array), '0', 'a restart runs init again');
    await system.stopAll();
    const calls = wasmCalls(verified(child)).join(',');
    assert.ok(
      calls.includes(
        'WasmCall theater:simple/message-server-client.handle-request,WasmError theater:simple/message-server-client.handle-request,WasmCall theater:simple/actor.init,WasmResult theater:simple/actor.init',
      ),
      calls,
    );
    assert.equal(system.unhandled.length, 0);
  });

  test('the restart limit: past max_restarts the child stays paused and the parent is told', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor'], {
      'parent-actor': (m: string) => m.replace('type = "supervisor"', 'type = "supervisor"\nmax_restarts = 2'),
    });
    const child = [...system.get(root.id)!.children][0]!.session;
    const logs: string[] = [];
    root.on('log', (m) => logs.push(m));
    for (let i = 1; i <= 3; i++) {
      system.send(child.id, bytes('trap'));
      await until(() => logs.filter((l) => l === 'child failed; restarting it').length === i && child.status !== 'running');
      if (i < 3) await until(() => child.status === 'idle');
    }
    await until(() => logs.some((l) => l.startsWith('restart refused: restart limit reached')));
    assert.equal(child.status, 'paused');
    const refused = system.send(child.id, bytes('tick'));
    assert.equal(refused.tag, 'err');
    assert.match(String(refused.val), /is paused after a failed call/);
    await system.stopAll();
    verified(child);
  });

  test('a paused actor refuses calls with one sentence until it is resumed; it keeps its last good state', async () => {
    const { system, root } = await startTree(['counter-actor']);
    await system.sendAndWait(root.id, bytes('tick'));
    const trapped = await system.sendAndWait(root.id, bytes('trap'));
    assert.equal(trapped.tag, 'err');
    assert.equal(root.status, 'paused');
    const refused = await system.request(undefined, root.id, bytes('get'));
    assert.match(
      String(refused.val),
      /^actor counter-actor \(.*\) is paused after a failed call; it takes no messages until it is resumed or restarted$/,
    );
    assert.equal(system.unhandled.length, 1, 'no supervisor: the failure is unhandled');
    assert.equal((await system.resume(root.id)).tag, 'ok');
    assert.equal(text((await system.request(undefined, root.id, bytes('get'))).val as Uint8Array), '1');
    await system.stopAll();
    verified(root);
  });

  test('runtime.shutdown(data) ends the child after its call; the parent gets handle-child-exit with the data', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor']);
    const child = [...system.get(root.id)!.children][0]!.session;
    await system.sendAndWait(child.id, bytes('tick'));
    await system.sendAndWait(root.id, bytes('stop'));
    await child.done();
    await until(() => wasmCalls(allEvents(root)).includes('WasmResult theater:simple/supervisor-handlers.handle-child-exit'));
    assert.equal(system.get(child.id), undefined);
    const exit = allEvents(root)
      .map((e) => JSON.parse(Buffer.from(e.data).toString()) as { WasmCall?: { function_name: string; params: number[] } })
      .find((p) => p.WasmCall?.function_name === 'theater:simple/supervisor-handlers.handle-child-exit')!;
    // params (child id, some(the count "1" as bytes)), as serde_json writes the tuple
    assert.deepEqual(JSON.parse(Buffer.from(exit.WasmCall!.params).toString()), [child.id, [49]]);
    await system.stopAll();
    assert.equal(verified(child).at(-1)!.eventType, 'shutdown');
  });

  test('stopping a child from outside calls handle-child-external-stop on the parent; stopping the parent stops its children first', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor']);
    const child = [...system.get(root.id)!.children][0]!.session;
    await system.stop(child.id, 'stopped by the test');
    assert.equal(child.status, 'stopped');
    await until(() => wasmCalls(allEvents(root)).includes('WasmResult theater:simple/supervisor-handlers.handle-child-external-stop'));
    const { system: s2, root: r2 } = await startTree(['parent-actor', 'counter-actor']);
    const c2 = [...s2.get(r2.id)!.children][0]!.session;
    const order: string[] = [];
    c2.once('exit', () => order.push('child'));
    r2.once('exit', () => order.push('parent'));
    await s2.stop(r2.id);
    assert.deepEqual(order, ['child', 'parent']);
    await system.stopAll();
  });

  test('a deferred answer: handle-request answers nothing, a later send responds through respond-to-request', async () => {
    const { system, root } = await startTree(['deferred-actor']);
    const pending = system.request(undefined, root.id, bytes('question'));
    system.send(root.id, bytes('the answer'));
    const r = await pending;
    assert.equal(text(r.val as Uint8Array), 'the answer');
    const cancelled = system.request(undefined, root.id, bytes('question'));
    system.send(root.id, bytes('cancel'));
    const c = await cancelled;
    assert.equal(c.tag, 'err');
    assert.match(String(c.val), /was cancelled by actor deferred-actor/);
    await system.stopAll();
    verified(root);
  });

  test('a request cycle (A asks B, B asks A) gives err instead of hanging; unknown targets give err', async () => {
    const { system, root } = await startTree(['parent-actor', 'counter-actor']);
    const r = await system.request(undefined, root.id, bytes(`ask:${root.id}:ping`));
    assert.match(text(r.val as Uint8Array), /^err: request cycle: /);
    const unknown = await system.request(undefined, '00000000-0000-4000-8000-000000000000', bytes('x'));
    assert.equal(unknown.tag, 'err');
    assert.match(String(unknown.val), /no actor with id 00000000-0000-4000-8000-000000000000/);
    await system.stopAll();
  });
});

describe('living actors: golden chains and replay', () => {
  /** Ids in a fixed sequence, so a run records the same bytes every time. */
  const sequentialIds = () => {
    let n = 0;
    return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  };
  const goldenPath = path.join(projectRoot, 'test', 'golden', 'parent-counter.seq-ids.json');

  async function seededRun() {
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir, ids: sequentialIds() });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    const child = [...system.get(root.id)!.children][0]!.session;
    await system.sendAndWait(root.id, bytes('a'));
    assert.equal(text((await system.request(undefined, root.id, bytes('burst'))).val as Uint8Array), '6');
    assert.equal(text((await system.request(undefined, root.id, bytes('channel'))).val as Uint8Array), '8');
    await system.whenQuiet();
    await system.stopAll();
    const chain = (s: ActorSession) => verified(s).map((e) => ({ event_type: e.eventType, hash: toHex(e.hash) }));
    return { root, child, golden: { parent: chain(root), child: chain(child) } };
  }

  test('a two-actor run with fixed ids records exactly the golden chains, twice', async () => {
    // THEATER_UPDATE_GOLDEN=1 rewrites the file (only for an intended change of the recording; say so in the CHANGELOG).
    if (process.env.THEATER_UPDATE_GOLDEN) {
      const { golden: fresh } = await seededRun();
      const note = 'parent-actor + counter-actor, ids 00000000-0000-4000-8000-<n> in order; send "a", request "burst", request "channel".';
      fs.writeFileSync(goldenPath, JSON.stringify({ '//': note, ...fresh }, null, 2) + '\n');
    }
    const golden = JSON.parse(fs.readFileSync(goldenPath, 'utf8')) as { parent: unknown[]; child: unknown[] };
    for (let run = 0; run < 2; run++) {
      const { golden: got } = await seededRun();
      assert.deepEqual(got.parent, golden.parent);
      assert.deepEqual(got.child, golden.child);
    }
  });

  test('replay of each actor of the system from its own chain alone is identical', async () => {
    const { root, child } = await seededRun();
    for (const s of [child, root]) {
      const { session } = await runToEnd(s.manifestPath, { replayChainPath: s.logPath });
      assert.equal(session.replayReport?.verdict, 'replayed', session.replayReport?.message);
      assert.match(session.replayReport!.message, /^Replay identical/);
    }
  });
});
