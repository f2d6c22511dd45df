// Chain diff in VS Code's diff editor: two chains as aligned, decoded event listings (the runtime's
// alignedListing, also behind `theater chain diff --listing`) in read-only `theater-diff:` documents,
// positioned at the first difference. The listing is rendered in a worker: the extension host's thread
// never loads and decodes whole chains.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';

export const DIFF_SCHEME = 'theater-diff';

interface Rendered {
  textA: string;
  textB: string;
  firstDifference: number | null;
  firstDifferenceLine: number | null;
}

export interface OpenedDiff {
  left: vscode.Uri;
  right: vscode.Uri;
  /** The first event that differs (null: identical) and the line its block starts on in both documents. */
  firstDifference: number | null;
  firstDifferenceLine: number | null;
}

function renderInWorker(script: string, a: string, b: string): Promise<Rendered> {
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { workerData: { a, b }, stdout: false, stderr: false });
    w.once('message', (m: { ok: true } & Rendered & { error?: string }) => {
      void w.terminate();
      if (m.ok) resolve(m);
      else reject(new Error(m.error));
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the chain listing worker stopped (exit code ${code}) before it answered`)));
  });
}

export class ChainDiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 1;

  constructor(private readonly workerScript: string) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This chain comparison is no longer open; run Theater: Compare Chains… again.';
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.path);
  }

  /** Opens `a` (left, e.g. the recording) against `b` (right, e.g. the replay) at their first difference. */
  async open(a: string, b: string): Promise<OpenedDiff> {
    const r = await renderInWorker(this.workerScript, a, b);
    const id = this.next++;
    const left = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/${path.basename(a)}` });
    const right = vscode.Uri.from({
      scheme: DIFF_SCHEME,
      path: `/${id}/${path.basename(b)}${path.basename(a) === path.basename(b) ? ' (2)' : ''}`,
    });
    this.texts.set(left.path, r.textA);
    this.texts.set(right.path, r.textB);
    const line = r.firstDifferenceLine ?? 0;
    const title = `${path.basename(a)} ↔ ${path.basename(b)}${r.firstDifference === null ? ' (identical)' : ` (first difference: event ${r.firstDifference})`}`;
    const at = new vscode.Range(line, 0, line, 0);
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true, selection: at });
    // The diff editor may restore an earlier view state: put the cursor on the first difference explicitly.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === right.toString());
    if (editor) {
      editor.selection = new vscode.Selection(line, 0, line, 0);
      editor.revealRange(at, vscode.TextEditorRevealType.AtTop);
    }
    return { left, right, firstDifference: r.firstDifference, firstDifferenceLine: r.firstDifferenceLine };
  }
}
