import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { chainHash, toHex } from '../../src/runtime/chain/hash';
import { hostFunctionPayload, replaySummary, shutdownPayload, wasmCall, wasmError, wasmResult } from '../../src/runtime/chain/payload';
import { readTheaterChainJson } from '../../src/runtime/chain/theaterJson';
import { sharedPath, skipUnlessShared } from '../helpers/shared';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const FIXTURES = ['wasi-random-test', 'environment-test', 'runtime-test'];

test(
  'wasmCall for init is byte-identical to the first event of every upstream chain',
  { skip: skipUnlessShared('fixtures', 'theater-chains') },
  () => {
    const ours = wasmCall('theater:simple/actor.init', enc('null'));
    assert.equal(toHex(chainHash(null, 'wasm', ours)), '584d8e1be21fed4367e60f8297f7c104cd377791');
    for (const name of FIXTURES) {
      const events = readTheaterChainJson(fs.readFileSync(sharedPath('fixtures', 'theater-chains', `${name}.chain.json`)!, 'utf8'));
      assert.deepStrictEqual(ours, events[0]!.data, name);
    }
  },
);

test(
  'wasmResult and a v1 host call rebuild upstream events byte for byte',
  { skip: skipUnlessShared('fixtures', 'theater-chains') },
  () => {
    const events = readTheaterChainJson(fs.readFileSync(sharedPath('fixtures', 'theater-chains', 'runtime-test.chain.json')!, 'utf8'));
    const state = enc('{"message":"Runtime handler tests passed!","status":"success"}');
    assert.deepStrictEqual(wasmResult('theater:simple/actor.init', state, enc('null')), events[5]!.data);
    // v1 host calls embed input/output as byte arrays: the builder takes any JSON text verbatim.
    const asBytes = (s: string): string => `[${[...enc(s)].join(',')}]`;
    const log = hostFunctionPayload('theater:simple/runtime', 'log', asBytes('"Test message 1"'), asBytes('null'));
    assert.deepStrictEqual(log, events[2]!.data);
  },
);

test('envelopes have the exact key order and escaping', () => {
  assert.equal(
    text(hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', '{"U64":12529243227765134399}')),
    '{"category":"HostFunction","interface":"wasi:random/random@0.2.3","function":"get-random-u64","input":{"Tuple":[]},"output":{"U64":12529243227765134399}}',
  );
  assert.equal(text(wasmCall('f', '[1]')), '{"category":"Wasm","WasmCall":{"function_name":"f","params":[91,49,93]}}');
  assert.equal(
    text(wasmResult('f', null, 'null')),
    '{"category":"Wasm","WasmResult":{"function_name":"f","result":[null,[110,117,108,108]]}}',
  );
  assert.equal(
    text(wasmResult('f', new Uint8Array([1, 200]), new Uint8Array())),
    '{"category":"Wasm","WasmResult":{"function_name":"f","result":[[1,200],[]]}}',
  );
  assert.equal(
    text(wasmError('theater:simple/actor.init', 'trap: "unreachable"\nat 0x1')),
    '{"category":"Wasm","WasmError":{"function_name":"theater:simple/actor.init","message":"trap: \\"unreachable\\"\\nat 0x1"}}',
  );
  assert.equal(text(shutdownPayload()), '{"category":"Wasm","WasmCall":{"function_name":"shutdown","params":[]}}');
  assert.equal(
    text(replaySummary(8, 8, 1, false, '1 hash mismatches detected')),
    '{"category":"ReplaySummary","total_events":8,"events_replayed":8,"mismatches":1,"success":false,"error":"1 hash mismatches detected"}',
  );
  assert.equal(
    text(replaySummary(3, 3, 0, true, null)),
    '{"category":"ReplaySummary","total_events":3,"events_replayed":3,"mismatches":0,"success":true,"error":null}',
  );
  assert.throws(() => replaySummary(-1, 0, 0, true, null), /total must be a non-negative integer/);
  // Each payload owns a right-sized buffer (cheap to post between threads).
  const p = shutdownPayload();
  assert.equal(p.buffer.byteLength, p.length);
});
