// The validation core for .wit files: every `import`/`export` of a world checked against the
// registry, the diagnostic on that line saying which handler and version serve it, or that none does.
import { FileReadError, readRegularFile } from '../files/readRegular';
import { WIT_MAX_BYTES } from '../limits';
import { describeImport } from '../handlers/importWords';
import { listHandlers, resolveImport } from '../handlers/registry';
import { parseWit } from '../wit/parse';
import type { Diagnostic } from './types';

/** Interfaces of the world's own package (`import runtime;`) are local, not handler imports. */
function isQualified(target: string): boolean {
  return /^[a-z0-9-]+:[a-z0-9-]+(?::[a-z0-9-]+)*\/[a-z0-9-]+(@.+)?$/.test(target);
}

export function validateWitText(text: string, witPath: string): Diagnostic[] {
  const parsed = parseWit(text);
  const diags: Diagnostic[] = parsed.problems.map((p) => ({
    code: 'wit-syntax',
    severity: 'error' as const,
    message: p.message,
    range: p.range,
    file: witPath,
  }));

  for (const world of parsed.worlds) {
    for (const item of world.items) {
      if ((item.kind !== 'import' && item.kind !== 'export') || !isQualified(item.target)) continue;
      const add = (code: string, severity: Diagnostic['severity'], message: string, data?: Diagnostic['data']) =>
        diags.push({ code, severity, message, range: item.range, file: witPath, ...(data ? { data } : {}) });
      // Only problems are diagnostics: a served import or a driven export says so in its hover.
      if (item.kind === 'export') {
        const bare = item.target.replace(/@.*$/, '');
        if (!findDriver(bare))
          add('wit-export-undriven', 'warning', `No registered handler calls ${item.target}; the runtime will never invoke it.`);
        continue;
      }
      const res = resolveImport(item.target);
      const words = describeImport(res, 'wit');
      if (words.verdict === 'version-mismatch')
        add('wit-import-version-mismatch', 'error', words.sentence, {
          fix: 'set-import-version',
          importName: item.target,
          version: words.suggestedVersion ?? '',
        });
      else if (words.verdict === 'unresolved') add('wit-import-unresolved', 'error', words.sentence);
    }
  }
  return diags;
}

/** The handler that calls this export, if any. */
function findDriver(exportName: string): string | undefined {
  return listHandlers().find((h) => h.exports.some((e) => e.replace(/@.*$/, '') === exportName))?.type;
}

export function validateWitFile(witPath: string): Diagnostic[] {
  let text: string;
  try {
    text = readRegularFile(witPath, { maxBytes: WIT_MAX_BYTES, what: 'WIT file' }).toString('utf8');
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    return [
      {
        code: 'wit-unreadable',
        severity: 'error',
        message: e.message,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        file: witPath,
      },
    ];
  }
  return validateWitText(text, witPath);
}
