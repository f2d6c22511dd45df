// Which documents the server handles, and how their URIs map to paths on disk.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTheaterManifestName } from '../runtime/manifest/identify';

export type DocumentKind = 'manifest' | 'wit';

/** The manifest rule (runtime/manifest/identify) and `.wit`; the extension's document selector uses the same globs. */
export function documentKind(uri: string): DocumentKind | undefined {
  const p = uri.replace(/[?#].*$/, '');
  if (/\.wit$/i.test(p)) return 'wit';
  if (isTheaterManifestName(p) || isTheaterManifestName(safeDecode(p))) return 'manifest';
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** A key for comparing paths from different sources (client URIs, resolved manifest paths). */
export function pathKey(p: string): string {
  const abs = path.resolve(p);
  return process.platform === 'win32' || process.platform === 'darwin' ? abs.toLowerCase() : abs;
}
