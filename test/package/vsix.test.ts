// The packaged .vsix holds exactly what the extension loads, under 20 MB (`npm run package`).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { projectRoot } from '../helpers/shared';
import { LspClient } from '../server/lspClient';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/** Entries from a zip's central directory (no unzip tool needed). */
function zipDirectory(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const nameLen = buf.readUInt16LE(p + 28),
      extra = buf.readUInt16LE(p + 30),
      comment = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extra + comment;
  }
  return entries;
}

const zipEntries = (buf: Buffer): string[] => zipDirectory(buf).map((e) => e.name);

/** One entry's bytes (stored or deflated). */
function zipRead(buf: Buffer, name: string): Buffer {
  const e = zipDirectory(buf).find((x) => x.name === name);
  assert.ok(e, `${name} is in the zip`);
  assert.equal(buf.readUInt32LE(e.localOffset), 0x04034b50, 'local header');
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  return e.method === 0 ? data : zlib.inflateRawSync(data);
}

const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsix = path.join(projectRoot, `${pkg.name}-${pkg.version}.vsix`);

test(
  "the .vsix contains the bundles, grammar, media and jco's transpiler, nothing else, under 20 MB",
  { skip: fs.existsSync(vsix) ? false : `${path.basename(vsix)} is missing; run \`npm run package\`` },
  () => {
    const size = fs.statSync(vsix).size;
    assert.ok(size < 20 * 2 ** 20, `${size} bytes is under 20 MB`);
    const names = zipEntries(fs.readFileSync(vsix));
    const allowed = [
      /^\[Content_Types\]\.xml$/,
      /^extension\.vsixmanifest$/,
      /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|LICENSE)$/i,
      /^extension\/dist\/(extension|server|actorWorker|debugAdapter|chainListing)\.js$/,
      /^extension\/syntaxes\/(wit|toml)\.(tmLanguage|language-configuration)\.json$/,
      /^extension\/media\/(theater\.svg|manifest\.schema\.json)$/,
      /^extension\/dist\/node_modules\/@bytecodealliance\/jco-transpile\/(package\.json|LICENSE|dist\/[\w.-]+\.js|vendor\/.+)$/,
      /^extension\/dist\/node_modules\/@bytecodealliance\/(preview2-shim|jco-node-fs|jco-node-fs-[\w-]+)\/.+$/,
      /^extension\/dist\/node_modules\/oxc-minify\/(package\.json|index\.js)$/,
    ];
    const unexpected = names.filter((n) => !allowed.some((re) => re.test(n)));
    assert.deepEqual(unexpected, [], 'nothing unexpected in the package');
    for (const must of [
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/actorWorker.js',
      'extension/dist/debugAdapter.js',
      'extension/dist/chainListing.js',
      'extension/syntaxes/wit.tmLanguage.json',
      'extension/dist/node_modules/@bytecodealliance/jco-transpile/vendor/js-component-bindgen-component.core.wasm',
      'extension/dist/node_modules/@bytecodealliance/preview2-shim/package.json',
      'extension/dist/node_modules/@bytecodealliance/jco-node-fs/package.json',
    ]) {
      assert.ok(names.includes(must), `${must} is packaged`);
    }
    assert.ok(!names.some((n) => /binaryen|\.ts$|\/test\/|\.map$/.test(n)), 'no binaryen, sources, tests or source maps');
  },
);

test(
  'the packaged bundles are minified and carry no source maps, nor a comment pointing at one',
  { skip: fs.existsSync(vsix) ? false : `${path.basename(vsix)} is missing; run \`npm run package\`` },
  () => {
    const buf = fs.readFileSync(vsix);
    for (const name of ['extension', 'server', 'actorWorker', 'debugAdapter', 'chainListing']) {
      const js = zipRead(buf, `extension/dist/${name}.js`).toString('utf8');
      assert.ok(js.length > 1000, `${name}.js is a real bundle`);
      assert.doesNotMatch(js, /sourceMappingURL/, `${name}.js names no source map`);
      // esbuild's readable output marks each module with a `// src/…` line; minified output has none.
      assert.doesNotMatch(js, /^\/\/ (src|node_modules)\//m, `${name}.js has no module comments`);
      const lines = js.split('\n').length;
      assert.ok(js.length / lines > 500, `${name}.js: ${lines} lines for ${js.length} characters is minified`);
    }
  },
);

test(
  'the packaged (minified) language server answers over stdio: diagnostics for a broken manifest',
  { skip: fs.existsSync(vsix) ? false : `${path.basename(vsix)} is missing; run \`npm run package\``, timeout: 30_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theater-vsix-server-'));
    const server = path.join(dir, 'server.js');
    fs.writeFileSync(server, zipRead(fs.readFileSync(vsix), 'extension/dist/server.js'));
    const c = new LspClient(spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] }), 'stdio');
    await c.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    c.notify('initialized', {});
    const uri = 'file:///tmp/theater-vsix/manifest.toml';
    const published = c.next('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text: 'name = 1\n' } });
    const codes = (await published).diagnostics.map((d: { code: string }) => d.code).sort();
    assert.deepEqual(codes, ['missing-key', 'missing-key', 'wrong-type']);
    assert.equal(await c.stop(), 0);
  },
);
