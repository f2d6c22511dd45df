// The real-VS-Code tools installer, checked cheaply from an empty tools folder on every run: it
// installs Node 24 (cached by npm after the first time) and proves that a nested npm install runs its
// install scripts under Node 24 with none of the outer `npm test`'s npm_* variables leaking in — the
// leak that made code-server's postinstall see Node 20 on a fresh machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../helpers/shared';

test('install-tools.sh --self-test passes from an empty tools folder, under an npm-run environment', () => {
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-tools-'));
  try {
    const r = spawnSync('bash', [path.join(projectRoot, 'test', 'vscode', 'install-tools.sh'), '--self-test'], {
      encoding: 'utf8',
      // The variables an outer `npm run` exports, as on CI, whether or not this test runs under npm.
      env: {
        ...process.env,
        THEATER_TEST_TOOLS: tools,
        npm_config_user_agent: `npm/11 node/${process.version} linux x64`,
        npm_lifecycle_event: 'test',
      },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /self-test passed/);
  } finally {
    fs.rmSync(tools, { recursive: true, force: true });
  }
});
