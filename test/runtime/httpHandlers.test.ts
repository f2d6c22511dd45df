// http-client and http-framework with a real actor (test-actors/http-actor, Rust for
// wasm32-unknown-unknown, hand-written canonical ABI) and real HTTP clients and servers on loopback:
// requests through middleware and routes, send-http to a server the test runs, allow-list denials,
// the response only after its call is in the chain, servers closed on stop, and a replay that opens
// no port and sends nothing, with identical hashes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { checkHttpRequest } from '../../src/runtime/handlers/http/permissions';
import { startActor } from '../../src/runtime/host/session';
import { startFork } from '../../src/runtime/host/timeTravel';
import { actorCopy, buildNativeActors, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

async function native(t: TestContext): Promise<boolean> {
  const s = await buildNativeActors();
  if (!s.available) t.skip(s.reason);
  return s.available;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with node's http client; `onResponse` runs when the status line arrives. */
function request(
  port: number,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; onResponse?: () => void } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: opts.headers ?? {}, agent: false }, (res) => {
      opts.onResponse?.();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A loopback server that answers "pong <method> <url> from=<x-from>"; counts what it got. */
async function upstream(): Promise<{ port: number; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'x-upstream': 'yes' });
    res.end(`pong ${req.method} ${req.url} from=${String(req.headers['x-from'])}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    hits,
    close: () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r())),
  };
}

/** Resolves true once nothing listens on the port any more (a deadline, no fixed sleep). */
async function closedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

const text = (s: Uint8Array | null | undefined) => (s ? Buffer.from(s).toString('utf8') : '');

function verified(logPath: string) {
  const { events } = loadChainFile(logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `chain ${logPath} must verify: ${v.firstBad?.message}`);
  return events;
}

describe('http-client allow-lists', () => {
  test("upstream's sentences for a host or method not allowed; absent lists allow any", () => {
    const cfg = { allowed_hosts: ['127.0.0.1', 'api.example.com:8443', '*.example.org'], allowed_methods: ['GET', 'post'] };
    assert.equal(checkHttpRequest(cfg, 'GET', 'http://127.0.0.1:9/x').kind, 'allowed');
    assert.equal(checkHttpRequest(cfg, 'POST', 'https://api.example.com:8443/').kind, 'allowed');
    assert.equal(checkHttpRequest(cfg, 'GET', 'https://a.b.example.org/').kind, 'allowed');
    assert.deepEqual(checkHttpRequest(cfg, 'GET', 'https://api.example.com/'), {
      kind: 'denied',
      message: "Host 'api.example.com' not in allowed hosts: 127.0.0.1, api.example.com:8443, *.example.org",
    });
    assert.deepEqual(checkHttpRequest(cfg, 'DELETE', 'http://127.0.0.1/'), {
      kind: 'denied',
      message: "Method 'DELETE' not in allowed methods: GET, POST",
    });
    assert.equal(checkHttpRequest({ allowed_hosts: [] }, 'GET', 'http://127.0.0.1/').kind, 'denied');
    assert.equal(checkHttpRequest({}, 'PATCH', 'https://anywhere.invalid/').kind, 'allowed');
    assert.equal(checkHttpRequest({}, 'GET', 'ftp://x/').kind, 'invalid');
    assert.equal(checkHttpRequest({}, 'GET', '/relative').kind, 'invalid');
  });
});

describe('http-framework and http-client with a real actor', () => {
  test('routes, middleware, send-http, denials; response after its call is in the chain; stop closes; replay identical without network', async (t) => {
    if (!(await native(t))) return;
    const up = await upstream();
    const manifest = await actorCopy('http-actor');
    const session = await startActor({ manifestPath: manifest, dataDir });
    t.after(async () => {
      await session.stop('test finished');
      await up.close();
    });
    const state = await Promise.race([
      new Promise<Uint8Array | null>((r) => session.once('init-done', r)),
      session.done().then((o) => assert.fail(`init failed: ${o.error}`)),
    ]);
    const port = Number(text(state));
    assert.ok(port > 0 && port < 65536, `init's state is the port (${text(state)})`);

    // The response arrives only after handle-request's WasmResult is in the log on disk.
    let lastWasmAtResponse = '';
    const hello = await request(port, 'GET', '/hello', {
      onResponse: () => {
        const wasm = loadChainFile(session.logPath).events.filter((e) => e.eventType === 'wasm');
        lastWasmAtResponse = decodeEvent(wasm.at(-1)!).summary;
      },
    });
    assert.equal(hello.status, 200);
    assert.equal(hello.body, 'hello from theater (middleware ran)');
    assert.equal(hello.headers['content-type'], 'text/plain');
    assert.match(lastWasmAtResponse, /handle-request/);

    assert.deepEqual(await request(port, 'GET', '/items/42').then((r) => [r.status, r.body]), [200, 'item 42']);
    assert.equal((await request(port, 'GET', '/hello', { headers: { 'x-block': '1' } })).status, 403, 'middleware refused it');
    const fetched = await request(port, 'POST', '/fetch', { body: `GET http://127.0.0.1:${up.port}/ping?q=1` });
    assert.deepEqual([fetched.status, fetched.body], [200, 'upstream 200: pong GET /ping?q=1 from=http-actor']);
    const badHost = await request(port, 'POST', '/fetch', { body: `GET http://localhost:${up.port}/ping` });
    assert.deepEqual([badHost.status, badHost.body], [502, "Host 'localhost' not in allowed hosts: 127.0.0.1"]);
    const badMethod = await request(port, 'POST', '/fetch', { body: `POST http://127.0.0.1:${up.port}/ping` });
    assert.deepEqual([badMethod.status, badMethod.body], [502, "Method 'POST' not in allowed methods: GET"]);
    const refused = await request(port, 'POST', '/fetch', { body: `GET http://127.0.0.1:${await freePort()}/` });
    assert.equal(refused.status, 502);
    assert.match(refused.body, /failed: the connection was refused$/);
    assert.equal((await request(port, 'GET', '/nope')).status, 404);
    assert.equal((await request(port, 'DELETE', '/hello')).status, 405);
    assert.deepEqual(up.hits, ['GET /ping?q=1'], 'only the allowed request went out');

    const outcome = await session.stop('test finished');
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.ok(await closedWithin(port, 5000), 'stopping the actor closed its server');
    const events = verified(session.logPath);
    const types = events.map((e) => e.eventType);
    assert.equal(types.filter((x) => x === 'theater:simple/http-client/permission-denied').length, 2);
    assert.equal(types.filter((x) => x === 'theater:simple/http-client/send-http').length, 4);
    for (const fn of ['create-server', 'register-handler', 'add-route', 'add-middleware', 'start-server'])
      assert.ok(types.includes(`theater:simple/http-framework/${fn}`), fn);
    const calls = events.map((e) => decodeEvent(e).summary).filter((s) => /handle-(request|middleware)/.test(s));
    assert.ok(calls.length >= 2 * 7, 'every routed request is a recorded middleware call and (unless refused) a handle-request call');
    // The send-http event holds the whole exchange: the request's header and the upstream's answer.
    const sent = Buffer.from(events.find((e) => e.eventType === 'theater:simple/http-client/send-http')!.data).toString('utf8');
    assert.match(sent, /x-from/);
    assert.match(sent, /x-upstream/);

    // Replay: no upstream, no port; every host call answered from the chain, every request re-driven.
    await up.close();
    const replay = await runToEnd(manifest, { replayChainPath: session.logPath });
    assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
    assert.equal(text(replay.outcome.state), text(state));
    assert.ok(await closedWithin(port, 1000), 'the replay opened no server on the recorded port');
    const replayed = verified(replay.session.logPath).filter((e) => e.eventType !== 'replay-summary');
    assert.deepEqual(
      replayed.map((e) => toHex(e.hash)),
      events.map((e) => toHex(e.hash)),
    );
  });

  test('a restart closes the old servers and init serves again', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('http-actor');
    const session = await startActor({ manifestPath: manifest, dataDir });
    t.after(() => session.stop('test finished'));
    const first = Number(text(await new Promise<Uint8Array | null>((r) => session.once('init-done', r))));
    assert.equal((await request(first, 'GET', '/hello')).status, 200);
    const o = await session.restart(null);
    assert.ok(o.ok, o.ok ? '' : o.error);
    const second = Number(text(o.state));
    assert.ok(await closedWithin(first, 5000), 'the first server is closed');
    assert.equal((await request(second, 'GET', '/items/9')).body, 'item 9');
  });

  test('a manifest port is used; a non-loopback host is refused, recorded, and init fails with the sentence', async (t) => {
    if (!(await native(t))) return;
    const wanted = await freePort();
    const withPort = await actorCopy('http-actor', (m) =>
      m.replace('type = "http-framework"', `type = "http-framework"\nport = ${wanted}`),
    );
    const s = await startActor({ manifestPath: withPort, dataDir });
    t.after(() => s.stop('test finished'));
    const state = await new Promise<Uint8Array | null>((r) => s.once('init-done', r));
    assert.equal(Number(text(state)), wanted);
    assert.equal((await request(wanted, 'GET', '/items/7')).body, 'item 7');
    await s.stop('test finished');

    const remote = await actorCopy('http-actor', (m) => m.replace('type = "http-framework"', 'type = "http-framework"\nhost = "0.0.0.0"'));
    const r = await runToEnd(remote);
    assert.equal(r.initOk, false);
    assert.match(r.outcome.error ?? '', /Host '0\.0\.0\.0' is not a loopback address; set host = "127\.0\.0\.1"/);
    const types = verified(r.session.logPath).map((e) => e.eventType);
    assert.ok(types.includes('theater:simple/http-framework/permission-denied'));
    assert.ok(fs.existsSync(r.session.logPath));
  });
});

/** A minimal WebSocket client on a raw socket (masked frames out, text frames in). */
async function wsConnect(port: number, path: string) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  const key = Buffer.from('0123456789abcdef').toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const texts: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = Buffer.alloc(0);
  let head = '';
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    if (!head) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      head = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 4);
    }
    while (buf.length >= 2) {
      const op = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        len = buf.readUInt16BE(2);
        at = 4;
      }
      if (buf.length < at + len) break;
      if (op === 1) texts.push(buf.subarray(at, at + len).toString('utf8'));
      buf = buf.subarray(at + len);
      for (const w of waiters.splice(0)) w();
    }
  });
  const frame = (op: number, payload: Buffer) => {
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    socket.write(Buffer.concat([Buffer.from([0x80 | op, 0x80 | payload.length]), mask, masked]));
  };
  return {
    head: () => head,
    /** The n-th text message (0-based), waiting for it with a deadline. */
    text: (n: number, ms = 10_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no WebSocket message #${n} within ${ms} ms (got ${JSON.stringify(texts)})`)), ms);
        const check = () => {
          if (texts.length > n) {
            clearTimeout(timer);
            resolve(texts[n]!);
          } else waiters.push(check);
        };
        check();
      }),
    send: (text: string) => frame(1, Buffer.from(text, 'utf8')),
    close: () => frame(8, Buffer.alloc(0)),
    closed,
  };
}

describe('http-framework WebSocket', () => {
  test('connect greets through send-websocket-message, messages are echoed, disconnect is a call; replay identical', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('http-actor');
    const session = await startActor({ manifestPath: manifest, dataDir });
    t.after(() => session.stop('test finished'));
    const port = Number(text(await new Promise<Uint8Array | null>((r) => session.once('init-done', r))));
    const ws = await wsConnect(port, '/ws');
    assert.equal(await ws.text(0), 'welcome /ws');
    assert.match(ws.head(), /^HTTP\/1\.1 101 /);
    ws.send('hi');
    assert.equal(await ws.text(1), 'echo: hi');
    ws.send('again');
    assert.equal(await ws.text(2), 'echo: again');
    ws.close();
    await ws.closed;
    // handle-websocket-disconnect follows the close: wait for its result in the log (deadline, no sleep).
    const deadline = Date.now() + 10_000;
    // (The call's own log line names the function too: wait for its WasmResult, not a summary.)
    const disconnected = () =>
      loadChainFile(session.logPath)
        .events.map((e) => decodeEvent(e))
        .some((d) => d.category === 'wasm-result' && /handle-websocket-disconnect$/.test(d.functionName ?? ''));
    while (!disconnected() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const outcome = await session.stop('test finished');
    assert.equal(outcome.status, 'stopped', outcome.error);
    const events = verified(session.logPath);
    const types = events.map((e) => e.eventType);
    assert.ok(types.includes('theater:simple/http-framework/enable-websocket'));
    assert.ok(types.includes('theater:simple/http-framework/send-websocket-message'));
    const calls = events.map((e) => decodeEvent(e).summary).join('\n');
    for (const fn of ['handle-websocket-connect', 'handle-websocket-message', 'handle-websocket-disconnect'])
      assert.match(calls, new RegExp(fn), fn);
    assert.ok(types.includes('theater:simple/runtime/log'), 'disconnect logged');
    const replay = await runToEnd(manifest, { replayChainPath: session.logPath });
    assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
    assert.deepEqual(
      verified(replay.session.logPath)
        .filter((e) => e.eventType !== 'replay-summary')
        .map((e) => toHex(e.hash)),
      events.map((e) => toHex(e.hash)),
    );
  });
});

describe('a fork after start-server', () => {
  test('the live continuation re-establishes the recorded servers and serves a real client', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('http-actor');
    const live = await startActor({ manifestPath: manifest, dataDir });
    t.after(() => live.stop('test finished'));
    const port = Number(text(await new Promise<Uint8Array | null>((r) => live.once('init-done', r))));
    assert.equal((await request(port, 'GET', '/hello')).body, 'hello from theater (middleware ran)');
    assert.equal((await live.stop('recorded')).status, 'stopped');
    const events = verified(live.logPath);
    // The fork point: init's result, after create-server, the routes and start-server.
    const at = events.findIndex((e) => {
      const d = decodeEvent(e);
      return d.category === 'wasm-result' && /init$/.test(d.functionName ?? '');
    });
    assert.ok(at > 0 && events.slice(0, at).some((e) => e.eventType === 'theater:simple/http-framework/start-server'));
    const logs: string[] = [];
    const fork = await startFork({ manifestPath: manifest, dataDir, chainPath: live.logPath, at });
    t.after(() => fork.stop('test finished'));
    const served = await Promise.race([
      new Promise<string>((resolve) =>
        fork.on('log', (m: string) => {
          logs.push(m);
          if (/re-established server/.test(m)) resolve(m);
        }),
      ),
      fork.done().then((o) => assert.fail(`the fork ended: ${o.error} (${logs.join('; ')})`)),
      new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error(`the fork re-established no server within 20 s (${logs.join('; ')})`)), 20_000);
        void fork.done().finally(() => clearTimeout(timer));
        t.after(() => clearTimeout(timer));
      }),
    ]);
    // The recorded port again (the recording's server is closed), so the guest's view is true.
    assert.match(served, new RegExp(`http://127\\.0\\.0\\.1:${port}/`));
    const hello = await request(port, 'GET', '/hello');
    assert.deepEqual([hello.status, hello.body], [200, 'hello from theater (middleware ran)']);
    assert.deepEqual(await request(port, 'GET', '/items/7').then((r) => [r.status, r.body]), [200, 'item 7']);
    assert.equal((await fork.stop('test finished')).status, 'stopped');
    const forked = verified(fork.logPath);
    assert.deepEqual(
      forked.slice(0, at + 1).map((e) => toHex(e.hash)),
      events.slice(0, at + 1).map((e) => toHex(e.hash)),
      "the fork's prefix is the recording's",
    );
    // The live requests are calls in the fork's chain after its fork point.
    const after = forked
      .slice(at + 1)
      .map((e) => decodeEvent(e).summary)
      .join('\n');
    assert.match(after, /handle-request/);
    assert.ok(await closedWithin(port, 5000), "the fork's server closes when it stops");
  });
});

describe('theater run with an http-framework actor', () => {
  const cli = path.join(projectRoot, 'dist', 'cli.js');
  test(
    'serves until Ctrl-C, answers a real client, then exits 0 with a chain that verifies',
    { skip: !fs.existsSync(cli) && 'run `npm run build` first' },
    async (t) => {
      if (!(await native(t))) return;
      const manifest = await actorCopy('http-actor');
      const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'run', manifest, '--data-dir', dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      t.after(() => child.kill('SIGKILL'));
      let stderr = '';
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "serves" line within 60 s; stderr: ${stderr}`)), 60_000);
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString('utf8');
          const m = /http-actor serves (http:\/\/127\.0\.0\.1:\d+\/); stop it with Ctrl-C/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`theater run exited (${code}) before serving: ${stderr}`));
        });
      });
      const port = Number(new URL(url).port);
      assert.equal((await request(port, 'GET', '/hello')).body, 'hello from theater (middleware ran)');
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
      const log = /events in (\S+\.chain\.jsonl)/.exec(stderr)?.[1];
      assert.ok(log, stderr);
      const types = verified(log).map((e) => e.eventType);
      assert.equal(types.at(-1), 'shutdown');
      assert.ok(await closedWithin(port, 5000));
    },
  );
});

/** A port nothing listens on right now (bound to 0, then closed). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
