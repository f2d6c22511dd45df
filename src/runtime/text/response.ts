// How an actor's response (or any message bytes) is shown as one line, by the CLI and the editor alike.
import { escapeControlChars } from './escape';

/** Its UTF-8 text (control characters escaped), or 0x<hex> when it is not valid UTF-8; `maxHexBytes` shortens the hex. */
export function responseText(bytes: Uint8Array, maxHexBytes = Infinity): string {
  try {
    return escapeControlChars(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    const shown = bytes.length > maxHexBytes ? bytes.subarray(0, maxHexBytes) : bytes;
    return `0x${Buffer.from(shown).toString('hex')}${shown.length < bytes.length ? `… (${bytes.length} bytes)` : ''}`;
  }
}
