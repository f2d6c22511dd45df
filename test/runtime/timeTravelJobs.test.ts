// The editor's time-travel commands do their whole-chain work in a worker (timeTravelJobs.ts): the
// answers are the same as the CLI's functions on its own thread, and the extension's code reaches
// none of those functions directly (so nothing indexes a chain on the extension host's thread).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ChainLogWriter } from '../../src/runtime/chain/log';
import { encodeParams, encodeTyped } from '../../src/runtime/chain/typedValue';
import { resolveImport } from '../../src/runtime/handlers/registry';
import { Recorder } from '../../src/runtime/host/recorder';
import { parseOverride, recordedEvents } from '../../src/runtime/host/timeTravel';
import { servedByWorker, TimeTravelJobs } from '../../src/runtime/host/timeTravelJobs';
import { tempDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const IFACE = 'wasi:random/random@0.2.3';
const EVENTS = 20_000;

/** A chain of `EVENTS` get-random-u64 calls (event i returned i). */
function generate(file: string): void {
  const resolved = resolveImport(IFACE);
  assert.equal(resolved.status === 'unresolved', false);
  const spec = (resolved as Exclude<typeof resolved, { status: 'unresolved' }>).provider.iface.functions.find(
    (f) => f.name === 'get-random-u64',
  )!;
  const writer = ChainLogWriter.create(file, {
    format: 'theater-vscode-chain',
    version: 1,
    actorId: 'jobs',
    actorName: 'jobs',
    manifestPath: '/nonexistent/manifest.toml',
    componentSha256: '0'.repeat(64),
    startedAt: new Date(0).toISOString(),
  });
  const rec = new Recorder(writer, undefined, undefined, { keepEvents: false });
  for (let i = 0; i < EVENTS; i++)
    rec.recordHostCall(IFACE, 'get-random-u64', encodeParams(spec.params, []), encodeTyped(spec.result!, BigInt(i)));
  rec.close();
}

test('What If…, Fork from Here and Save as Regression Test: the worker answers as the CLI functions do', async () => {
  const dir = tempDir('time-travel-jobs');
  const file = path.join(dir, 'jobs.chain.jsonl');
  generate(file);
  const jobs = new TimeTravelJobs();
  try {
    servedByWorker.length = 0;
    const target = await jobs.whatIfTarget(file, 12_345);
    assert.deepEqual(target, { eventType: `${IFACE}/get-random-u64`, output: '12345' });
    assert.equal(await jobs.whatIfTarget(file, EVENTS), null, 'past the end: not a host call with an output');
    assert.equal(await jobs.checkOverride(file, '12345=7'), null);
    const events = recordedEvents(file);
    const inThread = (text: string) => {
      try {
        parseOverride(text, events, file);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const bad of ['12345="x"', '12345=-1', `${EVENTS}=1`, 'x=1']) {
      const sentence = await jobs.checkOverride(file, bad);
      assert.ok(sentence, `${bad} is refused`);
      assert.equal(sentence, inThread(bad), `the same sentence as the CLI's for ${bad}`);
    }
    assert.deepEqual(await jobs.parseOverrides(file, ['3=18446744073709551615']), [parseOverride('3=18446744073709551615', events, file)]);
    await jobs.checkFork(file, EVENTS - 1);
    await assert.rejects(jobs.checkFork(file, EVENTS), new RegExp(`has events 0\\.\\.${EVENTS - 1}; pass an index in that range\\.$`));
    assert.deepEqual(servedByWorker, [
      'what-if-target',
      'what-if-target',
      'check-override',
      'check-override',
      'check-override',
      'check-override',
      'check-override',
      'parse-overrides',
      'check-fork',
      'check-fork',
    ]);
  } finally {
    jobs.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the extension's commands reach the whole-chain functions only through the worker", () => {
  // A call of any of these reads or indexes a whole chain on the thread that makes it.
  const heavy =
    /\b(?:recordedEvents|parseOverride|checkForkPoint|saveRegressionTest|startWhatIf|startFork|exportChainFile|loadChainFile)\s*\(|\bChainEventIndex\b/g;
  const dir = path.join(projectRoot, 'src', 'extension');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('timeTravelCommands.ts') && files.includes('regressionTests.ts'), files.join(', '));
  const found: string[] = [];
  for (const f of files) {
    const code = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\/\/.*$/gm, '');
    for (const m of code.matchAll(heavy)) found.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
  const commands = fs.readFileSync(path.join(dir, 'timeTravelCommands.ts'), 'utf8');
  for (const call of ['whatIfTarget', 'checkOverride', 'parseOverrides', 'checkFork', 'startParsedWhatIf', 'startCheckedFork'])
    assert.ok(commands.includes(call), `timeTravelCommands.ts uses ${call}`);
  assert.ok(fs.readFileSync(path.join(dir, 'regressionTests.ts'), 'utf8').includes('jobs.saveTest('));
});
