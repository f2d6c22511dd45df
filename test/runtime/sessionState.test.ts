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
  counter.on('event', (ev: { eventType: string; data: Uint8Array }) => {
    if (ev.eventType === 'wasm' && text(ev.data).startsWith('{"category":"Wasm","WasmResult"')) seen.push('result');
  });
  counter.on('state', (s: Uint8Array | null) => seen.push(`state ${text(s)} (stored ${text(counter.state)})`));
  const sends = 3;
  for (let i = 0; i < sends; i++) assert.equal((await system.sendAndWait(counter.id, new TextEncoder().encode('tick'))).tag, 'ok');
  await system.stopAll();
  // Calls may be pipelined into the worker, so the next call's events can be read before this call's
  // 'state'; what holds: the k-th 'state' carries count k, is the stored state, and comes after the
  // k-th call's WasmResult.
  const states = seen.filter((x) => x.startsWith('state'));
  assert.deepEqual(
    states.slice(0, sends),
    Array.from({ length: sends }, (_, k) => `state ${k + 1} (stored ${k + 1})`),
  );
  for (let k = 1; k <= sends; k++) {
    const at = seen.indexOf(`state ${k} (stored ${k})`);
    const resultsBefore = seen.slice(0, at).filter((x) => x === 'result').length;
    assert.ok(resultsBefore >= k, `'state ${k}' after the call's WasmResult: ${seen.join(', ')}`);
  }
});
