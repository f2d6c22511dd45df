// Quick fixes, each tied to a diagnostic's `data` (set by the validation core).
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifest } from '../runtime/manifest/model';
import type { FixData } from '../runtime/validation/types';

function fixFor(doc: TextDocument, d: LspDiagnostic, data: FixData): { title: string; edits: TextEdit[] } | undefined {
  const text = doc.getText();
  switch (data.fix) {
    case 'add-handler': {
      const end = doc.positionAt(text.length);
      const sep = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
      return { title: `Add [[handler]] type = "${data.handlerType}"`, edits: [{ range: { start: end, end }, newText: `${sep}[[handler]]\ntype = "${data.handlerType}"\n` }] };
    }
    case 'replace-key':
      return { title: `Change to \`${data.replacement}\``, edits: [{ range: d.range, newText: data.replacement }] };
    case 'set-import-version': {
      const line = doc.getText(d.range);
      const at = line.indexOf('@');
      const newText = at < 0 ? `${line}@${data.version}` : `${line.slice(0, at)}@${data.version}`;
      return { title: `Use ${newText}`, edits: [{ range: d.range, newText }] };
    }
    case 'remove-handler': {
      const h = parseManifest(text, doc.uri).handlers.find((x) => x.index === data.handlerIndex);
      if (!h) return undefined;
      // The whole table: from its header line to the start of whatever follows it.
      const start = { line: h.range.start.line, character: 0 };
      const end = h.range.end.line + 1 < doc.lineCount ? { line: h.range.end.line + 1, character: 0 } : h.range.end;
      return { title: `Remove the duplicate [[handler]] table`, edits: [{ range: { start, end }, newText: '' }] };
    }
    case 'rename-component-key':
      return { title: 'Rename to `component`', edits: [{ range: d.range, newText: 'component' }] };
  }
}

export function codeActionsFor(doc: TextDocument, diagnostics: LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of diagnostics) {
    if (d.source !== 'theater' || !d.data) continue;
    const fix = fixFor(doc, d, d.data as FixData);
    if (!fix) continue;
    // Several imports of one handler give several diagnostics with the same fix: offer it once.
    const key = `${fix.title}|${JSON.stringify(fix.edits)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [doc.uri]: fix.edits } } });
  }
  return actions;
}
