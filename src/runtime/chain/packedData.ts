// Compact storage of event data in our log. Theater's typed values spell each byte of a list<u8> as
// an object (`{"U8":7},{"U8":255},…`, about 9 bytes per byte), so a 1 MiB get-random-bytes made a
// 14.8 MB log line. The log stores such runs packed: every maximal run of at least MIN_RUN canonical
// `{"U8":N}` items joined by commas becomes 0x00, the run length (LEB128) and the raw bytes. Unpacking
// re-renders the exact Theater bytes, so hashes, verification and export never see the difference.
// Only data without a 0x00 byte is packed (JSON text never holds one raw), so 0x00 marks runs unambiguously.

const MIN_RUN = 16;
const OPEN = Buffer.from('{"U8":', 'latin1');
/** `{"U8":N}` for every byte N, and the same with a leading comma. */
const ITEM: readonly Buffer[] = Array.from({ length: 256 }, (_, n) => Buffer.from(`{"U8":${n}}`, 'latin1'));
const ITEM_COMMA: readonly Buffer[] = Array.from({ length: 256 }, (_, n) => Buffer.from(`,{"U8":${n}}`, 'latin1'));

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Parses one canonical `{"U8":N}` at `p`; returns [N, end] or undefined. */
function item(d: Buffer, p: number): [number, number] | undefined {
  if (d[p] !== 0x7b || d[p + 1] !== 0x22 || d[p + 2] !== 0x55 || d[p + 3] !== 0x38 || d[p + 4] !== 0x22 || d[p + 5] !== 0x3a)
    return undefined;
  let q = p + 6;
  const first = d[q];
  if (first === undefined || first < 0x30 || first > 0x39) return undefined;
  let n = first - 0x30;
  q++;
  if (first !== 0x30) {
    for (let k = 0; k < 2 && d[q]! >= 0x30 && d[q]! <= 0x39; k++, q++) n = n * 10 + d[q]! - 0x30;
  }
  if (n > 255 || d[q] !== 0x7d) return undefined;
  return [n, q + 1];
}

function leb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
}

/** The packed form of `data`, or undefined when packing would not shrink it. */
export function packData(data: Uint8Array): Buffer | undefined {
  const d = asBuffer(data);
  let at = d.indexOf(OPEN);
  if (at < 0 || d.length < MIN_RUN * 9 || d.indexOf(0) >= 0) return undefined;
  const parts: Buffer[] = [];
  let from = 0;
  let saved = 0;
  while (at >= 0) {
    const bytes: number[] = [];
    let p = at;
    for (;;) {
      const it = item(d, p);
      if (!it) break;
      bytes.push(it[0]);
      p = it[1];
      if (d[p] !== 0x2c || d[p + 1] !== 0x7b) break; // the comma belongs to the run only if an item follows
      const next = item(d, p + 1);
      if (!next) break;
      p = p + 1;
    }
    if (bytes.length >= MIN_RUN) {
      const head: number[] = [0];
      leb(bytes.length, head);
      parts.push(d.subarray(from, at), Buffer.from(head), Buffer.from(bytes));
      saved += p - at - head.length - bytes.length;
      from = p;
    }
    at = d.indexOf(OPEN, Math.max(p, at + 1));
  }
  if (saved <= 0) return undefined;
  parts.push(d.subarray(from));
  return Buffer.concat(parts);
}

/** Exactly the bytes `packData` was given. */
export function unpackData(packed: Uint8Array): Uint8Array {
  const d = asBuffer(packed);
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = d.indexOf(0); at >= 0; at = d.indexOf(0, from)) {
    parts.push(d.subarray(from, at));
    let n = 0;
    let shift = 0;
    let p = at + 1;
    for (;;) {
      const b = d[p++];
      if (b === undefined) throw new RangeError('a packed run is cut off');
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    if (p + n > d.length) throw new RangeError('a packed run is cut off');
    for (let k = 0; k < n; k++) parts.push((k === 0 ? ITEM : ITEM_COMMA)[d[p + k]!]!);
    from = p + n;
  }
  parts.push(d.subarray(from));
  return new Uint8Array(Buffer.concat(parts));
}
