// The codec between host values (jco's JS representation) and Theater's typed values: SerializableVal,
// an externally tagged mirror of wasmtime's Val, as upstream's val-serde crate writes it with serde_json.
// Encoding runs on every host call, so each WitType is compiled once into a closure (cached per type
// object) that concatenates JSON text directly.
//
// Host value conventions (jco's, with two exceptions):
//   bool → boolean; u8..u32, s8..s32, f32, f64 → number; u64, s64 → bigint (number accepted on encode);
//   char, string → string; list<u8> → Uint8Array (number[] / typed arrays accepted on encode);
//   other lists → arrays; option<T> → undefined|null for none, else the value; option<option<T>> →
//   {tag:'none'} | {tag:'some', val}; result → ALWAYS {tag:'ok'|'err', val} (exception 1);
//   tuple → array; record → object keyed by camelCase field names; variant → {tag:'case-name', val};
//   enum → 'case-name'; flags → {camelName: boolean}; resource → {rep: number} (exception 2).
import { witTypeToString, type WitType } from '../wit/types';
import { quoteJsonString } from './json';

/** A value that does not fit its declared WIT type; `path` says where (`value.items[3].exit-code`). */
export class TypedValueError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'TypedValueError';
  }
}

// Thrown inside the compiled closures (cheap: no stack trace) and turned into a TypedValueError with
// the full path by the public entry points.
class Mismatch {
  readonly segments: string[] = [];
  constructor(
    readonly expected: string,
    readonly got: unknown,
    readonly type: WitType,
  ) {}
}

function within<T>(segment: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Mismatch) e.segments.unshift(segment);
    throw e;
  }
}

/** A short description of a value for error messages. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return v.length > 40 ? `the string ${JSON.stringify(v.slice(0, 40))}…` : `the string ${JSON.stringify(v)}`;
    case 'number':
      return `the number ${v}`;
    case 'bigint':
      return `the bigint ${v}n`;
    case 'boolean':
      return `${v}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      break;
  }
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength} items`;
  const keys = Object.keys(v as object);
  const shown = keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', …' : '');
  return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}`;
}

function wrap(e: unknown, where: string, verb: 'encode' | 'decode' | 'check'): unknown {
  if (!(e instanceof Mismatch)) return e;
  const path = where + e.segments.join('');
  const typeText = witTypeToString(e.type);
  const message =
    verb === 'check'
      ? `${path} does not fit WIT type ${typeText}: expected ${e.expected} but got ${describe(e.got)}`
      : verb === 'encode'
        ? `Cannot record ${path}: expected ${e.expected} but got ${describe(e.got)}; pass a value of WIT type ${typeText}.`
        : `Cannot decode the recorded ${path}: expected ${e.expected} but found ${describe(e.got)}; the recording does not match WIT type ${typeText}.`;
  return new TypedValueError(message, path);
}

/** WIT kebab-case → jco's lowerCamelCase (`exit-code` → `exitCode`, `a-URL` → `aUrl`). */
export function camelCase(kebab: string): string {
  const parts = kebab.split('-');
  let out = parts[0]!.toLowerCase();
  for (let i = 1; i < parts.length; i++) {
    const w = parts[i]!;
    out += w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

function isSingleCodePoint(s: string): boolean {
  if (s.length === 1) {
    const c = s.charCodeAt(0);
    return c < 0xd800 || c > 0xdfff;
  }
  if (s.length === 2) {
    const hi = s.charCodeAt(0);
    const lo = s.charCodeAt(1);
    return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Floats, written like serde_json (ryu): shortest round-trip digits, `1.0` for whole numbers,
// exponent form outside [1e-5, 1e16) for f64 and [1e-6, 1e13) for f32, `null` when not finite.

function ryuLayout(negative: boolean, digits: string, kk: number, maxKk: number, minKk: number): string {
  const length = digits.length;
  const k = kk - length;
  let s: string;
  if (k >= 0 && kk <= maxKk) s = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= maxKk) s = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > minKk && kk <= 0) s = `0.${'0'.repeat(-kk)}${digits}`;
  else if (length === 1) s = `${digits}e${kk - 1}`;
  else s = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return negative ? `-${s}` : s;
}

/** Splits `d.ddde±x` (toExponential output) into significant digits without trailing zeros and kk = x + 1. */
function splitExponential(s: string): [string, number] {
  const e = s.indexOf('e');
  const digits = (s[1] === '.' ? s[0] + s.slice(2, e) : s.slice(0, e)).replace(/0+$/, '') || '0';
  return [digits, Number(s.slice(e + 1)) + 1];
}

/** serde_json's rendering of an f64. */
export function formatF64(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [digits, kk] = splitExponential(Math.abs(x).toExponential());
  return ryuLayout(x < 0, digits, kk, 16, -5);
}

/** serde_json's rendering of an f32 (shortest digits that round-trip through f32, as ryu's f2s). */
export function formatF32(value: number): string {
  const x = Math.fround(value);
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  for (let p = 1; p <= 9; p++) {
    const [d0, kk0] = splitExponential(a.toExponential(p - 1));
    // The correctly rounded p-digit decimal can miss the f32 interval at a power of two while its
    // neighbour hits it, so try both neighbours and keep the closest that round-trips.
    const m = BigInt((d0 + '0'.repeat(Math.max(0, p - d0.length))).slice(0, p));
    const exp = kk0 - p;
    let best: [string, number] | undefined;
    let bestDist = Infinity;
    for (const c of [m, m - 1n, m + 1n]) {
      const cs = c.toString();
      if (cs.length !== p) continue;
      const v = Number(`${cs}e${exp}`);
      if (Math.fround(v) !== a) continue;
      const dist = Math.abs(v - a);
      if (dist < bestDist) {
        bestDist = dist;
        best = [cs.replace(/0+$/, '') || '0', kk0];
      }
    }
    if (best) return ryuLayout(x < 0, best[0], best[1], 13, -6);
  }
  // Nine digits always identify an f32; unreachable.
  const [digits, kk] = splitExponential(a.toExponential(8));
  return ryuLayout(x < 0, digits, kk, 13, -6);
}

// ---------------------------------------------------------------------------------------------
// Encoding

type Encoder = (v: unknown) => string;

/** Theater's tag and range of each integer kind (encoding, decoding and replay's fast path check them). */
export const INT_KINDS = {
  u8: ['U8', 0, 0xff],
  u16: ['U16', 0, 0xffff],
  u32: ['U32', 0, 0xffffffff],
  s8: ['S8', -0x80, 0x7f],
  s16: ['S16', -0x8000, 0x7fff],
  s32: ['S32', -0x80000000, 0x7fffffff],
} as const;
export const BIG_KINDS = {
  u64: ['U64', 0n, (1n << 64n) - 1n],
  s64: ['S64', -(1n << 63n), (1n << 63n) - 1n],
} as const;

/** `{"U8":0}` … `{"U8":255}`. */
const U8_ITEMS: readonly string[] = Array.from({ length: 256 }, (_, i) => `{"U8":${i}}`);

const encoders = new WeakMap<WitType, Encoder>();

function encoderFor(ty: WitType): Encoder {
  let enc = encoders.get(ty);
  if (enc === undefined) {
    enc = compileEncoder(ty);
    encoders.set(ty, enc);
  }
  return enc;
}

function compileEncoder(ty: WitType): Encoder {
  switch (ty.kind) {
    case 'bool':
      return (v) => {
        if (v === true) return '{"Bool":true}';
        if (v === false) return '{"Bool":false}';
        throw new Mismatch('a boolean', v, ty);
      };
    case 'u8':
    case 'u16':
    case 'u32':
    case 's8':
    case 's16':
    case 's32': {
      const [tag, lo, hi] = INT_KINDS[ty.kind];
      const head = `{"${tag}":`;
      const expected = `an integer ${lo}..${hi}`;
      return (v) => {
        if (typeof v === 'number') {
          if (Number.isInteger(v) && v >= lo && v <= hi) return `${head}${v}}`;
        } else if (typeof v === 'bigint' && v >= lo && v <= hi) {
          return `${head}${v}}`;
        }
        throw new Mismatch(expected, v, ty);
      };
    }
    case 'u64':
    case 's64': {
      const [tag, lo, hi] = BIG_KINDS[ty.kind];
      const head = `{"${tag}":`;
      const expected = `a bigint ${lo}..${hi}`;
      return (v) => {
        let b: bigint | undefined;
        if (typeof v === 'bigint') b = v;
        else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
        if (b !== undefined && b >= lo && b <= hi) return `${head}${b}}`;
        throw new Mismatch(expected, v, ty);
      };
    }
    case 'f32':
      return (v) => {
        if (typeof v !== 'number') throw new Mismatch('a number', v, ty);
        return `{"Float32":${formatF32(v)}}`;
      };
    case 'f64':
      return (v) => {
        if (typeof v !== 'number') throw new Mismatch('a number', v, ty);
        return `{"Float64":${formatF64(v)}}`;
      };
    case 'char':
      return (v) => {
        if (typeof v !== 'string' || !isSingleCodePoint(v)) throw new Mismatch('a string of one Unicode scalar value', v, ty);
        return `{"Char":${quoteJsonString(v)}}`;
      };
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw new Mismatch('a string', v, ty);
        return `{"String":${quoteJsonString(v)}}`;
      };
    case 'list': {
      if (ty.element.kind === 'u8') {
        return (v) => {
          if (!isArrayLike(v)) throw new Mismatch('a Uint8Array or an array of bytes', v, ty);
          const n = v.length;
          if (n === 0) return '{"List":[]}';
          let s = '{"List":[';
          if (v instanceof Uint8Array || v instanceof Uint8ClampedArray) {
            for (let i = 0; i < n; i++) s += U8_ITEMS[v[i]!] + ',';
          } else {
            for (let i = 0; i < n; i++) {
              const b = v[i];
              if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
                const m = new Mismatch('an integer 0..255', b, ty.element);
                m.segments.push(`[${i}]`);
                throw m;
              }
              s += U8_ITEMS[b] + ',';
            }
          }
          return `${s.slice(0, -1)}]}`;
        };
      }
      const el = encoderFor(ty.element);
      return (v) => {
        if (!isArrayLike(v)) throw new Mismatch('an array', v, ty);
        const n = v.length;
        if (n === 0) return '{"List":[]}';
        let s = '{"List":[';
        for (let i = 0; i < n; i++) s += within(`[${i}]`, () => el(v[i])) + ',';
        return `${s.slice(0, -1)}]}`;
      };
    }
    case 'option': {
      const inner = encoderFor(ty.some);
      if (ty.some.kind === 'option') {
        // jco spells the outer level of a nested option as a variant so some(none) stays distinct.
        return (v) => {
          if (v === undefined || v === null) return '{"Option":null}';
          if (isObject(v)) {
            if (v.tag === 'none') return '{"Option":null}';
            if (v.tag === 'some') return `{"Option":${within('.some', () => inner(v.val))}}`;
          }
          throw new Mismatch(`{ tag: 'none' } or { tag: 'some', val }`, v, ty);
        };
      }
      return (v) => (v === undefined || v === null ? '{"Option":null}' : `{"Option":${within('.some', () => inner(v))}}`);
    }
    case 'result': {
      const ok = ty.ok ? encoderFor(ty.ok) : null;
      const err = ty.err ? encoderFor(ty.err) : null;
      return (v) => {
        if (isObject(v)) {
          if (v.tag === 'ok') return ok ? `{"Result":{"Ok":${within('.ok', () => ok(v.val))}}}` : '{"Result":{"Ok":null}}';
          if (v.tag === 'err') return err ? `{"Result":{"Err":${within('.err', () => err(v.val))}}}` : '{"Result":{"Err":null}}';
        }
        throw new Mismatch(`{ tag: 'ok' | 'err', val }`, v, ty);
      };
    }
    case 'tuple': {
      const items = ty.items.map(encoderFor);
      const n = items.length;
      return (v) => {
        if (!isArrayLike(v) || v.length !== n) throw new Mismatch(`an array of ${n} items`, v, ty);
        if (n === 0) return '{"Tuple":[]}';
        let s = '{"Tuple":[';
        for (let i = 0; i < n; i++) s += within(`[${i}]`, () => items[i]!(v[i])) + ',';
        return `${s.slice(0, -1)}]}`;
      };
    }
    case 'record': {
      const fields = ty.fields.map(([name, ft]) => ({
        name,
        key: camelCase(name),
        head: `[${quoteJsonString(name)},`,
        enc: encoderFor(ft),
      }));
      return (v) => {
        if (!isObject(v)) throw new Mismatch(`a ${ty.name} record object`, v, ty);
        if (fields.length === 0) return '{"Record":[]}';
        let s = '{"Record":[';
        for (const f of fields) s += `${f.head}${within(`.${f.name}`, () => f.enc(v[f.key]))}],`;
        return `${s.slice(0, -1)}]}`;
      };
    }
    case 'variant': {
      const cases = new Map(
        ty.cases.map(([name, ct]) => [name, { head: `{"Variant":[${quoteJsonString(name)},`, enc: ct ? encoderFor(ct) : null }]),
      );
      const names = ty.cases.map(([n]) => `'${n}'`).join(' | ');
      return (v) => {
        if (!isObject(v) || typeof v.tag !== 'string') throw new Mismatch(`{ tag: ${names}, val }`, v, ty);
        const c = cases.get(v.tag);
        if (!c) throw new Mismatch(`{ tag: ${names}, val }`, v, ty);
        const enc = c.enc;
        return enc ? `${c.head}${within(`.${v.tag}`, () => enc(v.val))}]}` : `${c.head}null]}`;
      };
    }
    case 'enum': {
      const cases = new Map(ty.cases.map((name) => [name, `{"Enum":${quoteJsonString(name)}}`]));
      const names = ty.cases.map((n) => `'${n}'`).join(' | ');
      return (v) => {
        const s = typeof v === 'string' ? cases.get(v) : undefined;
        if (s === undefined) throw new Mismatch(names, v, ty);
        return s;
      };
    }
    case 'flags': {
      const flags = ty.flags.map((name) => ({ key: camelCase(name), json: quoteJsonString(name) }));
      return (v) => {
        if (!isObject(v)) throw new Mismatch(`an object of booleans (${flags.map((f) => f.key).join(', ')})`, v, ty);
        const set: string[] = [];
        for (const f of flags) if (v[f.key]) set.push(f.json);
        return `{"Flags":[${set.join(',')}]}`;
      };
    }
    case 'resource': {
      const tail = `,"owned":${ty.handle === 'own'}}}`;
      return (v) => {
        const rep = typeof v === 'number' ? v : isObject(v) ? v.rep : undefined;
        if (typeof rep !== 'number' || !Number.isInteger(rep) || rep < 0 || rep > 0xffffffff) {
          throw new Mismatch('a resource handle { rep: number }', v, ty);
        }
        return `{"Resource":{"rep":${rep}${tail}`;
      };
    }
  }
}

/** JSON text of the SerializableVal for `value` of WIT type `type` (throws TypedValueError). */
export function encodeTyped(type: WitType, value: unknown): string {
  try {
    return encoderFor(type)(value);
  } catch (e) {
    throw wrap(e, 'value', 'encode');
  }
}

/** What a host call recorded as `output`: the typed result, or `{"Tuple":[]}` for a function without one. */
export function encodeReturn(type: WitType | null, value: unknown): string {
  if (type === null) return '{"Tuple":[]}';
  try {
    return encoderFor(type)(value);
  } catch (e) {
    throw wrap(e, 'the return value', 'encode');
  }
}

const paramEncoders = new WeakMap<Array<[string, WitType]>, Array<[string, Encoder]>>();

/** A call's arguments as one `{"Tuple":[…]}` (what a host call records as `input`). */
export function encodeParams(params: Array<[string, WitType]>, args: unknown[]): string {
  let encs = paramEncoders.get(params);
  if (encs === undefined) {
    encs = params.map(([name, ty]) => [name, encoderFor(ty)]);
    paramEncoders.set(params, encs);
  }
  if (args.length !== encs.length) {
    throw new TypedValueError(
      `Cannot record the arguments: the function takes ${encs.length} (${params.map((p) => p[0]).join(', ')}) but was called with ${args.length}; call it with exactly its declared parameters.`,
      'arguments',
    );
  }
  if (encs.length === 0) return '{"Tuple":[]}';
  let s = '{"Tuple":[';
  for (let i = 0; i < encs.length; i++) {
    const [name, enc] = encs[i]!;
    try {
      s += enc(args[i]) + ',';
    } catch (e) {
      throw wrap(e, `argument ${name}`, 'encode');
    }
  }
  return `${s.slice(0, -1)}]}`;
}

// ---------------------------------------------------------------------------------------------
// Decoding (from parseLossless output)

type Decoder = (p: unknown) => unknown;
const decoders = new WeakMap<WitType, Decoder>();

function decoderFor(ty: WitType): Decoder {
  let dec = decoders.get(ty);
  if (dec === undefined) {
    dec = compileDecoder(ty);
    decoders.set(ty, dec);
  }
  return dec;
}

function tagged(p: unknown, tag: string, ty: WitType): unknown {
  if (isObject(p) && tag in p) return p[tag];
  throw new Mismatch(`{"${tag}": …}`, p, ty);
}

function compileDecoder(ty: WitType): Decoder {
  switch (ty.kind) {
    case 'bool':
      return (p) => {
        const v = tagged(p, 'Bool', ty);
        if (typeof v !== 'boolean') throw new Mismatch('{"Bool": true|false}', p, ty);
        return v;
      };
    case 'u8':
    case 'u16':
    case 'u32':
    case 's8':
    case 's16':
    case 's32': {
      const [tag, lo, hi] = INT_KINDS[ty.kind];
      return (p) => {
        const v = tagged(p, tag, ty);
        const n = typeof v === 'bigint' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) throw new Mismatch(`{"${tag}": ${lo}..${hi}}`, p, ty);
        return n;
      };
    }
    case 'u64':
    case 's64': {
      const [tag, lo, hi] = BIG_KINDS[ty.kind];
      return (p) => {
        const v = tagged(p, tag, ty);
        const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
        if (b === undefined || b < lo || b > hi) throw new Mismatch(`{"${tag}": ${lo}..${hi}}`, p, ty);
        return b;
      };
    }
    case 'f32':
    case 'f64': {
      const tag = ty.kind === 'f32' ? 'Float32' : 'Float64';
      return (p) => {
        const v = tagged(p, tag, ty);
        // serde_json writes NaN and infinities as null; which one it was is lost.
        if (v === null) return NaN;
        const n = typeof v === 'bigint' ? Number(v) : v;
        if (typeof n !== 'number') throw new Mismatch(`{"${tag}": number}`, p, ty);
        return ty.kind === 'f32' ? Math.fround(n) : n;
      };
    }
    case 'char':
      return (p) => {
        const v = tagged(p, 'Char', ty);
        if (typeof v !== 'string' || !isSingleCodePoint(v)) throw new Mismatch('{"Char": one character}', p, ty);
        return v;
      };
    case 'string':
      return (p) => {
        const v = tagged(p, 'String', ty);
        if (typeof v !== 'string') throw new Mismatch('{"String": string}', p, ty);
        return v;
      };
    case 'list': {
      if (ty.element.kind === 'u8') {
        const el = ty.element;
        return (p) => {
          const v = tagged(p, 'List', ty);
          if (!Array.isArray(v)) throw new Mismatch('{"List": [...]}', p, ty);
          const out = new Uint8Array(v.length);
          for (let i = 0; i < v.length; i++) {
            const item = v[i];
            const b = isObject(item) ? item.U8 : undefined;
            if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
              const m = new Mismatch('{"U8": 0..255}', item, el);
              m.segments.push(`[${i}]`);
              throw m;
            }
            out[i] = b;
          }
          return out;
        };
      }
      const el = decoderFor(ty.element);
      return (p) => {
        const v = tagged(p, 'List', ty);
        if (!Array.isArray(v)) throw new Mismatch('{"List": [...]}', p, ty);
        return v.map((x, i) => within(`[${i}]`, () => el(x)));
      };
    }
    case 'option': {
      const inner = decoderFor(ty.some);
      const nested = ty.some.kind === 'option';
      return (p) => {
        const v = tagged(p, 'Option', ty);
        if (v === null) return nested ? { tag: 'none' } : undefined;
        const val = within('.some', () => inner(v));
        return nested ? { tag: 'some', val } : val;
      };
    }
    case 'result': {
      const ok = ty.ok ? decoderFor(ty.ok) : null;
      const err = ty.err ? decoderFor(ty.err) : null;
      return (p) => {
        const v = tagged(p, 'Result', ty);
        if (isObject(v)) {
          if ('Ok' in v) return { tag: 'ok', val: ok && v.Ok !== null ? within('.ok', () => ok(v.Ok)) : undefined };
          if ('Err' in v) return { tag: 'err', val: err && v.Err !== null ? within('.err', () => err(v.Err)) : undefined };
        }
        throw new Mismatch('{"Result": {"Ok": …} | {"Err": …}}', p, ty);
      };
    }
    case 'tuple': {
      const items = ty.items.map(decoderFor);
      return (p) => {
        const v = tagged(p, 'Tuple', ty);
        if (!Array.isArray(v) || v.length !== items.length) throw new Mismatch(`{"Tuple": [${items.length} items]}`, p, ty);
        return items.map((d, i) => within(`[${i}]`, () => d(v[i])));
      };
    }
    case 'record': {
      const fields = ty.fields.map(([name, ft]) => ({ name, key: camelCase(name), dec: decoderFor(ft) }));
      return (p) => {
        const v = tagged(p, 'Record', ty);
        if (!Array.isArray(v)) throw new Mismatch('{"Record": [[name, value], ...]}', p, ty);
        const byName = new Map<string, unknown>();
        for (const pair of v) {
          if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') byName.set(pair[0], pair[1]);
        }
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          if (!byName.has(f.name)) throw new Mismatch(`a field named "${f.name}"`, p, ty);
          out[f.key] = within(`.${f.name}`, () => f.dec(byName.get(f.name)));
        }
        return out;
      };
    }
    case 'variant': {
      const cases = new Map(ty.cases.map(([name, ct]) => [name, ct ? decoderFor(ct) : null]));
      return (p) => {
        const v = tagged(p, 'Variant', ty);
        if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && cases.has(v[0])) {
          const name = v[0];
          const dec = cases.get(name)!;
          if (dec === null) return { tag: name };
          if (v[1] !== null) return { tag: name, val: within(`.${name}`, () => dec(v[1])) };
        }
        throw new Mismatch(`{"Variant": [one of ${[...cases.keys()].join(', ')}, payload]}`, p, ty);
      };
    }
    case 'enum': {
      const cases = new Set(ty.cases);
      return (p) => {
        const v = tagged(p, 'Enum', ty);
        if (typeof v !== 'string' || !cases.has(v)) throw new Mismatch(`{"Enum": one of ${ty.cases.join(', ')}}`, p, ty);
        return v;
      };
    }
    case 'flags': {
      const keys = new Map(ty.flags.map((name) => [name, camelCase(name)]));
      return (p) => {
        const v = tagged(p, 'Flags', ty);
        if (!Array.isArray(v)) throw new Mismatch('{"Flags": [names]}', p, ty);
        const out: Record<string, boolean> = {};
        for (const key of keys.values()) out[key] = false;
        for (const name of v) {
          const key = typeof name === 'string' ? keys.get(name) : undefined;
          if (key === undefined) throw new Mismatch(`flag names among ${ty.flags.join(', ')}`, p, ty);
          out[key] = true;
        }
        return out;
      };
    }
    case 'resource':
      return (p) => {
        const v = tagged(p, 'Resource', ty);
        if (!isObject(v)) throw new Mismatch('{"Resource": {"rep": n, "owned": bool}}', p, ty);
        // Upstream (val-serde) records only `owned`; the replayer then numbers handles itself.
        const rep = typeof v.rep === 'bigint' ? Number(v.rep) : v.rep;
        if (rep !== undefined && (typeof rep !== 'number' || !Number.isInteger(rep) || rep < 0)) {
          throw new Mismatch('{"Resource": {"rep": non-negative integer}}', p, ty);
        }
        return { rep };
      };
  }
}

/**
 * Inverse of encodeTyped: turns a parsed SerializableVal (from parseLossless, so u64 are exact) back
 * into a host value of `type`. Resources decode to `{ rep }` (rep undefined in upstream recordings).
 */
export function decodeTyped(type: WitType, parsed: unknown): unknown {
  try {
    return decoderFor(type)(parsed);
  } catch (e) {
    throw wrap(e, 'value', 'decode');
  }
}

// ---------------------------------------------------------------------------------------------
// v1 era (76c4c65c → c95f8e90): input/output are serde_json of the Rust values, without tags.

const looseName = (s: string): string => s.replace(/[-_]/g, '').toLowerCase();

/**
 * Decodes a v1-era value (plain serde JSON of the Rust value, parsed losslessly) into a host value of
 * `type`: options are null|value, Rust results {"Ok":…}/{"Err":…} (or lowercase), resources their
 * integer rep, variants/enums serde's externally tagged names (matched ignoring case, `-` and `_`).
 */
export function decodeUntyped(type: WitType, plain: unknown): unknown {
  try {
    return untyped(type, plain);
  } catch (e) {
    throw wrap(e, 'value', 'decode');
  }
}

/**
 * A value a user typed (plain JSON, parsed losslessly) read as a host value of `type`, with the same
 * rules as decodeUntyped; the error names the path and both sides, without blaming a recording.
 */
export function decodeUserValue(type: WitType, plain: unknown, what = 'value'): unknown {
  try {
    return untyped(type, plain);
  } catch (e) {
    throw wrap(e, what, 'check');
  }
}

function untyped(ty: WitType, v: unknown): unknown {
  switch (ty.kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw new Mismatch('true or false', v, ty);
      return v;
    case 'u8':
    case 'u16':
    case 'u32':
    case 's8':
    case 's16':
    case 's32': {
      const [, lo, hi] = INT_KINDS[ty.kind];
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) throw new Mismatch(`an integer ${lo}..${hi}`, v, ty);
      return n;
    }
    case 'u64':
    case 's64': {
      const [, lo, hi] = BIG_KINDS[ty.kind];
      const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
      if (b === undefined || b < lo || b > hi) throw new Mismatch(`an integer ${lo}..${hi}`, v, ty);
      return b;
    }
    case 'f32':
    case 'f64': {
      if (v === null) return NaN;
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number') throw new Mismatch('a number', v, ty);
      return ty.kind === 'f32' ? Math.fround(n) : n;
    }
    case 'char':
      if (typeof v !== 'string' || !isSingleCodePoint(v)) throw new Mismatch('one character', v, ty);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new Mismatch('a string', v, ty);
      return v;
    case 'list':
      if (!Array.isArray(v)) throw new Mismatch('an array', v, ty);
      if (ty.element.kind === 'u8') {
        const out = new Uint8Array(v.length);
        v.forEach((b, i) => {
          out[i] = within(`[${i}]`, () => untyped(ty.element, b)) as number;
        });
        return out;
      }
      return v.map((x, i) => within(`[${i}]`, () => untyped(ty.element, x)));
    case 'option':
      if (v === null || v === undefined) return ty.some.kind === 'option' ? { tag: 'none' } : undefined;
      return ty.some.kind === 'option'
        ? { tag: 'some', val: within('.some', () => untyped(ty.some, v)) }
        : within('.some', () => untyped(ty.some, v));
    case 'result': {
      if (isObject(v)) {
        for (const [key, tag, t] of [
          ['Ok', 'ok', ty.ok],
          ['ok', 'ok', ty.ok],
          ['Err', 'err', ty.err],
          ['err', 'err', ty.err],
        ] as const) {
          if (key in v) return { tag, val: t === null || v[key] === null ? undefined : within(`.${tag}`, () => untyped(t, v[key])) };
        }
      }
      throw new Mismatch('{"Ok": …} or {"Err": …}', v, ty);
    }
    case 'tuple':
      if (ty.items.length === 0 && v === null) return [];
      if (!Array.isArray(v) || v.length !== ty.items.length) throw new Mismatch(`an array of ${ty.items.length} items`, v, ty);
      return ty.items.map((it, i) => within(`[${i}]`, () => untyped(it, v[i])));
    case 'record': {
      if (!isObject(v)) throw new Mismatch('an object', v, ty);
      const byLoose = new Map(Object.keys(v).map((k) => [looseName(k), k]));
      const out: Record<string, unknown> = {};
      for (const [name, ft] of ty.fields) {
        const k = byLoose.get(looseName(name));
        const raw = k === undefined ? undefined : v[k];
        if (k === undefined && ft.kind !== 'option') throw new Mismatch(`a field named "${name}"`, v, ty);
        out[camelCase(name)] = within(`.${name}`, () => untyped(ft, raw ?? null));
      }
      return out;
    }
    case 'variant': {
      const find = (n: string): [string, WitType | null] | undefined => ty.cases.find(([c]) => looseName(c) === looseName(n));
      if (typeof v === 'string') {
        const c = find(v);
        if (c && c[1] === null) return { tag: c[0] };
      } else if (isObject(v) && Object.keys(v).length === 1) {
        const k = Object.keys(v)[0]!;
        const c = find(k);
        if (c) return c[1] === null ? { tag: c[0] } : { tag: c[0], val: within(`.${c[0]}`, () => untyped(c[1]!, v[k])) };
      }
      throw new Mismatch(`one of ${ty.cases.map(([c]) => c).join(', ')}`, v, ty);
    }
    case 'enum': {
      const c = typeof v === 'string' ? ty.cases.find((n) => looseName(n) === looseName(v)) : undefined;
      if (c === undefined) throw new Mismatch(`one of ${ty.cases.join(', ')}`, v, ty);
      return c;
    }
    case 'flags': {
      const out: Record<string, boolean> = {};
      const set = Array.isArray(v)
        ? new Set(v.map((x) => looseName(String(x))))
        : isObject(v)
          ? new Set(
              Object.keys(v)
                .filter((k) => v[k] === true)
                .map(looseName),
            )
          : undefined;
      if (!set) throw new Mismatch('an array of flag names', v, ty);
      for (const f of ty.flags) out[camelCase(f)] = set.has(looseName(f));
      return out;
    }
    case 'resource': {
      const rep = typeof v === 'bigint' ? Number(v) : isObject(v) ? v.rep : v;
      if (typeof rep !== 'number' || !Number.isInteger(rep) || rep < 0) throw new Mismatch('an integer resource handle', v, ty);
      return { rep };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Display

const SERIALIZABLE_TAGS = new Set([
  'Bool',
  'S8',
  'U8',
  'S16',
  'U16',
  'S32',
  'U32',
  'S64',
  'U64',
  'Float32',
  'Float64',
  'Char',
  'String',
  'List',
  'Record',
  'Tuple',
  'Variant',
  'Enum',
  'Option',
  'Result',
  'Flags',
  'Resource',
]);

/**
 * Turns any parsed SerializableVal into a plain value without type information, for display:
 * 64-bit integers become bigint, a List of U8 a Uint8Array, Record an object, Result {ok}/{err},
 * Variant {case: payload}, Enum its name, Option null|value, Flags an array of names,
 * Resource {rep, owned}. Anything that is not a SerializableVal is returned unchanged.
 */
export function typedToPlain(parsed: unknown): unknown {
  if (Array.isArray(parsed)) return parsed.map(typedToPlain);
  if (!isObject(parsed)) return parsed;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || !SERIALIZABLE_TAGS.has(keys[0]!)) return parsed;
  const tag = keys[0]!;
  const v = parsed[tag];
  switch (tag) {
    case 'U64':
    case 'S64':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
    case 'Float32':
    case 'Float64':
      return v === null ? NaN : v;
    case 'List':
      if (!Array.isArray(v)) return v;
      if (v.length > 0 && v.every((x) => isObject(x) && typeof x.U8 === 'number' && Object.keys(x).length === 1)) {
        return Uint8Array.from(v, (x) => (x as { U8: number }).U8);
      }
      return v.map(typedToPlain);
    case 'Tuple':
      return Array.isArray(v) ? v.map(typedToPlain) : v;
    case 'Record': {
      if (!Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const pair of v) {
        if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') {
          Object.defineProperty(out, pair[0], { value: typedToPlain(pair[1]), enumerable: true, writable: true, configurable: true });
        }
      }
      return out;
    }
    case 'Variant':
      if (Array.isArray(v) && typeof v[0] === 'string') return { [v[0]]: v[1] === null ? null : typedToPlain(v[1]) };
      return v;
    case 'Option':
      return v === null ? null : typedToPlain(v);
    case 'Result':
      if (isObject(v) && 'Ok' in v) return { ok: typedToPlain(v.Ok) };
      if (isObject(v) && 'Err' in v) return { err: typedToPlain(v.Err) };
      return v;
    case 'Resource':
      return isObject(v) ? { rep: v.rep ?? null, owned: v.owned ?? null } : v;
    default:
      return v; // Bool, small ints, Char, String, Enum, Flags: the payload is already plain.
  }
}
