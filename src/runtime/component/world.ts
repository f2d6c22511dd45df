// Reads a component's top-level imports and exports (names with exact versions) straight from the
// binary, in microseconds, before anything is transpiled. Nested modules are skipped by size.
import { TheaterError } from '../host/api';

export interface ComponentWorld {
  imports: Array<{ name: string; kind: string }>;
  exports: Array<{ name: string; kind: string }>;
}

const KINDS = ['module', 'func', 'value', 'type', 'component', 'instance'];

export function isCoreModule(bytes: Uint8Array): boolean {
  return hasWasmMagic(bytes) && bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
}

function hasWasmMagic(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;
}

/** Throws TheaterError('not-wasm' | 'core-module' | 'corrupt-component') with one sentence. */
export function readComponentWorld(bytes: Uint8Array, file = 'the component'): ComponentWorld {
  if (!hasWasmMagic(bytes)) {
    throw new TheaterError(
      `${file} is not a WebAssembly file (no \\0asm header); point the manifest at the component built by your toolchain.`,
      'not-wasm',
      file,
    );
  }
  if (isCoreModule(bytes)) {
    throw new TheaterError(
      `${file} is a core WebAssembly module, not a component; wrap it with \`wasm-tools component new\` or build with cargo-component.`,
      'core-module',
      file,
    );
  }
  if (!(bytes[6] === 1 && bytes[7] === 0)) {
    throw new TheaterError(`${file} has an unknown WebAssembly layer; expected a component (layer 1).`, 'corrupt-component', file);
  }
  try {
    return parseSections(bytes);
  } catch {
    throw new TheaterError(`${file} is a truncated or corrupt component; rebuild it.`, 'corrupt-component', file);
  }
}

function parseSections(b: Uint8Array): ComponentWorld {
  let p = 8;
  const need = (n: number) => {
    if (p + n > b.length) throw new RangeError('truncated');
  };
  const u32 = (): number => {
    let r = 0,
      s = 0,
      x: number;
    do {
      need(1);
      x = b[p++]!;
      r |= (x & 0x7f) << s;
      s += 7;
    } while (x & 0x80);
    return r >>> 0;
  };
  const td = new TextDecoder('utf-8', { fatal: true });
  const name = (): string => {
    need(1);
    const kind = b[p++];
    const len = u32();
    need(len);
    const n = td.decode(b.subarray(p, p + len));
    p += len;
    if (kind === 0x01) {
      const vl = u32();
      p += vl;
    } else if (kind !== 0x00) throw new RangeError('bad name kind');
    return n;
  };
  const externdesc = (): string => {
    need(1);
    const k = b[p++]!;
    if (k === 0x00) {
      p++;
      u32();
      return 'module';
    }
    if (k === 0x02 || k === 0x03) {
      const t = b[p++];
      if (t === 0x00 || (k === 0x02 && t === 0x01)) u32();
      return KINDS[k]!;
    }
    u32();
    return KINDS[k] ?? 'unknown';
  };
  const imports: ComponentWorld['imports'] = [];
  const exports: ComponentWorld['exports'] = [];
  while (p < b.length) {
    const id = b[p++]!;
    const size = u32();
    const end = p + size;
    if (end > b.length) throw new RangeError('section past end');
    if (id === 10) {
      for (let n = u32(); n > 0; n--) {
        const nm = name();
        imports.push({ name: nm, kind: externdesc() });
      }
    } else if (id === 11) {
      for (let n = u32(); n > 0; n--) {
        const nm = name();
        const sort = b[p++];
        if (sort === 0x00) p++;
        u32();
        if (b[p++] === 0x01) externdesc();
        exports.push({ name: nm, kind: sort === 0 ? 'core' : (KINDS[sort!] ?? 'unknown') });
      }
    }
    p = end;
  }
  return { imports, exports };
}
