#!/usr/bin/env node
// Runs test/vscode/suite inside a REAL VS Code (Node) extension host: code-server (the VS Code
// server, from npm) and Debian's chromium driven by playwright-core. The workbench URL carries the
// extensionDevelopmentPath/extensionTestsPath payload; the workbench calls codeAutomationExit(code)
// when the suite is done. Also takes the screenshot the suite asks for (test-results/event-chain.png).
//
// env: CODE_SERVER_ENTRY, NODE24 (from install-tools.sh), CHROMIUM (default /usr/bin/chromium),
//      TEST_TIMEOUT_S (default 300), KEEP_TMP=1, VERBOSE=1
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const testsPath = path.join(root, 'out', 'vscode-suite', 'test', 'vscode', 'suite', 'index');
const entry = process.env.CODE_SERVER_ENTRY;
const node24 = process.env.NODE24;
const timeoutS = Number(process.env.TEST_TIMEOUT_S ?? 300);
if (!entry || !node24) {
  console.error('[runner] CODE_SERVER_ENTRY and NODE24 must be set (run test/vscode/install-tools.sh)');
  process.exit(2);
}

const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-cs-'));
const ws = path.join(tmp, 'workspace');
// The fixture workspace: real test actors with their built components.
// rust-wasi-actor (real toolchain) only where it could be built; its test skips otherwise.
const nativeActor = 'rust-wasi-actor';
const optional = fs.existsSync(path.join(root, 'test-actors', nativeActor, `${nativeActor}.wasm`)) ? [nativeActor] : [];
for (const actor of [
  'wasi-random-test',
  'infinite-loop-actor',
  'unlisted-random-actor',
  'loop-actor',
  'counter-actor',
  'parent-actor',
  ...optional,
]) {
  const from = path.join(root, 'test-actors', actor);
  if (!fs.existsSync(path.join(from, `${actor}.wasm`))) {
    console.error(`[runner] ${actor}.wasm is missing; run npm run build first`);
    process.exit(2);
  }
  fs.cpSync(from, path.join(ws, actor), { recursive: true, filter: (src) => !src.includes(`${path.sep}.theater`) });
}
fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'theater.callTimeoutMs': 300000 }));
const signalDir = path.join(tmp, 'signal');
fs.mkdirSync(signalDir);
const shotPath = path.join(root, 'test-results', 'event-chain.png');
fs.mkdirSync(path.dirname(shotPath), { recursive: true });

const settings = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'workbench.enableExperiments': false,
};
fs.mkdirSync(path.join(tmp, 'user-data', 'User'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'user-data', 'User', 'settings.json'), JSON.stringify(settings, null, 1));
const results = path.join(tmp, 'results.txt');

const freePort = () =>
  new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
const port = await freePort();
const env = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
  XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
  XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  VSCODE_TEST_RESULTS: results,
  THEATER_TEST_SIGNAL_DIR: signalDir,
  TMPDIR: tmp,
};
const server = spawn(
  node24,
  [
    entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--config',
    path.join(tmp, 'config.yaml'),
    '--user-data-dir',
    path.join(tmp, 'user-data'),
    '--extensions-dir',
    path.join(tmp, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--log',
    'info',
    // a built workbench ignores the URL payload unless the smoke-test driver is on
    '--vscode-option',
    'enable-smoke-test-driver',
  ],
  { env, stdio: ['ignore', 'pipe', 'pipe'] },
);
let serverLog = '';
server.stdout.on('data', (d) => {
  serverLog += d;
});
server.stderr.on('data', (d) => {
  serverLog += d;
});
const ready = await new Promise((res) => {
  const iv = setInterval(async () => {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) {
        clearInterval(iv);
        res(true);
      }
    } catch {
      /* not yet */
    }
  }, 200);
  server.once('exit', () => {
    clearInterval(iv);
    res(false);
  });
});
if (!ready) {
  console.error(serverLog);
  process.exit(2);
}
console.log(`[runner] ${ms()} code-server ready`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
if (process.env.VERBOSE) page.on('console', (m) => console.log('[page]', m.type(), m.text()));

// The suite asks for a screenshot by writing screenshot.request; we answer with screenshot.done.
const shotWatcher = fs.watch(signalDir, async (_e, name) => {
  if (name !== 'screenshot.request' || !fs.existsSync(path.join(signalDir, 'screenshot.request'))) return;
  fs.rmSync(path.join(signalDir, 'screenshot.request'), { force: true });
  await page.screenshot({ path: shotPath });
  // Written under another name and renamed, so the suite never sees the file before its content.
  fs.writeFileSync(path.join(signalDir, 'screenshot.tmp'), shotPath);
  fs.renameSync(path.join(signalDir, 'screenshot.tmp'), path.join(signalDir, 'screenshot.done'));
  console.log(`[runner] ${ms()} screenshot ${shotPath}`);
});

let finish;
const done = new Promise((res) => {
  finish = res;
});
await page.exposeFunction('codeAutomationLog', (_type, a) => {
  console.log(`[exthost ${ms()}]`, ...(Array.isArray(a) ? a : [a]));
});
await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
const authority = `127.0.0.1:${port}`;
const payload = [
  ['extensionDevelopmentPath', `vscode-remote://${authority}${root}`],
  ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
  ['skipWelcome', 'true'],
];
await page.goto(`http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
const timer = setTimeout(() => finish({ code: 124, timeout: true }), timeoutS * 1000);
const outcome = await done;
clearTimeout(timer);
shotWatcher.close();
console.log(`[runner] ${ms()} extension host exited with code ${outcome.code}${outcome.timeout ? ' (TIMEOUT)' : ''}`);
await browser.close();
server.kill('SIGTERM');
if (fs.existsSync(results)) process.stdout.write(fs.readFileSync(results, 'utf8'));
else {
  console.error('[runner] the extension host wrote no results');
  console.error(serverLog.slice(-4000));
}
if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
else console.log(`[runner] kept ${tmp}`);
process.exit(outcome.code === 0 ? 0 : 1);
