// Replay regression tests: a recorded chain saved beside its actor with a small test file, replayed
// by `theater test` and VS Code's Testing view, so a changed actor is checked against the histories
// it once produced (what Temporal users do with saved histories).
//
// `<actor>/tests/<name>.theater-test.json`:
//   {"format":"theater-test","version":1,"name":"…","manifest":"../manifest.toml","chain":"<name>.chain.json"}
// Paths are relative to the test file; the chain is a Theater chain.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChainFileReader, exportChainFile } from '../chain/chainFile';
import { ChainFileError } from '../chain/errors';
import { FileReadError, readRegularFile } from '../files/readRegular';
import { TheaterError, type StartOptions } from './api';
import type { ReplayReport } from './replay';
import { startActor, type ActorSession } from './session';
import { findFilesBelow } from '../files/findBelow';

export const TEST_FILE_SUFFIX = '.theater-test.json';
const TEST_FILE_MAX_BYTES = 64 * 1024;
/** Folders never searched for tests: dependencies, VCS data, our own run logs. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.theater', 'out', 'dist']);

export interface RegressionTestFile {
  format: 'theater-test';
  version: 1;
  name: string;
  /** The actor's manifest, relative to the test file. */
  manifest: string;
  /** The recorded chain, relative to the test file. */
  chain: string;
}

export interface RegressionTest {
  file: string;
  name: string;
  manifestPath: string;
  chainPath: string;
}

export interface RegressionResult {
  test: RegressionTest;
  passed: boolean;
  /** One sentence: the replay's verdict, or why the test could not run. */
  message: string;
  report?: ReplayReport;
  /** The replay's own chain log (kept when the test failed, removed when it passed). */
  logPath?: string;
  ms: number;
}

/** A test name usable as a file name: letters, digits, `-`, `_`, `.`. */
export function testFileStem(name: string): string {
  const stem = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return stem.slice(0, 80) || 'replay';
}

/** Reads and checks a test file; every problem is one sentence naming the file. */
export function readRegressionTest(file: string): RegressionTest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readRegularFile(file, { maxBytes: TEST_FILE_MAX_BYTES, what: 'test file' }).toString('utf8'));
  } catch (e) {
    throw new TheaterError(`${file} is not a readable JSON test file (${(e as Error).message}).`, 'test-file', file);
  }
  const t = parsed as Partial<RegressionTestFile> | null;
  const problem =
    typeof t !== 'object' || t === null
      ? 'it is not a JSON object'
      : t.format !== 'theater-test'
        ? 'its "format" is not "theater-test"'
        : t.version !== 1
          ? 'its "version" is not 1'
          : typeof t.manifest !== 'string' || t.manifest === ''
            ? 'it has no "manifest" path'
            : typeof t.chain !== 'string' || t.chain === ''
              ? 'it has no "chain" path'
              : undefined;
  if (problem) throw new TheaterError(`${file}: ${problem}; see docs/replay.md for the test file format.`, 'test-file', file);
  const dir = path.dirname(file);
  return {
    file,
    name: typeof t!.name === 'string' && t!.name !== '' ? t!.name : path.basename(file, TEST_FILE_SUFFIX),
    manifestPath: path.resolve(dir, t!.manifest!),
    chainPath: path.resolve(dir, t!.chain!),
  };
}

/** Every `*.theater-test.json` below `dir` (sorted), without entering dependency or log folders. */
export function findRegressionTests(dir: string): string[] {
  return findFilesBelow(dir, { match: (name) => name.endsWith(TEST_FILE_SUFFIX), skipDirs: SKIPPED_DIRS, maxDepth: 12 });
}

export interface SaveOptions {
  chainPath: string;
  /** Default: the manifest recorded in the chain log's header. */
  manifestPath?: string;
  /** Default: the actor's name and the date. */
  name?: string;
}

/**
 * Writes `<manifest dir>/tests/<name>.chain.json` (Theater's format) and `<name>.theater-test.json`
 * beside it; never overwrites: a taken name gets `-2`, `-3`, ….
 */
export function saveRegressionTest(options: SaveOptions): RegressionTest {
  // Streamed: the header names the actor, and the events are copied into the test's chain.json one
  // at a time (a chain of any size; nothing is loaded whole).
  const reader = ChainFileReader.open(options.chainPath);
  const header = reader.header;
  reader.close();
  const manifestPath = options.manifestPath ?? header?.manifestPath ?? undefined;
  if (!manifestPath) {
    throw new TheaterError(
      `${options.chainPath} does not say which actor recorded it (a Theater chain.json has no header); pass the actor's manifest.toml too.`,
      'test-manifest',
      options.chainPath,
    );
  }
  if (!fs.existsSync(manifestPath)) {
    throw new TheaterError(`The actor's manifest ${manifestPath} does not exist; pass the manifest the chain belongs to.`, 'test-manifest');
  }
  const dir = path.join(path.dirname(manifestPath), 'tests');
  fs.mkdirSync(dir, { recursive: true });
  const base = testFileStem(options.name ?? `${header?.actorName ?? 'actor'}-${new Date().toISOString().slice(0, 10)}`);
  for (let n = 1; ; n++) {
    const stem = n === 1 ? base : `${base}-${n}`;
    const testFile = path.join(dir, `${stem}${TEST_FILE_SUFFIX}`);
    const chainFile = path.join(dir, `${stem}.chain.json`);
    if (fs.existsSync(testFile) || fs.existsSync(chainFile)) continue;
    const body: RegressionTestFile = {
      format: 'theater-test',
      version: 1,
      name: options.name ?? stem,
      manifest: path.relative(dir, manifestPath).split(path.sep).join('/'),
      chain: `./${stem}.chain.json`,
    };
    // A replay's own chain ends with its summary; the test replays the run, not the summary.
    const { count } = exportChainFile(options.chainPath, chainFile, { skip: (e) => e.eventType === 'replay-summary' });
    if (count === 0) {
      fs.rmSync(chainFile, { force: true });
      throw new TheaterError(`${options.chainPath} has no events to save as a test.`, 'test-chain');
    }
    fs.writeFileSync(testFile, JSON.stringify(body, null, 2) + '\n', { flag: 'wx' });
    return { file: testFile, name: body.name, manifestPath: path.resolve(manifestPath), chainPath: chainFile };
  }
}

/** Runs init to its end (or failure) and stops the actor, as `theater run` does. */
export async function runToCompletion(session: ActorSession): Promise<void> {
  await new Promise<void>((resolve) => {
    session.once('init-done', () => resolve());
    void session.done().then(() => resolve());
  });
  await session.stop('run finished');
}

export type RunTestOptions = Pick<StartOptions, 'dataDir' | 'callTimeoutMs'>;

/** Replays one saved test; passes when the replay reproduces the recording (verdict `replayed`). */
export async function runRegressionTest(file: string, options: RunTestOptions = {}): Promise<RegressionResult> {
  const t0 = performance.now();
  let test: RegressionTest = { file, name: path.basename(file, TEST_FILE_SUFFIX), manifestPath: '', chainPath: '' };
  // The replay's log goes to a temp folder: a CI run must not write into the actor's folder.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-test-run-'));
  const logPath = path.join(logDir, 'replay.chain.jsonl');
  try {
    test = readRegressionTest(file);
    const session = await startActor({
      ...options,
      manifestPath: test.manifestPath,
      replayChainPath: test.chainPath,
      chainLogPath: logPath,
    });
    await runToCompletion(session);
    const report = session.replayReport;
    const ms = performance.now() - t0;
    if (!report)
      return {
        test,
        passed: false,
        message: `the replay ended before it could be compared: ${session.lastError ?? session.status}`,
        logPath,
        ms,
      };
    const passed = report.verdict === 'replayed';
    if (passed) fs.rmSync(logDir, { recursive: true, force: true });
    return { test, passed, message: report.message, report, ...(passed ? {} : { logPath }), ms };
  } catch (e) {
    fs.rmSync(logDir, { recursive: true, force: true });
    // One test that cannot run is that test's failure, never the end of the whole run.
    const known = e instanceof TheaterError || e instanceof ChainFileError || e instanceof FileReadError;
    const message = known ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    return { test, passed: false, message, ms: performance.now() - t0 };
  }
}
