// The language server: quick fixes applied make their diagnostic disappear; hover and completion
// come from the registry; the committed JSON Schema matches the registry; and the real server,
// spawned as `theater lsp --stdio`, speaks LSP as a client expects.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { manifestJsonSchema } from '../../src/runtime/handlers/schema';
import { codeActionsFor } from '../../src/server/codeActions';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';
import { diagnose, toLsp } from '../../src/server/server';
import { actorCopy } from '../helpers/actors';
import { projectRoot, sharedPath, skipUnlessShared } from '../helpers/shared';

function docAt(file: string, text?: string): TextDocument {
  return TextDocument.create(pathToFileURL(file).href, file.endsWith('.wit') ? 'wit' : 'toml', 1, text ?? fs.readFileSync(file, 'utf8'));
}

function applyFix(doc: TextDocument, code: string): TextDocument {
  const diags = diagnose(doc).map(toLsp);
  const target = diags.filter((d) => d.code === code);
  assert.ok(target.length > 0, `a ${code} diagnostic exists`);
  const actions = codeActionsFor(doc, target);
  assert.ok(actions.length > 0, `a quick fix for ${code}`);
  const edits = actions[0]!.edit!.changes![doc.uri]!;
  return TextDocument.create(doc.uri, doc.languageId, doc.version + 1, TextDocument.applyEdits(doc, edits));
}

const codes = (doc: TextDocument) => diagnose(doc).map((d) => d.code);

describe('quick fixes', () => {
  test('add the missing [[handler]]', async () => {
    const manifest = await actorCopy('unlisted-random-actor');
    const fixed = applyFix(docAt(manifest), 'handler-not-listed');
    assert.ok(!codes(fixed).includes('handler-not-listed'));
    assert.match(fixed.getText(), /\n\[\[handler\]\]\ntype = "random"\n$/);
    assert.deepEqual(codes(fixed).filter((c) => c !== 'handler-unused'), []);
  });

  test('replace an unknown key with the suggestion (top level and handler config)', async () => {
    const manifest = await actorCopy('wasi-random-test', (m) => m.replace('description', 'descripton').replace('max_bytes', 'max_byte'));
    let doc = docAt(manifest);
    doc = applyFix(doc, 'unknown-key');
    assert.match(doc.getText(), /^description = /m);
    doc = applyFix(doc, 'config-unknown-key');
    assert.match(doc.getText(), /^max_bytes = /m);
    assert.deepEqual(codes(doc), []);
  });

  test('remove a duplicate handler table', async () => {
    const manifest = await actorCopy('wasi-random-test', (m) => `${m}\n[[handler]]\ntype = "random"\nseed = 1\n`);
    const fixed = applyFix(docAt(manifest), 'duplicate-handler');
    assert.deepEqual(codes(fixed), []);
    assert.equal(fixed.getText().match(/type = "random"/g)?.length, 1);
  });

  test('change a WIT import to the registered version', async () => {
    const manifest = await actorCopy('random-030-actor');
    const wit = path.join(path.dirname(manifest), 'world.wit');
    const doc = docAt(wit);
    assert.ok(codes(doc).includes('wit-import-version-mismatch'));
    const fixed = applyFix(doc, 'wit-import-version-mismatch');
    assert.match(fixed.getText(), /import wasi:random\/random@0\.2\.3;/);
    assert.ok(!codes(fixed).includes('wit-import-version-mismatch'));
    assert.ok(codes(fixed).includes('wit-import-served'));
  });
});

describe('diagnostics positions', () => {
  test('an unresolved import sits on the component value and a TOML error on its exact position', async () => {
    const manifest = await actorCopy('random-030-actor');
    const text = fs.readFileSync(manifest, 'utf8');
    const d = diagnose(docAt(manifest)).find((x) => x.code === 'import-version-mismatch')!;
    const line = text.split('\n')[d.range.start.line]!;
    assert.equal(line.slice(d.range.start.character, d.range.end.character), '"./random-030-actor.wasm"');
    const broken = diagnose(docAt(manifest, text.replace('version = "0.1.0"', 'version = "0.1.0')));
    const syntax = broken.find((x) => x.code === 'toml-syntax')!;
    assert.deepEqual(syntax.range.start, { line: 1, character: 10 });
    assert.ok(broken.some((x) => x.code === 'import-version-mismatch'), 'the rest of the file is still checked');
  });
});

test('the upstream Theater manifests give a clear "component not found" and nothing nonsensical', { skip: skipUnlessShared('fixtures', 'theater-manifests') }, () => {
  const dir = sharedPath('fixtures', 'theater-manifests')!;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.toml'))) {
    const diags = diagnose(docAt(path.join(dir, f)));
    const errors = diags.filter((d) => d.severity === 'error');
    assert.ok(errors.some((d) => d.code === 'component-not-found'), `${f}: component-not-found`);
    for (const d of errors) assert.ok(['component-not-found', 'replay-chain-missing'].includes(d.code), `${f}: unexpected ${d.code}: ${d.message}`);
    const abs = errors.find((d) => d.code === 'component-not-found' && d.message.includes('/Users/'));
    if (abs) assert.match(abs.message, /absolute paths; use a path relative to this manifest/);
    assert.ok(!diags.some((d) => d.code === 'unknown-key' || d.code === 'unknown-handler-type' || d.code === 'config-unknown-key'), `${f}: no bogus key findings`);
  }
});

describe('hover and completion come from the registry', () => {
  test('hover on a handler type, a config key, a top-level key and a WIT import', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const doc = docAt(manifest);
    const lines = doc.getText().split('\n');
    const at = (re: RegExp, col = 0) => { const line = lines.findIndex((l) => re.test(l)); return { line, character: lines[line]!.search(re) + col }; };
    const type = hoverAt(doc, at(/"random"/, 2))!;
    assert.match(JSON.stringify(type.contents), /wasi:random\/random@0\.2\.3/);
    assert.match(JSON.stringify(type.contents), /max_bytes/);
    const cfg = hoverAt(doc, at(/^max_bytes/, 2))!;
    assert.match(JSON.stringify(cfg.contents), /default `1048576`/);
    const top = hoverAt(doc, at(/^component/, 2))!;
    assert.match(JSON.stringify(top.contents), /relative to this manifest/);
    const wit = docAt(path.join(path.dirname(manifest), 'world.wit'));
    const witLines = wit.getText().split('\n');
    const l = witLines.findIndex((x) => x.includes('wasi:random'));
    const h = hoverAt(wit, { line: l, character: witLines[l]!.indexOf('wasi:random') + 3 })!;
    assert.match(JSON.stringify(h.contents), /served by the `random` handler \(exact version\)/);
    assert.match(JSON.stringify(h.contents), /get-random-bytes: func\(len: u64\) -> list<u8>/);
  });

  test('completion: handler types, config keys of the table\'s type, top-level keys, WIT interfaces', async () => {
    const manifest = await actorCopy('wasi-random-test');
    const text = fs.readFileSync(manifest, 'utf8') + '\n[[handler]]\ntype = "\n';
    const doc = docAt(manifest, text);
    const last = doc.lineCount - 2;
    const types = completionsAt(doc, { line: last, character: 'type = "'.length }).map((c) => c.label);
    assert.ok(types.includes('timing') && types.includes('store') && types.includes('environment'));
    const randomLine = text.split('\n').findIndex((l) => l === 'allow_crypto_secure = false');
    const keyDoc = docAt(manifest, text.replace('allow_crypto_secure = false', 'allow_crypto_secure = false\n'));
    const keys = completionsAt(keyDoc, { line: randomLine + 1, character: 0 }).map((c) => c.label);
    assert.ok(keys.includes('seed'));
    assert.ok(!keys.includes('max_bytes'), 'keys already present are not offered');
    const topDoc = docAt(manifest, `\n${text.replace(/^description = .*\n/m, '')}`);
    assert.ok(completionsAt(topDoc, { line: 0, character: 0 }).some((c) => c.label === 'description'));
    const wit = docAt(path.join(path.dirname(manifest), 'world.wit'), 'package a:b;\nworld w {\n  import \n}\n');
    const ifaces = completionsAt(wit, { line: 2, character: 9 }).map((c) => c.label);
    assert.ok(ifaces.includes('wasi:random/random@0.2.3') && ifaces.includes('wasi:clocks/monotonic-clock@0.2.3'));
  });
});

test('the committed JSON Schema matches the registry', () => {
  const committed = JSON.parse(fs.readFileSync(path.join(projectRoot, 'media', 'manifest.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(committed, JSON.parse(JSON.stringify(manifestJsonSchema())), 'run `npm run schema` and commit media/manifest.schema.json');
});

/** A minimal LSP client over a child's stdio: Content-Length framing, requests and notifications. */
class StdioClient {
  private buf = Buffer.alloc(0);
  private id = 0;
  private readonly pending = new Map<number, (r: unknown) => void>();
  private readonly waiters: Array<{ method: string; pred: (p: any) => boolean; resolve: (p: any) => void }> = [];
  constructor(private readonly child: ReturnType<typeof spawn>) {
    child.stdout!.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.drain(); });
  }
  private drain(): void {
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())![1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString()) as { id?: number; method?: string; params?: unknown; result?: unknown };
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg.id !== undefined && !msg.method) this.pending.get(msg.id)?.(msg.result);
      else if (msg.method && msg.id !== undefined) this.send({ jsonrpc: '2.0', id: msg.id, result: null }); // client/registerCapability etc.
      else if (msg.method) {
        const i = this.waiters.findIndex((w) => w.method === msg.method && w.pred(msg.params));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg.params);
      }
    }
  }
  private send(m: unknown): void {
    const body = Buffer.from(JSON.stringify(m));
    this.child.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin!.write(body);
  }
  request(method: string, params: unknown): Promise<any> {
    const id = ++this.id;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise((r) => this.pending.set(id, r));
  }
  notify(method: string, params: unknown): void { this.send({ jsonrpc: '2.0', method, params }); }
  next(method: string, pred: (p: any) => boolean = () => true): Promise<any> {
    return new Promise((resolve) => this.waiters.push({ method, pred, resolve }));
  }
}

const built = fs.existsSync(path.join(projectRoot, 'dist', 'cli.js'));
test('`theater lsp --stdio` publishes diagnostics, updates them on edits and on a rebuilt component, and exits cleanly', { skip: built ? false : 'dist/cli.js is missing; run `npm run build`' }, async () => {
  const manifest = await actorCopy('unlisted-random-actor');
  const uri = pathToFileURL(manifest).href;
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'theater'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = new StdioClient(child);
  const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.ok(init.capabilities.codeActionProvider && init.capabilities.hoverProvider && init.capabilities.completionProvider);
  client.notify('initialized', {});
  const first = client.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
  const text = fs.readFileSync(manifest, 'utf8');
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text } });
  const d1 = await first;
  const notListed = d1.diagnostics.find((d: any) => d.code === 'handler-not-listed');
  assert.ok(notListed, JSON.stringify(d1));
  assert.equal(notListed.source, 'theater');
  assert.equal(text.split('\n')[notListed.range.start.line].slice(notListed.range.start.character, notListed.range.end.character), '"./unlisted-random-actor.wasm"');
  const second = client.next('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
  client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}\n[[handler]]\ntype = "random"\n` }] });
  const d2 = await second;
  assert.deepEqual(d2.diagnostics.filter((d: any) => d.severity === 1), []);
  // The component is rebuilt on disk (here: replaced by one importing wasi:random@0.3.0): the
  // file watcher's notification makes the server re-check the open manifest without an edit.
  const third = client.next('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.some((d: any) => d.code === 'import-version-mismatch'));
  const dir = path.dirname(manifest);
  fs.copyFileSync(path.join(projectRoot, 'test-actors', 'random-030-actor', 'random-030-actor.wasm'), path.join(dir, 'unlisted-random-actor.wasm'));
  client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'unlisted-random-actor.wasm')).href, type: 2 }] });
  const d3 = await third;
  assert.match(d3.diagnostics.find((d: any) => d.code === 'import-version-mismatch').message, /wasi:random\/random@0\.3\.0/);
  await client.request('shutdown', null);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  client.notify('exit', null);
  assert.equal(await exited, 0);
});
