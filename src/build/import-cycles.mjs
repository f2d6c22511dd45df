#!/usr/bin/env node
// Lists the import cycles among a folder's TypeScript modules (type-only imports included: a cycle of
// types is still a tangle of concerns). Used by test/layers.test.ts; run by hand:
//   node src/build/import-cycles.mjs src/runtime
import fs from 'node:fs';
import path from 'node:path';

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]|import\(['"](\.[^'"]+)['"]\)/gm;

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

/** The strongly connected components with more than one module (or a self-import), as relative paths. */
export function importCycles(dir) {
  const files = sources(path.resolve(dir));
  const edges = new Map(files.map((f) => [f, []]));
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(f, m[1] ?? m[2] ?? m[3]);
      if (target && edges.has(target)) edges.get(f).push(target);
    }
  }
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map(),
    low = new Map(),
    onStack = new Set(),
    stack = [],
    out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v).includes(v)) out.push(comp.map((c) => path.relative(process.cwd(), c)).sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cycles = importCycles(process.argv[2] ?? 'src/runtime');
  for (const c of cycles) console.log(`cycle: ${c.join(' ↔ ')}`);
  process.exit(cycles.length ? 1 : 0);
}
