// JSON that keeps u64 values exact. Chain payloads carry integers above 2^53 (random u64 outputs,
// nanosecond clocks); JSON.parse would silently round them, so display and replay parse with this.
import { JSON_MAX_DEPTH } from '../limits';

/** A JSON value as the lossless parser returns it: integers beyond ±(2^53-1) are bigint. */
export type LosslessJson = null | boolean | number | bigint | string | LosslessJson[] | { [key: string]: LosslessJson };

export class JsonParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonParseError';
  }
}

const ESCAPE_NEEDED = /["\\\u0000-\u001f]/;

/**
 * Quotes a string exactly as serde_json does: escapes `"`, `\` and control characters (\b \t \n \f \r,
 * others as \u00xx), nothing else — no `/`, no non-ASCII. The hash preimage depends on this.
 */
export function quoteJsonString(s: string): string {
  if (!ESCAPE_NEEDED.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0d:
        out += '\\r';
        break;
      default:
        out += c < 0x10 ? `\\u000${c.toString(16)}` : `\\u001${(c - 0x10).toString(16)}`;
    }
  }
  if (start < s.length) out += s.slice(start);
  return out + '"';
}

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    const found = this.pos >= this.s.length ? 'the end of the text' : JSON.stringify(this.s.slice(this.pos, this.pos + 12));
    throw new JsonParseError(`Invalid JSON at offset ${this.pos}: expected ${what} but found ${found}.`, this.pos);
  }

  ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  /** Arrays and objects nest at most JSON_MAX_DEPTH deep (serde_json's limit): no deep recursion. */
  nested<T>(read: () => T): T {
    if (++this.depth > JSON_MAX_DEPTH) {
      throw new JsonParseError(
        `Invalid JSON at offset ${this.pos}: arrays and objects are nested more than ${JSON_MAX_DEPTH} deep (the limit, as in serde_json).`,
        this.pos,
      );
    }
    const v = read();
    this.depth--;
    return v;
  }

  value(): LosslessJson {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b:
        return this.nested(() => this.object());
      case 0x5b:
        return this.nested(() => this.array());
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail('a JSON value');
    }
  }

  literal<T extends LosslessJson>(word: string, v: T): T {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    return this.fail(`"${word}"`);
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let p = start;
    if (s.charCodeAt(p) === 0x2d) p++;
    const intStart = p;
    let c = s.charCodeAt(p);
    if (c === 0x30) p++;
    else if (c >= 0x31 && c <= 0x39) {
      do p++;
      while ((c = s.charCodeAt(p)) >= 0x30 && c <= 0x39);
    } else {
      this.pos = p;
      return this.fail('a digit');
    }
    const intEnd = p;
    let integer = true;
    if (s.charCodeAt(p) === 0x2e) {
      integer = false;
      p++;
      c = s.charCodeAt(p);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.pos = p;
        return this.fail('a digit after the decimal point');
      }
      while ((c = s.charCodeAt(p)) >= 0x30 && c <= 0x39) p++;
    }
    c = s.charCodeAt(p);
    if (c === 0x65 || c === 0x45) {
      integer = false;
      p++;
      c = s.charCodeAt(p);
      if (c === 0x2b || c === 0x2d) p++;
      c = s.charCodeAt(p);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.pos = p;
        return this.fail('a digit in the exponent');
      }
      while ((c = s.charCodeAt(p)) >= 0x30 && c <= 0x39) p++;
    }
    this.pos = p;
    const text = s.slice(start, p);
    if (!integer || intEnd - intStart <= 15) return Number(text);
    const n = Number(text);
    // Any integer text above 2^53-1 rounds to at least 2^53, so a safe result is exact.
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }

  string(): string {
    const s = this.s;
    const start = this.pos + 1;
    let p = start;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        p += 2;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = p;
        return this.fail(Number.isNaN(c) ? 'a closing quote' : 'an escaped control character');
      }
      p++;
    }
    this.pos = p + 1;
    if (!escaped) return s.slice(start, p);
    try {
      return JSON.parse(s.slice(start - 1, p + 1)) as string;
    } catch {
      this.pos = start - 1;
      return this.fail('a string with valid escapes');
    }
  }

  array(): LosslessJson[] {
    this.pos++;
    const out: LosslessJson[] = [];
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      return this.fail(`',' or ']' in an array`);
    }
  }

  object(): { [key: string]: LosslessJson } {
    this.pos++;
    const out: { [key: string]: LosslessJson } = {};
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x22) return this.fail('a quoted member name');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) return this.fail(`':' after a member name`);
      this.pos++;
      const v = this.value();
      // A plain assignment of "__proto__" would replace the prototype instead of adding a member.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        return out;
      }
      return this.fail(`',' or '}' in an object`);
    }
  }
}

/** Parses JSON text; integers outside ±(2^53-1) become bigint, everything else is what JSON.parse gives. */
export function parseLossless(text: string): LosslessJson {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.pos !== text.length) p.fail('the end of the text');
  return v;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes strict UTF-8 (throws JsonParseError on invalid bytes) and parses it losslessly. */
export function parseLosslessBytes(bytes: Uint8Array): LosslessJson {
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    throw new JsonParseError('Invalid JSON: the bytes are not valid UTF-8.', 0);
  }
  return parseLossless(text);
}

/**
 * Serializes like JSON.stringify, but writes bigint as plain digits and Uint8Array as an array of
 * numbers. `indent` > 0 pretty-prints with that many spaces.
 */
export function stringifyLossless(value: unknown, indent = 0): string {
  const out = write(value, indent > 0 ? ' '.repeat(indent) : '', '');
  return out === undefined ? 'null' : out;
}

function write(v: unknown, unit: string, cur: string): string | undefined {
  switch (typeof v) {
    case 'string':
      return quoteJsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (v === null) return 'null';
  const inner = cur + unit;
  const open = unit ? `\n${inner}` : '';
  const sep = unit ? `,\n${inner}` : ',';
  const close = unit ? `\n${cur}` : '';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const items = Array.isArray(v) ? v : Array.from(v as unknown as ArrayLike<unknown>);
    if (items.length === 0) return '[]';
    return `[${open}${items.map((x) => write(x, unit, inner) ?? 'null').join(sep)}${close}]`;
  }
  const obj = v as { toJSON?: () => unknown };
  if (typeof obj.toJSON === 'function') return write(obj.toJSON(), unit, cur);
  const parts: string[] = [];
  const colon = unit ? ': ' : ':';
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const s = write(x, unit, inner);
    if (s !== undefined) parts.push(quoteJsonString(k) + colon + s);
  }
  if (parts.length === 0) return '{}';
  return `{${open}${parts.join(sep)}${close}}`;
}
