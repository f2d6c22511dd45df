// The one way to read a file whose path comes from a manifest, the CLI or a client: only regular
// files, up to a cap. /dev/zero, a FIFO, a directory or a symlink to one of them would hang the
// reader or grow without bound; each gets one sentence saying what it is instead.
import * as fs from 'node:fs';

export type FileReadFailure = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

export class FileReadError extends Error {
  constructor(
    message: string,
    readonly reason: FileReadFailure,
    readonly path: string,
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

export interface ReadRegularOptions {
  /** Largest size accepted, in bytes (see src/runtime/limits.ts). */
  maxBytes: number;
  /** What the file is, for the sentence: "component", "init_state file", "chain file". */
  what: string;
}

/**
 * Opens a regular file for reading (never blocks on a FIFO: opened non-blocking, then checked with
 * fstat before any read). The caller reads it in chunks and closes the fd; streaming readers of
 * files of any size use this, whole-file readers use readRegularFile with its cap.
 */
export function openRegularFile(filePath: string, what: string): { fd: number; size: number; link: string } {
  let link = '';
  try {
    if (fs.lstatSync(filePath).isSymbolicLink()) link = ` (a symbolic link to ${fs.realpathSync.native(filePath)})`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileReadError(`The ${what} ${filePath} does not exist.`, 'missing', filePath);
    // A dangling or looping link: reported when opening below.
  }
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new FileReadError(`The ${what} ${filePath}${link} does not exist.`, 'missing', filePath);
    if (code === 'EISDIR')
      throw new FileReadError(`The ${what} ${filePath}${link} is a directory, not a file; point it at a file.`, 'not-regular', filePath);
    throw new FileReadError(
      `The ${what} ${filePath}${link} cannot be read (${code ?? (e as Error).message}); check its permissions.`,
      'unreadable',
      filePath,
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      throw new FileReadError(
        `The ${what} ${filePath}${link} is ${kindOf(st)}, not a regular file; point it at a file.`,
        'not-regular',
        filePath,
      );
    }
    return { fd, size: st.size, link };
  } catch (e) {
    fs.closeSync(fd);
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(
      `The ${what} ${filePath}${link} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      'unreadable',
      filePath,
    );
  }
}

/**
 * Reads a regular file of at most `maxBytes` (opened with openRegularFile); never reads more than
 * the cap plus one byte.
 */
export function readRegularFile(filePath: string, { maxBytes, what }: ReadRegularOptions): Buffer {
  const { fd, size, link } = openRegularFile(filePath, what);
  try {
    const tooLarge = () =>
      new FileReadError(
        `The ${what} ${filePath}${link} is larger than the ${formatBytes(maxBytes)} limit for a ${what}; use a smaller file (see docs/limits.md).`,
        'too-large',
        filePath,
      );
    if (size > maxBytes) throw tooLarge();
    // The size may change while reading: read until EOF, never more than the cap plus one byte.
    const chunks: Buffer[] = [];
    let total = 0;
    let want = Math.min(size + 1, maxBytes + 1);
    for (;;) {
      const buf = Buffer.allocUnsafe(want);
      let off = 0;
      while (off < buf.length) {
        const n = fs.readSync(fd, buf, off, buf.length - off, null);
        if (n === 0) break;
        off += n;
      }
      chunks.push(buf.subarray(0, off));
      total += off;
      if (total > maxBytes) throw tooLarge();
      if (off < buf.length) break;
      want = Math.min(64 * 1024, maxBytes + 1 - total);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(
      `The ${what} ${filePath}${link} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      'unreadable',
      filePath,
    );
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile as a reader that answers undefined for a missing file and throws for anything else wrong. */
export function readRegularOrUndefined(filePath: string, options: ReadRegularOptions): Buffer | undefined {
  try {
    return readRegularFile(filePath, options);
  } catch (e) {
    if (e instanceof FileReadError && e.reason === 'missing') return undefined;
    throw e;
  }
}
