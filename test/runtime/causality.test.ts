// Following calls across chains: the lookups behind "Go to its cause" / "Go to the call it caused",
// on hand-made events and on the real logs of a parent and its child; and a restart of a child by the
// user through its parent's supervision.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { causesCalls, findCause, findEffects, isCauseOf, scanLog } from '../../src/runtime/chain/causality';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { toHex } from '../../src/runtime/chain/hash';
import { ChainLogWriter } from '../../src/runtime/chain/log';
import type { ActorSession } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorsCopy, dataDir } from '../helpers/actors';

const h = (n: number) => new Uint8Array(20).fill(n);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');
const bytes = (s: string) => new TextEncoder().encode(s);

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') return resolve();
    session.once('init-done', () => resolve());
    void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
}

/** The export a wasm event names, with its kind (`WasmCall theater:simple/actor.init`); '' for other events. */
function wasmCall(e: ChainEvent): string {
  if (e.eventType !== 'wasm') return '';
  const p = JSON.parse(Buffer.from(e.data).toString('utf8')) as Record<string, { function_name: string }>;
  const kind = Object.keys(p).find((k) => k.startsWith('Wasm'))!;
  return `${kind} ${p[kind]!.function_name}`;
}

async function readAll(file: string): Promise<ChainEvent[]> {
  const out: ChainEvent[] = [];
  assert.equal(
    await scanLog(file, (ev, i) => {
      out[i] = ev;
    }),
    true,
  );
  return out;
}

describe('causality lookups', () => {
  test('which host calls cause calls elsewhere', () => {
    for (const fn of ['send', 'request', 'open-channel', 'send-on-channel', 'close-channel'])
      assert.equal(causesCalls(`theater:simple/message-server-host/${fn}`), true, fn);
    assert.equal(causesCalls('theater:simple/supervisor/spawn'), true);
    assert.equal(causesCalls('theater:simple/supervisor/restart-child'), true);
    // Answers and queries deliver no call.
    for (const t of [
      'theater:simple/message-server-host/respond-to-request',
      'theater:simple/message-server-host/list-outstanding-requests',
      'theater:simple/supervisor/list-children',
      'theater:simple/runtime/log',
      'wasm',
    ])
      assert.equal(causesCalls(t), false, t);
  });

  test('a cause names its event by hash, or by the hash it follows', () => {
    const send = { hash: h(2), parentHash: h(1) };
    assert.equal(isCauseOf({ actor: 'a', event: toHex(h(2)) }, 'a', send), true);
    assert.equal(isCauseOf({ actor: 'b', event: toHex(h(2)) }, 'a', send), false, 'another actor');
    assert.equal(isCauseOf({ actor: 'a', event: toHex(h(3)) }, 'a', send), false, 'another event');
    assert.equal(isCauseOf({ actor: 'a', after: toHex(h(1)) }, 'a', send), true, 'the event that follows `after`');
    assert.equal(isCauseOf({ actor: 'a', after: toHex(h(2)) }, 'a', send), false);
    assert.equal(isCauseOf({ actor: 'a', after: toHex(h(1)) }, 'a', { hash: h(1), parentHash: null }), false, 'a root event');
    assert.equal(isCauseOf({ actor: 'a' }, 'a', send), false, 'a cause without an event names none');
  });

  test('findCause and findEffects read the logs: both ends of a send, of a request and of a spawn', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-cause-'));
    const header = (actorId: string) => ({
      format: 'theater-vscode-chain' as const,
      version: 1 as const,
      actorId,
      actorName: actorId,
      manifestPath: null,
      componentSha256: null,
      startedAt: '2026-12-04T00:00:00.000Z',
    });
    const write = (file: string, actorId: string, events: ChainEvent[]) => {
      const w = ChainLogWriter.create(file, header(actorId));
      events.forEach((ev, i) => w.append(ev, i));
      w.close();
    };
    const ev = (hash: number, parent: number | null, eventType: string, cause?: ChainEvent['cause']): ChainEvent => ({
      hash: h(hash),
      parentHash: parent === null ? null : h(parent),
      eventType,
      data: bytes('{}'),
      ...(cause ? { cause } : {}),
    });
    // Sender A: init call, spawn (recorded once it returned), a send, a request.
    write(path.join(dir, 'a.jsonl'), 'A', [
      ev(1, null, 'wasm'),
      ev(2, 1, 'theater:simple/supervisor/spawn'),
      ev(3, 2, 'theater:simple/message-server-host/send'),
      ev(4, 3, 'theater:simple/message-server-host/request'),
    ]);
    // Receiver B: its init (caused by the spawn), the send's handle-send, the request's handle-request.
    write(path.join(dir, 'b.jsonl'), 'B', [
      ev(11, null, 'wasm', { actor: 'A', after: toHex(h(1)) }),
      ev(12, 11, 'wasm'),
      ev(13, 12, 'wasm', { actor: 'A', event: toHex(h(3)) }),
      ev(14, 13, 'wasm'),
      ev(15, 14, 'wasm', { actor: 'A', after: toHex(h(3)) }),
    ]);
    const a = { actorId: 'A', logPath: path.join(dir, 'a.jsonl') };
    const b = { actorId: 'B', logPath: path.join(dir, 'b.jsonl') };
    const bEvents = await readAll(b.logPath);
    const aEvents = await readAll(a.logPath);
    assert.deepEqual(await findCause(bEvents[0]!.cause!, a), { actorId: 'A', index: 1 }, 'init ← spawn');
    assert.deepEqual(await findCause(bEvents[2]!.cause!, a), { actorId: 'A', index: 2 }, 'handle-send ← send');
    assert.deepEqual(await findCause(bEvents[4]!.cause!, a), { actorId: 'A', index: 3 }, 'handle-request ← request');
    assert.equal(await findCause({ actor: 'A', event: toHex(h(9)) }, a), undefined, 'no such event');
    assert.deepEqual(await findEffects('A', aEvents[1]!, [a, b]), [{ actorId: 'B', index: 0 }]);
    assert.deepEqual(await findEffects('A', aEvents[2]!, [a, b]), [{ actorId: 'B', index: 2 }]);
    assert.deepEqual(await findEffects('A', aEvents[3]!, [a, b]), [{ actorId: 'B', index: 4 }]);
    assert.deepEqual(await findEffects('A', aEvents[0]!, [a, b]), [], 'the init call caused nothing');
    assert.deepEqual(await findEffects('B', aEvents[2]!, [a, b]), [], 'the causes name A, not B');
    assert.equal(await scanLog(path.join(dir, 'missing.jsonl'), () => true), false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('causality of a real parent and child', () => {
  test("spawn, sends and a forwarded request are followed both ways in the actors' logs", async () => {
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    const child = [...system.get(root.id)!.children][0]!.session;
    assert.equal(system.send(root.id, bytes('a')).tag, 'ok');
    const r = await system.request(undefined, root.id, bytes('get'));
    assert.equal(text(r.val as Uint8Array), '1');
    await system.stopAll();
    const chains = [root, child].map((s) => ({ actorId: s.id, logPath: s.logPath }));
    const parentEvents = await readAll(root.logPath);
    const childEvents = await readAll(child.logPath);

    // The child's init was caused by the parent's spawn.
    assert.ok(childEvents[0]!.cause, "the child's init WasmCall carries its cause");
    const spawn = await findCause(childEvents[0]!.cause!, chains[0]!);
    assert.equal(parentEvents[spawn!.index]!.eventType, 'theater:simple/supervisor/spawn');
    assert.deepEqual(await findEffects(root.id, parentEvents[spawn!.index]!, chains), [{ actorId: child.id, index: 0 }]);

    const handleSend = childEvents.findIndex((e) => wasmCall(e) === 'WasmCall theater:simple/message-server-client.handle-send');
    const send = await findCause(childEvents[handleSend]!.cause!, chains[0]!);
    assert.equal(parentEvents[send!.index]!.eventType, 'theater:simple/message-server-host/send');
    assert.deepEqual(await findEffects(root.id, parentEvents[send!.index]!, chains), [{ actorId: child.id, index: handleSend }]);

    const handleRequest = childEvents.findIndex((e) => wasmCall(e) === 'WasmCall theater:simple/message-server-client.handle-request');
    const request = await findCause(childEvents[handleRequest]!.cause!, chains[0]!);
    assert.equal(parentEvents[request!.index]!.eventType, 'theater:simple/message-server-host/request');
    assert.deepEqual(await findEffects(root.id, parentEvents[request!.index]!, chains), [{ actorId: child.id, index: handleRequest }]);
    // The request from outside (this test) has no cause.
    const outside = parentEvents.findIndex((e) => wasmCall(e) === 'WasmCall theater:simple/message-server-client.handle-request');
    assert.equal(parentEvents[outside]!.cause, undefined);
  });

  test("a child's failed call is the cause of its parent's handle-child-error", async () => {
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    const child = [...system.get(root.id)!.children][0]!.session;
    const restarted = new Promise<void>((resolve) => root.on('log', (m: string) => m === 'child failed; restarting it' && resolve()));
    await system.request(undefined, root.id, bytes('trap'));
    await restarted;
    await system.whenQuiet();
    await system.stopAll();
    const parentEvents = await readAll(root.logPath);
    const childEvents = await readAll(child.logPath);
    const handler = parentEvents.findIndex((e) => wasmCall(e) === 'WasmCall theater:simple/supervisor-handlers.handle-child-error');
    assert.ok(handler >= 0, 'the parent was told');
    const failed = await findCause(parentEvents[handler]!.cause!, { actorId: child.id, logPath: child.logPath });
    assert.equal(wasmCall(childEvents[failed!.index]!), 'WasmError theater:simple/message-server-client.handle-request');
    const chains = [root, child].map((s) => ({ actorId: s.id, logPath: s.logPath }));
    assert.deepEqual(await findEffects(child.id, childEvents[failed!.index]!, chains), [{ actorId: root.id, index: handler }]);
  });

  test("the user's restart of a child goes through its parent: same id, the chain goes on, a root is refused", async () => {
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    const child = [...system.get(root.id)!.children][0]!.session;
    system.send(root.id, bytes('a'));
    assert.equal(text((await system.request(undefined, root.id, bytes('get'))).val as Uint8Array), '1');
    const before = child.eventCount;
    assert.deepEqual(await system.restartChild(child.id), { tag: 'ok', val: undefined });
    assert.equal(system.get(child.id)?.parent, system.get(root.id), 'still its parent’s child');
    assert.equal(text((await system.request(undefined, root.id, bytes('get'))).val as Uint8Array), '0', 'init ran again');
    const r = await system.restartChild(root.id);
    assert.equal(r.tag, 'err');
    assert.match(r.val as string, /has no parent in this runtime/);
    await system.stopAll();
    const events = await readAll(child.logPath);
    assert.deepEqual(
      events.slice(before, before + 2).map(wasmCall),
      ['WasmCall theater:simple/actor.init', 'WasmResult theater:simple/actor.init'],
      'the restart continues the same chain',
    );
    assert.equal(events.at(-1)!.eventType, 'shutdown');
  });
});

describe('channel open answers', () => {
  test('a rejected open gives the opener err and no channel; an accepted one a channel id', async () => {
    const manifests = await actorsCopy(['counter-actor', 'parent-actor']);
    const system = new ActorSystem({ dataDir });
    const counter = await system.start({ manifestPath: manifests['counter-actor']! });
    const opener = await system.start({ manifestPath: manifests['counter-actor']! });
    await Promise.all([initDone(counter), initDone(opener)]);
    // The router's answer to the opener's open-channel host call (what its message-server handler returns).
    const router = system as unknown as {
      messageCall(node: unknown, fn: string, args: unknown[], cause: { actor: string }): Promise<{ tag: string; val: unknown }>;
    };
    const open = (msg: string) => router.messageCall(system.get(opener.id), 'open-channel', [counter.id, bytes(msg)], { actor: opener.id });
    const refused = await open('no');
    assert.equal(refused.tag, 'err');
    assert.match(refused.val as string, /^actor counter-actor \(.*\) did not accept the channel$/);
    const accepted = await open('hi');
    assert.equal(accepted.tag, 'ok');
    assert.equal(typeof accepted.val, 'string');
    const channels = (system as unknown as { channels: Map<string, unknown> }).channels;
    assert.deepEqual([...channels.keys()], [accepted.val], 'only the accepted open made a channel');
    await system.stopAll();
    const events = await readAll(counter.logPath);
    const results = events
      .filter((e) => wasmCall(e) === 'WasmResult theater:simple/message-server-client.handle-channel-open')
      .map((e) => {
        const r = (JSON.parse(Buffer.from(e.data).toString('utf8')) as { WasmResult: { result: [number[], number[]] } }).WasmResult.result;
        return (JSON.parse(Buffer.from(r[1]).toString('utf8')) as [{ accepted: boolean }])[0].accepted;
      });
    assert.deepEqual(results, [false, true], 'both answers are in the chain');
  });
});

describe('supervisor get-child-events', () => {
  test("the child's real chain, each event with the time it was recorded", async () => {
    const t0 = Date.now();
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    const child = [...system.get(root.id)!.children][0]!.session;
    assert.equal(system.send(root.id, bytes('a')).tag, 'ok');
    await system.request(undefined, root.id, bytes('get'));
    const router = system as unknown as {
      supervisorCall(node: unknown, fn: string, args: unknown[], cause: { actor: string }): Promise<{ tag: string; val: unknown }>;
    };
    const r = await router.supervisorCall(system.get(root.id), 'get-child-events', [child.id], { actor: root.id });
    const t1 = Date.now();
    await system.stopAll();
    assert.equal(r.tag, 'ok');
    const got = r.val as Array<{ hash: Uint8Array; eventType: string; timestamp: bigint }>;
    const chain = await readAll(child.logPath);
    assert.deepEqual(
      got.map((e) => toHex(e.hash)),
      chain.slice(0, got.length).map((e) => toHex(e.hash)),
    );
    assert.ok(got.length >= 6, 'init, the send and the request');
    for (const e of got) assert.ok(e.timestamp >= BigInt(t0) && e.timestamp <= BigInt(t1), `${e.timestamp} within the run`);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]!.timestamp >= got[i - 1]!.timestamp, 'in recording order');
  });
});
