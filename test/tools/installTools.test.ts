// The real-VS-Code tools installer, checked cheaply from an empty tools folder on every run: it
// installs Node 24 (cached by npm after the first time) and proves that a nested npm install runs its
// install scripts under Node 24 with none of the outer `npm test`'s npm_* variables leaking in — the
// leak that made code-server's postinstall see Node 20 on a fresh machine. Two self-tests run at once
// on the same folder, as two test runs on one machine do: one installs, the other waits and finds it
// installed. The lock both installers share (scripts/install-lock.sh) is checked on its own too.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../helpers/shared';

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  done: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn('bash', args, { env });
  const run: Run = { child, stdout: '', stderr: '', done: Promise.resolve(null) };
  child.stdout.on('data', (b: Buffer) => (run.stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (run.stderr += b.toString('utf8')));
  run.done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return run;
}

/** Resolves once `read()` matches, failing after `ms`. */
function waitFor(run: Run, read: () => string, re: RegExp, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(re)} within ${ms} ms; stderr: ${run.stderr}`)), ms);
    const check = () => {
      if (!re.test(read())) return;
      clearTimeout(timer);
      resolve();
    };
    run.child.stdout.on('data', () => setImmediate(check));
    run.child.stderr.on('data', () => setImmediate(check));
    check();
  });
}

test('two install-tools.sh --self-test at once pass from one empty tools folder, under an npm-run environment; one installs', async () => {
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-tools-'));
  try {
    const script = path.join(projectRoot, 'test', 'vscode', 'install-tools.sh');
    // The variables an outer `npm run` exports, as on CI, whether or not this test runs under npm.
    const env = {
      ...process.env,
      THEATER_TEST_TOOLS: tools,
      npm_config_user_agent: `npm/11 node/${process.version} linux x64`,
      npm_lifecycle_event: 'test',
    };
    const runs = [start([script, '--self-test'], env), start([script, '--self-test'], env)];
    const codes = await Promise.all(runs.map((r) => r.done));
    for (const [i, r] of runs.entries()) {
      assert.equal(codes[i], 0, r.stderr);
      assert.match(r.stderr, /self-test passed/);
    }
    const installers = runs.filter((r) => /\[tools\] installing Node/.test(r.stderr));
    assert.equal(installers.length, 1, runs.map((r) => r.stderr).join('\n---\n'));
  } finally {
    fs.rmSync(tools, { recursive: true, force: true });
  }
});

test('install-lock.sh: a run waits for the holder, then checks again and installs nothing; past its timeout it gives up in one sentence', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-lock-'));
  const lib = path.join(projectRoot, 'scripts', 'install-lock.sh');
  const lock = path.join(dir, 'sub', 'x.lock');
  const marker = path.join(dir, 'installed');
  const script = (body: string) => [
    '-c',
    `set -euo pipefail; . "$1"; m=$3; present() { [ -f "$m" ]; }; install() { echo "installing"; touch "$m"; }; ${body}`,
    'bash',
    lib,
    lock,
    marker,
  ];
  // The holder is a run mid-install: it has the lock and installs once the test lets it go on.
  const holder = start(script('install_lock "$2" "the thing"; echo held; read -r _; install'), process.env);
  try {
    await waitFor(holder, () => holder.stdout, /held/);

    const impatient = start(script('install_once "the thing" "$2" present install'), { ...process.env, THEATER_INSTALL_LOCK_TIMEOUT: '1' });
    assert.equal(await impatient.done, 1);
    assert.equal(impatient.stdout, '');
    assert.match(impatient.stderr, /another run is installing the thing; waiting for it/);
    assert.match(impatient.stderr, /gave up after 1s waiting for the run that holds .*x\.lock/);

    const waiter = start(script('install_once "the thing" "$2" present install'), process.env);
    await waitFor(waiter, () => waiter.stderr, /waiting for it/);
    holder.child.stdin.end('\n');
    assert.equal(await holder.done, 0);
    assert.equal(holder.stdout, 'held\ninstalling\n');
    assert.equal(await waiter.done, 0, waiter.stderr);
    assert.equal(waiter.stdout, '', 'the waiter installs nothing');
    assert.match(waiter.stderr, /the thing: installed by the run this one waited for/);

    // Once present, no lock is taken at all; when absent and free, it installs.
    const after = start(script('install_once "the thing" "$2" present install'), process.env);
    assert.equal(await after.done, 0);
    assert.equal(after.stdout + after.stderr, '');
    fs.rmSync(marker);
    const fresh = start(script('install_once "the thing" "$2" present install'), process.env);
    assert.equal(await fresh.done, 0, fresh.stderr);
    assert.equal(fresh.stdout, 'installing\n');
    assert.ok(fs.existsSync(marker));
  } finally {
    holder.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
