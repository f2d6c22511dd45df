// Floors for the actors bench: the same kinds of work without the runtime, measured in the same run,
// so a figure can be read as a ratio on a loaded machine. Each floor does only what the runtime must
// do at least: cross the same threads the same way, append one line with one synchronous write, start
// a bare worker, keep an empty worker alive.
import { Worker, MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { openSync, writeSync, closeSync } from 'node:fs';

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const cpuUs = (c) => c.user + c.system;

// An echo worker: answers every message on its parent port; given a port (and the caller's flag), it
// answers on that port and wakes the caller, as a direct route between two actor workers would.
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m && m.port) {
    const f = new Int32Array(m.flag);
    m.port.on('message', (x) => { m.answerPort.postMessage(x); Atomics.store(f, 0, 1); Atomics.notify(f, 0); });
    parentPort.postMessage('ok');
    return;
  }
  parentPort.postMessage(m);
});
parentPort.postMessage('up');
`;

// A caller worker: blocks on Atomics.wait for each answer and takes it off a port with
// receiveMessageOnPort, as an actor's host call does, timing n round trips itself. mode 'relay': the
// question goes to the main thread (which asks the echo worker and relays the answer); 'direct': to
// the echo worker through a MessageChannel.
const CALLER = `
const { parentPort, receiveMessageOnPort, MessageChannel } = require('node:worker_threads');
parentPort.once('message', ({ mode, n, port, flag }) => {
  const f = new Int32Array(flag);
  const { port1: answers, port2: answerPort } = new MessageChannel();
  parentPort.postMessage({ answerPort }, [answerPort]);
  parentPort.once('message', () => {
    const msg = new Uint8Array([103, 101, 116]);
    const xs = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      Atomics.store(f, 0, 0);
      if (mode === 'direct') port.postMessage(msg); else parentPort.postMessage(msg);
      while (Atomics.load(f, 0) === 0) Atomics.wait(f, 0, 0);
      receiveMessageOnPort(answers);
      xs.push((performance.now() - t0) * 1000);
    }
    parentPort.postMessage({ xs });
  });
});
`;

const started = (w) => new Promise((resolve) => w.once('message', resolve));

/** main → worker → main postMessage round trips (µs). */
export async function mainWorkerRoundTrip(n) {
  const w = new Worker(ECHO, { eval: true });
  await started(w);
  const xs = [];
  const msg = new Uint8Array([103, 101, 116]);
  for (let i = 0; i < n + 200; i++) {
    const t0 = performance.now();
    w.postMessage(msg);
    await started(w);
    if (i >= 200) xs.push((performance.now() - t0) * 1000);
  }
  await w.terminate();
  return xs;
}

/**
 * Worker → worker request round trips (µs) with the caller blocked on Atomics.wait: 'relay' through
 * the main thread both ways (four thread hops), 'routed' to the main thread, which passes the question
 * on to the echo worker, which answers the caller itself and wakes it (three hops, the runtime's route
 * since the asked actor's worker answers the caller directly), 'direct' through a MessageChannel
 * between the two workers (two hops).
 */
export async function workerWorkerRoundTrip(mode, n) {
  const echo = new Worker(ECHO, { eval: true });
  await started(echo);
  const caller = new Worker(CALLER, { eval: true });
  const flag = new SharedArrayBuffer(4);
  const f = new Int32Array(flag);
  const { port1, port2 } = new MessageChannel();
  caller.postMessage({ mode, n: n + 200, flag, ...(mode === 'direct' ? { port: port2 } : {}) }, mode === 'direct' ? [port2] : []);
  const { answerPort } = await started(caller);
  if (mode !== 'relay') {
    echo.postMessage({ port: port1, answerPort, flag }, [port1, answerPort]);
    await started(echo);
  }
  const done = new Promise((resolve) => {
    caller.on('message', (m) => {
      if (m.xs) return resolve(m.xs.slice(200));
      if (mode === 'routed') return port2.postMessage(m);
      echo.once('message', (a) => {
        answerPort.postMessage(a);
        Atomics.store(f, 0, 1);
        Atomics.notify(f, 0);
      });
      echo.postMessage(m);
    });
  });
  caller.postMessage('go');
  const xs = await done;
  await caller.terminate();
  await echo.terminate();
  port1.close();
  if (mode === 'routed') port2.close();
  return xs;
}

/** One synchronous append of a `bytes`-long line (wall µs each, CPU µs each). */
export function appendFloor(file, n, bytes = 300) {
  const fd = openSync(file, 'a');
  const line = 'x'.repeat(bytes - 1) + '\n';
  const xs = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    writeSync(fd, line);
    xs.push((performance.now() - t0) * 1000);
  }
  const cpu = cpuUs(process.cpuUsage(c0)) / n;
  closeSync(fd);
  return { xs, cpu };
}

/** A bare worker: new Worker until its first message (ms each). */
export async function bareSpawn(n) {
  const xs = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const w = new Worker(ECHO, { eval: true });
    await started(w);
    xs.push(performance.now() - t0);
    await w.terminate();
  }
  return xs;
}

/** RSS per empty worker (MiB) with `k` of them alive. */
export async function emptyWorkerRss(k, resourceLimits) {
  global.gc?.();
  const before = process.memoryUsage().rss;
  const ws = [];
  for (let i = 0; i < k; i++) {
    const w = new Worker(ECHO, { eval: true, ...(resourceLimits ? { resourceLimits } : {}) });
    await started(w);
    ws.push(w);
  }
  const per = (process.memoryUsage().rss - before) / k / 2 ** 20;
  await Promise.all(ws.map((w) => w.terminate()));
  return per;
}

export { pct, receiveMessageOnPort };
