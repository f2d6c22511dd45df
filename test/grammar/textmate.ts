// Loads a grammar from syntaxes/ the way VS Code does (vscode-textmate + oniguruma) and tokenizes text.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { projectRoot } from '../helpers/shared';

let onig: Promise<void> | undefined;

export async function loadGrammar(scopeName: string, file: string): Promise<textmate.IGrammar> {
  onig ??= (async () => {
    const wasm = fs.readFileSync(path.join(projectRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  })();
  await onig;
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === scopeName ? textmate.parseRawGrammar(fs.readFileSync(path.join(projectRoot, 'syntaxes', file), 'utf8'), file) : null,
  });
  return (await registry.loadGrammar(scopeName))!;
}

export interface Token {
  line: number;
  text: string;
  scopes: string[];
}

/** Tokens of a whole text: [text, scopes] per token, line by line; `depth` is the rule stack left open at the end. */
export function tokenize(grammar: textmate.IGrammar, text: string): { tokens: Token[]; depth: number } {
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  text.split('\n').forEach((line, n) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) tokens.push({ line: n, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return { tokens, depth: (stack as unknown as { depth: number }).depth };
}

export function scopeOf(tokens: Token[], text: string, line?: number): string[] {
  const t = tokens.find((x) => x.text === text && (line === undefined || x.line === line));
  assert.ok(t, `token ${JSON.stringify(text)}${line !== undefined ? ` on line ${line}` : ''} exists`);
  return t.scopes;
}

export const has = (scopes: string[], prefix: string): boolean => scopes.some((s) => s.startsWith(prefix));
