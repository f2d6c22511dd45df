// Bundles each process entry into dist/ (one file per process). Type checking is separate (tsc).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const production = process.argv.includes('--production');
const entries = {
  extension: 'src/extension/extension.ts',
  server: 'src/server/main.ts',
  cli: 'src/cli/main.ts',
  actorWorker: 'src/runtime/host/actorWorker.ts',
  chainViewWorker: 'src/runtime/chain/chainViewWorker.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(path.join(root, f))));

await esbuild.build({
  absWorkingDir: root,
  entryPoints: present,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // jco's transpiler is ESM with wasm assets located through import.meta.url: load it from node_modules.
  external: ['vscode', '@bytecodealliance/jco-transpile'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
});
console.log(`bundled ${Object.keys(present).join(', ')} into dist/`);
