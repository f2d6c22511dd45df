// Hover text, all derived from the handler registry and the manifest key table.
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findHandler, qualifiedName, resolveImport } from '../runtime/handlers/registry';
import type { ConfigKeySpec, HandlerDefinition } from '../runtime/handlers/types';
import { TOP_LEVEL_KEYS } from '../runtime/manifest/keys';
import { parseWit } from '../runtime/wit/parse';
import { witTypeToString } from '../runtime/wit/types';
import { contains, manifestContext } from './context';
import { documentKind } from './documents';

function md(value: string, range?: Hover['range']): Hover {
  return { contents: { kind: 'markdown', value }, ...(range ? { range } : {}) };
}

export function formatDefault(v: ConfigKeySpec['default']): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? JSON.stringify(v) : typeof v === 'string' ? `"${v}"` : String(v);
}

export function handlerMarkdown(h: HandlerDefinition): string {
  const lines = [`**handler \`${h.type}\`**${h.implemented ? '' : ' — not implemented by this runtime yet'}`, '', h.doc, ''];
  if (h.interfaces.length) {
    lines.push('Provides:');
    for (const i of h.interfaces) lines.push(`- \`${qualifiedName(i)}\`${i.functions.length ? `: ${i.functions.map((f) => `\`${f.name}\``).join(', ')}` : ''}`);
  }
  if (h.exports.length) lines.push('', `Drives: ${h.exports.map((e) => `\`${e}\``).join(', ')}`);
  if (h.config.length) {
    lines.push('', 'Config:');
    for (const c of h.config) lines.push(`- \`${c.name}\` (${c.type}${c.default !== undefined ? `, default ${formatDefault(c.default)}` : ''}${c.required ? ', required' : ''}): ${c.doc}`);
  }
  return lines.join('\n');
}

export function configKeyMarkdown(h: HandlerDefinition, c: ConfigKeySpec): string {
  return `**\`${c.name}\`** — ${c.type}${c.default !== undefined ? `, default \`${formatDefault(c.default)}\`` : ''}${c.required ? ', required' : ''}\n\n${c.doc}\n\n(handler \`${h.type}\`)`;
}

function manifestHover(doc: TextDocument, p: Position): Hover | null {
  const ctx = manifestContext(doc.getText(), p);
  const e = ctx.entry;
  if (!e) return null;
  const range = ctx.on === 'key' ? e.keyRange : e.valueRange;
  if (e.path.length === 1) {
    const k = TOP_LEVEL_KEYS.find((x) => x.key === e.path[0]);
    return k ? md(`**\`${k.key}\`** — ${k.type}${k.required ? ', required' : ''}\n\n${k.doc}`, range) : null;
  }
  if (e.path[0] === 'handler' && e.path.length === 3 && ctx.handler) {
    if (e.path[2] === 'type') {
      const h = typeof e.value === 'string' ? findHandler(e.value) : undefined;
      return h ? md(handlerMarkdown(h), range) : md('**`type`** — the handler this table configures; run `theater handlers` for the list.', range);
    }
    const h = ctx.handler.type ? findHandler(ctx.handler.type) : undefined;
    const spec = h?.config.find((c) => c.name === e.path[2]);
    return h && spec ? md(configKeyMarkdown(h, spec), range) : null;
  }
  return null;
}

export function importMarkdown(target: string): string {
  const res = resolveImport(target);
  if (res.status === 'unresolved') {
    const same = res.sameInterface.map((p) => `\`${qualifiedName(p.iface)}\` (\`${p.handler.type}\`)`).join(', ');
    return `**\`${target}\`** — no registered handler serves this${same ? `; registered versions: ${same}` : ''}.`;
  }
  const { handler, iface } = res.provider;
  const how = res.status === 'exact' ? 'exact version' : `semver-compatible: the handler provides \`${qualifiedName(iface)}\``;
  const fns = iface.functions.map((f) => `- \`${f.name}: func(${f.params.map(([n, t]) => `${n}: ${witTypeToString(t)}`).join(', ')})${f.result ? ` -> ${witTypeToString(f.result)}` : ''}\``);
  return [`**\`${target}\`** — served by the \`${handler.type}\` handler (${how})${handler.implemented ? '' : ', not implemented by this runtime yet'}.`, '', iface.doc, '', ...fns].join('\n');
}

function witHover(doc: TextDocument, p: Position): Hover | null {
  for (const w of parseWit(doc.getText()).worlds) {
    for (const item of w.items) {
      if ((item.kind === 'import' || item.kind === 'export') && contains(item.range, p) && item.target.includes(':')) {
        if (item.kind === 'export') {
          const bare = item.target.replace(/@.*$/, '');
          const driver = ['runtime'].map((t) => findHandler(t)!).find((h) => h.exports.includes(bare));
          return md(driver ? `**\`${item.target}\`** — called by the \`${driver.type}\` handler (init on start).` : `**\`${item.target}\`** — no implemented handler calls this export.`, item.range);
        }
        return md(importMarkdown(item.target), item.range);
      }
    }
  }
  return null;
}

export function hoverAt(doc: TextDocument, p: Position): Hover | null {
  const kind = documentKind(doc.uri);
  if (kind === 'manifest') return manifestHover(doc, p);
  if (kind === 'wit') return witHover(doc, p);
  return null;
}
