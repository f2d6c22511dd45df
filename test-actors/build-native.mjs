// Builds the real-toolchain test actors from source with Debian's toolchains (installed on demand by
// scripts/install-toolchains.sh, outside the clone), into <name>/<name>.wasm:
//   actor.c  → clang --target=wasm32-wasi (reactor) → component with jco's preview1 reactor adapter
//   actor.rs → /usr/bin/rustc --target wasm32-wasi (std; preview1 adapter) when world.wit imports no
//              WASI itself, or --target wasm32-unknown-unknown when the actor says `// target: bare`
//   actor.js → componentize-js (StarlingMonkey), needs no apt; features http and fetch-event disabled
//              unless the actor says `// features: default` (then its component imports wasi:http too)
//              A world.wit line `// wasi-wit: wasi:http@0.2.10` appends that WASI package (and the
//              wasi:io and wasi:clocks it uses, at the same version) from jco's bundled WIT.
// The componentization uses jco's JS API (componentEmbed → componentNew), with the actor's world.wit
// followed by wit/deps.wit as one WIT source (build.mjs's witSourceFor).
//
//   node test-actors/build-native.mjs [--force] [name …]
//   import { buildNativeActors } from './test-actors/build-native.mjs'; const r = await buildNativeActors();
//   // r.available === false → r.reason says why (no apt, not root): tests of these actors skip with it.
//
// Cached by input hash: a build is skipped when <name>/.build-hash holds the SHA-256 of the source,
// world.wit (with the WASI WIT it asks for), wit/deps.wit, this script, the adapter and the compiler's
// version line.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, witSourceFor, worldName } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const INSTALLER = join(root, 'scripts', 'install-toolchains.sh');
const CLANG = 'clang';
// Debian's rustc: the rustup toolchain first on PATH on these machines has no wasm32 target.
const RUSTC = '/usr/bin/rustc';

const SOURCES = ['actor.c', 'actor.rs', 'actor.js'];

/** Folders of test-actors/ with an actor.c, actor.rs or actor.js and a world.wit, sorted. */
export function listNativeActors() {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'world.wit')))
    .filter((d) => SOURCES.some((f) => existsSync(join(here, d.name, f))))
    .map((d) => d.name)
    .sort();
}

/** A JS actor needs only npm packages; C and Rust need the Debian toolchains. */
const isJs = (name) => existsSync(join(here, name, 'actor.js'));

let toolchains;
/**
 * Makes sure the toolchains are installed: `install-toolchains.sh --check` (a few ms when they are),
 * else the installer as root or through `sudo -n`. Never throws: `{ available: false, reason }` when
 * they cannot be installed here.
 */
export function ensureToolchains({ quiet = false } = {}) {
  if (toolchains) return toolchains;
  const check = spawnSync('bash', [INSTALLER, '--check'], { encoding: 'utf8' });
  if (check.status === 0) return (toolchains = { available: true });
  const missing = check.stdout.trim();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  const sudo = !asRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!hasApt || (!asRoot && !sudo)) {
    const why = !hasApt ? 'apt-get is not available' : 'installing needs root (or sudo without a password)';
    return (toolchains = {
      available: false,
      reason: `the real-toolchain test actors need Debian packages (${missing}) and ${why}; run scripts/install-toolchains.sh as root to build them`,
    });
  }
  if (!quiet) console.log(`[toolchains] installing ${missing} (once, with apt-get)`);
  const t0 = performance.now();
  const run = spawnSync(asRoot ? 'bash' : 'sudo', asRoot ? [INSTALLER] : ['-n', 'bash', INSTALLER], {
    stdio: ['ignore', 'inherit', quiet ? 'pipe' : 'inherit'],
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    const tail = (run.stderr ?? '').trim().split('\n').slice(-1)[0] ?? '';
    return (toolchains = { available: false, reason: `scripts/install-toolchains.sh failed${tail ? `: ${tail}` : ''}` });
  }
  if (!quiet) console.log(`[toolchains] installed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return (toolchains = { available: true, installedMs: performance.now() - t0 });
}

let adapter;
function adapterBytes() {
  // The full jco package ships the preview1 adapters (jco-transpile does not).
  // (jco's exports map hides package.json; its main module lives in dist/.)
  const require = createRequire(import.meta.url);
  const jcoDir = dirname(dirname(require.resolve('@bytecodealliance/jco')));
  return (adapter ??= readFileSync(join(jcoDir, 'lib', 'wasi_snapshot_preview1.reactor.wasm')));
}

function componentizeVersion() {
  // ESM-only (its exports map has only an `import` condition): resolve it the ESM way.
  const main = fileURLToPath(import.meta.resolve('@bytecodealliance/componentize-js'));
  return `componentize-js ${JSON.parse(readFileSync(join(dirname(dirname(main)), 'package.json'), 'utf8')).version}`;
}

const versions = new Map();
function versionOf(tool) {
  if (!versions.has(tool)) versions.set(tool, execFileSync(tool, ['--version'], { encoding: 'utf8' }).split('\n')[0]);
  return versions.get(tool);
}

/** How one actor is compiled: the compiler, its arguments, and whether the preview1 adapter is needed. */
function recipe(name) {
  const dir = join(here, name);
  const out = join(dir, `.${name}.${process.pid}.core.wasm`);
  if (isJs(name)) {
    const source = join(dir, 'actor.js');
    const all = /^\/\/ features: default$/m.test(readFileSync(source, 'utf8'));
    return { source, tool: 'componentize-js', args: all ? [] : ['--disable', 'http', 'fetch-event'], out, adapter: false };
  }
  if (existsSync(join(dir, 'actor.c'))) {
    return {
      source: join(dir, 'actor.c'),
      tool: CLANG,
      args: ['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-Wl,--strip-debug', '-o', out, join(dir, 'actor.c')],
      out,
      adapter: true,
    };
  }
  const source = join(dir, 'actor.rs');
  const bare = /^\/\/ target: bare$/m.test(readFileSync(source, 'utf8'));
  return {
    source,
    tool: RUSTC,
    args: [
      '--target',
      bare ? 'wasm32-unknown-unknown' : 'wasm32-wasi',
      '--crate-type',
      'cdylib',
      '--edition',
      '2021',
      '-C',
      'opt-level=s',
      '-C',
      'strip=debuginfo',
      '-C',
      'panic=abort',
      '-o',
      out,
      source,
    ],
    out,
    adapter: !bare,
  };
}

let wasmTools;
const loadWasmTools = () => (wasmTools ??= import('@bytecodealliance/jco'));

/** Builds one actor (no cache check). Returns the component bytes. */
export async function buildNativeActor(name) {
  const dir = join(here, name);
  const worldText = readFileSync(join(dir, 'world.wit'), 'utf8');
  const world = worldName(worldText);
  if (!world) throw new Error('its world.wit declares no world');
  const r = recipe(name);
  if (isJs(name)) return componentizeJs(r.source, withWasiWit(worldText), world, r.args.length ? ['http', 'fetch-event'] : []);
  const compiled = spawnSync(r.tool, r.args, { encoding: 'utf8' });
  if (compiled.status !== 0) {
    throw new Error(`${r.tool} failed: ${(compiled.stderr || compiled.error?.message || '').trim().split('\n').slice(0, 6).join(' | ')}`);
  }
  const core = readFileSync(r.out);
  try {
    const { componentEmbed, componentNew } = await loadWasmTools();
    const embedded = await componentEmbed({ binary: core, witSource: witSourceFor(worldText), world, stringEncoding: 'utf8' });
    return await componentNew(embedded, r.adapter ? [['wasi_snapshot_preview1', adapterBytes()]] : []);
  } finally {
    rmSync(r.out, { force: true });
  }
}

/** componentize-js from its JS API; the WIT (world.wit + deps.wit) goes through a temp file. */
async function componentizeJs(sourcePath, worldText, world, disableFeatures) {
  // preview2-shim ≥0.26 preopens nothing, so componentize-js's splicer (run through it) could not read
  // the actor's source: give it the real root, for this build process only.
  const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
  _setPreopens({ '/': '/' });
  const { componentize } = await import('@bytecodealliance/componentize-js');
  const witPath = join(tmpdir(), `theater-${world}-${process.pid}.wit`);
  writeFileSync(witPath, witSourceFor(worldText));
  try {
    const { component } = await componentize({ sourcePath, witPath, worldName: world, disableFeatures });
    return component;
  } finally {
    rmSync(witPath, { force: true });
  }
}

/** jco's bundled WIT for one WASI package at `version` (0.2.10 has no wasi-http: 0.2.12's, renumbered). */
function wasiPackage(pkg, version) {
  const require = createRequire(import.meta.url);
  const builtin = join(dirname(dirname(require.resolve('@bytecodealliance/jco'))), 'lib', 'wit', 'builtin');
  const folder = existsSync(join(builtin, version, `wasi-${pkg}`)) ? version : '0.2.12';
  const text = readFileSync(join(builtin, folder, `wasi-${pkg}`, 'package.wit'), 'utf8').replaceAll(`@${folder}`, `@${version}`);
  // The file form `package x;` … becomes a nested block without its worlds (only interfaces are used).
  const body = text.replace(/^package [^;]+;\s*/m, '').replace(/^world [a-z-]+ \{[^}]*\}\s*/gm, '');
  return `package wasi:${pkg}@${version} {\n${body.trimEnd()}\n}`;
}

/** world.wit plus the WASI packages its `// wasi-wit: wasi:http@0.2.10` lines ask for. */
function withWasiWit(worldText) {
  const extra = [];
  for (const m of worldText.matchAll(/^\/\/ wasi-wit: wasi:([a-z]+)@([0-9.]+)$/gm)) {
    const [, pkg, version] = m;
    for (const p of pkg === 'http' ? ['io', 'clocks', 'http'] : [pkg]) extra.push(wasiPackage(p, version));
  }
  return extra.length ? `${worldText.trimEnd()}\n\n${extra.join('\n\n')}\n` : worldText;
}

function inputHash(name) {
  const r = recipe(name);
  const h = createHash('sha256');
  for (const f of [r.source, join(here, name, 'world.wit'), join(here, 'wit', 'deps.wit'), fileURLToPath(import.meta.url)]) {
    h.update(readFileSync(f));
  }
  h.update(r.args.filter((a) => a !== r.out).join(' '));
  // The WASI WIT a world.wit asks for comes from jco's bundle: its text is an input too.
  if (isJs(name)) h.update(withWasiWit(readFileSync(join(here, name, 'world.wit'), 'utf8')));
  h.update(isJs(name) ? componentizeVersion() : versionOf(r.tool));
  if (r.adapter) h.update(adapterBytes());
  return h.digest('hex');
}

/**
 * Builds the actors whose input hash changed. Resolves `{ available, reason?, results }`; throws one
 * Error naming every actor that failed to build (when the toolchains are there).
 * @param {{ only?: string[], force?: boolean, quiet?: boolean }} [opts]
 */
export async function buildNativeActors({ only, force = false, quiet = false } = {}) {
  const say = quiet ? () => {} : (s) => console.log(s);
  const all = listNativeActors();
  const names = only?.length ? all.filter((n) => only.includes(n)) : all;
  const needTools = names.filter((n) => !isJs(n));
  const tools = needTools.length ? ensureToolchains({ quiet }) : { available: true };
  if (!tools.available) say(`real-toolchain actors (${needTools.join(', ')}) skipped: ${tools.reason}.`);
  const results = [],
    failures = [];
  for (const name of names) {
    if (!isJs(name) && !tools.available) continue;
    const dir = join(here, name);
    const out = join(dir, `${name}.wasm`);
    const stamp = join(dir, '.build-hash');
    const hash = inputHash(name);
    if (!force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
      results.push({ name, status: 'up to date', ms: 0, path: out });
      say(`${name}: up to date`);
      continue;
    }
    const t0 = performance.now();
    try {
      const component = await buildNativeActor(name);
      const tmp = join(dir, `.${name}.${process.pid}.tmp.wasm`);
      writeFileSync(tmp, component);
      renameSync(tmp, out);
      writeFileSync(stamp, hash);
      const ms = performance.now() - t0;
      results.push({ name, status: 'built', bytes: component.length, ms, path: out });
      say(`${name}: built ${component.length} B in ${ms.toFixed(0)} ms`);
    } catch (e) {
      failures.push(`test actor ${name} failed to build: ${describeError(e)}`);
      say(`${name}: FAILED`);
    }
  }
  if (failures.length) throw new Error(failures.join('; ') + '.');
  return tools.available ? { available: true, results } : { available: false, reason: tools.reason, results };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith('--'));
  buildNativeActors({ only: only.length ? only : undefined, force: args.includes('--force') }).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
