// A chain file in the explorer: read, verified, filtered and decoded by a worker; the first page
// arrives first, rows come by index, Go to Event moves the window instead of growing it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { createChainEvent, toHex } from '../../src/runtime/chain/hash';
import { writeChainLog } from '../../src/runtime/chain/log';
import { hostFunctionPayload } from '../../src/runtime/chain/payload';
import { writeTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { PAGE } from '../../src/extension/model/chainSource';
import { FileChainSource } from '../../src/extension/model/fileChainSource';
import { tempDir } from '../helpers/actors';

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

/** A source whose `changed` callback resolves waits on conditions (no sleeps). */
function open(file: string) {
  const waiters: Array<() => void> = [];
  const reports: string[] = [];
  const source = new FileChainSource(
    'f',
    path.basename(file),
    file,
    () => waiters.splice(0).forEach((w) => w()),
    (m) => reports.push(m),
  );
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { source, until, reports };
}

const header = {
  format: 'theater-vscode-chain' as const,
  version: 1 as const,
  actorId: 'a',
  actorName: 'x',
  manifestPath: null,
  componentSha256: null,
  startedAt: '2026-01-01T00:00:00.000Z',
};

describe('FileChainSource', () => {
  const dir = tempDir('file-source');
  const events = chain(3000);
  const log = path.join(dir, 'x.chain.jsonl');
  writeChainLog(log, header, events);
  const json = path.join(dir, 'x.chain.json');
  fs.writeFileSync(json, writeTheaterChainJson(events));

  for (const file of [log, json]) {
    test(`${path.extname(file)}: the first page is ready first; the rest is verified, paged and filtered in the worker`, async () => {
      const { source, until } = open(file);
      try {
        await source.ready();
        const first = source.visible();
        assert.equal(first.indexes.length, PAGE);
        assert.deepEqual(first.indexes.slice(0, 3), [0, 1, 2]);
        assert.equal(toHex(source.event(499)!.hash), toHex(events[499]!.hash));
        assert.match(source.decode(4).summary, /4/);
        await until(() => !source.reading);
        assert.equal(source.total, 3000);
        assert.deepEqual(source.verifyNew(), { state: 'intact', checked: 3000 });
        // Go to Event 2600: the window moves to its page, it does not grow to 2,600 rows.
        assert.equal(source.reveal(2600), true);
        source.visible();
        await until(() => source.visible().indexes.length === PAGE);
        const v = source.visible();
        assert.deepEqual([v.indexes[0], v.hiddenBefore, v.hiddenAfter], [2500, 2500, 0]);
        assert.equal(toHex(source.event(2600)!.hash), toHex(events[2600]!.hash));
        source.loadMore('before');
        await until(() => source.visible().indexes.length === 2 * PAGE);
        assert.equal(source.visible().indexes[0], 2000);
        source.setFilter({ type: 'get-random-bytes' });
        await until(() => source.visible().matching === 1000 && source.visible().indexes.length === PAGE);
        assert.deepEqual(source.visible().indexes.slice(0, 3), [0, 3, 6]);
        assert.equal(source.reveal(2602), false, 'hidden by the filter');
        source.setFilter({ text: '→ 2999' });
        await until(() => source.visible().indexes.length > 0);
        assert.deepEqual(source.visible().indexes, [2999]);
      } finally {
        source.dispose();
      }
    });
  }

  test('a tampered event is reported at its index; a file that is not a chain rejects with one sentence', async () => {
    const bad = events.slice(0, 800).map((e) => ({ ...e }));
    bad[650] = { ...bad[650]!, data: new TextEncoder().encode('{"tampered":true}') };
    const file = path.join(dir, 'bad.chain.jsonl');
    writeChainLog(file, header, bad);
    const { source, until } = open(file);
    await source.ready();
    await until(() => !source.reading);
    const r = source.verifyNew();
    assert.equal(r.state, 'broken');
    assert.equal(r.state === 'broken' && r.index, 650);
    source.dispose();

    const junk = path.join(dir, 'junk.json');
    fs.writeFileSync(junk, 'hello');
    const j = open(junk);
    await assert.rejects(j.source.ready(), /is neither a Theater chain\.json nor a theater-vscode chain log/);
    j.source.dispose();
  });
});
