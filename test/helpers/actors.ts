// Test actors: built once per test process (incremental), copied to a temp folder per test so
// logs, stores and edited manifests never touch the source tree.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ActorOutcome } from '../../src/runtime/host/api';
import { startActor, type ActorSession } from '../../src/runtime/host/session';
import { projectRoot } from './shared';

let built: Promise<void> | undefined;
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;

export function buildActors(): Promise<void> {
  built ??= importEsm(pathToFileURL(path.join(projectRoot, 'test-actors', 'build.mjs')).href)
    .then((m: { buildActors: (o?: object) => Promise<unknown> }) => m.buildActors({ quiet: true }))
    .then(() => undefined);
  return built;
}

export interface NativeActors {
  available: boolean;
  /** Why the real-toolchain actors could not be built (no apt, not root): their tests skip with it. */
  reason?: string;
}
let nativeBuilt: Promise<NativeActors> | undefined;

/** Builds the real-toolchain actors (test-actors/build-native.mjs: cached by input hash). */
export function buildNativeActors(): Promise<NativeActors> {
  nativeBuilt ??= importEsm(pathToFileURL(path.join(projectRoot, 'test-actors', 'build-native.mjs')).href).then(
    (m: { buildNativeActors: (o?: object) => Promise<NativeActors> }) => m.buildNativeActors({ quiet: true }),
  );
  return nativeBuilt;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `theater-test-${prefix}-`));
}

/** Copies an actor's sources only: chains of earlier runs (.theater) and a user's saved regression tests (tests/) stay behind. */
const leaveRunsBehind = (src: string) => !src.includes(`${path.sep}.theater`) && !/[\\/]tests([\\/]|$)/.test(src.slice(projectRoot.length));

/** A temp copy of test-actors/<name>; `edit` may rewrite its manifest. Returns the manifest path. */
export async function actorCopy(name: string, edit?: (manifest: string) => string): Promise<string> {
  await buildActors();
  const dir = tempDir(name);
  // Chains from earlier runs in the source folder stay behind.
  fs.cpSync(path.join(projectRoot, 'test-actors', name), dir, { recursive: true, filter: leaveRunsBehind });
  const manifest = path.join(dir, 'manifest.toml');
  if (edit) fs.writeFileSync(manifest, edit(fs.readFileSync(manifest, 'utf8')));
  return manifest;
}

/** One data dir for the whole test process: the transpile cache is shared, stores are not reused. */
export const dataDir = tempDir('data');

export interface RunResult {
  session: ActorSession;
  outcome: ActorOutcome;
  initOk: boolean;
}

/** Starts the actor, waits for init to finish (or the actor to end), then stops it, like `theater run`. */
export async function runToEnd(
  manifestPath: string,
  opts: { callTimeoutMs?: number; replayChainPath?: string; maxMemoryMiB?: number } = {},
): Promise<RunResult> {
  const session = await startActor({ manifestPath, dataDir, ...opts });
  const initOk = await new Promise<boolean>((resolve) => {
    session.once('init-done', () => resolve(true));
    void session.done().then(() => resolve(false));
  });
  const outcome = await session.stop('test finished');
  return { session, outcome, initOk };
}

/** Temp copies of several test actors side by side (a parent finds `../<child>/manifest.toml`); returns each manifest path. */
export async function actorsCopy(
  names: string[],
  edit: Record<string, (manifest: string) => string> = {},
): Promise<Record<string, string>> {
  await buildActors();
  const root = tempDir('system');
  const out: Record<string, string> = {};
  for (const name of names) {
    const dir = path.join(root, name);
    fs.cpSync(path.join(projectRoot, 'test-actors', name), dir, { recursive: true, filter: leaveRunsBehind });
    const manifest = path.join(dir, 'manifest.toml');
    const e = edit[name];
    if (e) fs.writeFileSync(manifest, e(fs.readFileSync(manifest, 'utf8')));
    out[name] = manifest;
  }
  return out;
}
