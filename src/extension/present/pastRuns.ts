// Earlier runs recorded in `.theater/chains` folders, listed without reading whole files: one
// directory read and one stat per file, plus at most 4 KB of each log (its header line) for the
// actor's name, start time and what it replayed.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PastRun {
  file: string;
  name: string;
  startedAt?: string;
  replayOf?: string;
  mtimeMs: number;
  size: number;
}

const HEADER_BYTES = 4096;

function readHeader(file: string): { actorName?: unknown; startedAt?: unknown; replayOf?: unknown } | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(HEADER_BYTES);
    const n = fs.readSync(fd, buf, 0, HEADER_BYTES, 0);
    const first = buf.toString('utf8', 0, n).split('\n', 1)[0] ?? '';
    if (!first.startsWith('{"format"')) return undefined;
    return JSON.parse(first) as { actorName?: unknown; startedAt?: unknown; replayOf?: unknown };
  } catch {
    return undefined; // a header longer than 4 KB or not JSON: the file name is enough
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** `loop-actor-1a2b3c4d.chain.jsonl` → `loop-actor`. */
function nameFromFile(file: string): string {
  return path
    .basename(file)
    .replace(/\.chain\.jsonl$/, '')
    .replace(/-[0-9a-f]{8}$/, '');
}

/** The `.chain.jsonl` logs in `dirs`, newest first, except `exclude` (already shown), at most `limit`. */
export function listPastRuns(dirs: readonly string[], exclude: ReadonlySet<string>, limit = 100): PastRun[] {
  const found: Array<{ file: string; mtimeMs: number; size: number }> = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith('.chain.jsonl')) continue;
      const file = path.join(dir, n);
      if (exclude.has(file)) continue;
      try {
        const st = fs.statSync(file);
        if (st.isFile()) found.push({ file, mtimeMs: st.mtimeMs, size: st.size });
      } catch {
        // removed meanwhile
      }
    }
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return found.slice(0, limit).map((f) => {
    const h = readHeader(f.file);
    return {
      ...f,
      name: typeof h?.actorName === 'string' ? h.actorName : nameFromFile(f.file),
      ...(typeof h?.startedAt === 'string' ? { startedAt: h.startedAt } : {}),
      ...(typeof h?.replayOf === 'string' ? { replayOf: h.replayOf } : {}),
    };
  });
}

/** `1.2 MB`, `340 KB`, `12 B`. */
export function sizeText(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${bytes} B`;
}
