// Bundles each process entry into dist/ (one file per process). Type checking is separate (tsc).
// Development bundles (npm run build) carry linked source maps; the packaged ones (package.mjs) are
// minified with no source maps at all: the .vsix ships neither maps nor a comment pointing at one.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entries = {
  extension: 'src/extension/extension.ts',
  server: 'src/server/main.ts',
  cli: 'src/cli/main.ts',
  actorWorker: 'src/runtime/host/actorWorker.ts',
  debugAdapter: 'src/debug/worker.ts',
  chainListing: 'src/runtime/chain/listingWorker.ts',
  chainViewWorker: 'src/runtime/chain/chainViewWorker.ts',
  timeTravelWorker: 'src/runtime/host/timeTravelWorker.ts',
};

/** Bundles the entries present (or only `only`) into `outdir` (relative to the project root). */
export async function bundle({ outdir = 'dist', production = false, only } = {}) {
  const present = Object.fromEntries(
    Object.entries(entries).filter(([name, f]) => (!only || only.includes(name)) && existsSync(path.join(root, f))),
  );
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: present,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // jco's transpiler is ESM with wasm assets located through import.meta.url: load it from node_modules.
    external: ['vscode', '@bytecodealliance/jco-transpile'],
    sourcemap: production ? false : 'linked',
    minify: production,
    // Names stay: stack traces in a user's report still say which function failed.
    keepNames: production,
    legalComments: production ? 'none' : 'inline',
    logLevel: 'warning',
  });
  for (const name of Object.keys(present)) asciiOnly(path.resolve(root, outdir, `${name}.js`));
  return Object.keys(present);
}

/**
 * Escapes what esbuild leaves non-ASCII (the doc comments it keeps; code it already writes as ASCII),
 * so V8 holds the bundle's source as one byte per character: a single `…` would make it two, and the
 * source stays resident in every worker that runs the bundle (docs/actors.md, "Memory of an idle actor").
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) return;
  writeFileSync(
    file,
    text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = await bundle({ production: process.argv.includes('--production') });
  console.log(`bundled ${names.join(', ')} into dist/`);
}
