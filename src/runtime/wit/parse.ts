// A tolerant WIT reader for the editor: package, worlds with their import/export/include items
// (with exact ranges), interfaces with their functions, and syntax problems at their position.
// It keeps going after an error so the rest of the file is still checked while the user types.
import { formatBytes } from '../files/readRegular';
import { WIT_MAX_BYTES, WIT_MAX_DEPTH, WIT_MAX_PROBLEMS } from '../limits';
import type { Range } from '../validation/types';

export interface WitItem {
  kind: 'import' | 'export' | 'include' | 'use';
  target: string;
  range: Range;
  lineRange: Range;
}
export interface WitWorld {
  name: string;
  range: Range;
  items: WitItem[];
}
export interface WitInterface {
  name: string;
  range: Range;
  functions: Array<{ name: string; range: Range }>;
}
export interface WitDocument {
  package?: { name: string; version: string | null; range: Range };
  worlds: WitWorld[];
  interfaces: WitInterface[];
  problems: Array<{ message: string; range: Range }>;
}

interface Token {
  text: string;
  kind: 'id' | 'punct' | 'eof';
  start: number;
  end: number;
}

const ID = /[%a-zA-Z0-9_.@:/-]/;

function tokenize(text: string, problems: WitDocument['problems'], pos: (o: number) => Range['start']): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = i;
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0)
        problems.push({ message: 'This block comment is never closed; add `*/`.', range: { start: pos(start), end: pos(start + 2) } });
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (ID.test(c) && c !== ':') {
      const start = i;
      // `:` belongs to a qualified name (`wasi:random`) but not to `name: func(…)`.
      while (i < text.length && ID.test(text[i]!) && !(text[i] === ':' && !/[a-z%]/.test(text[i + 1] ?? ''))) i++;
      out.push({ text: text.slice(start, i), kind: 'id', start, end: i });
      continue;
    }
    if (c === '-' && text[i + 1] === '>') {
      out.push({ text: '->', kind: 'punct', start: i, end: i + 2 });
      i += 2;
      continue;
    }
    out.push({ text: c, kind: 'punct', start: i, end: i + 1 });
    i++;
  }
  out.push({ text: '', kind: 'eof', start: text.length, end: text.length });
  return out;
}

const NAME = /^%?[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const QUALIFIED =
  /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*)\/(%?[a-z][a-z0-9-]*)(?:@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?))?$/;
const PACKAGE = /^([a-z][a-z0-9-]*):([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*)(?:@(\S+))?$/;

export function parseWit(text: string): WitDocument {
  const origin: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  if (text.length > WIT_MAX_BYTES) {
    return {
      worlds: [],
      interfaces: [],
      problems: [
        {
          message: `This WIT file is larger than the ${formatBytes(WIT_MAX_BYTES)} limit for a .wit file; it is not checked (see docs/limits.md).`,
          range: origin,
        },
      ],
    };
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const pos = (o: number) => {
    let lo = 0,
      hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - lineStarts[lo]! };
  };
  const range = (a: number, b: number): Range => ({ start: pos(a), end: pos(b) });
  const doc: WitDocument = { worlds: [], interfaces: [], problems: [] };
  const toks = tokenize(text, doc.problems, pos);
  let k = 0;
  const peek = () => toks[k]!;
  const next = () => toks[k++]!;
  const problem = (t: Token, message: string) => {
    if (doc.problems.length < WIT_MAX_PROBLEMS) doc.problems.push({ message, range: range(t.start, Math.max(t.end, t.start + 1)) });
    else if (doc.problems.length === WIT_MAX_PROBLEMS)
      doc.problems.push({
        message: `More than ${WIT_MAX_PROBLEMS} problems in this file; the rest are not listed.`,
        range: range(t.start, Math.max(t.end, t.start + 1)),
      });
  };
  let depth = 0;

  /** Skips a balanced `{ … }` block starting at the current `{`. */
  const skipBlock = (): number => {
    const open = next();
    let depth = 1;
    while (peek().kind !== 'eof') {
      const t = next();
      if (t.text === '{') depth++;
      else if (t.text === '}' && --depth === 0) return t.end;
    }
    problem(open, 'This `{` is never closed; add the matching `}`.');
    return text.length;
  };
  /** Skips to the `;` ending a statement (not past a `}` that closes the enclosing block). */
  const skipStatement = (startTok: Token): number => {
    let depth = 0;
    while (peek().kind !== 'eof') {
      const t = peek();
      if (t.text === '{') depth++;
      if (t.text === '}') {
        if (depth === 0) {
          problem(startTok, 'Missing `;` at the end of this statement.');
          return t.start;
        }
        depth--;
      }
      next();
      if (t.text === ';' && depth === 0) return t.end;
    }
    problem(startTok, 'Missing `;` at the end of this statement.');
    return text.length;
  };
  const expectSemicolon = (after: Token) => {
    if (peek().text === ';') {
      next();
      return;
    }
    problem(after, `Missing \`;\` after \`${after.text}\`.`);
  };

  /** `world|interface <name> {`: reads the name and the brace; false when there is no body to read. */
  const openBlock = (kind: 'world' | 'interface'): { nameTok: Token; open: boolean } => {
    const nameTok = next();
    if (nameTok.kind !== 'id' || !NAME.test(nameTok.text))
      problem(nameTok, `A ${kind} needs a kebab-case name, e.g. \`${kind} my-${kind} { … }\`.`);
    if (peek().text !== '{') {
      problem(nameTok, `Expected \`{\` after the ${kind} name.`);
      return { nameTok, open: false };
    }
    next();
    return { nameTok, open: true };
  };
  /** Skips the `(…)` of a feature gate such as `@since(version = 0.2.0)`. */
  const skipGateArgs = () => {
    if (peek().text === '(') {
      while (peek().kind !== 'eof' && next().text !== ')');
    }
  };

  const parseWorld = (kw: Token) => {
    const { nameTok, open } = openBlock('world');
    const world: WitWorld = { name: nameTok.text, range: range(kw.start, nameTok.end), items: [] };
    doc.worlds.push(world);
    if (!open) return;
    while (peek().kind !== 'eof' && peek().text !== '}') {
      const t = next();
      if (t.text === 'import' || t.text === 'export' || t.text === 'include' || t.text === 'use') {
        const target = next();
        if (target.kind !== 'id') {
          problem(target, `Expected an interface name after \`${t.text}\`.`);
          skipStatement(t);
          continue;
        }
        // `import name: interface { … }` / `import name: func(…)` define inline items.
        if (peek().text === ':' && (t.text === 'import' || t.text === 'export')) {
          next();
          if (peek().text === 'interface') {
            next();
            if (peek().text === '{') skipBlock();
            continue;
          }
          skipStatement(t);
          continue;
        }
        if (target.text.includes(':') || target.text.includes('/')) {
          if (t.text !== 'use' && !QUALIFIED.test(target.text) && !/^%?[a-z][a-z0-9-]*$/.test(target.text)) {
            problem(target, `\`${target.text}\` is not a valid interface name; write \`namespace:package/interface@1.2.3\`.`);
          }
        }
        if (t.text === 'use') {
          skipStatement(t);
          continue;
        }
        world.items.push({
          kind: t.text as WitItem['kind'],
          target: target.text,
          range: range(target.start, target.end),
          lineRange: range(t.start, peek().text === ';' ? peek().end : target.end),
        });
        // `include x with { a as b }` ends with its block, not a `;`.
        if (t.text === 'include' && peek().text === 'with') {
          next();
          if (peek().text === '{') skipBlock();
          continue;
        }
        expectSemicolon(target);
      } else if (t.text === '{') {
        k--;
        skipBlock();
      } else if (t.kind === 'id' && ['type', 'record', 'variant', 'enum', 'flags', 'resource'].includes(t.text)) {
        const n = next();
        if (peek().text === '{') skipBlock();
        else skipStatement(n);
      } else if (t.kind === 'id' && t.text.startsWith('@')) {
        skipGateArgs();
      } else {
        problem(t, `Unexpected \`${t.text}\` in world \`${world.name}\`; expected import, export, include or use.`);
      }
    }
    if (peek().text === '}') next();
    else problem(kw, `World \`${world.name}\` is never closed; add \`}\`.`);
  };

  const parseInterface = (kw: Token) => {
    const { nameTok, open } = openBlock('interface');
    const iface: WitInterface = { name: nameTok.text, range: range(kw.start, nameTok.end), functions: [] };
    doc.interfaces.push(iface);
    if (!open) return;
    while (peek().kind !== 'eof' && peek().text !== '}') {
      const t = next();
      if (t.kind === 'id' && peek().text === ':') {
        next();
        const after = peek();
        if (after.text === 'func' || after.text === 'async') iface.functions.push({ name: t.text, range: range(t.start, t.end) });
        skipStatement(t);
      } else if (t.kind === 'id' && ['record', 'variant', 'enum', 'flags', 'resource'].includes(t.text)) {
        const n = next();
        if (peek().text === '{') skipBlock();
        else if (t.text === 'resource') expectSemicolon(n);
        else problem(n, `Expected \`{\` after ${t.text} \`${n.text}\`.`);
      } else if (t.kind === 'id' && (t.text === 'type' || t.text === 'use')) {
        skipStatement(t);
      } else if (t.kind === 'id' && t.text.startsWith('@')) {
        skipGateArgs();
      } else if (t.text === '{') {
        k--;
        skipBlock();
      } else {
        problem(t, `Unexpected \`${t.text}\` in interface \`${iface.name}\`.`);
        skipStatement(t);
      }
    }
    if (peek().text === '}') next();
    else problem(kw, `Interface \`${iface.name}\` is never closed; add \`}\`.`);
  };

  const parseTop = (closing: boolean) => {
    while (peek().kind !== 'eof') {
      if (closing && peek().text === '}') return;
      const t = next();
      if (t.text === 'package') {
        const n = next();
        const m = PACKAGE.exec(n.text);
        if (!m) problem(n, `\`${n.text}\` is not a valid package name; write \`namespace:name@1.2.3\`.`);
        if (peek().text === '{') {
          next();
          if (depth >= WIT_MAX_DEPTH) {
            problem(n, `Package blocks are nested more than ${WIT_MAX_DEPTH} deep; the rest of the file is not checked.`);
            k = toks.length - 1;
            return;
          }
          depth++;
          parseTop(true);
          depth--;
          if (peek().text === '}') next();
          else problem(t, 'This package block is never closed; add `}`.');
        } else {
          if (!doc.package && m) doc.package = { name: `${m[1]}:${m[2]}`, version: m[3] ?? null, range: range(n.start, n.end) };
          expectSemicolon(n);
        }
      } else if (t.text === 'world') parseWorld(t);
      else if (t.text === 'interface') parseInterface(t);
      else if (t.text === 'use') skipStatement(t);
      else if (t.kind === 'id' && t.text.startsWith('@')) skipGateArgs();
      else if (t.text === '}') problem(t, 'This `}` closes nothing; remove it.');
      else {
        problem(t, `Unexpected \`${t.text}\`; a WIT file holds package, world, interface and use items.`);
        skipStatement(t);
      }
    }
  };
  parseTop(false);
  return doc;
}
