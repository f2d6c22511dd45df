// Builds every test actor (test-actors/<name>/actor.wat + world.wit) into <name>/<name>.wasm with
// jco's JS API: parse → componentEmbed → componentNew. Offline, one process, incremental.
// The WIT source is one string (the actor's world, then the packages in wit/), so no WIT files are
// read through jco's sandboxed filesystem (jco bug B1 in ../shared/reference/jco-notes.md).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const witDir = join(here, 'wit');

/** `// deps: a, b` in world.wit picks files of wit/ (default: theater-simple, wasi). */
function witSourceFor(worldText) {
  const m = /^\/\/\s*deps:\s*(.+)$/m.exec(worldText);
  const deps = m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : ['theater-simple', 'wasi'];
  return [worldText, ...deps.map((d) => readFileSync(join(witDir, `${d}.wit`), 'utf8'))].join('\n');
}

function worldName(worldText, actor) {
  const m = /\bworld\s+([a-z0-9-]+)/.exec(worldText);
  if (!m) throw new Error(`test-actors/${actor}/world.wit declares no world`);
  return m[1];
}

export function listActors() {
  return readdirSync(here).filter((d) => existsSync(join(here, d, 'actor.wat')) && existsSync(join(here, d, 'world.wit'))).sort();
}

function newest(files) {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

export async function buildActors({ only, quiet = false, force = false } = {}) {
  const names = listActors().filter((n) => !only || only.includes(n));
  const shared = [join(here, 'build.mjs'), ...readdirSync(witDir).map((f) => join(witDir, f))];
  const prelude = readFileSync(join(witDir, 'prelude.wat'), 'utf8');
  let jco;
  const built = [];
  for (const name of names) {
    const dir = join(here, name);
    const out = join(dir, `${name}.wasm`);
    const inputs = [join(dir, 'actor.wat'), join(dir, 'world.wit'), ...shared];
    if (!force && existsSync(out) && statSync(out).mtimeMs >= newest(inputs)) {
      if (!quiet) console.log(`${name}: up to date`);
      continue;
    }
    jco ??= await import('@bytecodealliance/jco-transpile/wasm-tools');
    const t0 = performance.now();
    const worldText = readFileSync(join(dir, 'world.wit'), 'utf8');
    const wat = readFileSync(join(dir, 'actor.wat'), 'utf8').replace(';; @prelude', prelude);
    try {
      const core = await jco.parse(wat);
      const embedded = await jco.componentEmbed({ binary: core, witSource: witSourceFor(worldText), world: worldName(worldText, name), stringEncoding: 'utf8' });
      const component = await jco.componentNew(embedded);
      writeFileSync(out, component);
      built.push(name);
      if (!quiet) console.log(`${name}: ${component.length} bytes in ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      const msg = String(e?.message ?? e).split('\n').slice(0, 6).join('\n');
      throw new Error(`test actor ${name} failed to build: ${msg}`);
    }
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  buildActors({ only: only.length ? only : undefined, force: process.argv.includes('--force') }).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
