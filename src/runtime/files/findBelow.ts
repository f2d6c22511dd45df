// One walk for "files of a kind below a folder" (regression tests, chain files): bounded depth and
// count, dependency and build folders skipped, unreadable folders passed over, sorted result.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FindBelowOptions {
  /** Whether a file of this name is wanted. */
  match: (name: string) => boolean;
  /** Folder names never entered. */
  skipDirs: ReadonlySet<string>;
  maxDepth: number;
  /** Stop after this many files. */
  limit?: number;
}

export function findFilesBelow(root: string, options: FindBelowOptions): string[] {
  const out: string[] = [];
  const limit = options.limit ?? Infinity;
  const walk = (dir: string, depth: number) => {
    if (depth > options.maxDepth || out.length >= limit) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!options.skipDirs.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile() && options.match(e.name) && out.length < limit) out.push(p);
    }
  };
  walk(path.resolve(root), 0);
  return out.sort();
}
