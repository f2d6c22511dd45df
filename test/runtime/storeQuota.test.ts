// The store handler's quota (max_bytes): content past it is refused with the guest's err(string).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { storeHandler } from '../../src/runtime/handlers/store';
import type { HandlerContext } from '../../src/runtime/handlers/types';

test('a store refuses content past its max_bytes quota and keeps what it holds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-quota-'));
  const ctx = { actorId: 'a', actorName: 'a', manifestDir: dir, dataDir: dir } as unknown as HandlerContext;
  const fns = storeHandler.create(ctx, { base_path: './store', max_bytes: 100 }).functions('theater:simple/store');
  const id = (fns['new']!() as { tag: string; val: string }).val;
  const first = fns['store']!(id, new Uint8Array(60)) as { tag: string };
  assert.equal(first.tag, 'ok');
  assert.equal((fns['store']!(id, new Uint8Array(60)) as { tag: string }).tag, 'ok', 'the same content again takes no room');
  const over = fns['store']!(id, new Uint8Array(41).fill(1)) as { tag: string; val: string };
  assert.equal(over.tag, 'err');
  assert.match(over.val, /over its 100-byte quota \(max_bytes/);
  assert.equal((fns['store']!(id, new Uint8Array(40).fill(2)) as { tag: string }).tag, 'ok', 'up to the quota exactly');
  assert.equal((fns['calculate-total-size']!(id) as { val: bigint }).val, 100n);
  fs.rmSync(dir, { recursive: true, force: true });
});
