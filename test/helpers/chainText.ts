// Small readers of recorded chains shared by the tests, and a seeded PRNG so a failure names a
// reproducible case.

/** `WasmCall <export>` / `WasmResult <export>` / `WasmError <export>` for each wasm event, in chain order. */
export function wasmCalls(events: readonly { eventType: string; data: Uint8Array }[], options: { shortNames?: boolean } = {}): string[] {
  return events
    .filter((e) => e.eventType === 'wasm')
    .map((e) => {
      const p = JSON.parse(Buffer.from(e.data).toString('utf8')) as Record<string, { function_name: string }>;
      const kind = Object.keys(p).find((k) => k.startsWith('Wasm'))!;
      const name = p[kind]!.function_name;
      return `${kind} ${options.shortNames ? name.replace('theater:simple/', '') : name}`;
    });
}

/** mulberry32: a small seeded PRNG giving numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
