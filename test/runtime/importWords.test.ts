// One module words an import resolution: the WIT diagnostic, the component plan's problem and the
// hover say the same sentence for the same import.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeImport } from '../../src/runtime/handlers/importWords';
import { planActor } from '../../src/runtime/handlers/plan';
import { resolveImport } from '../../src/runtime/handlers/registry';
import { validateWitText } from '../../src/runtime/validation/wit';
import { importMarkdown } from '../../src/server/hover';

const CASES: Array<[string, string]> = [
  ['acme:widgets/gizmo@1.0.0', 'unresolved'],
  ['wasi:random/random@0.3.0', 'version-mismatch'],
  ['wasi:random/random@0.2.0', 'compatible'],
  ['wasi:random/random@0.2.3', 'exact'],
];

test('the WIT diagnostic, the plan problem and the hover use describeImport for every verdict', () => {
  for (const [name, verdict] of CASES) {
    const wit = describeImport(resolveImport(name), 'wit');
    const component = describeImport(resolveImport(name), 'component');
    assert.equal(wit.verdict, verdict, name);
    assert.ok(importMarkdown(name).includes(wit.sentence), `hover of ${name}`);
    const diag = validateWitText(`package a:b;\nworld w {\n  import ${name};\n}\n`, '/w.wit')[0];
    const plan = planActor({ imports: [{ name, kind: 'instance' }], exports: [{ name: 'theater:simple/actor', kind: 'instance' }] }, [
      'random',
    ]).problems.find((p) => p.importName === name);
    if (verdict === 'exact') {
      assert.equal(diag, undefined, `${name}: nothing to say in the WIT file`);
      assert.equal(plan, undefined);
    } else if (verdict === 'compatible') {
      assert.equal(diag, undefined, `${name}: served, so no WIT diagnostic`);
      assert.equal(plan?.message, component.sentence);
    } else {
      assert.equal(diag?.message, wit.sentence, `WIT diagnostic for ${name}`);
      assert.equal(plan?.message, component.sentence, `plan problem for ${name}`);
    }
  }
  // Only the fix differs by site.
  assert.match(describeImport(resolveImport('wasi:random/random@0.3.0'), 'wit').sentence, /change the version to 0\.2\.3\.$/);
  assert.match(
    describeImport(resolveImport('wasi:random/random@0.3.0'), 'component').sentence,
    /rebuild the component against wasi:random\/random@0\.2\.3\.$/,
  );
});
