// The validation core for manifest.toml: syntax and shape (from the manifest model), keys and
// handler config (from the registry), the component and its imports (from the binary, resolved by
// the same plan the runtime uses). `theater check`, the language server and `theater run` all call
// this, so they give the same answer with the same codes and ranges.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLossless, stringifyLossless } from '../chain/json';
import { ChainFileReader } from '../chain/chainFile';
import { readComponentWorld, type ComponentWorld } from '../component/world';
import { FileReadError, readRegularFile, readRegularOrUndefined, type ReadRegularOptions } from '../files/readRegular';
import { hasPermissionKeys, resolveHandlerConfig } from '../handlers/config';
import { planActor, type ActorPlan } from '../handlers/plan';
import { findHandler, handlerTypes } from '../handlers/registry';
import type { HandlerConfig } from '../handlers/types';
import { COMPONENT_MAX_BYTES, INIT_STATE_MAX_BYTES, MANIFEST_MAX_BYTES, MAX_REPEATED_DIAGNOSTICS } from '../limits';
import { didYouMeanOne } from '../handlers/suggestKey';
import { TheaterError } from '../host/api';
import { TOP_LEVEL_KEY_NAMES } from '../manifest/keys';
import { parseManifest, type Manifest } from '../manifest/model';
import type { Diagnostic, Range, Severity } from './types';
import { wasiHttpProblems } from './wasiHttp';

export interface ValidateOptions {
  /**
   * Reads files (component, init_state, replay chain); the server passes a cached one. Answers
   * undefined for a missing file and throws FileReadError for anything else (not a regular file,
   * over its cap); the default is readRegularOrUndefined.
   */
  readFile?: (p: string, limits: ReadRegularOptions) => Uint8Array | undefined;
  /** Told of a file the result depends on that is checked without readFile (the replay chain: only its start is read). */
  dependsOn?: (p: string) => void;
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
  /** Which handler serves each import: computed here once, used as is by the runtime (prepareRun). */
  plan?: ActorPlan;
  /** Config of every active handler, defaults applied (most restrictive for a handler the manifest does not list). */
  handlerConfigs?: Record<string, HandlerConfig>;
  /** init_state re-serialized compactly (as Theater does), when the manifest has one. */
  initialState?: Uint8Array;
  /** Absolute path of the replay chain (manifest `[[handler]] type = "replay"` or the option). */
  replayChainPath?: string;
}

/** `file:line:col: severity: message [code]` with 1-based line and column (the CLI's format). */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function validateManifestFile(manifestPath: string, options: ValidateOptions = {}): ManifestValidation {
  let text: string;
  try {
    text = readRegularFile(manifestPath, { maxBytes: MANIFEST_MAX_BYTES, what: 'manifest' }).toString('utf8');
  } catch (e) {
    const missing = e instanceof FileReadError && e.reason === 'missing';
    throw new TheaterError(
      missing ? `${manifestPath} cannot be read; check the path.` : (e as Error).message,
      missing ? 'manifest-missing' : 'manifest-unreadable',
      manifestPath,
    );
  }
  return validateManifestText(text, manifestPath, options);
}

export function validateManifestText(text: string, manifestPath: string, options: ValidateOptions = {}): ManifestValidation {
  const readFile = options.readFile ?? readRegularOrUndefined;
  const file = manifestPath;
  const dir = path.dirname(manifestPath);
  const view = parseManifest(text, manifestPath);
  const diags: Diagnostic[] = [...view.problems];
  const add = (code: string, severity: Severity, message: string, range: Range, data?: Diagnostic['data']) =>
    diags.push({ code, severity, message, range, file, ...(data ? { data } : {}) });
  /** undefined: missing (the caller says so); null: unusable, already reported at `range`. */
  const read = (p: string, limits: ReadRegularOptions, code: string, range: Range): Uint8Array | undefined | null => {
    try {
      return readFile(p, limits);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      add(code, 'error', e.message, range);
      return null;
    }
  };
  let repeated = 0;

  for (const k of view.topLevelKeys) {
    if (TOP_LEVEL_KEY_NAMES.includes(k.key)) continue;
    if (++repeated > MAX_REPEATED_DIAGNOSTICS) {
      if (repeated === MAX_REPEATED_DIAGNOSTICS + 1)
        add('unknown-key', 'warning', `More than ${MAX_REPEATED_DIAGNOSTICS} unknown manifest keys; the rest are not listed.`, k.range);
      continue;
    }
    const suggestion = didYouMeanOne(k.key, TOP_LEVEL_KEY_NAMES);
    add(
      'unknown-key',
      'warning',
      `Unknown manifest key \`${k.key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''} Theater ignores it.`,
      k.range,
      suggestion ? { fix: 'replace-key', replacement: suggestion } : undefined,
    );
  }
  if (view.componentKey === 'component' && view.topLevelKeys.some((k) => k.key === 'package')) {
    const pkg = view.topLevelKeys.find((k) => k.key === 'package')!;
    add(
      'duplicate-component',
      'warning',
      '`package` and `component` both name the component; keep one (`package` is the newer name, `component` the Theater c5fe764f one).',
      pkg.range,
    );
  }

  // Handlers: known types, config against the registry, duplicates.
  const seen = new Map<string, number>();
  const types = handlerTypes();
  for (const h of view.handlers) {
    if (h.type === undefined) continue; // the model reported handler-missing-type
    const def = findHandler(h.type);
    if (!def) {
      const suggestion = didYouMeanOne(h.type, types);
      add(
        'unknown-handler-type',
        'error',
        `Unknown handler type "${h.type}"${suggestion ? `; did you mean "${suggestion}"?` : ''} Registered types: ${types.join(', ')}.`,
        h.typeRange ?? h.range,
        suggestion && h.typeRange ? { fix: 'replace-string-value', replacement: suggestion } : undefined,
      );
      continue;
    }
    if (seen.has(h.type)) {
      // Two tables of a handler whose keys are permissions would grant two different things: refuse
      // rather than pick one (merging could widen or narrow what the first table says).
      if (hasPermissionKeys(def)) {
        add(
          'duplicate-handler',
          'error',
          `The \`${h.type}\` handler is listed twice; its keys are permissions, so two tables are refused rather than merged. Keep one table with every allow and deny list.`,
          h.headerRange ?? h.range,
          { fix: 'remove-handler', handlerIndex: h.index },
        );
      } else {
        add(
          'duplicate-handler',
          'warning',
          `The \`${h.type}\` handler is listed twice; only the first table is used. Remove this one.`,
          h.headerRange ?? h.range,
          { fix: 'remove-handler', handlerIndex: h.index },
        );
      }
    } else {
      seen.set(h.type, h.index);
    }
    const { problems } = resolveHandlerConfig(def, h.config);
    for (const p of problems) {
      const range =
        p.code === 'config-missing-key' || p.code === 'config-grants-nothing'
          ? (h.headerRange ?? h.range)
          : ((p.code === 'config-unknown-key' ? h.keyRanges[p.key] : h.valueRanges[p.key]) ?? h.range);
      add(p.code, p.severity, p.message, range, p.suggestion ? { fix: 'replace-key', replacement: p.suggestion } : undefined);
    }
  }

  // init_state: a JSON document next to the manifest.
  let initialState: Uint8Array | undefined;
  if (view.initState) {
    const p = path.resolve(dir, view.initState.value);
    const bytes = read(p, { maxBytes: INIT_STATE_MAX_BYTES, what: 'init_state file' }, 'init-state-unreadable', view.initState.range);
    if (bytes === null) {
      /* reported */
    } else if (!bytes) {
      add(
        'init-state-missing',
        'error',
        `init_state file ${view.initState.value} was not found${path.isAbsolute(view.initState.value) ? '' : ` (looked at ${p})`}; fix the path, relative to the manifest.`,
        view.initState.range,
      );
    } else {
      // Theater passes it on re-serialized compactly.
      try {
        initialState = Buffer.from(stringifyLossless(parseLossless(Buffer.from(bytes).toString('utf8'))), 'utf8');
      } catch (e) {
        add(
          'init-state-invalid',
          'error',
          `init_state file ${view.initState.value} is not valid JSON (${(e as Error).message}); Theater passes it to init as JSON.`,
          view.initState.range,
        );
      }
    }
  }

  // replay: the chain must exist and load.
  const replayEntry = view.handlers.find((h) => h.type === 'replay');
  if (replayEntry && typeof replayEntry.config.chain === 'string') {
    const p = path.resolve(dir, replayEntry.config.chain);
    const range = replayEntry.valueRanges.chain ?? replayEntry.range;
    options.dependsOn?.(p);
    // Only what a start needs to know: the file is there, is a chain, and its first event reads. The
    // replay streams the rest (and reports a broken line where it finds one): a chain of any size
    // costs a header and one event here, on every keystroke in the editor too.
    if (!fs.existsSync(p)) {
      add(
        'replay-chain-missing',
        'error',
        `The replay chain ${replayEntry.config.chain} was not found${path.isAbsolute(replayEntry.config.chain) ? '' : ` (looked at ${p})`}; record one with \`theater run --chain-out\`.`,
        range,
      );
    } else {
      let reader: ChainFileReader | undefined;
      try {
        reader = ChainFileReader.open(p);
        reader.next();
      } catch (e) {
        if (/not a regular file/.test((e as Error).message)) add('replay-chain-unreadable', 'error', (e as Error).message, range);
        else
          add(
            'replay-chain-invalid',
            'error',
            `The replay chain ${replayEntry.config.chain} is not a valid chain: ${(e as Error).message}`,
            range,
          );
      } finally {
        reader?.close();
      }
    }
  }

  const replayChainPath =
    options.replayChainPath ??
    (replayEntry && typeof replayEntry.config.chain === 'string' ? path.resolve(dir, replayEntry.config.chain) : undefined);
  const result: ManifestValidation = {
    diagnostics: diags,
    manifest: view,
    ...(initialState ? { initialState } : {}),
    ...(replayChainPath ? { replayChainPath } : {}),
  };
  const comp = view.component;
  if (!comp) return finish(result);
  if (/^(store:|https?:)/.test(comp.value)) {
    add(
      'component-unsupported-reference',
      'error',
      `The component reference ${comp.value} is not supported here; point \`${view.componentKey}\` at a .wasm file (relative to the manifest).`,
      comp.range,
    );
    return finish(result);
  }
  const componentPath = path.resolve(dir, comp.value);
  result.componentPath = componentPath;
  const bytes = read(componentPath, { maxBytes: COMPONENT_MAX_BYTES, what: 'component' }, 'component-unreadable', comp.range);
  if (bytes === null) return finish(result);
  if (!bytes) {
    const hint = path.isAbsolute(comp.value)
      ? "Theater resolved paths against its server's folder, so its manifests carry absolute paths; use a path relative to this manifest"
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
  const replay = !!replayChainPath;
  const plan = planActor(world, listed, {
    ...(options.activateByImports ? { activateByImports: true } : {}),
    ...(replay ? { replay: true } : {}),
  });
  result.plan = plan;
  result.handlerConfigs = activeHandlerConfigs(plan, view);
  for (const p of plan.problems) {
    let range = comp.range;
    if (p.code === 'handler-unused' && p.handlerType) {
      const h = view.handlers.find((x) => x.type === p.handlerType);
      if (h) range = h.typeRange ?? h.range;
    }
    add(
      p.code,
      p.severity,
      p.message,
      range,
      p.code === 'handler-not-listed' && p.handlerType ? { fix: 'add-handler', handlerType: p.handlerType } : undefined,
    );
  }
  const wasiHttp = view.handlers.find((h) => h.type === 'wasi-http');
  if (wasiHttp) {
    for (const p of wasiHttpProblems(world, bytes, wasiHttp.config))
      add(p.code, p.severity, p.message, wasiHttp.valueRanges[p.key] ?? wasiHttp.typeRange ?? wasiHttp.range);
  }
  return finish(result);
}

/**
 * The config each active handler runs with: its (first) table, defaults applied. A handler the
 * manifest does not list (activated by imports) gets its most restrictive config, never allow-all.
 */
function activeHandlerConfigs(plan: ActorPlan, view: Manifest): Record<string, HandlerConfig> {
  const configs: Record<string, HandlerConfig> = Object.create(null) as Record<string, HandlerConfig>;
  // Listed handlers too: one handler may follow another's rules (wasi-cli's variables are the environment handler's).
  const listed = view.handlers.map((h) => h.type).filter((t): t is string => !!t && !!findHandler(t) && t !== 'replay');
  for (const type of new Set([...plan.activeHandlers, ...listed])) {
    const def = findHandler(type)!;
    const entry = view.handlers.find((h) => h.type === type);
    configs[type] = resolveHandlerConfig(def, entry?.config ?? def.unlistedConfig ?? {}).config;
  }
  return configs;
}

function finish(r: ManifestValidation): ManifestValidation {
  r.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return r;
}
