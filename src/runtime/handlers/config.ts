// Checks a [[handler]] table against the handler's declared config keys and applies defaults.
// Shared by the runtime (refuses to start on an error) and the validation core (diagnostics).
import { didYouMeanOne } from './suggestKey';
import type { ConfigKeySpec, HandlerConfig, HandlerDefinition } from './types';

export interface ConfigProblem {
  key: string;
  code:
    | 'config-unknown-key'
    | 'config-wrong-type'
    | 'config-missing-key'
    | 'config-out-of-range'
    | 'config-invalid-value'
    | 'config-grants-nothing';
  severity: 'error' | 'warning' | 'information';
  message: string;
  suggestion?: string;
}

function typeName(spec: ConfigKeySpec): string {
  return spec.type === 'string-array' ? 'an array of strings' : spec.type === 'integer' ? 'an integer' : `a ${spec.type}`;
}

function matches(spec: ConfigKeySpec, v: unknown): boolean {
  switch (spec.type) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    case 'string-array':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

/** Whether the handler's config keys are permissions: then its tables fail closed (see ConfigKeySpec.permission). */
export function hasPermissionKeys(def: HandlerDefinition): boolean {
  return def.config.some((c) => c.permission);
}

export function resolveHandlerConfig(
  def: HandlerDefinition,
  raw: Record<string, unknown>,
): { config: HandlerConfig; problems: ConfigProblem[] } {
  // Null prototype: a key named `__proto__` or `toString` is data, never Object.prototype.
  const config: HandlerConfig = Object.create(null) as HandlerConfig;
  const problems: ConfigProblem[] = [];
  const known = def.config.map((c) => c.name);
  const strict = hasPermissionKeys(def);
  for (const key of Object.keys(raw)) {
    if (key === 'type' || known.includes(key)) continue;
    const suggestion = didYouMeanOne(key, known);
    const hint = suggestion
      ? ` (did you mean \`${suggestion}\`?)`
      : known.length
        ? ` (known keys: ${known.join(', ')})`
        : ' (it takes no config)';
    problems.push({
      key,
      code: 'config-unknown-key',
      severity: strict ? 'error' : 'warning',
      ...(suggestion ? { suggestion } : {}),
      message: strict
        ? `The \`${def.type}\` handler has no config key \`${key}\`${hint}; its keys are permissions, so an unknown one is refused rather than ignored.`
        : `The \`${def.type}\` handler has no config key \`${key}\`${hint}; Theater ignores it.`,
    });
  }
  for (const spec of def.config) {
    const v = Object.prototype.hasOwnProperty.call(raw, spec.name) ? raw[spec.name] : undefined;
    if (v === undefined) {
      if (spec.required)
        problems.push({
          key: spec.name,
          code: 'config-missing-key',
          severity: 'error',
          message: `The \`${def.type}\` handler needs \`${spec.name}\`: ${spec.doc}`,
        });
      if (spec.absentGrantsNothing)
        problems.push({ key: spec.name, code: 'config-grants-nothing', severity: 'information', message: spec.absentGrantsNothing });
      config[spec.name] = spec.default;
      continue;
    }
    if (!matches(spec, v)) {
      problems.push({
        key: spec.name,
        code: 'config-wrong-type',
        severity: 'error',
        message: `\`${spec.name}\` of the \`${def.type}\` handler must be ${typeName(spec)}.`,
      });
      config[spec.name] = spec.default;
      continue;
    }
    if (spec.type === 'integer') {
      const n = BigInt(v as number | bigint);
      if ((spec.minimum !== undefined && n < BigInt(spec.minimum)) || (spec.maximum !== undefined && n > BigInt(spec.maximum))) {
        const range = spec.maximum !== undefined ? `between ${spec.minimum ?? 0} and ${spec.maximum}` : `at least ${spec.minimum}`;
        problems.push({
          key: spec.name,
          code: 'config-out-of-range',
          severity: 'error',
          message: `\`${spec.name}\` of the \`${def.type}\` handler must be ${range}.`,
        });
        config[spec.name] = spec.default;
        continue;
      }
    }
    if (spec.pattern !== undefined && typeof v === 'string' && !new RegExp(`^(?:${spec.pattern})$`).test(v)) {
      problems.push({
        key: spec.name,
        code: 'config-invalid-value',
        severity: 'error',
        message: `\`${spec.name}\` of the \`${def.type}\` handler must be ${spec.patternHint ?? `of the form ${spec.pattern}`}; \`${v}\` is not.`,
      });
      config[spec.name] = spec.default;
      continue;
    }
    config[spec.name] = v as HandlerConfig[string];
  }
  return { config, problems };
}
