// The wasi-http handler with JavaScript actors built by componentize-js with its default features
// (test-actors/build-native.mjs): `fetch` to a loopback server the test starts, allow-lists and the
// denial without a wasi-http table, and an actor serving wasi:http/incoming-handler that a real HTTP
// client calls on loopback. Each runs, its chain verifies, and its replay (no network, no port) has
// the recorded hashes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { verifyChain } from '../../src/runtime/chain/verify';
import { startActor } from '../../src/runtime/host/session';
import { startFork } from '../../src/runtime/host/timeTravel';
import { validateManifestFile } from '../../src/runtime/validation/manifest';
import { actorCopy, buildNativeActors, dataDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const text = (s: Uint8Array | null | undefined) => (s ? Buffer.from(s).toString('utf8') : '');

async function built(t: TestContext, name: string): Promise<boolean> {
  await buildNativeActors();
  if (fs.existsSync(path.join(projectRoot, 'test-actors', name, `${name}.wasm`))) return true;
  t.skip(`${name} was not built`);
  return false;
}

function verified(logPath: string): ChainEvent[] {
  const { events } = loadChainFile(logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `chain ${logPath} must verify: ${v.firstBad?.message}`);
  return events;
}

const payload = (e: ChainEvent): any => JSON.parse(Buffer.from(e.data).toString('utf8'));

/** Replays the chain (nothing listens any more: no network) and checks every hash. */
async function replayIdentical(manifest: string, logPath: string, events: ChainEvent[]): Promise<void> {
  const session = await startActor({ manifestPath: manifest, dataDir, replayChainPath: logPath });
  let listened = false;
  session.on('http-listening', () => (listened = true));
  // Services start right after init-done (in the same turn): by the next turn a server would be starting.
  await new Promise<void>((resolve) => {
    session.once('init-done', () => setImmediate(resolve));
    void session.done().then(() => resolve());
  });
  assert.equal(session.serving, false, 'a replay serves nothing: no port is opened');
  await session.stop('test finished');
  assert.equal(listened, false, 'a replay never listened');
  assert.equal(session.replayReport?.verdict, 'replayed', session.replayReport?.message);
  const replayed = verified(session.logPath).filter((e) => e.eventType !== 'replay-summary');
  assert.deepEqual(
    replayed.map((e) => toHex(e.hash)),
    events.map((e) => toHex(e.hash)),
    'the replay has the recorded hashes',
  );
}

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback server answering `pong: <body>` with an `x-reply` header; `seen` lists every request. */
async function pongServer(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'x-reply': 'yes', 'content-type': 'text/plain' }).end(`pong: ${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo?x=1`;
  return { url, seen, close: () => new Promise((r) => server.close(() => r())) };
}

/** The js-fetch-actor copy fetching `url`, its wasi-http table replaced by `table` ('' for none). */
async function fetchActor(url: string, table: string): Promise<string> {
  const manifest = await actorCopy('js-fetch-actor', (m) => {
    const at = m.indexOf('[[handler]]\ntype = "wasi-http"');
    return `${m.slice(0, at).replace('description', 'init_state = "url.json"\ndescription')}${table}`;
  });
  fs.writeFileSync(path.join(path.dirname(manifest), 'url.json'), JSON.stringify({ url }));
  return manifest;
}

async function runFetch(manifest: string) {
  const session = await startActor({ manifestPath: manifest, dataDir });
  let stdout = '';
  session.on('output', (stream: string, b: Uint8Array) => {
    if (stream === 'stdout') stdout += Buffer.from(b).toString('utf8');
  });
  await Promise.race([new Promise((r) => session.once('init-done', r)), session.done()]);
  const outcome = await session.stop('test finished');
  return { outcome, stdout, logPath: session.logPath, events: verified(session.logPath) };
}

describe('wasi-http outgoing (componentize-js fetch)', () => {
  test('fetch reaches the loopback server; the exchange is recorded whole; replay needs no network', async (t) => {
    if (!(await built(t, 'js-fetch-actor'))) return;
    const server = await pongServer();
    const manifest = await fetchActor(
      server.url,
      '[[handler]]\ntype = "wasi-http"\nallowed_hosts = ["127.0.0.1"]\nallowed_methods = ["POST"]\n',
    );
    const { outcome, stdout, logPath, events } = await runFetch(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(text(outcome.state), 'fetch 200 yes pong: ping from JS');
    assert.equal(stdout, `fetching ${server.url}\nstatus 200: pong: ping from JS\n`);
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0]!.method, 'POST');
    assert.equal(server.seen[0]!.url, '/echo?x=1');
    assert.equal(server.seen[0]!.headers['x-actor'], 'js-fetch');
    assert.equal(server.seen[0]!.body, 'ping from JS');
    const exchanges = events.filter((e) => e.eventType === 'wasi:http/outgoing-handler/http-exchange');
    assert.equal(exchanges.length, 1);
    const ex = payload(exchanges[0]!);
    const fields = ex.input.Record as Array<[string, any]>;
    assert.deepEqual(fields[0], ['method', { String: 'POST' }]);
    assert.deepEqual(fields[1], ['uri', { String: server.url }]);
    assert.equal(Buffer.from(fields[3][1].List.map((v: { U8: number }) => v.U8)).toString(), 'ping from JS');
    assert.match(JSON.stringify(ex.output), /"status"/);
    await server.close();
    await replayIdentical(manifest, logPath, events);
    assert.equal(server.seen.length, 1, 'the replay sent nothing');
  });

  test('no wasi-http table: the actor starts, the request is denied with HTTP-request-denied and recorded', async (t) => {
    if (!(await built(t, 'js-fetch-actor'))) return;
    const server = await pongServer();
    const manifest = await fetchActor(server.url, '');
    const check = validateManifestFile(manifest);
    assert.deepEqual(
      check.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.ok(
      check.diagnostics.some(
        (d) => d.code === 'handler-sandboxed' && /without a wasi-http handler every outgoing request is refused/.test(d.message),
      ),
    );
    const { outcome, logPath, events } = await runFetch(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.match(text(outcome.state), /^fetch failed/);
    assert.equal(server.seen.length, 0, 'nothing left the actor');
    const denial = events.find((e) => e.eventType === 'wasi:http/outgoing-handler/permission-denied');
    assert.ok(denial, 'the denial is in the chain');
    assert.match(JSON.stringify(payload(denial).output), /not in allowed methods: <none configured>/);
    const handle = events.find((e) => e.eventType === 'wasi:http/outgoing-handler@0.2.10/handle')!;
    assert.match(JSON.stringify(payload(handle).output), /HTTP-request-denied/);
    await server.close();
    await replayIdentical(manifest, logPath, events);
  });

  test('allow-lists: a host or a method not listed is denied; nothing is sent', async (t) => {
    if (!(await built(t, 'js-fetch-actor'))) return;
    const server = await pongServer();
    for (const [table, reason] of [
      ['allowed_hosts = ["example.com"]', "Host '127.0.0.1' not in allowed hosts: example.com"],
      ['allowed_hosts = ["127.0.0.1"]\nallowed_methods = ["GET"]', "Method 'POST' not in allowed methods: GET"],
    ] as const) {
      const manifest = await fetchActor(server.url, `[[handler]]\ntype = "wasi-http"\n${table}\n`);
      const { outcome, events, logPath } = await runFetch(manifest);
      assert.match(text(outcome.state), /^fetch failed/);
      const denial = events.find((e) => e.eventType === 'wasi:http/outgoing-handler/permission-denied')!;
      assert.equal(payload(denial).output.String, reason);
      await replayIdentical(manifest, logPath, events);
    }
    assert.equal(server.seen.length, 0);
    await server.close();
  });
});

describe('wasi-http incoming (wasi:http/incoming-handler export)', () => {
  test('a real HTTP client on loopback; each request a recorded call; stop closes the port; replay opens none', async (t) => {
    if (!(await built(t, 'js-http-server-actor'))) return;
    const manifest = await actorCopy('js-http-server-actor');
    const session = await startActor({ manifestPath: manifest, dataDir });
    const listening = await Promise.race([
      new Promise<{ host: string; port: number }>((r) => session.once('http-listening', r)),
      session.done().then(() => undefined),
    ]);
    assert.ok(listening, `the actor ended before it listened: ${session.lastError}`);
    assert.equal(listening.host, '127.0.0.1');
    const base = `http://127.0.0.1:${listening.port}`;
    const r1 = await fetch(`${base}/hello?q=1`, { method: 'POST', body: 'abc', headers: { 'x-test': '1' } });
    assert.equal(r1.status, 200);
    assert.equal(r1.headers.get('x-served-by'), 'js-http-server-actor');
    assert.equal(await r1.text(), 'you sent POST /hello?q=1 with 3 bytes: abc');
    // Nothing reaches the client before it is in the chain: the response is already on disk.
    const onDisk = loadChainFile(session.logPath)
      .events.filter((e) => e.eventType === 'wasm')
      .map(payload);
    const result = onDisk.find((p) => p.WasmResult?.function_name === 'wasi:http/incoming-handler@0.2.10/handle');
    assert.ok(result, 'the WasmResult of handle is on disk when the client has the response');
    const call = onDisk.find((p) => p.WasmCall?.function_name === 'wasi:http/incoming-handler@0.2.10/handle');
    const req = JSON.parse(Buffer.from(call.WasmCall.params).toString('utf8'));
    assert.equal(req.method, 'POST');
    assert.equal(req.path_with_query, '/hello?q=1');
    assert.equal(Buffer.from(req.body, 'base64').toString(), 'abc');
    assert.ok(req.headers.some(([n, v]: [string, string]) => n === 'x-test' && Buffer.from(v, 'base64').toString() === '1'));
    const r2 = await fetch(`${base}/missing`);
    assert.equal(r2.status, 404);
    assert.equal(await r2.text(), 'you sent GET /missing with 0 bytes: ');
    const outcome = await session.stop('test finished');
    assert.equal(outcome.status, 'stopped', outcome.error);
    await assert.rejects(fetch(`${base}/after-stop`), 'stopping the actor closes its port');
    const events = verified(session.logPath);
    assert.equal(events.filter((e) => e.eventType === 'wasm').length, 6, 'init, two handle calls, each with its result');
    await replayIdentical(manifest, session.logPath, events);
  });
});

describe('wasi-http incoming in a fork', () => {
  test('a fork serves the incoming-handler export again after its replayed prefix', async (t) => {
    if (!(await built(t, 'js-http-server-actor'))) return;
    const manifest = await actorCopy('js-http-server-actor');
    const live = await startActor({ manifestPath: manifest, dataDir });
    t.after(() => live.stop('test finished'));
    const first = await new Promise<{ port: number }>((r) => live.once('http-listening', r));
    assert.equal((await fetch(`http://127.0.0.1:${first.port}/a`)).status, 200);
    assert.equal((await live.stop('recorded')).status, 'stopped');
    const events = verified(live.logPath);
    // Fork before the guest first takes its stdout: a stream obtained in the replayed prefix is the
    // chain's stand-in, not a live one (docs/handlers.md), and the guest logs each request.
    const at = events.findIndex((e) => /^wasi:cli\/stdout@[^/]+\/get-stdout$/.test(e.eventType)) - 1;
    assert.ok(at > 0 && events.slice(0, at).some((e) => e.eventType === 'wasm'), 'the fork point is inside init');
    const fork = await startFork({ manifestPath: manifest, dataDir, chainPath: live.logPath, at });
    t.after(() => fork.stop('test finished'));
    const listening = await Promise.race([
      new Promise<{ port: number }>((r) => fork.once('http-listening', r)),
      fork.done().then((o) => assert.fail(`the fork ended before it listened: ${o.error}`)),
      new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error('the fork did not listen within 20 s')), 20_000);
        t.after(() => clearTimeout(timer));
      }),
    ]);
    const r = await fetch(`http://127.0.0.1:${listening.port}/b`, { method: 'POST', body: 'xy' });
    assert.equal(await r.text(), 'you sent POST /b with 2 bytes: xy');
    assert.equal((await fork.stop('test finished')).status, 'stopped');
    const forked = verified(fork.logPath);
    assert.deepEqual(
      forked.slice(0, at + 1).map((e) => toHex(e.hash)),
      events.slice(0, at + 1).map((e) => toHex(e.hash)),
    );
    assert.equal(forked.filter((e) => e.eventType === 'wasm').length, 6, 'the recorded call and the live one, each with its result');
  });
});

describe('wasi-http incoming with the fetch event (instance_per_request)', () => {
  test("StarlingMonkey's fetch event answers every request, each on a fresh instance; replay identical", async (t) => {
    if (!(await built(t, 'js-fetch-event-actor'))) return;
    const manifest = await actorCopy('js-fetch-event-actor');
    const session = await startActor({ manifestPath: manifest, dataDir });
    const listening = await Promise.race([
      new Promise<{ host: string; port: number }>((r) => session.once('http-listening', r)),
      session.done().then(() => undefined),
    ]);
    assert.ok(listening, `the actor ended before it listened: ${session.lastError}`);
    for (const [i, p] of ['/one', '/two', '/three'].entries()) {
      const r = await fetch(`http://127.0.0.1:${listening.port}${p}`, { method: 'POST', body: `#${i}` });
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('x-served-by'), 'js-fetch-event-actor');
      assert.equal(await r.text(), `fetch event: POST ${p} with 2 bytes: #${i}`);
    }
    const outcome = await session.stop('test finished');
    assert.equal(outcome.status, 'stopped', outcome.error);
    const events = verified(session.logPath);
    await replayIdentical(manifest, session.logPath, events);
  });
});

describe('theater check and the language server on a wasi-http table (the validation core)', () => {
  const codes = (manifest: string) => validateManifestFile(manifest).diagnostics.map((d) => d.code);
  const portLine = (manifest: string) =>
    fs
      .readFileSync(manifest, 'utf8')
      .split('\n')
      .findIndex((l) => /^port\s*=/.test(l));

  test('a port without the incoming-handler export is flagged on the port', async (t) => {
    if (!(await built(t, 'js-fetch-actor'))) return;
    const manifest = await actorCopy('js-fetch-actor', (m) => m.replace(/type = "wasi-http"\n/, 'type = "wasi-http"\nport = 0\n'));
    const d = validateManifestFile(manifest).diagnostics.find((x) => x.code === 'wasi-http-port-without-export');
    assert.ok(d, 'flagged');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /does not export wasi:http\/incoming-handler/);
    assert.equal(d.range.start.line, portLine(manifest));
    // Without the port, nothing to say.
    assert.ok(!codes(await actorCopy('js-fetch-actor')).includes('wasi-http-port-without-export'));
  });

  test('a fetch-event component without instance_per_request is flagged; with it, or with an exported handler, not', async (t) => {
    if (!(await built(t, 'js-fetch-event-actor')) || !(await built(t, 'js-http-server-actor'))) return;
    const without = await actorCopy('js-fetch-event-actor', (m) => m.replace(/instance_per_request = true\n/, ''));
    const d = validateManifestFile(without).diagnostics.find((x) => x.code === 'wasi-http-needs-instance-per-request');
    assert.ok(d, 'flagged');
    assert.match(d.message, /instance_per_request = true/);
    assert.equal(d.range.start.line, portLine(without));
    assert.ok(!codes(await actorCopy('js-fetch-event-actor')).includes('wasi-http-needs-instance-per-request'));
    const exported = codes(await actorCopy('js-http-server-actor'));
    assert.ok(!exported.includes('wasi-http-needs-instance-per-request'), 'an exported incomingHandler serves many requests');
    assert.ok(!exported.includes('wasi-http-port-without-export'));
  });
});

describe('theater run with an actor serving HTTP', () => {
  test('serves until Ctrl-C, then stops with its chain written', async (t) => {
    if (!(await built(t, 'js-http-server-actor'))) return;
    if (!fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'))) return t.skip('dist/cli.js is missing; run `npm run build` first');
    const manifest = await actorCopy('js-http-server-actor');
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'run', manifest, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /serving wasi:http\/incoming-handler@[0-9.]+ on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`theater run ended (${code}) before it served: ${stderr}`)));
    });
    const r = await fetch(`${url}cli`, { method: 'PUT', body: 'from the CLI test' });
    assert.equal(await r.text(), 'you sent PUT /cli with 17 bytes: from the CLI test');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /wasm +wasi:http\/incoming-handler@0\.2\.10\/handle → \{status: 200/);
    assert.match(stdout, /shutdown/);
    assert.match(stderr, /\[js-http-server-actor\] PUT \/cli/);
  });
});
