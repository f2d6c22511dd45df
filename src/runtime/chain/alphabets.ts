// The two text alphabets of our log lines: lowercase hex for hashes, standard base64 for data.
// The encoder's tables and the reader's checks are both built from these.
export const HEX_ALPHABET = '0123456789abcdef';
export const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The alphabet's character codes. */
export const codesOf = (alphabet: string): Uint8Array => Uint8Array.from(alphabet, (c) => c.charCodeAt(0));
