// Replay reads a scalar recorded answer straight from its bytes (fastDecoderFor in replay.ts): for
// every text it must give exactly what the general path (parseLossless + decodeTyped) gives, or step
// aside (NOT_FAST) and let the general path decide and word the divergence.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseLossless } from '../../src/runtime/chain/json';
import { decodeTyped } from '../../src/runtime/chain/typedValue';
import { fastDecoderFor, NOT_FAST } from '../../src/runtime/host/replay';
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
