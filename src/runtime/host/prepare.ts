// Everything that must be true before an actor starts, checked by the validation core (the same
// checks the editor and `theater check` report), then gathered for the worker.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ActorPlan } from '../handlers/plan';
import type { HandlerConfig } from '../handlers/types';
import { validateManifestFile, formatDiagnostic } from '../validation/manifest';
import { TheaterError, type StartOptions } from './api';

export interface PreparedRun {
  manifestPath: string;
  name: string;
  componentBytes: Uint8Array;
  plan: ActorPlan;
  handlerConfigs: Record<string, HandlerConfig>;
  /** init_state re-serialized compactly (as Theater does), or null. */
  initialState: Uint8Array | null;
  replayChainPath?: string;
  /** The manifest's `max_memory_mib`, if it has one. */
  maxMemoryMiB?: number;
}

export function prepareRun(options: StartOptions): PreparedRun {
  const manifestPath = path.resolve(options.manifestPath);
  if (!fs.existsSync(manifestPath)) {
    throw new TheaterError(`${manifestPath} does not exist; pass the path of an actor's manifest.toml.`, 'manifest-missing', manifestPath);
  }
  const result = validateManifestFile(manifestPath, {
    ...(options.activateByImports ? { activateByImports: true } : {}),
    ...(options.replayChainPath ? { replayChainPath: options.replayChainPath } : {}),
  });
  // Every error at once, as `theater check` lists them: a component with five unresolved imports
  // names all five, not one per attempt.
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const [first, ...more] = errors.map((d) => formatDiagnostic(manifestPath, d));
    throw new TheaterError(first!, errors[0]!.code, manifestPath, more);
  }
  const { manifest, componentBytes, plan, handlerConfigs } = result;
  if (!manifest || !componentBytes || !plan || !handlerConfigs) {
    throw new TheaterError(
      `${manifestPath}: the manifest could not be read; run \`theater check\` on it.`,
      'manifest-unreadable',
      manifestPath,
    );
  }
  // The plan and the handler configs are the validation's: computed once, the same the editor shows.
  return {
    manifestPath,
    name: manifest.name ?? path.basename(path.dirname(manifestPath)),
    componentBytes,
    plan,
    handlerConfigs,
    initialState: result.initialState ?? null,
    ...(result.replayChainPath ? { replayChainPath: result.replayChainPath } : {}),
    ...(manifest.maxMemoryMiB !== undefined ? { maxMemoryMiB: manifest.maxMemoryMiB } : {}),
  };
}
