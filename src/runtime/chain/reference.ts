// get-chain's answer is the chain itself, so recording it in full made each call cost the whole chain
// again (five calls on an 8-event chain: 31 MiB). Its output is recorded as a reference instead:
// `{"ChainRef":{"events":N,"head":"<hex of event N-1's hash>"}}`, the first N events of this very
// chain, which replay re-derives from the recording. See docs/chain-format.md.
import { fromHex, toHex } from './hash';

export interface ChainReference {
  /** How many events the answer held (the chain's first `events` events). */
  events: number;
  /** Hash of the last of them (null when there were none). */
  head: Uint8Array | null;
}

/** A host value that stands for a prefix of the chain carries its reference under this key. */
export const CHAIN_REFERENCE: unique symbol = Symbol('theater.chainReference');

export function withChainReference<T extends object>(value: T, ref: ChainReference): T {
  Object.defineProperty(value, CHAIN_REFERENCE, { value: ref, enumerable: false });
  return value;
}

export function chainReferenceOf(value: unknown): ChainReference | undefined {
  return typeof value === 'object' && value !== null ? (value as { [CHAIN_REFERENCE]?: ChainReference })[CHAIN_REFERENCE] : undefined;
}

/** The output's typed-value JSON as recorded. */
export function encodeChainReference(ref: ChainReference): string {
  return `{"ChainRef":{"events":${ref.events},"head":${ref.head ? `"${toHex(ref.head)}"` : 'null'}}}`;
}

/** The reference a recorded output holds, or undefined when it is an ordinary value. */
export function parseChainReference(output: unknown): ChainReference | undefined {
  if (typeof output !== 'object' || output === null || !('ChainRef' in output)) return undefined;
  const r = (output as { ChainRef: unknown }).ChainRef as { events?: unknown; head?: unknown } | null;
  if (!r || typeof r.events !== 'number' || !Number.isInteger(r.events) || r.events < 0) return undefined;
  if (r.head !== null && (typeof r.head !== 'string' || !/^[0-9a-f]{40}$/.test(r.head))) return undefined;
  return { events: r.events, head: r.head === null ? null : fromHex(r.head) };
}
