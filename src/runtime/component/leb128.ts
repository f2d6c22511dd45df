// Unsigned LEB128, as the Wasm binary format encodes integers; shared by the core-module rewriters
// (memoryCap.ts, growHook.ts).

/** The unsigned LEB128 encoding of `v` (a u32). */
export function encodeU32(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}
