// Debugger benchmark: Step Back on a 10,000-event chain, measured through the adapter's DAP requests
// (stepBack → stopped, then stackTrace, scopes and the state variable), in this thread's CPU time.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(join(root, 'out', 'src', p));
const { writeChainLog } = out('runtime/chain/log.js');
const { createChainEvent } = out('runtime/chain/hash.js');
const { hostFunctionPayload, wasmCall, wasmResult } = out('runtime/chain/payload.js');
const { TheaterDebugSession } = out('debug/session.js');

const EVENTS = 10_000;
const cpuMs = (f) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};

function chain() {
  const events = [];
  let parent = null;
  const push = (type, data) => {
    const ev = createChainEvent(parent, type, data);
    parent = ev.hash;
    events.push(ev);
  };
  push('wasm', wasmCall('theater:simple/actor.init', 'null'));
  for (let i = 1; i < EVENTS - 1; i++) {
    push(
      'wasi:random/random@0.2.3/get-random-u64',
      hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '[]', `{"U64":${18446744073709551615n - BigInt(i)}}`),
    );
  }
  push('wasm', wasmResult('theater:simple/actor.init', Buffer.from('done'), 'null'));
  return events;
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'theater-bench-debug-'));
  try {
    const file = join(dir, 'big.chain.jsonl');
    writeChainLog(
      file,
      {
        format: 'theater-vscode-chain',
        version: 1,
        actorId: 'bench',
        actorName: 'bench',
        manifestPath: null,
        componentSha256: null,
        startedAt: new Date().toISOString(),
      },
      chain(),
    );
    let last;
    let seq = 1;
    const session = new TheaterDebugSession((m) => {
      if (m.type === 'response') last = m;
    });
    const req = (command, args = {}) => {
      session.handle({ seq: seq++, type: 'request', command, arguments: args });
    };
    const settle = () => new Promise((r) => setImmediate(r));
    req('initialize');
    await settle();
    req('launch', { chain: file, stopOnEntry: true });
    await settle();
    req('configurationDone');
    await settle();
    req('continue', { threadId: 1 });
    await settle(); // to the last event
    const samples = [];
    for (let i = 0; i < 30; i++) {
      samples.push(
        cpuMs(() => {
          req('stepBack', { threadId: 1 });
          req('stackTrace', { threadId: 1 });
          req('scopes', { frameId: 1 });
        }),
      );
      await settle();
      const stateRef = last.body.scopes[1].variablesReference;
      samples[i] += cpuMs(() => req('variables', { variablesReference: stateRef }));
      await settle();
    }
    // The first step back builds the state checkpoints over the whole chain: report it and the floor.
    const first = samples[0];
    const floor = Math.min(...samples.slice(1));
    return [
      {
        metric: `step back on a ${EVENTS}-event chain, first (builds checkpoints)`,
        value: first,
        unit: 'ms CPU',
        goal: '≤ 200',
        met: first <= 200,
      },
      { metric: `step back on a ${EVENTS}-event chain, next ones (floor)`, value: floor, unit: 'ms CPU', goal: '≤ 200', met: floor <= 200 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
