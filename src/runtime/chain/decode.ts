// Decodes event payloads of every era for display (theater-compat.md §4.4): c5fe764f's TheaterEvents,
// v1 HostFunction with JSON-in-bytes input/output, v2 typed values (and ours), Wasm events,
// ReplaySummary, and data that is not JSON at all. Never used to hash: hashes use the raw bytes.
import type { ChainEvent } from './event';
import { parseLossless, type LosslessJson } from './json';
import { typedToPlain } from './typedValue';

export type DecodedCategory = 'host' | 'wasm-call' | 'wasm-result' | 'wasm-error' | 'shutdown' | 'replay-summary' | 'runtime' | 'unknown';
export type ChainEra = 'legacy' | 'v1' | 'v2' | 'ours';

export interface DecodedEvent {
  category: DecodedCategory;
  /** Host calls: the interface as recorded (`wasi:random/random@0.2.3`). */
  interface?: string;
  /** Host calls: the function (`get-random-u64`); legacy handler/runtime events: the variant name. */
  function?: string;
  /** Plain values (bigint exact, bytes as Uint8Array): host-call input, WasmCall params. */
  input?: unknown;
  /** Host-call output, WasmResult result, ReplaySummary fields, legacy event payload. */
  output?: unknown;
  /** Wasm events: the export (`theater:simple/actor.init`). */
  functionName?: string;
  /** WasmResult: the new actor state (parsed JSON, text or bytes; null when cleared). */
  state?: unknown;
  /** WasmError message, legacy error text, or why the data could not be decoded. */
  error?: string;
  /** One line, at most 120 characters: "input → output" or the gist of the event. */
  summary: string;
  era?: ChainEra;
  /** Data that is not JSON: its size in bytes. */
  binarySize?: number;
}

export interface DecodeOptions {
  /** The event comes from our own log, so typed payloads are marked era 'ours' rather than 'v2'. */
  ours?: boolean;
}

const SUMMARY_MAX = 120;
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isObject = (v: unknown): v is Record<string, LosslessJson> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

function truncate(s: string, max = SUMMARY_MAX): string {
  const one = s.replace(/[\r\n]+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function isByteArray(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) return false;
  return true;
}

function strictText(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Bytes that carry JSON (v1 input/output, WasmCall params): parsed when they are JSON, else text or bytes. */
function bytesToValue(bytes: Uint8Array): unknown {
  const text = strictText(bytes);
  if (text === undefined) return bytes;
  try {
    return parseLossless(text);
  } catch {
    return text;
  }
}

/** Actor state: JSON when it parses as an object/array, else printable text, else the bytes. */
function stateToValue(bytes: Uint8Array): unknown {
  const text = strictText(bytes);
  if (text === undefined) return bytes;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return parseLossless(text);
    } catch {
      /* fall through to text */
    }
  }
  return isPrintable(text) ? text : bytes;
}

function isPrintable(s: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

/** Renders a plain value compactly: bigint exact, bytes as a short UTF-8 or hex preview. */
export function formatValue(v: unknown, max = SUMMARY_MAX): string {
  const s = fmt(v, max, 0);
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function fmt(v: unknown, budget: number, depth: number): string {
  if (v === undefined) return '()';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return String(v);
    case 'boolean':
      return String(v);
    case 'string':
      return JSON.stringify(v.length > budget ? `${v.slice(0, budget)}…` : v);
    default:
      break;
  }
  if (v instanceof Uint8Array) return formatBytes(v);
  if (depth > 6) return '…';
  if (Array.isArray(v)) {
    const parts: string[] = [];
    let used = 2;
    for (let i = 0; i < v.length; i++) {
      if (used > budget) {
        parts.push(`…${v.length - i} more`);
        break;
      }
      const s = fmt(v[i], budget - used, depth + 1);
      parts.push(s);
      used += s.length + 2;
    }
    return `[${parts.join(', ')}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    const parts: string[] = [];
    let used = 2;
    for (let i = 0; i < entries.length; i++) {
      if (used > budget) {
        parts.push('…');
        break;
      }
      const [k, x] = entries[i]!;
      const key = /^[A-Za-z_$][\w$-]*$/.test(k) ? k : JSON.stringify(k);
      const s = `${key}: ${fmt(x, budget - used - key.length - 2, depth + 1)}`;
      parts.push(s);
      used += s.length + 2;
    }
    return `{${parts.join(', ')}}`;
  }
  return String(v);
}

function formatBytes(b: Uint8Array): string {
  const text = b.length > 0 ? strictText(b) : undefined;
  if (text !== undefined && isPrintable(text)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return `b${JSON.stringify(shown)}`;
  }
  const hex = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 16)).toString('hex');
  return `<${b.length} bytes ${hex}${b.length > 16 ? '…' : ''}>`;
}

/** Host-call arguments: a Tuple's items as `(a, b)`; v1's single JSON value as `(v)`; v1 null as `()`. */
function formatArgs(input: unknown, typed: boolean): string {
  if (typed && Array.isArray(input)) return `(${input.map((x) => fmt(x, 60, 1)).join(', ')})`;
  if (input === null || input === undefined) return '()';
  return `(${fmt(input, 60, 1)})`;
}

const sizeOf = (n: number): string => (n === 1 ? '1 byte' : `${n} bytes`);

/** Decodes one event's `data` for display. Never throws. */
export function decodeEvent(ev: ChainEvent, options: DecodeOptions = {}): DecodedEvent {
  const data = ev.data;
  if (data.length === 0) {
    return {
      category: ev.eventType === 'shutdown' ? 'shutdown' : 'unknown',
      summary: '(empty data)',
      binarySize: 0,
      ...(ev.legacy ? { era: 'legacy' as const } : {}),
    };
  }
  const text = strictText(data);
  let payload: LosslessJson | undefined;
  if (text !== undefined) {
    try {
      payload = parseLossless(text);
    } catch {
      /* not JSON */
    }
  }
  if (!isObject(payload)) {
    const what = text === undefined ? 'binary' : payload === undefined ? 'text' : 'JSON';
    const preview = text !== undefined && isPrintable(text) ? `: ${JSON.stringify(text.slice(0, 60))}` : '';
    return {
      category: ev.eventType === 'shutdown' ? 'shutdown' : 'unknown',
      summary: truncate(`${what}, ${sizeOf(data.length)}${preview}`),
      binarySize: data.length,
      ...(payload !== undefined ? { output: payload } : {}),
      ...(ev.legacy ? { era: 'legacy' as const } : {}),
    };
  }
  const legacy = ev.legacy !== undefined;
  const category = payload.category;
  if (category === 'HostFunction') return decodeHost(payload, options);
  if (category === 'Wasm') return decodeWasm(ev, payload, legacy, options);
  if (category === 'ReplaySummary') return decodeReplaySummary(payload, options);
  if (category === 'Runtime' || category === 'TheaterRuntime' || category === 'Handler') return decodeLegacy(payload, category);
  return {
    category: ev.eventType === 'shutdown' ? 'shutdown' : 'unknown',
    output: payload,
    summary: truncate(formatValue(payload)),
    ...(legacy ? { era: 'legacy' as const } : {}),
  };
}

function decodeHost(p: Record<string, LosslessJson>, options: DecodeOptions): DecodedEvent {
  const iface = typeof p.interface === 'string' ? p.interface : undefined;
  const fn = typeof p.function === 'string' ? p.function : undefined;
  const v1 = isByteArray(p.input) || isByteArray(p.output);
  let input: unknown;
  let output: unknown;
  if (v1) {
    input = isByteArray(p.input) ? bytesToValue(Uint8Array.from(p.input)) : typedToPlain(p.input);
    output = isByteArray(p.output) ? bytesToValue(Uint8Array.from(p.output)) : typedToPlain(p.output);
  } else {
    input = typedToPlain(p.input);
    output = typedToPlain(p.output);
  }
  const typed = !v1;
  const out = typed && Array.isArray(output) && output.length === 0 ? '()' : fmt(output, 80, 1);
  return {
    category: 'host',
    ...(iface !== undefined ? { interface: iface } : {}),
    ...(fn !== undefined ? { function: fn } : {}),
    input,
    output,
    era: v1 ? 'v1' : options.ours ? 'ours' : 'v2',
    summary: truncate(`${formatArgs(input, typed)} → ${out}`),
  };
}

function decodeWasm(ev: ChainEvent, p: Record<string, LosslessJson>, legacy: boolean, options: DecodeOptions): DecodedEvent {
  const era = legacy ? { era: 'legacy' as const } : options.ours ? { era: 'ours' as const } : {};
  const call = p.WasmCall;
  if (isObject(call)) {
    const name = typeof call.function_name === 'string' ? call.function_name : '?';
    const input = isByteArray(call.params) ? bytesToValue(Uint8Array.from(call.params)) : call.params;
    if (ev.eventType === 'shutdown' || (name === 'shutdown' && Array.isArray(call.params) && call.params.length === 0)) {
      return { category: 'shutdown', functionName: name, summary: 'shutdown', ...era };
    }
    const runtime = ev.eventType.startsWith('theater-runtime/');
    return {
      category: runtime ? 'runtime' : 'wasm-call',
      functionName: name,
      input,
      summary: truncate(`${name}(${input === null || input === undefined ? '' : fmt(input, 80, 1)})`),
      ...era,
    };
  }
  const result = p.WasmResult;
  if (isObject(result)) {
    const name = typeof result.function_name === 'string' ? result.function_name : '?';
    const pair = Array.isArray(result.result) ? result.result : [];
    const rawState = pair[0];
    const state = isByteArray(rawState) ? stateToValue(Uint8Array.from(rawState)) : (rawState ?? null);
    const output = isByteArray(pair[1]) ? bytesToValue(Uint8Array.from(pair[1])) : pair[1];
    const stateText = state === null ? 'state cleared' : `state ${fmt(state, 50, 1)}`;
    return {
      category: 'wasm-result',
      functionName: name,
      output,
      state,
      summary: truncate(`${name} → ${fmt(output, 40, 1)}; ${stateText}`),
      ...era,
    };
  }
  const err = p.WasmError;
  if (isObject(err)) {
    const name = typeof err.function_name === 'string' ? err.function_name : '?';
    const message = typeof err.message === 'string' ? err.message : formatValue(err.message);
    return { category: 'wasm-error', functionName: name, error: message, summary: truncate(`${name} failed: ${message}`), ...era };
  }
  const creation = p.WasmComponentCreationError;
  if (isObject(creation)) {
    const message = typeof creation.error === 'string' ? creation.error : formatValue(creation.error);
    return { category: 'wasm-error', error: message, summary: truncate(`component creation failed: ${message}`), ...era };
  }
  return { category: 'unknown', output: p, summary: truncate(formatValue(p)), ...era };
}

function decodeReplaySummary(p: Record<string, LosslessJson>, options: DecodeOptions): DecodedEvent {
  const output = {
    totalEvents: p.total_events,
    eventsReplayed: p.events_replayed,
    mismatches: p.mismatches,
    success: p.success,
    error: p.error ?? null,
  };
  const verdict = p.success === true ? 'succeeded' : `failed${typeof p.error === 'string' ? `: ${p.error}` : ''}`;
  const n = typeof p.mismatches === 'number' ? p.mismatches : 0;
  return {
    category: 'replay-summary',
    output,
    ...(typeof p.error === 'string' ? { error: p.error } : {}),
    ...(options.ours ? { era: 'ours' as const } : {}),
    summary: truncate(
      `replayed ${String(p.events_replayed)}/${String(p.total_events)} events, ${n} mismatch${n === 1 ? '' : 'es'}; ${verdict}`,
    ),
  };
}

/** c5fe764f: `{"category":"Runtime"|"TheaterRuntime"|"Handler", <Variant>: payload}`. */
function decodeLegacy(p: Record<string, LosslessJson>, category: string): DecodedEvent {
  const variant = Object.keys(p).find((k) => k !== 'category');
  const raw = variant === undefined ? null : p[variant];
  if (category === 'Handler') {
    // Handler events are externally tagged by handler, each with its own inner style.
    let innerName: string | undefined;
    let output: unknown = raw;
    if (typeof raw === 'string') {
      innerName = raw;
      output = null;
    } else if (isObject(raw)) {
      if (typeof raw.type === 'string') innerName = raw.type;
      else if (Object.keys(raw).length === 1) {
        innerName = Object.keys(raw)[0]!;
        output = raw[innerName];
      }
    }
    return {
      category: 'host',
      era: 'legacy',
      ...(variant !== undefined ? { interface: variant } : {}),
      ...(innerName !== undefined ? { function: innerName } : {}),
      output,
      summary: truncate(`${variant ?? 'handler'} ${innerName ?? ''}: ${fmt(output, 90, 1)}`),
    };
  }
  const error =
    isObject(raw) && typeof raw.message === 'string' && /error/i.test(variant ?? '')
      ? raw.message
      : isObject(raw) && typeof raw.error === 'string'
        ? raw.error
        : undefined;
  let gist: string;
  if (variant === 'Log' && isObject(raw)) gist = `log ${String(raw.level ?? '')}: ${String(raw.message ?? '')}`;
  else gist = raw === null || raw === undefined ? `${variant ?? category}` : `${variant}: ${fmt(raw, 90, 1)}`;
  return {
    category: 'runtime',
    era: 'legacy',
    ...(variant !== undefined ? { function: variant } : {}),
    output: raw,
    ...(error !== undefined ? { error } : {}),
    summary: truncate(gist),
  };
}
