// The one place an import resolution (registry.resolveImport) becomes words: the WIT diagnostics,
// the component plan's problems (manifest diagnostics, `theater check`, `theater run`) and the
// hover all say the same sentence. Callers only choose where the fix is made.
import { qualifiedName, type ImportResolution } from './registry';

/** Where the import is written, which decides the fix a version mismatch suggests. */
export type ImportSite = 'wit' | 'component';

export type ImportVerdict = 'exact' | 'compatible' | 'version-mismatch' | 'unresolved';

export interface ImportWords {
  verdict: ImportVerdict;
  /** One sentence naming the import, which handler serves it (or why none does), and the fix. */
  sentence: string;
  /** For version-mismatch: the registered versions of the same interface, in registry order. */
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
    const registered = res.sameInterface.map((p) => qualifiedName(p.iface));
    const version = res.sameInterface[0]!.iface.version ?? '';
    const fix = site === 'wit' ? `change the version to ${version || '(none)'}` : `rebuild the component against ${registered[0]}`;
    return {
      verdict: 'version-mismatch',
      // Named with the handler that serves the interface (wasi:cli/stdout is the `wasi-cli` handler's).
      sentence: `No registered handler provides a version compatible with ${name} (registered: ${res.sameInterface.map((p) => `${qualifiedName(p.iface)} by the \`${p.handler.type}\` handler`).join(', ')}); ${fix}.`,
      registered,
      suggestedVersion: version,
    };
  }
  const { handler, iface } = res.provider;
  if (res.status === 'compatible')
    return {
      verdict: 'compatible',
      sentence: `${name} is served by the \`${handler.type}\` handler's ${qualifiedName(iface)} (semver-compatible, as wasmtime's linker allows).`,
    };
  return { verdict: 'exact', sentence: `${name} is served by the \`${handler.type}\` handler (exact version).` };
}
