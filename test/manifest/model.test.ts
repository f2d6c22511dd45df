// manifest.toml as a model with exact ranges, tolerant of broken lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifest } from '../../src/runtime/manifest/model';
import { readTomlDocument } from '../../src/runtime/manifest/tomlDocument';

const slice = (text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
  text.split('\n')[r.start.line]!.slice(r.start.character, r.end.character);

test('keys and values have exact ranges, through dotted keys, inline tables and multi-line arrays', () => {
  const text = [
    'name = "actor"  # trailing comment',
    'a.b = 1',
    'inline = { x = "y", n = 9223372036854775807 }',
    'list = [',
    '  "one", # comment',
    '  "two",',
    ']',
    '[[handler]]',
    'type = "environment"',
    'allowed_vars = ["PATH", "HOME"]',
  ].join('\n');
  const doc = readTomlDocument(text);
  assert.deepEqual(doc.problems, []);
  const by = (p: string) => doc.entries.find((e) => e.path.join('.') === p)!;
  assert.equal(slice(text, by('name').keyRange), 'name');
  assert.equal(slice(text, by('name').valueRange), '"actor"');
  assert.equal(by('a.b').value, 1);
  assert.equal(slice(text, by('a.b').keyRange), 'a.b');
  assert.equal(by('inline.n').value, 9223372036854775807n);
  assert.equal(slice(text, by('inline.x').valueRange), '"y"');
  assert.deepEqual(by('list').value, ['one', 'two']);
  assert.deepEqual(by('list').valueRange.end, { line: 6, character: 1 });
  assert.equal(by('handler.0.type').value, 'environment');
  assert.equal(by('handler.0.allowed_vars').type, 'array');
});

test('a syntax error is reported at its position and the other lines are still read', () => {
  const text = 'name = "a"\nversion = \ncomponent = "./x.wasm"\n[[handler]]\ntype = "random"\nseed = 1\n';
  const m = parseManifest(text, '/tmp/x/manifest.toml');
  const syntax = m.problems.find((p) => p.code === 'toml-syntax')!;
  assert.deepEqual(syntax.range.start, { line: 1, character: 10 });
  assert.equal(m.component?.value, './x.wasm');
  assert.equal(m.handlers[0]!.type, 'random');
  assert.equal(m.handlers[0]!.config.seed, 1);
  assert.ok(!m.problems.some((p) => p.code === 'missing-key'), 'no missing-key guesses while the file is broken');
});

test('shape problems: wrong types, a handler without type, missing keys, the package alias', () => {
  const m = parseManifest('name = 5\nversion = "1"\n[[handler]]\nseed = 3\n', '/tmp/x/manifest.toml');
  assert.deepEqual(m.problems.map((p) => p.code).sort(), ['handler-missing-type', 'missing-key', 'wrong-type']);
  assert.match(m.problems.find((p) => p.code === 'wrong-type')!.message, /`name` must be a string, not an integer/);
  const pkg = parseManifest('name = "a"\nversion = "1"\npackage = "./a.wasm"\n', '/tmp/x/manifest.toml');
  assert.equal(pkg.componentKey, 'package');
  assert.equal(pkg.component?.value, './a.wasm');
  assert.deepEqual(pkg.problems, []);
});

test('duplicate keys and tables are reported; a scalar `handler` explains the table syntax', () => {
  const doc = readTomlDocument('name = "a"\nname = "b"\n[t]\n[t]\n');
  assert.equal(doc.problems.length, 2);
  const m = parseManifest('name = "a"\nversion = "1"\ncomponent = "./a.wasm"\nhandler = "random"\n', '/tmp/x/manifest.toml');
  assert.match(m.problems[0]!.message, /write `\[\[handler\]\]` on its own line/);
});

test('`handler = [{…}]` and `[[handler]]` tables give the same entries and the same problems', () => {
  const head = 'name = "a"\nversion = "1"\ncomponent = "./a.wasm"\n';
  const inline = parseManifest(`${head}handler = [{ type = "random", seed = 7 }, { seed = 1 }, { type = 3 }]\n`, '/tmp/x/manifest.toml');
  const tables = parseManifest(
    `${head}[[handler]]\ntype = "random"\nseed = 7\n[[handler]]\nseed = 1\n[[handler]]\ntype = 3\n`,
    '/tmp/x/manifest.toml',
  );
  const shape = (m: ReturnType<typeof parseManifest>) => ({
    handlers: m.handlers.map((h) => ({ index: h.index, type: h.type, config: { ...h.config } })),
    problems: m.problems.map((p) => p.code),
  });
  assert.deepEqual(shape(inline), shape(tables));
  assert.deepEqual(shape(tables), {
    handlers: [
      { index: 0, type: 'random', config: { seed: 7 } },
      { index: 1, type: undefined, config: { seed: 1 } },
      { index: 2, type: undefined, config: {} },
    ],
    problems: ['handler-missing-type', 'wrong-type'],
  });
});

test('max_memory_mib: a whole number of MiB in 1..4096; other values are one sentence each', () => {
  const base = 'name = "a"\nversion = "1"\ncomponent = "./a.wasm"\n';
  const ok = parseManifest(`${base}max_memory_mib = 64\n`, '/tmp/x/manifest.toml');
  assert.equal(ok.maxMemoryMiB, 64);
  assert.deepEqual(ok.problems, []);
  const text = parseManifest(`${base}max_memory_mib = "64"\n`, '/tmp/x/manifest.toml');
  assert.equal(text.maxMemoryMiB, undefined);
  assert.match(text.problems[0]!.message, /`max_memory_mib` must be an integer \(MiB\), not a string/);
  for (const n of [0, 4097]) {
    const out = parseManifest(`${base}max_memory_mib = ${n}\n`, '/tmp/x/manifest.toml');
    assert.equal(out.maxMemoryMiB, undefined);
    assert.equal(out.problems[0]!.code, 'out-of-range');
    assert.match(out.problems[0]!.message, new RegExp(`must be between 1 and 4096 \\(MiB\\), not ${n}`));
  }
});
