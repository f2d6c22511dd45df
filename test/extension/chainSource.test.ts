// The explorer's pure model: windowing, paging, filters, incremental verification, coalescing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { createChainEvent } from '../../src/runtime/chain/hash';
import { hostFunctionPayload } from '../../src/runtime/chain/payload';
import { ChainSource, PAGE, RefreshCoalescer } from '../../src/extension/model/chainSource';

function chain(n: number): ChainEvent[] {
  const out: ChainEvent[] = [];
  for (let i = 0; i < n; i++) {
    const fn = i % 3 === 0 ? 'get-random-bytes' : 'get-random-u64';
    out.push(
      createChainEvent(
        out[i - 1]?.hash ?? null,
        `wasi:random/random@0.2.3/${fn}`,
        hostFunctionPayload('wasi:random/random@0.2.3', fn, '{"Tuple":[]}', `{"U64":${i}}`),
      ),
    );
  }
  return out;
}

describe('ChainSource', () => {
  test('a file shows its first page, then pages on demand', () => {
    const s = new ChainSource('f', 'file', chain(1200), false);
    let v = s.visible();
    assert.equal(v.indexes.length, PAGE);
    assert.equal(v.indexes[0], 0);
    assert.equal(v.hiddenAfter, 1200 - PAGE);
    s.loadMore();
    v = s.visible();
    assert.equal(v.indexes.length, 2 * PAGE);
    assert.equal(v.hiddenAfter, 1200 - 2 * PAGE);
  });

  test('a live actor follows the newest events and counts the earlier ones', () => {
    const events = chain(700);
    const s = new ChainSource('l', 'live', events, true);
    const v = s.visible();
    assert.equal(v.indexes[0], 200);
    assert.equal(v.indexes.at(-1), 699);
    assert.equal(v.hiddenBefore, 200);
    events.push(...chain(1).map((e) => ({ ...e })));
    assert.equal(s.visible().hiddenBefore, 201, 'new events move the window, the chain stays complete');
  });

  test('filters by event type and by text; reveal grows the window to an event', () => {
    const s = new ChainSource('f', 'file', chain(3000), false);
    s.setFilter({ type: 'get-random-bytes' });
    assert.equal(s.visible().matching, 1000);
    s.setFilter({ text: '"U64":2999' });
    assert.equal(s.visible().matching, 0, 'text matches the summary, not the raw JSON');
    s.setFilter({ text: '2999' });
    assert.deepEqual(s.visible().indexes, [2999]);
    s.setFilter({});
    assert.equal(s.reveal(2500), true);
    assert.ok(s.visible().indexes.includes(2500));
  });
  test('reveal on a large live chain keeps one page around the event; load more pages from there', () => {
    const events = chain(5_000);
    const s = new ChainSource('l', 'live', events, true);
    assert.equal(s.reveal(10), true);
    let v = s.visible();
    assert.ok(v.indexes.includes(10));
    assert.equal(v.indexes.length, PAGE, 'the window never grows to the whole chain');
    assert.equal(v.hiddenBefore, 0);
    assert.equal(s.reveal(3_345), true);
    v = s.visible();
    assert.equal(v.indexes.length, PAGE);
    assert.equal(v.indexes[0], 3_345 - PAGE / 2);
    s.loadMore('before');
    assert.equal(s.visible().indexes[0], 3_345 - PAGE / 2 - PAGE);
    s.loadMore('after');
    assert.equal(s.visible().indexes.length, 3 * PAGE);
    for (let k = 0; k < 20 && s.visible().hiddenAfter > 0; k++) s.loadMore('after');
    events.push(...chain(1).map((e) => ({ ...e })));
    assert.equal(s.visible().hiddenAfter, 0, 'a window that reached the newest event follows it again');
    s.setFilter({ type: 'get-random-bytes' });
    assert.equal(s.reveal(4_500), true);
    assert.ok(s.visible().indexes.includes(4_500));
    assert.equal(s.visible().indexes.length, PAGE);
  });

  test('verification is incremental and names the broken event', () => {
    const events = chain(50);
    const s = new ChainSource('f', 'file', events, false);
    assert.deepEqual(s.verifyNew(), { state: 'intact', checked: 50 });
    const bad = chain(60);
    bad[55] = { ...bad[55]!, data: new Uint8Array([1, 2, 3]) };
    const t = new ChainSource('g', 'file', bad, false);
    const r = t.verifyNew();
    assert.equal(r.state, 'broken');
    assert.equal(r.state === 'broken' && r.index, 55);
  });
});

describe('RefreshCoalescer', () => {
  function fakeClock() {
    const timers: Array<() => void> = [];
    return {
      timers,
      clock: {
        set: ((fn: () => void) => {
          timers.push(fn);
          return timers.length as unknown as NodeJS.Timeout;
        }) as unknown as typeof setTimeout,
        clear: (() => {}) as unknown as typeof clearTimeout,
      },
      fire: () => {
        const fns = timers.splice(0);
        for (const f of fns) f();
      },
    };
  }

  test('many marks make one flush per interval', () => {
    const c = fakeClock();
    const flushed: string[][] = [];
    const r = new RefreshCoalescer<string>(250, (k) => flushed.push([...k]), c.clock);
    for (let i = 0; i < 1000; i++) r.mark(i % 2 ? 'a' : 'b');
    assert.equal(c.timers.length, 1);
    c.fire();
    assert.deepEqual(flushed, [['b', 'a']]);
  });

  test('nothing flushes while hidden; one flush when visible again', () => {
    const c = fakeClock();
    let flushes = 0;
    const r = new RefreshCoalescer<string>(
      250,
      () => {
        flushes++;
      },
      c.clock,
    );
    r.setVisible(false);
    for (let i = 0; i < 100; i++) r.mark('a');
    assert.equal(c.timers.length, 0);
    assert.equal(flushes, 0);
    r.setVisible(true);
    assert.equal(flushes, 1);
  });
});
