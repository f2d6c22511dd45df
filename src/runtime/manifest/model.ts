// manifest.toml as a typed model that keeps the range of every key and value, so every problem
// becomes a diagnostic with a precise range. Only syntax and shape are checked here; keys and
// handler config are checked against the registry by the validation core.
import type { Diagnostic, Range } from '../validation/types';
import { TOP_LEVEL_KEYS } from './keys';
import { readTomlDocument, type TomlEntry, type TomlType } from './tomlDocument';

export interface HandlerEntry {
  /** Position in the `[[handler]]` array. */
  index: number;
  type?: string;
  typeRange?: Range;
  /** The `[[handler]]` header line. */
  headerRange: Range;
  /** The whole table: header to the line before the next table. */
  range: Range;
  /** Every key of the table except `type`, with its parsed value. */
  config: Record<string, unknown>;
  keyRanges: Record<string, Range>;
  valueRanges: Record<string, Range>;
}

export interface StringField {
  value: string;
  range: Range;
  keyRange: Range;
}

export interface Manifest {
  name?: string;
  version?: string;
  /** Which key named the component: Theater c5fe764f's `component`, or the newer `package`. */
  componentKey?: 'component' | 'package';
  component?: StringField;
  initState?: StringField;
  saveChain?: boolean;
  /** `max_memory_mib`, when it is a whole number in range. */
  maxMemoryMiB?: number;
  /** Every top-level key (including table headers such as `[permission_policy]`) with its range. */
  topLevelKeys: Array<{ key: string; range: Range }>;
  handlers: HandlerEntry[];
  /** Syntax and shape problems (codes toml-syntax, missing-key, wrong-type, handler-missing-type). */
  problems: Diagnostic[];
  lineCount: number;
}

const STRING_KEYS = TOP_LEVEL_KEYS.filter((k) => k.type === 'string').map((k) => k.key);
const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function isArrayOfTables(v: unknown): v is Array<Record<string, unknown>> {
  return (
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date))
  );
}

const article = (t: TomlType) => (t === 'integer' || t === 'array' ? 'an' : 'a');

interface HandlerField {
  key: string;
  value: unknown;
  keyRange: Range;
  valueRange: Range;
}

/** One handler table, from `[[handler]]` or a member of `handler = [{…}]`: `type` apart, every other key is config. */
function handlerEntry(
  where: Pick<HandlerEntry, 'index' | 'headerRange' | 'range'>,
  fields: HandlerField[],
  report: { problems: Diagnostic[]; file: string; missingType: string; missingTypeRange: Range },
): HandlerEntry {
  // Null prototypes: a key named `__proto__` or `toString` is data, never Object.prototype.
  const h: HandlerEntry = {
    ...where,
    config: Object.create(null) as Record<string, unknown>,
    keyRanges: Object.create(null) as Record<string, Range>,
    valueRanges: Object.create(null) as Record<string, Range>,
  };
  for (const f of fields) {
    if (f.key !== 'type') {
      h.config[f.key] = f.value;
      h.keyRanges[f.key] = f.keyRange;
      h.valueRanges[f.key] = f.valueRange;
    } else if (typeof f.value === 'string') {
      h.type = f.value;
      h.typeRange = f.valueRange;
    } else {
      report.problems.push({
        code: 'wrong-type',
        severity: 'error',
        range: f.valueRange,
        file: report.file,
        message: '`type` of a handler must be a string naming a handler (run `theater handlers`).',
      });
    }
  }
  if (!fields.some((f) => f.key === 'type'))
    report.problems.push({
      code: 'handler-missing-type',
      severity: 'error',
      range: report.missingTypeRange,
      file: report.file,
      message: report.missingType,
    });
  return h;
}

export function parseManifest(text: string, manifestPath: string): Manifest {
  const doc = readTomlDocument(text);
  const file = manifestPath;
  const problems: Diagnostic[] = doc.problems.map((p) => ({
    code: 'toml-syntax',
    severity: 'error' as const,
    message: `TOML syntax error: ${p.message}`,
    range: p.range,
    file,
  }));
  const m: Manifest = { topLevelKeys: [], handlers: [], problems, lineCount: doc.lineCount };
  const top = new Map<string, TomlEntry>();
  const topNames = new Set<string>();
  /** `[[handler]]` index → its entries: one pass, so a manifest with many tables stays linear. */
  const handlerEntries = new Map<number, TomlEntry[]>();
  for (const e of doc.entries) {
    if (e.path.length === 1) {
      top.set(String(e.path[0]), e);
      topNames.add(String(e.path[0]));
      m.topLevelKeys.push({ key: String(e.path[0]), range: e.keyRange });
    }
    if (e.path[0] === 'handler' && typeof e.path[1] === 'number' && e.path.length === 3) {
      const list = handlerEntries.get(e.path[1]) ?? [];
      list.push(e);
      handlerEntries.set(e.path[1], list);
    }
  }
  for (const tb of doc.tables) {
    const key = String(tb.path[0]);
    if (!topNames.has(key)) {
      topNames.add(key);
      m.topLevelKeys.push({ key, range: tb.headerRange });
    }
  }

  const wrongType = (e: TomlEntry, want: string) =>
    problems.push({
      code: 'wrong-type',
      severity: 'error',
      range: e.valueRange,
      file,
      message: `\`${e.path.join('.')}\` must be ${want}, not ${article(e.type)} ${e.type}.`,
    });
  for (const key of STRING_KEYS) {
    const e = top.get(key);
    if (!e) continue;
    if (e.type !== 'string') {
      wrongType(e, 'a string');
      continue;
    }
    const field: StringField = { value: e.value as string, range: e.valueRange, keyRange: e.keyRange };
    if (key === 'name') m.name = field.value;
    else if (key === 'version') m.version = field.value;
    else if (key === 'init_state') m.initState = field;
    else if ((key === 'component' || key === 'package') && !m.component) {
      m.component = field;
      m.componentKey = key;
    }
  }
  const save = top.get('save_chain');
  if (save) {
    if (save.type === 'boolean') m.saveChain = save.value as boolean;
    else wrongType(save, 'a boolean');
  }
  const mem = top.get('max_memory_mib');
  if (mem) {
    const spec = TOP_LEVEL_KEYS.find((k) => k.key === 'max_memory_mib')!;
    const n = mem.type === 'integer' ? Number(mem.value as number | bigint) : undefined;
    if (n === undefined) wrongType(mem, 'an integer (MiB)');
    else if (n < spec.minimum! || n > spec.maximum!)
      problems.push({
        code: 'out-of-range',
        severity: 'error',
        range: mem.valueRange,
        file,
        message: `\`max_memory_mib\` must be between ${spec.minimum} and ${spec.maximum} (MiB), not ${n}; a 32-bit WebAssembly memory holds at most 4096 MiB.`,
      });
    else m.maxMemoryMiB = n;
  }
  const policy = top.get('permission_policy');
  if (policy && policy.type !== 'table') wrongType(policy, 'a table');
  const handlerScalar = top.get('handler');
  if (handlerScalar && !isArrayOfTables(handlerScalar.value)) {
    problems.push({
      code: 'wrong-type',
      severity: 'error',
      range: handlerScalar.keyRange,
      file,
      message: 'Handlers are tables: write `[[handler]]` on its own line, then `type = "…"` under it.',
    });
  } else if (handlerScalar) {
    // `handler = [{ type = "random" }, …]` is the same TOML value as `[[handler]]` tables: accept it.
    // Its members have no ranges of their own, so every diagnostic points at the value.
    const at = handlerScalar.valueRange;
    (handlerScalar.value as Array<Record<string, unknown>>).forEach((table, index) => {
      const fields = Object.keys(table).map((key) => ({ key, value: table[key], keyRange: at, valueRange: at }));
      m.handlers.push(
        handlerEntry({ index, headerRange: handlerScalar.keyRange, range: at }, fields, {
          problems,
          file,
          missingType: `Handler ${index + 1} of \`handler = [...]\` has no \`type\`; add \`type = "<handler>"\` (run \`theater handlers\` for the list).`,
          missingTypeRange: at,
        }),
      );
    });
  }

  for (const tb of doc.tables) {
    if (!tb.arrayItem || tb.path[0] !== 'handler' || tb.path.length !== 2) continue;
    const index = tb.path[1] as number;
    const fields = (handlerEntries.get(index) ?? []).map((e) => ({
      key: String(e.path[2]),
      value: e.value,
      keyRange: e.keyRange,
      valueRange: e.valueRange,
    }));
    m.handlers.push(
      handlerEntry({ index, headerRange: tb.headerRange, range: tb.range }, fields, {
        problems,
        file,
        missingType: 'This [[handler]] has no `type`; add `type = "<handler>"` (run `theater handlers` for the list).',
        missingTypeRange: tb.headerRange,
      }),
    );
  }

  // Missing keys are only worth saying when the file parsed: a broken line may hold the key.
  if (doc.problems.length === 0) {
    const missing = (key: string, hint: string) =>
      problems.push({ code: 'missing-key', severity: 'error', range: START, file, message: `The manifest has no \`${key}\`; ${hint}.` });
    if (!top.has('name')) missing('name', 'add `name = "my-actor"`');
    if (!top.has('version')) missing('version', 'add `version = "0.1.0"`');
    if (!top.has('component') && !top.has('package'))
      missing('component', 'add `component = "./my-actor.wasm"` (or `package`, its newer name), relative to the manifest');
  }
  return m;
}
