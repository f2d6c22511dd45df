// Framing guard for the language server over stdio. vscode-jsonrpc reports a frame without a valid
// Content-Length as an error and then waits forever (and it buffers a header that never ends, or a
// body that never comes, without bound). Like other servers, we say what was wrong in one line on
// stderr and exit non-zero instead. The guard follows the byte stream next to the real reader.
import type { Readable } from 'node:stream';

/** Longest header block accepted (real clients send about 60 bytes). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Largest message body accepted. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Follows LSP frames (`Content-Length: N\r\n…\r\n\r\n` + N bytes) and calls onBroken once with one sentence. */
export function watchFrames(stream: Readable, onBroken: (reason: string) => void): void {
  let header: Buffer = Buffer.alloc(0);
  let bodyLeft = 0;
  let broken = false;
  const fail = (reason: string) => {
    if (!broken) {
      broken = true;
      onBroken(reason);
    }
  };
  stream.on('data', (chunk: Buffer) => {
    let data: Buffer = chunk;
    while (!broken && data.length > 0) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, data.length);
        bodyLeft -= take;
        data = data.subarray(take);
        continue;
      }
      header = header.length ? Buffer.concat([header, data]) : data;
      data = Buffer.alloc(0);
      const end = header.indexOf(CRLFCRLF);
      if (end < 0) {
        if (header.length > MAX_HEADER_BYTES)
          fail(`a message header is longer than ${MAX_HEADER_BYTES} bytes without ending in an empty line`);
        return;
      }
      const fields = header.subarray(0, end).toString('ascii').split('\r\n');
      const length = fields.map((f) => /^content-length:\s*(.*)$/i.exec(f)?.[1]).find((v) => v !== undefined);
      if (length === undefined) return fail('a message has no Content-Length header');
      if (!/^\d+$/.test(length.trim())) return fail(`a message has an invalid Content-Length "${length.trim().slice(0, 40)}"`);
      const n = Number(length.trim());
      if (n > MAX_FRAME_BYTES) return fail(`a message announces ${n} bytes, more than the ${MAX_FRAME_BYTES}-byte limit`);
      bodyLeft = n;
      data = header.subarray(end + 4);
      header = Buffer.alloc(0);
    }
  });
}

/** The stdio server's answer to a broken frame: one line on stderr, exit code 1. */
export function exitOnBrokenFrame(reason: string): void {
  process.stderr.write(`theater lsp: the client sent a broken frame (${reason}); exiting.\n`);
  process.exit(1);
}
