// The WIT TextMate grammar against real WIT: each construct gets its scope.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type * as textmate from 'vscode-textmate';
import { projectRoot } from '../helpers/shared';
import { has, loadGrammar, scopeOf, tokenize as tokenizeWith } from './textmate';

let grammar: textmate.IGrammar;

before(async () => {
  grammar = await loadGrammar('source.wit', 'wit.tmLanguage.json');
});

const tokenize = (text: string) => tokenizeWith(grammar, text).tokens;

describe('WIT grammar', () => {
  const fixture = () => fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'grammar', 'theater.wit'), 'utf8');

  test('imports: namespace, package, interface and version are distinct scopes', () => {
    const tokens = tokenize(fixture());
    assert.ok(has(scopeOf(tokens, 'import', 5), 'keyword.control.import.wit'));
    assert.ok(has(scopeOf(tokens, 'wasi', 5), 'entity.name.namespace.wit'));
    assert.ok(has(scopeOf(tokens, 'random', 5), 'entity.name.namespace.package.wit'));
    assert.ok(has(scopeOf(tokens, '0.2.3', 5), 'constant.numeric.version.wit'));
    assert.ok(has(scopeOf(tokens, 'actor', 7), 'entity.name.type.interface.wit'));
    assert.ok(has(scopeOf(tokens, 'export', 7), 'keyword.control.import.wit'));
  });

  test('package declarations and nested package blocks carry their version', () => {
    const tokens = tokenize(fixture());
    assert.ok(has(scopeOf(tokens, 'package', 1), 'keyword.other.package.wit'));
    assert.ok(has(scopeOf(tokens, '0.1.0', 1), 'constant.numeric.version.wit'));
    assert.ok(has(scopeOf(tokens, '0.2.3', 28), 'constant.numeric.version.wit'));
  });

  test('comments, nested block comments and doc comments', () => {
    const tokens = tokenize(fixture());
    assert.ok(has(scopeOf(tokens, "/// A Theater actor's world.", 0), 'comment.line.documentation.wit'));
    const line3 = tokens.filter((t) => t.line === 3);
    assert.ok(
      line3.every((t) => has(t.scopes, 'comment.block')),
      'the whole nested comment line is comment',
    );
  });

  test('worlds, interfaces, type definitions, functions, fields and types', () => {
    const tokens = tokenize(fixture());
    assert.ok(has(scopeOf(tokens, 'wasi-random-test', 4), 'entity.name.type.world.wit'));
    assert.ok(has(scopeOf(tokens, 'store', 11), 'entity.name.type.interface.wit'));
    assert.ok(has(scopeOf(tokens, 'record', 13), 'storage.type.record.wit'));
    assert.ok(has(scopeOf(tokens, 'content-ref', 13), 'entity.name.type.wit'));
    assert.ok(has(scopeOf(tokens, 'hash', 13), 'variable.other.field.wit'));
    assert.ok(has(scopeOf(tokens, 'u64', 13), 'support.type.primitive.wit'));
    assert.ok(has(scopeOf(tokens, 'ready', 18), 'entity.name.function.wit'));
    assert.ok(has(scopeOf(tokens, 'func', 18), 'storage.type.function.wit'));
    assert.ok(has(scopeOf(tokens, 'constructor', 19), 'entity.name.function.constructor.wit'));
    assert.ok(has(scopeOf(tokens, 'static', 20), 'storage.modifier.wit'));
    assert.ok(has(scopeOf(tokens, 'borrow', 20), 'support.type.generic.wit'));
    assert.ok(has(scopeOf(tokens, 'result', 24), 'support.type.generic.wit'));
    assert.ok(has(scopeOf(tokens, 'get', 24), 'entity.name.function.wit'));
    assert.ok(has(scopeOf(tokens, '%interface', 25), 'entity.name.function.wit'));
    assert.ok(has(scopeOf(tokens, 'resource', 17), 'storage.type.resource.wit'));
    assert.ok(has(scopeOf(tokens, 'enum', 15), 'storage.type.enum.wit'));
  });

  test('feature gates', () => {
    const tokens = tokenize(fixture());
    assert.ok(has(scopeOf(tokens, 'since', 23), 'storage.modifier.annotation.wit'));
  });

  test('an unterminated block comment makes the rest of the file comment, and nothing else', () => {
    const tokens = tokenize('world w {\n/* open\nimport wasi:random/random@0.2.3;\n');
    assert.ok(has(scopeOf(tokens, 'world', 0), 'storage.type.world.wit'));
    assert.ok(tokens.filter((t) => t.line >= 1 && t.text.trim()).every((t) => has(t.scopes, 'comment.block')));
  });

  test("the test actors' and the upstream world files tokenize without runaway rule stacks", () => {
    for (const dir of fs.readdirSync(path.join(projectRoot, 'test-actors'))) {
      const f = path.join(projectRoot, 'test-actors', dir, 'world.wit');
      if (!fs.existsSync(f)) continue;
      assert.equal(tokenizeWith(grammar, fs.readFileSync(f, 'utf8')).depth, 1, `${dir}/world.wit leaves no open rule`);
    }
  });
});
