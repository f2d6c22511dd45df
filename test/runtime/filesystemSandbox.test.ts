// The one rule for actor paths (sandboxPath.ts) and the plan's treatment of WASI imports: the
// filesystem unlisted is a sandbox, wasi:io/cli are always served, refusals name the handler.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { filesystemHandler } from '../../src/runtime/handlers/filesystem';
import { planActor } from '../../src/runtime/handlers/plan';
import type { HandlerContext } from '../../src/runtime/handlers/types';
import { resolveInside } from '../../src/runtime/handlers/sandboxPath';
import { tempDir } from '../helpers/actors';

describe('resolveInside: no way out of the folder', () => {
  const base = fs.realpathSync(tempDir('sandbox'));
  const root = path.join(base, 'root');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'out-link'));
  fs.symlinkSync(base, path.join(root, 'out-dir'));
  fs.symlinkSync('sub', path.join(root, 'in-link'));

  test('paths inside resolve, `..` within the folder is fine', () => {
    const r = resolveInside(root, '', 'sub/../sub/new.txt');
    assert.equal(r.refused, false);
    assert.equal(r.refused === false && r.rel, 'sub/new.txt');
    assert.equal(resolveInside(root, 'sub', '..').refused, false);
    assert.equal(resolveInside(root, '', 'in-link/x').refused, false, 'a symlink that stays inside');
  });

  test('`..` above the folder, absolute paths, backslashes and NUL bytes are refused', () => {
    for (const [base_, p, code] of [
      ['', '..', 'not-permitted'],
      ['', '../secret.txt', 'not-permitted'],
      ['sub', '../../secret.txt', 'not-permitted'],
      ['', '/etc/passwd', 'not-permitted'],
      ['', '..\\secret.txt', 'not-permitted'],
      ['', 'a\0b', 'illegal-byte-sequence'],
    ] as const) {
      const r = resolveInside(root, base_, p);
      assert.equal(r.refused, true, `${p} from ${base_ || 'the folder'}`);
      assert.equal(r.refused && r.code, code);
    }
  });

  test('symlinks pointing outside are refused when followed, also for a file to be created below them', () => {
    assert.equal(resolveInside(root, '', 'out-link').refused, true);
    assert.equal(resolveInside(root, '', 'out-dir/new.txt').refused, true);
    assert.match((resolveInside(root, '', 'out-link') as { message: string }).message, /symbolic link/);
    // Not following the last component (unlink, lstat) touches only the link itself.
    assert.equal(resolveInside(root, '', 'out-link', false).refused, false);
  });
});

describe('the plan for WASI toolchain imports', () => {
  const world = (...imports: string[]) => ({
    imports: imports.map((name) => ({ name, kind: 'instance' })),
    exports: [{ name: 'theater:simple/actor', kind: 'instance' }],
  });

  test('wasi:io and wasi:cli are always served; wasi:filesystem unlisted is a sandbox with a hint', () => {
    const plan = planActor(
      world('wasi:io/streams@0.2.12', 'wasi:cli/stdout@0.2.12', 'wasi:filesystem/types@0.2.12', 'wasi:filesystem/preopens@0.2.12'),
      ['runtime'],
    );
    assert.deepEqual(
      plan.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.deepEqual(plan.activeHandlers.sort(), ['filesystem', 'wasi-cli', 'wasi-io']);
    const hints = plan.problems.filter((p) => p.code === 'handler-sandboxed');
    assert.equal(hints.length, 2, 'one hint per handler, not per import');
    assert.match(
      hints.find((h) => h.handlerType === 'filesystem')!.message,
      /imports wasi:filesystem\/types@0\.2\.12; without a filesystem handler it sees no files/,
    );
  });

  test('listing the filesystem handler removes the hint', () => {
    const plan = planActor(world('wasi:filesystem/types@0.2.12'), ['filesystem']);
    assert.deepEqual(
      plan.problems.filter((p) => p.code === 'handler-sandboxed'),
      [],
    );
  });

  test('an incompatible wasi:cli or wasi:io version is refused naming the handler that serves the interface', () => {
    const plan = planActor(world('wasi:cli/stdout@0.3.0', 'wasi:io/streams@0.3.0'), ['runtime']);
    const errors = plan.problems.filter((p) => p.severity === 'error').map((p) => p.message);
    assert.equal(errors.length, 2, 'both at once');
    assert.match(errors[0]!, /wasi:cli\/stdout@0\.3\.0.*wasi:cli\/stdout@0\.2\.3 by the `wasi-cli` handler/);
    assert.match(errors[1]!, /wasi:io\/streams@0\.3\.0.*wasi:io\/streams@0\.2\.3 by the `wasi-io` handler/);
  });
});

describe('theater:simple/filesystem', () => {
  const dir = fs.realpathSync(tempDir('simple-fs'));
  fs.writeFileSync(path.join(dir, 'outside.txt'), 'secret');
  const denials: string[] = [];
  const ctx = {
    manifestDir: dir,
    recordDenial: (iface: string, op: string, subject: string) => denials.push(`${iface} ${op} ${subject}`),
  } as unknown as HandlerContext;
  const fns = filesystemHandler
    .create(ctx, { path: 'folder', new_dir: false, allowed_commands: ['echo'] })
    .functions('theater:simple/filesystem');

  test('write, read, list, exists and delete inside the folder', () => {
    assert.deepEqual(fns['create-dir']!('notes'), { tag: 'ok', val: undefined });
    assert.deepEqual(fns['write-file']!('notes/a.txt', 'hello'), { tag: 'ok', val: undefined });
    assert.deepEqual(fns['read-file']!('notes/a.txt'), { tag: 'ok', val: new Uint8Array(Buffer.from('hello')) });
    assert.deepEqual(fns['list-files']!('notes'), { tag: 'ok', val: ['a.txt'] });
    assert.deepEqual(fns['path-exists']!('notes/a.txt'), { tag: 'ok', val: true });
    assert.deepEqual(fns['delete-file']!('notes/a.txt'), { tag: 'ok', val: undefined });
    assert.deepEqual(fns['path-exists']!('notes/a.txt'), { tag: 'ok', val: false });
    assert.equal(fs.existsSync(path.join(dir, 'folder', 'notes')), true, 'the folder is `path`, relative to the manifest');
  });

  test('escapes get an err and a recorded denial; only allowed commands run, without a shell', () => {
    denials.length = 0;
    const r = fns['read-file']!('../outside.txt') as { tag: string; val: string };
    assert.equal(r.tag, 'err');
    assert.match(r.val, /leads out of the actor's folder/);
    assert.equal((fns['write-file']!('/tmp/x', 'x') as { tag: string }).tag, 'err');
    const denied = fns['execute-command']!('', 'cat', ['../outside.txt']) as { tag: string; val: string };
    assert.match(denied.val, /Command 'cat' not in allowed commands: echo/);
    assert.deepEqual(fns['execute-command']!('', 'echo', ['hi; rm -rf x']), {
      tag: 'ok',
      val: { tag: 'success', val: { stdout: 'hi; rm -rf x\n', stderr: '', exitCode: 0 } },
    });
    assert.deepEqual(denials, [
      'theater:simple/filesystem read-file ../outside.txt',
      'theater:simple/filesystem write-file /tmp/x',
      'theater:simple/filesystem execute-command cat',
    ]);
  });

  test('unlisted (no table): no preopened folder and every simple call refused', () => {
    const sandbox = filesystemHandler.create(ctx, {});
    assert.deepEqual(sandbox.functions('wasi:filesystem/preopens')['get-directories']!(), []);
    assert.equal((sandbox.functions('theater:simple/filesystem')['read-file']!('a') as { tag: string }).tag, 'err');
  });
});
