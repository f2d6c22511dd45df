// The session says 'state' once a call's returned state is the stored one, after the call's events
// (Show State reads `state` on it; on 'event' it would read the state before the call).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActorSession } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorsCopy, dataDir } from '../helpers/actors';

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

function initDone(session: ActorSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.status === 'idle') return resolve();
    session.once('init-done', () => resolve());
    void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
  });
}

test("'state' comes after the call's events, with the new state stored", async () => {
  const manifests = await actorsCopy(['counter-actor']);
  const system = new ActorSystem({ dataDir });
  const counter = await system.start({ manifestPath: manifests['counter-actor']! });
  await initDone(counter);
  const seen: string[] = [];
  counter.on('event', () => seen.push(`event (state ${text(counter.state)})`));
  counter.on('state', (s: Uint8Array | null) => seen.push(`state ${text(s)} (stored ${text(counter.state)})`));
  for (let i = 0; i < 2; i++) assert.equal((await system.sendAndWait(counter.id, new TextEncoder().encode('tick'))).tag, 'ok');
  await system.stopAll();
  // Each call: its WasmCall and WasmResult are read while the old state is stored; then 'state' with the new one.
  assert.deepEqual(seen.slice(0, 6), [
    'event (state 0)',
    'event (state 0)',
    'state 1 (stored 1)',
    'event (state 1)',
    'event (state 1)',
    'state 2 (stored 2)',
  ]);
});
