// Decides which handler serves each import of a component, given the manifest's [[handler]] list.
// The runtime refuses to start on any error here; the validation core turns the same problems into
// diagnostics, so the editor, `theater check` and `theater run` always agree.
import type { ComponentWorld } from '../component/world';
import { describeImport } from './importWords';
import { qualifiedName, REQUIRED_EXPORT, resolveImport } from './registry';
import type { HandlerDefinition, InterfaceSpec } from './types';
import { listHandlers } from './registry';

export interface ImportBinding {
  /** As the component imports it, e.g. `wasi:random/random@0.2.0`. Event types use this name. */
  importName: string;
  /** The key jco's bindings read (the name without version). */
  jcoKey: string;
  handlerType: string;
  iface: InterfaceSpec;
  /** The provider's exact name when it differs (semver-compatible resolution). */
  providedAs: string;
}

export type PlanProblemCode =
  | 'import-unresolved'
  | 'import-version-mismatch'
  | 'handler-not-listed'
  | 'import-compatible'
  | 'handler-unused'
  | 'missing-actor-export'
  | 'handler-sandboxed';

export interface PlanProblem {
  code: PlanProblemCode;
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  /** The import the problem is about, when there is one. */
  importName?: string;
  /** The handler type to add / that is unused. */
  handlerType?: string;
  /** For import-version-mismatch: registered versions of the same interface. */
  registered?: string[];
}

export interface ActorPlan {
  bindings: ImportBinding[];
  problems: PlanProblem[];
  activeHandlers: string[];
}

export interface PlanOptions {
  /** Theater's looser model: any handler whose interfaces match is activated, listed or not. */
  activateByImports?: boolean;
  /** Replay serves every import from the chain: only existence of a provider is checked. */
  replay?: boolean;
  handlers?: readonly HandlerDefinition[];
}

/** The component exports an interface the handler drives (wasi-http: wasi:http/incoming-handler). */
const drivesAnExport = (def: HandlerDefinition, world: ComponentWorld): boolean =>
  def.exports.some((e) => world.exports.some((x) => x.name.replace(/@.*$/, '') === e.replace(/@.*$/, '')));

export function planActor(world: ComponentWorld, listedTypes: string[], options: PlanOptions = {}): ActorPlan {
  const handlers = options.handlers ?? listHandlers();
  const listed = new Set(listedTypes);
  const isAvailable = (h: HandlerDefinition) => h.alwaysAvailable || options.activateByImports || listed.has(h.type);
  const bindings: ImportBinding[] = [];
  const problems: PlanProblem[] = [];
  const used = new Set<string>();
  const hinted = new Set<string>();

  for (const imp of world.imports) {
    if (imp.kind !== 'instance') continue; // type-only imports need nothing from a handler
    const res = resolveImport(imp.name, handlers);
    const words = describeImport(res, 'component');
    if (res.status === 'unresolved') {
      problems.push({
        code: words.verdict === 'version-mismatch' ? 'import-version-mismatch' : 'import-unresolved',
        severity: 'error',
        importName: imp.name,
        ...(words.registered ? { registered: words.registered } : {}),
        message: words.sentence,
      });
      continue;
    }
    const { handler, iface } = res.provider;
    used.add(handler.type);
    const sandboxed = !isAvailable(handler) && handler.sandboxedWhenUnlisted;
    if (handler.unlistedHint && !listed.has(handler.type) && !hinted.has(handler.type) && (sandboxed || handler.alwaysAvailable)) {
      // One hint per handler: what an unlisted handler gives, and how to grant more.
      hinted.add(handler.type);
      problems.push({
        code: 'handler-sandboxed',
        severity: 'hint',
        importName: imp.name,
        handlerType: handler.type,
        message: `The component imports ${imp.name}; ${handler.unlistedHint}`,
      });
    }
    if (!isAvailable(handler) && !sandboxed && !options.replay) {
      problems.push({
        code: 'handler-not-listed',
        severity: 'error',
        importName: imp.name,
        handlerType: handler.type,
        message: `The component imports ${imp.name}, provided by the \`${handler.type}\` handler, which the manifest does not list; add [[handler]] type = "${handler.type}".`,
      });
    }
    if (res.status === 'compatible') {
      problems.push({
        code: 'import-compatible',
        severity: 'information',
        importName: imp.name,
        handlerType: handler.type,
        message: words.sentence,
      });
    }
    bindings.push({ importName: imp.name, jcoKey: iface.name, handlerType: handler.type, iface, providedAs: qualifiedName(iface) });
  }

  if (!world.exports.some((e) => e.name === REQUIRED_EXPORT)) {
    problems.push({
      code: 'missing-actor-export',
      severity: 'error',
      message: `The component does not export ${REQUIRED_EXPORT}, so it has no init to call; export it from your world.`,
    });
  }
  for (const type of listed) {
    const def = handlers.find((h) => h.type === type);
    if (!def || type === 'replay') continue;
    if (!used.has(type) && !def.alwaysAvailable && !drivesAnExport(def, world)) {
      problems.push({
        code: 'handler-unused',
        severity: 'hint',
        handlerType: type,
        message: `The \`${type}\` handler is listed, but the component imports none of its interfaces.`,
      });
    }
  }
  const activeHandlers = [...new Set(bindings.map((b) => b.handlerType))];
  return { bindings, problems, activeHandlers };
}
