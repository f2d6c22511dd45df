// Send Message / Send Request input and the answer's presentation (pure helpers of the extension).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBytes, parseMessageInput } from '../../src/extension/present/message';

test('typed text is sent as UTF-8; @path names a file', () => {
  assert.deepEqual(parseMessageInput('héllo'), { kind: 'text', bytes: new TextEncoder().encode('héllo') });
  assert.deepEqual(parseMessageInput('@ data/in.bin '), { kind: 'file', path: 'data/in.bin' });
  // A lone "@" is text, not an empty path.
  assert.deepEqual(parseMessageInput('@'), { kind: 'text', bytes: new TextEncoder().encode('@') });
});

test('an answer shows as text when it is text, else as counted hex', () => {
  assert.equal(describeBytes(new TextEncoder().encode('42')), '42');
  // Lines stay lines; a tab is shown escaped, as everywhere the extension shows guest text.
  assert.equal(describeBytes(new TextEncoder().encode('a\nb\tc')), 'a\nb\\tc');
  assert.equal(describeBytes(new Uint8Array([0xff, 0x00, 0x10])), '3 bytes: ff0010');
  assert.equal(describeBytes(new Uint8Array([0x41, 0x00])), '2 bytes: 4100');
  const long = describeBytes(new Uint8Array(100).fill(0xfe));
  assert.ok(long.startsWith('100 bytes: fefe') && long.endsWith('…'), long);
  assert.equal(long.length, '100 bytes: '.length + 128 + 1);
});
