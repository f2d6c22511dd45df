// The TOML TextMate grammar of the `theater-manifest` language, against real manifests.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type * as textmate from 'vscode-textmate';
import { projectRoot } from '../helpers/shared';
import { has, loadGrammar, scopeOf, tokenize, type Token } from './textmate';

let grammar: textmate.IGrammar;
let tokens: Token[];
let depth: number;

before(async () => {
  grammar = await loadGrammar('source.theater-manifest', 'toml.tmLanguage.json');
  ({ tokens, depth } = tokenize(grammar, MANIFEST));
});

const MANIFEST = `# An actor
name = "wasi-random-test"
version = '0.1.0'
component = "./actor.wasm" # trailing
save_chain = true
"quoted key" = 0x1F
meta.weight = -3.5e2
when = 1979-05-27T07:32:00Z
escape = "tab\\t and \\q"
list = [
  1, # one
  "two",
]
inline = { a = 1, b.c = "x" }
long = """
first = "not a key"
"""

[permission_policy.random]
type = "inherit"

[[handler]]
type = "random"
`;

describe('TOML grammar (theater-manifest)', () => {
  test('keys, the assignment and each kind of value get their scopes', () => {
    assert.ok(has(scopeOf(tokens, ' An actor', 0), 'comment.line.number-sign.toml'));
    assert.ok(has(scopeOf(tokens, 'name', 1), 'support.type.property-name.toml'));
    assert.ok(has(scopeOf(tokens, '=', 1), 'keyword.operator.assignment.toml'));
    assert.ok(has(scopeOf(tokens, 'wasi-random-test', 1), 'string.quoted.double.basic.toml'));
    assert.ok(has(scopeOf(tokens, '0.1.0', 2), 'string.quoted.single.literal.toml'));
    assert.ok(has(scopeOf(tokens, ' trailing', 3), 'comment.line.number-sign.toml'));
    assert.ok(has(scopeOf(tokens, 'true', 4), 'constant.language.boolean.toml'));
    assert.ok(has(scopeOf(tokens, '"quoted key"', 5), 'support.type.property-name.quoted.toml'));
    assert.ok(has(scopeOf(tokens, '0x1F', 5), 'constant.numeric.integer.hex.toml'));
    assert.ok(has(scopeOf(tokens, 'weight', 6), 'support.type.property-name.toml'));
    assert.ok(has(scopeOf(tokens, '-3.5e2', 6), 'constant.numeric.float.toml'));
    assert.ok(has(scopeOf(tokens, '1979-05-27T07:32:00Z', 7), 'constant.other.time.datetime.offset.toml'));
    assert.ok(has(scopeOf(tokens, '\\t', 8), 'constant.character.escape.toml'));
    assert.ok(has(scopeOf(tokens, '\\q', 8), 'invalid.illegal.escape.toml'));
  });

  test('arrays span lines with comments; inline tables hold keys', () => {
    assert.ok(has(scopeOf(tokens, '1', 10), 'constant.numeric.integer.toml'));
    assert.ok(has(scopeOf(tokens, ' one', 10), 'comment.line.number-sign.toml'));
    assert.ok(has(scopeOf(tokens, 'two', 11), 'meta.array.toml'));
    assert.ok(has(scopeOf(tokens, 'a', 13), 'support.type.property-name.toml'));
    assert.ok(has(scopeOf(tokens, 'c', 13), 'support.type.property-name.toml'));
    assert.ok(has(scopeOf(tokens, 'x', 13), 'string.quoted.double.basic.toml'));
  });

  test('a multi-line string stays a string: its lines are not keys', () => {
    const inside = tokens.filter((t) => t.line === 15);
    assert.ok(inside.length > 0 && inside.every((t) => has(t.scopes, 'string.quoted.triple.basic.block.toml')));
  });

  test('[table] and [[array of tables]] headers, with dotted keys', () => {
    assert.ok(has(scopeOf(tokens, 'permission_policy', 18), 'entity.name.section.table.toml'));
    assert.ok(has(scopeOf(tokens, 'random', 18), 'entity.name.section.table.toml'));
    assert.ok(has(scopeOf(tokens, '[[', 21), 'punctuation.definition.table.array.begin.toml'));
    assert.ok(has(scopeOf(tokens, 'handler', 21), 'entity.name.section.table.array.toml'));
    assert.ok(!has(scopeOf(tokens, 'handler', 21), 'entity.name.section.table.toml'), 'an array header is not a plain table');
    assert.equal(depth, 1, 'nothing left open');
  });

  test("the test actors' manifests and the upstream ones tokenize with no rule left open", () => {
    const files = fs
      .readdirSync(path.join(projectRoot, 'test-actors'))
      .map((d) => path.join(projectRoot, 'test-actors', d, 'manifest.toml'))
      .filter((f) => fs.existsSync(f));
    assert.ok(files.length > 3);
    for (const f of files) {
      const r = tokenize(grammar, fs.readFileSync(f, 'utf8'));
      assert.equal(r.depth, 1, `${path.relative(projectRoot, f)} leaves no open rule`);
      assert.ok(r.tokens.some((t) => has(t.scopes, 'entity.name.section.table.array.toml')) || !/\[\[/.test(fs.readFileSync(f, 'utf8')));
    }
  });
});
