// Mocha entry loaded by the extension host (extensionTestsPath). Writes `N passed, N failed` to
// $VSCODE_TEST_RESULTS because the host's stdout does not reach the CI log.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120000 });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures: number) => {
      out(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      const file = process.env.VSCODE_TEST_RESULTS;
      if (file) fs.writeFileSync(file, lines.join('\n') + '\n');
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => out(`  ok   ${t.fullTitle()} (${t.duration}ms)`));
    runner.on('fail', (t, err) => out(`  FAIL ${t.fullTitle()}: ${err && err.message}`));
  });
}
