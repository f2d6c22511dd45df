// Hover: manifest keys, handler types and config keys, WIT imports and exports — all text from the
// registry (checked by comparing with the registry, not with copied strings).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver/node';
import { findHandler, qualifiedName } from '../../src/runtime/handlers/registry';
import { TOP_LEVEL_KEYS } from '../../src/runtime/manifest/keys';
import { witTypeToString } from '../../src/runtime/wit/types';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';
import { find, fixture } from './support';

const text = (h: Hover | null): string => {
  assert.ok(h, 'a hover');
  return (h.contents as { value: string }).value;
};

describe('manifest.toml', () => {
  const doc = fixture('hover.manifest.toml');

  test('every top-level key shows its doc from the key table', () => {
    for (const key of ['name', 'version', 'component', 'description', 'save_chain']) {
      const h = hoverAt(doc, find(doc, new RegExp(`^${key} =`, 'm'), 1));
      const spec = TOP_LEVEL_KEYS.find((k) => k.key === key)!;
      assert.ok(text(h).includes(spec.doc), key);
      assert.equal(h!.range!.start.character, 0);
      assert.equal(h!.range!.end.character, key.length, `${key}: the range is the key`);
    }
    assert.match(text(hoverAt(doc, find(doc, '"hover-fixture"', 2))), /\*\*`name`\*\* — string, required/);
  });

  test('table headers: [[handler]] with its type, [permission_policy.*]', () => {
    const random = text(hoverAt(doc, find(doc, '[[handler]]', 3, 1)));
    assert.ok(random.includes(TOP_LEVEL_KEYS.find((k) => k.key === 'handler')!.doc));
    assert.match(random, /`random` handler/);
    assert.ok(
      text(hoverAt(doc, find(doc, '[permission_policy', 3))).includes(TOP_LEVEL_KEYS.find((k) => k.key === 'permission_policy')!.doc),
    );
  });

  test('type = "random": summary, interfaces with versions, config keys with defaults', () => {
    const h = findHandler('random')!;
    const t = text(hoverAt(doc, find(doc, '"random"', 2)));
    assert.ok(t.includes(h.summary));
    for (const i of h.interfaces) assert.ok(t.includes(`\`${qualifiedName(i)}\``), qualifiedName(i));
    assert.match(t, /`max_bytes` \(integer, ≥ 0, default `1048576`\)/);
    assert.match(t, /`max_int` \(integer, ≥ 0, default `9223372036854775807`\)/);
    assert.match(t, /`seed` \(integer, ≥ 0\): /);
  });

  test('an unknown type lists the registered ones; the runtime handler says it is always available', () => {
    const t = text(hoverAt(doc, find(doc, '"nonesuch"', 2)));
    for (const type of ['runtime', 'random', 'timing', 'store', 'http-client', 'process']) assert.ok(t.includes(`\`${type}\``), type);
    assert.ok(t.includes(`- \`process\`: ${findHandler('process')!.summary}`), t);
    assert.match(text(hoverAt(doc, find(doc, '"runtime"', 2))), /Always available/);
  });

  test('a config key: its doc, type and default from the registry', () => {
    const spec = findHandler('timing')!.config.find((c) => c.name === 'max_sleep_duration')!;
    const t = text(hoverAt(doc, find(doc, 'max_sleep_duration', 3)));
    assert.ok(t.includes(spec.doc));
    assert.match(t, /integer, ≥ 0, default `3600000`/);
    assert.match(t, /`timing` handler/);
    assert.match(text(hoverAt(doc, find(doc, 'seed = 7', 1))), /Makes the random stream deterministic/);
  });

  test('nothing on comments, blank lines or unknown keys', () => {
    assert.equal(
      hoverAt(fixture('hover.manifest.toml', `${doc.getText()}\n# comment\nfoo = 1\n`), { line: doc.lineCount, character: 3 }),
      null,
    );
    assert.equal(hoverAt(fixture('hover.manifest.toml', `${doc.getText()}\nfoo = 1\n`), { line: doc.lineCount, character: 1 }), null);
  });
});

describe('world.wit', () => {
  const doc = fixture('world.wit');
  const at = (needle: string) => text(hoverAt(doc, find(doc, needle, 3)));

  test('an exact import: the handler and its functions with signatures', () => {
    const t = at('wasi:io/poll@0.2.3');
    assert.match(t, /served by the `wasi-io` handler \(exact version\)/);
    const poll = findHandler('wasi-io')!.interfaces.find((i) => i.name === 'wasi:io/poll')!;
    const fn = poll.functions.find((f) => f.name === 'poll')!;
    assert.ok(t.includes(`poll: func(in: ${witTypeToString(fn.params[0]![1])}) -> ${witTypeToString(fn.result)};`));
    assert.ok(t.includes('pollable.ready: func() -> bool;'), 'methods are shown on their resource');
    assert.match(t, /Always available\./);
  });

  test('a semver-compatible import names the version actually provided', () => {
    const t = at('wasi:clocks/monotonic-clock@0.2.0');
    assert.match(t, /served by the `timing` handler's wasi:clocks\/monotonic-clock@0\.2\.3 \(semver-compatible/);
    assert.match(t, /subscribe-duration: func\(when: u64\) -> pollable;/);
  });

  test('no handler: a version mismatch lists what is registered; an unknown interface says so', () => {
    assert.match(
      at('wasi:random/random@0.3.0'),
      /No registered handler provides a version compatible with wasi:random\/random@0\.3\.0 \(registered: wasi:random\/random@0\.2\.3 by the `random` handler\)/,
    );
    assert.match(
      at('acme:widgets/gizmo'),
      /No registered handler provides acme:widgets\/gizmo@1\.0\.0; an actor importing it cannot start/,
    );
  });

  test('always-available handlers; exports and who drives them', () => {
    assert.match(
      at('theater:simple/runtime'),
      /`runtime` handler \(exact version\)[\s\S]*log: func\(msg: string\);[\s\S]*Always available/,
    );
    assert.match(at('theater:simple/process'), /`process` handler \(exact version\)/);
    assert.match(at('theater:simple/actor'), /called by the `runtime` handler/);
    assert.match(at('acme:widgets/callback'), /no registered handler calls this export/);
  });

  test('the hover range is the interface name; nothing outside world items', () => {
    const p = find(doc, 'wasi:io/poll', 1);
    const h = hoverAt(doc, p)!;
    assert.deepEqual(h.range, { start: { line: p.line, character: 9 }, end: { line: p.line, character: 9 + 'wasi:io/poll@0.2.3'.length } });
    assert.equal(hoverAt(doc, find(doc, 'package', 2)), null);
  });
});

describe('max_memory_mib (declared once in the key table)', () => {
  test('hover shows its doc and bounds; completion offers it at the top level', () => {
    const doc = fixture('hover.manifest.toml', 'name = "a"\nmax_memory_mib = 64\n');
    const h = text(hoverAt(doc, find(doc, /^max_memory_mib/m, 1)));
    assert.ok(h.includes(TOP_LEVEL_KEYS.find((k) => k.key === 'max_memory_mib')!.doc));
    assert.match(h, /integer \(1–4096\)/);
    const top = fixture('hover.manifest.toml', 'name = "a"\n\n');
    assert.ok(completionsAt(top, { line: 1, character: 0 }).some((i) => i.label === 'max_memory_mib'));
  });
});
