// The log stores list<u8> runs packed and gives back the exact Theater bytes: hashes never change,
// and a 1 MiB get-random-bytes no longer makes a 15 MB log line.
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { readChainLog, writeChainLog } from '../../src/runtime/chain/log';
import { packData, unpackData } from '../../src/runtime/chain/packedData';
import { hostFunctionPayload } from '../../src/runtime/chain/payload';
import { encodeTyped } from '../../src/runtime/chain/typedValue';
import { t } from '../../src/runtime/wit/types';

const header = {
  format: 'theater-vscode-chain' as const,
  version: 1 as const,
  actorId: 'a',
  actorName: 'a',
  manifestPath: null,
  componentSha256: null,
  startedAt: '2026-01-01T00:00:00.000Z',
};

test('a 1 MiB get-random-bytes event: log under 2× the data, same bytes and hash back', () => {
  const bytes = crypto.randomBytes(1 << 20);
  const data = hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-bytes', '{"U64":1048576}', encodeTyped(t.list(t.u8), bytes));
  assert.ok(data.length > 9 * bytes.length, 'the Theater bytes spell each byte as an object');
  const hash = chainHash(null, 'wasi:random/random@0.2.3/get-random-bytes', data);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'theater-packed-')), 'c.chain.jsonl');
  writeChainLog(file, header, [{ hash, parentHash: null, eventType: 'wasi:random/random@0.2.3/get-random-bytes', data }]);
  assert.ok(fs.statSync(file).size <= 2 * bytes.length, `log is ${fs.statSync(file).size} bytes for ${bytes.length} bytes of data`);
  const back = readChainLog(file);
  assert.equal(back.broken, undefined);
  assert.equal(Buffer.compare(Buffer.from(back.events[0]!.data), Buffer.from(data)), 0);
  assert.equal(toHex(chainHash(null, back.events[0]!.eventType, back.events[0]!.data)), toHex(hash));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('packing only takes canonical runs of 16 or more and round-trips anything', () => {
  const run = (n: number, v = 1) => Array(n).fill(`{"U8":${v}}`).join(',');
  for (const text of [
    `[${run(15)}]`,
    `[${run(16)}]`,
    `x{"U8":07},${run(20)},{"U8":256},${run(20, 255)}end`,
    `${run(40, 0)}`,
    'no runs here at all, just text long enough to be looked at '.repeat(10),
  ]) {
    const d = Buffer.from(text);
    const p = packData(d);
    const back = p ? Buffer.from(unpackData(p)) : d;
    assert.equal(back.toString(), text);
    if (text === `[${run(15)}]`) assert.equal(p, undefined);
  }
  assert.equal(packData(Buffer.concat([Buffer.from(`[${run(30)}]`), Buffer.from([0])])), undefined, 'data with a NUL byte is stored as is');
});
