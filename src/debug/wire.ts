// The Debug Adapter Protocol's base framing: `Content-Length: N\r\n\r\n` followed by N bytes of JSON.
import type { Readable, Writable } from 'node:stream';

export type DapMessage = { seq: number; type: 'request' | 'response' | 'event'; [key: string]: unknown };

/** Reads framed messages from `input`, writes them to `output`. */
export function connectStreams(input: Readable, output: Writable, onMessage: (m: DapMessage) => void): (m: object) => void {
  let pending = Buffer.alloc(0);
  input.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = pending.toString('ascii', 0, end);
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) {
        pending = pending.subarray(end + 4);
        continue;
      }
      const length = Number(m[1]);
      if (pending.length < end + 4 + length) return;
      const body = pending.toString('utf8', end + 4, end + 4 + length);
      pending = pending.subarray(end + 4 + length);
      try {
        onMessage(JSON.parse(body) as DapMessage);
      } catch {
        /* not JSON: ignore the frame */
      }
    }
  });
  return (msg) => {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    output.write(`Content-Length: ${body.length}\r\n\r\n`);
    output.write(body);
  };
}
