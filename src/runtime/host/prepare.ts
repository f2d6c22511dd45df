// Everything that must be true before an actor starts, checked by the validation core (the same
// checks the editor and `theater check` report), then gathered for the worker.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLossless, stringifyLossless } from '../chain/json';
import { resolveHandlerConfig } from '../handlers/config';
import { planActor, type ActorPlan } from '../handlers/plan';
import { findHandler } from '../handlers/registry';
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
  const firstError = result.diagnostics.find((d) => d.severity === 'error');
  if (firstError) throw new TheaterError(`${formatDiagnostic(manifestPath, firstError)}`, firstError.code, manifestPath);
  const { manifest, componentBytes, world } = result;
  if (!manifest || !componentBytes || !world) {
    throw new TheaterError(`${manifestPath}: the manifest could not be read; run \`theater check\` on it.`, 'manifest-unreadable', manifestPath);
  }

  const listed = manifest.handlers.map((h) => h.type).filter((t): t is string => t !== undefined);
  const replayEntry = manifest.handlers.find((h) => h.type === 'replay');
  const replayChainPath = options.replayChainPath
    ?? (replayEntry && typeof replayEntry.config.chain === 'string' ? path.resolve(path.dirname(manifestPath), replayEntry.config.chain) : undefined);
  const plan = planActor(world, listed, { ...(options.activateByImports ? { activateByImports: true } : {}), ...(replayChainPath ? { replay: true } : {}) });

  const handlerConfigs: Record<string, HandlerConfig> = {};
  for (const type of plan.activeHandlers) {
    const def = findHandler(type)!;
    const entry = manifest.handlers.find((h) => h.type === type);
    handlerConfigs[type] = resolveHandlerConfig(def, entry?.config ?? {}).config;
  }

  let initialState: Uint8Array | null = null;
  if (manifest.initState !== undefined) {
    const file = path.resolve(path.dirname(manifestPath), manifest.initState.value);
    // Validation already proved it readable JSON; Theater passes it on re-serialized compactly.
    initialState = Buffer.from(stringifyLossless(parseLossless(fs.readFileSync(file, 'utf8'))), 'utf8');
  }
  return {
    manifestPath, name: manifest.name ?? path.basename(path.dirname(manifestPath)), componentBytes, plan, handlerConfigs,
    initialState, ...(replayChainPath ? { replayChainPath } : {}),
  };
}
