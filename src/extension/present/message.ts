// What the user types for Send Message / Send Request, without any vscode import.

/** The message as typed: `@path` names a file whose bytes are sent; anything else is sent as UTF-8 text. */
export type MessageInput = { kind: 'text'; bytes: Uint8Array } | { kind: 'file'; path: string };

export function parseMessageInput(text: string): MessageInput {
  if (text.startsWith('@') && text.length > 1) return { kind: 'file', path: text.slice(1).trim() };
  return { kind: 'text', bytes: new TextEncoder().encode(text) };
}
