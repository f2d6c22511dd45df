// Builds every test actor (test-actors/<name>/actor.wat + world.wit) into <name>/<name>.wasm with
// jco's JS API: parse → componentEmbed → componentNew. Offline, one process, incremental.
//
//   node test-actors/build.mjs [--force] [name …]
//   import { buildActors } from './test-actors/build.mjs'; await buildActors({ only: ['loop-actor'] });
//
// WIT: the actor's world.wit followed by the shared library wit/deps.wit (nested `package x@v { … }`
// blocks), as ONE source string, so jco never reads WIT files through its sandboxed filesystem (jco
// bug B1, shared/reference/jco-notes.md). A world.wit that declares a nested package block of its own
// replaces the deps.wit block of the same name (init-params-actor: the older theater:simple init).
// WAT: `;; @prelude` in actor.wat is replaced by wit/prelude.wat (memory, cabi_realloc, helpers), and
// `;; @string name "text"` / `{{name}}` place static strings without hand-counted addresses (expandWat).
// An actor is rebuilt when its .wasm is older than actor.wat, world.wit, wit/* or this script.
// The .wasm is written to a temp file and renamed, so parallel test processes never read half a file.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const witDir = join(here, 'wit');
const DEPS = join(witDir, 'deps.wit');
const PRELUDE = join(witDir, 'prelude.wat');

/** Folders of test-actors/ that hold an actor.wat and a world.wit, sorted. */
export function listActors() {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'actor.wat')) && existsSync(join(here, d.name, 'world.wit')))
    .map((d) => d.name)
    .sort();
}

/** Text with comments blanked out (same length), so regexes and brace matching ignore them. */
function blankComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** The top-level nested `package name { … }` blocks of a WIT source: [{ name, text }]. */
export function packageBlocks(text) {
  const code = blankComments(text);
  const blocks = [];
  const re = /\bpackage\s+([a-z0-9:@.+-]+)\s*\{/gi;
  let m;
  while ((m = re.exec(code))) {
    let depth = 1,
      i = re.lastIndex;
    for (; i < code.length && depth > 0; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}') depth--;
    }
    if (depth !== 0) throw new Error(`the package block ${m[1]} is not closed`);
    blocks.push({ name: m[1], text: text.slice(m.index, i) });
    re.lastIndex = i;
  }
  return blocks;
}

/** The one WIT source for an actor: its world.wit, then every deps.wit package it does not redefine. */
export function witSourceFor(worldText, depsText = readFileSync(DEPS, 'utf8')) {
  const own = new Set(packageBlocks(worldText).map((b) => b.name));
  const deps = packageBlocks(depsText).filter((b) => !own.has(b.name));
  return [worldText.trimEnd(), ...deps.map((b) => b.text)].join('\n\n') + '\n';
}

/** The first world declared in world.wit (outside comments). */
export function worldName(worldText) {
  return /\bworld\s+([a-z0-9-]+)\s*\{/i.exec(blankComments(worldText))?.[1];
}

let wasmTools;
async function loadWasmTools() {
  // jco-transpile ships the wasm-tools half of jco (parse, componentEmbed, componentNew, componentWit);
  // the full @bytecodealliance/jco package exports the same functions.
  wasmTools ??= import('@bytecodealliance/jco-transpile/wasm-tools').catch(() => import('@bytecodealliance/jco'));
  return wasmTools;
}

/**
 * One line out of a jco/wasm-tools error: a WAT error as "actor.wat line N: <what>", an encoding error
 * as "<what failed>: <innermost cause>".
 */
export function describeError(e, lineOf = (n) => `line ${n}`) {
  const text = String(e?.message ?? e);
  if (/^Error \{ kind: Wast/.test(text)) {
    // wast's Debug output: `… text: Some(Text { line: <0-based>, … }) … kind: Custom("<what>") …`
    const what = /Custom\("((?:[^"\\]|\\.)*)"\)/.exec(text)?.[1] ?? /kind: (\w+(?:\([^)]*\))?) \}/.exec(text)?.[1] ?? 'invalid WAT';
    const line = /\bline: (\d+)/.exec(text);
    return `${line ? `${lineOf(Number(line[1]) + 1)}: ` : ''}${what.replace(/\\"/g, '"')}`;
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim().replace(/^\$/, ''))
    .filter(Boolean);
  const causes = lines.slice(lines.indexOf('Caused by:') + 1).filter((l) => /^\d+: /.test(l));
  const head = (lines[0] ?? 'unknown error')
    .replace(/:$/, '')
    .replace(/ not found\. known packages$/, ' is declared neither in world.wit nor in wit/deps.wit');
  return (lines.includes('Caused by:') && causes.length ? `${head}: ${causes.at(-1).replace(/^\d+: /, '')}` : head).replace(/\.$/, '');
}

/** Byte length of a WAT string literal's contents (escapes: \n \t \r \" \' \\ \hh \u{h…}). */
function watStringBytes(body) {
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const c = body.codePointAt(i);
      n += Buffer.byteLength(String.fromCodePoint(c));
      if (c > 0xffff) i++;
      continue;
    }
    const e = body[++i];
    if ('ntr"\'\\'.includes(e)) n += 1;
    else if (e === 'u') {
      const end = body.indexOf('}', i);
      n += Buffer.byteLength(String.fromCodePoint(parseInt(body.slice(i + 2, end), 16)));
      i = end;
    } else {
      n += 1;
      i++;
    } // \hh
  }
  return n;
}

const STATIC_BASE = 16,
  STATIC_END = 16384; // prelude.wat: the heap starts at 16384

/**
 * The small templating step of actor.wat (returns the WAT text and a map from its lines to the sources):
 *   `;; @prelude`                 → wit/prelude.wat, then one (data …) segment per string below
 *   `;; @string name "text"`      → a static string placed at an address from 16 up
 *   `{{name}}`                    → `(i32.const <ptr>) (i32.const <len>)`; `{{name.ptr}}`, `{{name.len}}` one of them
 */
export function expandWat(wat, prelude) {
  const strings = new Map();
  let at = STATIC_BASE;
  const body = wat.replace(/^[ \t]*;;[ \t]*@string[ \t]+([A-Za-z0-9_-]+)[ \t]+"((?:[^"\\\n]|\\.)*)"[ \t]*$/gm, (_, name, text) => {
    if (strings.has(name)) throw new Error(`its actor.wat declares the string ${name} twice`);
    const len = watStringBytes(text);
    strings.set(name, { ptr: at, len, text });
    at = (at + len + 7) & ~7;
    return `  ;; ${name} = ${strings.get(name).ptr}, ${len} bytes`;
  });
  if (at > STATIC_END) throw new Error(`its strings need ${at} bytes of static data, more than the ${STATIC_END} below the heap`);
  if (!body.includes(';; @prelude')) throw new Error('its actor.wat has no `;; @prelude` line');
  const data = [...strings.values()].map((s) => `  (data (i32.const ${s.ptr}) "${s.text}")`).join('\n');
  const inserted = `${prelude.trimEnd()}\n${data}`;
  const markerLine = body.slice(0, body.indexOf(';; @prelude')).split('\n').length;
  const extra = inserted.split('\n').length - 1;
  /** Line of the expanded text → where it came from. */
  const lineOf = (n) =>
    n < markerLine
      ? `actor.wat line ${n}`
      : n <= markerLine + extra
        ? n - markerLine < prelude.trimEnd().split('\n').length
          ? `wit/prelude.wat line ${n - markerLine + 1}`
          : 'a ;; @string line'
        : `actor.wat line ${n - extra}`;
  const text = body
    .replace(';; @prelude', () => inserted)
    .replace(/\{\{([A-Za-z0-9_-]+)(?:\.(ptr|len))?\}\}/g, (m, name, part) => {
      const s = strings.get(name);
      if (!s) throw new Error(`its actor.wat uses ${m} but declares no \`;; @string ${name} "…"\``);
      return part === 'ptr'
        ? `(i32.const ${s.ptr})`
        : part === 'len'
          ? `(i32.const ${s.len})`
          : `(i32.const ${s.ptr}) (i32.const ${s.len})`;
    });
  return { text, lineOf };
}

/** Builds one actor (no up-to-date check). Returns the component bytes. */
export async function buildActor(name) {
  const dir = join(here, name);
  const worldText = readFileSync(join(dir, 'world.wit'), 'utf8');
  const world = worldName(worldText);
  if (!world) throw new Error('its world.wit declares no world');
  const wat = readFileSync(join(dir, 'actor.wat'), 'utf8');
  const { parse, componentEmbed, componentNew } = await loadWasmTools();
  const { text, lineOf } = expandWat(wat, readFileSync(PRELUDE, 'utf8'));
  let core;
  try {
    core = await parse(text);
  } catch (e) {
    throw new Error(describeError(e, lineOf));
  }
  const embedded = await componentEmbed({ binary: core, witSource: witSourceFor(worldText), world, stringEncoding: 'utf8' });
  return componentNew(embedded);
}

/**
 * Builds the actors whose .wasm is missing or out of date.
 * @param {{ only?: string[], force?: boolean, quiet?: boolean }} [opts]
 * @returns {Promise<Array<{ name: string, status: 'built' | 'up to date', bytes: number, ms: number, path: string }>>}
 * Throws one Error naming every actor that failed (the others are still built).
 */
export async function buildActors({ only, force = false, quiet = false } = {}) {
  const all = listActors();
  const unknown = (only ?? []).filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`No test actor named ${unknown.join(', ')} (test-actors/<name>/ needs actor.wat and world.wit).`);
  const names = only?.length ? all.filter((n) => only.includes(n)) : all;
  const shared = [fileURLToPath(import.meta.url), ...readdirSync(witDir).map((f) => join(witDir, f))];
  const sharedNewest = Math.max(...shared.map((f) => statSync(f).mtimeMs));
  const say = quiet ? () => {} : (s) => console.log(s);
  const results = [],
    failures = [];
  for (const name of names) {
    const dir = join(here, name);
    const out = join(dir, `${name}.wasm`);
    const newest = Math.max(sharedNewest, statSync(join(dir, 'actor.wat')).mtimeMs, statSync(join(dir, 'world.wit')).mtimeMs);
    if (!force && existsSync(out) && statSync(out).mtimeMs > newest) {
      const bytes = statSync(out).size;
      results.push({ name, status: 'up to date', bytes, ms: 0, path: out });
      say(`${name}: up to date (${bytes} B)`);
      continue;
    }
    const t0 = performance.now();
    const tmp = join(dir, `.${name}.${process.pid}.tmp.wasm`); // *.wasm: ignored by git if left behind
    try {
      const component = await buildActor(name);
      writeFileSync(tmp, component);
      renameSync(tmp, out);
      const ms = performance.now() - t0;
      results.push({ name, status: 'built', bytes: component.length, ms, path: out });
      say(`${name}: built ${component.length} B in ${ms.toFixed(0)} ms`);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        /* not written */
      }
      failures.push(`test actor ${name} failed to build: ${describeError(e)}`);
      say(`${name}: FAILED`);
    }
  }
  if (failures.length) throw new Error(failures.join('; ') + '.');
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const only = args.filter((a) => !a.startsWith('--'));
  buildActors({ only: only.length ? only : undefined, force: args.includes('--force') }).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
