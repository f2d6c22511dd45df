// Writes syntaxes/wit.tmLanguage.json (kept as code so the patterns can be commented and shared).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ident = '%?[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z0-9]+)*';
const version = '\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?';
// ns:pkg/iface@1.2.3 with each part captured
const qualified = `(${ident})(:)(${ident}(?::${ident})*)(?:(/)(${ident}))?(?:(@)(${version}))?`;
const qualifiedCaptures = {
  1: { name: 'entity.name.namespace.wit' },
  2: { name: 'punctuation.separator.namespace.wit' },
  3: { name: 'entity.name.namespace.package.wit' },
  4: { name: 'punctuation.separator.interface.wit' },
  5: { name: 'entity.name.type.interface.wit' },
  6: { name: 'punctuation.separator.version.wit' },
  7: { name: 'constant.numeric.version.wit' },
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'WIT',
  scopeName: 'source.wit',
  fileTypes: ['wit'],
  patterns: [{ include: '#comments' }, { include: '#gates' }, { include: '#package' }, { include: '#items' }, { include: '#body' }],
  repository: {
    comments: {
      patterns: [
        { name: 'comment.line.documentation.wit', match: '///.*$' },
        { name: 'comment.line.double-slash.wit', match: '//.*$' },
        { name: 'comment.block.documentation.wit', begin: '/\\*\\*(?!/)', end: '\\*/', patterns: [{ include: '#block-comment-nested' }] },
        { include: '#block-comment-nested' },
      ],
    },
    'block-comment-nested': { name: 'comment.block.wit', begin: '/\\*', end: '\\*/', patterns: [{ include: '#block-comment-nested' }] },
    gates: {
      match: '(@)(since|unstable|deprecated)\\b',
      captures: { 1: { name: 'punctuation.definition.annotation.wit' }, 2: { name: 'storage.modifier.annotation.wit' } },
    },
    package: {
      match: `\\b(package)\\s+${qualified}`,
      captures: { 1: { name: 'keyword.other.package.wit' }, ...shift(qualifiedCaptures, 1) },
    },
    items: {
      patterns: [
        {
          match: `\\b(import|export|include)\\s+(?=${ident}:)${qualified}`,
          captures: { 1: { name: 'keyword.control.import.wit' }, ...shift(qualifiedCaptures, 1) },
        },
        {
          match: `\\b(import|export)\\s+(${ident})(?=\\s*:)`,
          captures: { 1: { name: 'keyword.control.import.wit' }, 2: { name: 'entity.name.function.wit' } },
        },
        {
          match: `\\b(import|export|include)\\s+(${ident})`,
          captures: { 1: { name: 'keyword.control.import.wit' }, 2: { name: 'entity.name.type.interface.wit' } },
        },
        {
          match: `\\b(use)\\s+(?=${ident}:)${qualified}`,
          captures: { 1: { name: 'keyword.control.use.wit' }, ...shift(qualifiedCaptures, 1) },
        },
        { match: '\\b(use|with|as)\\b', name: 'keyword.control.use.wit' },
        {
          match: `\\b(world|interface)\\s+(${ident})`,
          captures: { 1: { name: 'storage.type.$1.wit' }, 2: { name: 'entity.name.type.$1.wit' } },
        },
        {
          match: `\\b(record|variant|enum|flags|resource|type)\\s+(${ident})`,
          captures: { 1: { name: 'storage.type.$1.wit' }, 2: { name: 'entity.name.type.wit' } },
        },
      ],
    },
    body: {
      patterns: [
        { include: '#comments' },
        { include: '#gates' },
        { include: '#items' },
        {
          match: `(${ident})\\s*(:)\\s*(?=(?:async\\s+)?func\\b)`,
          captures: { 1: { name: 'entity.name.function.wit' }, 2: { name: 'punctuation.separator.colon.wit' } },
        },
        { match: '\\b(constructor)\\b', name: 'entity.name.function.constructor.wit' },
        { match: '\\b(func)\\b', name: 'storage.type.function.wit' },
        { match: '\\b(static|async)\\b', name: 'storage.modifier.wit' },
        { match: '\\b(bool|s8|s16|s32|s64|u8|u16|u32|u64|f32|f64|float32|float64|char|string)\\b', name: 'support.type.primitive.wit' },
        { match: '\\b(list|option|result|tuple|borrow|own|future|stream)\\b', name: 'support.type.generic.wit' },
        {
          match: `(${ident})\\s*(:)`,
          captures: { 1: { name: 'variable.other.field.wit' }, 2: { name: 'punctuation.separator.colon.wit' } },
        },
        { match: '->', name: 'punctuation.separator.result.wit' },
        { match: '[{}]', name: 'punctuation.section.block.wit' },
        { match: '[()]', name: 'punctuation.section.parens.wit' },
        { match: '[<>]', name: 'punctuation.definition.generic.wit' },
        { match: '[,;=.]', name: 'punctuation.separator.wit' },
        { match: '\\b_\\b', name: 'variable.language.placeholder.wit' },
        { match: ident, name: 'entity.name.type.wit' },
      ],
    },
  },
};

function shift(captures, by) {
  return Object.fromEntries(Object.entries(captures).map(([k, v]) => [String(Number(k) + by), v]));
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
writeFileSync(path.join(root, 'syntaxes', 'wit.tmLanguage.json'), JSON.stringify(grammar, null, 2) + '\n');
console.log('wrote syntaxes/wit.tmLanguage.json');
