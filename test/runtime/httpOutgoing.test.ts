// The one outgoing exchange of every HTTP handler (src/runtime/handlers/http/outgoing.ts), against
// real servers on loopback: repeated headers stay repeated, the body is read whole, the size limit,
// the timeout and a refused connection are one code and one sentence, and stopping aborts.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { MAX_RESPONSE_BYTES, type OutgoingExchange } from '../../src/runtime/handlers/http/outgoing';
import { performExchange } from '../../src/runtime/handlers/http/host';

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const req = (uri: string, more: Partial<OutgoingExchange> = {}): OutgoingExchange => ({
  method: 'POST',
  uri,
  headers: [],
  body: undefined,
  timeoutMs: 5000,
  timeoutName: "http-client handler's timeout",
  ...more,
});

test('the request and the whole response, repeated headers kept, names in lower case', async (t) => {
  const s = await serve((r, res) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => {
      res.setHeader('X-Seen', JSON.stringify(r.headers['x-multi']));
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end(`${r.method} ${r.url} ${Buffer.concat(chunks).toString()}`);
    });
  });
  t.after(() => s.close());
  const a = await performExchange(
    req(`${s.url}/p?q=1`, {
      headers: [
        ['X-Multi', 'one'],
        ['x-multi', 'two'],
      ],
      body: new TextEncoder().encode('abc'),
    }),
  );
  assert.ok(a.ok, !a.ok ? a.message : '');
  assert.equal(a.status, 200);
  assert.equal(Buffer.from(a.body).toString(), 'POST /p?q=1 abc');
  assert.deepEqual(
    a.headers.filter(([n]) => n === 'set-cookie'),
    [
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
  );
  assert.equal(a.headers.find(([n]) => n === 'x-seen')?.[1], JSON.stringify('one, two'));
});

test('a body over the limit, a timeout, a refused connection and an abort are one code and one sentence', async (t) => {
  const big = await serve((_r, res) => {
    const chunk = Buffer.alloc(2 ** 20);
    let sent = 0;
    const more = () => {
      while (sent <= MAX_RESPONSE_BYTES && res.write(chunk)) sent += chunk.length;
      if (sent <= MAX_RESPONSE_BYTES) res.once('drain', more);
      else res.end();
    };
    more();
  });
  t.after(() => big.close());
  const tooBig = await performExchange(req(`${big.url}/`, { method: 'GET' }));
  assert.deepEqual(tooBig.ok ? undefined : tooBig.code, 'ERESPONSE_TOO_LARGE');
  assert.match(tooBig.ok ? '' : tooBig.message, /^GET http:\/\/127\.0\.0\.1:\d+\/ failed: the response body is larger than 64 MiB$/);

  const silent = await serve(() => {});
  t.after(() => silent.close());
  const slow = await performExchange(req(`${silent.url}/`, { timeoutMs: 50 }));
  assert.equal(slow.ok ? undefined : slow.code, 'ETIMEDOUT');
  assert.match(slow.ok ? '' : slow.message, /got no answer within 50 ms \(the http-client handler's timeout\)$/);

  const stopping = new AbortController();
  const pending = performExchange(req(`${silent.url}/`), stopping.signal);
  stopping.abort();
  const aborted = await pending;
  assert.match(aborted.ok ? '' : aborted.message, /was abandoned: the actor stopped$/);

  const gone = await serve(() => {});
  await gone.close();
  const refused = await performExchange(req(`${gone.url}/`));
  assert.equal(refused.ok ? undefined : refused.code, 'ECONNREFUSED');
  assert.match(refused.ok ? '' : refused.message, /failed: the connection was refused$/);

  const invalid = await performExchange(req('ftp://x/'));
  assert.equal(invalid.ok ? undefined : invalid.code, 'ERR_INVALID_URL');
});
