// The validation core for a bare component: its imports against the registry, with no manifest
// (so every handler counts as listed; the manifest check adds the listing rules).
import { readComponentWorld } from '../component/world';
import { FileReadError, readRegularFile } from '../files/readRegular';
import { COMPONENT_MAX_BYTES } from '../limits';
import { planActor } from '../handlers/plan';
import type { Diagnostic } from './types';

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function validateComponentBytes(bytes: Uint8Array, file: string): Diagnostic[] {
  let world;
  try {
    world = readComponentWorld(bytes, file);
  } catch (e) {
    return [{ code: 'component-not-a-component', severity: 'error', message: (e as Error).message, range: START, file }];
  }
  return planActor(world, [], { activateByImports: true })
    .problems.filter((p) => p.code !== 'handler-unused')
    .map((p) => ({ code: p.code, severity: p.severity, message: p.message, range: START, file }));
}

export function validateComponentFile(file: string): Diagnostic[] {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file, { maxBytes: COMPONENT_MAX_BYTES, what: 'component' });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const missing = e.reason === 'missing';
    return [
      {
        code: missing ? 'component-not-found' : 'component-unreadable',
        severity: 'error',
        message: missing ? `${file} cannot be read; check the path.` : e.message,
        range: START,
        file,
      },
    ];
  }
  return validateComponentBytes(bytes, file);
}
