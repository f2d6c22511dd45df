// Builds theater-vscode.vsix from a staging folder that holds exactly what the extension loads:
// the bundles, grammar, media, and jco's transpiler (run time only: not binaryen, not jco's CLI).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

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
for (const f of ['extension.js', 'server.js', 'actorWorker.js', 'chainViewWorker.js'])
  cpSync(path.join(root, 'dist', f), path.join(stage, 'dist', f));
cpSync(path.join(root, 'syntaxes'), path.join(stage, 'syntaxes'), { recursive: true });
cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true });

// Under dist/: Node resolves the bundles' import of jco from dist/node_modules, and vsce keeps it.
// jco's transpiler needs preview2-shim, which needs jco-node-fs and its native build for this platform.
const modules = path.join(root, 'node_modules');
const stagedModules = path.join(stage, 'dist', 'node_modules');
const platformFs = readdirSync(path.join(modules, '@bytecodealliance')).filter((d) => d.startsWith('jco-node-fs-'));
for (const name of ['jco-transpile', 'preview2-shim', 'jco-node-fs', ...platformFs]) {
  const from = path.join(modules, '@bytecodealliance', name);
  if (!existsSync(from)) throw new Error(`node_modules/@bytecodealliance/${name} is missing; run npm install`);
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
