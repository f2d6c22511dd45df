// The `theater` CLI as a user runs it: the built bundle in a child process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readChainLog } from '../../src/runtime/chain/log';
import { verifyChain } from '../../src/runtime/chain/verify';
import { actorCopy, dataDir, tempDir } from '../helpers/actors';
import { projectRoot, sharedPath, skipUnlessShared } from '../helpers/shared';

const bin = path.join(projectRoot, 'bin', 'theater');
const built = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'));
const skip = built ? false : 'dist/cli.js is missing; run `npm run build` first';
/** The real-toolchain actors are built by `npm run build` when the toolchains could be installed. */
const nativeSkip = () =>
  fs.existsSync(path.join(projectRoot, 'test-actors', 'rust-wasi-actor', 'rust-wasi-actor.wasm'))
    ? false
    : 'the real-toolchain actors are not built (test-actors/build-native.mjs says why)';

function theater(args: string[], cwd = projectRoot) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { cwd, encoding: 'utf8', env: { ...process.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('theater CLI', { skip }, () => {
  test('run: streams events, writes a Theater chain.json, exits 0', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const out = path.join(path.dirname(manifest), 'out', 'chain.json');
    const r = theater(['run', manifest, '--chain-out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+0 584d8e1 wasm/m);
    assert.match(r.stdout, /wasi:random\/random@0\.2\.3\/get-random-u64/);
    assert.match(r.stderr, /init returned Ok/);
    const v = theater(['chain', 'verify', out]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /intact, 8 events/);
  });

  test('run --json: one JSON object per event, u64 exact', async () => {
    const r = theater(['run', await actorCopy('wasi-random-test'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]!.event_type, 'wasm');
    assert.equal(lines.at(-1)!.done, true);
    assert.ok(lines.some((l) => l.event_type === 'wasi:random/random@0.2.3/get-random-u64'));
    // JSON.parse would round a u64; the raw line must carry the exact digits, the same as the summary's.
    for (const raw of r.stdout.split('\n').filter((l) => l.includes('/get-random-u64'))) {
      const m = /"summary":"\(\) → (\d+)".*"output":(\d+)[,}]/.exec(raw);
      assert.ok(m, raw);
      assert.equal(m[2], m[1]);
      assert.ok(BigInt(m[2]!) < 2n ** 64n);
    }
  });

  test('run: a failing actor exits 1 with one sentence', async () => {
    const r = theater(['run', await actorCopy('init-error-actor')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed: init returned an error: init failed on purpose/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('run --timeout on a guest growing its memory page by page: exit 1, the chain ends with the time limit', async () => {
    const manifest = await actorCopy('hostile-guest-actor', (m) => `init_state = "./state.json"\n${m}`);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '3');
    // A 1 GiB cap: before the grow hook this run took minutes (the worker outlived the time limit until the cap).
    const r = theater(['run', manifest, '--timeout', '1000', '--max-memory', '1024', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { category?: string; error?: string; ok?: boolean });
    assert.equal(lines.at(-1)!.ok, false);
    assert.match(lines.at(-1)!.error ?? '', /init did not finish within the 1000 ms time limit/);
    assert.deepEqual(
      lines.slice(-3, -1).map((l) => l.category),
      ['wasm-error', 'shutdown'],
    );
  });

  test('run: an unusable manifest or bad arguments exit 2 without a stack trace', async () => {
    const r = theater(['run', await actorCopy('random-030-actor')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^theater: .*manifest\.toml:\d+:\d+: error: .*wasi:random\/random@0\.3\.0/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const bad = theater(['run']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /needs a manifest\.toml/);
    const unknown = theater(['frobnicate']);
    assert.equal(unknown.code, 2);
  });

  test('run: names every unresolved import at once, as check does', async () => {
    const r = theater(['run', await actorCopy('unknown-import-actor')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^theater: .*acme:widgets\/gizmo@1\.0\.0.*\[import-unresolved\]\ntheater: .*acme:widgets\/sprocket@1\.0\.0.*\[import-unresolved\]$/m,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test("run: the actor's stdout and stderr are shown live beside its log", { skip: nativeSkip() }, async () => {
    const r = theater(['run', await actorCopy('rust-wasi-actor')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[rust-wasi-actor\] hello from Rust std$/m);
    assert.match(r.stderr, /^\[rust-wasi-actor stderr\] Rust writes to stderr$/m);
  });

  test('run: a first start says it is transpiling; a cached start does not', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const fresh = tempDir('cli-transpile');
    const run = () => spawnSync(process.execPath, [bin, 'run', manifest, '--data-dir', fresh], { encoding: 'utf8' });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stderr,
      /^theater: transpiling wasi-random-test's component \(0\.0 MB\) for its first start; later starts use the cache…$/m,
    );
    const second = run();
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /transpiling/);
  });

  test("check and run hold a .toml to the manifest rule: Julia's Manifest.toml is refused in one sentence, exit 2", () => {
    const dir = tempDir('julia-cli');
    const julia = path.join(dir, 'Manifest.toml');
    fs.writeFileSync(julia, 'julia_version = "1.10.0"\nmanifest_format = "2.0"\n\n[[deps.Example]]\nversion = "0.5.3"\n');
    for (const command of ['check', 'run']) {
      const r = theater([command, julia]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^theater: .*Manifest\.toml is not a Theater manifest: .*`manifest\.toml`/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(r.stdout, '');
    }
  });

  test('check: file:line:col: severity: message [code], exit 1 on errors', async () => {
    const manifest = await actorCopy('unlisted-random-actor');
    const r = theater(['check', manifest]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /manifest\.toml:\d+:\d+: error: .*add \[\[handler\]\] type = "random"\. \[handler-not-listed\]/);
    const ok = theater(['check', await actorCopy('wasi-random-test')]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  test('handlers --json lists every type with interfaces and config from the registry', () => {
    const r = theater(['handlers', '--json']);
    assert.equal(r.code, 0);
    const list = JSON.parse(r.stdout) as Array<{ type: string; interfaces: Array<{ name: string }>; config: Array<{ name: string }> }>;
    const random = list.find((h) => h.type === 'random')!;
    assert.ok(random.interfaces.some((i) => i.name === 'wasi:random/random@0.2.3'));
    assert.ok(random.config.some((c) => c.name === 'seed'));
    assert.ok(list.some((h) => h.type === 'timing') && list.some((h) => h.type === 'store'));
    for (const h of list)
      assert.deepEqual(Object.keys(h), ['type', 'summary', 'always_available', 'interfaces', 'exports', 'config'], h.type);
  });

  test(
    'chain verify names the first bad event; show decodes; diff finds the divergence',
    { skip: skipUnlessShared('fixtures', 'theater-chains') },
    () => {
      const fixture = sharedPath('fixtures', 'theater-chains', 'wasi-random-test.chain.json')!;
      const show = theater(['chain', 'show', fixture]);
      assert.equal(show.code, 0);
      assert.match(show.stdout, /12529243227765134399/);
      const events = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Array<{ data: number[] }>;
      events[3]!.data[5] ^= 1;
      const dir = tempDir('tamper');
      const tampered = path.join(dir, 'tampered.json');
      fs.writeFileSync(tampered, JSON.stringify(events));
      const v = theater(['chain', 'verify', tampered]);
      assert.equal(v.code, 1);
      assert.match(v.stdout, /^event 3: /);
      const d = theater(['chain', 'diff', fixture, tampered]);
      assert.equal(d.code, 1);
      assert.match(d.stdout, /first divergence at event 3/);
      // --listing: the aligned, decoded listing (the diff editor's) as a unified diff from event 3 on.
      const l = theater(['chain', 'diff', fixture, tampered, '--listing']);
      assert.equal(l.code, 1);
      assert.match(l.stdout, /^--- .*\n\+\+\+ .*\n {2}… 1 identical event\n {2}event 1 {2}wasi:random/);
      assert.match(
        l.stdout,
        /^ {2}event 3 {2}wasi:random\/random@0\.2\.3\/get-random-u64\n {4}hash {4}7ee79fa348f66b524c07969dc0c3abea8cea1b27\n- /m,
      );
    },
  );

  test('kill -9 in the middle of a run leaves a log that verifies', async () => {
    const manifest = await actorCopy(
      'loop-actor',
      (m) => `init_state = "./state.json"\n${m.replace('type = "random"', 'type = "random"\nseed = 3')}`,
    );
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '50000000');
    const logDir = path.join(path.dirname(manifest), '.theater', 'chains');
    const child = spawn(process.execPath, [bin, 'run', manifest, '--data-dir', dataDir, '--timeout', '600000'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // Wait until the log holds a few thousand events (or the run ends early, which fails the test), then kill.
    const log = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!fs.existsSync(logDir)) return;
        const file = fs.readdirSync(logDir).find((f) => f.endsWith('.chain.jsonl'));
        if (file && fs.statSync(path.join(logDir, file)).size > 400_000) {
          clearInterval(poll);
          resolve(path.join(logDir, file));
        }
      }, 20);
      child.once('exit', (code) => {
        clearInterval(poll);
        reject(new Error(`theater run ended (${code}) before it could be killed: ${stderr}`));
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const contents = readChainLog(log);
    assert.ok(contents.events.length > 1000, `events recorded before the kill: ${contents.events.length}`);
    const verdict = verifyChain(contents.events);
    assert.ok(verdict.ok, verdict.firstBad?.message);
  });
});
