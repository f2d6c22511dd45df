// What the user types for Send Message / Send Request, without any vscode import.

/** The message as typed: `@path` names a file whose bytes are sent; anything else is sent as UTF-8 text. */
export type MessageInput = { kind: 'text'; bytes: Uint8Array } | { kind: 'file'; path: string };

export function parseMessageInput(text: string): MessageInput {
  if (text.startsWith('@') && text.length > 1) return { kind: 'file', path: text.slice(1).trim() };
  return { kind: 'text', bytes: new TextEncoder().encode(text) };
}

/** How the user gives a message when no text came with the command. */
export type MessageForm = 'text' | 'json' | 'file';

/** A message typed as JSON: sent as its UTF-8 text when it parses, else the sentence why not (for the input box). */
export function jsonMessage(text: string): { bytes: Uint8Array } | { error: string } {
  try {
    JSON.parse(text);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  return { bytes: new TextEncoder().encode(text) };
}

/** An actor's state as a document: pretty JSON when it is JSON, its text when it is UTF-8, else hex lines. */
export function stateDocument(state: Uint8Array | null): string {
  if (state === null) return '(no state)\n';
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(state);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    } catch {
      return text.endsWith('\n') ? text : `${text}\n`;
    }
  }
  const hex = Buffer.from(state).toString('hex');
  const lines = [`${state.length} bytes (hex):`];
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64));
  return `${lines.join('\n')}\n`;
}
