// Text that comes from an actor or a file (guest logs, event types, manifest names, chain data) is
// shown on terminals, in notifications and in tree labels. Control characters in it could move the
// cursor, erase lines or fake output ("ESC[2K\r init returned Ok"), so every such place shows them
// escaped instead. One rule, used everywhere text from outside is displayed.

/** C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** Shows control characters as visible escapes (`\e[2K`, `\r`, `\x07`); everything else is unchanged. */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, escapeOne);
}

/** Like escapeControlChars, but keeps line breaks: for multi-line output such as an actor's log or stdout. */
export function escapeControlCharsKeepLines(text: string): string {
  return text.split('\n').map(escapeControlChars).join('\n');
}
