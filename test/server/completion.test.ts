// Completion: keys, handler types, config keys of the table's type, values, paths, and versioned
// interface names in .wit — offered from the registry, each with an edit that lands correctly.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findHandler, listHandlers, qualifiedName } from '../../src/runtime/handlers/registry';
import { completionsAt } from '../../src/server/completion';
import { projectRoot } from '../helpers/shared';
import { applyEdits, buildActors, docFor, fixture, withMarkers } from './support';

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const sorted = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
/** The line the cursor is on after accepting `label`. */
function accept(doc: TextDocument, items: CompletionItem[], label: string, line: number): string {
  const item = items.find((i) => i.label === label);
  assert.ok(item, `${label} is offered`);
  return applyEdits(doc, [item.textEdit as TextEdit])
    .getText()
    .split('\n')[line]!;
}

describe('manifest.toml', () => {
  const { doc, at } = withMarkers('completion.manifest.toml');

  test('top-level keys not yet present (required first), and [[handler]]', () => {
    const items = completionsAt(doc, at('top'));
    const l = labels(items);
    for (const k of ['description', 'long_description', 'init_state', 'package', '[[handler]]']) assert.ok(l.includes(k), k);
    for (const k of ['name', 'version', 'component', 'save_chain', 'handler', 'permission_policy'])
      assert.ok(!l.includes(k), `${k} is present or a table`);
    assert.equal(accept(doc, items, 'description', 0), 'description = "$1"');
    assert.equal(
      completionsAt(doc, at('top'), { snippets: false }).find((i) => i.label === 'description')!.textEdit!.newText,
      'description = ""',
    );
  });

  test('boolean values', () => {
    assert.deepEqual(labels(completionsAt(doc, at('bool'))), ['true', 'false']);
    const crypto = completionsAt(doc, at('cryptoValue'));
    assert.deepEqual(labels(crypto), ['true', 'false']);
    assert.equal(crypto.find((i) => i.label === 'false')!.detail, 'default');
    // Triggered by `=` itself: the value gets its space.
    const eq = fixture('completion.manifest.toml', 'name = "x"\nsave_chain =\n');
    assert.equal(accept(eq, completionsAt(eq, { line: 1, character: 12 }), 'true', 1), 'save_chain = true');
  });

  test("a config key's default as its value", () => {
    const d = fixture('completion.manifest.toml', '[[handler]]\ntype = "timing"\nmax_sleep_duration = \n');
    const items = completionsAt(d, { line: 2, character: 'max_sleep_duration = '.length });
    assert.deepEqual(labels(items), ['3600000']);
    assert.equal(items[0]!.detail, 'default');
  });

  test("config keys of the table's type that are not there yet, with type and default", () => {
    const items = completionsAt(doc, at('randomKey'));
    const l = labels(items);
    assert.ok(l.includes('seed') && l.includes('max_int'));
    assert.ok(!l.includes('max_bytes') && !l.includes('allow_crypto_secure') && !l.includes('type'), 'present keys are not offered');
    assert.ok(!l.includes('max_sleep_duration'), "only the random handler's keys");
    assert.equal(items.find((i) => i.label === 'max_int')!.detail, 'integer = 9223372036854775807');
    assert.equal(accept(doc, items, 'max_int', at('randomKey').line), 'max_int = 9223372036854775807');
  });

  test('type = "…": every registered type, in registry order, replacing the quotes', () => {
    const items = completionsAt(doc, at('type'));
    assert.deepEqual(
      labels(sorted(items)),
      listHandlers().map((h) => h.type),
    );
    assert.equal(items.find((i) => i.label === 'process')!.detail, findHandler('process')!.summary);
    assert.match((items.find((i) => i.label === 'random')!.documentation as { value: string }).value, /wasi:random\/random@0\.2\.3/);
    assert.equal(accept(doc, items, 'timing', at('type').line), 'type = "timing"');
    // Half typed, no closing quote yet.
    const partial = completionsAt(doc, at('typePartial'));
    assert.equal(accept(doc, partial, 'timing', at('typePartial').line), 'type = "timing"');
  });

  test("path values: files of the right kind under the manifest's folder", async () => {
    await buildActors();
    const { at: p } = withMarkers('completion.manifest.toml');
    const file = path.join(projectRoot, 'test-actors', 'wasi-random-test', 'manifest.toml');
    const d = docFor(file, 'name = "x"\nversion = "1"\ncomponent = "\n');
    const items = completionsAt(d, { line: 2, character: 'component = "'.length });
    assert.ok(labels(items).includes('./wasi-random-test.wasm'), labels(items).join(', '));
    assert.ok(labels(items).every((l) => l.endsWith('.wasm')));
    assert.equal(
      applyEdits(d, [items[0]!.textEdit as TextEdit])
        .getText()
        .split('\n')[2],
      `component = "${items[0]!.label}"`,
    );
    assert.deepEqual(
      completionsAt(doc, p('chainPath')).filter((i) => !/\.jsonl?$/.test(i.label)),
      [],
      'replay chain: chain files only',
    );
  });

  test('a table header', () => {
    const items = completionsAt(doc, at('header'));
    assert.deepEqual(labels(items), ['[[handler]]']);
    assert.equal(accept(doc, items, '[[handler]]', at('header').line), '[[handler]]');
  });
});

describe('.wit', () => {
  const { doc, at } = withMarkers('completion.wit');
  const imports = [...new Set(listHandlers().flatMap((h) => h.interfaces.map(qualifiedName)))];

  test('after `import `: every registered interface with its version', () => {
    const items = completionsAt(doc, at('import'));
    assert.deepEqual(new Set(labels(items)), new Set(imports));
    assert.ok(labels(items).includes('wasi:random/random@0.2.3') && labels(items).includes('wasi:clocks/monotonic-clock@0.2.3'));
    assert.ok(
      items.every((i) => findHandler(i.detail!.replace(/ handler$/, ''))!.interfaces.some((f) => qualifiedName(f) === i.label)),
      'each interface names the handler that provides it',
    );
    assert.equal(accept(doc, items, 'wasi:random/random@0.2.3', at('import').line), '  import wasi:random/random@0.2.3;');
  });

  test('a half-typed name is replaced whole, and an existing `;` is kept single', () => {
    const items = completionsAt(doc, at('importPartial'));
    assert.equal(accept(doc, items, 'wasi:random/random@0.2.3', at('importPartial').line), '  import wasi:random/random@0.2.3;');
  });

  test('after `export `: the exports handlers drive', () => {
    const items = completionsAt(doc, at('export'));
    assert.ok(labels(items).includes('theater:simple/actor'));
    assert.equal(sorted(items)[0]!.label, 'theater:simple/actor');
    assert.match((items[0]!.documentation as { value: string }).value, /called by the `runtime` handler/);
  });

  test('nothing elsewhere', () => {
    assert.deepEqual(completionsAt(doc, { line: 0, character: 3 }), []);
  });
});
