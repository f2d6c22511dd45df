// Smoke test of the test actors, independent of the extension's runtime:
//   node test-actors/smoke.mjs [--wit] [name …]
// 1. builds them (incremental, build.mjs);
// 2. checks each manifest (name, component = "./<name>.wasm", description, [[handler]] types) and each
//    component's world as componentWit prints it (imports/exports with exact versions);
// 3. resolves the imports against a small handler table (exact name, or semver-compatible by the
//    registry's own rule, semverCompatible from the compiled runtime) and the manifest's handlers;
// 4. transpiles each with jco-transpile (instantiation async, no WASI shim), instantiates it with small
//    hand-made JS hosts (keys without version, camelCase functions, resources as classes, u64 as BigInt,
//    list<u8> as Uint8Array) and calls init: positive actors must return their success state with the
//    intended host calls; negative ones must fail the intended way. A few variants feed wrong host
//    answers to prove the checks inside the actors fail with their own message.
// Exit code 1 when anything is not as intended. Nothing is written outside a temp folder.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const te = new TextEncoder(),
  td = new TextDecoder();
const text = (u8) => (u8 == null ? u8 : td.decode(u8));
const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));

// ---------------------------------------------------------------------------------------------------
// Loading a transpiled actor (also used inside the worker that runs infinite-loop-actor)

async function instantiateFrom(dir, imports) {
  const { instantiate } = await import(pathToFileURL(join(dir, 'actor.js')).href);
  return instantiate((f) => WebAssembly.compile(readFileSync(join(dir, f))), imports);
}

// ---------------------------------------------------------------------------------------------------
// Hosts

/** A recorder of host calls: `calls` holds "<interface>/<function>[(arg)]" in call order. */
function recorder() {
  const calls = [],
    logs = [];
  const rec = (name) => calls.push(name);
  return { calls, logs, rec };
}

function randomHost(r, { bytes = (n) => crypto.getRandomValues(new Uint8Array(n)), u64 } = {}) {
  let counter = 0n;
  return {
    getRandomBytes(len) {
      r.rec(`wasi:random/random/get-random-bytes(${len})`);
      return bytes(Number(len));
    },
    getRandomU64() {
      r.rec('wasi:random/random/get-random-u64');
      counter++;
      return u64 ? u64(counter) : crypto.getRandomValues(new BigUint64Array(1))[0];
    },
  };
}

function runtimeHost(r, { state, chainLength } = {}) {
  return {
    log(msg) {
      r.rec('theater:simple/runtime/log');
      r.logs.push(msg);
    },
    getState() {
      r.rec('theater:simple/runtime/get-state');
      return state;
    },
    getChain() {
      r.rec('theater:simple/runtime/get-chain');
      // The chain so far as the runtime would give it: the init WasmCall, then one event per host call.
      const types = ['wasm', ...r.calls.map((c) => c.replace(/\(.*\)$/, ''))].slice(0, chainLength ?? Infinity);
      return {
        events: types.map((eventType, i) => ({
          hash: BigInt(i + 1),
          event: { eventType, parent: i === 0 ? undefined : BigInt(i), data: te.encode('{}') },
        })),
      };
    },
    shutdown() {
      r.rec('theater:simple/runtime/shutdown');
    },
  };
}

function clockHosts(r, { readyAnswer } = {}) {
  const mono = () => process.hrtime.bigint();
  let nextId = 0;
  class Pollable {
    constructor(deadline) {
      this.deadline = deadline;
      this.id = nextId++;
    }
    ready() {
      r.rec(`wasi:io/poll/[method]pollable.ready(#${this.id})`);
      return readyAnswer ?? mono() >= this.deadline;
    }
    block() {
      r.rec(`wasi:io/poll/[method]pollable.block(#${this.id})`);
      while (mono() < this.deadline) sleepMs(Number((this.deadline - mono()) / 1_000_000n));
    }
    [Symbol.dispose]() {
      r.rec(`wasi:io/poll/[resource-drop]pollable(#${this.id})`);
    }
  }
  return {
    'wasi:io/poll': {
      Pollable,
      poll(list) {
        r.rec(`wasi:io/poll/poll(${list.map((p) => `#${p.id}`).join(',')})`);
        if (!list.length) throw new Error('poll on an empty list blocks forever');
        for (;;) {
          const ready = list.flatMap((p, i) => (mono() >= p.deadline ? [i] : []));
          if (ready.length) return Uint32Array.from(ready);
          sleepMs(1);
        }
      },
    },
    'wasi:clocks/monotonic-clock': {
      now() {
        r.rec('wasi:clocks/monotonic-clock/now');
        return mono();
      },
      resolution() {
        r.rec('wasi:clocks/monotonic-clock/resolution');
        return 1n;
      },
      subscribeDuration(ns) {
        r.rec(`wasi:clocks/monotonic-clock/subscribe-duration(${ns})`);
        return new Pollable(mono() + ns);
      },
      subscribeInstant(t) {
        r.rec('wasi:clocks/monotonic-clock/subscribe-instant');
        return new Pollable(t);
      },
    },
    'wasi:clocks/wall-clock': {
      now() {
        r.rec('wasi:clocks/wall-clock/now');
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      resolution() {
        r.rec('wasi:clocks/wall-clock/resolution');
        return { seconds: 0n, nanoseconds: 1_000_000 };
      },
    },
  };
}

function environmentHost(r, env) {
  return {
    exists(name) {
      r.rec(`theater:simple/environment/exists(${name})`);
      return Object.hasOwn(env, name);
    },
    getVar(name) {
      r.rec(`theater:simple/environment/get-var(${name})`);
      return env[name];
    },
    listVars() {
      r.rec('theater:simple/environment/list-vars');
      return Object.entries(env);
    },
  };
}

/** In-memory theater:simple/store; result<T, string> = return T / throw { payload }. */
function storeHost(r, { dropLabels = false } = {}) {
  const stores = new Map();
  const fail = (msg) => {
    throw { payload: msg };
  };
  const get = (id) => stores.get(id) ?? fail(`no store ${id}`);
  const hashOf = (bytes) => Buffer.from(bytes).toString('hex').slice(0, 40).padEnd(40, '0');
  const fns = {
    new() {
      const id = `store-${stores.size + 1}`;
      stores.set(id, { data: new Map(), labels: new Map() });
      return id;
    },
    store(id, content) {
      const h = hashOf(content);
      get(id).data.set(h, new Uint8Array(content));
      return { hash: h };
    },
    get(id, ref) {
      return get(id).data.get(ref.hash) ?? fail(`no content ${ref.hash}`);
    },
    exists(id, ref) {
      return get(id).data.has(ref.hash);
    },
    label(id, label, ref) {
      get(id).labels.set(label, ref.hash);
    },
    getByLabel(id, label) {
      const h = get(id).labels.get(label);
      return h === undefined ? undefined : { hash: h };
    },
    listLabels(id) {
      return dropLabels ? [] : ['other', ...get(id).labels.keys()];
    },
  };
  return Object.fromEntries(
    Object.entries(fns).map(([k, f]) => [
      k,
      (...a) => {
        r.rec(`theater:simple/store/${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        return f(...a);
      },
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------
// What each actor must be

const REGISTERED = [
  // handler type → interfaces it provides (as the runtime registers them)
  ['runtime', ['theater:simple/runtime', 'theater:simple/types']],
  ['random', ['wasi:random/random@0.2.3', 'wasi:random/insecure@0.2.3', 'wasi:random/insecure-seed@0.2.3']],
  ['timing', ['wasi:clocks/wall-clock@0.2.3', 'wasi:clocks/monotonic-clock@0.2.3', 'wasi:io/poll@0.2.3', 'theater:simple/timing']],
  ['environment', ['theater:simple/environment']],
  ['store', ['theater:simple/store']],
];

const ACTOR = ['theater:simple/actor'];
const EXPECT = {
  'wasi-random-test': { imports: ['wasi:random/random@0.2.3', 'theater:simple/runtime'], handlers: ['runtime', 'random'], plan: 'ok' },
  'wasi-clocks-test': {
    imports: ['wasi:clocks/wall-clock@0.2.3', 'wasi:clocks/monotonic-clock@0.2.3', 'wasi:io/poll@0.2.3', 'theater:simple/runtime'],
    handlers: ['runtime', 'timing'],
    plan: 'ok',
  },
  'runtime-test': { imports: ['theater:simple/types', 'theater:simple/runtime'], handlers: ['runtime'], plan: 'ok' },
  'environment-test': { imports: ['theater:simple/environment'], handlers: ['runtime', 'environment'], plan: 'ok' },
  'store-test': { imports: ['theater:simple/store'], handlers: ['runtime', 'store'], plan: 'ok' },
  'loop-actor': { imports: ['wasi:random/random@0.2.3'], handlers: ['runtime', 'random'], plan: 'ok' },
  'init-params-actor': { imports: ['theater:simple/runtime'], handlers: ['runtime'], plan: 'ok' },
  'compat-random-actor': {
    imports: ['wasi:random/random@0.2.0'],
    handlers: ['runtime', 'random'],
    plan: 'compatible wasi:random/random@0.2.0 → wasi:random/random@0.2.3',
  },
  'random-030-actor': {
    imports: ['wasi:random/random@0.3.0'],
    handlers: ['runtime', 'random'],
    plan: 'version mismatch wasi:random/random@0.3.0 (registered wasi:random/random@0.2.3)',
  },
  'unknown-import-actor': { imports: ['acme:widgets/gizmo@1.0.0'], handlers: ['runtime'], plan: 'unresolved acme:widgets/gizmo@1.0.0' },
  'unlisted-random-actor': {
    imports: ['wasi:random/random@0.2.3'],
    handlers: ['runtime'],
    plan: 'handler not listed: random (for wasi:random/random@0.2.3)',
  },
  'trap-actor': { imports: ['theater:simple/runtime'], handlers: ['runtime'], plan: 'ok' },
  'infinite-loop-actor': { imports: ['theater:simple/runtime'], handlers: ['runtime'], plan: 'ok' },
  'init-error-actor': { imports: ['theater:simple/runtime'], handlers: ['runtime'], plan: 'ok' },
};

const parseName = (n) => {
  const at = n.indexOf('@');
  return { iface: at < 0 ? n : n.slice(0, at), v: at < 0 ? null : n.slice(at + 1) };
};
// One semver rule: the registry's (wasmtime's), from the compiled runtime (`npm run compile`).
const registryJs = join(here, '..', 'out', 'src', 'runtime', 'handlers', 'registry.js');
let semverCompatible;
const compatible = (want, have) => {
  if (!semverCompatible) {
    if (!existsSync(registryJs)) throw new Error(`${registryJs} is missing; run \`npm run compile\` first`);
    ({ semverCompatible } = createRequire(import.meta.url)(registryJs));
  }
  return want !== null && have !== null && semverCompatible(want, have);
};

/** The runtime's decision for a component, as one string ('ok' or the first problem). */
function plan(imports, listed) {
  const notes = [];
  for (const name of imports) {
    const want = parseName(name);
    const providers = REGISTERED.flatMap(([type, names]) => names.map((n) => ({ type, n, ...parseName(n) }))).filter(
      (p) => p.iface === want.iface,
    );
    const exact = providers.find((p) => p.n === name);
    const compat = exact ?? providers.find((p) => compatible(want.v, p.v));
    if (!providers.length) return `unresolved ${name}`;
    if (!compat) return `version mismatch ${name} (registered ${providers.map((p) => p.n).join(', ')})`;
    if (!listed.includes(compat.type) && compat.type !== 'runtime') return `handler not listed: ${compat.type} (for ${name})`;
    if (!exact) notes.push(`compatible ${name} → ${compat.n}`);
  }
  return notes.length ? notes.join('; ') : 'ok';
}

function readManifest(name) {
  const t = readFileSync(join(here, name, 'manifest.toml'), 'utf8');
  const top = t.split(/^\[\[handler\]\]/m)[0];
  const str = (k) => new RegExp(`^${k}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm').exec(top)?.[1];
  return {
    name: str('name'),
    version: str('version'),
    component: str('component'),
    description: str('description'),
    handlers: [...t.matchAll(/^type\s*=\s*"([^"]+)"/gm)].map((m) => m[1]),
  };
}

function worldOf(wit) {
  const items = [...wit.matchAll(/^\s*(import|export)\s+([^;]+);/gm)];
  return {
    imports: items.filter((m) => m[1] === 'import').map((m) => m[2]),
    exports: items.filter((m) => m[1] === 'export').map((m) => m[2]),
  };
}

// ---------------------------------------------------------------------------------------------------
// The init runs

/** Calls init; returns { ok: true, state } or { ok: false, error } (an err payload or a trap). */
function callInit(inst, ...args) {
  try {
    const [state] = inst.actor.init(...args);
    return { ok: true, state };
  } catch (e) {
    // jco-transpile 0.15 throws an export's err payload as is (older jco: ComponentError with .payload).
    if (e instanceof WebAssembly.RuntimeError) return { ok: false, error: `trap: ${e.message}` };
    if (typeof e === 'string') return { ok: false, error: `err(${JSON.stringify(e)})` };
    if (e && typeof e === 'object' && 'payload' in e) return { ok: false, error: `err(${JSON.stringify(e.payload)})` };
    return { ok: false, error: `exception: ${e?.message ?? e}` };
  }
}

const checks = [];
/** Runs one scenario and records PASS/FAIL lines. */
async function scenario(label, fn) {
  try {
    const detail = await fn();
    checks.push({ ok: true, line: `PASS ${label}${detail ? `: ${detail}` : ''}` });
  } catch (e) {
    checks.push({ ok: false, line: `FAIL ${label}: ${e.message}` });
  }
}
function expectEq(actual, expected, what) {
  const a = JSON.stringify(actual, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    b = JSON.stringify(expected, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

const RANDOM_ORDER = [
  'wasi:random/random/get-random-bytes(10)',
  'wasi:random/random/get-random-bytes(32)',
  'wasi:random/random/get-random-u64',
  'wasi:random/random/get-random-u64',
  'wasi:random/random/get-random-bytes(100)',
];
const ENV = { PATH: '/usr/bin:/bin', HOME: '/home/actor' };
const ENV_REPORT =
  'PATH exists: true\nPATH value is Some: true\nFake var exists: false\nFake var is None: true\nHOME exists: true\nHOME value is Some: true\nEnvironment tests passed!';

const RUNS = {
  async 'wasi-random-test'(load) {
    await scenario('wasi-random-test init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'wasi:random/random': randomHost(r), 'theater:simple/runtime': runtimeHost(r) }), undefined);
      expectEq(res, { ok: true, state: te.encode('WASI random tests passed!') }, 'result');
      expectEq(r.calls, RANDOM_ORDER, 'host calls');
      return `ok("${text(res.state)}"), calls ${r.calls.map((c) => c.replace('wasi:random/random/', '')).join(', ')}`;
    });
    await scenario('wasi-random-test, host returns 9 bytes for 10', async () => {
      const r = recorder();
      const res = callInit(
        await load({
          'wasi:random/random': randomHost(r, { bytes: (n) => new Uint8Array(n === 10 ? 9 : n).fill(1) }),
          'theater:simple/runtime': runtimeHost(r),
        }),
        undefined,
      );
      expectEq(res, { ok: false, error: 'err("wasi-random-test: get-random-bytes(10) did not return 10 bytes")' }, 'result');
      expectEq(r.logs, ['wasi-random-test: get-random-bytes(10) did not return 10 bytes'], 'logs');
      return res.error;
    });
    await scenario('wasi-random-test, host returns zero bytes', async () => {
      const r = recorder();
      const res = callInit(
        await load({ 'wasi:random/random': randomHost(r, { bytes: (n) => new Uint8Array(n) }), 'theater:simple/runtime': runtimeHost(r) }),
        undefined,
      );
      expectEq(res, { ok: false, error: 'err("wasi-random-test: get-random-bytes(100) returned only zero bytes")' }, 'result');
      return res.error;
    });
  },

  async 'wasi-clocks-test'(load) {
    await scenario('wasi-clocks-test init', async () => {
      const r = recorder();
      const inst = await load({ ...clockHosts(r), 'theater:simple/runtime': runtimeHost(r) });
      const t0 = performance.now();
      const res = callInit(inst, undefined);
      const ms = performance.now() - t0;
      expectEq(res, { ok: true, state: te.encode('WASI clocks + poll tests passed!') }, 'result');
      const calls = r.calls.map((c) => c.replace(/^wasi:(clocks|io)\//, ''));
      const expected = [
        'monotonic-clock/now',
        'monotonic-clock/resolution',
        'monotonic-clock/now',
        'monotonic-clock/subscribe-duration(5000000)',
        'poll/[method]pollable.block(#0)',
        'monotonic-clock/subscribe-duration(1)',
        'poll/[method]pollable.ready(#1)',
        'monotonic-clock/now',
        'monotonic-clock/subscribe-instant',
        'poll/poll(#2)',
      ];
      expectEq(calls.slice(0, expected.length), expected, 'host calls');
      const rest = calls.slice(expected.length);
      // jco drops imported resources in its own handle table; the class sees [Symbol.dispose] when it calls it.
      const drops = rest.filter((c) => c.includes('[resource-drop]'));
      expectEq(
        rest.filter((c) => !c.includes('[resource-drop]')),
        ['wall-clock/now', 'wall-clock/resolution'],
        'host calls after poll',
      );
      if (ms < 5) throw new Error(`init took ${ms.toFixed(1)} ms, so the 5 ms block did not block`);
      return `ok("${text(res.state)}") in ${ms.toFixed(0)} ms, calls ${calls.filter((c) => !c.includes('[resource-drop]')).join(', ')}; drops seen by the host: ${drops.length ? drops.join(', ') : 'none (jco drops them in its handle table)'}`;
    });
    await scenario('wasi-clocks-test, a pollable that is never ready', async () => {
      const r = recorder();
      const res = callInit(await load({ ...clockHosts(r, { readyAnswer: false }), 'theater:simple/runtime': runtimeHost(r) }), undefined);
      expectEq(res, { ok: false, error: 'err("wasi-clocks-test: a 1 ns pollable is not ready")' }, 'result');
      return res.error;
    });
  },

  async 'runtime-test'(load) {
    const LOGS = ['Runtime test actor initialized', 'Test message 1', 'Test message 2', 'Test message 3'];
    await scenario('runtime-test init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r) }), undefined);
      expectEq(res.ok, true, `result (${res.error})`);
      expectEq(JSON.parse(text(res.state)), { status: 'success', message: 'Runtime handler tests passed!' }, 'state');
      expectEq(r.logs, LOGS, 'logs');
      expectEq(r.calls.slice(4), ['theater:simple/runtime/get-state', 'theater:simple/runtime/get-chain'], 'calls after the logs');
      return `ok(${text(res.state)}), ${r.calls.length} calls`;
    });
    await scenario('runtime-test, a state on a first init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r, { state: te.encode('x') }) }), undefined);
      expectEq(res.error, 'err("runtime-test: get-state returned a state on a first init without state")', 'result');
      return res.error;
    });
    await scenario('runtime-test, init with a state', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r, { state: te.encode('{}') }) }), te.encode('{}'));
      expectEq(res.ok, true, `result (${res.error})`);
      return 'ok';
    });
    await scenario('runtime-test, a chain of 3 events', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r, { chainLength: 3 }) }), undefined);
      expectEq(res.error, 'err("runtime-test: get-chain returned fewer than 5 events")', 'result');
      return res.error;
    });
  },

  async 'environment-test'(load) {
    await scenario('environment-test init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/environment': environmentHost(r, ENV) }), undefined);
      expectEq(text(res.state), ENV_REPORT, 'report');
      const F = 'THEATER_TEST_NONEXISTENT_VAR_12345';
      expectEq(
        r.calls.map((c) => c.replace('theater:simple/environment/', '')),
        ['exists(PATH)', 'get-var(PATH)', `exists(${F})`, `get-var(${F})`, 'exists(HOME)', 'get-var(HOME)'],
        'host calls',
      );
      return `ok(${JSON.stringify(text(res.state))})`;
    });
    await scenario('environment-test, PATH denied', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/environment': environmentHost(r, { HOME: '/h' }) }), undefined);
      const report = text(res.state);
      if (!report.startsWith('PATH exists: false\nPATH value is Some: false\n') || !report.endsWith('\nSome environment tests failed!'))
        throw new Error(`report ${JSON.stringify(report)}`);
      return 'ok(report with "PATH exists: false" … "Some environment tests failed!")';
    });
  },

  async 'store-test'(load) {
    await scenario('store-test init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/store': storeHost(r) }), undefined);
      expectEq(res, { ok: true, state: te.encode('store tests passed') }, 'result');
      expectEq(
        r.calls.map((c) => c.replace('theater:simple/store/', '')),
        ['new', 'store', 'get', 'exists', 'label', 'get-by-label', 'list-labels'],
        'host calls',
      );
      return `ok("${text(res.state)}"), calls ${r.calls.map((c) => c.replace('theater:simple/store/', '')).join(', ')}`;
    });
    await scenario('store-test, list-labels without the label', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/store': storeHost(r, { dropLabels: true }) }), undefined);
      expectEq(res.error, 'err("store-test: list-labels() does not contain \\"greeting\\"")', 'result');
      return res.error;
    });
  },

  async 'loop-actor'(load) {
    for (const [state, n] of [
      [undefined, 1000],
      [te.encode('5'), 5],
      [te.encode('0'), 0],
    ]) {
      await scenario(`loop-actor init(${state ? `"${text(state)}"` : 'none'})`, async () => {
        const r = recorder();
        const res = callInit(await load({ 'wasi:random/random': randomHost(r, { u64: (i) => i * 3n }) }), state);
        expectEq(r.calls.length, n, 'get-random-u64 calls');
        expectEq(
          new DataView(res.state.buffer, res.state.byteOffset, 8).getBigUint64(0, true),
          BigInt(n) * 3n,
          'state (last value, 8 bytes LE)',
        );
        return `${n} × get-random-u64, ok(8 bytes = ${BigInt(n) * 3n}n)`;
      });
    }
  },

  async 'init-params-actor'(load) {
    await scenario('init-params-actor init(none, ["actor-1234"])', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r) }), undefined, ['actor-1234']);
      expectEq(text(res.state), 'actor-1234', 'state');
      expectEq(r.logs, ['actor-1234'], 'logs');
      return `ok("${text(res.state)}"), logged ${JSON.stringify(r.logs)}`;
    });
  },

  async 'compat-random-actor'(load) {
    await scenario('compat-random-actor init (0.2.0 import, 0.2.3-style host)', async () => {
      const r = recorder();
      const res = callInit(await load({ 'wasi:random/random': randomHost(r) }), undefined);
      expectEq(res, { ok: true, state: te.encode('ok') }, 'result');
      return `ok("ok"), calls ${r.calls.map((c) => c.replace('wasi:random/random/', '')).join(', ')}`;
    });
  },

  async 'random-030-actor'(load) {
    await scenario('random-030-actor (if it were run anyway)', async () => {
      const r = recorder();
      const res = callInit(await load({ 'wasi:random/random': randomHost(r) }), undefined);
      expectEq(res.ok, true, 'result');
      return 'jco binds it by the unversioned key wasi:random/random, so only the version check before instantiation refuses it';
    });
  },

  async 'unknown-import-actor'(load) {
    await scenario('unknown-import-actor instantiated without acme:widgets/gizmo', async () => {
      try {
        await load({});
      } catch (e) {
        return `instantiate fails: ${String(e.message ?? e).split('\n')[0]}`;
      }
      throw new Error('instantiate succeeded without the import');
    });
  },

  async 'unlisted-random-actor'(load) {
    await scenario('unlisted-random-actor (if it were run anyway)', async () => {
      const r = recorder();
      const res = callInit(await load({ 'wasi:random/random': randomHost(r, { u64: () => 7n }) }), undefined);
      expectEq(Array.from(res.state ?? []), [7, 0, 0, 0, 0, 0, 0, 0], 'state');
      return 'runs when the random handler is activated by imports';
    });
  },

  async 'trap-actor'(load) {
    await scenario('trap-actor init', async () => {
      const r = recorder();
      const inst = await load({ 'theater:simple/runtime': runtimeHost(r) });
      const res = callInit(inst, undefined);
      expectEq(r.logs, ['about to trap'], 'logs');
      if (res.ok || !/^trap: .*unreachable/.test(res.error)) throw new Error(`expected a trap, got ${JSON.stringify(res)}`);
      return `logged "about to trap", then ${res.error}`;
    });
  },

  async 'init-error-actor'(load) {
    await scenario('init-error-actor init', async () => {
      const r = recorder();
      const res = callInit(await load({ 'theater:simple/runtime': runtimeHost(r) }), undefined);
      expectEq(res, { ok: false, error: 'err("init failed on purpose: missing configuration")' }, 'result');
      expectEq(r.logs, ['checking configuration'], 'logs');
      return `logged "checking configuration", then ${res.error}`;
    });
  },

  async 'infinite-loop-actor'(_load, dir) {
    await scenario('infinite-loop-actor init in a worker, terminated after 400 ms', async () => {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { dir } });
      const msgs = [];
      w.on('message', (m) => msgs.push(m));
      const exited = new Promise((resolve) => w.once('exit', resolve));
      const errored = new Promise((resolve) => w.once('error', resolve));
      const first = await Promise.race([
        new Promise((r) => setTimeout(() => r('running'), 400)),
        exited.then(() => 'exited'),
        errored.then((e) => `error ${e.message}`),
      ]);
      await w.terminate();
      if (first !== 'running') throw new Error(`the worker ${first} within 400 ms: ${JSON.stringify(msgs)}`);
      expectEq(msgs, [{ log: 'looping forever' }], 'worker messages');
      return 'logged "looping forever", still running after 400 ms, terminated';
    });
  },
};

// ---------------------------------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2);
  const showWit = args.includes('--wit');
  const only = args.filter((a) => !a.startsWith('--'));
  const { buildActors, listActors } = await import('./build.mjs');
  const tb = performance.now();
  const built = await buildActors({ only: only.length ? only : undefined, quiet: true });
  console.log(
    `build: ${built.filter((b) => b.status === 'built').length} built, ${built.filter((b) => b.status !== 'built').length} up to date, ${(performance.now() - tb).toFixed(0)} ms`,
  );
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const { componentWit } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const work = mkdtempSync(join(tmpdir(), 'theater-actor-smoke-'));
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  const names = only.length ? only : listActors();
  const missing = Object.keys(EXPECT).filter((n) => !names.includes(n) && !only.length);
  try {
    for (const name of names) {
      const expect = EXPECT[name];
      if (!expect) {
        checks.push({ ok: false, line: `FAIL ${name}: smoke.mjs has no expectations for it` });
        continue;
      }
      const bytes = readFileSync(join(here, name, `${name}.wasm`));
      // Manifest
      await scenario(`${name} manifest`, async () => {
        const m = readManifest(name);
        expectEq(
          { name: m.name, component: m.component, handlers: m.handlers },
          { name, component: `./${name}.wasm`, handlers: expect.handlers },
          'manifest',
        );
        if (!m.version || !m.description) throw new Error('version or description missing');
        return `handlers ${m.handlers.join(', ')}`;
      });
      // World
      const wit = String(await componentWit(bytes));
      const world = worldOf(wit);
      if (showWit) console.log(`--- ${name}.wasm (${bytes.length} B)\n${wit.trim()}`);
      await scenario(`${name} world`, async () => {
        expectEq([...world.imports].sort(), [...expect.imports].sort(), 'imports');
        expectEq(world.exports, ACTOR, 'exports');
        return `${bytes.length} B; ${world.imports.map((i) => `import ${i}`).join('; ')}; export ${world.exports.join(', ')}`;
      });
      await scenario(`${name} plan`, async () => {
        const got = plan(
          world.imports.filter((i) => i !== 'theater:simple/types'),
          readManifest(name).handlers,
        );
        expectEq(got, expect.plan, 'plan');
        return got;
      });
      // Transpile and run
      const t0 = performance.now();
      const out = await transpileBytes(bytes, { name: 'actor', instantiation: { tag: 'async' }, noWasiShim: true, noTypescript: true });
      let transpileMs = performance.now() - t0;
      const dir = join(work, name);
      for (const [f, data] of Object.entries(out.files)) {
        if (f.endsWith('.d.ts')) continue;
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), data);
      }
      await scenario(`${name} init signature`, async () => {
        const m = /function init\(([^)]*)\)/.exec(readFileSync(join(dir, 'actor.js'), 'utf8'));
        const params = m ? m[1].split(',').filter((x) => x.trim()).length : 0;
        expectEq(params, name === 'init-params-actor' ? 2 : 1, 'init parameters in the generated binding');
        return params === 2 ? 'init(state, params: tuple<string>) (older, Theater c5fe764f)' : 'init(state) (Theater c95f8e90+)';
      });
      const load = (imports) => instantiateFrom(dir, imports);
      const before = checks.length;
      await RUNS[name](load, dir);
      for (const c of checks.slice(before)) {
        c.line += ` [transpile ${transpileMs.toFixed(0)} ms]`;
        transpileMs = 0; // only the first check of an actor paid for the transpile
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const n of missing) checks.push({ ok: false, line: `FAIL ${n}: expected actor folder is missing` });
  for (const c of checks) console.log(c.line.replace(/ \[transpile 0 ms\]$/, ''));
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// Worker mode (infinite-loop-actor): run init of an actor whose only import is runtime.log, posting logs.
if (!isMainThread) {
  const { dir } = workerData;
  const inst = await instantiateFrom(dir, { 'theater:simple/runtime': { log: (m) => parentPort.postMessage({ log: m }) } });
  try {
    inst.actor.init(undefined);
    parentPort.postMessage({ returned: true });
  } catch (e) {
    parentPort.postMessage({ threw: String(e) });
  }
} else {
  await main();
}
