// The grow hook: every memory.grow of a core module calls an import first (the kill switch's way
// into a guest that only grows its memory). The rewritten module must behave exactly as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addGrowHook, GROW_HOOK_MODULE, GROW_HOOK_NAME } from '../../src/runtime/component/growHook';

// The project's lib declares little of the WebAssembly JS API.
const W = WebAssembly as any;
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;
const wat = async (text: string): Promise<Uint8Array> => (await importEsm('@bytecodealliance/jco-transpile/wasm-tools')).parse(text);

const MODULE = `
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "twice" (func $twice (type $t)))
  (import "env" "mem0" (global $g0 i32))
  (memory (export "memory") 1 100)
  (table 3 funcref)
  (elem (i32.const 0) $grow $ident)
  (elem declare func $ident)
  (global $fref funcref (ref.func $ident))
  (global $started (mut i32) (i32.const 0))
  (func $ident (type $t) local.get 0)
  (func $grow (export "grow") (type $t)
    (block $b (result i32)
      (loop $l (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (memory.size))
          (else (memory.grow (local.get 0)) (drop) (memory.size))))))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1)))
  (func (export "viaImport") (type $t) (call $twice (call $ident (local.get 0))))
  (func (export "fromGlobal") (param i32) (result i32) (table.set (i32.const 2) (global.get $fref)) (call_indirect (type $t) (local.get 0) (i32.const 2)))
  (func (export "started") (result i32) (global.get $started))
  (func $start (global.set $started (i32.add (global.get $g0) (call $ident (i32.const 41)))))
  (start $start)
)`;

test('addGrowHook: the hook sees every grow and the module behaves as before (calls, table, ref.func, start, exports)', async () => {
  const original = await wat(MODULE);
  const hooked = addGrowHook(original);
  assert.notEqual(hooked, original);
  const seen: number[] = [];
  const env = { twice: (x: number) => 2 * x, mem0: 1 };
  const plain = (await W.instantiate(original, { env })).instance.exports as Record<string, any>;
  const withHook = (
    await W.instantiate(hooked, {
      env,
      [GROW_HOOK_MODULE]: { [GROW_HOOK_NAME]: (pages: number) => (seen.push(pages), pages) },
    })
  ).instance.exports as Record<string, any>;
  for (const e of [plain, withHook]) {
    assert.equal(e.started(), 42);
    assert.equal(e.viaImport(5), 10);
    assert.equal(e.indirect(7, 1), 7); // table slot 1: $ident
    assert.equal(e.fromGlobal(9), 9);
    assert.equal(e.grow(0), 1);
    assert.equal(e.grow(2), 3);
    assert.equal(e.indirect(1, 0), 4); // table slot 0: $grow
  }
  assert.deepEqual(seen, [2, 1]);
  assert.deepEqual(
    W.Module.exports(new W.Module(hooked)).map((x: { name: string }) => x.name),
    W.Module.exports(new W.Module(original)).map((x: { name: string }) => x.name),
  );
});

test('addGrowHook: a module without memory.grow, or not a module, is returned as it is', async () => {
  const none = await wat('(module (memory 1) (func (export "f") (result i32) (i32.const 64)))');
  assert.equal(addGrowHook(none), none);
  const junk = new Uint8Array([1, 2, 3]);
  assert.equal(addGrowHook(junk), junk);
});

test('addGrowHook: the hook can refuse a grow by throwing (what a stopped actor does instead of waiting)', async () => {
  const m = addGrowHook(await wat('(module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1))))'));
  const e = (
    await W.instantiate(m, {
      [GROW_HOOK_MODULE]: {
        [GROW_HOOK_NAME]: () => {
          throw new Error('stopped');
        },
      },
    })
  ).instance.exports as Record<string, any>;
  assert.throws(() => e.g(), /stopped/);
});
