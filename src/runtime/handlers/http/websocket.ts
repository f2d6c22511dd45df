// WebSocket (RFC 6455) for http-framework servers, on node's `upgrade` event: the opening handshake,
// frames in (masked, fragmented, text/binary/ping/pong/close) and frames out (unmasked). Only the
// wire format lives here; host.ts decides which actor calls a frame becomes.
import * as crypto from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const MAX_WS_MESSAGE = 16 * 2 ** 20;

export type WsFrame =
  { kind: 'text'; text: string } | { kind: 'binary'; data: Uint8Array } | { kind: 'ping' | 'pong'; data: Uint8Array } | { kind: 'close' };

/** Writes the 101 answer; false (and a 400) when the request is not a WebSocket opening handshake. */
export function acceptUpgrade(req: http.IncomingMessage, socket: Duplex): boolean {
  const key = req.headers['sec-websocket-key'];
  if (
    String(req.headers.upgrade).toLowerCase() !== 'websocket' ||
    typeof key !== 'string' ||
    req.headers['sec-websocket-version'] !== '13'
  ) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return false;
  }
  const accept = crypto
    .createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return true;
}

/** One frame to send (server frames are not masked). */
export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, Buffer.from(payload)]);
}

export const OP = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** Reads frames from the socket's bytes; calls `onFrame` per whole message, `onError` once for a protocol error. */
export function frameReader(onFrame: (f: WsFrame) => void, onError: (why: string) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let fragmentOp = 0;
  let failed = false;
  return (chunk) => {
    if (failed) return;
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      const fin = (buf[0]! & 0x80) !== 0;
      const op = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_WS_MESSAGE)) {
          failed = true;
          return onError(`a WebSocket frame of ${big} bytes is larger than ${MAX_WS_MESSAGE}`);
        }
        len = Number(big);
        at = 10;
      }
      if (!masked) {
        failed = true;
        return onError('a client WebSocket frame was not masked');
      }
      if (buf.length < at + 4 + len) return;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buf = buf.subarray(at + 4 + len);
      if (op === OP.close) return onFrame({ kind: 'close' });
      if (op === OP.ping || op === OP.pong) {
        onFrame({ kind: op === OP.ping ? 'ping' : 'pong', data: payload });
        continue;
      }
      if (op === OP.text || op === OP.binary) {
        fragmentOp = op;
        fragments = [payload];
      } else if (op === 0) fragments.push(payload);
      else {
        failed = true;
        return onError(`unknown WebSocket opcode ${op}`);
      }
      if (fragments.reduce((n, f) => n + f.length, 0) > MAX_WS_MESSAGE) {
        failed = true;
        return onError(`a WebSocket message is larger than ${MAX_WS_MESSAGE} bytes`);
      }
      if (!fin) continue;
      const whole = Buffer.concat(fragments);
      fragments = [];
      onFrame(fragmentOp === OP.text ? { kind: 'text', text: whole.toString('utf8') } : { kind: 'binary', data: new Uint8Array(whole) });
    }
  };
}
