// One open document through the validation core (the same answers as `theater check`), plus the
// files its answer depends on, so a rebuilt component or an edited init_state/replay chain re-checks
// exactly the manifests that read it.
import * as fs from 'node:fs';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readRegularOrUndefined, type ReadRegularOptions } from '../runtime/files/readRegular';
import { validateManifestText } from '../runtime/validation/manifest';
import type { Diagnostic } from '../runtime/validation/types';
import { validateWitText } from '../runtime/validation/wit';
import { documentKind, pathKey, uriToPath } from './documents';

export interface CheckSettings {
  /** Theater's looser model (setting `theater.activateByImports`). */
  activateByImports?: boolean;
}

export interface DocumentCheck {
  diagnostics: Diagnostic[];
  /** pathKey()s of every file the validation read or looked for (present or not). */
  dependencies: string[];
}

/**
 * Component bytes are re-read only when size or mtime changed: validation runs on every pause in
 * typing, and a component can be megabytes. A file event also drops the entry (forget()).
 */
const cache = new Map<string, { size: number; mtimeMs: number; bytes: Uint8Array }>();
const CACHE_LIMIT = 8;

function readCached(p: string, limits: ReadRegularOptions): Uint8Array | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    cache.delete(pathKey(p));
    return readRegularOrUndefined(p, limits);
  }
  const key = pathKey(p);
  const hit = cache.get(key);
  if (st.isFile() && hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.bytes;
  // Not a regular file, over its cap: readRegular says so in one sentence (and never blocks).
  const bytes = readRegularOrUndefined(p, limits);
  if (!bytes) return undefined;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, { size: st.size, mtimeMs: st.mtimeMs, bytes });
  return bytes;
}

/** Drops a cached file (it changed on disk). */
export function forget(p: string): void {
  cache.delete(pathKey(p));
}

export function checkDocument(doc: TextDocument, settings: CheckSettings = {}): DocumentCheck {
  const kind = documentKind(doc.uri);
  const file = uriToPath(doc.uri);
  if (kind === 'wit') return { diagnostics: validateWitText(doc.getText(), file), dependencies: [] };
  if (kind !== 'manifest') return { diagnostics: [], dependencies: [] };
  const dependencies: string[] = [];
  const readFile = (p: string, limits: ReadRegularOptions) => {
    dependencies.push(pathKey(p));
    return readCached(p, limits);
  };
  const r = validateManifestText(doc.getText(), file, {
    readFile,
    dependsOn: (p) => dependencies.push(pathKey(p)),
    ...(settings.activateByImports ? { activateByImports: true } : {}),
  });
  return { diagnostics: r.diagnostics, dependencies };
}

/** Diagnostics for one document (manifest or WIT), from the validation core. */
export function diagnose(doc: TextDocument, settings: CheckSettings = {}): Diagnostic[] {
  return checkDocument(doc, settings).diagnostics;
}
