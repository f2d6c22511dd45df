// Retention of run logs in a `.theater/chains` folder: one file per run piles up without bound
// (upstream users reached 6.7 GB in 80k files), so the oldest logs beyond a count or a total size
// are removed, and a single chain above the warning thresholds is pointed out.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RetentionPolicy {
  /** Most logs kept (the newest). */
  keep: number;
  /** Most bytes kept in total (the newest first). */
  maxBytes: number;
}

/** Defaults; the extension's `theater.chainRetention.*` settings and `theater chain clean` flags override them. */
export const DEFAULT_RETENTION: RetentionPolicy = { keep: 200, maxBytes: 1024 * 2 ** 20 };
/** A chain above either is reported (as Temporal warns on large histories). */
export const CHAIN_WARN_EVENTS = 10_000;
export const CHAIN_WARN_BYTES = 10 * 2 ** 20;

export interface CleanResult {
  removed: string[];
  kept: number;
  keptBytes: number;
}

/**
 * Removes the oldest `*.chain.jsonl` files of `dir` beyond the policy; `protect` (logs of running
 * actors) are never removed. A missing folder has nothing to clean.
 */
export function cleanChains(dir: string, policy: RetentionPolicy, protect: ReadonlySet<string> = new Set()): CleanResult {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.chain.jsonl'));
  } catch {
    return { removed: [], kept: 0, keptBytes: 0 };
  }
  const files = names
    .map((n) => {
      const file = path.join(dir, n);
      try {
        const st = fs.lstatSync(file);
        return st.isFile() ? { file, size: st.size, mtime: st.mtimeMs } : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((f): f is { file: string; size: number; mtime: number } => f !== undefined)
    .sort((a, b) => b.mtime - a.mtime);
  const removed: string[] = [];
  let kept = 0;
  let keptBytes = 0;
  for (const f of files) {
    const fits = kept < policy.keep && keptBytes + f.size <= policy.maxBytes;
    if (fits || protect.has(path.resolve(f.file))) {
      kept++;
      keptBytes += f.size;
      continue;
    }
    try {
      fs.unlinkSync(f.file);
      removed.push(f.file);
    } catch {
      kept++;
      keptBytes += f.size;
    }
  }
  return { removed, kept, keptBytes };
}

/** One sentence when a chain is above the warning thresholds, else undefined. */
export function largeChainWarning(file: string, events: number, bytes: number): string | undefined {
  if (events <= CHAIN_WARN_EVENTS && bytes <= CHAIN_WARN_BYTES) return undefined;
  return `the chain ${file} holds ${events} events (${(bytes / 2 ** 20).toFixed(1)} MiB), above ${CHAIN_WARN_EVENTS} events or ${CHAIN_WARN_BYTES / 2 ** 20} MiB; long-lived actors should end or hand over their history (theater chain clean removes old run logs).`;
}
