// `theater check`: the validation core's diagnostics as `file:line:col: severity: message [code]`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringifyLossless } from '../runtime/chain/json';
import { validateComponentFile } from '../runtime/validation/component';
import { isTheaterManifestName, notAManifestMessage } from '../runtime/manifest/identify';
import { formatDiagnostic, validateManifestFile } from '../runtime/validation/manifest';
import type { Diagnostic } from '../runtime/validation/types';
import { validateWitFile } from '../runtime/validation/wit';
import { escapeControlChars } from '../runtime/text/escape';
import { requirePositional, UsageError, type ParsedArgs } from './args';

export function checkFile(file: string, activateByImports = false): Diagnostic[] {
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  if (file.endsWith('.wit')) return validateWitFile(file);
  if (file.endsWith('.wasm')) return validateComponentFile(file);
  if (!isTheaterManifestName(file)) throw new UsageError(notAManifestMessage(file));
  return validateManifestFile(file, activateByImports ? { activateByImports } : {}).diagnostics;
}

/** Relative to the working folder when inside it, absolute otherwise. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function runCheck(rest: string[], args: ParsedArgs): number {
  const file = path.resolve(requirePositional(rest, 'a manifest.toml, world.wit or component.wasm', 'check'));
  const diags = checkFile(file, args.flags.has('activate-by-imports'));
  const shown = displayPath(file);
  if (args.flags.has('json')) {
    process.stdout.write(stringifyLossless(diags.map((d) => ({ ...d, file: displayPath(d.file) }))) + '\n');
  } else {
    // Messages quote the manifest (names, keys, paths): control characters are shown escaped.
    for (const d of diags) process.stdout.write(escapeControlChars(formatDiagnostic(shown, d)) + '\n');
    const errors = diags.filter((d) => d.severity === 'error').length;
    process.stderr.write(
      `${escapeControlChars(shown)}: ${errors} error${errors === 1 ? '' : 's'}, ${diags.length - errors} other finding${diags.length - errors === 1 ? '' : 's'}\n`,
    );
  }
  return diags.some((d) => d.severity === 'error') ? 1 : 0;
}
