// Builds the import object jco's bindings expect from the handlers' implementations, with every
// call recorded. Driven by the declared signatures: resources become jco resource classes with
// numbered handles, `result` values become return/throw, and inputs and outputs are encoded as
// Theater's typed values for the chain.
import { chainReferenceOf, encodeChainReference } from '../chain/reference';
import { camelCase, encodeParams, encodeTyped } from '../chain/typedValue';
import type { FunctionSpec, HostFunction, InterfaceSpec } from '../handlers/types';
import type { WitType } from '../wit/types';

const HOST = Symbol('theater.host');
const WRAP = Symbol('theater.wrap');

/** jco's naming for resource classes: `incoming-request` → `IncomingRequest`. */
export function pascalCase(name: string): string {
  const c = camelCase(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** Records one host call; `inputJson`/`outputJson` are typed-value JSON text. */
export type CallRecorder = (importName: string, fn: string, inputJson: string, outputJson: string) => void;

/** Returned by an answerer to let the live handler answer this call (a fork past its fork point). */
export const ANSWER_LIVE: unique symbol = Symbol('theater.answerLive');

/** Answers a call instead of the live handler (replay); returns the host-side result value, or ANSWER_LIVE. */
export type CallAnswerer = (importName: string, fn: FunctionSpec, hostArgs: unknown[], inputJson: string) => unknown;

interface ResourceHost {
  rep?: number;
}

/** Resource classes are shared by every interface that uses them (monotonic-clock returns poll's pollable). */
export class ResourceTable {
  private readonly classes = new Map<string, any>();
  private readonly counters = new Map<string, number>();

  classFor(resource: string, owner: string): any {
    const key = `${owner}#${resource}`;
    let cls = this.classes.get(key);
    if (!cls) {
      cls = {
        [pascalCase(resource)]: class {
          constructor(...args: unknown[]) {
            if (args[0] === WRAP) {
              (this as any)[HOST] = args[1];
              return;
            }
            const ctor = (cls as any)[CONSTRUCT];
            if (!ctor) throw new Error(`resource ${resource} has no constructor`);
            (this as any)[HOST] = ctor(...args);
          }
        },
      }[pascalCase(resource)];
      this.classes.set(key, cls);
    }
    return cls;
  }

  /** Wraps a host object into the jco class, numbering the handle in creation order per resource type. */
  wrap(resource: string, owner: string, host: ResourceHost): unknown {
    if (typeof host.rep !== 'number') {
      const n = this.counters.get(resource) ?? 0;
      this.counters.set(resource, n + 1);
      host.rep = n;
    }
    const cls = this.classFor(resource, owner);
    return new cls(WRAP, host);
  }
}

const CONSTRUCT = Symbol('theater.construct');

function hasResource(ty: WitType | null): boolean {
  if (!ty) return false;
  switch (ty.kind) {
    case 'resource':
      return true;
    case 'list':
      return hasResource(ty.element);
    case 'option':
      return hasResource(ty.some);
    case 'result':
      return hasResource(ty.ok) || hasResource(ty.err);
    case 'tuple':
      return ty.items.some(hasResource);
    case 'record':
      return ty.fields.some(([, f]) => hasResource(f));
    case 'variant':
      return ty.cases.some(([, c]) => hasResource(c));
    default:
      return false;
  }
}

/** Applies `fn` to every resource inside a value of type `ty` (jco shapes; results as {tag,val}). */
function mapResources(ty: WitType | null, v: any, fn: (res: Extract<WitType, { kind: 'resource' }>, x: any) => any): any {
  if (!ty || v === undefined || v === null) return v;
  switch (ty.kind) {
    case 'resource':
      return fn(ty, v);
    case 'list':
      return Array.from(v as ArrayLike<unknown>, (x) => mapResources(ty.element, x, fn));
    case 'option':
      return mapResources(ty.some, v, fn);
    case 'result':
      return { tag: v.tag, val: mapResources(v.tag === 'ok' ? ty.ok : ty.err, v.val, fn) };
    case 'tuple':
      return ty.items.map((it, i) => mapResources(it, v[i], fn));
    case 'record': {
      const out: any = { ...v };
      for (const [name, ft] of ty.fields) out[camelCase(name)] = mapResources(ft, v[camelCase(name)], fn);
      return out;
    }
    case 'variant': {
      const c = ty.cases.find(([n]) => n === v.tag);
      return c && c[1] ? { tag: v.tag, val: mapResources(c[1], v.val, fn) } : v;
    }
    default:
      return v;
  }
}

interface ParsedName {
  kind: 'func' | 'method' | 'static' | 'constructor';
  resource?: string;
  member: string;
}

function parseFunctionName(name: string): ParsedName {
  const m = /^\[(method|static|constructor)\]([a-z0-9-]+)(?:\.([a-z0-9-]+))?$/.exec(name);
  if (!m) return { kind: 'func', member: name };
  return { kind: m[1] as ParsedName['kind'], resource: m[2]!, member: m[3] ?? m[2]! };
}

/** Where each resource type an interface mentions is defined (its own, or a used interface's). */
function resourceOwner(iface: InterfaceSpec, resource: string, all: readonly InterfaceSpec[]): string {
  if (iface.resources.includes(resource)) return iface.name;
  for (const used of iface.uses ?? []) {
    const u = all.find((i) => i.name === used);
    if (u?.resources.includes(resource)) return u.name;
  }
  return iface.name;
}

export interface BindOptions {
  importName: string;
  iface: InterfaceSpec;
  /** The live implementation (ignored when `answer` is given). */
  impl: Record<string, HostFunction>;
  record: CallRecorder;
  answer?: CallAnswerer;
  resources: ResourceTable;
  /** All interfaces being bound (to find the owner of a used resource type). */
  allInterfaces: readonly InterfaceSpec[];
}

/** The object jco's bindings read for one import: camelCase functions and PascalCase resource classes. */
export function bindInterface(o: BindOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of o.iface.resources) out[pascalCase(r)] = o.resources.classFor(r, o.iface.name);
  for (const spec of o.iface.functions) {
    const parsed = parseFunctionName(spec.name);
    const call = makeCall(o, spec);
    if (parsed.kind === 'func') {
      out[camelCase(parsed.member)] = call;
    } else {
      const cls = o.resources.classFor(parsed.resource!, resourceOwner(o.iface, parsed.resource!, o.allInterfaces));
      out[pascalCase(parsed.resource!)] = cls;
      if (parsed.kind === 'method') {
        cls.prototype[camelCase(parsed.member)] = function (this: any, ...args: unknown[]) {
          return call(this, ...args);
        };
      } else if (parsed.kind === 'static') {
        cls[camelCase(parsed.member)] = call;
      } else {
        cls[CONSTRUCT] = (...args: unknown[]) => (call(...args) as any)[HOST];
      }
    }
  }
  return out;
}

function makeCall(o: BindOptions, spec: FunctionSpec): (...args: unknown[]) => unknown {
  const paramTypes = spec.params.map(([, ty]) => ty);
  const lowerNeeded = paramTypes.some(hasResource);
  const liftNeeded = hasResource(spec.result);
  const isResult = spec.result?.kind === 'result';
  const impl = o.impl[spec.name];
  const { importName, record, answer, resources } = o;
  const unwrap = (_: unknown, x: any) => x[HOST] ?? x;
  const wrap = (res: Extract<WitType, { kind: 'resource' }>, x: any) =>
    resources.wrap(res.name, resourceOwner(o.iface, res.name, o.allInterfaces), x);
  if (!impl && !answer) {
    return () => {
      throw new Error(`${importName}/${spec.name} is declared but not implemented by its handler`);
    };
  }
  return (...jsArgs: unknown[]) => {
    const hostArgs = lowerNeeded ? jsArgs.map((a, i) => mapResources(paramTypes[i] ?? null, a, unwrap)) : jsArgs;
    const inputJson = encodeParams(spec.params, hostArgs);
    let hostOut = answer ? answer(importName, spec, hostArgs, inputJson) : ANSWER_LIVE;
    if (hostOut === ANSWER_LIVE) {
      if (!impl) throw new Error(`${importName}/${spec.name} is declared but not implemented by its handler`);
      hostOut = impl(...hostArgs);
    }
    // Wrapping numbers the handles; encode the host value afterwards so the chain carries them.
    const jsOut = liftNeeded ? mapResources(spec.result, hostOut, wrap) : hostOut;
    const ref = chainReferenceOf(hostOut);
    record(
      importName,
      spec.name,
      inputJson,
      ref ? encodeChainReference(ref) : spec.result ? encodeTyped(spec.result, hostOut) : '{"Tuple":[]}',
    );
    if (isResult) {
      const r = jsOut as { tag: 'ok' | 'err'; val: unknown };
      if (r.tag === 'err') throw { payload: r.val };
      return r.val;
    }
    return jsOut;
  };
}
