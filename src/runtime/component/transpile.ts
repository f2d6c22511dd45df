// Transpiles a component to JS with jco, cached on disk by the component's SHA-256 and the jco
// version, so a second start never transpiles again. jco is loaded only on a cache miss.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GLUE_PATCH_LEVEL, patchGlue } from './gluePatch';

export interface TranspiledComponent {
  sha256: string;
  /** Folder holding actor.js and the core modules. */
  dir: string;
  /** Whether `theater:simple/actor.init` takes the older `params: tuple<string>` argument. */
  initTakesParams: boolean;
  /** The component's WIT as wasm-tools prints it (for hover and diagnostics). */
  wit: string;
  cached: boolean;
  transpileMs: number;
}

interface CacheMeta {
  initTakesParams: boolean;
  wit: string;
  files: string[];
  transpileMs: number;
}

let jcoVersionMemo: string | undefined;
export function jcoVersion(): string {
  if (jcoVersionMemo) return jcoVersionMemo;
  jcoVersionMemo = 'unknown';
  try {
    // The package's exports map hides package.json: walk up from its main module.
    let dir = path.dirname(require.resolve('@bytecodealliance/jco-transpile'));
    for (let i = 0; i < 4 && jcoVersionMemo === 'unknown'; i++, dir = path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg)) {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version: string };
        if (json.name === '@bytecodealliance/jco-transpile') jcoVersionMemo = json.version;
      }
    }
  } catch {
    /* keep 'unknown': the cache still works, keyed by the component alone */
  }
  return jcoVersionMemo;
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// esbuild would rewrite a literal import() into require(); jco-transpile is ESM-only.
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<any>;

export async function transpileCached(bytes: Uint8Array, cacheRoot: string): Promise<TranspiledComponent> {
  const hash = sha256(bytes);
  const dir = path.join(cacheRoot, `jco-${jcoVersion()}-glue${GLUE_PATCH_LEVEL}`, hash);
  const metaFile = path.join(dir, 'meta.json');
  if (fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CacheMeta;
    return { sha256: hash, dir, initTakesParams: meta.initTakesParams, wit: meta.wit, cached: true, transpileMs: 0 };
  }
  const t0 = performance.now();
  const jco = await importEsm('@bytecodealliance/jco-transpile');
  const tools = await importEsm('@bytecodealliance/jco-transpile/wasm-tools');
  const out = (await jco.transpileBytes(bytes, {
    name: 'actor',
    instantiation: { tag: 'async' },
    noWasiShim: true,
    noTypescript: true,
  })) as { files: Record<string, Uint8Array> };
  const wit = String(await tools.componentWit(bytes));
  const transpileMs = performance.now() - t0;
  // Write into a temp folder and rename, so a concurrent or interrupted start never sees half a cache.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  // Patched before anything is written: glue of an unknown shape fails here, loudly, not at run time.
  const js = patchGlue(Buffer.from(out.files['actor.js'] ?? new Uint8Array()).toString('utf8'), jcoVersion());
  const meta: CacheMeta = { initTakesParams: initTakesParams(js), wit, files: Object.keys(out.files), transpileMs };
  try {
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}');
    for (const [file, data] of Object.entries(out.files)) {
      if (file.endsWith('.d.ts')) continue;
      const target = path.join(tmp, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file === 'actor.js' ? js : data);
    }
    fs.writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(meta));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true }); // disk full: leave no half-written temp folder behind
    throw e;
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process won the race; its cache is identical
  }
  return { sha256: hash, dir, initTakesParams: meta.initTakesParams, wit, cached: false, transpileMs };
}

// The generated binding for the actor export is `function init(arg0[, arg1])`: the second argument
// is the older `params: tuple<string>` (Theater before c95f8e90).
function initTakesParams(bindingsJs: string): boolean {
  const m = /function init\(([^)]*)\)/.exec(bindingsJs);
  return !!m && m[1]!.split(',').length === 2;
}
