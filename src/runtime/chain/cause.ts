// Which events cause calls in other actors, and which event a recorded cause names (docs/actors.md
// "Causality across chains"). Pure: the chain view uses it for every row.
import type { ChainEvent, EventCause } from './event';
import { toHex } from './hash';

/** Host functions whose call delivers a call into another actor (a child's init for spawn and restart-child). */
const CAUSING =
  /^theater:simple\/(message-server-host|supervisor)(@[^/]*)?\/(send|request|open-channel|send-on-channel|close-channel|spawn|restart-child)$/;

/** The event is a host call that causes a call in another actor (send, request, spawn, …). */
export function causesCalls(eventType: string): boolean {
  return CAUSING.test(eventType);
}

/** Does `ev` (an event of actor `actorId`) cause the call whose cause is `cause`? */
export function isCauseOf(cause: EventCause, actorId: string, ev: Pick<ChainEvent, 'hash' | 'parentHash'>): boolean {
  if (cause.actor !== actorId) return false;
  if (cause.event) return cause.event === toHex(ev.hash);
  if (cause.after) return ev.parentHash !== null && cause.after === toHex(ev.parentHash);
  return false;
}
