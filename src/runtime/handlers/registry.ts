// The handler registry: the one source of truth for handler types, interface versions and config
// schema. Import resolution follows wasmtime's linker: an exact version first, else a
// semver-compatible one (same major; for 0.x the same minor).
import type { HandlerDefinition, InterfaceSpec, ServiceDeclaration } from './types';

/** Replay answers every import from a recorded chain instead of a live handler (docs/replay.md). */
export const replayHandler: HandlerDefinition = {
  type: 'replay',
  summary: 'Replays a recorded chain: every host import is answered from it; no live handler is called.',
  doc:
    'With `[[handler]] type = "replay"` and `chain = "<path>"` the actor runs against the recorded chain ' +
    '(Theater chain.json or a .chain.jsonl log). The new chain is compared event by event with the recording.',
  exports: [],
  config: [
    { name: 'chain', type: 'string', doc: 'The recorded chain to replay (relative to the manifest).', required: true, isPath: true },
  ],
  interfaces: [],
  create() {
    throw new Error('the replay handler is set up by the runtime itself');
  },
};

// Each handler's module (its interfaces and its implementation) loads when the handler is first asked
// for: an actor's worker loads only the handlers its manifest uses, and keeps less resident while it
// is idle (docs/actors.md, "Memory of an idle actor"). The order is the registry's order.
const loaders: ReadonlyArray<readonly [type: string, load: () => HandlerDefinition]> = [
  ['runtime', () => (require('./runtime') as typeof import('./runtime')).runtimeHandler],
  ['random', () => (require('./random') as typeof import('./random')).randomHandler],
  ['timing', () => (require('./timing') as typeof import('./timing')).timingHandler],
  ['environment', () => (require('./environment') as typeof import('./environment')).environmentHandler],
  ['store', () => (require('./store') as typeof import('./store')).storeHandler],
  ['wasi-io', () => (require('./io') as typeof import('./io')).wasiIoHandler],
  ['wasi-cli', () => (require('./cli') as typeof import('./cli')).wasiCliHandler],
  ['filesystem', () => (require('./filesystem') as typeof import('./filesystem')).filesystemHandler],
  ['message-server', () => (require('./messageServer') as typeof import('./messageServer')).messageServerHandler],
  ['supervisor', () => (require('./supervisor') as typeof import('./supervisor')).supervisorHandler],
  ['process', () => (require('./process') as typeof import('./process')).processHandler],
  ['http-client', () => (require('./http/client') as typeof import('./http/client')).httpClientHandler],
  ['http-framework', () => (require('./http/framework') as typeof import('./http/framework')).httpFrameworkHandler],
  ['wasi-http', () => (require('./http/wasiHttp') as typeof import('./http/wasiHttp')).wasiHttpHandler],
  ['replay', () => replayHandler],
];

const loaded = new Map<string, HandlerDefinition>();

function load(type: string, get: () => HandlerDefinition): HandlerDefinition {
  let def = loaded.get(type);
  if (!def) {
    def = get();
    if (def.type !== type) throw new Error(`the handler registry lists ${def.type} as ${type}`);
    loaded.set(type, def);
  }
  return def;
}

let all: readonly HandlerDefinition[] | undefined;

export function listHandlers(): readonly HandlerDefinition[] {
  return (all ??= loaders.map(([type, get]) => load(type, get)));
}

export function findHandler(type: string): HandlerDefinition | undefined {
  const entry = loaders.find(([t]) => t === type);
  return entry ? load(entry[0], entry[1]) : undefined;
}

export function handlerTypes(): string[] {
  return loaders.map(([type]) => type);
}

/**
 * The main-thread services the handlers of these types declare, each once (handlers that declare the
 * same name share it), in registry order: what an actor's session creates for it (host/services.ts
 * has the implementations; the registry only names them).
 */
export function servicesFor(types: Iterable<string>): ServiceDeclaration[] {
  const wanted = new Set(types);
  const out: ServiceDeclaration[] = [];
  for (const h of listHandlers()) {
    if (!wanted.has(h.type)) continue;
    for (const s of h.services ?? []) if (!out.some((o) => o.name === s.name)) out.push(s);
  }
  return out;
}

/** `wasi:random/random@0.2.3`, or the bare name for unversioned interfaces. */
export function qualifiedName(iface: InterfaceSpec): string {
  return iface.version ? `${iface.name}@${iface.version}` : iface.name;
}

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

export function parseSemver(v: string): SemVer | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  return m ? { major: +m[1]!, minor: +m[2]!, patch: +m[3]!, pre: m[4] ?? '' } : null;
}

/** wasmtime's rule: prereleases only match exactly; 1.x+ by major; 0.x by minor; 0.0.x exactly. */
export function semverCompatible(wanted: string, provided: string): boolean {
  if (wanted === provided) return true;
  const a = parseSemver(wanted),
    b = parseSemver(provided);
  if (!a || !b || a.pre || b.pre) return false;
  if (a.major !== b.major) return false;
  if (a.major > 0) return true;
  return a.minor !== 0 && a.minor === b.minor;
}

export interface Provider {
  handler: HandlerDefinition;
  iface: InterfaceSpec;
}

export type ImportResolution =
  | { status: 'exact' | 'compatible'; importName: string; provider: Provider; alternatives: Provider[] }
  | { status: 'unresolved'; importName: string; sameInterface: Provider[] };

/** Resolves one import name (`wasi:random/random@0.2.0`) against every registered handler. */
export function resolveImport(importName: string, handlers: readonly HandlerDefinition[] = listHandlers()): ImportResolution {
  const at = importName.indexOf('@');
  const name = at < 0 ? importName : importName.slice(0, at);
  const version = at < 0 ? null : importName.slice(at + 1);
  const sameInterface: Provider[] = [];
  for (const handler of handlers) {
    for (const iface of handler.interfaces) if (iface.name === name) sameInterface.push({ handler, iface });
  }
  const exact = sameInterface.filter((p) => p.iface.version === version);
  const compatible =
    version === null
      ? []
      : sameInterface.filter((p) => p.iface.version !== null && p.iface.version !== version && semverCompatible(version, p.iface.version));
  if (exact.length > 0) {
    const [first, ...rest] = exact;
    return { status: 'exact', importName, provider: first!, alternatives: rest };
  }
  if (compatible.length > 0) {
    const [first, ...rest] = compatible;
    return { status: 'compatible', importName, provider: first!, alternatives: rest };
  }
  return { status: 'unresolved', importName, sameInterface };
}

/** The exports every actor must have: the runtime handler drives init. */
export const REQUIRED_EXPORT = 'theater:simple/actor';
