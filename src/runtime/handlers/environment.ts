// theater:simple/environment with Theater's allow/deny rules. A denial is recorded as its own event
// and the guest gets the benign value (none / false / an empty list).
import { t } from '../wit/types';
import type { HandlerConfig, HandlerContext, HandlerDefinition } from './types';

const IFACE = 'theater:simple/environment';

/**
 * Theater's EnvironmentHandlerConfig::is_variable_allowed, failing closed: denied first, then
 * allowed_vars, then allowed_prefixes. A list that is present decides even when it is empty
 * (`allowed_vars = []` allows none); only a table with neither list allows every variable.
 */
export function isVariableAllowed(config: HandlerConfig, name: string): boolean {
  const denied = (config.denied_vars as string[] | undefined) ?? [];
  if (denied.includes(name)) return false;
  const allowed = config.allowed_vars as string[] | undefined;
  if (allowed !== undefined) return allowed.includes(name);
  const prefixes = config.allowed_prefixes as string[] | undefined;
  if (prefixes !== undefined) return prefixes.some((p) => name.startsWith(p));
  return true;
}

/**
 * What list-vars answers: every allowed host variable, sorted, when the table says allow_list_all;
 * otherwise none, with the denial recorded. wasi:cli's get-environment answers the same.
 */
export function allowedVariables(ctx: HandlerContext, config: HandlerConfig): Array<[string, string]> {
  if (config.allow_list_all !== true) {
    ctx.recordDenial(IFACE, 'list-vars', '*', 'Listing environment variables is not permitted; set allow_list_all = true');
    return [];
  }
  return Object.entries(process.env)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && isVariableAllowed(config, e[0]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export const environmentHandler: HandlerDefinition = {
  type: 'environment',
  summary: 'Read-only environment variables: theater:simple/environment, filtered by allow/deny lists.',
  doc:
    'Serves `theater:simple/environment` from the host process environment. `denied_vars` wins over ' +
    '`allowed_vars`, which wins over `allowed_prefixes`; a list that is present decides even when empty ' +
    '(`allowed_vars = []` allows none); with none of them every variable is readable. `list-vars` needs ' +
    '`allow_list_all = true`. A denial is recorded as a `permission-denied` event. Unknown keys are errors, ' +
    'and activated by imports alone (no table) the handler allows no variable.',
  exports: [],
  config: [
    {
      name: 'allowed_vars',
      type: 'string-array',
      doc: 'Only these variables are readable (when set; `[]` allows none).',
      permission: true,
    },
    { name: 'denied_vars', type: 'string-array', doc: 'These variables are never readable.', permission: true },
    {
      name: 'allow_list_all',
      type: 'boolean',
      doc: 'Whether `list-vars` may list the (allowed) variables.',
      default: false,
      permission: true,
    },
    {
      name: 'allowed_prefixes',
      type: 'string-array',
      doc: 'Variables starting with one of these prefixes are readable (when `allowed_vars` is not set; `[]` allows none).',
      permission: true,
    },
  ],
  unlistedConfig: { allowed_vars: [] },
  interfaces: [
    {
      name: IFACE,
      version: null,
      resources: [],
      doc: 'Environment variables of the host, read-only.',
      functions: [
        {
          name: 'get-var',
          params: [['name', t.string]],
          result: t.option(t.string),
          doc: "The variable's value, or none when unset or denied.",
        },
        { name: 'exists', params: [['name', t.string]], result: t.bool, doc: 'Whether the variable is set (false when denied).' },
        {
          name: 'list-vars',
          params: [],
          result: t.list(t.tuple(t.string, t.string)),
          doc: 'All allowed variables (empty unless allow_list_all).',
        },
      ],
    },
  ],
  create(ctx, config) {
    // A Map, never a plain object: `get-var("toString")` or `"__proto__"` must find nothing, not Object.prototype.
    const env = new Map(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const check = (operation: string, name: string): boolean => {
      if (isVariableAllowed(config, name)) return true;
      ctx.recordDenial(IFACE, operation, name, `Environment variable '${name}' access denied`);
      return false;
    };
    const fns = {
      'get-var': (name: string) => (check('get-var', name) ? env.get(name) : undefined),
      exists: (name: string) => check('exists', name) && env.has(name),
      'list-vars': () => allowedVariables(ctx, config),
    };
    return { functions: (name) => (name === IFACE ? fns : {}) };
  },
};
