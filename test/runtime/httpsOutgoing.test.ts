// HTTPS for real on loopback: an https server presenting a self-signed certificate made at test run
// time (test/helpers/selfSignedCert.ts, node:crypto only), and the runtime's outgoing path
// (performExchange through wasi-http's outgoing-handler, a componentize-js actor's `fetch`) verifying
// it with real TLS. The `theater` CLI runs as a child process so NODE_EXTRA_CA_CERTS (read at process
// start) can make the certificate a trust anchor: with it the body arrives, the chain verifies and
// `theater replay` reproduces it; without it the same request fails with TLS-certificate-error that the
// guest gets as an error, and the chain records the sentence that says how to fix it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { describe, test, type TestContext } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import type { ChainEvent } from '../../src/runtime/chain/event';
import { toHex } from '../../src/runtime/chain/hash';
import { verifyChain } from '../../src/runtime/chain/verify';
import { errorCodeFor } from '../../src/runtime/handlers/http/wasiHttp';
import { tlsFailureOf } from '../../src/runtime/handlers/http/tls';
import { actorCopy, buildNativeActors, dataDir, tempDir } from '../helpers/actors';
import { selfSignedCert, type SelfSignedOptions } from '../helpers/selfSignedCert';
import { projectRoot } from '../helpers/shared';

describe('selfSignedCert (test helper)', () => {
  test('a valid X.509 v3 certificate for 127.0.0.1 and localhost, self-signed, a CA', () => {
    const { cert, key, publicKey } = selfSignedCert();
    const x = new crypto.X509Certificate(cert);
    assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x.checkIP('127.0.0.2'), undefined);
    assert.equal(x.checkHost('localhost'), 'localhost');
    assert.equal(x.checkHost('example.com'), undefined);
    assert.equal(x.subject, 'CN=localhost');
    assert.equal(x.issuer, 'CN=localhost');
    assert.equal(x.ca, true);
    assert.equal(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.ok(x.verify(publicKey), 'signed by its own key');
    assert.ok(x.checkIssued(x), 'its own issuer');
    assert.ok(x.checkPrivateKey(crypto.createPrivateKey(key)));
    assert.ok(!x.verify(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey), 'another key does not verify it');
    const from = Date.parse(x.validFrom);
    const to = Date.parse(x.validTo);
    assert.ok(from < Date.now() && Date.now() < to, `valid now (${x.validFrom} … ${x.validTo})`);
    assert.notEqual(new crypto.X509Certificate(selfSignedCert().cert).serialNumber, x.serialNumber, 'a fresh serial each time');
  });

  test('a TLS client that trusts it connects to 127.0.0.1; one that does not is refused as self-signed', async () => {
    const { cert, key } = selfSignedCert();
    const server = https.createServer({ cert, key }, (_req, res) => res.end('hello over tls'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const connect = (ca?: string) =>
        new Promise<string>((resolve, reject) => {
          const s = tls.connect({ host: '127.0.0.1', port, ...(ca ? { ca } : {}) }, () => {
            resolve(s.authorized ? 'authorized' : String(s.authorizationError));
            s.end();
          });
          s.on('error', (e: NodeJS.ErrnoException) => reject(e));
        });
      assert.equal(await connect(cert), 'authorized');
      await assert.rejects(connect(), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('TLS failures as wasi:http error-codes', () => {
  test("node's TLS error codes map to TLS-certificate-error, TLS-alert-received (with the alert), TLS-protocol-error", () => {
    const code = (c: string) => errorCodeFor({ ok: false, code: c, message: 'the sentence' });
    for (const c of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ])
      assert.deepEqual(code(c), { tag: 'TLS-certificate-error' }, c);
    assert.deepEqual(code('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), {
      tag: 'TLS-alert-received',
      val: { alertId: 116, alertMessage: 'certificate required' },
    });
    assert.deepEqual(code('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), {
      tag: 'TLS-alert-received',
      val: { alertId: 40, alertMessage: 'handshake failure' },
    });
    assert.deepEqual(code('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), {
      tag: 'TLS-alert-received',
      val: { alertId: 48, alertMessage: 'unknown ca' },
    });
    assert.deepEqual(code('ERR_SSL_TLSV1_UNRECOGNIZED_NAME'), {
      tag: 'TLS-alert-received',
      val: { alertId: 112, alertMessage: 'unrecognized name' },
    });
    assert.deepEqual(code('EPROTO'), { tag: 'TLS-protocol-error' });
    assert.deepEqual(code('ERR_SSL_WRONG_VERSION_NUMBER'), { tag: 'TLS-protocol-error' });
    // Not TLS: as before.
    assert.deepEqual(code('ECONNREFUSED'), { tag: 'connection-refused' });
    assert.deepEqual(code('EWHATEVER'), { tag: 'internal-error', val: 'the sentence' });
    assert.equal(tlsFailureOf('ECONNRESET'), undefined);
  });
});

const cli = path.join(projectRoot, 'dist', 'cli.js');

async function built(t: TestContext): Promise<boolean> {
  await buildNativeActors();
  if (fs.existsSync(path.join(projectRoot, 'test-actors', 'js-fetch-actor', 'js-fetch-actor.wasm'))) return true;
  t.skip('js-fetch-actor was not built');
  return false;
}

/** A TLS server on loopback and a js-fetch-actor manifest that fetches from it (undefined: skipped). */
async function fetchOverTls(t: TestContext) {
  if (!(await built(t))) return undefined;
  const server = await tlsServer();
  t.after(() => server.close());
  return { server, manifest: await fetchActor(server.url) };
}

async function native(t: TestContext): Promise<boolean> {
  const s = await buildNativeActors();
  if (!s.available) t.skip(s.reason);
  return s.available;
}

function verified(logPath: string): ChainEvent[] {
  const { events } = loadChainFile(logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `chain ${logPath} must verify: ${v.firstBad?.message}`);
  return events;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The --json lines of stdout, parsed. */
  lines: any[];
}

/** `theater <args>` as a child process with `env` (NODE_EXTRA_CA_CERTS is read at its start); ends within 120 s. */
function theater(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), ...args, '--data-dir', dataDir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`theater ${args[0]} did not end within 120 s; stderr: ${stderr}`));
    }, 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      resolve({ code, stdout, stderr, lines });
    });
  });
}

/** This process's environment without NODE_EXTRA_CA_CERTS, plus `extra`. */
function envWith(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return { ...env, ...extra };
}

interface Seen {
  method: string;
  url: string;
  body: string;
  encrypted: boolean;
}

/** A PEM file holding `certs` (NODE_EXTRA_CA_CERTS takes several). */
function caFileOf(...certs: string[]): string {
  const file = path.join(tempDir('https-ca'), 'ca.pem');
  fs.writeFileSync(file, certs.join(''));
  return file;
}

/**
 * An https server on 127.0.0.1 (port 0) with a fresh self-signed certificate (`certFor` its
 * options), answering `pong over tls: <body>`; `requestCert` makes it demand a client certificate.
 */
let servers = 0;
async function tlsServer(opts: { certFor?: SelfSignedOptions; requestCert?: boolean } = {}) {
  // A distinct subject each: OpenSSL finds a trust anchor by its subject name, so two trusted
  // certificates both named CN=localhost would hide one another.
  const { cert, key } = selfSignedCert({ commonName: `theater test server ${++servers}`, ...opts.certFor });
  const seen: Seen[] = [];
  const server = https.createServer(
    { cert, key, ...(opts.requestCert ? { requestCert: true, rejectUnauthorized: true } : {}) },
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body, encrypted: (req.socket as tls.TLSSocket).encrypted === true });
        res.writeHead(200, { 'x-reply': 'tls', 'content-type': 'text/plain' }).end(`pong over tls: ${body}`);
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/secure?x=1`,
    cert,
    caFile: caFileOf(cert),
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A js-fetch-actor copy that POSTs to `url` (its init state), allowed 127.0.0.1 and POST. */
async function fetchActor(url: string): Promise<string> {
  const manifest = await actorCopy('js-fetch-actor', (m) => m.replace('description', 'init_state = "url.json"\ndescription'));
  fs.writeFileSync(path.join(path.dirname(manifest), 'url.json'), JSON.stringify({ url }));
  return manifest;
}

/** `theater run --json`: the outcome line's log, its chain (verified), and the init's final state. */
async function run(manifest: string, env: NodeJS.ProcessEnv) {
  const r = await theater(['run', manifest, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const done = r.lines.at(-1);
  assert.equal(done.done, true, r.stdout);
  assert.equal(done.ok, true, done.error);
  const events = verified(done.log as string);
  const state = r.lines.filter((l) => l.category === 'wasm-result').at(-1)?.state as string | undefined;
  const line = (type: string) => r.lines.find((l) => l.event_type === type);
  return { log: done.log as string, events, state, line, stderr: r.stderr };
}

/** `theater replay --json` (no network): verdict replayed, and the replay's events have the recorded hashes. */
async function replayIdentical(manifest: string, log: string, events: ChainEvent[], env: NodeJS.ProcessEnv): Promise<void> {
  const r = await theater(['replay', manifest, '--chain', log, '--json'], env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = r.lines.at(-1);
  assert.equal(out.replay.verdict, 'replayed', out.replay.message);
  const replayed = verified(out.log as string).filter((e) => e.eventType !== 'replay-summary');
  assert.deepEqual(
    replayed.map((e) => toHex(e.hash)),
    events.map((e) => toHex(e.hash)),
    'the replay has the recorded hashes',
  );
}

describe('https through the runtime (theater CLI, wasi-http fetch, real TLS on loopback)', () => {
  test(
    'trusted with NODE_EXTRA_CA_CERTS: the body arrives over TLS, the chain verifies, replay is identical',
    { skip: !fs.existsSync(cli) && 'run `npm run build` first' },
    async (t) => {
      const setUp = await fetchOverTls(t);
      if (!setUp) return;
      const { server, manifest } = setUp;
      const env = envWith({ NODE_EXTRA_CA_CERTS: server.caFile });
      const { log, events, state, line, stderr } = await run(manifest, env);
      assert.equal(state, 'fetch 200 tls pong over tls: ping from JS', stderr);
      assert.deepEqual(server.seen, [{ method: 'POST', url: '/secure?x=1', body: 'ping from JS', encrypted: true }]);
      const exchange = line('wasi:http/outgoing-handler/http-exchange');
      assert.equal(exchange.input.uri, server.url);
      assert.equal(exchange.output.ok.status, 200);
      assert.equal(Buffer.from(exchange.output.ok.body as number[]).toString('utf8'), 'pong over tls: ping from JS');
      await server.close();
      await replayIdentical(manifest, log, events, envWith());
      assert.equal(server.seen.length, 1, 'the replay sent nothing');
    },
  );

  test(
    'not trusted: the guest gets TLS-certificate-error, the chain records the sentence (self-signed, NODE_EXTRA_CA_CERTS), replay is identical',
    { skip: !fs.existsSync(cli) && 'run `npm run build` first' },
    async (t) => {
      const setUp = await fetchOverTls(t);
      if (!setUp) return;
      const { server, manifest } = setUp;
      const { log, events, state, line, stderr } = await run(manifest, envWith());
      assert.equal(state, 'fetch failed: NetworkError when attempting to fetch resource', stderr);
      assert.deepEqual(server.seen, [], 'no request was sent: the handshake failed first');
      const exchange = line('wasi:http/outgoing-handler/http-exchange');
      const host = new URL(server.url).host;
      assert.equal(
        exchange.output.err,
        `DEPTH_ZERO_SELF_SIGNED_CERT: POST ${server.url} failed: the TLS certificate of ${host} is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); ` +
          'if you trust it, start the runtime (theater, or VS Code for the extension) with NODE_EXTRA_CA_CERTS set to a PEM file holding its CA certificate',
      );
      const got = line('wasi:http/types@0.2.10/[method]future-incoming-response.get');
      assert.deepEqual(got.output, { ok: { err: { 'TLS-certificate-error': null } } }, 'the guest got the error-code, not a trap');
      await server.close();
      await replayIdentical(manifest, log, events, envWith());
    },
  );
});

interface Reply {
  status: number;
  body: string;
}

/** One request from a real client to the actor's http-framework server. */
function request(port: number, method: string, pathname: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `theater run` of an http-framework actor: the URL it serves, then SIGINT; resolves its exit code and stderr. */
async function serving(manifest: string, env: NodeJS.ProcessEnv, t: TestContext) {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'run', manifest, '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serves" line within 60 s; stderr: ${stderr}`)), 60_000);
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      const m = /serves http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`theater run exited (${code}) before serving: ${stderr}`));
    });
  });
  return {
    port,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      return { code, stderr };
    },
  };
}

describe('https through http-client send-http (theater CLI, http-actor, real TLS on loopback)', () => {
  test(
    'a trusted CA, an untrusted one, a wrong name, a demanded client certificate, plain http: each answer or sentence; replay identical',
    { skip: !fs.existsSync(cli) && 'run `npm run build` first' },
    async (t) => {
      if (!(await native(t))) return;
      const trusted = await tlsServer();
      const untrusted = await tlsServer();
      const wrongName = await tlsServer({ certFor: { commonName: 'elsewhere', dnsNames: ['elsewhere.invalid'], ips: ['127.0.0.2'] } });
      const wantsClientCert = await tlsServer({ requestCert: true });
      const plain = http.createServer((_req, res) => res.end('plain http'));
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      const plainPort = (plain.address() as AddressInfo).port;
      t.after(async () => {
        for (const s of [trusted, untrusted, wrongName, wantsClientCert]) await s.close();
        plain.closeAllConnections();
        await new Promise((r) => plain.close(r));
      });
      const manifest = await actorCopy('http-actor');
      // One CA file trusts three of the servers; `untrusted`'s certificate is not in it.
      const env = envWith({ NODE_EXTRA_CA_CERTS: caFileOf(trusted.cert, wrongName.cert, wantsClientCert.cert) });
      const actor = await serving(manifest, env, t);
      const fetch = (url: string) => request(actor.port, 'POST', '/fetch', `GET ${url}`);

      assert.deepEqual(await fetch(`https://127.0.0.1:${trusted.port}/ping`), { status: 200, body: 'upstream 200: pong over tls: ' });
      assert.deepEqual(trusted.seen, [{ method: 'GET', url: '/ping', body: '', encrypted: true }]);

      const host = (port: number) => `127.0.0.1:${port}`;
      assert.deepEqual(await fetch(`https://127.0.0.1:${untrusted.port}/ping`), {
        status: 502,
        body:
          `GET https://127.0.0.1:${untrusted.port}/ping failed: the TLS certificate of ${host(untrusted.port)} is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); ` +
          'if you trust it, start the runtime (theater, or VS Code for the extension) with NODE_EXTRA_CA_CERTS set to a PEM file holding its CA certificate',
      });
      const misnamed = await fetch(`https://127.0.0.1:${wrongName.port}/ping`);
      assert.equal(misnamed.status, 502);
      assert.equal(
        misnamed.body,
        `GET https://127.0.0.1:${wrongName.port}/ping failed: the TLS certificate of ${host(wrongName.port)} does not name the host ` +
          `(ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: 127.0.0.2); ` +
          `use a certificate whose subjectAltName names ${host(wrongName.port)}, or the name the certificate has`,
      );
      assert.deepEqual(await fetch(`https://127.0.0.1:${wantsClientCert.port}/ping`), {
        status: 502,
        body:
          `GET https://127.0.0.1:${wantsClientCert.port}/ping failed: ${host(wantsClientCert.port)} refused the TLS handshake with the alert ` +
          `'certificate required' (116) (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); the runtime presents no client certificate and ` +
          "offers node's default TLS versions and ciphers, so a server that demands more cannot be reached",
      });
      assert.deepEqual(await fetch(`https://127.0.0.1:${plainPort}/ping`), {
        status: 502,
        body:
          `GET https://127.0.0.1:${plainPort}/ping failed: the TLS handshake with ${host(plainPort)} failed (EPROTO: wrong version number); ` +
          'check that the server speaks TLS on that port (an http:// server answers an https:// URL this way)',
      });
      assert.deepEqual([untrusted.seen, wrongName.seen, wantsClientCert.seen], [[], [], []], 'no request got past a failed handshake');

      const { code, stderr } = await actor.stop();
      assert.equal(code, 0, stderr);
      const log = /events in (\S+\.chain\.jsonl)/.exec(stderr)?.[1];
      assert.ok(log, stderr);
      const events = verified(log);
      const calls = events.filter((e) => e.eventType === 'theater:simple/http-client/send-http');
      assert.equal(calls.length, 5, 'each send-http is one recorded event');
      await replayIdentical(manifest, log, events, envWith());
      assert.equal(trusted.seen.length, 1, 'the replay sent nothing');
    },
  );
});
