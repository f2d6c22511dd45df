// Where the cursor is in a manifest: which table, which key or value. Shared by hover and completion.
import type { Position } from 'vscode-languageserver/node';
import { readTomlDocument, type TomlEntry } from '../runtime/manifest/tomlDocument';
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
  /** The entry whose key or value is under the cursor. */
  entry?: TomlEntry;
  on?: 'key' | 'value';
  /** Keys already present at the top level. */
  topKeys: string[];
}

export function manifestContext(text: string, p: Position): ManifestContext {
  const doc = readTomlDocument(text);
  let table: (typeof doc.tables)[number] | undefined;
  for (const tb of doc.tables) if (tb.headerRange.start.line <= p.line) table = tb;
  const ctx: ManifestContext = { topLevel: !table, topKeys: doc.entries.filter((e) => e.path.length === 1).map((e) => String(e.path[0])) };
  if (table && table.arrayItem && table.path[0] === 'handler') {
    const index = table.path[1] as number;
    const own = doc.entries.filter((e) => e.path[0] === 'handler' && e.path[1] === index && e.path.length === 3);
    const type = own.find((e) => e.path[2] === 'type');
    ctx.handler = { index, ...(typeof type?.value === 'string' ? { type: type.value } : {}), keys: own.map((e) => String(e.path[2])) };
  }
  for (const e of doc.entries) {
    if (contains(e.keyRange, p)) { ctx.entry = e; ctx.on = 'key'; break; }
    if (contains(e.valueRange, p)) { ctx.entry = e; ctx.on = 'value'; break; }
  }
  return ctx;
}
