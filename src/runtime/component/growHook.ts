// Makes `memory.grow` in a core module ask the host first: every `memory.grow` becomes
// `call $hook; memory.grow`, where $hook is a new import `(i32) -> i32` that returns the page delta
// unchanged, or throws once the actor has been stopped. V8 defers a worker's terminate while a guest
// keeps growing its memory (a guest growing one page at a time to a 1 GiB cap took 3.5 minutes to
// stop), so the kill switch has to reach the grow itself.
//
// The new import comes after the module's function imports, so every function index from there on
// moves up by one: calls, ref.func, exports, the start function, element segments and global
// initializers are renumbered (the `name` section is dropped). A module without `memory.grow`, or one
// using an instruction this decoder does not know (GC, stringref), is returned unchanged.
import { GROW_HOOK_MODULE, GROW_HOOK_NAME } from './growHookAbi';
import { encodeU32 } from './leb128';

export { GROW_HOOK_MODULE, GROW_HOOK_NAME, GROW_HOOK_VERSION } from './growHookAbi';

class Unknown extends Error {}

class Reader {
  p: number;
  constructor(
    readonly b: Uint8Array,
    p = 0,
    readonly end = b.length,
  ) {
    this.p = p;
  }
  byte(): number {
    if (this.p >= this.end) throw new Unknown('truncated');
    return this.b[this.p++]!;
  }
  u32(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return v;
      shift += 7;
      if (shift > 35) throw new Unknown('LEB128 too long');
    }
  }
  /** Skips a signed or unsigned LEB128 of any width. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    if (this.p + n > this.end) throw new Unknown('truncated');
    this.p += n;
  }
}

class Out {
  private chunks: Uint8Array[] = [];
  private cur: number[] = [];
  length = 0;
  bytes(b: Uint8Array): void {
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
  }
  push(...xs: number[]): void {
    for (const x of xs) this.cur.push(x);
    this.length += xs.length;
    if (this.cur.length > 65536) this.flush();
  }
  private flush(): void {
    if (this.cur.length) this.chunks.push(Uint8Array.from(this.cur));
    this.cur = [];
  }
  result(): Uint8Array {
    this.flush();
    const r = new Uint8Array(this.length);
    let p = 0;
    for (const c of this.chunks) {
      r.set(c, p);
      p += c.length;
    }
    return r;
  }
}

function blockType(r: Reader): void {
  const b = r.b[r.p];
  if (b === 0x63 || b === 0x64) {
    r.p++;
    r.skipLeb(); // (ref null? heaptype)
  } else r.skipLeb(); // 0x40, a value type, or a type index (s33)
}

function memarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.u32(); // memory index (multi-memory)
  r.skipLeb(); // offset
}

/**
 * Walks one expression or function body from r.p to r.end, copying it to `out` with function indexes
 * renumbered and the hook call before each memory.grow. Returns the number of memory.grow found.
 * With `untilEnd`, stops after the `end` that closes the expression (constant expressions).
 */
function rewriteCode(r: Reader, out: Out, hook: number, untilEnd: boolean): number {
  let grows = 0;
  let depth = 0;
  const fn = (i: number) => (i >= hook ? i + 1 : i);
  while (r.p < r.end) {
    const start = r.p;
    const op = r.byte();
    const copy = () => out.bytes(r.b.subarray(start, r.p));
    switch (true) {
      case op === 0x10 || op === 0x12 || op === 0xd2: {
        // call, return_call, ref.func
        const idx = r.u32();
        out.push(op, ...encodeU32(fn(idx)));
        continue;
      }
      case op === 0x40: {
        r.u32(); // memory index
        out.push(0x10, ...encodeU32(hook));
        copy();
        grows++;
        continue;
      }
      case op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06:
        blockType(r);
        depth++;
        break;
      case op === 0x1f: {
        // try_table bt vec(catch)
        blockType(r);
        const n = r.u32();
        for (let k = 0; k < n; k++) {
          const kind = r.byte();
          if (kind === 0 || kind === 1) r.u32();
          r.u32();
        }
        depth++;
        break;
      }
      case op === 0x0b:
        copy();
        if (depth === 0) {
          if (untilEnd) return grows;
        } else depth--;
        continue;
      case op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0a || op === 0x0f || op === 0x19 || op === 0x1a || op === 0x1b:
      case op === 0xd1 || op === 0xd3 || op === 0xd5:
        break;
      case op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0c || op === 0x0d || op === 0x18 || op === 0xd4 || op === 0xd6:
      case op === 0x14 || op === 0x15:
      case op >= 0x20 && op <= 0x26:
      case op === 0x3f:
        r.u32();
        break;
      case op === 0x0e: {
        const n = r.u32();
        for (let k = 0; k <= n; k++) r.u32();
        break;
      }
      case op === 0x11 || op === 0x13:
        r.u32();
        r.u32();
        break;
      case op === 0x1c: {
        const n = r.u32();
        for (let k = 0; k < n; k++) blockType(r);
        break;
      }
      case op >= 0x28 && op <= 0x3e:
        memarg(r);
        break;
      case op === 0x41 || op === 0x42 || op === 0xd0:
        r.skipLeb();
        break;
      case op === 0x43:
        r.skip(4);
        break;
      case op === 0x44:
        r.skip(8);
        break;
      case op >= 0x45 && op <= 0xc4:
        break;
      case op === 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break;
        if (sub === 8) {
          r.u32();
          r.u32();
        } else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
        else if (sub === 10 || sub === 12 || sub === 14) {
          r.u32();
          r.u32();
        } else throw new Unknown(`0xfc ${sub}`);
        break;
      }
      case op === 0xfd: {
        const sub = r.u32();
        if (sub <= 11 || sub === 92 || sub === 93) memarg(r);
        else if (sub === 12 || sub === 13) r.skip(16);
        else if (sub >= 21 && sub <= 34) r.skip(1);
        else if (sub >= 84 && sub <= 91) {
          memarg(r);
          r.skip(1);
        } else if (sub > 0x113) throw new Unknown(`0xfd ${sub}`);
        break;
      }
      case op === 0xfe: {
        const sub = r.u32();
        if (sub === 3) r.skip(1);
        else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) memarg(r);
        else throw new Unknown(`0xfe ${sub}`);
        break;
      }
      default:
        throw new Unknown(`opcode 0x${op.toString(16)}`);
    }
    copy();
  }
  if (untilEnd) throw new Unknown('expression without end');
  return grows;
}

interface Section {
  id: number;
  start: number;
  body: number;
  end: number;
}

function sections(module: Uint8Array): Section[] {
  const out: Section[] = [];
  const r = new Reader(module, 8);
  while (r.p < module.length) {
    const start = r.p;
    const id = r.byte();
    const size = r.u32();
    const body = r.p;
    r.skip(size);
    out.push({ id, start, body, end: body + size });
  }
  return out;
}

function customName(module: Uint8Array, s: Section): string {
  const r = new Reader(module, s.body, s.end);
  const n = r.u32();
  return Buffer.from(module.subarray(r.p, r.p + n)).toString('utf8');
}

/** The module with the grow hook, or unchanged (no memory.grow, or an encoding this does not know). */
export function addGrowHook(module: Uint8Array): Uint8Array {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[4] !== 1) return module;
  try {
    return rewrite(module) ?? module;
  } catch (e) {
    if (e instanceof Unknown) return module;
    throw e;
  }
}

function rewrite(module: Uint8Array): Uint8Array | undefined {
  const secs = sections(module);
  const code = secs.find((s) => s.id === 10);
  if (!code) return undefined;
  // Cheap test first: no 0x40 byte in the code at all means no memory.grow.
  if (module.subarray(code.body, code.end).indexOf(0x40) < 0) return undefined;

  // Types: the hook's (i32) -> i32 is appended.
  const typeSec = secs.find((s) => s.id === 1);
  let typeCount = 0;
  if (typeSec) {
    // Plain function types only (GC rec groups would make the count differ from the next index).
    const r = new Reader(module, typeSec.body, typeSec.end);
    typeCount = r.u32();
    for (let k = 0; k < typeCount; k++) {
      if (r.byte() !== 0x60) throw new Unknown('not a function type');
      for (let side = 0; side < 2; side++) for (let n = r.u32(); n > 0; n--) blockType(r);
    }
  }
  // Imports: count the function imports (the hook's index).
  const importSec = secs.find((s) => s.id === 2);
  let funcImports = 0;
  let importCount = 0;
  if (importSec) {
    const r = new Reader(module, importSec.body, importSec.end);
    importCount = r.u32();
    for (let k = 0; k < importCount; k++) {
      r.skip(r.u32());
      r.skip(r.u32());
      const kind = r.byte();
      if (kind === 0) {
        funcImports++;
        r.u32();
      } else if (kind === 1) {
        blockType(r); // reference type
        limits(r);
      } else if (kind === 2) limits(r);
      else if (kind === 3) {
        blockType(r); // value type
        r.byte(); // mutability
      } else if (kind === 4) {
        r.byte();
        r.u32();
      } else throw new Unknown(`import kind ${kind}`);
    }
  }
  const hook = funcImports;

  // Code first: if it holds no memory.grow after all, nothing changes.
  const codeOut = new Out();
  let grows = 0;
  {
    const r = new Reader(module, code.body, code.end);
    const n = r.u32();
    codeOut.push(...encodeU32(n));
    for (let k = 0; k < n; k++) {
      const size = r.u32();
      const bodyEnd = r.p + size;
      const br = new Reader(module, r.p, bodyEnd);
      const body = new Out();
      const locals = br.u32();
      for (let l = 0; l < locals; l++) {
        br.u32();
        blockType(br);
      }
      body.bytes(module.subarray(r.p, br.p));
      grows += rewriteCode(br, body, hook, false);
      const bytes = body.result();
      codeOut.push(...encodeU32(bytes.length));
      codeOut.bytes(bytes);
      r.p = bodyEnd;
    }
  }
  if (grows === 0) return undefined;
  const memSec = secs.find((s) => s.id === 5);
  if (memSec) {
    const r = new Reader(module, memSec.body, memSec.end);
    for (let n = r.u32(); n > 0; n--) limits(r);
  }

  const out = new Out();
  out.bytes(module.subarray(0, 8));
  const section = (id: number, body: Uint8Array) => {
    out.push(id, ...encodeU32(body.length));
    out.bytes(body);
  };
  const hookType = Uint8Array.from([0x60, 1, 0x7f, 1, 0x7f]);
  const te = new TextEncoder();
  const name = (s: string) => {
    const b = te.encode(s);
    return [...encodeU32(b.length), ...b];
  };
  const hookImport = Uint8Array.from([...name(GROW_HOOK_MODULE), ...name(GROW_HOOK_NAME), 0x00, ...encodeU32(typeCount)]);
  let wroteType = !!typeSec;
  let wroteImport = !!importSec;
  for (const s of secs) {
    const body = module.subarray(s.body, s.end);
    // Sections in order; a missing type or import section is inserted where it belongs.
    if (!wroteType && s.id !== 0 && s.id > 1) {
      section(1, Uint8Array.from([1, ...hookType]));
      wroteType = true;
    }
    if (!wroteImport && s.id !== 0 && s.id > 2) {
      section(2, Uint8Array.from([1, ...hookImport]));
      wroteImport = true;
    }
    switch (s.id) {
      case 0:
        if (customName(module, s) === 'name') continue; // its function indexes would be off by one
        out.bytes(module.subarray(s.start, s.end));
        break;
      case 1: {
        const r = new Reader(module, s.body, s.end);
        r.u32();
        section(1, concat([encodeU32(typeCount + 1), module.subarray(r.p, s.end), hookType]));
        break;
      }
      case 2: {
        const r = new Reader(module, s.body, s.end);
        r.u32();
        // The hook goes after the last function import so that only indexes >= hook move.
        section(2, concat([encodeU32(importCount + 1), module.subarray(r.p, s.end), hookImport]));
        break;
      }
      case 6:
        section(6, rewriteGlobals(body, hook));
        break;
      case 7:
        section(7, rewriteExports(body, hook));
        break;
      case 8: {
        const idx = new Reader(body).u32();
        section(8, Uint8Array.from(encodeU32(idx >= hook ? idx + 1 : idx)));
        break;
      }
      case 9:
        section(9, rewriteElements(body, hook));
        break;
      case 10:
        section(10, codeOut.result());
        break;
      default:
        out.bytes(module.subarray(s.start, s.end));
    }
  }
  return out.result();
}

function limits(r: Reader): void {
  const flags = r.byte();
  if (flags & 0x04) throw new Unknown('memory64: its grow takes an i64');
  r.u32();
  if (flags & 1) r.u32();
}

function concat(parts: Array<number[] | Uint8Array>): Uint8Array {
  const o = new Out();
  for (const p of parts) {
    if (p instanceof Uint8Array) o.bytes(p);
    else o.push(...p);
  }
  return o.result();
}

function constExpr(r: Reader, out: Out, hook: number): void {
  rewriteCode(r, out, hook, true);
}

function rewriteGlobals(body: Uint8Array, hook: number): Uint8Array {
  const r = new Reader(body);
  const out = new Out();
  const n = r.u32();
  out.push(...encodeU32(n));
  for (let k = 0; k < n; k++) {
    const start = r.p;
    blockType(r); // value type (a reference type may carry a heap type)
    r.byte(); // mutability
    out.bytes(body.subarray(start, r.p));
    constExpr(r, out, hook);
  }
  return out.result();
}

function rewriteExports(body: Uint8Array, hook: number): Uint8Array {
  const r = new Reader(body);
  const out = new Out();
  const n = r.u32();
  out.push(...encodeU32(n));
  for (let k = 0; k < n; k++) {
    const start = r.p;
    r.skip(r.u32());
    const kind = r.byte();
    out.bytes(body.subarray(start, r.p));
    const idx = r.u32();
    out.push(...encodeU32(kind === 0 && idx >= hook ? idx + 1 : idx));
  }
  return out.result();
}

function rewriteElements(body: Uint8Array, hook: number): Uint8Array {
  const r = new Reader(body);
  const out = new Out();
  const n = r.u32();
  out.push(...encodeU32(n));
  const copyFrom = (start: number) => out.bytes(body.subarray(start, r.p));
  for (let k = 0; k < n; k++) {
    const flags = r.u32();
    out.push(...encodeU32(flags));
    if (flags > 7) throw new Unknown(`element segment ${flags}`);
    let start = r.p;
    if (flags === 2 || flags === 6) r.u32(); // table index
    copyFrom(start);
    if ((flags & 1) === 0) constExpr(r, out, hook); // offset
    start = r.p;
    if (flags & 3 && (flags & 4) === 0) r.byte(); // elemkind
    if (flags & 3 && flags & 4) blockType(r); // reftype
    copyFrom(start);
    const count = r.u32();
    out.push(...encodeU32(count));
    for (let e = 0; e < count; e++) {
      if (flags & 4) constExpr(r, out, hook);
      else {
        const idx = r.u32();
        out.push(...encodeU32(idx >= hook ? idx + 1 : idx));
      }
    }
  }
  return out.result();
}
