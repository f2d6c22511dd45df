// Completion from the registry: top-level keys, handler types, per-type config keys and values,
// and versioned interface names after `import`/`export` in .wit files.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findHandler, listHandlers, qualifiedName } from '../runtime/handlers/registry';
import { TOP_LEVEL_KEYS } from '../runtime/manifest/keys';
import { manifestContext } from './context';
import { documentKind } from './documents';
import { configKeyMarkdown, formatDefault, handlerMarkdown } from './hover';

const doc = (value: string) => ({ kind: 'markdown' as const, value });

function manifestCompletions(text: string, p: Position, linePrefix: string): CompletionItem[] {
  const ctx = manifestContext(text, p);
  // type = "…" inside a [[handler]] table
  if (/^\s*type\s*=\s*"?[\w-]*$/.test(linePrefix) && ctx.handler) {
    const quoted = /"[\w-]*$/.test(linePrefix);
    return listHandlers().map((h, i) => ({
      label: h.type, kind: CompletionItemKind.EnumMember, detail: h.summary, documentation: doc(handlerMarkdown(h)),
      insertText: quoted ? h.type : `"${h.type}"`, sortText: `${h.implemented ? 0 : 1}${String(i).padStart(2, '0')}`,
    }));
  }
  // a value after `key =`: booleans, defaults
  const valueMatch = /^\s*([\w-]+)\s*=\s*[\w-]*$/.exec(linePrefix);
  if (valueMatch) {
    const key = valueMatch[1]!;
    const spec = ctx.handler?.type ? findHandler(ctx.handler.type)?.config.find((c) => c.name === key) : undefined;
    const top = ctx.topLevel ? TOP_LEVEL_KEYS.find((k) => k.key === key) : undefined;
    if (spec?.type === 'boolean' || top?.type === 'boolean') {
      return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value }));
    }
    if (spec && spec.default !== undefined) {
      return [{ label: formatDefault(spec.default), kind: CompletionItemKind.Value, detail: 'default' }];
    }
    return [];
  }
  // a key at the start of a line
  if (!/^\s*[\w-]*$/.test(linePrefix)) return [];
  if (ctx.handler) {
    const h = ctx.handler.type ? findHandler(ctx.handler.type) : undefined;
    const items: CompletionItem[] = [];
    if (!ctx.handler.keys.includes('type')) items.push({ label: 'type', kind: CompletionItemKind.Property, insertText: 'type = "$1"', insertTextFormat: InsertTextFormat.Snippet, documentation: doc('The handler this table configures.') });
    for (const c of h?.config ?? []) {
      if (ctx.handler.keys.includes(c.name)) continue;
      const value = c.default !== undefined ? formatDefault(c.default) : c.type === 'string' ? '""' : c.type === 'string-array' ? '[]' : c.type === 'boolean' ? 'false' : '0';
      items.push({
        label: c.name, kind: CompletionItemKind.Property, detail: `${c.type}${c.default !== undefined ? ` = ${formatDefault(c.default)}` : ''}`,
        documentation: doc(configKeyMarkdown(h!, c)), insertText: `${c.name} = ${value}`,
      });
    }
    return items;
  }
  if (!ctx.topLevel) return [];
  const keys: CompletionItem[] = TOP_LEVEL_KEYS.filter((k) => !ctx.topKeys.includes(k.key) && k.type !== 'table' && k.type !== 'array-of-tables').map((k) => ({
    label: k.key, kind: CompletionItemKind.Property, detail: `${k.type}${k.required ? ' (required)' : ''}`, documentation: doc(k.doc),
    insertText: `${k.key} = ${k.snippet ?? '"$1"'}`, insertTextFormat: InsertTextFormat.Snippet,
  }));
  keys.push({ label: '[[handler]]', kind: CompletionItemKind.Module, documentation: doc(TOP_LEVEL_KEYS.find((k) => k.key === 'handler')!.doc), insertText: '[[handler]]\ntype = "$1"', insertTextFormat: InsertTextFormat.Snippet });
  return keys;
}

function witCompletions(linePrefix: string): CompletionItem[] {
  const m = /\b(import|export)\s+([\w:/@.-]*)$/.exec(linePrefix);
  if (!m) return [];
  const items: CompletionItem[] = [];
  for (const h of listHandlers()) {
    if (!h.implemented) continue;
    const names = m[1] === 'import' ? h.interfaces.filter((i) => i.functions.length > 0).map(qualifiedName) : h.exports;
    for (const n of names) {
      items.push({ label: n, kind: CompletionItemKind.Interface, detail: `${h.type} handler`, documentation: doc(handlerMarkdown(h)), insertText: n });
    }
  }
  return items;
}

export function completionsAt(textDoc: TextDocument, p: Position): CompletionItem[] {
  const text = textDoc.getText();
  const linePrefix = textDoc.getText({ start: { line: p.line, character: 0 }, end: p });
  const kind = documentKind(textDoc.uri);
  if (kind === 'manifest') return manifestCompletions(text, p, linePrefix);
  if (kind === 'wit') return witCompletions(linePrefix);
  return [];
}
