// theater:simple/store: a content-addressed store on disk (SHA-1 hex, as Theater implements it),
// laid out like Theater's: <base>/<store-id>/data/<sha1> and <base>/<store-id>/labels/<label>.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { t } from '../wit/types';
import type { HandlerDefinition } from './types';

const contentRef = t.record('content-ref', [['hash', t.string]]);
const r = (ok: Parameters<typeof t.result>[0]) => t.result(ok, t.string);
const sid: [string, typeof t.string] = ['store-id', t.string];
const label: [string, typeof t.string] = ['label', t.string];
const ref: [string, typeof contentRef] = ['content-ref', contentRef];
const content: [string, ReturnType<typeof t.list>] = ['content', t.list(t.u8)];

type Result = { tag: 'ok' | 'err'; val: unknown };
const ok = (val?: unknown): Result => ({ tag: 'ok', val });
const err = (val: string): Result => ({ tag: 'err', val });

export const storeHandler: HandlerDefinition = {
  type: 'store',
  summary: 'A content-addressed store on disk with labels: theater:simple/store.',
  doc:
    'Content is addressed by the SHA-1 of its bytes (as Theater does) and kept under `base_path`; ' +
    'a label names one content reference.',
  exports: [],
  config: [
    {
      name: 'base_path',
      type: 'string',
      doc: 'Folder of the store (relative to the manifest). Default: the per-user Theater data folder.',
      isPath: true,
      permission: true,
    },
    {
      name: 'max_bytes',
      type: 'integer',
      doc: 'Quota: most bytes of content one store may hold; storing past it returns an error to the actor.',
      default: 1073741824,
      minimum: 0,
      permission: true,
    },
  ],
  interfaces: [
    {
      name: 'theater:simple/store',
      version: null,
      resources: [],
      doc: 'Content-addressed storage with labels.',
      functions: [
        { name: 'new', params: [], result: r(t.string), doc: 'Creates a store and returns its id.' },
        { name: 'store', params: [sid, content], result: r(contentRef), doc: 'Stores bytes; returns their reference.' },
        { name: 'get', params: [sid, ref], result: r(t.list(t.u8)), doc: 'Reads the bytes of a reference.' },
        { name: 'exists', params: [sid, ref], result: r(t.bool), doc: 'Whether a reference is stored.' },
        { name: 'label', params: [sid, label, ref], result: r(null), doc: 'Points a label at a reference.' },
        { name: 'get-by-label', params: [sid, label], result: r(t.option(contentRef)), doc: 'The reference a label points at.' },
        { name: 'remove-label', params: [sid, label], result: r(null), doc: 'Deletes a label.' },
        { name: 'remove-from-label', params: [sid, label, ref], result: r(null), doc: 'Deletes a label if it points at the reference.' },
        { name: 'store-at-label', params: [sid, label, content], result: r(contentRef), doc: 'Stores bytes and labels them.' },
        {
          name: 'replace-content-at-label',
          params: [sid, label, content],
          result: r(contentRef),
          doc: 'Stores bytes and moves the label to them.',
        },
        { name: 'replace-at-label', params: [sid, label, ref], result: r(null), doc: 'Moves a label to a reference.' },
        { name: 'list-labels', params: [sid], result: r(t.list(t.string)), doc: 'All labels of a store.' },
        { name: 'list-all-content', params: [sid], result: r(t.list(contentRef)), doc: 'All references of a store.' },
        { name: 'calculate-total-size', params: [sid], result: r(t.u64), doc: 'Total size in bytes of the stored content.' },
      ],
    },
  ],
  create(ctx, config) {
    const base = config.base_path ? path.resolve(ctx.manifestDir, String(config.base_path)) : path.join(ctx.dataDir, 'store');
    const storeDir = (id: string) => {
      const problem = storeIdProblem(id);
      if (problem) throw new StoreError(problem);
      const dir = path.join(base, id);
      if (!fs.existsSync(dir)) throw new StoreError(`store '${id}' does not exist; create it with new()`);
      return dir;
    };
    const labelFile = (id: string, name: string) => {
      const problem = labelProblem(name);
      if (problem) throw new StoreError(problem);
      return path.join(storeDir(id), 'labels', labelFileName(name));
    };
    const quota = config.max_bytes === undefined ? 1073741824 : Number(config.max_bytes);
    // Bytes held per store, counted once from disk, then kept up to date by this actor's writes.
    const used = new Map<string, number>();
    const usedBytes = (id: string): number => {
      let n = used.get(id);
      if (n === undefined) {
        const dir = path.join(storeDir(id), 'data');
        n = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
        used.set(id, n);
      }
      return n;
    };
    const put = (id: string, bytes: Uint8Array) => {
      const hash = crypto.createHash('sha1').update(bytes).digest('hex');
      const file = path.join(storeDir(id), 'data', hash);
      if (!fs.existsSync(file)) {
        const n = usedBytes(id);
        if (n + bytes.length > quota) {
          throw new StoreError(
            `store '${id}' would hold ${n + bytes.length} bytes, over its ${quota}-byte quota (max_bytes in the manifest's store handler)`,
          );
        }
        fs.writeFileSync(file, bytes);
        used.set(id, n + bytes.length);
      }
      return { hash };
    };
    const dataFile = (id: string, cref: { hash: string }) => {
      if (!/^[0-9a-f]{40}$/.test(cref.hash)) throw new StoreError(`content reference '${cref.hash}' is not a SHA-1 hex hash`);
      return path.join(storeDir(id), 'data', cref.hash);
    };
    // Every failure is the guest's `err(string)`: a name rule, or the file system refusing (disk full,
    // permissions); a raw ENOENT never reaches the guest as a trap.
    const guard =
      (fn: (...a: any[]) => unknown) =>
      (...a: any[]): Result => {
        try {
          return ok(fn(...a));
        } catch (e) {
          if (e instanceof StoreError) return err(e.message);
          const code = (e as NodeJS.ErrnoException).code;
          if (typeof code === 'string') return err(`the store could not complete the operation (${code})`);
          throw e;
        }
      };
    const fns = {
      new: guard(() => {
        const id = crypto.randomUUID();
        fs.mkdirSync(path.join(base, id, 'data'), { recursive: true });
        fs.mkdirSync(path.join(base, id, 'labels'), { recursive: true });
        return id;
      }),
      store: guard((id: string, bytes: Uint8Array) => put(id, bytes)),
      get: guard((id: string, cref: { hash: string }) => {
        const file = dataFile(id, cref);
        if (!fs.existsSync(file)) throw new StoreError(`content ${cref.hash} is not in store '${id}'`);
        return new Uint8Array(fs.readFileSync(file));
      }),
      exists: guard((id: string, cref: { hash: string }) => fs.existsSync(dataFile(id, cref))),
      label: guard((id: string, name: string, cref: { hash: string }) => {
        dataFile(id, cref);
        fs.writeFileSync(labelFile(id, name), cref.hash);
      }),
      'get-by-label': guard((id: string, name: string) => {
        const file = labelFile(id, name);
        return fs.existsSync(file) ? { hash: fs.readFileSync(file, 'utf8').trim() } : undefined;
      }),
      'remove-label': guard((id: string, name: string) => {
        fs.rmSync(labelFile(id, name), { force: true });
      }),
      'remove-from-label': guard((id: string, name: string, cref: { hash: string }) => {
        const file = labelFile(id, name);
        if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() === cref.hash) fs.rmSync(file);
      }),
      'store-at-label': guard((id: string, name: string, bytes: Uint8Array) => {
        const cref = put(id, bytes);
        fs.writeFileSync(labelFile(id, name), cref.hash);
        return cref;
      }),
      'replace-content-at-label': guard((id: string, name: string, bytes: Uint8Array) => {
        const cref = put(id, bytes);
        fs.writeFileSync(labelFile(id, name), cref.hash);
        return cref;
      }),
      'replace-at-label': guard((id: string, name: string, cref: { hash: string }) => {
        dataFile(id, cref);
        fs.writeFileSync(labelFile(id, name), cref.hash);
      }),
      'list-labels': guard((id: string) =>
        fs
          .readdirSync(path.join(storeDir(id), 'labels'))
          .map(decodeURIComponent)
          .sort(),
      ),
      'list-all-content': guard((id: string) =>
        fs
          .readdirSync(path.join(storeDir(id), 'data'))
          .sort()
          .map((hash) => ({ hash })),
      ),
      'calculate-total-size': guard((id: string) => {
        const dir = path.join(storeDir(id), 'data');
        return fs.readdirSync(dir).reduce((sum, f) => sum + BigInt(fs.statSync(path.join(dir, f)).size), 0n);
      }),
    };
    return { functions: (name) => (name === 'theater:simple/store' ? fns : {}) };
  },
};

/** A failure the guest sees as `err(string)`; anything else is a host bug and traps. */
class StoreError extends Error {}

/** Longest label, in bytes of its file name (file systems allow 255; the encoding can triple a byte). */
export const MAX_LABEL_FILE_NAME_BYTES = 240;

/**
 * Store ids are names, never paths: what new() returns (a UUID) or any 1–64 letters, digits, `_`
 * and `-` starting with a letter or digit, so `.`, `..` and separators can never name a folder.
 */
export function storeIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id)) {
    return `store id '${String(id).slice(0, 80)}' is not valid; use an id returned by new()`;
  }
  return undefined;
}

/** Labels are names, never paths: any text but empty, `.`, `..`, NUL, or longer than the file name limit. */
export function labelProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a label must not be empty';
  if (name === '.' || name === '..') return `label '${name}' is not a valid label name`;
  if (name.includes('\0')) return 'a label must not contain a NUL character';
  const bytes = Buffer.byteLength(labelFileName(name));
  if (bytes > MAX_LABEL_FILE_NAME_BYTES) return `label is too long (${bytes} bytes encoded, at most ${MAX_LABEL_FILE_NAME_BYTES})`;
  return undefined;
}

/** The file name of a label: percent-encoded, so `/`, `\\` and `:` are never separators. */
function labelFileName(name: string): string {
  return encodeURIComponent(name);
}
