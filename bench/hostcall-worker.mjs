// One side of the host-call benchmark, run in a fresh worker so no side inherits another's JIT state
// or component instances. Reports the CPU time of this thread (not wall time) for `n` calls.
import { createRequire } from 'node:module';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { root, mode, n, bindingsDir, line, file } = workerData;
const require = createRequire(join(root, 'package.json'));
const out = (p) => require(join(root, 'out', 'src', p));
const { threadCpuMs } = out('runtime/host/threadCpu.js');
const { randomHandler } = out('runtime/handlers/random.js');
const { bindInterface, ResourceTable } = out('runtime/host/binder.js');

const randomFns = () => randomHandler.create({}, { seed: 1n, max_bytes: 1048576 }).functions('wasi:random/random');
const digits = new TextEncoder().encode(String(n));

async function floor() {
  // One bare synchronous write of an event-sized line per "call": the floor of the kill-safety guarantee.
  const buf = Buffer.from(line, 'utf8');
  const fd = openSync(file, 'a');
  const c0 = threadCpuMs();
  for (let i = 0; i < n; i++) writeSync(fd, buf, 0, buf.length);
  const cpu = threadCpuMs() - c0;
  closeSync(fd);
  return cpu;
}

async function plainCore() {
  // The component's own core module, its import a plain JS function (the same seeded handler).
  const mod = await WebAssembly.compile(readFileSync(join(bindingsDir, 'actor.core.wasm')));
  const u64 = randomFns()['get-random-u64'];
  const inst = await WebAssembly.instantiate(mod, { 'wasi:random/random@0.2.3': { 'get-random-u64': u64 } });
  const { memory, cabi_realloc: realloc } = inst.exports;
  const ptr = realloc(0, 0, 1, digits.length);
  new Uint8Array(memory.buffer, ptr, digits.length).set(digits);
  const c0 = threadCpuMs();
  inst.exports['theater:simple/actor#init'](1, ptr, digits.length);
  return threadCpuMs() - c0;
}

async function glue() {
  // jco's generated glue and our binder, nothing recorded.
  const { instantiate } = await import(pathToFileURL(join(bindingsDir, 'actor.js')).href);
  const spec = randomHandler.interfaces.find((i) => i.name === 'wasi:random/random');
  const imports = {
    'wasi:random/random': bindInterface({
      importName: 'wasi:random/random@0.2.3',
      iface: spec,
      impl: randomFns(),
      record: () => {},
      resources: new ResourceTable(),
      allInterfaces: [spec],
    }),
  };
  const inst = await instantiate((f) => WebAssembly.compile(readFileSync(join(bindingsDir, f))), imports);
  const actor = inst['theater:simple/actor'] ?? inst.actor;
  const c0 = threadCpuMs();
  actor.init(digits);
  return threadCpuMs() - c0;
}

const cpuMs = await { floor, 'plain-core': plainCore, glue }[mode]();
parentPort.postMessage({ cpuMs });
