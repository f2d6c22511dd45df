// A window over a file read in fixed-size chunks with synchronous reads: the streaming chain
// readers keep only the bytes they still need (from `keepFrom` on), so files of any size are read
// in memory bounded by one chunk plus the largest single event.
import * as fs from 'node:fs';

export const CHUNK_BYTES = 1 << 20;

export class ByteWindow {
  /** Bytes from file offset `base` on. */
  buf: Buffer = Buffer.alloc(0);
  base: number;
  private eof = false;
  private readPos: number;

  private readonly fd: number;

  /** `source` is a file descriptor, or bytes already in memory (whole-text parsers). */
  constructor(
    source: number | Buffer,
    start = 0,
    /** Stop reading at this offset (exclusive); -1 for the end of the file. */
    private readonly limit = -1,
    private readonly chunkBytes = CHUNK_BYTES,
    /**
     * Read every chunk into one buffer, reused (the kept bytes moved to its start): nothing is
     * allocated or copied per chunk, but a view of the window is valid only until the next fill.
     */
    private readonly recycle = false,
  ) {
    this.base = start;
    this.readPos = start;
    if (typeof source === 'number') this.fd = source;
    else {
      this.fd = -1;
      this.buf = source.subarray(start);
      this.eof = true;
    }
  }

  /** File offset just after the last byte read so far. */
  get end(): number {
    return this.base + this.buf.length;
  }

  get atEof(): boolean {
    return this.eof;
  }

  /**
   * Reads the next chunk, dropping the bytes before `keepFrom` (a file offset). Returns false at the
   * end of the file.
   */
  fill(keepFrom: number): boolean {
    if (this.eof) return false;
    const want = this.limit < 0 ? this.chunkBytes : Math.min(this.chunkBytes, this.limit - this.readPos);
    if (want <= 0) {
      this.eof = true;
      return false;
    }
    if (this.recycle) return this.fillInPlace(keepFrom, want);
    const chunk = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const n = fs.readSync(this.fd, chunk, got, want - got, this.readPos + got);
      if (n === 0) break;
      got += n;
    }
    this.readPos += got;
    if (got < want) this.eof = true;
    if (got === 0) return false;
    const drop = Math.max(0, Math.min(keepFrom, this.end) - this.base);
    const kept = this.buf.subarray(drop);
    this.buf = kept.length === 0 ? chunk.subarray(0, got) : Buffer.concat([kept, chunk.subarray(0, got)]);
    this.base += drop;
    return true;
  }

  private backing: Buffer | undefined;

  /** fill() for a recycling window: the kept bytes move to the start of the one buffer, the chunk is read after them. */
  private fillInPlace(keepFrom: number, want: number): boolean {
    const drop = Math.max(0, Math.min(keepFrom, this.end) - this.base);
    const kept = this.buf.length - drop;
    let target = this.backing;
    if (target === undefined || target.length < kept + want) {
      target = Buffer.allocUnsafe(kept + want);
      this.buf.copy(target, 0, drop);
    } else target.copyWithin(0, drop, this.buf.length);
    this.backing = target;
    this.base += drop;
    let got = 0;
    while (got < want) {
      const n = fs.readSync(this.fd, target, kept + got, want - got, this.readPos + got);
      if (n === 0) break;
      got += n;
    }
    this.readPos += got;
    if (got < want) this.eof = true;
    this.buf = target.subarray(0, kept + got);
    return got > 0;
  }

  /** The byte at file offset `at` (reading on as needed), or -1 past the end of the file. */
  byte(at: number, keepFrom: number): number {
    while (at >= this.end) if (!this.fill(keepFrom)) return -1;
    return this.buf[at - this.base]!;
  }

  /** Bytes [from, to) as a view; both must be in the window. */
  view(from: number, to: number): Buffer {
    return this.buf.subarray(from - this.base, to - this.base);
  }
}
