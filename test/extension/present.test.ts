// The views' pure logic: event rows lead with function and value, tab titles, Filter and Go to
// Event input, actor rows (a user stop is not a failure), Output lines, earlier runs on disk.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { createChainEvent } from '../../src/runtime/chain/hash';
import { hostFunctionPayload, wasmCall } from '../../src/runtime/chain/payload';
import { actorRow, endState, outputLine } from '../../src/extension/present/actorRow';
import {
  describeFilter,
  filterPrompt,
  filterText,
  findByHashPrefix,
  hashHasPrefix,
  parseEventTarget,
  parseFilter,
} from '../../src/extension/present/chainQuery';
import { eventDocTitle, eventRowText } from '../../src/extension/present/eventRow';
import { listPastRuns, sizeText } from '../../src/extension/present/pastRuns';

const u64Event = (n: number) =>
  createChainEvent(
    null,
    'wasi:random/random@0.2.3/get-random-u64',
    hostFunctionPayload('wasi:random/random@0.2.3', 'get-random-u64', '{"Tuple":[]}', `{"U64":${n}}`),
  );

describe('event rows', () => {
  test('a host call leads with the function and its value; the interface and hash go to the description', () => {
    const ev = u64Event(12345);
    const row = eventRowText(3, ev.eventType, decodeEvent(ev), 'abcd1234');
    assert.equal(row.label, '3  get-random-u64() → 12345');
    assert.equal(row.description, 'wasi:random/random@0.2.3 · abcd1234');
  });

  test('a wasm call shows the export by its short name', () => {
    const ev = createChainEvent(null, 'wasm', wasmCall('theater:simple/actor.init', new TextEncoder().encode('null')));
    const row = eventRowText(0, 'wasm', decodeEvent(ev), 'ffff0000');
    assert.equal(row.label, '0  init()');
    assert.equal(row.description, 'wasm · theater:simple/actor · ffff0000');
  });

  test('control characters from a file are escaped in rows', () => {
    const ev = createChainEvent(null, 'evil\u001b[2K\rtype', new TextEncoder().encode('"x"'));
    const row = eventRowText(1, ev.eventType, decodeEvent(ev), 'h');
    assert.ok(!/[\u0000-\u001f]/.test(row.label + row.description), JSON.stringify(row));
  });

  test('tabs are titled by chain, event and function, with no slash', () => {
    assert.equal(
      eventDocTitle('wasi-random-test', 3, 'wasi:random/random@0.2.3/get-random-u64', 'json'),
      'wasi-random-test event 3 (get-random-u64).json',
    );
    assert.equal(eventDocTitle('a/b', 0, 'wasm', 'hex'), 'a_b event 0 (wasm).hex');
  });
});

describe('Filter and Go to Event input', () => {
  test('filters: text, type:, empty clears; shown back as typed', () => {
    assert.deepEqual(parseFilter('  random '), { text: 'random' });
    assert.deepEqual(parseFilter('type: wasm'), { type: 'wasm' });
    assert.deepEqual(parseFilter('type:'), {});
    assert.deepEqual(parseFilter(''), {});
    assert.equal(filterText({ type: 'wasm' }), 'type:wasm');
    assert.equal(filterText({ text: 'u64' }), 'u64');
    assert.equal(describeFilter({ text: 'zz' }), '"zz"');
    assert.match(filterPrompt('loop-actor · 1a2b3c4d'), /of loop-actor · 1a2b3c4d /);
  });

  test('an index in range, `#12`, a hash prefix, and clear reasons for the rest', () => {
    assert.deepEqual(parseEventTarget('12', 100), { kind: 'index', index: 12 });
    assert.deepEqual(parseEventTarget('#7', 100), { kind: 'index', index: 7 });
    assert.deepEqual(parseEventTarget('584D8e1b', 100), { kind: 'hash', prefix: '584d8e1b' });
    assert.deepEqual(parseEventTarget('0x584d', 100), { kind: 'hash', prefix: '584d' });
    assert.deepEqual(parseEventTarget('5840', 100), { kind: 'hash', prefix: '5840' }, 'a 4-digit number out of range is a hash prefix');
    assert.equal(parseEventTarget('5840', 10_000).kind, 'index');
    assert.match((parseEventTarget('150', 100) as { reason: string }).reason, /0 to 99/);
    assert.match((parseEventTarget('abc', 100) as { reason: string }).reason, /at least 4/);
    assert.match((parseEventTarget('xyz!', 100) as { reason: string }).reason, /neither/);
    assert.equal(parseEventTarget('  ', 100).kind, 'invalid');
  });

  test('hash prefixes match nibble by nibble, odd lengths too', () => {
    const h = Uint8Array.from([0x58, 0x4d, 0x8e, 0x1b]);
    assert.ok(hashHasPrefix(h, '584d8'));
    assert.ok(hashHasPrefix(h, '584d8e1b'));
    assert.ok(!hashHasPrefix(h, '584d9'));
    assert.ok(!hashHasPrefix(h, '584d8e1b00'));
    const events = Array.from({ length: 50 }, (_, i) => u64Event(i));
    const want = Buffer.from(events[37]!.hash).toString('hex').slice(0, 10);
    assert.deepEqual(
      findByHashPrefix((i) => events[i]?.hash, events.length, want),
      [37],
    );
  });
});

describe('actor rows', () => {
  const base = { name: 'loop-actor', id: '1a2b3c4d5e6f', events: 59814 };
  test('a Stop by the user is a normal end: grey, "stopped by you", no error text', () => {
    const row = actorRow({ ...base, status: 'failed', lastError: 'stopped from VS Code while a call was running', stoppedByUser: true });
    assert.equal(row.alarming, false);
    assert.notEqual(row.icon, 'error');
    assert.match(row.description, /^stopped by you · 59,814 events · 1a2b3c4d$/);
    assert.equal(endState({ status: 'failed', stoppedByUser: true }), 'stopped by you');
  });

  test("the actor's own failure is red with its reason; a live one counts its events", () => {
    const failed = actorRow({ ...base, status: 'failed', lastError: 'the actor trapped: unreachable' });
    assert.equal(failed.alarming, true);
    assert.equal(failed.icon, 'error');
    assert.match(failed.description, /failed · 59,814 events · the actor trapped: unreachable/);
    const live = actorRow({ ...base, status: 'running' });
    assert.equal(live.contextValue, 'theaterActorRunning');
    assert.match(live.description, /^running · 59,814 events/);
  });

  test('a replay shows its verdict', () => {
    const row = actorRow({ ...base, status: 'stopped', replayOf: '/x.chain.jsonl', verdict: 'diverged' });
    assert.equal(row.label, 'replay: loop-actor');
    assert.match(row.description, /stopped · 59,814 events · diverged/);
    assert.equal(row.icon, 'warning');
  });

  test('Output lines carry a UTC timestamp', () => {
    assert.equal(outputLine(new Date(Date.UTC(2026, 11, 3, 13, 47, 31, 42)), '[a] started'), '2026-12-03 13:47:31.042 [a] started');
  });
});

describe('earlier runs', () => {
  test('lists logs newest first from the header line, skips shown ones and other files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-past-'));
    try {
      const write = (name: string, header: object | null, mtime: number) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, (header ? JSON.stringify({ format: 'x', ...header }) + '\n' : '') + 'x'.repeat(100_000));
        fs.utimesSync(f, mtime, mtime);
        return f;
      };
      const older = write('loop-actor-1a2b3c4d.chain.jsonl', { actorName: 'loop-actor', startedAt: '2026-12-01T00:00:00Z' }, 1000);
      const newer = write('odd-name-0000aaaa.chain.jsonl', null, 2000);
      const shown = write('shown-11112222.chain.jsonl', { actorName: 'shown' }, 3000);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      const runs = listPastRuns([dir, path.join(dir, 'missing')], new Set([shown]));
      assert.deepEqual(
        runs.map((r) => [r.file, r.name]),
        [
          [newer, 'odd-name'],
          [older, 'loop-actor'],
        ],
      );
      assert.equal(runs[1]!.startedAt, '2026-12-01T00:00:00Z');
      assert.equal(sizeText(runs[1]!.size), '100 KB');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
