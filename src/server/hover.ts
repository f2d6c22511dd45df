// Hover text, all derived from the handler registry and the manifest key table (no hand-written
// copies): manifest keys, handler types and config keys; WIT imports and exports.
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { describeImport } from '../runtime/handlers/importWords';
import { findHandler, listHandlers, qualifiedName, REQUIRED_EXPORT, resolveImport } from '../runtime/handlers/registry';
import type { ConfigKeySpec, FunctionSpec, HandlerDefinition } from '../runtime/handlers/types';
import { TOP_LEVEL_KEYS, type TopLevelKey } from '../runtime/manifest/keys';
import type { Range } from '../runtime/validation/types';
import { parseWit } from '../runtime/wit/parse';
import { witTypeToString } from '../runtime/wit/types';
import { contains, manifestContext } from './context';
import { documentKind } from './documents';

function md(value: string, range?: Range): Hover {
  return { contents: { kind: 'markdown', value }, ...(range ? { range } : {}) };
}

/** A default as TOML spells it. */
export function formatDefault(v: ConfigKeySpec['default']): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? JSON.stringify(v) : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function configTypeLine(c: ConfigKeySpec): string {
  const bounds =
    c.minimum !== undefined && c.maximum !== undefined ? `, ${c.minimum}–${c.maximum}` : c.minimum !== undefined ? `, ≥ ${c.minimum}` : '';
  return `${c.type}${bounds}${c.default !== undefined ? `, default \`${formatDefault(c.default)}\`` : ''}${c.required ? ', required' : ''}`;
}

/** A handler's summary, interfaces with versions, exports it drives and config keys with defaults. */
export function handlerMarkdown(h: HandlerDefinition): string {
  const lines = [`**\`${h.type}\` handler** — ${h.summary}`, ''];
  if (h.alwaysAvailable) lines.push('*Always available: every actor gets it, listed in the manifest or not.*', '');
  lines.push(h.doc, '');
  if (h.interfaces.length) {
    lines.push('**Provides**', '');
    for (const i of h.interfaces) {
      const fns = i.functions.length ? `: ${i.functions.map((f) => `\`${f.name}\``).join(', ')}` : ' (types only)';
      lines.push(`- \`${qualifiedName(i)}\`${fns}`);
    }
    lines.push('');
  }
  if (h.exports.length) lines.push(`**Drives** ${h.exports.map((e) => `\`${e}\``).join(', ')}`, '');
  if (h.config.length) {
    lines.push('**Config**', '');
    for (const c of h.config) lines.push(`- \`${c.name}\` (${configTypeLine(c)}): ${c.doc}`);
  } else {
    lines.push('No config keys.');
  }
  return lines.join('\n').trimEnd();
}

export function configKeyMarkdown(h: HandlerDefinition, c: ConfigKeySpec): string {
  return `**\`${c.name}\`** — ${configTypeLine(c)}\n\n${c.doc}${c.isPath ? ' (A path, relative to the manifest.)' : ''}\n\nConfig key of the \`${h.type}\` handler.`;
}

export function topLevelKeyMarkdown(k: TopLevelKey): string {
  const type =
    k.type === 'array-of-tables' ? 'array of tables' : k.minimum !== undefined ? `${k.type} (${k.minimum}–${k.maximum})` : k.type;
  return `**\`${k.key}\`** — ${type}${k.required ? ', required' : ''}\n\n${k.doc}`;
}

function handlerTypesMarkdown(): string {
  return [
    '**`type`** — the handler this table configures. Registered types:',
    '',
    ...listHandlers().map((h) => `- \`${h.type}\`: ${h.summary}`),
  ].join('\n');
}

function manifestHover(doc: TextDocument, p: Position): Hover | null {
  const ctx = manifestContext(doc.getText(), p);
  if (ctx.header) {
    const k = TOP_LEVEL_KEYS.find((x) => x.key === ctx.header!.path[0]);
    if (!k) return null;
    const h = ctx.handler?.type ? findHandler(ctx.handler.type) : undefined;
    return md(h ? `${topLevelKeyMarkdown(k)}\n\n---\n\n${handlerMarkdown(h)}` : topLevelKeyMarkdown(k), ctx.header.headerRange);
  }
  const e = ctx.entry;
  if (!e) return null;
  const range = ctx.on === 'key' ? e.keyRange : e.valueRange;
  if (e.path.length === 1) {
    const k = TOP_LEVEL_KEYS.find((x) => x.key === e.path[0]);
    return k ? md(topLevelKeyMarkdown(k), range) : null;
  }
  if (e.path[0] === 'handler' && e.path.length === 3 && ctx.handler) {
    if (e.path[2] === 'type') {
      const h = typeof e.value === 'string' ? findHandler(e.value) : undefined;
      return md(h ? handlerMarkdown(h) : handlerTypesMarkdown(), range);
    }
    const h = ctx.handler.type ? findHandler(ctx.handler.type) : undefined;
    const spec = h?.config.find((c) => c.name === e.path[2]);
    return h && spec ? md(configKeyMarkdown(h, spec), range) : null;
  }
  if (e.path[0] === 'permission_policy') {
    const k = TOP_LEVEL_KEYS.find((x) => x.key === 'permission_policy');
    return k ? md(topLevelKeyMarkdown(k), range) : null;
  }
  return null;
}

/** A registry function as WIT declares it; resource functions inside their resource's notation. */
export function functionSignature(f: FunctionSpec): string {
  let name = f.name;
  let params = f.params;
  let keyword = 'func';
  const m = /^\[(method|static|constructor)\](.+)$/.exec(f.name);
  if (m) {
    name = m[2]!;
    if (m[1] === 'method') params = params.filter(([n]) => n !== 'self');
    if (m[1] === 'static') keyword = 'static func';
    if (m[1] === 'constructor') {
      name = `${m[2]!}.constructor`;
      keyword = 'constructor';
    }
  }
  const ps = params.map(([n, t]) => `${n}: ${witTypeToString(t)}`).join(', ');
  const result = f.result && keyword !== 'constructor' ? ` -> ${witTypeToString(f.result)}` : '';
  return `${name}: ${keyword}(${ps})${result};`;
}

function listingHint(h: HandlerDefinition): string {
  return h.alwaysAvailable ? 'Always available.' : `List \`[[handler]] type = "${h.type}"\` in the manifest.`;
}

/** Which handler serves an import (exact, semver-compatible or none; words from importWords), with its functions. */
export function importMarkdown(target: string): string {
  const res = resolveImport(target);
  const lines = [`**\`${target}\`**`, '', describeImport(res, 'wit').sentence, ''];
  if (res.status === 'unresolved') return lines.join('\n');
  const { handler, iface } = res.provider;
  lines.push(iface.doc, '');
  if (iface.functions.length) {
    lines.push('```wit', ...iface.functions.flatMap((f) => [`/// ${f.doc}`, functionSignature(f)]), '```', '');
  } else {
    lines.push('Types only (no functions).', '');
  }
  lines.push(listingHint(handler));
  return lines.join('\n');
}

export function exportMarkdown(target: string): string {
  const bare = target.replace(/@.*$/, '');
  const drivers = listHandlers().filter((h) => h.exports.some((e) => e.replace(/@.*$/, '') === bare));
  const driver = drivers[0];
  if (!driver) return `**\`${target}\`** — no registered handler calls this export; the runtime will never invoke it.`;
  const role = bare === REQUIRED_EXPORT ? ' Every actor must export it: `init` is called on start.' : '';
  return `**\`${target}\`** — called by the \`${driver.type}\` handler.${role}\n\n${listingHint(driver)}`;
}

function witHover(doc: TextDocument, p: Position): Hover | null {
  for (const w of parseWit(doc.getText()).worlds) {
    for (const item of w.items) {
      if ((item.kind !== 'import' && item.kind !== 'export') || !contains(item.lineRange, p)) continue;
      // `import runtime;` names an interface of the world's own package, not a handler's.
      if (!item.target.includes(':')) return null;
      return md(item.kind === 'import' ? importMarkdown(item.target) : exportMarkdown(item.target), item.range);
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
