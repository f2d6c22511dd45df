// The one manifest rule, and package.json's copies of it (activation, menus) agreeing with it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { isTheaterManifestName, MANIFEST_GLOBS, MANIFEST_PATH_REGEX, MANIFEST_WHEN_REGEX } from '../../src/runtime/manifest/identify';
import { documentKind } from '../../src/server/documents';
import { projectRoot } from '../helpers/shared';

const YES = ['manifest.toml', 'dev.manifest.toml', 'replay-manifest.toml', 'wasi-random-test.replay-manifest.toml', '.manifest.toml'];
const NO = [
  'Manifest.toml', // Julia's Pkg
  'JuliaManifest.toml',
  'Manifest-v1.11.toml',
  'MANIFEST.TOML',
  'manifest.TOML',
  'mymanifest.toml',
  'manifest.toml.bak',
  'manifest.json',
  'Cargo.toml',
];

/** A workspace glob of the form `**\/<name pattern>` as a regular expression over a file name (`*` is any run of characters). */
function globToRegex(glob: string): RegExp {
  assert.match(glob, /^\*\*\/[^/]+$/, 'globs are `**/<file name pattern>`');
  const name = glob
    .slice(3)
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${name}$`);
}

describe('the manifest rule', () => {
  test('exact file names: manifest.toml, <name>.manifest.toml, <name>-manifest.toml; case matters', () => {
    for (const n of YES) assert.equal(isTheaterManifestName(n), true, n);
    for (const n of NO) assert.equal(isTheaterManifestName(n), false, n);
    assert.equal(isTheaterManifestName('/home/me/actor/manifest.toml'), true);
    assert.equal(isTheaterManifestName('C:\\Users\\me\\actor\\manifest.toml'), true);
    assert.equal(isTheaterManifestName('/home/me/manifest.toml/Manifest.toml'), false, 'the file name decides, not a folder');
  });

  test('the server uses it for URIs (encoded names included)', () => {
    assert.equal(documentKind('file:///a/Manifest.toml'), undefined);
    assert.equal(documentKind('file:///a/replay-manifest.toml'), 'manifest');
    assert.equal(documentKind('file:///a%20b/dev.manifest.toml'), 'manifest');
    assert.equal(documentKind('file:///a/manifest.toml.orig'), undefined);
  });

  test('the globs and the when-clause regex say the same as the rule', () => {
    const globs = MANIFEST_GLOBS.map(globToRegex);
    const when = new RegExp(MANIFEST_WHEN_REGEX.slice(1, -1));
    for (const n of [...YES, ...NO]) {
      assert.equal(
        globs.some((g) => g.test(n)),
        isTheaterManifestName(n),
        `globs on ${n}`,
      );
      assert.equal(when.test(n), isTheaterManifestName(n), `when regex on ${n}`);
      for (const p of [n, `/home/me/a.b/${n}`, `file:///c%3A/x-y/${n}`, `C:\\x.y\\${n}`])
        assert.equal(new RegExp(MANIFEST_PATH_REGEX).test(p), isTheaterManifestName(n), `path regex on ${p}`);
    }
  });

  test("package.json's activation events and menus are the rule's globs and regex, nothing else", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      activationEvents: string[];
      contributes: {
        menus: Record<string, Array<{ command: string; when?: string }>>;
        languages: Array<{ id: string; filenames?: string[] }>;
        tomlValidation: Array<{ regexMatch?: string; fileMatch?: string }>;
      };
    };
    const manifestActivation = pkg.activationEvents.filter((e) => e.includes('manifest'));
    assert.deepEqual(
      manifestActivation,
      MANIFEST_GLOBS.map((g) => `workspaceContains:${g}`),
    );
    const whens = Object.values(pkg.contributes.menus)
      .flat()
      .map((m) => m.when ?? '')
      .filter((w) => /manifest/i.test(w));
    assert.ok(whens.length >= 2, 'the Start Actor menus name manifests');
    for (const w of whens) assert.equal(w, `resourceFilename =~ ${MANIFEST_WHEN_REGEX}`);
    assert.deepEqual(
      pkg.contributes.tomlValidation.map((v) => v.regexMatch ?? v.fileMatch),
      [MANIFEST_PATH_REGEX],
      'the JSON Schema is offered to Even Better TOML for the same files',
    );
    // VS Code matches language `filenames` ignoring case: a manifest language by file name would claim Julia's Manifest.toml.
    const lang = pkg.contributes.languages.find((l) => l.id === 'theater-manifest');
    assert.ok(lang, 'the theater-manifest language is contributed');
    assert.equal(lang.filenames, undefined);
  });
});
