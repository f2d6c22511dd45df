// Locates ../shared (upstream Theater fixtures). Tests that need it skip with a message when absent;
// the fixtures are read in place and never copied into the project.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Absolute path of ../shared/<rel>, or undefined when the shared folder is absent. */
export function sharedPath(...rel: string[]): string | undefined {
  const dir = process.env.THEATER_SHARED_DIR ?? path.resolve(projectRoot, '..', 'shared');
  const p = path.join(dir, ...rel);
  return fs.existsSync(p) ? p : undefined;
}

/** node:test `skip` option: a message when the shared fixture is missing, false otherwise. */
export function skipUnlessShared(...rel: string[]): string | false {
  return sharedPath(...rel) ? false : `../shared/${rel.join('/')} is absent; upstream fixture tests skipped`;
}
