// The HTTP allow-lists (src/runtime/handlers/http/permissions.ts): absent key → allowed, `[]` → none,
// no HTTP handler granted → nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveHandlerConfig } from '../../src/runtime/handlers/config';
import { httpPermissionsFromConfig, NO_HTTP, refusalFor } from '../../src/runtime/handlers/http/permissions';
import { wasiHttpHandler } from '../../src/runtime/handlers/http/wasiHttp';
import { planActor } from '../../src/runtime/handlers/plan';

test('a table without allow-lists allows every host and method (as upstream)', () => {
  const p = httpPermissionsFromConfig({});
  assert.equal(refusalFor(p, 'DELETE', 'https://example.com/x'), undefined);
  assert.equal(refusalFor(p, 'get', 'http://127.0.0.1:8080/'), undefined);
});

test('an empty list allows none; no HTTP handler at all refuses everything', () => {
  assert.equal(
    refusalFor(httpPermissionsFromConfig({ allowed_hosts: [] }), 'GET', 'http://127.0.0.1/'),
    "Host '127.0.0.1' not in allowed hosts: <none configured>",
  );
  assert.equal(
    refusalFor(httpPermissionsFromConfig({ allowed_methods: [] }), 'GET', 'http://127.0.0.1/'),
    "Method 'GET' not in allowed methods: <none configured>",
  );
  assert.match(refusalFor(NO_HTTP, 'GET', 'http://127.0.0.1/') ?? '', /not in allowed methods/);
  assert.match(refusalFor(httpPermissionsFromConfig(undefined), 'GET', 'http://127.0.0.1/') ?? '', /not in allowed/);
});

test('hosts: exact (any port), host:port, *.domain (subdomains only), *; case-insensitive', () => {
  const p = httpPermissionsFromConfig({
    allowed_hosts: ['Example.com', 'localhost:8080', '*.test.org', '[::1]:9000'],
    allowed_methods: ['get', 'POST'],
  });
  assert.equal(refusalFor(p, 'GET', 'https://EXAMPLE.com:444/a'), undefined);
  assert.equal(refusalFor(p, 'post', 'http://localhost:8080/'), undefined);
  assert.equal(
    refusalFor(p, 'GET', 'http://localhost:8081/'),
    "Host 'localhost' not in allowed hosts: example.com, localhost:8080, *.test.org, [::1]:9000",
  );
  assert.equal(refusalFor(p, 'GET', 'http://a.b.test.org/'), undefined);
  assert.notEqual(refusalFor(p, 'GET', 'http://test.org/'), undefined);
  assert.notEqual(refusalFor(p, 'GET', 'http://eviltest.org/'), undefined);
  assert.equal(refusalFor(p, 'GET', 'http://[::1]:9000/'), undefined);
  assert.equal(refusalFor(p, 'PUT', 'https://example.com/'), "Method 'PUT' not in allowed methods: GET, POST");
  assert.equal(refusalFor(httpPermissionsFromConfig({ allowed_hosts: ['*'] }), 'GET', 'http://anything.example/'), undefined);
  assert.equal(refusalFor(p, 'GET', 'not a url'), "Request URI 'not a url' has no host");
});

test('the wasi-http table: host must be loopback; a misspelt allow-list is an error; unlisted grants nothing', () => {
  const bad = resolveHandlerConfig(wasiHttpHandler, { host: '0.0.0.0', port: 8080 });
  assert.deepEqual(
    bad.problems.map((p) => [p.key, p.code, p.severity]),
    [['host', 'config-invalid-value', 'error']],
  );
  assert.match(bad.problems[0]!.message, /must be a loopback address .*`0\.0\.0\.0` is not/);
  for (const host of ['127.0.0.1', '::1', 'localhost', '127.1.2.3'])
    assert.deepEqual(resolveHandlerConfig(wasiHttpHandler, { host }).problems, [], host);
  const typo = resolveHandlerConfig(wasiHttpHandler, { allowed_host: ['x'] });
  assert.equal(typo.problems[0]!.severity, 'error');
  assert.equal(typo.problems[0]!.suggestion, 'allowed_hosts');
  const unlisted = resolveHandlerConfig(wasiHttpHandler, wasiHttpHandler.unlistedConfig!).config;
  assert.notEqual(refusalFor(httpPermissionsFromConfig(unlisted), 'GET', 'http://127.0.0.1/'), undefined);
  assert.equal(refusalFor(httpPermissionsFromConfig(resolveHandlerConfig(wasiHttpHandler, {}).config), 'GET', 'http://a/'), undefined);
});

test('a wasi-http table is used when the component only exports wasi:http/incoming-handler', () => {
  const world = (exports: string[]) => ({
    imports: [],
    exports: ['theater:simple/actor', ...exports].map((name) => ({ name, kind: 'instance' })),
  });
  const unused = (w: ReturnType<typeof world>) =>
    planActor(w, ['wasi-http']).problems.filter((p) => p.code === 'handler-unused' && p.handlerType === 'wasi-http');
  assert.deepEqual(unused(world(['wasi:http/incoming-handler@0.2.0'])), []);
  assert.equal(unused(world([])).length, 1);
});
