// The one place an import resolution (registry.resolveImport) becomes words: the WIT diagnostics,
// the component plan's problems (manifest diagnostics, `theater check`, `theater run`) and the
// hover all say the same sentence. Callers only choose where the fix is made.
import { qualifiedName, type ImportResolution } from './registry';

/** Where the import is written, which decides the fix a version mismatch suggests. */
export type ImportSite = 'wit' | 'component';

export type ImportVerdict = 'exact' | 'compatible' | 'unimplemented' | 'version-mismatch' | 'unresolved';

export interface ImportWords {
  verdict: ImportVerdict;
  /** One sentence naming the import, which handler serves it (or why none does), and the fix. */
  sentence: string;
  /** For version-mismatch: the registered versions of the same interface, best first. */
  registered?: string[];
  /** For version-mismatch: the version to change to (WIT) or build against (component). */
  suggestedVersion?: string;
}

export function describeImport(res: ImportResolution, site: ImportSite): ImportWords {
  const name = res.importName;
  if (res.status === 'unresolved') {
    if (res.sameInterface.length === 0)
      return {
        verdict: 'unresolved',
        sentence: `No registered handler provides ${name}; an actor importing it cannot start (run \`theater handlers\` for the list).`,
      };
    const best = res.sameInterface.find((p) => p.handler.implemented) ?? res.sameInterface[0]!;
    const registered = [best, ...res.sameInterface.filter((p) => p !== best)].map((p) => qualifiedName(p.iface));
    const version = best.iface.version ?? '';
    const fix = site === 'wit' ? `change the version to ${version || '(none)'}` : `rebuild the component against ${registered[0]}`;
    return {
      verdict: 'version-mismatch',
      sentence: `No registered handler provides a version compatible with ${name} (registered: ${registered.join(', ')}); ${fix}.`,
      registered,
      suggestedVersion: version,
    };
  }
  const { handler, iface } = res.provider;
  if (!handler.implemented)
    return {
      verdict: 'unimplemented',
      sentence: `${name} belongs to Theater's \`${handler.type}\` handler, which this runtime does not implement yet; an actor importing it cannot start here.`,
    };
  if (res.status === 'compatible')
    return {
      verdict: 'compatible',
      sentence: `${name} is served by the \`${handler.type}\` handler's ${qualifiedName(iface)} (semver-compatible, as wasmtime's linker allows).`,
    };
  return { verdict: 'exact', sentence: `${name} is served by the \`${handler.type}\` handler (exact version).` };
}
