// Send Message / Send Request input and the answer's presentation (shared with `theater run`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonMessage, parseMessageInput, stateDocument } from '../../src/extension/present/message';
import { responseText } from '../../src/runtime/text/response';

test('typed text is sent as UTF-8; @path names a file', () => {
  assert.deepEqual(parseMessageInput('héllo'), { kind: 'text', bytes: new TextEncoder().encode('héllo') });
  assert.deepEqual(parseMessageInput('@ data/in.bin '), { kind: 'file', path: 'data/in.bin' });
  // A lone "@" is text, not an empty path.
  assert.deepEqual(parseMessageInput('@'), { kind: 'text', bytes: new TextEncoder().encode('@') });
});

test('an answer shows as its text when it is UTF-8, else as 0x hex, shortened on request', () => {
  assert.equal(responseText(new TextEncoder().encode('42')), '42');
  assert.equal(responseText(new Uint8Array([0xff, 0x00, 0x10])), '0xff0010');
  assert.equal(responseText(new Uint8Array(100).fill(0xfe)).length, 2 + 200);
  assert.equal(responseText(new Uint8Array(100).fill(0xfe), 4), '0xfefefefe… (100 bytes)');
  assert.equal(responseText(new Uint8Array(4).fill(0xfe), 4), '0xfefefefe');
});

test('Show State: JSON pretty-printed, text as text, bytes as hex lines', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(stateDocument(null), '(no state)\n');
  assert.equal(stateDocument(enc('{"n":1}')), '{\n  "n": 1\n}\n');
  assert.equal(stateDocument(enc('7')), '7\n');
  assert.equal(stateDocument(enc('hello')), 'hello\n');
  assert.equal(stateDocument(new Uint8Array(40).fill(0xff)), `40 bytes (hex):\n${'ff'.repeat(32)}\n${'ff'.repeat(8)}\n`);
});

test('a JSON message is sent as typed once it parses; otherwise the input box says why', () => {
  assert.deepEqual(jsonMessage('{"n": 1}'), { bytes: new TextEncoder().encode('{"n": 1}') });
  const bad = jsonMessage('{n: 1}');
  assert.ok('error' in bad);
  assert.match(bad.error, /^not valid JSON: /);
});
