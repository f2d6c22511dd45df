// Shared by the language-server tests: fixture documents (in memory, never written), cursor
// markers, applying quick fixes and re-validating.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Position, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActionsFor } from '../../src/server/codeActions';
import { diagnose, toLsp } from '../../src/server/server';
import { projectRoot } from '../helpers/shared';

export { buildActors } from '../helpers/actors';

export const fixtureDir = path.join(projectRoot, 'test', 'fixtures', 'server');

export function docFor(file: string, text: string, version = 1): TextDocument {
  return TextDocument.create(pathToFileURL(file).href, file.endsWith('.wit') ? 'wit' : 'toml', version, text);
}

/** A fixture as an open document (its text may be replaced, the path stays). */
export function fixture(name: string, text?: string): TextDocument {
  const file = path.join(fixtureDir, name);
  return docFor(file, text ?? fs.readFileSync(file, 'utf8'));
}

/** A fixture with `⟨name⟩` markers: the text without them and each marker's position in it. */
export function withMarkers(name: string): { doc: TextDocument; at: (marker: string) => Position } {
  const raw = fs.readFileSync(path.join(fixtureDir, name), 'utf8');
  const offsets = new Map<string, number>();
  let text = '';
  let last = 0;
  for (const m of raw.matchAll(/⟨(\w+)⟩/g)) {
    text += raw.slice(last, m.index);
    offsets.set(m[1]!, text.length);
    last = m.index! + m[0].length;
  }
  text += raw.slice(last);
  const doc = fixture(name, text);
  return {
    doc,
    at: (marker) => {
      const o = offsets.get(marker);
      assert.ok(o !== undefined, `marker ⟨${marker}⟩ in ${name}`);
      return doc.positionAt(o);
    },
  };
}

/** The position of the `nth` occurrence of `needle` in the document, plus `delta` characters. */
export function find(doc: TextDocument, needle: string | RegExp, delta = 0, nth = 0): Position {
  const text = doc.getText();
  const re =
    typeof needle === 'string'
      ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g')
      : new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`);
  const hits = [...text.matchAll(re)];
  assert.ok(hits[nth], `${String(needle)} occurs in ${doc.uri}`);
  return doc.positionAt(hits[nth]!.index! + delta);
}

export const codes = (doc: TextDocument): string[] => diagnose(doc).map((d) => d.code);

export function applyEdits(doc: TextDocument, edits: TextEdit[]): TextDocument {
  return TextDocument.create(doc.uri, doc.languageId, doc.version + 1, TextDocument.applyEdits(doc, edits));
}

/** The quick fixes the server offers for every diagnostic with this code. */
export function fixesFor(doc: TextDocument, code: string): CodeAction[] {
  const target = diagnose(doc)
    .map(toLsp)
    .filter((d) => d.code === code);
  assert.ok(target.length > 0, `a ${code} diagnostic in ${path.basename(doc.uri)}; got ${codes(doc).join(', ')}`);
  return codeActionsFor(doc, target);
}

/** Applies the quick fix for `code` (the one titled `title` when there are several), asserting it is tied to that diagnostic. */
export function applyFix(doc: TextDocument, code: string, title?: string): TextDocument {
  const actions = fixesFor(doc, code).filter((a) => title === undefined || a.title === title);
  assert.equal(actions.length, 1, `one quick fix for ${code}: ${actions.map((a) => a.title).join(' | ')}`);
  const a = actions[0]!;
  assert.equal(a.kind, 'quickfix');
  assert.ok(
    a.diagnostics?.every((d) => d.code === code),
    'the action names the diagnostic it fixes',
  );
  return applyEdits(doc, a.edit!.changes![doc.uri]!);
}
