// Actors built from source by real toolchains (Debian clang + wasi-libc with jco's preview1 reactor
// adapter, Debian rustc for wasm32-wasi and wasm32-unknown-unknown): each runs, its chain verifies,
// and a replay from its chain gives identical hashes. They skip with one message when the toolchains
// cannot be installed here (test-actors/build-native.mjs says why).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { decodeEvent } from '../../src/runtime/chain/decode';
import { toHex } from '../../src/runtime/chain/hash';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { startActor } from '../../src/runtime/host/session';
import { validateManifestFile } from '../../src/runtime/validation/manifest';
import { actorCopy, buildNativeActors, dataDir, runToEnd } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

/** Skips the test when the real-toolchain actors could not be built; true when it may go on. */
async function native(t: TestContext): Promise<boolean> {
  const s = await buildNativeActors();
  if (!s.available) t.skip(s.reason);
  return s.available;
}

function verifiedChain(logPath: string) {
  const { events } = loadChainFile(logPath);
  const v = verifyChain(events);
  assert.ok(v.ok, `chain ${logPath} must verify: ${v.firstBad?.message}`);
  return events;
}

const text = (s: Uint8Array | null | undefined) => (s ? Buffer.from(s).toString('utf8') : '');

/** Runs the actor, collecting its stdout/stderr, then replays its chain and checks every hash. */
async function runAndReplay(manifest: string, beforeReplay: () => void = () => {}) {
  const session = await startActor({ manifestPath: manifest, dataDir });
  const out = { stdout: '', stderr: '' };
  session.on('output', (stream: 'stdout' | 'stderr', bytes: Uint8Array) => (out[stream] += Buffer.from(bytes).toString('utf8')));
  await Promise.race([new Promise((r) => session.once('init-done', r)), session.done()]);
  const outcome = await session.stop('test finished');
  const events = verifiedChain(session.logPath);
  beforeReplay();
  const replay = await runToEnd(manifest, { replayChainPath: session.logPath });
  assert.equal(replay.session.replayReport?.verdict, 'replayed', replay.session.replayReport?.message);
  const replayed = verifiedChain(replay.session.logPath).filter((e) => e.eventType !== 'replay-summary');
  assert.deepEqual(
    replayed.map((e) => toHex(e.hash)),
    events.map((e) => toHex(e.hash)),
    'the replay has the recorded hashes',
  );
  return { outcome, events, out, replayOutcome: replay.outcome };
}

const types = (events: ReturnType<typeof verifiedChain>) => events.map((e) => e.eventType);

describe('real-toolchain actors', () => {
  test('C (clang + wasi-libc + preview1 adapter): stdout, stderr, getentropy and a file; replay writes nothing', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('c-wasi-actor');
    const files = path.join(path.dirname(manifest), 'files');
    const greeting = path.join(files, 'greeting.txt');
    let written = '';
    // The replay answers every call from the chain: the file the live run wrote is not written again.
    const { outcome, events, out } = await runAndReplay(manifest, () => {
      written = fs.readFileSync(greeting, 'utf8');
      fs.rmSync(greeting);
    });
    assert.equal(fs.existsSync(greeting), false, 'the replay wrote no file');
    assert.equal(written, 'hello, file');
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(text(outcome.state), 'entropy=16 file=hello, file');
    assert.equal(out.stdout, 'hello from C\nread back: hello, file\n');
    assert.equal(out.stderr, 'C writes to stderr\n');
    assert.ok(types(events).includes('wasi:random/random@0.2.12/get-random-bytes'));
    assert.ok(types(events).includes('wasi:filesystem/types@0.2.12/[method]descriptor.open-at'));
  });

  test('C: escapes from the folder (.., /.., a symlink out) are refused, recorded, and replay identically', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('c-wasi-actor', (m) => 'init_state = "state.json"\n' + m);
    const dir = path.dirname(manifest);
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'secret');
    fs.writeFileSync(path.join(dir, 'files', 'inside.txt'), 'fine');
    fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(dir, 'files', 'out-link'));
    fs.writeFileSync(path.join(dir, 'state.json'), '"escape"');
    const { outcome, events } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    // errno 63 is wasi-libc's EPERM (not-permitted); inside.txt opens.
    assert.equal(text(outcome.state), 'dotdot=63 abs=63 link=63 inside=0');
    const denials = events.filter((e) => e.eventType === 'wasi:filesystem/types/permission-denied').map((e) => decodeEvent(e).summary);
    assert.equal(denials.length, 3, denials.join('\n'));
    assert.ok(denials.some((d) => d.includes('symbolic link')));
  });

  test('C without a filesystem handler still starts and sees no preopened folder (a sandbox, not a refusal)', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('c-wasi-actor', (m) => m.replace(/\[\[handler\]\]\ntype = "filesystem"\npath = "\.\/files"\n/, ''));
    const check = validateManifestFile(manifest);
    assert.deepEqual(
      check.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.ok(
      check.diagnostics.some((d) => d.code === 'handler-sandboxed' && /without a filesystem handler it sees no files/.test(d.message)),
    );
    const { outcome, events } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.match(text(outcome.state), /^entropy=16 file=errno \d+$/);
    const preopens = events.find((e) => e.eventType === 'wasi:filesystem/preopens@0.2.12/get-directories')!;
    assert.equal(decodeEvent(preopens).summary, '() → ()');
  });

  test('C calling exit(3) ends the actor like a stop, with code 1 (the preview1 adapter passes a non-zero code as err); replay identical', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('c-wasi-actor', (m) => 'init_state = "state.json"\n' + m);
    fs.writeFileSync(path.join(path.dirname(manifest), 'state.json'), '"exit:3"');
    const { outcome, events, out, replayOutcome } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(outcome.exitCode, 1);
    assert.equal(replayOutcome.exitCode, 1);
    assert.equal(out.stdout, 'exiting with 3\n');
    assert.deepEqual(types(events).slice(-2), ['wasi:cli/exit@0.2.12/exit', 'shutdown']);
    assert.equal(decodeEvent(events.at(-2)!).summary, '({err: null}) → ()');
  });

  test('Rust wasm32-wasi (std): println!, eprintln!, arguments and variables only as the manifest grants', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('rust-wasi-actor');
    const { outcome, out } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(text(outcome.state), 'rust-wasi ok: 0 state bytes, 0 args, var unset');
    assert.equal(out.stdout, 'hello from Rust std\nargs=[] THEATER_RUST_VAR=unset\n');
    assert.equal(out.stderr, 'Rust writes to stderr\n');

    const granted = await actorCopy(
      'rust-wasi-actor',
      (m) =>
        m +
        '\n[[handler]]\ntype = "environment"\nallowed_vars = ["THEATER_RUST_VAR"]\nallow_list_all = true\n' +
        '\n[[handler]]\ntype = "wasi-cli"\nargs = ["prog", "one"]\n',
    );
    process.env.THEATER_RUST_VAR = 'granted';
    process.env.THEATER_RUST_SECRET = 'never';
    try {
      const g = await runAndReplay(granted);
      assert.equal(text(g.outcome.state), 'rust-wasi ok: 0 state bytes, 2 args, var granted');
      const env = g.events.find((e) => e.eventType === 'wasi:cli/environment@0.2.12/get-environment')!;
      assert.equal(decodeEvent(env).summary, '() → [["THEATER_RUST_VAR", "granted"]]');
    } finally {
      delete process.env.THEATER_RUST_VAR;
      delete process.env.THEATER_RUST_SECRET;
    }
  });

  test('JavaScript (componentize-js): console.log and console.error on an upstream-style manifest', async (t) => {
    // Needs no apt: built whenever npm installed componentize-js.
    await buildNativeActors();
    if (!fs.existsSync(path.join(projectRoot, 'test-actors', 'js-actor', 'js-actor.wasm'))) return t.skip('js-actor was not built');
    const manifest = await actorCopy('js-actor');
    const { outcome, out } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(text(outcome.state), 'js ok: 0 state bytes');
    assert.equal(out.stdout, 'hello from JavaScript\n');
    assert.equal(out.stderr, 'JS writes to stderr\n');
  });

  test('Rust wasm32-unknown-unknown with hand-written canonical ABI: log and a seeded u64', async (t) => {
    if (!(await native(t))) return;
    const manifest = await actorCopy('rust-bare-actor');
    const { outcome, events } = await runAndReplay(manifest);
    assert.equal(outcome.status, 'stopped', outcome.error);
    assert.equal(outcome.state?.length, 8);
    assert.deepEqual(types(events), ['wasm', 'theater:simple/runtime/log', 'wasi:random/random@0.2.3/get-random-u64', 'wasm', 'shutdown']);
  });
});
