// The §1 hostile-input rules, each with its input generated here: store ids and labels are names,
// chain log names are safe and exclusive, the environment fails closed, and only regular files are read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { ChainLogHeader } from '../../src/runtime/chain/event';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { readChainLog } from '../../src/runtime/chain/log';
import { createChainLogExclusive } from '../../src/runtime/chain/logName';
import { environmentHandler, isVariableAllowed } from '../../src/runtime/handlers/environment';
import { storeHandler } from '../../src/runtime/handlers/store';
import type { HandlerContext } from '../../src/runtime/handlers/types';
import { TheaterError } from '../../src/runtime/host/api';
import { prepareRun } from '../../src/runtime/host/prepare';
import { actorCopy, tempDir } from '../helpers/actors';

type R = { tag: 'ok' | 'err'; val: any };
const ctxFor = (dir: string) => ({ actorId: 'a', actorName: 'a', manifestDir: dir, dataDir: dir }) as unknown as HandlerContext;

describe('store ids and labels are names, never paths', () => {
  test('"..", "." and 300-character names get the WIT error; nothing is written outside the store', () => {
    const dir = tempDir('store-names');
    const fns = storeHandler.create(ctxFor(dir), { base_path: './store' }).functions('theater:simple/store');
    const id = (fns['new']!() as R).val as string;
    const bytes = new Uint8Array([1, 2, 3]);
    for (const [what, r] of [
      ['store-at-label("..")', fns['store-at-label']!('..', 'pwn', bytes)],
      ['list-all-content("..")', fns['list-all-content']!('..')],
      ['list-labels("..")', fns['list-labels']!('..')],
      ['calculate-total-size("..")', fns['calculate-total-size']!('..')],
      ['label "."', fns['store-at-label']!(id, '.', bytes)],
      ['label ".."', fns['store-at-label']!(id, '..', bytes)],
      ['label of 300 characters', fns['store-at-label']!(id, 'x'.repeat(300), bytes)],
      ['store id of 300 characters', fns['store']!('y'.repeat(300), bytes)],
    ] as const) {
      const res = r as R;
      assert.equal(res.tag, 'err', what);
      assert.doesNotMatch(String(res.val), /ENOENT|ENAMETOOLONG|EISDIR/, what);
    }
    assert.deepEqual(fs.readdirSync(dir).sort(), ['store']);
    assert.ok(!fs.existsSync(path.join(dir, 'pwn')));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('chain log names from manifest data', () => {
  const header = (id: string): ChainLogHeader => ({
    format: 'theater-vscode-chain',
    version: 1,
    actorId: id,
    actorName: 'x',
    manifestPath: null,
    componentSha256: null,
    startedAt: '2026-01-01T00:00:00.000Z',
  });

  test('"../", NUL and 300 characters stay inside .theater/chains as safe names', () => {
    const root = tempDir('log-names');
    const chains = path.join(root, 'a', '.theater', 'chains');
    for (const name of ['../../../escaped-by-name', 'nul\0byte', 'n'.repeat(300)]) {
      const file = createChainLogExclusive(chains, name, '12345678-aaaa-4000-8000-000000000000', header('1'));
      assert.equal(path.dirname(file), chains, JSON.stringify(name));
      assert.ok(path.basename(file).length <= 120 && !path.basename(file).includes('\0'));
    }
    assert.deepEqual(fs.readdirSync(root), ['a']);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('two runs whose ids share their first 8 characters get two logs, never one', () => {
    const chains = tempDir('log-prefix');
    const a = createChainLogExclusive(chains, 'same', 'abcdef12-0000-4000-8000-000000000001', header('first'));
    const b = createChainLogExclusive(chains, 'same', 'abcdef12-0000-4000-8000-000000000002', header('second'));
    assert.notEqual(a, b);
    assert.equal(readChainLog(a).header.actorId, 'first');
    assert.equal(readChainLog(b).header.actorId, 'second');
    fs.rmSync(chains, { recursive: true, force: true });
  });
});

describe('the environment handler fails closed', () => {
  test('allowed_vars = [] allows none; __proto__ and toString are plain missing variables', () => {
    assert.equal(isVariableAllowed({ allowed_vars: [] }, 'PATH'), false);
    const denials: string[] = [];
    const ctx = {
      ...ctxFor(os.tmpdir()),
      recordDenial: (_i: string, _o: string, s: string) => denials.push(s),
    } as unknown as HandlerContext;
    const fns = environmentHandler.create(ctx, {}).functions('theater:simple/environment');
    for (const name of ['__proto__', 'toString', 'constructor']) {
      assert.equal(fns['get-var']!(name), undefined, name);
      assert.equal(fns['exists']!(name), false, name);
    }
    const none = environmentHandler.create(ctx, { allowed_vars: [] }).functions('theater:simple/environment');
    assert.equal(none['get-var']!('PATH'), undefined);
    assert.deepEqual(denials, ['PATH']);
  });

  for (const [what, extra, expected] of [
    ['a misspelt key', 'allowed_var = ["PATH"]\n', /allowed_var/],
    ['a second environment table', '\n[[handler]]\ntype = "environment"\ndenied_vars = ["HOME"]\n', /listed twice/],
  ] as const) {
    test(`${what} is an error at start, not a fallback to allow-all`, async () => {
      const manifest = await actorCopy('environment-test', (m) => `${m}${extra}`);
      assert.throws(
        () => prepareRun({ manifestPath: manifest }),
        (e: unknown) => e instanceof TheaterError && expected.test(e.message),
      );
    });
  }
});

describe('only regular files are read', () => {
  const fifoDir = tempDir('fifo');
  const fifo = path.join(fifoDir, 'pipe');
  let haveFifo = true;
  try {
    execFileSync('mkfifo', [fifo], { timeout: 5000 });
  } catch {
    haveFifo = false;
  }
  const link = path.join(fifoDir, 'zero-link');
  fs.symlinkSync('/dev/zero', link);
  const targets = [['/dev/zero', '/dev/zero'], ['a symlink to /dev/zero', link], ...(haveFifo ? [['a FIFO', fifo]] : [])] as const;

  for (const [what, file] of targets) {
    for (const key of ['component', 'init_state'] as const) {
      test(`${key} = ${what}: one sentence, quickly`, async () => {
        const manifest = await actorCopy('loop-actor', (m) =>
          key === 'component'
            ? m.replace(/^component = .*$/m, `component = ${JSON.stringify(file)}`)
            : `init_state = ${JSON.stringify(file)}\n${m}`,
        );
        const t0 = Date.now();
        assert.throws(
          () => prepareRun({ manifestPath: manifest }),
          (e: unknown) => e instanceof TheaterError && /not a regular file/.test(e.message) && !e.message.includes('\n    at '),
        );
        assert.ok(Date.now() - t0 < 5000);
      });
    }
    test(`chain = ${what}: one sentence, quickly`, () => {
      assert.throws(
        () => loadChainFile(file),
        (e: unknown) => e instanceof Error && /not a regular file/.test(e.message),
      );
    });
  }
});
