// File-system refusals while writing (disk full, quota, read-only, permissions) as one sentence.
import { TheaterError } from '../host/api';

const SENTENCES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission was denied',
  EPERM: 'the operation was not permitted',
};

/** A TheaterError naming what could not be written and why, or undefined for any other error. */
export function diskWriteError(e: unknown, what: string, where: string): TheaterError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = code ? SENTENCES[code] : undefined;
  if (!why) return undefined;
  return new TheaterError(
    `Cannot write ${what} at ${where}: ${why} (${code}); free some space or pick another folder, then start again.`,
    'disk-write-failed',
    where,
  );
}
