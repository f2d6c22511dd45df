// The one rule for a path an actor names inside its filesystem folder: relative, no NUL, no `..`
// above the folder, and once resolved on disk (symlinks followed) still inside the folder. Both
// wasi:filesystem and theater:simple/filesystem go through it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type PathRefusal = { refused: true; code: 'not-permitted' | 'invalid' | 'illegal-byte-sequence'; message: string };
export type PathResolution = { refused: false; rel: string; abs: string } | PathRefusal;

const refuse = (code: PathRefusal['code'], message: string): PathRefusal => ({ refused: true, code, message });

/** Whether `p` is `root` or below it (both absolute, normalized). */
function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** realpath of `p`, or of its nearest existing ancestor joined with the rest (a file about to be created). */
function realpathOfExisting(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Resolves `guestPath` against the folder-relative directory `baseRel` ('' is the folder itself).
 * `followLast`: whether a symlink as the last component is followed (stat-at without symlink-follow
 * and unlink do not follow it, so it may point anywhere without being read).
 */
export function resolveInside(realRoot: string, baseRel: string, guestPath: string, followLast = true): PathResolution {
  if (guestPath.includes('\0')) return refuse('illegal-byte-sequence', `the path ${JSON.stringify(guestPath)} contains a NUL byte`);
  if (guestPath.startsWith('/') || /^[A-Za-z]:[\\/]/.test(guestPath) || guestPath.includes('\\')) {
    return refuse(
      'not-permitted',
      `the path ${JSON.stringify(guestPath)} is absolute or uses backslashes; paths are relative to the actor's folder`,
    );
  }
  const parts: string[] = baseRel ? baseRel.split('/') : [];
  for (const seg of guestPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return refuse('not-permitted', `the path ${JSON.stringify(guestPath)} leads out of the actor's folder`);
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  const rel = parts.join('/');
  const abs = rel ? path.join(realRoot, ...parts) : realRoot;
  // Symlinks: the real location must stay inside too (a link may point anywhere on disk).
  let real: string;
  if (!followLast && rel) {
    real = path.join(realpathOfExisting(path.dirname(abs)), path.basename(abs));
  } else {
    real = realpathOfExisting(abs);
  }
  if (!within(realRoot, real)) {
    return refuse('not-permitted', `the path ${JSON.stringify(guestPath)} resolves outside the actor's folder (through a symbolic link)`);
  }
  return { refused: false, rel, abs };
}
