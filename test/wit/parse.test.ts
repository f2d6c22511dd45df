// The tolerant WIT reader: worlds and their items with exact ranges, interfaces and functions,
// and syntax problems at their position without losing the rest of the file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseWit } from '../../src/runtime/wit/parse';
import { projectRoot } from '../helpers/shared';

test('a real world file: package, items with versions and exact ranges, interfaces and functions', () => {
  const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'grammar', 'theater.wit'), 'utf8');
  const doc = parseWit(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.package, {
    name: 'test:wasi-random',
    version: '0.1.0',
    range: { start: { line: 1, character: 8 }, end: { line: 1, character: 30 } },
  });
  const items = doc.worlds[0]!.items;
  assert.deepEqual(
    items.map((i) => `${i.kind} ${i.target}`),
    ['import wasi:random/random@0.2.3', 'import theater:simple/runtime', 'export theater:simple/actor', 'include wasi:cli/imports@0.2.0'],
  );
  const lines = text.split('\n');
  for (const i of items) assert.equal(lines[i.range.start.line]!.slice(i.range.start.character, i.range.end.character), i.target);
  assert.deepEqual(
    doc.interfaces.map((i) => `${i.name}: ${i.functions.map((f) => f.name).join(',')}`),
    ['store: get,%interface', 'monotonic-clock: now'],
  );
});

test("the test actors' WIT packages parse without problems", () => {
  for (const f of fs.readdirSync(path.join(projectRoot, 'test-actors', 'wit')).filter((x) => x.endsWith('.wit'))) {
    assert.deepEqual(parseWit(fs.readFileSync(path.join(projectRoot, 'test-actors', 'wit', f), 'utf8')).problems, [], f);
  }
});

test('syntax problems are reported where they are and the rest is still read', () => {
  const doc = parseWit(
    'package a:b;\nworld w {\n  import wasi:random/random@0.2.3\n  import theater:simple/runtime;\n  export wasi:random/Random@x;\n}\n/* never closed\n',
  );
  assert.deepEqual(
    doc.problems.find((p) => p.message.startsWith('Missing `;`')),
    {
      message: 'Missing `;` after `wasi:random/random@0.2.3`.',
      range: { start: { line: 2, character: 9 }, end: { line: 2, character: 33 } },
    },
  );
  assert.ok(
    doc.worlds[0]!.items.some((i) => i.target === 'theater:simple/runtime'),
    'the next import is still read',
  );
  assert.ok(doc.problems.some((p) => /not a valid interface name/.test(p.message) && p.range.start.line === 4));
  assert.ok(doc.problems.some((p) => /block comment is never closed/.test(p.message) && p.range.start.line === 6));
  const unclosed = parseWit('world w {\n  import a:b/c;\n');
  assert.ok(unclosed.problems.some((p) => /World `w` is never closed/.test(p.message)));
});
