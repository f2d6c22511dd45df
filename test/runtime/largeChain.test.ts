// Forks, what-if and the debugger over a chain too large to hold: they index the file in one
// streaming pass and read back only the events they look at. Measured as heap, not time.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ChainEventIndex } from '../../src/runtime/chain/eventIndex';
import { ChainLogWriter } from '../../src/runtime/chain/log';
import { wasmResult } from '../../src/runtime/chain/payload';
import { checkForkPoint, recordedEvents } from '../../src/runtime/host/timeTravel';
import { Recorder } from '../../src/runtime/host/recorder';
import { Timeline } from '../../src/debug/timeline';
import { tempDir } from '../helpers/actors';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const EVENTS = 60_000;
const DATA_BYTES = 1000;

function generate(file: string): void {
  const writer = ChainLogWriter.create(file, {
    format: 'theater-vscode-chain',
    version: 1,
    actorId: 'large',
    actorName: 'large',
    manifestPath: '/nonexistent/manifest.toml',
    componentSha256: '0'.repeat(64),
    startedAt: new Date(0).toISOString(),
  });
  const rec = new Recorder(writer, () => {}, undefined, { keepEvents: false });
  const filler = 'x'.repeat(DATA_BYTES);
  for (let i = 0; i < EVENTS; i++) {
    if (i % 100 === 0) rec.record('wasm', wasmResult('theater:simple/actor.init', Buffer.from(String(i)), '[]'));
    else rec.record('theater:simple/runtime/log', Buffer.from(JSON.stringify({ category: 'log', message: `${i} ${filler}` })));
  }
  rec.close();
}

test(`a ${EVENTS.toLocaleString('en-US')}-event chain (~60 MB): fork checks and the debugger's timeline stay within a few MiB of heap`, () => {
  const file = path.join(tempDir('large-chain'), 'large.chain.jsonl');
  generate(file);
  const size = fs.statSync(file).size;
  assert.ok(size > EVENTS * DATA_BYTES, `${size} bytes`);

  const before = heapMiB();
  const events = recordedEvents(file);
  assert.equal(events.count, EVENTS);
  checkForkPoint(events, EVENTS - 1, file);
  assert.throws(() => checkForkPoint(events, EVENTS, file), /has events 0\.\.59999/);
  const { index } = ChainEventIndex.scan(file);
  const timeline = new Timeline(index, true);
  assert.equal(timeline.length, EVENTS);
  for (let i = 0; i < EVENTS; i += 997) {
    assert.equal(timeline.event(i)!.eventType, i % 100 === 0 ? 'wasm' : 'theater:simple/runtime/log');
    const state = timeline.stateAt(i);
    assert.equal(state.fromEvent, Math.floor(i / 100) * 100);
  }
  assert.match(Buffer.from(events.at(EVENTS - 1)!.data).toString(), /^\{"category":"log","message":"59999 /);
  const grown = heapMiB() - before;
  process.stdout.write(`# heap grew by ${grown.toFixed(2)} MiB for a ${(size / 2 ** 20).toFixed(0)} MiB chain\n`);
  // Holding the events would take more than the file's 60 MB; the indexes take 8 bytes per 256 events.
  assert.ok(grown < 16, `heap grew by ${grown.toFixed(1)} MiB for a ${(size / 2 ** 20).toFixed(0)} MiB chain`);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
