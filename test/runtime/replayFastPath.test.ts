// Replay reads a scalar recorded answer straight from its bytes (fastDecoderFor in replay.ts): for
// every text it must give exactly what the general path (parseLossless + decodeTyped) gives, or step
// aside (NOT_FAST) and let the general path decide and word the divergence.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { createChainEvent } from '../../src/runtime/chain/hash';
import { writeChainLog } from '../../src/runtime/chain/log';
import { hostFunctionPayload, wasmCall } from '../../src/runtime/chain/payload';
import { encodeParams, encodeTyped } from '../../src/runtime/chain/typedValue';
import { findHandler } from '../../src/runtime/handlers/registry';
import { parseLossless } from '../../src/runtime/chain/json';
import { decodeTyped } from '../../src/runtime/chain/typedValue';
import { createReplayAnswerer, fastDecoderFor, NOT_FAST } from '../../src/runtime/host/replay';
import type { FunctionSpec } from '../../src/runtime/handlers/types';
import { t } from '../../src/runtime/wit/types';
import { seededRandom as rng } from '../helpers/chainText';

const KINDS = { u8: 'U8', u16: 'U16', u32: 'U32', s8: 'S8', s16: 'S16', s32: 'S32', u64: 'U64', s64: 'S64' } as const;
const EDGES = ['0', '-0', '1', '-1', '00', '01', '-01', '1e3', '1.0', ' 1', '1 ', '+1', '', '-'];
for (const bits of [7, 8, 15, 16, 31, 32, 53, 63, 64, 65]) {
  const b = 2n ** BigInt(bits);
  for (const v of [b - 1n, b, b + 1n, -b, -b - 1n, -b + 1n]) EDGES.push(v.toString());
}
EDGES.push('99999999999999999999', '100000000000000000000', '18446744073709551615', '18446744073709551616');

/** The general path's answer for `text`, or the error it throws. */
function general(ty: FunctionSpec['result'], text: string): { value: unknown } | { error: true } {
  try {
    return { value: decodeTyped(ty!, parseLossless(text)) };
  } catch {
    return { error: true };
  }
}

test('scalar recorded answers read from their bytes are exactly the general decoding, or left to it', () => {
  const r = rng(99);
  let fast = 0;
  for (const [kind, tag] of Object.entries(KINDS)) {
    const ty = t[kind as keyof typeof KINDS];
    const decode = fastDecoderFor({ name: 'f', params: [], result: ty, doc: '' } as FunctionSpec)!;
    const texts: string[] = [];
    for (const v of EDGES) texts.push(`{"${tag}":${v}}`);
    for (let n = 0; n < 300; n++) {
      const digits = 1 + Math.floor(r() * 20);
      let v = String(1 + Math.floor(r() * 9));
      for (let k = 1; k < digits; k++) v += String(Math.floor(r() * 10));
      texts.push(`{"${tag}":${r() < 0.3 ? '-' : ''}${v}}`);
    }
    texts.push(`{"${tag}":5`, `{"U9":5}`, `{"${tag}":5}}`, `{"${tag}" :5}`, `{"Other":5}`, `{"${tag}":"5"}`);
    for (const text of texts) {
      // Inside a payload, as replay sees it: `…,"output":<text>}`.
      const data = Buffer.from(`{"x":1,"output":${text}}`);
      const from = data.indexOf(',"output":') + ',"output":'.length;
      const got = decode(data, from, data.length - 1);
      if (got === NOT_FAST) continue;
      fast++;
      const want = general(ty, text);
      assert.ok('value' in want, `${kind} ${text}: the fast path answered ${String(got)} where the general path fails`);
      assert.equal(typeof got, typeof want.value, `${kind} ${text}`);
      assert.ok(Object.is(got, want.value) || got === want.value, `${kind} ${text}: ${String(got)} vs ${String(want.value)}`);
    }
  }
  assert.ok(fast > 1000, `canonical in-range values take the fast path (${fast})`);

  const bool = fastDecoderFor({ name: 'f', params: [], result: t.bool, doc: '' } as FunctionSpec)!;
  for (const [text, want] of [
    ['{"Bool":true}', true],
    ['{"Bool":false}', false],
    ['{"Bool":1}', NOT_FAST],
    ['{"Bool": true}', NOT_FAST],
  ] as const) {
    const data = Buffer.from(text);
    assert.equal(bool(data, 0, data.length), want, text);
  }
});

test('a call answered from a view of its line is checked against the recorded input, however often that input came before', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-replay-fast-'));
  try {
    const iface = findHandler('random')!.interfaces.find((i) => i.name === 'wasi:random/random')!;
    const bytesSpec = iface.functions.find((f) => f.name === 'get-random-bytes')!;
    const u64Spec = iface.functions.find((f) => f.name === 'get-random-u64')!;
    const importName = 'wasi:random/random@0.2.3';
    const input = (len: number) => encodeParams(bytesSpec.params, [BigInt(len)]);
    const calls: Array<[FunctionSpec, string, string]> = [
      [u64Spec, encodeParams([], []), encodeTyped(u64Spec.result!, 18446744073709551615n)],
      [u64Spec, encodeParams([], []), encodeTyped(u64Spec.result!, 7n)],
      [u64Spec, encodeParams([], []), encodeTyped(u64Spec.result!, 0n)],
      [bytesSpec, input(4), encodeTyped(bytesSpec.result!, Uint8Array.of(1, 2, 3, 4))],
      [bytesSpec, input(4), encodeTyped(bytesSpec.result!, Uint8Array.of(5, 6, 7, 8))],
      // The same length of input text as len 4, and an answer that fits len 4: only the input differs.
      [bytesSpec, input(5), encodeTyped(bytesSpec.result!, Uint8Array.of(9, 9, 9, 9))],
    ];
    const events: ChainEvent[] = [];
    const add = (type: string, data: Uint8Array) => events.push(createChainEvent(events.at(-1)?.hash ?? null, type, data));
    add('wasm', wasmCall('theater:simple/actor.init', 'null'));
    for (const [spec, inputJson, outputJson] of calls)
      add(`${importName}/${spec.name}`, hostFunctionPayload(importName, spec.name, inputJson, outputJson));
    const file = path.join(dir, 'r.chain.jsonl');
    const header = {
      format: 'theater-vscode-chain',
      version: 1,
      actorId: 'a',
      actorName: 'a',
      manifestPath: null,
      componentSha256: null,
      startedAt: new Date(0).toISOString(),
    } as const;
    writeChainLog(file, header, events);
    let index = 1;
    const s = createReplayAnswerer(file, { nextIndex: () => index++ });
    assert.equal(s.answer(importName, u64Spec, [], encodeParams([], [])), 18446744073709551615n);
    assert.equal(s.answer(importName, u64Spec, [], encodeParams([], [])), 7n);
    assert.equal(s.answer(importName, u64Spec, [], encodeParams([], [])), 0n);
    assert.deepEqual(s.answer(importName, bytesSpec, [4n], input(4)), Uint8Array.of(1, 2, 3, 4));
    assert.deepEqual(s.answer(importName, bytesSpec, [4n], input(4)), Uint8Array.of(5, 6, 7, 8));
    assert.throws(
      () => s.answer(importName, bytesSpec, [4n], input(4)),
      /^Error: replay diverged: the actor called wasi:random\/random@0\.2\.3\/get-random-bytes with .*"U64":4.*, but the recording has it called with .*"U64":5/,
    );
    s.finish(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
