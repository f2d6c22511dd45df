// jco's glue, patched (src/runtime/component/gluePatch.ts): the patches hold on real jco output, fail
// loudly on output of another shape or version, and hostile guests trap as the canonical ABI says.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { GlueShapeError, PATCHED_JCO_VERSION, patchGlue } from '../../src/runtime/component/gluePatch';
import { jcoVersion } from '../../src/runtime/component/transpile';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { actorCopy, buildActors, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;

/** jco's unpatched actor.js for a test actor. */
async function rawGlue(actor: string): Promise<string> {
  await buildActors();
  const jco = await importEsm('@bytecodealliance/jco-transpile');
  const bytes = fs.readFileSync(path.join(projectRoot, 'test-actors', actor, `${actor}.wasm`));
  const out = await jco.transpileBytes(bytes, { name: 'actor', instantiation: { tag: 'async' }, noWasiShim: true, noTypescript: true });
  return Buffer.from(out.files['actor.js']).toString('utf8');
}

describe('jco glue patches', () => {
  test('the installed jco is the pinned one', () => {
    assert.equal(jcoVersion(), PATCHED_JCO_VERSION);
  });

  test('real glue: every host import is called directly, without task bookkeeping, lists and strings checked', async () => {
    const raw = await rawGlue('store-test');
    const patched = patchGlue(raw, PATCHED_JCO_VERSION);
    const trampolines = raw.match(/const _trampoline\d+ = function\(/g)!.length;
    assert.ok(trampolines >= 5, `store-test has ${trampolines} trampolines`);
    assert.equal(patched.match(/let trampoline\d+ = _trampoline\d+;/g)?.length, trampolines);
    assert.doesNotMatch(patched, /_lowerImportBackwardsCompat\.bind\(/);
    assert.doesNotMatch(patched, /new TextDecoder\(\)/);
    assert.doesNotMatch(patched, /memory\d+\.buffer\.slice\(/);
    assert.match(patched, /_theaterSlice\(memory0\.buffer, /);
  });

  test('glue of another shape or another jco version is refused with a sentence', async () => {
    const raw = await rawGlue('loop-actor');
    assert.throws(
      () => patchGlue(raw, '0.16.0'),
      (e: unknown) => e instanceof GlueShapeError && /written for jco 0\.15\.0/.test(e.message),
    );
    for (const [what, broken] of [
      ['task meta', raw.replace(/taskID: task\.id\(\),\s*fn: \(\) => _trackHostOperation/, 'fn: () => _trackHostOperation')],
      ['lowering', raw.replaceAll('funcTypeIsAsync: false,', 'funcTypeIsAsync: true,')],
      ['decoder', raw.replace('const TEXT_DECODER_UTF8 = new TextDecoder();', 'const TEXT_DECODER_UTF8 = new TextDecoder("utf-8");')],
    ] as const) {
      assert.notEqual(broken, raw, `the ${what} edit must change the glue`);
      assert.throws(() => patchGlue(broken, PATCHED_JCO_VERSION), GlueShapeError, what);
    }
  });
});

describe('hostile guests trap (canonical ABI)', () => {
  for (const [mode, expected] of [
    ['1', /the actor trapped: out of bounds memory access: the guest passed a list at 1000000\.\.1000100/],
    ['2', /the actor trapped: invalid UTF-8/],
  ] as const) {
    test(`mode ${mode}: ${expected.source.slice(0, 60)}`, async () => {
      const manifest = await actorCopy('hostile-guest-actor', (m) => `init_state = "./state.json"\n${m}`);
      fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), mode);
      const { outcome, session, initOk } = await runToEnd(manifest);
      assert.equal(initOk, false);
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.error ?? '', expected);
      const events = loadChainFile(session.logPath).events;
      assert.ok(verifyChain(events).ok);
      assert.deepEqual(
        events.map((e) => e.eventType),
        ['wasm', 'wasm', 'shutdown'],
      );
    });
  }
});
