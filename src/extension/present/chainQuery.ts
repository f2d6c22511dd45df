// What the user types into Filter and Go to Event, parsed without any vscode import.
import type { Filter } from '../model/chainSource';

/** `type:wasm` matches the event type only; other text matches type and summary; empty clears. */
export function parseFilter(text: string): Filter {
  const t = text.trim();
  if (t.startsWith('type:')) {
    const type = t.slice(5).trim();
    return type ? { type } : {};
  }
  return t ? { text: t } : {};
}

/** The filter as the user would type it again (the input box's initial value). */
export function filterText(f: Filter): string {
  return f.type ? `type:${f.type}` : (f.text ?? '');
}

export function isFiltered(f: Filter): boolean {
  return Boolean(f.type || f.text);
}

/** `type:wasm` / `"rand"`, for descriptions and messages. */
export function describeFilter(f: Filter): string {
  return f.type ? `type: ${f.type}` : `"${f.text ?? ''}"`;
}

export type EventTarget = { kind: 'index'; index: number } | { kind: 'hash'; prefix: string } | { kind: 'invalid'; reason: string };

const MIN_HASH_PREFIX = 4;

/**
 * Go to Event's input: an event number (`#` allowed) or a hash prefix of at least 4 hex digits
 * (`0x` allowed). A number of 4+ digits that is not an index in range is read as a hash prefix.
 */
export function parseEventTarget(input: string, total: number): EventTarget {
  const t = input.trim().toLowerCase().replace(/^#/, '');
  if (t === '') return { kind: 'invalid', reason: 'type an event number or the start of its hash' };
  if (/^\d+$/.test(t) && (Number(t) < total || t.length < MIN_HASH_PREFIX)) {
    const index = Number(t);
    return index < total ? { kind: 'index', index } : { kind: 'invalid', reason: `there are ${total} events: 0 to ${total - 1}` };
  }
  const hex = t.replace(/^0x/, '');
  if (/^[0-9a-f]+$/.test(hex)) {
    if (hex.length < MIN_HASH_PREFIX) return { kind: 'invalid', reason: `a hash prefix needs at least ${MIN_HASH_PREFIX} hex digits` };
    return { kind: 'hash', prefix: hex };
  }
  return { kind: 'invalid', reason: `"${input.trim()}" is neither an event number nor a hash prefix` };
}

/** True when `hash` starts with the hex digits `prefix` (compared byte by byte, no string per event). */
export function hashHasPrefix(hash: Uint8Array, prefix: string): boolean {
  if (prefix.length > hash.length * 2) return false;
  for (let i = 0; i < prefix.length; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    if (nibble !== parseInt(prefix[i]!, 16)) return false;
  }
  return true;
}

/** Indexes of the events whose hash starts with `prefix` (at most `limit`, to tell unique from ambiguous). */
export function findByHashPrefix(hashes: (i: number) => Uint8Array | undefined, total: number, prefix: string, limit = 2): number[] {
  const out: number[] = [];
  for (let i = 0; i < total && out.length < limit; i++) {
    const h = hashes(i);
    if (h && hashHasPrefix(h, prefix)) out.push(i);
  }
  return out;
}

/** The Filter prompt, naming the chain it applies to. */
export function filterPrompt(chainLabel: string): string {
  return `Show the events of ${chainLabel} whose type or summary contains… (type:NAME matches the event type only; empty clears)`;
}
