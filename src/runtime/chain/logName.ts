// Where a run's chain log goes. The file name is derived from the manifest's `name` and the actor id,
// both outside our control, so it is sanitized to a plain file name (never a path: no separators, no
// `..`, no NUL, bounded length), and the file is created exclusively: a run never writes into another
// run's log, even when two ids share their first characters.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChainLogHeader } from './event';
import { ChainLogWriter } from './log';

/** Longest name part of a log file name (the whole name stays far below 255 bytes). */
export const MAX_LOG_NAME_CHARS = 64;
const MAX_ATTEMPTS = 1000;

/** Letters, digits, `.`, `_` and `-` only; no leading dot; at most MAX_LOG_NAME_CHARS; never empty. */
export function safeFileNamePart(text: string, maxChars = MAX_LOG_NAME_CHARS): string {
  const clean = text
    .normalize('NFC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, maxChars)
    .replace(/[._]+$/, '');
  return clean || 'actor';
}

/** `<name>-<id8>.chain.jsonl`, or `<name>-<id8>-<n>.chain.jsonl` for the n-th run with the same stem. */
export function chainLogFileName(actorName: string, actorId: string, attempt = 1): string {
  const stem = `${safeFileNamePart(actorName)}-${safeFileNamePart(actorId, 8)}`;
  return `${stem}${attempt > 1 ? `-${attempt}` : ''}.chain.jsonl`;
}

/**
 * Creates a new log in `dir` with its header, exclusively (O_EXCL): the first free name wins. If
 * writing the header fails (disk full), the file is removed again: no empty log is left behind.
 */
export function createChainLogExclusive(dir: string, actorName: string, actorId: string, header: ChainLogHeader): string {
  fs.mkdirSync(dir, { recursive: true });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const file = path.join(dir, chainLogFileName(actorName, actorId, attempt));
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    fs.closeSync(fd);
    try {
      // The file is ours now (reserved above); the writer fills in the header.
      ChainLogWriter.create(file, header).close();
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e;
    }
    return file;
  }
  throw new Error(
    `${dir} already holds ${MAX_ATTEMPTS} logs named like ${chainLogFileName(actorName, actorId)}; clean up .theater/chains.`,
  );
}
