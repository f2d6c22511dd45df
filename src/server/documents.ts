// Which documents the server handles, and how their URIs map to paths on disk.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type DocumentKind = 'manifest' | 'wit';

/** Same rule as the extension's document selector (`**\/*manifest*.toml`, language `wit`). */
export function documentKind(uri: string): DocumentKind | undefined {
  if (/\.wit$/i.test(uri)) return 'wit';
  if (/(^|\/)[^/]*manifest[^/]*\.toml$/i.test(uri)) return 'manifest';
  return undefined;
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** A key for comparing paths from different sources (client URIs, resolved manifest paths). */
export function pathKey(p: string): string {
  const abs = path.resolve(p);
  return process.platform === 'win32' || process.platform === 'darwin' ? abs.toLowerCase() : abs;
}
