// Which documents the server handles.
export function documentKind(uri: string): 'manifest' | 'wit' | undefined {
  if (/\.wit$/i.test(uri)) return 'wit';
  if (/(^|\/)[^/]*manifest[^/]*\.toml$/i.test(uri)) return 'manifest';
  return undefined;
}
