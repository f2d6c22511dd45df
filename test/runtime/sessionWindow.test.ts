// A long-lived actor runs in bounded memory on the main thread: its session keeps a window of the
// newest events and reads older ones from the log (the one source of truth) through a sparse index.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { ChainEventIndex, INDEX_BLOCK } from '../../src/runtime/chain/eventIndex';
import { toHex } from '../../src/runtime/chain/hash';
import { SESSION_WINDOW_EVENTS } from '../../src/runtime/host/session';
import { actorCopy, runToEnd } from '../helpers/actors';

describe('the session keeps a bounded window of events', () => {
  test('a 6,000-call run: the window stays bounded, every event is still there by index, from the log', async () => {
    const manifest = await actorCopy('loop-actor', (m) => `init_state = "./state.json"\n${m}`);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '6000');
    const { session, outcome, initOk } = await runToEnd(manifest);
    assert.ok(initOk, outcome.error);
    const all = loadChainFile(session.logPath).events;
    assert.ok(all.length > 6000, `${all.length} events`);
    assert.equal(session.eventCount, all.length);
    assert.equal(outcome.eventCount, all.length);
    assert.ok(session.recentEvents.length <= SESSION_WINDOW_EVENTS + 256, `${session.recentEvents.length} kept`);
    assert.equal(session.windowStart + session.recentEvents.length, all.length);
    assert.ok(session.windowStart > 0);
    // Old events come from the log (any order, block boundaries included), new ones from memory.
    for (const i of [0, 1, INDEX_BLOCK - 1, INDEX_BLOCK, 3000, 17, all.length - 1, session.windowStart - 1, session.windowStart])
      assert.equal(toHex(session.event(i)!.hash), toHex(all[i]!.hash), `event ${i}`);
    assert.equal(session.event(all.length), undefined);
    const seen: string[] = [];
    session.forEachEvent((ev) => seen.push(toHex(ev.hash)));
    assert.deepEqual(
      seen,
      all.map((e) => toHex(e.hash)),
    );
  });

  test('ChainEventIndex.scan indexes a file in one pass and reads any event back', async () => {
    const manifest = await actorCopy('loop-actor', (m) => `init_state = "./state.json"\n${m}`);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '700');
    const { session } = await runToEnd(manifest);
    const all = loadChainFile(session.logPath).events;
    const { index, summary } = ChainEventIndex.scan(session.logPath);
    assert.equal(index.count, all.length);
    assert.equal(summary.count, all.length);
    for (let i = all.length - 1; i >= 0; i -= 37) assert.equal(toHex(index.at(i)!.hash), toHex(all[i]!.hash));
  });
});
