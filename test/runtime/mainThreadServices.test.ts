// The main-thread services the handlers declare by name in the registry (ServiceDeclaration), bound to
// their implementations by host/services.ts (host/session.ts dispatches every rpc of the worker to the
// one that takes its op): every declared name has an implementation and every implementation is
// declared; each host call a handler's worker side makes is taken by a service that same handler
// declares, or by none when it is the system's (message-server, supervisor); each declared service has
// work (an op its handler sends, or serving on its own); what a fork re-applies goes to a service that
// restores; no op is taken twice.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { listHandlers, servicesFor } from '../../src/runtime/handlers/registry';
import {
  takesOp,
  type HandlerContext,
  type HandlerDefinition,
  type ServiceDeclaration,
  type ServiceHost,
} from '../../src/runtime/handlers/types';
import { createService, SERVICE_FACTORIES } from '../../src/runtime/host/services';
import { MESSAGE_HOST } from '../../src/runtime/handlers/messageServer';
import { SUPERVISOR } from '../../src/runtime/handlers/supervisor';
import { projectRoot } from '../helpers/shared';

/** The ops of the host calls a handler's worker side makes when each of its functions is called. */
function opsSent(def: HandlerDefinition): Set<string> {
  const ops = new Set<string>();
  const ctx: HandlerContext = {
    actorId: 'a',
    actorName: 'a',
    manifestDir: process.cwd(),
    dataDir: process.cwd(),
    log: () => {},
    chain: () => [],
    currentState: () => null,
    requestShutdown: () => {},
    recordDenial: () => {},
    recordNote: () => {},
    blockFor: () => {},
    output: () => {},
    configOf: () => undefined,
    hostCall: (op) => {
      ops.add(op);
      return { tag: 'err', val: 'no host in this test' };
    },
  };
  // Every permission granted: a call that would be refused sends nothing.
  const config = { allowed_programs: ['/bin/sh'], allowed_paths: ['.'], timeout: 1000 };
  let inst;
  try {
    inst = def.create(ctx, config);
  } catch {
    return ops; // the replay handler is set up by the runtime itself
  }
  // wasi:http's outgoing handle takes an outgoing-request resource: made with the handler's own constructors.
  const types = def.interfaces.find((i) => i.functions.some((f) => f.name === '[constructor]outgoing-request'));
  const typeFns = types ? inst.functions(types.name) : {};
  const request = types ? typeFns['[constructor]outgoing-request']!(typeFns['[constructor]fields']!()) : undefined;
  if (request) typeFns['[method]outgoing-request.set-authority']!(request, '127.0.0.1:9');
  for (const iface of def.interfaces) {
    const fns = inst.functions(iface.name);
    for (const f of iface.functions) {
      const args: unknown[] = f.params.map(() => 1n);
      if (f.name === 'os-spawn')
        args[0] = { program: '/bin/sh', args: [], env: [], bufferSize: 0, stdoutMode: { tag: 'raw' }, stderrMode: { tag: 'raw' } };
      if (f.name === 'handle' && request) [args[0], args[1]] = [request, undefined];
      if (f.name === 'send-http') args[0] = { method: 'GET', uri: 'http://127.0.0.1:9/', headers: [], body: undefined };
      try {
        fns[f.name]?.(...args);
      } catch {
        // dummy arguments a function cannot take: it sent nothing
      }
    }
  }
  return ops;
}

describe('main-thread services (registry)', () => {
  const handlers = listHandlers();
  const sent = new Map(handlers.map((h) => [h.type, opsSent(h)]));

  test('every declared service has an implementation in host/services.ts, and every implementation is declared', async () => {
    const declared = handlers.flatMap((h) => h.services ?? []);
    const names = [...new Set(declared.map((s) => s.name))].sort();
    assert.deepEqual(Object.keys(SERVICE_FACTORIES).sort(), names);
    assert.deepEqual(names, ['http', 'processes', 'wasi-http-server']);
    // Handlers sharing a service by name declare it alike (one instance serves them all).
    for (const d of declared)
      assert.deepEqual(
        d,
        declared.find((o) => o.name === d.name),
        `every declaration of ${d.name} is the same`,
      );
    // Each factory makes a service of its own kind, with close.
    for (const d of servicesFor(handlers.map((h) => h.type))) {
      const service = createService(d, fakeHost());
      assert.equal(typeof service.close, 'function', `${d.name} can be closed`);
      await service.close();
    }
    assert.throws(
      () => createService({ name: 'no-such-service', ops: [] }, fakeHost()),
      /no implementation of the main-thread service 'no-such-service'/,
    );
  });

  test('the registry declares services as data: no functions in a declaration', () => {
    for (const h of handlers)
      for (const s of h.services ?? [])
        for (const [k, v] of Object.entries(s)) assert.notEqual(typeof v, 'function', `${h.type}'s ${s.name}.${k} is data`);
  });

  test('every host call goes to a service its own handler declares, or to the system', () => {
    let checked = 0;
    for (const h of handlers) {
      for (const op of sent.get(h.type)!) {
        checked++;
        const takers = servicesFor([h.type]).filter((s) => takesOp(s, op));
        if (op.startsWith(`${MESSAGE_HOST}/`) || op.startsWith(`${SUPERVISOR}/`)) {
          assert.equal(servicesFor(handlers.map((x) => x.type)).filter((s) => takesOp(s, op)).length, 0, `${op} is the system's`);
        } else assert.equal(takers.length, 1, `${h.type}'s host call ${op} is taken by exactly one service it declares`);
      }
    }
    assert.ok(checked >= 20, `the handlers' functions made host calls (${checked})`);
  });

  test('a service is declared by exactly the handlers that have main-thread work for it', () => {
    const withServices = handlers.filter((h) => (h.services ?? []).length > 0).map((h) => h.type);
    assert.deepEqual(withServices.sort(), ['http-client', 'http-framework', 'process', 'wasi-http']);
    for (const h of handlers)
      for (const s of h.services ?? []) {
        const used = [...sent.get(h.type)!].some((op) => takesOp(s, op));
        // A service with no op of its handler must serve on its own once init is done (wasi-http's port).
        const serves = !!createService(s, fakeHost()).started;
        assert.ok(used || serves, `${h.type} declares ${s.name} but sends it nothing and it serves nothing`);
      }
  });

  test('a fork re-applies what a handler set up on a service of its own that restores', () => {
    let restored = 0;
    for (const h of handlers) {
      const restoreCall = h.restoreCall;
      if (!restoreCall) continue;
      for (const iface of h.interfaces)
        for (const f of iface.functions) {
          const c: { op: string; args: unknown[] } | undefined = restoreCall(
            {},
            f.name,
            f.params.map(() => 1n),
            { tag: 'ok', val: 1n },
          );
          if (!c) continue;
          restored++;
          const takers: ServiceDeclaration[] = servicesFor([h.type]).filter((s) => takesOp(s, c.op));
          assert.equal(takers.length, 1, `${h.type}'s ${f.name} is re-applied on one of its services`);
          assert.ok(createService(takers[0]!, fakeHost()).restore, `${takers[0]!.name} restores`);
        }
    }
    assert.ok(restored >= 5, `set-up calls were re-applied (${restored})`);
  });

  test('one instance per definition: the HTTP handlers share one host; ops are never taken twice', () => {
    const all = servicesFor(handlers.map((h) => h.type));
    assert.deepEqual(
      all.map((s) => s.name),
      ['processes', 'http', 'wasi-http-server'],
    );
    assert.equal(new Set(all.map((s) => s.name)).size, all.length);
    for (const h of handlers)
      for (const op of sent.get(h.type)!) assert.ok(all.filter((s) => takesOp(s, op)).length <= 1, `${op} is taken at most once`);
    assert.deepEqual(
      servicesFor(['http-client', 'wasi-http']).map((s) => s.name),
      ['http', 'wasi-http-server'],
    );
    assert.deepEqual(servicesFor(['random', 'timing', 'message-server']), []);
  });
});

function fakeHost(): ServiceHost {
  return {
    name: 'a',
    exports: [],
    configOf: () => undefined,
    replaying: true,
    forking: false,
    call: () => Promise.resolve({ ok: false as const, error: 'none' }),
    log: () => {},
    emit: () => {},
    changed: () => {},
  };
}

// The point of declaring by name: bundles that load the registry without running a session carry no
// main-thread service code. Bundled here (development mode: esbuild names each module in a comment).
test('the actor worker, the time-travel worker and the language server bundle none of the services; the CLI does', async () => {
  const { bundle } = (await import(path.join(projectRoot, 'src', 'build', 'bundle.mjs'))) as {
    bundle(o: { outdir: string; only: string[] }): Promise<string[]>;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-bundles-'));
  try {
    const names = ['actorWorker', 'timeTravelWorker', 'server', 'cli'];
    assert.deepEqual((await bundle({ outdir: dir, only: names })).sort(), [...names].sort());
    const serviceModules = ['src/runtime/host/services.ts', 'src/runtime/host/processes.ts', 'src/runtime/handlers/http/host.ts'];
    // The modules whose code a bundle carries: a section of only `init_x();` lines is esbuild starting
    // the lazily loaded modules (the registry's handlers) that module imports, none of its own code.
    const modules = (name: string) => {
      const sections = fs.readFileSync(path.join(dir, `${name}.js`), 'utf8').split(/^\/\/ (src\/\S+\.ts)$/m);
      const has = new Set<string>();
      for (let i = 1; i < sections.length; i += 2)
        if (sections[i + 1]!.split('\n').some((l) => l.trim() !== '' && !/^init_\w+\(\);$/.test(l.trim()))) has.add(sections[i]!);
      return has;
    };
    for (const name of ['actorWorker', 'timeTravelWorker', 'server']) {
      const has = modules(name);
      assert.ok(has.has('src/runtime/handlers/registry.ts'), `${name} loads the registry`);
      assert.deepEqual(
        serviceModules.filter((m) => has.has(m)),
        [],
        `${name}.js carries no main-thread service code`,
      );
    }
    const cli = modules('cli');
    assert.deepEqual(
      serviceModules.filter((m) => !cli.has(m)),
      [],
      'cli.js runs sessions: it has every service',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
