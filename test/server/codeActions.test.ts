// Quick fixes: each one, applied to the text and re-validated, makes its diagnostic disappear, and
// edits only what it should.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { codeActionsFor } from '../../src/server/codeActions';
import { hoverAt } from '../../src/server/hover';
import { diagnose, toLsp } from '../../src/server/server';
import { applyFix, buildActors, codes, fixesFor, fixture } from './support';

before(() => buildActors());

describe('add the missing [[handler]]', () => {
  test('one action for all imports of the unlisted handler, appended after a blank line', () => {
    const doc = fixture('unlisted.manifest.toml');
    const actions = fixesFor(doc, 'handler-not-listed');
    assert.equal(actions.length, 1, 'three timing imports, one fix');
    assert.equal(actions[0]!.title, 'Add [[handler]] type = "timing"');
    assert.equal(actions[0]!.diagnostics!.length, 3);
    const fixed = applyFix(doc, 'handler-not-listed');
    assert.equal(fixed.getText(), `${doc.getText()}\n[[handler]]\ntype = "timing"\n`);
    assert.deepEqual(codes(fixed), []);
  });

  test('a file without a final newline, and one ending in blank lines, get exactly one blank line', () => {
    const base = fixture('unlisted.manifest.toml').getText().trimEnd();
    for (const ending of ['', '\n\n']) {
      const fixed = applyFix(fixture('unlisted.manifest.toml', base + ending), 'handler-not-listed');
      assert.equal(fixed.getText(), `${base}\n\n[[handler]]\ntype = "timing"\n`);
    }
  });
});

describe('replace an unknown key with the suggestion', () => {
  test('top-level key, table header and handler config key: only the key changes', () => {
    let doc = fixture('typos.manifest.toml');
    const before = doc.getText();
    assert.deepEqual(
      fixesFor(doc, 'unknown-key').map((a) => a.title),
      ['Change to `description`', 'Change to `permission_policy`'],
    );
    doc = applyFix(doc, 'unknown-key', 'Change to `description`');
    assert.match(doc.getText(), /^description = "a top-level key with a typo"$/m);
    doc = applyFix(doc, 'unknown-key', 'Change to `permission_policy`');
    assert.match(doc.getText(), /^\[permission_policy\.random\]$/m);
    doc = applyFix(doc, 'config-unknown-key');
    assert.match(doc.getText(), /^max_bytes = 1024$/m);
    assert.deepEqual(codes(doc), []);
    assert.equal(
      doc.getText(),
      before.replace('descripton', 'description').replace('permision', 'permission').replace('max_byte ', 'max_bytes '),
    );
  });

  test('no fix when there is no suggestion', () => {
    const doc = fixture('typos.manifest.toml', fixture('typos.manifest.toml').getText().replace('descripton', 'zzzzzz'));
    const d = diagnose(doc)
      .map(toLsp)
      .filter((x) => x.code === 'unknown-key' && x.message.includes('zzzzzz'));
    assert.equal(d.length, 1);
    assert.deepEqual(codeActionsFor(doc, d), []);
  });
});

describe('replace an unknown handler type with the suggestion', () => {
  test('"randon" becomes "random", quotes kept, and the error is gone', () => {
    for (const q of ['"', "'"]) {
      const text = fixture('typos.manifest.toml').getText().replace('type = "random"', `type = ${q}randon${q}`);
      const doc = fixture('typos.manifest.toml', text);
      assert.deepEqual(
        fixesFor(doc, 'unknown-handler-type').map((a) => a.title),
        ['Change to "random"'],
      );
      const fixed = applyFix(doc, 'unknown-handler-type');
      assert.equal(fixed.getText(), text.replace(`${q}randon${q}`, `${q}random${q}`));
      assert.ok(!codes(fixed).includes('unknown-handler-type'));
    }
  });
});

describe('remove a duplicate handler table', () => {
  test('in the middle: the whole block goes, the next table keeps its header', () => {
    const doc = fixture('duplicate.manifest.toml');
    const fixed = applyFix(doc, 'duplicate-handler');
    assert.equal(fixed.getText(), doc.getText().replace('[[handler]]\ntype = "random"\nseed = 42\n\n', ''));
    assert.deepEqual(codes(fixed), []);
  });

  test('at the end: no blank lines are left behind', () => {
    const base = fixture('duplicate.manifest.toml').getText().replace('[[handler]]\ntype = "random"\nseed = 42\n\n', '');
    const fixed = applyFix(fixture('duplicate.manifest.toml', `${base}\n[[handler]]\ntype = "runtime"\n`), 'duplicate-handler');
    assert.equal(fixed.getText(), base);
    assert.deepEqual(codes(fixed), []);
  });
});

describe('change a WIT import to the registered version', () => {
  test('only the version changes and the import is then served', () => {
    const doc = fixture('world.wit');
    const fixed = applyFix(doc, 'wit-import-version-mismatch');
    assert.equal(fixed.getText(), doc.getText().replace('wasi:random/random@0.3.0', 'wasi:random/random@0.2.3'));
    assert.ok(!codes(fixed).includes('wit-import-version-mismatch'));
    assert.deepEqual(
      diagnose(fixed).filter((d) => d.range.start.line === 4),
      [],
      'the fixed line is served: nothing to say',
    );
    const hover = hoverAt(fixed, { line: 4, character: fixed.getText().split('\n')[4]!.indexOf('wasi:') + 1 });
    assert.match((hover?.contents as { value: string }).value, /served by the `random` handler \(exact version\)/);
  });
});

test('diagnostics without fix data, or from another source, get no action', () => {
  const doc = fixture('duplicate.manifest.toml');
  const d = diagnose(doc)
    .map(toLsp)
    .find((x) => x.code === 'duplicate-handler')!;
  assert.deepEqual(codeActionsFor(doc, [{ ...d, data: undefined }]), []);
  assert.deepEqual(codeActionsFor(doc, [{ ...d, source: 'other' }]), []);
});
