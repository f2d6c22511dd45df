// The three layers keep their edges: the runtime and the language server never import vscode.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from './helpers/shared';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

for (const layer of ['src/runtime', 'src/server', 'src/cli']) {
  test(`${layer} never imports vscode or the extension`, () => {
    const offenders = sources(path.join(projectRoot, layer)).filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return /from ['"]vscode['"]|require\(['"]vscode['"]\)|from ['"][./]+\/extension\//.test(text);
    });
    assert.deepEqual(
      offenders.map((f) => path.relative(projectRoot, f)),
      [],
    );
  });
}

// The compiler enforces the edges (tsconfig project references; `vscode` maps to a file of no project
// in src/runtime, src/server and src/cli). This keeps the runtime free of import cycles.
test('src/runtime has no import cycles (type-only imports included)', async () => {
  const { importCycles } = (await import(path.join(projectRoot, 'src', 'build', 'import-cycles.mjs'))) as {
    importCycles(dir: string): string[][];
  };
  assert.deepEqual(importCycles(path.join(projectRoot, 'src', 'runtime')), []);
});
