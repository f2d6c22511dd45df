// `theater test [dir]`: replays every saved regression test below dir, one line per test and a
// closing `N passed, M failed` line; exit 1 when any test failed.
import * as path from 'node:path';
import { stringifyLossless } from '../runtime/chain/json';
import { findRegressionTests, runRegressionTest, saveRegressionTest } from '../runtime/host/regressionTests';
import { escapeControlChars } from '../runtime/text/escape';
import { numberOption, type ParsedArgs } from './args';

export async function runTests(rest: string[], args: ParsedArgs): Promise<number> {
  const save = args.options.get('save');
  if (save !== undefined) {
    const manifest = args.options.get('manifest');
    const name = args.options.get('name');
    const saved = saveRegressionTest({
      chainPath: path.resolve(save),
      ...(manifest ? { manifestPath: path.resolve(manifest) } : {}),
      ...(name ? { name } : {}),
    });
    process.stdout.write(`saved ${escapeControlChars(saved.name)}: ${escapeControlChars(saved.file)}\n`);
    return 0;
  }
  const dir = path.resolve(rest[0] ?? '.');
  const timeout = numberOption(args, 'timeout');
  const json = args.flags.has('json');
  const files = findRegressionTests(dir);
  if (files.length === 0) process.stderr.write(`theater: no *.theater-test.json files below ${escapeControlChars(dir)}\n`);
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const r = await runRegressionTest(file, {
      ...(timeout ? { callTimeoutMs: timeout } : {}),
      ...(args.options.has('data-dir') ? { dataDir: path.resolve(args.options.get('data-dir')!) } : {}),
    });
    if (r.passed) passed++;
    else failed++;
    const where = path.relative(process.cwd(), file) || file;
    if (json) {
      process.stdout.write(
        stringifyLossless({ test: r.test.name, file, passed: r.passed, message: r.message, ms: Math.round(r.ms), log: r.logPath ?? null }) +
          '\n',
      );
    } else {
      const tail = r.passed
        ? `(${r.report?.total ?? 0} events, ${Math.round(r.ms)} ms)`
        : `— ${r.message}${r.logPath ? ` (replay log: ${r.logPath})` : ''}`;
      process.stdout.write(escapeControlChars(`${r.passed ? 'PASS' : 'FAIL'} ${r.test.name}  ${where}  ${tail}`) + '\n');
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
