// The worker behind timeTravelJobs.ts: the whole-chain work of the editor's time-travel commands
// (indexing a recording for What If… and Fork from Here, checking an edited output against it,
// copying a chain into a regression test), off the caller's thread (the VS Code extension host).
// The CLI calls the same functions of timeTravel.ts / regressionTests.ts on its own thread.
import { parentPort } from 'node:worker_threads';
import { decodeEvent } from '../chain/decode';
import type { EventAccess } from '../chain/eventIndex';
import { stringifyLossless } from '../chain/json';
import { saveRegressionTest } from './regressionTests';
import { checkForkPoint, functionOfEvent, parseOverride, recordedEvents } from './timeTravel';
import type { TimeTravelReply, TimeTravelRequest } from './timeTravelJobs';

const port = parentPort!;
/** The last recording indexed (What If… checks each keystroke against the same one). */
let indexed: { chain: string; events: EventAccess } | undefined;

function eventsOf(chain: string): EventAccess {
  if (indexed?.chain !== chain) indexed = { chain, events: recordedEvents(chain) };
  return indexed.events;
}

function answer(req: TimeTravelRequest): unknown {
  switch (req.op) {
    case 'what-if-target': {
      const ev = eventsOf(req.chain).at(req.index);
      const fn = ev && functionOfEvent(ev);
      if (!ev || !fn?.spec.result) return null;
      return { eventType: ev.eventType, output: stringifyLossless(decodeEvent(ev).output ?? null) };
    }
    case 'check-override':
      try {
        parseOverride(req.text, eventsOf(req.chain), req.chain);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    case 'parse-overrides':
      return req.overrides.map((o) => parseOverride(o, eventsOf(req.chain), req.chain));
    case 'check-fork':
      checkForkPoint(eventsOf(req.chain), req.at, req.chain);
      return null;
    case 'save-test':
      return saveRegressionTest(req.options);
  }
}

port.on('message', (req: TimeTravelRequest) => {
  let reply: TimeTravelReply;
  try {
    reply = { id: req.id, ok: true, value: answer(req) };
  } catch (e) {
    reply = { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
