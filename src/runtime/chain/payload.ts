// Payload envelopes (event `data`), written as exact bytes: key order and spacing are part of the
// hash, and must match what serde_json writes for Theater's ChainEventPayload so chains compare
// with upstream ones (theater-compat.md §4.4).
import { byteArrayJson } from './hash';
import { quoteJsonString } from './json';

// TextEncoder gives a right-sized buffer of its own; a pooled Buffer slice would drag its whole 8 KiB
// slab along whenever an event is posted between threads.
const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);

function asBytes(json: Uint8Array | string): Uint8Array {
  return typeof json === 'string' ? utf8(json) : json;
}

export const SHUTDOWN_EVENT_TYPE = 'shutdown';
export const REPLAY_SUMMARY_EVENT_TYPE = 'replay-summary';
export const WASM_EVENT_TYPE = 'wasm';

/**
 * One host call: `{"category":"HostFunction","interface":…,"function":…,"input":<inputJson>,"output":<outputJson>}`.
 * `inputJson`/`outputJson` are JSON texts (typed values, see typedValue.ts) and are embedded verbatim.
 */
export function hostFunctionPayload(interfaceWithVersion: string, fn: string, inputJson: string, outputJson: string): Uint8Array {
  return utf8(
    `{"category":"HostFunction","interface":${quoteJsonString(interfaceWithVersion)},"function":${quoteJsonString(fn)},"input":${inputJson},"output":${outputJson}}`,
  );
}

/** An export call into the guest; `params` is the JSON of the arguments, stored as a byte array. */
export function wasmCall(functionName: string, paramsJson: Uint8Array | string): Uint8Array {
  return utf8(
    `{"category":"Wasm","WasmCall":{"function_name":${quoteJsonString(functionName)},"params":${byteArrayJson(asBytes(paramsJson))}}}`,
  );
}

/** An export's return: `result` is `[new state bytes | null, result JSON bytes]`. */
export function wasmResult(functionName: string, state: Uint8Array | null, resultJson: Uint8Array | string): Uint8Array {
  const st = state === null ? 'null' : byteArrayJson(state);
  return utf8(
    `{"category":"Wasm","WasmResult":{"function_name":${quoteJsonString(functionName)},"result":[${st},${byteArrayJson(asBytes(resultJson))}]}}`,
  );
}

export function wasmError(functionName: string, message: string): Uint8Array {
  return utf8(`{"category":"Wasm","WasmError":{"function_name":${quoteJsonString(functionName)},"message":${quoteJsonString(message)}}}`);
}

const SHUTDOWN_JSON = '{"category":"Wasm","WasmCall":{"function_name":"shutdown","params":[]}}';

/** Data of the final `shutdown` event (recorded with event type `shutdown`). */
export function shutdownPayload(): Uint8Array {
  return utf8(SHUTDOWN_JSON);
}

/** The `replay-summary` event a replay ends with. */
export function replaySummary(total: number, replayed: number, mismatches: number, success: boolean, error: string | null): Uint8Array {
  for (const [name, n] of [
    ['total', total],
    ['replayed', replayed],
    ['mismatches', mismatches],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`replaySummary: ${name} must be a non-negative integer, but it is ${n}.`);
  }
  return utf8(
    `{"category":"ReplaySummary","total_events":${total},"events_replayed":${replayed},"mismatches":${mismatches},"success":${success},"error":${error === null ? 'null' : quoteJsonString(error)}}`,
  );
}
