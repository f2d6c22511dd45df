// The one file dialog for choosing chain files (Open Chain, Replay, Save as Regression Test, Debug, Compare).
import * as vscode from 'vscode';

export async function pickChainFiles(count: number, label: string): Promise<string[] | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: count > 1,
    openLabel: label,
    filters: { 'Theater chains': ['json', 'jsonl'] },
  });
  return picked?.map((u) => u.fsPath);
}

export async function pickChainFile(label: string): Promise<string | undefined> {
  return (await pickChainFiles(1, label))?.[0];
}
