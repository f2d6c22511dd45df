// Builds theater-vscode.vsix from a staging folder that holds exactly what the extension loads:
// the bundles (minified, no source maps), grammars, media, and jco's transpiler (run time only: not
// binaryen, not jco's CLI).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bundle } from './bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stage = path.join(root, 'out', 'vsix-stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// The bundles need no npm dependencies at run time except jco's transpiler, staged below.
delete pkg.dependencies;
delete pkg.devDependencies;
delete pkg.scripts;
delete pkg.bin;
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) cpSync(path.join(root, f), path.join(stage, f));
// Bundled again for the package: minified, without source maps (npm run build's dist/ keeps them for debugging).
await bundle({
  outdir: path.relative(root, path.join(stage, 'dist')),
  production: true,
  only: ['extension', 'server', 'actorWorker', 'debugAdapter', 'chainListing', 'chainViewWorker', 'timeTravelWorker'],
});
cpSync(path.join(root, 'syntaxes'), path.join(stage, 'syntaxes'), { recursive: true });
cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true });

// Under dist/: Node resolves the bundles' import of jco from dist/node_modules, and vsce keeps it.
// jco's transpiler needs preview2-shim, which needs jco-node-fs and its native build for this platform.
// Each is found the way Node finds it from the package that needs it: with the full jco and
// componentize-js installed as dev tools, npm may nest preview2-shim under jco-transpile instead of
// hoisting it, so no fixed node_modules path is assumed.
const stagedModules = path.join(stage, 'dist', 'node_modules');
/** The folder of package `name` as Node resolves it from the package folder `fromDir`. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir)
      throw new Error(`${name} is not installed (needed by ${path.relative(root, fromDir) || 'the project'}); run npm install`);
  }
}
const transpiler = packageDir('@bytecodealliance/jco-transpile', root);
const shim = packageDir('@bytecodealliance/preview2-shim', transpiler);
const nodeFs = packageDir('@bytecodealliance/jco-node-fs', shim);
const platformFs = readdirSync(path.dirname(nodeFs))
  .filter((d) => d.startsWith('jco-node-fs-'))
  .map((d) => path.join(path.dirname(nodeFs), d));
for (const from of [transpiler, shim, nodeFs, ...platformFs]) {
  const name = path.basename(from);
  cpSync(from, path.join(stagedModules, '@bytecodealliance', name), {
    recursive: true,
    filter: (s) =>
      !s.endsWith('.map') &&
      !s.endsWith('.d.ts') &&
      !s.includes(`${path.sep}src${path.sep}`) &&
      !s.includes(`${path.sep}node_modules${path.sep}`, from.length),
  });
}
// jco's transpile module imports oxc-minify (a native minifier) at load time; we never ask it to
// minify, so the package carries a module that says so instead of a platform-specific binary.
const oxc = path.join(stage, 'dist', 'node_modules', 'oxc-minify');
mkdirSync(oxc, { recursive: true });
writeFileSync(
  path.join(oxc, 'package.json'),
  JSON.stringify({ name: 'oxc-minify', version: '0.0.0-theater', type: 'module', main: 'index.js' }),
);
writeFileSync(
  path.join(oxc, 'index.js'),
  "export function minify() { throw new Error('minification is not part of Theater for VS Code; transpile without minify'); }\n",
);

const require = createRequire(import.meta.url);
const vsce = require.resolve('@vscode/vsce/vsce');
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
// jco-node-fs ships a native module per platform, so the package is built for this one.
const target = `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
execFileSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--target', target, '-o', out],
  { cwd: stage, stdio: 'inherit' },
);
console.log(`packaged ${out}`);
