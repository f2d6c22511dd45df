// A small argument parser: positionals, boolean flags and `--name value` options. Every command
// declares the flags it takes; anything else is refused with a suggestion, never silently ignored.
import { didYouMeanOne } from '../runtime/handlers/suggestKey';

export class UsageError extends Error {}

export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  options: Map<string, string>;
  /** Every value of an option given more than once (`--override 3=1 --override 5=2`), in order. */
  repeated: Map<string, string[]>;
}

const VALUE_OPTIONS = new Set([
  'chain-out',
  'timeout',
  'max-memory',
  'chain',
  'out',
  'actor-id',
  'data-dir',
  'until',
  'then',
  'override',
  'root',
  'save',
  'manifest',
  'name',
]);

// --data-dir is global: scripts pass one per-user folder to every command (only run and replay use it).
const GLOBAL_FLAGS = ['debug', 'help', 'data-dir'];
/** The flags and options each command takes (besides --debug and --help). */
export const COMMAND_FLAGS: Record<string, readonly string[]> = {
  run: ['chain-out', 'json', 'timeout', 'max-memory', 'activate-by-imports', 'actor-id'],
  replay: ['chain', 'json', 'chain-out', 'timeout', 'max-memory', 'until', 'then', 'override'],
  test: ['json', 'timeout', 'save', 'manifest', 'name'],
  check: ['json', 'activate-by-imports'],
  handlers: ['json'],
  chain: ['json', 'out', 'listing'],
  lsp: ['stdio'],
  mcp: ['root'],
};

/** Refuses a flag the command does not take, with the closest one it does take. */
export function checkFlags(command: string, args: ParsedArgs): void {
  const allowed = [...(COMMAND_FLAGS[command] ?? []), ...GLOBAL_FLAGS];
  for (const name of [...args.flags, ...args.options.keys()]) {
    if (allowed.includes(name)) continue;
    const suggestion = didYouMeanOne(name, allowed);
    throw new UsageError(
      `\`theater ${command}\` has no option --${name}${suggestion ? `; did you mean --${suggestion}?` : ''} (it takes ${allowed.map((f) => `--${f}`).join(', ')})`,
    );
  }
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') {
      flags.add('help');
      continue;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (VALUE_OPTIONS.has(name)) {
      const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
      repeated.set(name, [...(repeated.get(name) ?? []), value]);
    } else {
      flags.add(name);
    }
  }
  return { positional, flags, options, repeated };
}

export function requirePositional(rest: string[], what: string, command: string): string {
  const v = rest[0];
  if (!v) throw new UsageError(`\`theater ${command}\` needs ${what}; run \`theater --help\` for usage`);
  return v;
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${v}'`);
  return n;
}
