// Replay regression tests: saved beside the actor, replayed by `theater test` (the built CLI in a
// child process), one line per test and the closing `N passed, M failed` line; a changed actor fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { TheaterError } from '../../src/runtime/host/api';
import { findRegressionTests, readRegressionTest, runRegressionTest, saveRegressionTest } from '../../src/runtime/host/regressionTests';
import { actorCopy, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const bin = path.join(projectRoot, 'bin', 'theater');
const skip = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing; run `npm run build` first';

function theater(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('replay regression tests', () => {
  test('save writes the chain and the test file beside the actor, never overwriting', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const live = await runToEnd(manifest);
    const saved = saveRegressionTest({ chainPath: live.session.logPath, name: 'random run' });
    const dir = path.join(path.dirname(manifest), 'tests');
    assert.equal(saved.file, path.join(dir, 'random-run.theater-test.json'));
    assert.deepEqual(JSON.parse(fs.readFileSync(saved.file, 'utf8')), {
      format: 'theater-test',
      version: 1,
      name: 'random run',
      manifest: '../manifest.toml',
      chain: './random-run.chain.json',
    });
    assert.deepEqual(
      loadChainFile(saved.chainPath).events.map((e) => e.hash),
      loadChainFile(live.session.logPath).events.map((e) => e.hash),
    );
    const again = saveRegressionTest({ chainPath: live.session.logPath, name: 'random run' });
    assert.equal(path.basename(again.file), 'random-run-2.theater-test.json');
    assert.deepEqual(readRegressionTest(again.file), { ...again });
    assert.deepEqual(findRegressionTests(path.dirname(manifest)), [saved.file, again.file].sort());
    const r = await runRegressionTest(saved.file, { dataDir });
    assert.equal(r.passed, true, r.message);
    assert.equal(r.report?.verdict, 'replayed');
    assert.throws(
      () => saveRegressionTest({ chainPath: saved.chainPath }),
      (e: unknown) => e instanceof TheaterError && /has no header\); pass the actor's manifest\.toml too\./.test(e.message),
    );
  });

  test('theater test: one line per test, the closing count, exit 1 when the actor changed', { skip }, async () => {
    const manifest = await actorCopy('wasi-random-test');
    const actorDir = path.dirname(manifest);
    saveRegressionTest({ chainPath: (await runToEnd(manifest)).session.logPath, name: 'first' });
    const second = theater(['test', '--save', (await runToEnd(manifest)).session.logPath, '--name', 'second'], actorDir);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `saved second: ${path.join(actorDir, 'tests', 'second.theater-test.json')}\n`);
    const ok = theater(['test'], actorDir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const lines = ok.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^PASS first {2}tests\/first\.theater-test\.json {2}\(8 events, \d+ ms\)$/);
    assert.match(lines[1]!, /^PASS second {2}tests\/second\.theater-test\.json {2}\(8 events, \d+ ms\)$/);
    assert.equal(lines[2], '2 passed, 0 failed');

    // The actor changes: its component now makes other calls than the recordings have.
    fs.copyFileSync(path.join(projectRoot, 'test-actors', 'loop-actor', 'loop-actor.wasm'), path.join(actorDir, 'wasi-random-test.wasm'));
    fs.writeFileSync(path.join(actorDir, 'tests', 'broken.theater-test.json'), '{"format":"theater-test","version":1}');
    const bad = theater(['test', actorDir], projectRoot);
    assert.equal(bad.code, 1);
    const badLines = bad.stdout.trim().split('\n');
    assert.equal(badLines.length, 4);
    assert.match(badLines[0]!, /^FAIL broken .*broken\.theater-test\.json: it has no "manifest" path; see docs\/replay\.md/);
    assert.match(
      badLines[1]!,
      /^FAIL first .* — Replay diverged at event 1: the recording has wasi:random\/random@0\.2\.3\/get-random-bytes/,
    );
    assert.match(badLines[2]!, /^FAIL second /);
    assert.equal(badLines[3], '0 passed, 3 failed');
  });
});
