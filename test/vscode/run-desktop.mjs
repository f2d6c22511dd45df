#!/usr/bin/env node
// The same suite on desktop VS Code through @vscode/test-electron, where VS Code can be downloaded
// (it cannot on machines without internet access: there use `npm run test:vscode`, code-server).
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-desktop-'));
for (const actor of ['wasi-random-test', 'infinite-loop-actor', 'unlisted-random-actor', 'loop-actor']) {
  fs.cpSync(path.join(root, 'test-actors', actor), path.join(ws, actor), { recursive: true, filter: (s) => !s.includes('.theater') });
}
fs.mkdirSync(path.join(ws, '.vscode'));
fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'theater.callTimeoutMs': 300000 }));
const results = path.join(ws, 'results.txt');
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'vscode-suite', 'test', 'vscode', 'suite', 'index'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { VSCODE_TEST_RESULTS: results },
  });
} catch (e) {
  console.error(`desktop VS Code tests failed or could not start: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  if (fs.existsSync(results)) process.stdout.write(fs.readFileSync(results, 'utf8'));
}
