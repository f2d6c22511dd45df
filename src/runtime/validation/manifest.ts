// The validation core for manifest.toml: syntax and shape (from the manifest model), keys and
// handler config (from the registry), the component and its imports (from the binary, resolved by
// the same plan the runtime uses). `theater check`, the language server and `theater run` all call
// this, so they give the same answer with the same codes and ranges.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLossless } from '../chain/json';
import { loadChainFile } from '../chain/theaterJson';
import { readComponentWorld, type ComponentWorld } from '../component/world';
import { resolveHandlerConfig } from '../handlers/config';
import { planActor } from '../handlers/plan';
import { findHandler, handlerTypes } from '../handlers/registry';
import { didYouMeanOne } from '../handlers/suggestKey';
import { TheaterError } from '../host/api';
import { TOP_LEVEL_KEY_NAMES } from '../manifest/keys';
import { parseManifest, type Manifest } from '../manifest/model';
import type { Diagnostic, Range, Severity } from './types';


export interface ValidateOptions {
  /** Reads files (component, init_state, replay chain); the server passes one that sees unsaved state. */
  readFile?: (p: string) => Uint8Array | undefined;
  activateByImports?: boolean;
  /** A replay chain given outside the manifest (`theater replay --chain`). */
  replayChainPath?: string;
}

export interface ManifestValidation {
  diagnostics: Diagnostic[];
  manifest?: Manifest;
  world?: ComponentWorld;
  componentPath?: string;
  componentBytes?: Uint8Array;
}

const defaultRead = (p: string): Uint8Array | undefined => {
  try { return fs.readFileSync(p); } catch { return undefined; }
};

/** `file:line:col: severity: message [code]` with 1-based line and column (the CLI's format). */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function validateManifestFile(manifestPath: string, options: ValidateOptions = {}): ManifestValidation {
  let text: string;
  try {
    text = fs.readFileSync(manifestPath, 'utf8');
  } catch {
    throw new TheaterError(`${manifestPath} cannot be read; check the path.`, 'manifest-missing', manifestPath);
  }
  return validateManifestText(text, manifestPath, options);
}

export function validateManifestText(text: string, manifestPath: string, options: ValidateOptions = {}): ManifestValidation {
  const read = options.readFile ?? defaultRead;
  const file = manifestPath;
  const dir = path.dirname(manifestPath);
  const view = parseManifest(text, manifestPath);
  const diags: Diagnostic[] = [...view.problems];
  const add = (code: string, severity: Severity, message: string, range: Range, data?: Diagnostic['data']) =>
    diags.push({ code, severity, message, range, file, ...(data ? { data } : {}) });

  for (const k of view.topLevelKeys) {
    if (TOP_LEVEL_KEY_NAMES.includes(k.key)) continue;
    const suggestion = didYouMeanOne(k.key, TOP_LEVEL_KEY_NAMES);
    add('unknown-key', 'warning',
      `Unknown manifest key \`${k.key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''} Theater ignores it.`,
      k.range, suggestion ? { fix: 'replace-key', replacement: suggestion } : undefined);
  }
  if (view.componentKey === 'component' && view.topLevelKeys.some((k) => k.key === 'package')) {
    const pkg = view.topLevelKeys.find((k) => k.key === 'package')!;
    add('duplicate-component', 'warning', '`package` and `component` both name the component; keep one (`package` is the newer name, `component` the Theater c5fe764f one).', pkg.range);
  }

  // Handlers: known types, config against the registry, duplicates.
  const seen = new Map<string, number>();
  const types = handlerTypes();
  for (const h of view.handlers) {
    if (h.type === undefined) continue; // the model reported handler-missing-type
    const def = findHandler(h.type);
    if (!def) {
      const suggestion = didYouMeanOne(h.type, types);
      add('unknown-handler-type', 'error',
        `Unknown handler type "${h.type}"${suggestion ? `; did you mean "${suggestion}"?` : ''} Registered types: ${types.join(', ')}.`,
        h.typeRange ?? h.range, suggestion && h.typeRange ? { fix: 'replace-string-value', replacement: suggestion } : undefined);
      continue;
    }
    if (seen.has(h.type)) {
      add('duplicate-handler', 'warning', `The \`${h.type}\` handler is listed twice; only the first table is used. Remove this one.`,
        h.headerRange ?? h.range, { fix: 'remove-handler', handlerIndex: h.index });
    } else {
      seen.set(h.type, h.index);
    }
    const { problems } = resolveHandlerConfig(def, h.config);
    for (const p of problems) {
      const range = p.code === 'config-missing-key' ? (h.headerRange ?? h.range) : (p.code === 'config-unknown-key' ? h.keyRanges[p.key] : h.valueRanges[p.key]) ?? h.range;
      add(p.code, p.severity, p.message, range, p.suggestion ? { fix: 'replace-key', replacement: p.suggestion } : undefined);
    }
  }

  // init_state: a JSON document next to the manifest.
  if (view.initState) {
    const p = path.resolve(dir, view.initState.value);
    const bytes = read(p);
    if (!bytes) {
      add('init-state-missing', 'error', `init_state file ${view.initState.value} was not found${path.isAbsolute(view.initState.value) ? '' : ` (looked at ${p})`}; fix the path, relative to the manifest.`, view.initState.range);
    } else {
      try { parseLossless(Buffer.from(bytes).toString('utf8')); } catch (e) {
        add('init-state-invalid', 'error', `init_state file ${view.initState.value} is not valid JSON (${(e as Error).message}); Theater passes it to init as JSON.`, view.initState.range);
      }
    }
  }

  // replay: the chain must exist and load.
  const replayEntry = view.handlers.find((h) => h.type === 'replay');
  if (replayEntry && typeof replayEntry.config.chain === 'string') {
    const p = path.resolve(dir, replayEntry.config.chain);
    const range = replayEntry.valueRanges.chain ?? replayEntry.range;
    if (!read(p)) {
      add('replay-chain-missing', 'error', `The replay chain ${replayEntry.config.chain} was not found${path.isAbsolute(replayEntry.config.chain) ? '' : ` (looked at ${p})`}; record one with \`theater run --chain-out\`.`, range);
    } else {
      try { loadChainFile(p); } catch (e) {
        add('replay-chain-invalid', 'error', `The replay chain ${replayEntry.config.chain} is not a valid chain: ${(e as Error).message}`, range);
      }
    }
  }

  const result: ManifestValidation = { diagnostics: diags, manifest: view };
  const comp = view.component;
  if (!comp) return finish(result);
  if (/^(store:|https?:)/.test(comp.value)) {
    add('component-unsupported-reference', 'error', `The component reference ${comp.value} is not supported here; point \`${view.componentKey}\` at a .wasm file (relative to the manifest).`, comp.range);
    return finish(result);
  }
  const componentPath = path.resolve(dir, comp.value);
  result.componentPath = componentPath;
  const bytes = read(componentPath);
  if (!bytes) {
    const hint = path.isAbsolute(comp.value)
      ? 'Theater resolved paths against its server\'s folder, so its manifests carry absolute paths; use a path relative to this manifest'
      : 'build the component, or fix the path (relative to the manifest)';
    const where = path.isAbsolute(comp.value) ? '' : ` (looked at ${componentPath})`;
    add('component-not-found', 'error', `Component ${comp.value} was not found${where}; ${hint}.`, comp.range);
    return finish(result);
  }
  let world: ComponentWorld;
  try {
    world = readComponentWorld(bytes, comp.value);
  } catch (e) {
    add('component-not-a-component', 'error', (e as Error).message, comp.range);
    return finish(result);
  }
  result.world = world;
  result.componentBytes = bytes;

  const listed = view.handlers.map((h) => h.type).filter((t): t is string => t !== undefined);
  const replay = !!replayEntry || !!options.replayChainPath;
  const plan = planActor(world, listed, { ...(options.activateByImports ? { activateByImports: true } : {}), ...(replay ? { replay: true } : {}) });
  for (const p of plan.problems) {
    let range = comp.range;
    if ((p.code === 'handler-unused' || p.code === 'handler-unimplemented') && p.handlerType) {
      const h = view.handlers.find((x) => x.type === p.handlerType);
      if (h) range = h.typeRange ?? h.range;
    }
    add(p.code, p.severity, p.message, range,
      p.code === 'handler-not-listed' && p.handlerType ? { fix: 'add-handler', handlerType: p.handlerType } : undefined);
  }
  return finish(result);
}

function finish(r: ManifestValidation): ManifestValidation {
  r.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return r;
}
