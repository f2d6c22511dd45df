// What the server publishes: the validation core's diagnostics in LSP form, at precise ranges, and
// the files each manifest depends on (so a rebuilt component re-checks exactly its manifests).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { documentKind, pathKey } from '../../src/server/documents';
import { diagnose, toLsp } from '../../src/server/server';
import { checkDocument } from '../../src/server/validate';
import { tempDir } from '../helpers/actors';
import { projectRoot, sharedPath, skipUnlessShared } from '../helpers/shared';
import { buildActors, docFor, find, fixture, fixtureDir } from './support';

before(() => buildActors());

describe('diagnostics', () => {
  test('LSP form: stable code, source theater, severity, fix data', () => {
    const d = diagnose(fixture('unlisted.manifest.toml'))
      .map(toLsp)
      .find((x) => x.code === 'handler-not-listed')!;
    assert.equal(d.source, 'theater');
    assert.equal(d.severity, 1);
    assert.deepEqual(d.data, { fix: 'add-handler', handlerType: 'timing' });
  });

  test('an import problem sits on the component value; a TOML error on its exact position, the rest still checked', () => {
    const doc = fixture('unlisted.manifest.toml');
    const d = diagnose(doc).find((x) => x.code === 'handler-not-listed')!;
    assert.equal(doc.getText(d.range), '"../../../test-actors/wasi-clocks-test/wasi-clocks-test.wasm"');
    const broken = fixture('unlisted.manifest.toml', doc.getText().replace('version = "0.1.0"', 'version = "0.1.0'));
    const syntax = diagnose(broken).find((x) => x.code === 'toml-syntax')!;
    assert.deepEqual(syntax.range.start, find(broken, '"0.1.0'));
    assert.ok(
      diagnose(broken).some((x) => x.code === 'handler-not-listed'),
      'the rest of the file is still checked',
    );
  });

  test('.wit: a diagnostic only on a problem line (served imports and driven exports are said in hovers)', () => {
    const doc = fixture('world.wit');
    const byLine = new Map(diagnose(doc).map((d) => [doc.getText().split('\n')[d.range.start.line]!.trim(), d.code]));
    assert.deepEqual(Object.fromEntries(byLine), {
      'import wasi:random/random@0.3.0;': 'wit-import-version-mismatch',
      'import acme:widgets/gizmo@1.0.0;': 'wit-import-unresolved',
      'export acme:widgets/callback;': 'wit-export-undriven',
    });
    assert.ok(
      diagnose(doc).every((d) => d.severity === 'error' || d.severity === 'warning'),
      'no information squiggles',
    );
  });

  test('a wasi-http table: a fetch-event component without instance_per_request is warned on its port', (t) => {
    const file = path.join(projectRoot, 'test-actors', 'js-fetch-event-actor', 'manifest.toml');
    if (!fs.existsSync(file.replace('manifest.toml', 'js-fetch-event-actor.wasm'))) return t.skip('js-fetch-event-actor was not built');
    const doc = docFor(file, fs.readFileSync(file, 'utf8').replace(/instance_per_request = true\n/, ''));
    const d = diagnose(doc).find((x) => x.code === 'wasi-http-needs-instance-per-request');
    assert.ok(d, 'published');
    assert.equal(toLsp(d).severity, 2);
    assert.equal(doc.getText(d.range), '0');
    assert.ok(!diagnose(docFor(file, fs.readFileSync(file, 'utf8'))).some((x) => x.code.startsWith('wasi-http-')));
  });

  test('documents the server handles', () => {
    assert.equal(documentKind('file:///a/manifest.toml'), 'manifest');
    assert.equal(documentKind('file:///a/dev.manifest.toml'), 'manifest');
    assert.equal(documentKind('file:///a/world.wit'), 'wit');
    assert.equal(documentKind('file:///a/Cargo.toml'), undefined);
    assert.deepEqual(diagnose(docFor('/a/Cargo.toml', 'x = ')), []);
  });
});

describe('dependencies', () => {
  test('a manifest depends on its component, init_state and replay chain, found or not', () => {
    const doc = fixture(
      'unlisted.manifest.toml',
      `init_state = "./state.json"\n${fixture('unlisted.manifest.toml').getText()}\n[[handler]]\ntype = "replay"\nchain = "./run.chain.jsonl"\n`,
    );
    const deps = checkDocument(doc).dependencies;
    const expect = ['../../../test-actors/wasi-clocks-test/wasi-clocks-test.wasm', './state.json', './run.chain.jsonl'].map((p) =>
      pathKey(path.resolve(fixtureDir, p)),
    );
    for (const p of expect) assert.ok(deps.includes(p), `${p} in ${deps.join(', ')}`);
    assert.deepEqual(checkDocument(fixture('world.wit')).dependencies, []);
  });

  test('a component rebuilt in place is read again (the byte cache keys on size and mtime)', async () => {
    const dir = tempDir('lsp-cache');
    const actor = (n: string) => path.join(projectRoot, 'test-actors', n, `${n}.wasm`);
    fs.copyFileSync(actor('wasi-random-test'), path.join(dir, 'c.wasm'));
    const doc = docFor(
      path.join(dir, 'manifest.toml'),
      'name = "c"\nversion = "1"\ncomponent = "./c.wasm"\n\n[[handler]]\ntype = "random"\n',
    );
    assert.deepEqual(
      diagnose(doc).map((d) => d.code),
      [],
    );
    fs.copyFileSync(actor('random-030-actor'), path.join(dir, 'c.wasm'));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(dir, 'c.wasm'), later, later);
    assert.ok(diagnose(doc).some((d) => d.code === 'import-version-mismatch'));
  });
});

test(
  'the upstream Theater manifests give a clear "component not found" and nothing nonsensical',
  { skip: skipUnlessShared('fixtures', 'theater-manifests') },
  () => {
    const dir = sharedPath('fixtures', 'theater-manifests')!;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.toml'))) {
      const diags = diagnose(docFor(path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8')));
      const errors = diags.filter((d) => d.severity === 'error');
      assert.ok(
        errors.some((d) => d.code === 'component-not-found'),
        `${f}: component-not-found`,
      );
      for (const d of errors)
        assert.ok(['component-not-found', 'replay-chain-missing'].includes(d.code), `${f}: unexpected ${d.code}: ${d.message}`);
      assert.ok(
        !diags.some((d) => d.code === 'unknown-key' || d.code === 'unknown-handler-type' || d.code === 'config-unknown-key'),
        `${f}: no bogus key findings`,
      );
    }
  },
);
