// The JSON Schema of manifest.toml, generated from the registry and the manifest key table, so the
// schema (for Even Better TOML users) can never drift from what the runtime and diagnostics accept.
import { TOP_LEVEL_KEYS } from '../manifest/keys';
import { listHandlers } from './registry';
import type { ConfigKeySpec } from './types';

function configSchema(c: ConfigKeySpec): Record<string, unknown> {
  const s: Record<string, unknown> = { description: c.doc };
  if (c.type === 'string-array') Object.assign(s, { type: 'array', items: { type: 'string' } });
  else Object.assign(s, { type: c.type });
  // JSON numbers cannot hold every u64 exactly: such a default goes into the description instead.
  if (typeof c.default === 'bigint' && c.default > BigInt(Number.MAX_SAFE_INTEGER)) s.description = `${c.doc} Default: ${c.default}.`;
  else if (c.default !== undefined) s.default = typeof c.default === 'bigint' ? Number(c.default) : c.default;
  if (c.minimum !== undefined) s.minimum = Number(c.minimum);
  if (c.maximum !== undefined) s.maximum = Number(c.maximum);
  if (c.pattern !== undefined) s.pattern = `^(?:${c.pattern})$`;
  return s;
}

export function manifestJsonSchema(): Record<string, unknown> {
  const handlers = listHandlers();
  const properties: Record<string, unknown> = {};
  for (const k of TOP_LEVEL_KEYS) {
    if (k.key === 'handler') continue;
    properties[k.key] = {
      description: k.doc,
      type: k.type === 'table' ? 'object' : k.type,
      ...(k.minimum !== undefined ? { minimum: k.minimum } : {}),
      ...(k.maximum !== undefined ? { maximum: k.maximum } : {}),
    };
  }
  properties.handler = {
    description: TOP_LEVEL_KEYS.find((k) => k.key === 'handler')!.doc,
    type: 'array',
    items: {
      type: 'object',
      required: ['type'],
      properties: {
        type: {
          description: `The handler this table configures: ${handlers.map((h) => h.type).join(', ')}.`,
          enum: handlers.map((h) => h.type),
        },
      },
      allOf: handlers.map((h) => ({
        if: { properties: { type: { const: h.type } } },
        then: {
          title: `${h.type} handler`,
          description: h.summary,
          properties: { type: { const: h.type }, ...Object.fromEntries(h.config.map((c) => [c.name, configSchema(c)])) },
          ...(h.config.some((c) => c.required) ? { required: ['type', ...h.config.filter((c) => c.required).map((c) => c.name)] } : {}),
        },
      })),
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://theater-vscode.invalid/manifest.schema.json',
    title: 'Theater actor manifest (manifest.toml)',
    description: 'Generated from the Theater for VS Code handler registry. Unknown top-level keys are allowed: Theater ignores them.',
    type: 'object',
    // `component` is required, but `package` (its newer name) may stand in for it.
    required: TOP_LEVEL_KEYS.filter((k) => k.required && k.key !== 'component').map((k) => k.key),
    anyOf: [{ required: ['component'] }, { required: ['package'] }],
    properties,
    additionalProperties: true,
  };
}
