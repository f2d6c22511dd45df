// What the user types for Send Message / Send Request, and how an answer is shown, without any vscode import.
import { escapeControlCharsKeepLines } from '../../runtime/text/escape';

/** The message as typed: `@path` names a file whose bytes are sent; anything else is sent as UTF-8 text. */
export type MessageInput = { kind: 'text'; bytes: Uint8Array } | { kind: 'file'; path: string };

export function parseMessageInput(text: string): MessageInput {
  if (text.startsWith('@') && text.length > 1) return { kind: 'file', path: text.slice(1).trim() };
  return { kind: 'text', bytes: new TextEncoder().encode(text) };
}

const HEX_SHOWN = 64;

/** An answer as a line: its text when it is valid UTF-8, else its bytes in hex (the first 64, then the count). */
export function describeBytes(bytes: Uint8Array): string {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  // Control characters other than newline and tab mean binary, not text.
  if (text !== undefined && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return escapeControlCharsKeepLines(text);
  const hex = Buffer.from(bytes.subarray(0, HEX_SHOWN)).toString('hex');
  return `${bytes.length} bytes: ${hex}${bytes.length > HEX_SHOWN ? '…' : ''}`;
}
