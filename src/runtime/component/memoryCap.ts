// Caps the linear memories a core module defines: their declared maximum becomes at most `maxPages`,
// so `memory.grow` past the cap returns -1 (and the guest typically traps) instead of committing the
// machine's memory. Growing without a maximum is also what keeps V8 from honouring a worker's
// terminate (each successful grow swallows the termination request); with a cap, growth stops early.
import { encodeU32 } from './leb128';

const MEMORY_SECTION = 5;
export const WASM_PAGE_BYTES = 65536;

function readU32(b: Uint8Array, p: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[p++];
    if (byte === undefined) throw new Error('truncated LEB128');
    v += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [v, p];
    shift += 7;
    if (shift > 35) throw new Error('LEB128 too long');
  }
}

export class MemoryCapError extends Error {}

/** The module with every 32-bit memory's maximum set to at most `maxPages`; other bytes unchanged. */
export function capMemory(module: Uint8Array, maxPages: number, what = 'the component'): Uint8Array {
  if (module.length < 8) return module;
  let p = 8;
  while (p < module.length) {
    const id = module[p]!;
    const [size, body] = readU32(module, p + 1);
    const end = body + size;
    if (id !== MEMORY_SECTION) {
      p = end;
      continue;
    }
    let q = body;
    const [count, afterCount] = readU32(module, q);
    q = afterCount;
    const out: number[] = [...encodeU32(count)];
    for (let i = 0; i < count; i++) {
      const flags = module[q++]!;
      if (flags > 0x03) return module; // memory64 and later encodings: left as declared
      const [min, afterMin] = readU32(module, q);
      q = afterMin;
      let max: number | undefined;
      if (flags & 0x01) [max, q] = readU32(module, q);
      if (min > maxPages) {
        throw new MemoryCapError(
          `${what} declares ${(min * WASM_PAGE_BYTES) / 2 ** 20} MiB of initial memory, above the actor's ${(maxPages * WASM_PAGE_BYTES) / 2 ** 20} MiB memory cap; raise the cap (max_memory_mib in the manifest, --max-memory, theater.maxMemoryMiB).`,
        );
      }
      const capped = max === undefined ? maxPages : Math.min(max, maxPages);
      out.push(flags | 0x01, ...encodeU32(min), ...encodeU32(capped));
    }
    if (q !== end) return module; // not the layout we understand: leave it alone
    const section = [MEMORY_SECTION, ...encodeU32(out.length)];
    const result = new Uint8Array(p + section.length + out.length + (module.length - end));
    result.set(module.subarray(0, p), 0);
    result.set(section, p);
    result.set(out, p + section.length);
    result.set(module.subarray(end), p + section.length + out.length);
    return result;
  }
  return module;
}
