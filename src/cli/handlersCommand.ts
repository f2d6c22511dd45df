// `theater handlers`: the registry as a table or JSON (the same data the schema and hover use).
import { stringifyLossless } from '../runtime/chain/json';
import { listHandlers, qualifiedName } from '../runtime/handlers/registry';
import type { ParsedArgs } from './args';

export function handlersAsJson(): unknown {
  return listHandlers().map((h) => ({
    type: h.type,
    summary: h.summary,
    always_available: !!h.alwaysAvailable,
    interfaces: h.interfaces.map((i) => ({ name: qualifiedName(i), functions: i.functions.map((f) => f.name) })),
    exports: h.exports,
    config: h.config.map((c) => ({ name: c.name, type: c.type, default: c.default ?? null, required: !!c.required, doc: c.doc })),
  }));
}

export function runHandlers(args: ParsedArgs): number {
  if (args.flags.has('json')) {
    process.stdout.write(stringifyLossless(handlersAsJson()) + '\n');
    return 0;
  }
  const lines: string[] = [];
  for (const h of listHandlers()) {
    lines.push(`${h.type}${h.alwaysAvailable ? '  (always available)' : ''}`);
    lines.push(`  ${h.summary}`);
    for (const i of h.interfaces)
      lines.push(`  provides ${qualifiedName(i)}${i.functions.length ? `: ${i.functions.map((f) => f.name).join(', ')}` : ''}`);
    for (const e of h.exports) lines.push(`  drives   ${e}`);
    for (const c of h.config) {
      const def = c.default === undefined ? '' : ` = ${Array.isArray(c.default) ? JSON.stringify(c.default) : String(c.default)}`;
      lines.push(`  config   ${c.name}: ${c.type}${def}${c.required ? ' (required)' : ''} — ${c.doc}`);
    }
    lines.push('');
  }
  process.stdout.write(lines.join('\n'));
  return 0;
}
