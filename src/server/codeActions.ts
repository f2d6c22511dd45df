// Quick fixes, each tied to one diagnostic and driven by its `data` (set by the validation core), so
// the server never guesses from message text.
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifest } from '../runtime/manifest/model';
import type { FixData } from '../runtime/validation/types';

interface Fix {
  title: string;
  edits: TextEdit[];
}

/** Appends `[[handler]]\ntype = "…"` at the end, separated from what precedes by one blank line. */
function addHandler(doc: TextDocument, handlerType: string): Fix {
  const text = doc.getText();
  const end = doc.positionAt(text.length);
  const sep = text.trim() === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return {
    title: `Add [[handler]] type = "${handlerType}"`,
    edits: [{ range: { start: end, end }, newText: `${sep}[[handler]]\ntype = "${handlerType}"\n` }],
  };
}

/**
 * The key itself inside the diagnostic's range: a key's range is the key, but an unknown table
 * name is reported on its whole header (`[permision_policy.random]`), whose brackets must stay.
 */
function keyRange(doc: TextDocument, r: Range): Range {
  const text = doc.getText(r);
  const m = /^(\[\[?\s*)("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)/.exec(text);
  if (!m) return r;
  const start = doc.offsetAt(r.start) + m[1]!.length;
  return { start: doc.positionAt(start), end: doc.positionAt(start + m[2]!.length) };
}

/** The whole `[[handler]]` table: its header line up to the next table's header (or the end). */
function removeHandler(doc: TextDocument, handlerIndex: number): Fix | undefined {
  const text = doc.getText();
  const h = parseManifest(text, doc.uri).handlers.find((x) => x.index === handlerIndex);
  if (!h) return undefined;
  let line = h.headerRange.start.line;
  const end = doc.offsetAt(h.range.end);
  // The last table: also drop the blank lines before it, so the file does not end in them.
  if (text.slice(end).trim() === '') {
    const lines = text.split('\n');
    while (line > 0 && lines[line - 1]!.trim() === '') line--;
  }
  const start = doc.offsetAt({ line, character: 0 });
  const type = h.type ? ` "${h.type}"` : '';
  return {
    title: `Remove the duplicate [[handler]]${type} table`,
    edits: [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText: '' }],
  };
}

function fixFor(doc: TextDocument, d: LspDiagnostic, data: FixData): Fix | undefined {
  switch (data.fix) {
    case 'add-handler':
      return addHandler(doc, data.handlerType);
    case 'replace-key':
      return { title: `Change to \`${data.replacement}\``, edits: [{ range: keyRange(doc, d.range), newText: data.replacement }] };
    case 'replace-string-value': {
      // The range is the TOML string with its quotes: keep the quote style the user wrote.
      const quote = /^['"]/.exec(doc.getText(d.range))?.[0] ?? '"';
      return { title: `Change to "${data.replacement}"`, edits: [{ range: d.range, newText: `${quote}${data.replacement}${quote}` }] };
    }
    case 'set-import-version': {
      // The diagnostic's range is the import target (`wasi:random/random@0.3.0`).
      const name = data.importName.replace(/@.*$/, '');
      const newText = data.version ? `${name}@${data.version}` : name;
      return { title: `Change the import to ${newText}`, edits: [{ range: d.range, newText }] };
    }
    case 'remove-handler':
      return removeHandler(doc, data.handlerIndex);
    case 'rename-component-key':
      return { title: 'Rename to `component`', edits: [{ range: keyRange(doc, d.range), newText: 'component' }] };
  }
}

function isFixData(v: unknown): v is FixData {
  return typeof v === 'object' && v !== null && typeof (v as { fix?: unknown }).fix === 'string';
}

export function codeActionsFor(doc: TextDocument, diagnostics: LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Map<string, CodeAction>();
  for (const d of diagnostics) {
    if (d.source !== 'theater' || !isFixData(d.data)) continue;
    const fix = fixFor(doc, d, d.data);
    if (!fix) continue;
    // Several imports served by one unlisted handler give several diagnostics with the same fix: one action for all.
    const key = `${fix.title}|${JSON.stringify(fix.edits)}`;
    const same = seen.get(key);
    if (same) {
      same.diagnostics!.push(d);
      continue;
    }
    const action: CodeAction = {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [doc.uri]: fix.edits } },
    };
    seen.set(key, action);
    actions.push(action);
  }
  return actions;
}
