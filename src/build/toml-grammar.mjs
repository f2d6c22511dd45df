// Writes syntaxes/toml.tmLanguage.json: TOML 1.0 colouring for the `theater-manifest` language (a
// manifest opened without a TOML extension installed). Kept as code so the patterns can be commented.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// A key part: bare, "basic" (with escapes) or 'literal'; a key is dotted parts.
const keyPart = `(?:[A-Za-z0-9_-]+|"(?:[^"\\\\]|\\\\.)*"|'[^']*')`;
const key = `${keyPart}(?:\\s*\\.\\s*${keyPart})*`;
/** The parts of a dotted key: bare parts scoped `<base>.toml`, quoted ones `<base>.quoted.toml`. */
const keyPatterns = (base) => [
  { match: '[A-Za-z0-9_-]+', name: `${base}.toml` },
  { match: '"(?:[^"\\\\]|\\\\.)*"', name: `${base}.quoted.toml` },
  { match: "'[^']*'", name: `${base}.quoted.toml` },
  { match: '\\.', name: 'punctuation.separator.dot.toml' },
];
/** A `[table]` or `[[array.of.tables]]` header line: brackets, then the dotted name. */
function header(open, close, kind) {
  return {
    match: `^\\s*(${open})\\s*(${key})\\s*(${close})`,
    name: `meta.${kind}.toml`,
    captures: {
      1: { name: `punctuation.definition.${kind}.begin.toml` },
      2: { patterns: keyPatterns(`entity.name.section.${kind}`) },
      3: { name: `punctuation.definition.${kind}.end.toml` },
    },
  };
}
const date = '\\d{4}-\\d{2}-\\d{2}';
const time = '\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?';
const offset = '(?:[Zz]|[+-]\\d{2}:\\d{2})';
const decimal = '[+-]?(?:0|[1-9](?:_?\\d)*)';
const end = '(?![\\w.:+-])';

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Theater Manifest (TOML)',
  scopeName: 'source.theater-manifest',
  patterns: [{ include: '#comment' }, { include: '#table-array' }, { include: '#table' }, { include: '#entry' }, { include: '#value' }],
  repository: {
    comment: { match: '(#).*$', name: 'comment.line.number-sign.toml', captures: { 1: { name: 'punctuation.definition.comment.toml' } } },
    // [[handler]]: an array of tables (checked before [table], which it also looks like).
    'table-array': header('\\[\\[', '\\]\\]', 'table.array'),
    table: header('\\[', '\\]', 'table'),
    // `key = ` at the start of a line, or inside an inline table; the value follows as #value.
    entry: {
      match: `(?:^|(?<=[{,]))\\s*(${key})\\s*(=)`,
      captures: { 1: { patterns: keyPatterns('support.type.property-name') }, 2: { name: 'keyword.operator.assignment.toml' } },
    },
    value: {
      patterns: [
        { include: '#string' },
        { include: '#datetime' },
        { include: '#number' },
        { match: `\\b(true|false)${end}`, name: 'constant.language.boolean.toml' },
        { include: '#array' },
        { include: '#inline-table' },
      ],
    },
    string: {
      patterns: [
        {
          name: 'string.quoted.triple.basic.block.toml',
          begin: '"""',
          end: '"""(?!")|""""(?!")|"""""',
          patterns: [{ include: '#escape' }],
        },
        { name: 'string.quoted.triple.literal.block.toml', begin: "'''", end: "'''(?!')|''''(?!')|'''''" },
        { name: 'string.quoted.double.basic.toml', begin: '"', end: '"|$', patterns: [{ include: '#escape' }] },
        { name: 'string.quoted.single.literal.toml', begin: "'", end: "'|$" },
      ],
    },
    escape: {
      patterns: [
        { match: '\\\\(?:[btnfr"\\\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})', name: 'constant.character.escape.toml' },
        { match: '\\\\\\s*$', name: 'constant.character.escape.line-ending.toml' },
        { match: '\\\\.', name: 'invalid.illegal.escape.toml' },
      ],
    },
    datetime: {
      patterns: [
        { match: `${date}[Tt ]${time}${offset}${end}`, name: 'constant.other.time.datetime.offset.toml' },
        { match: `${date}[Tt ]${time}${end}`, name: 'constant.other.time.datetime.local.toml' },
        { match: `${date}${end}`, name: 'constant.other.time.date.toml' },
        { match: `${time}${end}`, name: 'constant.other.time.time.toml' },
      ],
    },
    number: {
      patterns: [
        { match: `${decimal}(?:\\.\\d(?:_?\\d)*)?(?:[eE][+-]?\\d(?:_?\\d)*)${end}`, name: 'constant.numeric.float.toml' },
        { match: `${decimal}\\.\\d(?:_?\\d)*${end}`, name: 'constant.numeric.float.toml' },
        { match: `[+-]?(?:inf|nan)${end}`, name: 'constant.numeric.float.special.toml' },
        { match: `0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*${end}`, name: 'constant.numeric.integer.hex.toml' },
        { match: `0o[0-7](?:_?[0-7])*${end}`, name: 'constant.numeric.integer.octal.toml' },
        { match: `0b[01](?:_?[01])*${end}`, name: 'constant.numeric.integer.binary.toml' },
        { match: `${decimal}${end}`, name: 'constant.numeric.integer.toml' },
      ],
    },
    // Arrays may span lines and hold comments.
    array: {
      name: 'meta.array.toml',
      begin: '\\[',
      end: '\\]',
      beginCaptures: { 0: { name: 'punctuation.definition.array.begin.toml' } },
      endCaptures: { 0: { name: 'punctuation.definition.array.end.toml' } },
      patterns: [{ include: '#comment' }, { match: ',', name: 'punctuation.separator.array.toml' }, { include: '#value' }],
    },
    'inline-table': {
      name: 'meta.table.inline.toml',
      begin: '\\{',
      end: '\\}',
      beginCaptures: { 0: { name: 'punctuation.definition.table.inline.begin.toml' } },
      endCaptures: { 0: { name: 'punctuation.definition.table.inline.end.toml' } },
      patterns: [{ include: '#entry' }, { match: ',', name: 'punctuation.separator.table.inline.toml' }, { include: '#value' }],
    },
  },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
writeFileSync(path.join(root, 'syntaxes', 'toml.tmLanguage.json'), JSON.stringify(grammar, null, 2) + '\n');
console.log('wrote syntaxes/toml.tmLanguage.json');
