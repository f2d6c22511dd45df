// What an event row and an event's documents say, without any vscode import. The sidebar is narrow:
// a row leads with what differs between events (the function and its value); the interface, the
// event type and the hash go to the description and tooltip.
import type { DecodedEvent } from '../../runtime/chain/decode';
import { escapeControlChars } from '../../runtime/text/escape';

export interface EventRowText {
  label: string;
  description: string;
}

/** `theater:simple/actor.init` → `init`; `init` stays `init`. */
function shortExport(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}

/** The row's label (index, function, value) and description (interface or event type, short hash). */
export function eventRowText(index: number, eventType: string, d: DecodedEvent, shortHash: string): EventRowText {
  let head: string;
  let where: string;
  if (d.category === 'host' && d.function) {
    head = d.summary.startsWith('(') ? `${d.function}${d.summary}` : `${d.function} ${d.summary}`;
    where = d.interface ?? eventType;
  } else if (d.functionName && d.summary.startsWith(d.functionName)) {
    head = shortExport(d.functionName) + d.summary.slice(d.functionName.length);
    const dot = d.functionName.lastIndexOf('.');
    where = dot >= 0 ? `${eventType} · ${d.functionName.slice(0, dot)}` : eventType;
  } else {
    head = d.summary;
    where = eventType;
  }
  // Event types and summaries come from the guest or a file: control characters are shown escaped.
  return { label: escapeControlChars(`${index}  ${head}`), description: escapeControlChars(`${where} · ${shortHash}`) };
}

/** The last segment of an event type: `wasi:random/random@0.2.3/get-random-u64` → `get-random-u64`. */
function eventTypeTail(eventType: string): string {
  const parts = eventType.split('/');
  return parts[parts.length - 1] || eventType;
}

/**
 * The title of an event's JSON/hex tab: `wasi-random-test event 3 (get-random-u64).json`. It is the
 * last segment of a virtual document's path, so it never holds a slash or a control character.
 */
export function eventDocTitle(chainName: string, index: number, eventType: string, ext: 'json' | 'hex'): string {
  const clean = (s: string) => escapeControlChars(s).replace(/[\\/]/g, '_');
  return `${clean(chainName)} event ${index} (${clean(eventTypeTail(eventType))}).${ext}`;
}
