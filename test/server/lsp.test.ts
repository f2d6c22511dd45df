// The real server, as an editor runs it: `theater lsp --stdio` (the bundled CLI) and dist/server.js
// over Node IPC (the extension). Every wait resolves on the server's own message.
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { actorCopy, tempDir } from '../helpers/actors';
import { projectRoot } from '../helpers/shared';
import { LspClient } from './lspClient';
import { buildActors, fixtureDir } from './support';

const cli = path.join(projectRoot, 'dist', 'cli.js');
const serverJs = path.join(projectRoot, 'dist', 'server.js');
const missing = (f: string) =>
  fs.existsSync(f) ? false : `${path.relative(projectRoot, f)} is missing; run \`node src/build/bundle.mjs\``;
const codesOf = (p: { diagnostics: Array<{ code: string }> }) => p.diagnostics.map((d) => d.code).sort();
const textAt = (text: string, r: { start: { line: number; character: number }; end: { character: number } }) =>
  text.split('\n')[r.start.line]!.slice(r.start.character, r.end.character);

test(
  '`theater lsp --stdio`: diagnostics on open and edit, quick fix, hover, completion, watched files, exit 0',
  { skip: missing(cli), timeout: 30_000 },
  async () => {
    const manifest = await actorCopy('unlisted-random-actor', (m) => m.replace('description', 'descripton'));
    const uri = pathToFileURL(manifest).href;
    const text = fs.readFileSync(manifest, 'utf8');
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const c = new LspClient(child, 'stdio');

    const init = await c.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(path.dirname(manifest)).href,
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { completion: { completionItem: { snippetSupport: true } } },
      },
    });
    assert.equal(init.capabilities.textDocumentSync.change, 2, 'incremental sync');
    assert.ok(init.capabilities.codeActionProvider && init.capabilities.hoverProvider && init.capabilities.completionProvider);
    const registered = c.next('client/registerCapability');
    c.notify('initialized', {});
    const reg = await registered;
    assert.equal(reg.registrations[0].method, 'workspace/didChangeWatchedFiles');
    assert.ok(reg.registrations[0].registerOptions.watchers.some((w: { globPattern: string }) => w.globPattern === '**/*.wasm'));

    // Open a broken manifest: published at once, with codes and ranges.
    const opened = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text } });
    const d1 = await opened;
    assert.equal(d1.version, 1);
    assert.deepEqual(codesOf(d1), ['handler-not-listed', 'unknown-key']);
    const unknown = d1.diagnostics.find((d: any) => d.code === 'unknown-key');
    const notListed = d1.diagnostics.find((d: any) => d.code === 'handler-not-listed');
    assert.equal(textAt(text, unknown.range), 'descripton');
    assert.equal(textAt(text, notListed.range), '"./unlisted-random-actor.wasm"');
    assert.equal(notListed.source, 'theater');
    assert.equal(notListed.severity, 1);

    // Quick fixes over the wire (one diagnostic without its data: the server restores it).
    const actions = await c.request('textDocument/codeAction', {
      textDocument: { uri },
      range: notListed.range,
      context: { diagnostics: [{ ...notListed, data: undefined }, unknown] },
    });
    assert.deepEqual(actions.map((a: any) => a.title).sort(), ['Add [[handler]] type = "random"', 'Change to `description`']);
    assert.deepEqual(
      await c.request('textDocument/codeAction', {
        textDocument: { uri },
        range: notListed.range,
        context: { diagnostics: [notListed], only: ['refactor'] },
      }),
      [],
    );

    // Three quick edits (incremental, as an editor sends them): only the last version is published.
    const edits = actions.flatMap((a: any) => a.edit.changes[uri]).sort((a: any, b: any) => b.range.start.line - a.range.start.line);
    const settled = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: edits[0].range, text: edits[0].newText }],
    });
    c.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: edits[1].range, text: edits[1].newText }],
    });
    c.notify('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# fixed\n' }],
    });
    const d2 = await settled;
    assert.equal(d2.version, 4, 'the debounce published the latest version only');
    assert.deepEqual(d2.diagnostics, []);

    // Hover and completion over the wire.
    const hover = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.match(hover.contents.value, /\*\*`name`\*\*/);
    const items = await c.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.ok(items.some((i: any) => i.label === 'init_state'));

    // The component is rebuilt on disk (here: replaced by one importing wasi:random@0.3.0): the
    // watched-file event re-checks the open manifest that reads it, without an edit.
    const rebuilt = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
    const wasm = path.join(path.dirname(manifest), 'unlisted-random-actor.wasm');
    fs.copyFileSync(path.join(projectRoot, 'test-actors', 'random-030-actor', 'random-030-actor.wasm'), wasm);
    c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(wasm).href, type: 2 }] });
    const d3 = await rebuilt;
    assert.equal(d3.version, 4);
    assert.match(d3.diagnostics.find((d: any) => d.code === 'import-version-mismatch').message, /wasi:random\/random@0\.3\.0/);

    // A .wit file: checked on open; closing clears its diagnostics.
    const witUri = pathToFileURL(path.join(fixtureDir, 'world.wit')).href;
    const wit = c.next('textDocument/publishDiagnostics', (p) => p.uri === witUri);
    c.notify('textDocument/didOpen', {
      textDocument: { uri: witUri, languageId: 'wit', version: 1, text: fs.readFileSync(path.join(fixtureDir, 'world.wit'), 'utf8') },
    });
    const w = await wit;
    const mismatch = w.diagnostics.find((d: any) => d.code === 'wit-import-version-mismatch');
    assert.deepEqual(mismatch.data, { fix: 'set-import-version', importName: 'wasi:random/random@0.3.0', version: '0.2.3' });
    const cleared = c.next('textDocument/publishDiagnostics', (p) => p.uri === witUri);
    c.notify('textDocument/didClose', { textDocument: { uri: witUri } });
    assert.deepEqual((await cleared).diagnostics, []);

    assert.equal(await c.stop(), 0);
  },
);

test('dist/server.js over Node IPC (how the extension starts it)', { skip: missing(serverJs), timeout: 30_000 }, async () => {
  await buildActors();
  const child = fork(serverJs, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const c = new LspClient(child, 'ipc');
  const init = await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.equal(init.serverInfo.name, 'theater-language-server');
  c.notify('initialized', {});
  const uri = pathToFileURL(path.join(fixtureDir, 'unlisted.manifest.toml')).href;
  const published = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
  c.notify('textDocument/didOpen', {
    textDocument: { uri, languageId: 'toml', version: 1, text: fs.readFileSync(path.join(fixtureDir, 'unlisted.manifest.toml'), 'utf8') },
  });
  assert.deepEqual(codesOf(await published), ['handler-not-listed', 'handler-not-listed', 'handler-not-listed']);
  assert.equal(c.serverRequests.length, 0, 'no dynamic registration without the client capability');
  // A client without workspace/configuration (none declared here) pushes theater.activateByImports; the
  // pulling path, which the extension's client takes, is the stdio test below and the VS Code host suite.
  const loose = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
  c.notify('workspace/didChangeConfiguration', { settings: { theater: { activateByImports: true } } });
  assert.deepEqual(codesOf(await loose), []);
  assert.equal(await c.stop(), 0);
});

test(
  '`theater lsp --stdio` pulls settings per manifest through workspace/configuration and asks again on didChangeConfiguration',
  { skip: missing(cli), timeout: 30_000 },
  async () => {
    const [a, b] = await Promise.all([actorCopy('unlisted-random-actor'), actorCopy('unlisted-random-actor')]);
    const [uriA, uriB] = [a, b].map((f) => pathToFileURL(f).href) as [string, string];
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const c = new LspClient(child, 'stdio');
    // The client's settings, per resource, as VS Code resolves them (a folder setting for A only, later).
    const loose = new Set<string>();
    c.answer('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) =>
      p.items.map((item) => ({ activateByImports: loose.has(item.scopeUri ?? ''), callTimeoutMs: 30000 })),
    );
    await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    c.notify('initialized', {});

    const open = async (uri: string, file: string) => {
      const published = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
      c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text: fs.readFileSync(file, 'utf8') } });
      return codesOf(await published);
    };
    assert.deepEqual(await open(uriA, a), ['handler-not-listed']);
    assert.deepEqual(await open(uriB, b), ['handler-not-listed']);
    const asked = c.serverRequests.filter((r) => r.method === 'workspace/configuration').flatMap((r) => r.params.items);
    assert.deepEqual(asked, [
      { scopeUri: uriA, section: 'theater' },
      { scopeUri: uriB, section: 'theater' },
    ]);

    // The setting changes for A's folder: the client says only "changed" (no payload); the server asks again.
    loose.add(uriA);
    const republished = c.next('textDocument/publishDiagnostics', (p) => p.uri === uriA);
    c.notify('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codesOf(await republished), [], "A is checked with Theater's looser model");
    // B's settings did not change: it is not re-checked (its only publishes are the open's and a later edit's).
    const edited = c.next('textDocument/publishDiagnostics', (p) => p.uri === uriB);
    c.notify('textDocument/didChange', { textDocument: { uri: uriB, version: 2 }, contentChanges: [{ text: fs.readFileSync(b, 'utf8') }] });
    const afterEdit = await edited;
    assert.equal(afterEdit.version, 2, 'the configuration change did not re-check B');
    assert.deepEqual(codesOf(afterEdit), ['handler-not-listed']);
    const publishedB = c.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uriB);
    assert.deepEqual(
      publishedB.map((n) => n.params.version),
      [1, 2],
    );
    assert.equal(c.serverRequests.filter((r) => r.method === 'workspace/configuration').length, 4, 'asked again once per open manifest');
    assert.equal(await c.stop(), 0);
  },
);

test(
  'the server leaves a Julia `Manifest.toml` alone (the manifest rule is the exact name)',
  { skip: missing(cli), timeout: 30_000 },
  async () => {
    const dir = tempDir('julia');
    const julia = path.join(dir, 'Manifest.toml');
    fs.writeFileSync(
      julia,
      'julia_version = "1.10.0"\nmanifest_format = "2.0"\nproject_hash = "abc"\n\n[[deps.Example]]\nuuid = "7876af07-990d-54b4-ab0e-23690620f79a"\nversion = "0.5.3"\n',
    );
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'lsp', '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const c = new LspClient(child, 'stdio');
    await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    c.notify('initialized', {});
    const uri = pathToFileURL(julia).href;
    const published = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text: fs.readFileSync(julia, 'utf8') } });
    assert.deepEqual((await published).diagnostics, []);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
    assert.deepEqual(await c.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } }), []);
    assert.equal(await c.stop(), 0);
  },
);
