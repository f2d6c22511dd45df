// The validation core for .wit files: every `import`/`export` of a world checked against the
// registry, the diagnostic on that line saying which handler and version serve it, or that none does.
import { FileReadError, readRegularFile } from '../files/readRegular';
import { WIT_MAX_BYTES } from '../limits';
import { listHandlers, qualifiedName, REQUIRED_EXPORT, resolveImport } from '../handlers/registry';
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
      if (item.kind === 'export') {
        const bare = item.target.replace(/@.*$/, '');
        const driver = findDriver(bare);
        if (driver)
          add(
            'wit-export-driven',
            'information',
            `${item.target} is driven by the \`${driver}\` handler${bare === REQUIRED_EXPORT ? ' (init is called on start)' : ''}.`,
          );
        else add('wit-export-undriven', 'warning', `No registered handler calls ${item.target}; the runtime will never invoke it.`);
        continue;
      }
      const res = resolveImport(item.target);
      if (res.status === 'unresolved') {
        if (res.sameInterface.length > 0) {
          const best = res.sameInterface.find((p) => p.handler.implemented) ?? res.sameInterface[0]!;
          const registered = res.sameInterface.map((p) => qualifiedName(p.iface)).join(', ');
          add(
            'wit-import-version-mismatch',
            'error',
            `${item.target} has no compatible handler: registered ${registered}; change the version to ${best.iface.version ?? '(none)'}.`,
            { fix: 'set-import-version', importName: item.target, version: best.iface.version ?? '' },
          );
        } else {
          add('wit-import-unresolved', 'error', `No registered handler provides ${item.target}; an actor importing it cannot start.`);
        }
        continue;
      }
      const { handler, iface } = res.provider;
      const provided = qualifiedName(iface);
      if (!handler.implemented) {
        add(
          'wit-import-unresolved',
          'error',
          `${item.target} belongs to Theater's \`${handler.type}\` handler, which this runtime does not implement yet.`,
        );
      } else if (res.status === 'compatible') {
        add(
          'wit-import-compatible',
          'information',
          `${item.target} is served by the \`${handler.type}\` handler's ${provided} (semver-compatible); list [[handler]] type = "${handler.type}" in the manifest.`,
        );
      } else {
        add(
          'wit-import-served',
          'information',
          `Served by the \`${handler.type}\` handler (${provided})${handler.alwaysAvailable ? ', always available' : `; list [[handler]] type = "${handler.type}" in the manifest`}.`,
        );
      }
    }
  }
  return diags;
}

/** The implemented handler that calls this export, if any. */
function findDriver(exportName: string): string | undefined {
  return listHandlers().find((h) => h.implemented && h.exports.some((e) => e.replace(/@.*$/, '') === exportName))?.type;
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
