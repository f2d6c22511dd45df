// Where the cursor is in a manifest: which table, which key or value, which header. Shared by hover
// and completion.
import type { Position } from 'vscode-languageserver/node';
import { readTomlDocument, type TomlEntry, type TomlTable } from '../runtime/manifest/tomlDocument';
import type { Range } from '../runtime/validation/types';

export function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export interface ManifestContext {
  /** The `[[handler]]` table the cursor is in, with its `type` when it has one. */
  handler?: { index: number; type?: string; keys: string[] };
  /** True before any table header (top-level keys). */
  topLevel: boolean;
  /** The table header under the cursor. */
  header?: TomlTable;
  /** The entry whose key or value is under the cursor. */
  entry?: TomlEntry;
  on?: 'key' | 'value';
  /** Keys already present at the top level. */
  topKeys: string[];
}

export function manifestContext(text: string, p: Position): ManifestContext {
  const doc = readTomlDocument(text);
  let table: TomlTable | undefined;
  for (const tb of doc.tables) if (tb.headerRange.start.line <= p.line) table = tb;
  const ctx: ManifestContext = {
    topLevel: !table,
    topKeys: [
      ...doc.entries.filter((e) => e.path.length === 1).map((e) => String(e.path[0])),
      ...doc.tables.map((tb) => String(tb.path[0])),
    ],
  };
  if (table && contains(table.headerRange, p)) ctx.header = table;
  // Keys written in this table, including on lines that do not parse yet (`save_chain = ` being typed).
  const from = table ? table.headerRange.start.line + 1 : 0;
  const next = doc.tables.find((tb) => tb.headerRange.start.line > p.line);
  const lines = text.split('\n').slice(from, next ? next.headerRange.start.line : undefined);
  const written = lines.map((l) => /^\s*(["']?)([A-Za-z0-9_-]+)\1\s*=/.exec(l)?.[2]).filter((k): k is string => k !== undefined);
  if (!table) ctx.topKeys = [...new Set([...ctx.topKeys, ...written])];
  if (table && table.arrayItem && table.path[0] === 'handler' && table.path.length === 2) {
    const index = table.path[1] as number;
    const own = doc.entries.filter((e) => e.path[0] === 'handler' && e.path[1] === index && e.path.length === 3);
    const type = own.find((e) => e.path[2] === 'type');
    ctx.handler = {
      index,
      ...(typeof type?.value === 'string' ? { type: type.value } : {}),
      keys: [...new Set([...own.map((e) => String(e.path[2])), ...written])],
    };
  }
  for (const e of doc.entries) {
    if (contains(e.keyRange, p)) {
      ctx.entry = e;
      ctx.on = 'key';
      break;
    }
    if (contains(e.valueRange, p)) {
      ctx.entry = e;
      ctx.on = 'value';
      break;
    }
  }
  return ctx;
}
