// Chain retention: the newest run logs are kept by count and total size, logs of running actors
// never go, and a chain above 10k events or 10 MiB is pointed out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { cleanChains, largeChainWarning } from '../../src/runtime/chain/retention';
import { tempDir } from '../helpers/actors';

test('cleanChains keeps the newest by count and size and never a protected log', () => {
  const dir = tempDir('retention');
  const files = Array.from({ length: 6 }, (_, i) => {
    const f = path.join(dir, `a-${i}.chain.jsonl`);
    fs.writeFileSync(f, 'x'.repeat(100));
    fs.utimesSync(f, 1000 + i, 1000 + i); // a-5 is the newest
    return f;
  });
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a chain');
  const r = cleanChains(dir, { keep: 3, maxBytes: 10_000 }, new Set([path.resolve(files[0]!)]));
  assert.deepEqual(r.removed.map((f) => path.basename(f)).sort(), ['a-1.chain.jsonl', 'a-2.chain.jsonl']);
  assert.ok(fs.existsSync(files[0]!), 'a running actor’s log stays');
  const bySize = cleanChains(dir, { keep: 100, maxBytes: 250 });
  assert.deepEqual(bySize.removed.map((f) => path.basename(f)).sort(), ['a-0.chain.jsonl', 'a-3.chain.jsonl']);
  assert.ok(fs.existsSync(path.join(dir, 'notes.txt')));
  assert.deepEqual(cleanChains(path.join(dir, 'missing'), { keep: 1, maxBytes: 1 }).removed, []);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a chain above 10k events or 10 MiB gets a warning sentence', () => {
  assert.equal(largeChainWarning('c', 10_000, 1000), undefined);
  assert.match(largeChainWarning('c', 10_001, 1000) ?? '', /holds 10001 events/);
  assert.match(largeChainWarning('c', 5, 11 * 2 ** 20) ?? '', /11\.0 MiB/);
});
