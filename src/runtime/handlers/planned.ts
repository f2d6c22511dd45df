// Handler types Theater's manifests accept that this runtime does not implement yet. They are
// declared so diagnostics can say so precisely instead of calling the type unknown.
import type { HandlerDefinition } from './types';

function planned(
  type: string,
  summary: string,
  interfaces: Array<[string, string | null]>,
  exports: string[] = [],
  config: HandlerDefinition['config'] = [],
): HandlerDefinition {
  return {
    type,
    summary,
    exports,
    config,
    implemented: false,
    doc: `${summary} Theater for VS Code does not implement this handler yet; an actor that needs it cannot start here.`,
    interfaces: interfaces.map(([name, version]) => ({ name, version, doc: summary, resources: [], functions: [] })),
    create() {
      throw new Error(`the ${type} handler is not implemented by this runtime`);
    },
  };
}

export const plannedHandlers: HandlerDefinition[] = [
  planned(
    'process',
    'OS processes: theater:simple/process.',
    [['theater:simple/process', null]],
    ['theater:simple/process-handlers'],
    [
      { name: 'max_processes', type: 'integer', doc: 'Most processes at once.', default: 10, minimum: 0 },
      { name: 'max_output_buffer', type: 'integer', doc: 'Output buffer size in bytes.', default: 1048576, minimum: 0 },
      { name: 'allowed_programs', type: 'string-array', doc: 'Programs the actor may start.', permission: true },
      { name: 'allowed_paths', type: 'string-array', doc: 'Working directories the actor may use.', permission: true },
    ],
  ),
];
