// `theater run` with living actors, as a user runs it: the built bundle in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadChainFile } from '../../src/runtime/chain/chainFile';
import { verifyChain } from '../../src/runtime/chain/verify';
import { actorsCopy, dataDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';

const bin = path.join(projectRoot, 'bin', 'theater');
const skip = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing; run `npm run build` first';

function theater(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('theater run with messages', { skip }, () => {
  test('--send and --request go to the root in order; responses print; --chains-dir writes every chain; exit 0', async () => {
    const m = await actorsCopy(['parent-actor', 'counter-actor']);
    const chains = path.join(path.dirname(m['parent-actor']!), 'chains');
    const r = theater([
      'run',
      m['parent-actor']!,
      '--send',
      'a',
      '--send',
      'b',
      '--request',
      'get',
      '--request',
      'burst',
      '--chains-dir',
      chains,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout.split('\n').filter((l) => l.startsWith('response: ')),
      ['response: 2', 'response: 7'],
    );
    const files = fs.readdirSync(chains).sort();
    assert.equal(files.length, 2);
    assert.match(files[0]!, /^counter-actor-[0-9a-f]{8}\.chain\.json$/);
    assert.match(files[1]!, /^parent-actor-[0-9a-f]{8}\.chain\.json$/);
    for (const f of files) assert.ok(verifyChain(loadChainFile(path.join(chains, f)).events).ok, f);
  });

  test('a failure a supervisor handles exits 0; an unhandled one exits 1 naming the actor and the call; bad data exits 2', async () => {
    const m = await actorsCopy(['parent-actor', 'counter-actor']);
    const handled = theater(['run', m['parent-actor']!, '--request', 'trap', '--json']);
    assert.equal(handled.code, 0, handled.stderr);
    const lines = handled.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.every((l) => typeof l.actor === 'string'));
    assert.match(String(lines.find((l) => 'response' in l)?.response), /^err: .*trapped/);
    const unhandled = theater(['run', m['counter-actor']!, '--send', 'trap']);
    assert.equal(unhandled.code, 1);
    assert.match(
      unhandled.stderr,
      /counter-actor: failed: the actor trapped.* \(actor counter-actor .*, call theater:simple\/message-server-client\.handle-send\)/,
    );
    const bad = theater(['run', m['counter-actor']!, '--send', '@/nonexistent/file']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^theater: cannot read \/nonexistent\/file/);
  });
});
