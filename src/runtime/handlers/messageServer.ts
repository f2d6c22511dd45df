// theater:simple/message-server-host: messages between the actors of one runtime. The functions run in
// the actor's worker and ask the runtime's router on the main thread (host/system.ts), which delivers
// to the target's message-server-client exports. A request blocks only the calling actor's worker.
import { t } from '../wit/types';
import type { HandlerDefinition } from './types';

const bytes = t.list(t.u8);
const unitOrErr = t.result(null, t.string);

export const MESSAGE_HOST = 'theater:simple/message-server-host';

export const messageServerHandler: HandlerDefinition = {
  type: 'message-server',
  summary: 'Messages between actors: theater:simple/message-server-host; drives theater:simple/message-server-client.',
  doc:
    'Send, request (the caller waits; the answer may come later through respond-to-request) and channels between the ' +
    'actors of one runtime, addressed by actor id. Deliveries from one sender to one receiver arrive in order. An unknown ' +
    'or paused target, a closed channel or a request cycle gives the caller `err` with one sentence.',
  exports: ['theater:simple/message-server-client'],
  config: [],
  interfaces: [
    {
      name: MESSAGE_HOST,
      version: null,
      resources: [],
      doc: 'Messages to other actors, by actor id.',
      functions: [
        {
          name: 'send',
          params: [
            ['actor-id', t.string],
            ['msg', bytes],
          ],
          result: unitOrErr,
          doc: 'One-way message: handle-send.',
        },
        {
          name: 'request',
          params: [
            ['actor-id', t.string],
            ['msg', bytes],
          ],
          result: t.result(bytes, t.string),
          doc: 'Waits for the answer of handle-request (or a later respond-to-request).',
        },
        {
          name: 'open-channel',
          params: [
            ['actor-id', t.string],
            ['initial-msg', bytes],
          ],
          result: t.result(t.string, t.string),
          doc: 'Opens a channel if the target accepts it (handle-channel-open).',
        },
        {
          name: 'send-on-channel',
          params: [
            ['channel-id', t.string],
            ['msg', bytes],
          ],
          result: unitOrErr,
          doc: 'A message to the other end of an open channel.',
        },
        { name: 'close-channel', params: [['channel-id', t.string]], result: unitOrErr, doc: 'Closes a channel; the other end is told.' },
        {
          name: 'list-outstanding-requests',
          params: [],
          result: t.list(t.string),
          doc: 'Requests to this actor that are not answered yet.',
        },
        {
          name: 'respond-to-request',
          params: [
            ['request-id', t.string],
            ['response', bytes],
          ],
          result: unitOrErr,
          doc: 'Answers an outstanding request (deferred answer).',
        },
        { name: 'cancel-request', params: [['request-id', t.string]], result: unitOrErr, doc: 'The requester gets err.' },
      ],
    },
  ],
  create(ctx) {
    const fns = Object.fromEntries(
      messageServerHandler.interfaces[0]!.functions.map((f) => [
        f.name,
        (...args: unknown[]) => ctx.hostCall(`${MESSAGE_HOST}/${f.name}`, args),
      ]),
    );
    return { functions: (name) => (name === MESSAGE_HOST ? fns : {}) };
  },
};
