// Completion from the registry: top-level keys, `[[handler]]`, handler types (registry order),
// the config keys of the table's type, boolean and default values, files for path keys, and
// versioned interface names after `import`/`export` in .wit files. Every item carries an explicit
// text edit, because editors disagree about word boundaries around `"`, `:`, `/` and `@`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findHandler, listHandlers, qualifiedName } from '../runtime/handlers/registry';
import type { HandlerDefinition } from '../runtime/handlers/types';
import { TOP_LEVEL_KEYS } from '../runtime/manifest/keys';
import { manifestContext } from './context';
import { documentKind, uriToPath } from './documents';
import { configKeyMarkdown, exportMarkdown, formatDefault, handlerMarkdown, importMarkdown, topLevelKeyMarkdown } from './hover';

export interface CompletionOptions {
  /** The client understands snippet syntax (`$1`, `${1|a,b|}`); false gives plain text. */
  snippets?: boolean;
}

const markdown = (value: string) => ({ kind: 'markdown' as const, value });

/** Plain text of a snippet for clients without snippet support: `${1:x}` → x, `${1|a,b|}` → a. */
function plain(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '');
}

/** Handlers in the order completion offers them: registry order. */
function ranked(): Array<{ h: HandlerDefinition; sort: string }> {
  return listHandlers().map((h, i) => ({ h, sort: String(i).padStart(3, '0') }));
}

interface Line {
  text: string;
  prefix: string;
  p: Position;
}

const rangeFrom = (l: Line, startChar: number, endChar = l.p.character): Range => ({
  start: { line: l.p.line, character: startChar },
  end: { line: l.p.line, character: endChar },
});

/** Files under the manifest's folder for a path key, nearest first; bounded so a huge tree stays fast. */
function pathCandidates(manifestFile: string, accept: (name: string) => boolean): string[] {
  const base = path.dirname(manifestFile);
  const out: string[] = [];
  let budget = 2000;
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      if (--budget < 0 || out.length >= 50) return;
      if (e.isDirectory()) {
        // `.theater` holds recorded chains (replay); other dot folders and node_modules are noise.
        if (e.name === 'node_modules' || (e.name.startsWith('.') && e.name !== '.theater')) continue;
        subdirs.push(e.name);
      } else if (accept(e.name)) {
        out.push(`./${path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')}`);
      }
    }
    if (depth < 5) for (const s of subdirs) walk(path.join(dir, s), depth + 1);
  };
  walk(base, 0);
  return out;
}

/** Which files a path-valued key takes. */
function pathFilter(key: string, handlerType?: string): ((name: string) => boolean) | undefined {
  if (!handlerType && (key === 'component' || key === 'package')) return (n) => n.endsWith('.wasm');
  if (!handlerType && key === 'init_state') return (n) => n.endsWith('.json');
  if (handlerType === 'replay' && key === 'chain') return (n) => n.endsWith('.jsonl') || /chain.*\.json$/.test(n);
  return undefined;
}

function valueCompletions(l: Line, key: string, ctx: ReturnType<typeof manifestContext>, file: string): CompletionItem[] {
  const m = /=\s*("?)([^"]*)$/.exec(l.prefix)!;
  const quoted = m[1] === '"';
  const start = l.prefix.length - m[2]!.length - (quoted ? 1 : 0);
  const closing = l.text[l.p.character] === '"';
  const range = rangeFrom(l, start, l.p.character + (quoted && closing ? 1 : 0));
  // Triggered by `=` itself: keep TOML's usual `key = value` spacing.
  const pad = l.prefix.endsWith('=') ? ' ' : '';
  const handler = ctx.handler?.type ? findHandler(ctx.handler.type) : undefined;
  const spec = ctx.handler ? handler?.config.find((c) => c.name === key) : undefined;
  const top = ctx.topLevel ? TOP_LEVEL_KEYS.find((k) => k.key === key) : undefined;
  if (spec?.type === 'boolean' || top?.type === 'boolean') {
    if (quoted) return [];
    return ['true', 'false'].map((v) => ({
      label: v,
      kind: CompletionItemKind.Value,
      textEdit: { range, newText: pad + v },
      ...(spec?.default === (v === 'true') ? { detail: 'default' } : {}),
    }));
  }
  const accept = pathFilter(key, ctx.handler ? ctx.handler.type : undefined);
  if (accept && (top || spec)) {
    return pathCandidates(file, accept).map((f, i) => ({
      label: f,
      kind: CompletionItemKind.File,
      sortText: String(i).padStart(3, '0'),
      filterText: quoted ? `"${f}` : f,
      textEdit: { range, newText: `${pad}"${f}"` },
    }));
  }
  if (spec && spec.default !== undefined && !quoted) {
    const v = formatDefault(spec.default);
    return [
      {
        label: v,
        kind: CompletionItemKind.Value,
        detail: 'default',
        documentation: markdown(configKeyMarkdown(handler!, spec)),
        textEdit: { range, newText: pad + v },
      },
    ];
  }
  return [];
}

function manifestCompletions(doc: TextDocument, l: Line, o: CompletionOptions): CompletionItem[] {
  const snippet = (s: string) =>
    o.snippets === false ? { newText: plain(s), format: InsertTextFormat.PlainText } : { newText: s, format: InsertTextFormat.Snippet };
  const ctx = manifestContext(doc.getText(), l.p);
  const handlerItem = (range: Range, sortText: string): CompletionItem => {
    const s = snippet('[[handler]]\ntype = "$1"');
    return {
      label: '[[handler]]',
      kind: CompletionItemKind.Module,
      sortText,
      documentation: markdown(topLevelKeyMarkdown(TOP_LEVEL_KEYS.find((k) => k.key === 'handler')!)),
      textEdit: { range, newText: s.newText },
      insertTextFormat: s.format,
    };
  };

  // A table header being typed: `[` or `[[han`. Brackets the editor closed after the cursor are replaced too.
  const header = /^(\s*)\[\[?[\w-]*$/.exec(l.prefix);
  if (header) {
    const closing = /^\]*/.exec(l.text.slice(l.p.character))![0].length;
    return [handlerItem(rangeFrom(l, header[1]!.length, l.p.character + closing), '0')];
  }

  // type = "…" inside a [[handler]] table: every registered type, in registry order.
  const typeValue = /^\s*type\s*=\s*("?)([\w-]*)$/.exec(l.prefix);
  if (typeValue && ctx.handler) {
    const quoted = typeValue[1] === '"';
    const closing = quoted && l.text[l.p.character] === '"';
    const range = rangeFrom(l, l.p.character - typeValue[2]!.length - (quoted ? 1 : 0), l.p.character + (closing ? 1 : 0));
    const pad = l.prefix.endsWith('=') ? ' ' : '';
    return ranked().map(({ h, sort }) => ({
      label: h.type,
      kind: CompletionItemKind.EnumMember,
      sortText: sort,
      filterText: quoted ? `"${h.type}` : h.type,
      detail: h.summary,
      documentation: markdown(handlerMarkdown(h)),
      textEdit: { range, newText: `${pad}"${h.type}"` },
    }));
  }

  // A value after `key =`.
  const value = /^\s*([\w-]+)\s*=\s*("[^"]*|[\w-]*)$/.exec(l.prefix);
  if (value) return valueCompletions(l, value[1]!, ctx, uriToPath(doc.uri));

  // A key at the start of a line (replacing the whole word under the cursor).
  const key = /^(\s*)([\w-]*)$/.exec(l.prefix);
  if (!key) return [];
  const wordEnd = l.p.character + /^[\w-]*/.exec(l.text.slice(l.p.character))![0].length;
  const range = rangeFrom(l, key[1]!.length, wordEnd);
  if (ctx.handler) {
    const h = ctx.handler.type ? findHandler(ctx.handler.type) : undefined;
    const items: CompletionItem[] = [];
    if (!ctx.handler.keys.includes('type')) {
      const s = snippet('type = "$1"');
      items.push({
        label: 'type',
        kind: CompletionItemKind.Property,
        sortText: '0',
        documentation: markdown('The handler this table configures; run `theater handlers` for the list.'),
        textEdit: { range, newText: s.newText },
        insertTextFormat: s.format,
      });
    }
    h?.config.forEach((c, i) => {
      if (ctx.handler!.keys.includes(c.name)) return;
      const v =
        c.default !== undefined
          ? formatDefault(c.default)
          : c.type === 'string'
            ? '""'
            : c.type === 'string-array'
              ? '[]'
              : c.type === 'boolean'
                ? 'false'
                : '0';
      items.push({
        label: c.name,
        kind: CompletionItemKind.Property,
        sortText: `1${String(i).padStart(3, '0')}`,
        detail: `${c.type}${c.default !== undefined ? ` = ${formatDefault(c.default)}` : ''}${c.required ? ' (required)' : ''}`,
        documentation: markdown(configKeyMarkdown(h, c)),
        textEdit: { range, newText: `${c.name} = ${v}` },
      });
    });
    if (key[2] === '') items.push(handlerItem(range, '9'));
    return items;
  }
  if (!ctx.topLevel) return key[2] === '' ? [handlerItem(range, '9')] : [];
  const items: CompletionItem[] = TOP_LEVEL_KEYS.filter(
    (k) => !ctx.topKeys.includes(k.key) && k.type !== 'table' && k.type !== 'array-of-tables',
  ).map((k, i) => {
    const s = snippet(`${k.key} = ${k.snippet ?? '"$1"'}`);
    return {
      label: k.key,
      kind: CompletionItemKind.Property,
      sortText: `${k.required ? 0 : 1}${String(i).padStart(3, '0')}`,
      detail: `${k.type}${k.required ? ' (required)' : ''}`,
      documentation: markdown(topLevelKeyMarkdown(k)),
      textEdit: { range, newText: s.newText },
      insertTextFormat: s.format,
    };
  });
  items.push(handlerItem(range, '9'));
  return items;
}

function witCompletions(l: Line): CompletionItem[] {
  const m = /\b(import|export)\s+([%\w:/@.-]*)$/.exec(l.prefix);
  if (!m) return [];
  const rest = l.text.slice(l.p.character);
  const tokenEnd = l.p.character + /^[%\w:/@.-]*/.exec(rest)![0].length;
  const range = rangeFrom(l, l.p.character - m[2]!.length, tokenEnd);
  // End the statement unless the line already does.
  const semi = rest.includes(';') ? '' : ';';
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const { h, sort } of ranked()) {
    const names = m[1] === 'import' ? h.interfaces.map(qualifiedName) : h.exports;
    names.forEach((n, i) => {
      if (seen.has(n)) return;
      seen.add(n);
      items.push({
        label: n,
        kind: CompletionItemKind.Interface,
        sortText: `${sort}${String(i).padStart(3, '0')}`,
        detail: `${h.type} handler`,
        documentation: markdown(m[1] === 'import' ? importMarkdown(n) : exportMarkdown(n)),
        textEdit: { range, newText: `${n}${semi}` },
        filterText: n,
      });
    });
  }
  return items;
}

export function completionsAt(doc: TextDocument, p: Position, options: CompletionOptions = {}): CompletionItem[] {
  const text = doc.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const l: Line = { text, prefix: text.slice(0, p.character), p };
  const kind = documentKind(doc.uri);
  if (kind === 'manifest') return manifestCompletions(doc, l, options);
  if (kind === 'wit') return witCompletions(l);
  return [];
}
