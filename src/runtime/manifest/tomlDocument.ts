// A position-preserving TOML reader for manifests. @iarna/toml gives values and syntax errors but no
// positions; this scanner finds every key and value with its exact range and lets @iarna/toml
// parse each value. It keeps going after a broken line, so a language server can still check the
// rest of the file while the user types.
import * as TOML from '@iarna/toml';
import { formatBytes } from '../files/readRegular';
import { MANIFEST_MAX_BYTES, TOML_MAX_DEPTH, TOML_MAX_KEYS } from '../limits';
import type { Range } from '../validation/types';

export type TomlType = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'table';
export type TomlPath = Array<string | number>;

export interface TomlEntry {
  /** Full path: ['name'], ['handler', 0, 'type'], ['permission_policy', 'random', 'type']. */
  path: TomlPath;
  keyRange: Range;
  valueRange: Range;
  /** The parsed value (integers beyond 2^53 are bigint). */
  value: unknown;
  type: TomlType;
}

export interface TomlTable {
  path: TomlPath;
  /** `[[handler]]` tables are array items; `path` ends with the item's index. */
  arrayItem: boolean;
  headerRange: Range;
  /** From the header to the last line before the next header. */
  range: Range;
}

export interface TomlProblem {
  message: string;
  range: Range;
}

export interface TomlDocument {
  entries: TomlEntry[];
  tables: TomlTable[];
  problems: TomlProblem[];
  lineCount: number;
}

const BARE = /[A-Za-z0-9_-]/;

class Scanner {
  readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }
  pos(o: number) {
    let lo = 0,
      hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }
  range(a: number, b: number): Range {
    return { start: this.pos(a), end: this.pos(b) };
  }
}

class TomlSyntax extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly end?: number,
  ) {
    super(message);
  }
}

/** Skips spaces and tabs. */
function ws(t: string, i: number): number {
  while (i < t.length && (t[i] === ' ' || t[i] === '\t')) i++;
  return i;
}

/** Skips whitespace, newlines and comments (inside arrays). */
function wsNl(t: string, i: number): number {
  for (;;) {
    i = ws(t, i);
    if (t[i] === '\r' || t[i] === '\n') {
      i++;
      continue;
    }
    if (t[i] === '#') {
      while (i < t.length && t[i] !== '\n') i++;
      continue;
    }
    return i;
  }
}

/** Reads one key segment (bare or quoted) → [name, end]. */
function keySegment(t: string, i: number): [string, number] {
  if (t[i] === '"' || t[i] === "'") {
    const end = stringEnd(t, i);
    return [TOML.parse(`k = ${t.slice(i, end)}`).k as string, end];
  }
  const s = i;
  while (i < t.length && BARE.test(t[i]!)) i++;
  if (i === s) throw new TomlSyntax(`Expected a key here; keys are bare (letters, digits, _ and -) or quoted.`, s);
  return [t.slice(s, i), i];
}

/** A dotted key → segments and the end of its last segment (trailing spaces excluded). */
function dottedKey(t: string, i: number): [string[], number] {
  const parts: string[] = [];
  for (;;) {
    i = ws(t, i);
    const [seg, end] = keySegment(t, i);
    parts.push(seg);
    const after = ws(t, end);
    if (t[after] !== '.') return [parts, end];
    i = after + 1;
  }
}

/** End offset (exclusive) of the string starting at i (basic, literal, or multi-line). */
function stringEnd(t: string, i: number): number {
  const q = t[i]!;
  if (t.startsWith(q.repeat(3), i)) {
    const close = t.indexOf(q.repeat(3), i + 3);
    if (close < 0) throw new TomlSyntax(`This multi-line string is never closed; add ${q.repeat(3)}.`, i, i + 3);
    let end = close + 3;
    while (t[end] === q && end - close < 5) end++; // up to two quotes may end the content
    return end;
  }
  let j = i + 1;
  while (j < t.length && t[j] !== '\n') {
    if (q === '"' && t[j] === '\\') {
      j += 2;
      continue;
    }
    if (t[j] === q) return j + 1;
    j++;
  }
  throw new TomlSyntax(`This string is never closed; add the closing ${q} on the same line.`, i, j);
}

/** End offset of the value starting at i (scalars end at whitespace, `,`, `]`, `}` or `#`). */
function valueEnd(t: string, i: number): number {
  const c = t[i];
  if (c === undefined || c === '\n' || c === '\r' || c === '#')
    throw new TomlSyntax('A value is missing after `=`; write a string, number, boolean, array or inline table.', i);
  if (c === '"' || c === "'") return stringEnd(t, i);
  if (c === '[') {
    let j = wsNl(t, i + 1);
    while (t[j] !== ']') {
      if (j >= t.length) throw new TomlSyntax('This array is never closed; add `]`.', i, i + 1);
      j = wsNl(t, valueEnd(t, j));
      if (t[j] === ',') j = wsNl(t, j + 1);
      else if (t[j] !== ']') throw new TomlSyntax('Expected `,` or `]` in this array.', j);
    }
    return j + 1;
  }
  if (c === '{') {
    let j = ws(t, i + 1);
    if (t[j] === '}') return j + 1;
    for (;;) {
      const [, kEnd] = dottedKey(t, j);
      j = ws(t, kEnd);
      if (t[j] !== '=') throw new TomlSyntax('Expected `=` after the key in this inline table.', j);
      j = ws(t, valueEnd(t, ws(t, j + 1)));
      if (t[j] === ',') {
        j = ws(t, j + 1);
        continue;
      }
      if (t[j] === '}') return j + 1;
      throw new TomlSyntax('Expected `,` or `}` in this inline table (it must stay on one line).', j);
    }
  }
  let j = i;
  // Scalars: numbers, booleans, datetimes (which may contain one space between date and time).
  while (j < t.length && !/[\s,\]}#]/.test(t[j]!)) j++;
  if (t[j] === ' ' && /^\d{4}-\d{2}-\d{2}$/.test(t.slice(i, j)) && /\d/.test(t[j + 1] ?? '')) {
    j++;
    while (j < t.length && !/[\s,\]}#]/.test(t[j]!)) j++;
  }
  return j;
}

function tomlType(raw: string, value: unknown): TomlType {
  const c = raw[0];
  if (c === '"' || c === "'") return 'string';
  if (c === '[') return 'array';
  if (c === '{') return 'table';
  if (raw === 'true' || raw === 'false') return 'boolean';
  if (value instanceof Date || /^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}/.test(raw)) return 'datetime';
  if (/^[+-]?(inf|nan)$/.test(raw) || /[.eE]/.test(raw.replace(/^0x.*$/, ''))) return 'float';
  return 'integer';
}

/** Entries for the members of an inline table value, with their own ranges. */
function inlineEntries(sc: Scanner, base: TomlPath, start: number, end: number, out: TomlEntry[]): void {
  const t = sc.text;
  let j = ws(t, start + 1);
  while (j < end - 1) {
    const kStart = j;
    const [keys, kEnd] = dottedKey(t, j);
    j = ws(t, kEnd);
    j = ws(t, j + 1);
    const vStart = j;
    const vEnd = valueEnd(t, vStart);
    const raw = t.slice(vStart, vEnd);
    const value = (TOML.parse(`v = ${raw}`) as { v: unknown }).v;
    const path = [...base, ...keys];
    out.push({ path, keyRange: sc.range(kStart, kEnd), valueRange: sc.range(vStart, vEnd), value, type: tomlType(raw, value) });
    if (raw.startsWith('{')) inlineEntries(sc, path, vStart, vEnd, out);
    j = ws(t, vEnd);
    if (t[j] === ',') j = ws(t, j + 1);
    else break;
  }
}

/**
 * One linear pass before any parsing: size, nesting depth of arrays and inline tables, and the number
 * of keys, so a hostile manifest costs one sentence instead of a deep recursion or seconds of work.
 */
export function tomlLimitProblem(text: string): { message: string; at: number } | undefined {
  if (text.length > MANIFEST_MAX_BYTES) {
    return {
      message: `The manifest is larger than the ${formatBytes(MANIFEST_MAX_BYTES)} limit for a manifest; it is not read (see docs/limits.md).`,
      at: 0,
    };
  }
  let depth = 0;
  let keys = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    const atLineStart = lineStart;
    lineStart = false;
    if (c === 0x23) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    } // # comment
    if (c === 0x22 || c === 0x27) {
      // a string: skip it whole (brackets inside are text)
      const q = text[i]!;
      const triple = text.startsWith(q.repeat(3), i);
      if (triple) {
        const close = text.indexOf(q.repeat(3), i + 3);
        i = close < 0 ? text.length : close + 2;
        continue;
      }
      let j = i + 1;
      while (j < text.length && text[j] !== q && text[j] !== '\n') j += q === '"' && text[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    // A table header (`[x]`, `[[x]]` at the start of a line, outside any value) is not nesting.
    if (c === 0x5b && atLineStart && depth === 0) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      keys++;
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++depth > TOML_MAX_DEPTH)
        return {
          message: `Arrays and inline tables in the manifest are nested more than ${TOML_MAX_DEPTH} deep; the manifest is not read (see docs/limits.md).`,
          at: i,
        };
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x3d) {
      if (++keys > TOML_MAX_KEYS)
        return { message: `The manifest has more than ${TOML_MAX_KEYS} keys and tables; it is not read (see docs/limits.md).`, at: i };
    }
  }
  return undefined;
}

export function readTomlDocument(text: string): TomlDocument {
  const limit = tomlLimitProblem(text);
  if (limit) {
    let line = 0,
      lineAt = 0;
    for (let i = 0; i < limit.at; i++)
      if (text.charCodeAt(i) === 0x0a) {
        line++;
        lineAt = i + 1;
      }
    const character = limit.at - lineAt;
    let lineCount = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) lineCount++;
    return {
      entries: [],
      tables: [],
      lineCount,
      problems: [{ message: limit.message, range: { start: { line, character }, end: { line, character: character + 1 } } }],
    };
  }
  const sc = new Scanner(text);
  const t = text;
  const doc: TomlDocument = { entries: [], tables: [], problems: [], lineCount: sc.lineStarts.length };
  const arrayCounts = new Map<string, number>();
  const seen = new Set<string>();
  let current: TomlPath = [];
  let currentTable: TomlTable | undefined;
  let i = 0;
  const nextLine = (from: number) => {
    const nl = t.indexOf('\n', from);
    return nl < 0 ? t.length : nl + 1;
  };
  const closeTable = (at: number) => {
    if (currentTable) currentTable.range = sc.range(sc.lineStarts[currentTable.headerRange.start.line]!, at);
  };

  while (i < t.length) {
    i = ws(t, i);
    const c = t[i];
    if (c === undefined) break;
    if (c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      i = nextLine(i);
      continue;
    }
    const lineStart = i;
    try {
      if (c === '[') {
        const isArray = t[i + 1] === '[';
        const [keys, kEnd] = dottedKey(t, i + (isArray ? 2 : 1));
        const close = isArray ? ']]' : ']';
        if (!t.startsWith(close, kEnd)) throw new TomlSyntax(`This table header is not closed; add \`${close}\`.`, kEnd);
        const hEnd = kEnd + close.length;
        closeTable(lineStart);
        if (isArray) {
          const k = keys.join('.');
          const n = arrayCounts.get(k) ?? 0;
          arrayCounts.set(k, n + 1);
          current = [...keys, n];
        } else {
          current = keys;
          const k = `table:${keys.join('.')}`;
          if (seen.has(k))
            doc.problems.push({
              message: `The table [${keys.join('.')}] is defined twice; merge the two.`,
              range: sc.range(lineStart, hEnd),
            });
          seen.add(k);
        }
        currentTable = { path: current, arrayItem: isArray, headerRange: sc.range(lineStart, hEnd), range: sc.range(lineStart, hEnd) };
        doc.tables.push(currentTable);
        i = ws(t, hEnd);
        if (t[i] === '#') i = nextLine(i);
        else if (i < t.length && t[i] !== '\n' && t[i] !== '\r')
          throw new TomlSyntax('Unexpected text after the table header; put it on its own line.', i);
        continue;
      }
      const [keys, kEnd] = dottedKey(t, i);
      let j = ws(t, kEnd);
      if (t[j] !== '=') throw new TomlSyntax(`Expected \`=\` after the key \`${keys.join('.')}\`.`, j);
      const vStart = ws(t, j + 1);
      const vEnd = valueEnd(t, vStart);
      const raw = t.slice(vStart, vEnd);
      let value: unknown;
      try {
        value = (TOML.parse(`v = ${raw}`) as { v: unknown }).v;
      } catch (e) {
        throw new TomlSyntax(`Invalid value: ${firstLine((e as Error).message)}`, vStart, vEnd);
      }
      const path = [...current, ...keys];
      const key = path.join('.');
      if (seen.has(key))
        doc.problems.push({ message: `The key \`${keys.join('.')}\` is defined twice in this table; keep one.`, range: sc.range(i, kEnd) });
      seen.add(key);
      doc.entries.push({ path, keyRange: sc.range(i, kEnd), valueRange: sc.range(vStart, vEnd), value, type: tomlType(raw, value) });
      if (raw.startsWith('{')) inlineEntries(sc, path, vStart, vEnd, doc.entries);
      j = ws(t, vEnd);
      if (t[j] === '#') j = nextLine(j);
      else if (j < t.length && t[j] !== '\n' && t[j] !== '\r')
        throw new TomlSyntax('Unexpected text after the value; one key = value per line.', j);
      i = j;
    } catch (e) {
      if (!(e instanceof TomlSyntax)) throw e;
      const end = e.end ?? Math.min(nextLine(e.at) - 1, Math.max(e.at + 1, e.at));
      doc.problems.push({ message: e.message, range: sc.range(e.at, Math.max(end, e.at)) });
      // Recover at the next line (past a multi-line construct's opening line).
      i = nextLine(Math.max(lineStart, e.at));
    }
  }
  closeTable(t.length);
  // @iarna/toml is the reference parser: anything it rejects that the scanner let through is reported too.
  if (doc.problems.length === 0) {
    try {
      TOML.parse(text);
    } catch (e) {
      const err = e as { line?: number; col?: number; message: string };
      const line = err.line ?? 0,
        col = err.col ?? 0;
      doc.problems.push({ message: firstLine(err.message), range: { start: { line, character: col }, end: { line, character: col + 1 } } });
    }
  }
  return doc;
}

function firstLine(m: string): string {
  return m.split('\n')[0]!.replace(/ at row \d+, col \d+, pos \d+:?$/, '');
}
