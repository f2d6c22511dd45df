// The actor exports the runtime calls besides init (theater-compat.md §3): their parameter tuples and
// return values, and the JSON Theater records for them. A WasmCall's params are serde_json's rendering
// of the params tuple (bytes as number arrays, records with snake_case fields, enums by Rust variant
// name); a WasmResult's result is the returned tuple the same way (`null` when there is none).
import { t, type WitType } from '../wit/types';
import { HTTP_HANDLERS, httpRequestType, httpResponseType, middlewareResultType, websocketMessageType } from './http/types';

export interface ExportFunction {
  /** `theater:simple/message-server-client` */
  iface: string;
  /** `handle-send` */
  name: string;
  /** The params tuple's element types. */
  params: WitType[];
  /** The tuple the call returns besides the state (null: only the state). */
  result: WitType[] | null;
}

const bytes = t.list(t.u8);
const channelAccept = t.record('channel-accept', [
  ['accepted', t.bool],
  ['message', t.option(bytes)],
]);
export const WIT_ERROR_TYPES = [
  'operation-timeout',
  'channel-closed',
  'shutting-down',
  'function-not-found',
  'type-mismatch',
  'internal',
  'serialization-error',
  'update-component-error',
  'paused',
];
const witActorError = t.record('wit-actor-error', [
  ['error-type', t.enum('wit-error-type', WIT_ERROR_TYPES)],
  ['data', t.option(bytes)],
]);

export const MESSAGE_CLIENT = 'theater:simple/message-server-client';
export const SUPERVISOR_HANDLERS = 'theater:simple/supervisor-handlers';
export const PROCESS_HANDLERS = 'theater:simple/process-handlers';

export const EXPORT_FUNCTIONS: readonly ExportFunction[] = [
  { iface: MESSAGE_CLIENT, name: 'handle-send', params: [bytes], result: null },
  { iface: MESSAGE_CLIENT, name: 'handle-request', params: [t.string, bytes], result: [t.option(bytes)] },
  { iface: MESSAGE_CLIENT, name: 'handle-channel-open', params: [t.string, bytes], result: [channelAccept] },
  { iface: MESSAGE_CLIENT, name: 'handle-channel-message', params: [t.string, bytes], result: null },
  { iface: MESSAGE_CLIENT, name: 'handle-channel-close', params: [t.string], result: null },
  { iface: SUPERVISOR_HANDLERS, name: 'handle-child-error', params: [t.string, witActorError], result: null },
  { iface: SUPERVISOR_HANDLERS, name: 'handle-child-exit', params: [t.string, t.option(bytes)], result: null },
  { iface: SUPERVISOR_HANDLERS, name: 'handle-child-external-stop', params: [t.string], result: null },
  { iface: PROCESS_HANDLERS, name: 'handle-stdout', params: [t.u64, bytes], result: null },
  { iface: PROCESS_HANDLERS, name: 'handle-stderr', params: [t.u64, bytes], result: null },
  { iface: PROCESS_HANDLERS, name: 'handle-exit', params: [t.u64, t.s32], result: null },
  { iface: HTTP_HANDLERS, name: 'handle-request', params: [t.u64, httpRequestType], result: [httpResponseType] },
  { iface: HTTP_HANDLERS, name: 'handle-middleware', params: [t.u64, httpRequestType], result: [middlewareResultType] },
  { iface: HTTP_HANDLERS, name: 'handle-websocket-connect', params: [t.u64, t.u64, t.string, t.option(t.string)], result: null },
  {
    iface: HTTP_HANDLERS,
    name: 'handle-websocket-message',
    params: [t.u64, t.u64, websocketMessageType],
    result: [t.list(websocketMessageType)],
  },
  { iface: HTTP_HANDLERS, name: 'handle-websocket-disconnect', params: [t.u64, t.u64], result: null },
];

/** `theater:simple/message-server-client.handle-send` → its declaration. */
/** The export functions by their full name (looked up for every call into an actor). */
const EXPORTS_BY_NAME: ReadonlyMap<string, ExportFunction> = new Map(EXPORT_FUNCTIONS.map((f) => [`${f.iface}.${f.name}`, f]));

export function findExportFunction(fullName: string): ExportFunction | undefined {
  return EXPORTS_BY_NAME.get(fullName);
}

export const fullExportName = (f: ExportFunction): string => `${f.iface}.${f.name}`;

const snake = (s: string) => s.replace(/-/g, '_');
const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string) => camel(s).replace(/^./, (c) => c.toUpperCase());

/** serde_json's text for a jco value of type `ty`. */
export function serdeJson(ty: WitType, v: unknown): string {
  switch (ty.kind) {
    case 'list':
      if (ty.element.kind === 'u8') return `[${Array.from(v as Uint8Array).join(',')}]`;
      return `[${Array.from(v as unknown[], (x) => serdeJson(ty.element, x)).join(',')}]`;
    case 'string':
      return JSON.stringify(v);
    case 'bool':
      return v ? 'true' : 'false';
    case 'option':
      return v === undefined || v === null ? 'null' : serdeJson(ty.some, v);
    case 'tuple':
      return `[${ty.items.map((it, i) => serdeJson(it, (v as unknown[])[i])).join(',')}]`;
    case 'record':
      return `{${ty.fields.map(([n, ft]) => `${JSON.stringify(snake(n))}:${serdeJson(ft, (v as Record<string, unknown>)[camel(n)])}`).join(',')}}`;
    case 'enum':
      return JSON.stringify(pascal(v as string));
    case 'u64':
    case 's64':
      return String(v);
    case 'variant': {
      // serde's externally tagged enum: `"Text"`, `{"Other":"…"}`.
      const x = v as { tag: string; val?: unknown };
      const payload = ty.cases.find(([n]) => n === x.tag)?.[1];
      return payload ? `{${JSON.stringify(pascal(x.tag))}:${serdeJson(payload, x.val)}}` : JSON.stringify(pascal(x.tag));
    }
    default:
      return JSON.stringify(v);
  }
}

/** The jco value of type `ty` from serde_json's rendering (replay re-drives recorded calls with it). */
export function fromSerde(ty: WitType, v: unknown): unknown {
  switch (ty.kind) {
    case 'list':
      if (ty.element.kind === 'u8') return new Uint8Array(v as number[]);
      return (v as unknown[]).map((x) => fromSerde(ty.element, x));
    case 'option':
      return v === null ? undefined : fromSerde(ty.some, v);
    case 'tuple':
      return ty.items.map((it, i) => fromSerde(it, (v as unknown[])[i]));
    case 'record':
      return Object.fromEntries(ty.fields.map(([n, ft]) => [camel(n), fromSerde(ft, (v as Record<string, unknown>)[snake(n)])]));
    case 'enum':
      return ty.cases.find((c) => pascal(c) === v) ?? v;
    case 'u64':
    case 's64':
      return BigInt(v as number | string);
    case 'variant': {
      const name = typeof v === 'string' ? v : Object.keys(v as object)[0]!;
      const c = ty.cases.find(([n]) => pascal(n) === name);
      if (!c) return v;
      return c[1] ? { tag: c[0], val: fromSerde(c[1], (v as Record<string, unknown>)[name]) } : { tag: c[0] };
    }
    default:
      return v;
  }
}

export const paramsJson = (f: ExportFunction, args: unknown[]): string => serdeJson(t.tuple(...f.params), args);
export const resultJson = (f: ExportFunction, out: unknown[]): string => (f.result ? serdeJson(t.tuple(...f.result), out) : 'null');
