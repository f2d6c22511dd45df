// theater:simple/supervisor: child actors. Like message-server, the functions ask the runtime on the
// main thread (host/system.ts), which starts each child in its own worker with its own chain.
import { t } from '../wit/types';
import type { HandlerDefinition } from './types';

const bytes = t.list(t.u8);
const chainEvent = t.record('chain-event', [
  ['hash', bytes],
  ['parent-hash', t.option(bytes)],
  ['event-type', t.string],
  ['data', bytes],
  ['timestamp', t.u64],
  ['description', t.option(t.string)],
]);

export const SUPERVISOR = 'theater:simple/supervisor';
export const DEFAULT_MAX_RESTARTS = 10;
export const DEFAULT_RESTART_WINDOW_S = 60;

export const supervisorHandler: HandlerDefinition = {
  type: 'supervisor',
  summary: 'Child actors: theater:simple/supervisor; drives theater:simple/supervisor-handlers.',
  doc:
    'spawn (a relative manifest path resolves against this manifest’s folder), resume, list-children, stop-child, ' +
    'restart-child (same id; the chain goes on), get-child-state and get-child-events. A child’s failure, exit and ' +
    'external stop call handle-child-error, handle-child-exit and handle-child-external-stop. At most `max_restarts` ' +
    'restarts within `restart_window_s` seconds (Erlang/OTP’s convention); past it the child stays failed.',
  exports: ['theater:simple/supervisor-handlers'],
  config: [
    {
      name: 'max_restarts',
      type: 'integer',
      doc: 'Most restart-child calls within restart_window_s.',
      default: DEFAULT_MAX_RESTARTS,
      minimum: 0,
    },
    {
      name: 'restart_window_s',
      type: 'integer',
      doc: 'The window of max_restarts, in seconds.',
      default: DEFAULT_RESTART_WINDOW_S,
      minimum: 1,
    },
  ],
  interfaces: [
    {
      name: SUPERVISOR,
      version: null,
      resources: [],
      doc: "The actor's children.",
      functions: [
        {
          name: 'spawn',
          params: [
            ['manifest', t.string],
            ['init-bytes', t.option(bytes)],
          ],
          result: t.result(t.string, t.string),
          doc: 'Starts a child (init runs before this returns); returns its id.',
        },
        {
          name: 'resume',
          params: [
            ['manifest', t.string],
            ['init-state', t.option(bytes)],
          ],
          result: t.result(t.string, t.string),
          doc: 'Starts a child with this state, without calling init.',
        },
        { name: 'list-children', params: [], result: t.list(t.string), doc: 'Ids of the running children.' },
        {
          name: 'stop-child',
          params: [['child-id', t.string]],
          result: t.result(null, t.string),
          doc: 'Stops a child (its children first).',
        },
        {
          name: 'restart-child',
          params: [['child-id', t.string]],
          result: t.result(null, t.string),
          doc: 'A fresh instance and init; same id, same chain.',
        },
        {
          name: 'get-child-state',
          params: [['child-id', t.string]],
          result: t.result(t.option(bytes), t.string),
          doc: "The child's current state.",
        },
        {
          name: 'get-child-events',
          params: [['child-id', t.string]],
          result: t.result(t.list(chainEvent), t.string),
          doc: "The child's chain.",
        },
      ],
    },
  ],
  create(ctx) {
    const fns = Object.fromEntries(
      supervisorHandler.interfaces[0]!.functions.map((f) => [
        f.name,
        (...args: unknown[]) => ctx.hostCall(`${SUPERVISOR}/${f.name}`, args),
      ]),
    );
    return { functions: (name) => (name === SUPERVISOR ? fns : {}) };
  },
};
