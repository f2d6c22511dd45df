// Patches to the JS glue jco 0.15.0 generates, written for exactly that version's output and checked
// against it: a transpile with another jco version, or output of another shape, fails loudly here
// instead of running half-patched glue.
//
// 1. Host-import trampolines: jco wraps every sync host call in async-task bookkeeping (a subtask
//    in `_lowerImportBackwardsCompat`, a task in the trampoline, enter/resolve/exit, the result
//    passed back through the subtask) that a sync call into a sync host function never uses; it
//    costs about 2 µs per call. The core module now calls the trampoline directly and the trampoline
//    returns its result; lowering, lifting, result/err handling and the trap flag stay as jco wrote them.
// 2. `_debugLog(…)` calls inside trampolines are removed (their arguments were built on every call
//    even with logging off).
// 3. The canonical ABI traps on a list or string outside the guest's memory and on invalid UTF-8;
//    jco's glue clamps lists (`buffer.slice`) and replaces bad UTF-8 with U+FFFD. Both now trap.

/** The jco version these patches were written against; anything else is refused. */
export const PATCHED_JCO_VERSION = '0.15.0';
/** Bumped whenever the patches change, so cached glue from an older patch set is not reused. */
export const GLUE_PATCH_LEVEL = 1;

export class GlueShapeError extends Error {}

function shape(what: string): never {
  throw new GlueShapeError(
    `jco ${PATCHED_JCO_VERSION}'s generated glue no longer has the expected shape (${what}); ` +
      'src/runtime/component/gluePatch.ts must be updated for this jco output.',
  );
}

/** Index just past the `)` that closes the `(` at `open`, skipping string and template literals. */
function closingParen(js: string, open: number): number {
  let depth = 0;
  for (let i = open; i < js.length; i++) {
    const c = js[i];
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < js.length && js[i] !== c; i++) if (js[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return shape('an unbalanced call');
}

/** Removes every `_debugLog(…);` statement from a piece of code. */
function dropDebugLogs(code: string): string {
  let out = '';
  let from = 0;
  for (let at = code.indexOf('_debugLog(', from); at >= 0; at = code.indexOf('_debugLog(', from)) {
    const end = closingParen(code, at + '_debugLog'.length);
    if (code[end] !== ';') shape('a _debugLog call that is not a statement');
    out += code.slice(from, at);
    from = end + 1;
  }
  return out + code.slice(from);
}

const TASK_SETUP =
  /const hostProvided = true;\s*let parentTask;\s*let task;\s*let subtask;\s*const createTask = \(\) => \{\s*const results = createNewCurrentTask\(\{[^}]*\}\);\s*task = results\[0\];\s*\};\s*taskCreation: \{[\s\S]*?task\.setParentSubtask\(subtask\);\s*\}\s*\}\s*const started = task\.enterSync\(\);\n/;
const TASK_META_HEAD =
  /_withGlobalCurrentTaskMeta\(\{\s*componentIdx: task\.componentIdx\(\),\s*taskID: task\.id\(\),\s*fn: \(\) => _trackHostOperation\(/;
const TASK_META_TAIL = /^,\s*\}\)\s*;/;

/** `_withGlobalCurrentTaskMeta({ componentIdx: task…, taskID: task…, fn: () => _trackHostOperation(…) });` → `_trackHostOperation(…);` */
function unwrapTaskMeta(code: string, name: string): string {
  const m = TASK_META_HEAD.exec(code);
  if (!m) return shape(`${name} does not call its host function through _withGlobalCurrentTaskMeta`);
  const open = m.index + m[0].length - 1;
  const end = closingParen(code, open);
  const tail = TASK_META_TAIL.exec(code.slice(end));
  if (!tail) return shape(`${name}'s host call does not end as expected`);
  return `${code.slice(0, m.index)}_trackHostOperation${code.slice(open, end)};${code.slice(end + tail[0].length)}`;
}
const TASK_ERROR = /task\.setErrored\(err\);\s*task\.reject\(err\);\s*task\.exit\(\);\s*/;
const TASK_RETURN = /task\.resolve\(\[[^\n]*\]\);\s*task\.exit\(\);\s*/;

/** One trampoline (`const _trampolineN = function(…) {…}`) without its task bookkeeping. */
function patchTrampoline(code: string, name: string): string {
  let c = unwrapTaskMeta(dropDebugLogs(code), name);
  const steps: Array<[RegExp, string, boolean]> = [
    [TASK_SETUP, '', true],
    [TASK_ERROR, '', false],
    [TASK_RETURN, '', true],
  ];
  for (const [re, replacement, required] of steps) {
    if (!re.test(c)) {
      if (required) shape(`${name} has no ${re.source.slice(0, 40)}…`);
      continue;
    }
    c = c.replace(re, replacement);
  }
  if (/\b(task|subtask|parentTask)\b/.test(c)) shape(`${name} still refers to its task after patching`);
  return c;
}

const TRAMPOLINE = /const (_trampoline\d+) = function\(/g;
const LOWERING = /let (trampoline\d+) = (_trampoline\d+)\.manuallyAsync \? new WebAssembly\.Suspending\(/g;
const SYNC_BIND = ' : _lowerImportBackwardsCompat.bind(';

/**
 * `let trampolineN = _trampolineN.manuallyAsync ? … : _lowerImportBackwardsCompat.bind(null, {…})` → `let trampolineN = _trampolineN;`
 * for sync-lowered sync functions: the wrapper's subtask carried the result the trampoline's task resolved;
 * without tasks the trampoline returns it to the core module itself.
 */
function patchLowerings(js: string): { js: string; count: number } {
  let out = '';
  let from = 0;
  let count = 0;
  for (const m of js.matchAll(LOWERING)) {
    const [, local, fn] = m;
    const asyncEnd = closingParen(js, m.index + m[0].length - 1);
    if (!js.startsWith(SYNC_BIND, asyncEnd)) shape(`${local} has no sync lowering after its async one`);
    const bindOpen = asyncEnd + SYNC_BIND.length - 1;
    const bindEnd = closingParen(js, bindOpen);
    const args = js.slice(bindOpen, bindEnd);
    for (const need of ['isAsync: false,', 'funcTypeIsAsync: false,', `importFn: ${fn},`]) {
      if (!args.includes(need)) shape(`${local}'s lowering is not a sync call of ${fn} (no "${need}")`);
    }
    if (js[bindEnd] !== ';') shape(`${local}'s lowering does not end its statement`);
    out += `${js.slice(from, m.index)}let ${local} = ${fn};`;
    from = bindEnd + 1;
    count++;
  }
  return { js: out + js.slice(from), count };
}

function patchTrampolines(js: string): string {
  let out = '';
  let from = 0;
  let count = 0;
  for (const m of js.matchAll(TRAMPOLINE)) {
    const start = m.index;
    const endMarker = `${m[1]}.fnName = `;
    const end = js.indexOf(endMarker, start);
    if (end < 0) shape(`${m[1]} has no fnName`);
    out += js.slice(from, start) + patchTrampoline(js.slice(start, end), m[1]!);
    from = end;
    count++;
  }
  const hostCalls = js.split('const hostProvided = true;').length - 1;
  if (count !== hostCalls) shape(`${count} trampolines but ${hostCalls} host-provided calls`);
  const lowered = patchLowerings(out + js.slice(from));
  if (lowered.count !== count) shape(`${count} trampolines but ${lowered.count} lowerings`);
  if (lowered.js.includes('_lowerImportBackwardsCompat.bind(')) shape('a lowering of another form');
  return lowered.js;
}

/** Helpers the patched glue calls: lifting that traps as the canonical ABI says. */
const HELPERS = `
  // theater-vscode: the canonical ABI traps on out-of-bounds lists and strings and on invalid UTF-8.
  function _theaterSlice(buffer, start, end) {
    if (start > end || end > buffer.byteLength) throw new WebAssembly.RuntimeError(\`out of bounds memory access: the guest passed a list at \${start}..\${end} outside its \${buffer.byteLength}-byte memory\`);
    return buffer.slice(start, end);
  }
  const _theaterFatalUtf8 = new TextDecoder('utf-8', { fatal: true });
  const _theaterUtf8 = {
    decode(view) {
      try {
        return _theaterFatalUtf8.decode(view);
      } catch {
        throw new WebAssembly.RuntimeError('invalid UTF-8: the guest passed a string that is not valid UTF-8');
      }
    },
  };
  function _theaterBytes(buffer, ptr, len) {
    if (ptr + len > buffer.byteLength) throw new WebAssembly.RuntimeError(\`out of bounds memory access: the guest passed a string at \${ptr}..\${ptr + len} outside its \${buffer.byteLength}-byte memory\`);
    return new Uint8Array(buffer, ptr, len);
  }
`;

function patchLifting(js: string): string {
  const decoders = js.match(/const (TEXT_DECODER_UTF8) = new TextDecoder\(\);\n/g) ?? [];
  if (decoders.length !== 1) shape(`${decoders.length} UTF-8 decoders instead of 1`);
  let out = js.replace('const TEXT_DECODER_UTF8 = new TextDecoder();\n', `${HELPERS}  const TEXT_DECODER_UTF8 = _theaterUtf8;\n`);
  out = out.replace(/TEXT_DECODER_UTF8\.decode\(new Uint8Array\((memory\d+)\.buffer, (ptr\d+), (len\d+)\)\)/g, (_, mem, p, l) => {
    return `TEXT_DECODER_UTF8.decode(_theaterBytes(${mem}.buffer, ${p}, ${l}))`;
  });
  out = out.replace(/\b(memory\d+)\.buffer\.slice\(/g, '_theaterSlice($1.buffer, ');
  if (/new TextDecoder\(\)/.test(out)) shape('a second non-fatal TextDecoder');
  return out;
}

/** The patched glue of jco's `actor.js`; throws GlueShapeError when jco's output is not the known shape. */
export function patchGlue(js: string, jcoVersion: string): string {
  if (jcoVersion !== PATCHED_JCO_VERSION) {
    throw new GlueShapeError(
      `jco ${jcoVersion} is installed, but the glue patches in src/runtime/component/gluePatch.ts were written for jco ${PATCHED_JCO_VERSION}; pin @bytecodealliance/jco-transpile to ${PATCHED_JCO_VERSION} or update the patches.`,
    );
  }
  const debugOff = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';
  if (!js.includes(debugOff)) shape('_debugLog does not check JCO_DEBUG');
  return patchLifting(patchTrampolines(js.replace(debugOff, 'return;')));
}
