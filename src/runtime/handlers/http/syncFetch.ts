// One HTTP exchange, performed synchronously for the actor's worker thread (host calls are sync): a
// helper thread (started on the first request, never keeping the process alive) does the request
// with node's http/https and answers through a MessagePort while the actor's thread waits on a flag.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface SyncRequest {
  method: string;
  url: string;
  headers: Array<[string, Uint8Array]>;
  body: Uint8Array;
  timeoutMs: number;
}

export type SyncAnswer =
  { ok: true; status: number; headers: Array<[string, Uint8Array]>; body: Uint8Array } | { ok: false; code: string; message: string };

const HELPER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const port = workerData.port;
port.on('message', ({ flag, method, url, headers, body, timeoutMs }) => {
  const f = new Int32Array(flag);
  let answered = false;
  const answer = (a) => {
    if (answered) return;
    answered = true;
    port.postMessage(a);
    Atomics.store(f, 0, 1);
    Atomics.notify(f, 0);
  };
  try {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const hs = {};
    for (const [n, v] of headers) (hs[n.toLowerCase()] ??= []).push(Buffer.from(v).toString('latin1'));
    const req = lib.request(u, { method, headers: hs, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders, hs = [];
        for (let i = 0; i + 1 < raw.length; i += 2) hs.push([raw[i].toLowerCase(), new Uint8Array(Buffer.from(raw[i + 1], 'latin1'))]);
        answer({ ok: true, status: res.statusCode, headers: hs, body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('error', (e) => answer({ ok: false, code: e.code || 'ERR', message: e.message }));
    });
    req.setTimeout(timeoutMs, () => { req.destroy(Object.assign(new Error('timed out after ' + timeoutMs + ' ms'), { code: 'ETIMEDOUT' })); });
    req.on('error', (e) => answer({ ok: false, code: e.code || 'ERR', message: e.message }));
    req.end(Buffer.from(body));
  } catch (e) {
    answer({ ok: false, code: e.code || 'ERR_INVALID_URL', message: e.message });
  }
});
`;

let helper: { worker: Worker; port: MessagePort } | undefined;

function helperThread(): { worker: Worker; port: MessagePort } {
  if (!helper) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(HELPER, { eval: true, workerData: { port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    helper = { worker, port: port1 };
  }
  return helper;
}

/** Performs the request and blocks this thread until it is answered (or failed). */
export function syncFetch(req: SyncRequest): SyncAnswer {
  const { port } = helperThread();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  port.postMessage({ flag: flag.buffer, ...req });
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
  const m = receiveMessageOnPort(port);
  if (!m) return { ok: false, code: 'ERR', message: 'the HTTP helper thread gave no answer' };
  return m.message as SyncAnswer;
}
