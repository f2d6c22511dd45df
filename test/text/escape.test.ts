import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeControlChars, escapeControlCharsKeepLines } from '../../src/runtime/text/escape';

test('escapeControlChars: terminal controls become visible, text stays', () => {
  assert.equal(escapeControlChars('\u001b[2K\rinit returned Ok'), '\\e[2K\\rinit returned Ok');
  assert.equal(escapeControlChars('bell\u0007 nul\u0000 del\u007f c1\u009b'), 'bell\\x07 nul\\x00 del\\x7f c1\\x9b');
  assert.equal(escapeControlChars('rtl\u202eoverride'), 'rtl\\u{202e}override');
  assert.equal(
    escapeControlChars('wasi:random/random@0.2.3/get-random-u64 → 42 ünïcode'),
    'wasi:random/random@0.2.3/get-random-u64 → 42 ünïcode',
  );
});

test('escapeControlCharsKeepLines keeps newlines only', () => {
  assert.equal(escapeControlCharsKeepLines('a\nb\r\nc\u001b'), 'a\nb\\r\nc\\e');
});
