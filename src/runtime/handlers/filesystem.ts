// Files under one folder: wasi:filesystem/types and preopens @0.2.3 (the folder is the one preopen,
// named "/") and theater:simple/filesystem. Every path goes through resolveInside (sandboxPath.ts): no
// way out by `..`, absolute paths, symlinks or NUL bytes; a refusal is recorded as a permission-denied
// event and the guest gets the WASI error (or the err string). Without a `filesystem` table the
// handler still serves the interfaces with no folder: the actor sees no preopens (a sandbox, not a
// refusal), since every WASI toolchain imports wasi:filesystem. Replay answers from the chain; this
// code does not run then, so nothing is written.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { t, type WitType } from '../wit/types';
import { resolveInside } from './sandboxPath';
import { ok as streamOk, closed, failed, toBytes, type InputStream, type IoError, type OutputStream } from './streams';
import type { HandlerContext, HandlerDefinition, InterfaceSpec } from './types';

const TYPES = 'wasi:filesystem/types';
const SIMPLE = 'theater:simple/filesystem';

const datetime = t.record('datetime', [
  ['seconds', t.u64],
  ['nanoseconds', t.u32],
]);
const descriptorType = t.enum('descriptor-type', [
  'unknown',
  'block-device',
  'character-device',
  'directory',
  'fifo',
  'symbolic-link',
  'regular-file',
  'socket',
]);
const descriptorFlags = t.flags('descriptor-flags', [
  'read',
  'write',
  'file-integrity-sync',
  'data-integrity-sync',
  'requested-write-sync',
  'mutate-directory',
]);
const pathFlags = t.flags('path-flags', ['symlink-follow']);
const openFlags = t.flags('open-flags', ['create', 'directory', 'exclusive', 'truncate']);
const descriptorStat = t.record('descriptor-stat', [
  ['type', descriptorType],
  ['link-count', t.u64],
  ['size', t.u64],
  ['data-access-timestamp', t.option(datetime)],
  ['data-modification-timestamp', t.option(datetime)],
  ['status-change-timestamp', t.option(datetime)],
]);
const newTimestamp = t.variant('new-timestamp', [
  ['no-change', null],
  ['now', null],
  ['timestamp', datetime],
]);
const directoryEntry = t.record('directory-entry', [
  ['type', descriptorType],
  ['name', t.string],
]);
export const ERROR_CODES = [
  'access',
  'would-block',
  'already',
  'bad-descriptor',
  'busy',
  'deadlock',
  'quota',
  'exist',
  'file-too-large',
  'illegal-byte-sequence',
  'in-progress',
  'interrupted',
  'invalid',
  'io',
  'is-directory',
  'loop',
  'too-many-links',
  'message-size',
  'name-too-long',
  'no-device',
  'no-entry',
  'no-lock',
  'insufficient-memory',
  'insufficient-space',
  'not-directory',
  'not-empty',
  'not-recoverable',
  'unsupported',
  'no-tty',
  'no-such-device',
  'overflow',
  'not-permitted',
  'pipe',
  'read-only',
  'invalid-seek',
  'text-file-busy',
  'cross-device',
];
const errorCode = t.enum('error-code', ERROR_CODES);
const advice = t.enum('advice', ['normal', 'sequential', 'random', 'will-need', 'dont-need', 'no-reuse']);
const metadataHash = t.record('metadata-hash-value', [
  ['lower', t.u64],
  ['upper', t.u64],
]);
const desc = t.borrow('descriptor');
const r = (ok: WitType | null) => t.result(ok, errorCode);
const pathP: [string, WitType] = ['path', t.string];
const pathFlagsP: [string, WitType] = ['path-flags', pathFlags];

type M = [name: string, params: Array<[string, WitType]>, result: WitType | null, doc: string];
const descriptorMethods: M[] = [
  ['read-via-stream', [['offset', t.u64]], r(t.own('input-stream')), 'A stream reading the file from `offset`.'],
  ['write-via-stream', [['offset', t.u64]], r(t.own('output-stream')), 'A stream writing the file from `offset`.'],
  ['append-via-stream', [], r(t.own('output-stream')), 'A stream appending to the file.'],
  [
    'advise',
    [
      ['offset', t.u64],
      ['length', t.u64],
      ['advice', advice],
    ],
    r(null),
    'Accepted and ignored.',
  ],
  ['sync-data', [], r(null), 'Writes are synchronous: nothing to do.'],
  ['get-flags', [], r(descriptorFlags), 'The flags the descriptor was opened with.'],
  ['get-type', [], r(descriptorType), 'Directory or regular file.'],
  ['set-size', [['size', t.u64]], r(null), 'Truncates or extends the file.'],
  [
    'set-times',
    [
      ['data-access-timestamp', newTimestamp],
      ['data-modification-timestamp', newTimestamp],
    ],
    r(null),
    'Accepted and ignored.',
  ],
  [
    'read',
    [
      ['length', t.u64],
      ['offset', t.u64],
    ],
    r(t.tuple(t.list(t.u8), t.bool)),
    'Reads up to `length` bytes at `offset`; true at the end of the file.',
  ],
  [
    'write',
    [
      ['buffer', t.list(t.u8)],
      ['offset', t.u64],
    ],
    r(t.u64),
    'Writes the bytes at `offset`.',
  ],
  ['read-directory', [], r(t.own('directory-entry-stream')), 'The entries of the directory (sorted by name).'],
  ['sync', [], r(null), 'Writes are synchronous: nothing to do.'],
  ['create-directory-at', [pathP], r(null), 'Creates a directory.'],
  ['stat', [], r(descriptorStat), 'Type, size and times.'],
  ['stat-at', [pathFlagsP, pathP], r(descriptorStat), 'Type, size and times of a path.'],
  [
    'set-times-at',
    [pathFlagsP, pathP, ['data-access-timestamp', newTimestamp], ['data-modification-timestamp', newTimestamp]],
    r(null),
    'Accepted and ignored.',
  ],
  [
    'link-at',
    [
      ['old-path-flags', pathFlags],
      ['old-path', t.string],
      ['new-descriptor', desc],
      ['new-path', t.string],
    ],
    r(null),
    'Not supported (hard links).',
  ],
  [
    'open-at',
    [pathFlagsP, pathP, ['open-flags', openFlags], ['flags', descriptorFlags]],
    r(t.own('descriptor')),
    'Opens a file or directory inside the folder.',
  ],
  ['readlink-at', [pathP], r(t.string), 'The target of a symbolic link.'],
  ['remove-directory-at', [pathP], r(null), 'Removes an empty directory.'],
  [
    'rename-at',
    [
      ['old-path', t.string],
      ['new-descriptor', desc],
      ['new-path', t.string],
    ],
    r(null),
    'Renames inside the folder.',
  ],
  [
    'symlink-at',
    [
      ['old-path', t.string],
      ['new-path', t.string],
    ],
    r(null),
    'Refused: an actor cannot create symbolic links.',
  ],
  ['unlink-file-at', [pathP], r(null), 'Deletes a file.'],
  ['is-same-object', [['other', desc]], t.bool, 'Whether both descriptors name the same file.'],
  ['metadata-hash', [], r(metadataHash), 'A hash of the file identity.'],
  ['metadata-hash-at', [pathFlagsP, pathP], r(metadataHash), 'A hash of the identity of a path.'],
];

const typesInterface: InterfaceSpec = {
  name: TYPES,
  version: '0.2.3',
  resources: ['descriptor', 'directory-entry-stream'],
  uses: ['wasi:io/streams', 'wasi:io/error'],
  doc: 'Files and directories inside the folder of the filesystem handler.',
  functions: [
    ...descriptorMethods.map(([name, params, result, doc]) => ({
      name: `[method]descriptor.${name}`,
      params: [['self', desc] as [string, WitType], ...params],
      result,
      doc,
    })),
    {
      name: '[method]directory-entry-stream.read-directory-entry',
      params: [['self', t.borrow('directory-entry-stream')]],
      result: r(t.option(directoryEntry)),
      doc: 'The next entry, or none at the end.',
    },
    {
      name: 'filesystem-error-code',
      params: [['err', t.borrow('error')]],
      result: t.option(errorCode),
      doc: 'The filesystem error code of a stream error.',
    },
  ],
};

const rs = (ok: WitType | null) => t.result(ok, t.string);
const commandResult = t.variant('command-result', [
  [
    'success',
    t.record('command-success', [
      ['stdout', t.string],
      ['stderr', t.string],
      ['exit-code', t.s32],
    ]),
  ],
  ['error', t.record('command-error', [['message', t.string]])],
]);

const simpleInterface: InterfaceSpec = {
  name: SIMPLE,
  version: null,
  resources: [],
  doc: "Theater's own file interface; paths are relative to the folder.",
  functions: [
    { name: 'read-file', params: [pathP], result: rs(t.list(t.u8)), doc: 'The bytes of a file.' },
    { name: 'write-file', params: [pathP, ['content', t.string]], result: rs(null), doc: 'Writes a file (UTF-8).' },
    { name: 'list-files', params: [pathP], result: rs(t.list(t.string)), doc: 'Names in a directory, sorted.' },
    { name: 'delete-file', params: [pathP], result: rs(null), doc: 'Deletes a file.' },
    { name: 'create-dir', params: [pathP], result: rs(null), doc: 'Creates a directory (and its parents).' },
    { name: 'delete-dir', params: [pathP], result: rs(null), doc: 'Deletes a directory and its contents.' },
    { name: 'path-exists', params: [pathP], result: rs(t.bool), doc: 'Whether the path exists.' },
    {
      name: 'execute-command',
      params: [
        ['dir', t.string],
        ['command', t.string],
        ['args', t.list(t.string)],
      ],
      result: rs(commandResult),
      doc: 'Runs one of `allowed_commands` (no shell) in a directory inside the folder.',
    },
    {
      name: 'execute-nix-command',
      params: [
        ['dir', t.string],
        ['command', t.string],
      ],
      result: rs(commandResult),
      doc: 'Refused: it runs a shell command line, which no allow-list can bound.',
    },
  ],
};

interface Descriptor {
  rep?: number;
  /** Path relative to the folder ('' is the folder). */
  rel: string;
  dir: boolean;
  flags: Record<string, boolean>;
}
interface EntryStream {
  rep?: number;
  entries: Array<{ type: string; name: string }>;
  next: number;
}

type Outcome = { tag: 'ok'; val: unknown } | { tag: 'err'; val: unknown };
const ok = (val?: unknown): Outcome => ({ tag: 'ok', val });
const err = (val: unknown): Outcome => ({ tag: 'err', val });

/** A Node error as a WASI error code. */
export function errorCodeOf(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'no-entry';
    case 'EEXIST':
      return 'exist';
    case 'ENOTDIR':
      return 'not-directory';
    case 'EISDIR':
      return 'is-directory';
    case 'ENOTEMPTY':
      return 'not-empty';
    case 'EACCES':
      return 'access';
    case 'EPERM':
      return 'not-permitted';
    case 'ELOOP':
      return 'loop';
    case 'ENAMETOOLONG':
      return 'name-too-long';
    case 'EINVAL':
      return 'invalid';
    case 'EXDEV':
      return 'cross-device';
    default:
      return 'io';
  }
}

function typeOf(st: fs.Stats): string {
  return st.isDirectory()
    ? 'directory'
    : st.isFile()
      ? 'regular-file'
      : st.isSymbolicLink()
        ? 'symbolic-link'
        : st.isFIFO()
          ? 'fifo'
          : st.isSocket()
            ? 'socket'
            : st.isCharacterDevice()
              ? 'character-device'
              : st.isBlockDevice()
                ? 'block-device'
                : 'unknown';
}

const datetimeOf = (ns: bigint) => ({ seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) });
function statOf(st: fs.BigIntStats) {
  return {
    type: typeOf(st as unknown as fs.Stats),
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetimeOf(st.atimeNs),
    dataModificationTimestamp: datetimeOf(st.mtimeNs),
    statusChangeTimestamp: datetimeOf(st.ctimeNs),
  };
}

/** The folder the actor sees: `path` (relative to the manifest) or a fresh one with `new_dir`; none unlisted. */
function folderOf(ctx: HandlerContext, config: Record<string, unknown>): string | undefined {
  if (config.new_dir === true) return fs.mkdtempSync(path.join(os.tmpdir(), 'theater-fs-'));
  if (typeof config.path !== 'string') return undefined;
  const dir = path.resolve(ctx.manifestDir, config.path);
  fs.mkdirSync(dir, { recursive: true });
  return fs.realpathSync(dir);
}

export const filesystemHandler: HandlerDefinition = {
  type: 'filesystem',
  summary: 'Files under one folder: wasi:filesystem types and preopens @0.2.3, theater:simple/filesystem.',
  doc:
    'The folder `path` (relative to the manifest), or a fresh temporary folder with `new_dir = true`, is the ' +
    'one preopened directory (named "/") and the root of theater:simple/filesystem. No path leads out of it ' +
    '(`..`, absolute paths, symbolic links pointing outside, NUL bytes): such an access is recorded as a ' +
    '`permission-denied` event and the guest gets the WASI error `not-permitted`. `execute-command` runs only ' +
    '`allowed_commands`, without a shell. Every call is recorded with its inputs and outputs (file contents ' +
    'included); a replay answers from the chain and writes nothing. Without a `filesystem` table an actor ' +
    "still starts and sees no preopened folder, as in wasmtime's default sandbox.",
  exports: [],
  sandboxedWhenUnlisted: true,
  unlistedConfig: {},
  unlistedHint:
    'without a filesystem handler it sees no files (no preopened folder); add [[handler]] type = "filesystem" with `path` to give it a folder.',
  config: [
    {
      name: 'path',
      type: 'string',
      doc: 'Folder the actor sees as `/` (relative to the manifest; created if missing).',
      isPath: true,
      permission: true,
    },
    { name: 'new_dir', type: 'boolean', doc: 'Use a fresh temporary folder instead of `path`.', default: false, permission: true },
    { name: 'allowed_commands', type: 'string-array', doc: 'Programs execute-command may run (no shell).', default: [], permission: true },
  ],
  interfaces: [
    typesInterface,
    {
      name: 'wasi:filesystem/preopens',
      version: '0.2.3',
      resources: [],
      uses: [TYPES],
      doc: 'The preopened folder (none without a filesystem table).',
      functions: [
        {
          name: 'get-directories',
          params: [],
          result: t.list(t.tuple(t.own('descriptor'), t.string)),
          doc: 'The folder as "/", or nothing.',
        },
      ],
    },
    simpleInterface,
  ],
  create(ctx, config) {
    const root = folderOf(ctx, config);
    const allowed = (config.allowed_commands as string[] | undefined) ?? [];
    const rootDescriptor: Descriptor = { rel: '', dir: true, flags: { read: true, write: true, mutateDirectory: true } };

    /** Resolves a guest path, recording a refusal; `undefined` means refused (error code in `why`). */
    const resolve = (iface: string, op: string, base: string, p: string, follow = true) => {
      if (!root) {
        ctx.recordDenial(iface, op, p, 'No folder is granted: the manifest lists no filesystem handler');
        return { refused: true as const, code: 'not-permitted', message: 'no folder is granted' };
      }
      const res = resolveInside(root, base, p, follow);
      if (res.refused) ctx.recordDenial(iface, op, p, res.message);
      return res;
    };
    const at = (op: string, self: Descriptor, p: string, follow = true) => resolve(TYPES, op, self.rel, p, follow);
    const attempt = (f: () => unknown): Outcome => {
      try {
        return ok(f());
      } catch (e) {
        return err(errorCodeOf(e));
      }
    };
    const ioError = (e: unknown): IoError => ({ message: (e as Error).message, code: errorCodeOf(e) });

    const fileInput = (abs: string, offset: bigint): InputStream => {
      let pos = Number(offset);
      return {
        read(len) {
          try {
            const buf = Buffer.alloc(Math.min(len, 1 << 20));
            const fd = fs.openSync(abs, 'r');
            let n: number;
            try {
              n = fs.readSync(fd, buf, 0, buf.length, pos);
            } finally {
              fs.closeSync(fd);
            }
            if (n === 0 && len > 0) return closed;
            pos += n;
            return streamOk(new Uint8Array(buf.subarray(0, n)));
          } catch (e) {
            const io = ioError(e);
            return failed(io.message, io.code);
          }
        },
      };
    };
    const fileOutput = (abs: string, offset: bigint | 'append'): OutputStream => {
      let pos = offset === 'append' ? -1 : Number(offset);
      return {
        write(bytes) {
          try {
            const fd = fs.openSync(abs, pos < 0 ? 'a' : 'r+');
            try {
              const n = fs.writeSync(fd, bytes, 0, bytes.length, pos < 0 ? null : pos);
              if (pos >= 0) pos += n;
            } finally {
              fs.closeSync(fd);
            }
            return streamOk(undefined);
          } catch (e) {
            const io = ioError(e);
            return failed(io.message, io.code);
          }
        },
      };
    };
    const abs = (d: Descriptor) => (d.rel ? path.join(root!, ...d.rel.split('/')) : root!);
    const needWrite = (d: Descriptor, op: string): Outcome | undefined => {
      if (d.flags.write || d.flags.mutateDirectory) return undefined;
      ctx.recordDenial(TYPES, op, d.rel || '.', 'The descriptor was not opened for writing');
      return err('bad-descriptor');
    };

    const m: Record<string, (self: any, ...a: any[]) => unknown> = {
      'read-via-stream': (d: Descriptor, offset: bigint) => (d.dir ? err('is-directory') : ok(fileInput(abs(d), offset))),
      'write-via-stream': (d: Descriptor, offset: bigint) =>
        needWrite(d, 'write-via-stream') ?? (d.dir ? err('is-directory') : ok(fileOutput(abs(d), offset))),
      'append-via-stream': (d: Descriptor) =>
        needWrite(d, 'append-via-stream') ?? (d.dir ? err('is-directory') : ok(fileOutput(abs(d), 'append'))),
      advise: () => ok(),
      'sync-data': () => ok(),
      'get-flags': (d: Descriptor) => ok({ ...d.flags }),
      'get-type': (d: Descriptor) => ok(d.dir ? 'directory' : 'regular-file'),
      'set-size': (d: Descriptor, size: bigint) => needWrite(d, 'set-size') ?? attempt(() => fs.truncateSync(abs(d), Number(size))),
      'set-times': () => ok(),
      read: (d: Descriptor, length: bigint, offset: bigint) =>
        attempt(() => {
          const buf = Buffer.alloc(Math.min(Number(length), 1 << 20));
          const fd = fs.openSync(abs(d), 'r');
          try {
            const n = fs.readSync(fd, buf, 0, buf.length, Number(offset));
            return [new Uint8Array(buf.subarray(0, n)), n < buf.length];
          } finally {
            fs.closeSync(fd);
          }
        }),
      write: (d: Descriptor, buffer: Uint8Array, offset: bigint) =>
        needWrite(d, 'write') ??
        attempt(() => {
          const fd = fs.openSync(abs(d), 'r+');
          try {
            return BigInt(fs.writeSync(fd, toBytes(buffer), 0, buffer.length, Number(offset)));
          } finally {
            fs.closeSync(fd);
          }
        }),
      'read-directory': (d: Descriptor) =>
        attempt((): EntryStream => {
          const entries = fs
            .readdirSync(abs(d), { withFileTypes: true })
            .map((e) => ({ type: typeOf(e as unknown as fs.Stats), name: e.name }))
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
          return { entries, next: 0 };
        }),
      sync: () => ok(),
      'create-directory-at': (d: Descriptor, p: string) => {
        const res = at('create-directory-at', d, p);
        return res.refused ? err(res.code) : attempt(() => fs.mkdirSync(res.abs));
      },
      stat: (d: Descriptor) => attempt(() => statOf(fs.statSync(abs(d), { bigint: true }))),
      'stat-at': (d: Descriptor, flags: { symlinkFollow?: boolean }, p: string) => {
        const follow = !!flags?.symlinkFollow;
        const res = at('stat-at', d, p, follow);
        return res.refused ? err(res.code) : attempt(() => statOf((follow ? fs.statSync : fs.lstatSync)(res.abs, { bigint: true })));
      },
      'set-times-at': () => ok(),
      'link-at': () => err('unsupported'),
      'open-at': (
        d: Descriptor,
        _flags: { symlinkFollow?: boolean },
        p: string,
        open: Record<string, boolean>,
        fl: Record<string, boolean>,
      ) => {
        const res = at('open-at', d, p, true);
        if (res.refused) return err(res.code);
        const writes = fl.write || open.create || open.truncate;
        if (writes && !d.flags.mutateDirectory && !d.flags.write) return err('bad-descriptor');
        return attempt(() => {
          let st: fs.Stats | undefined;
          try {
            st = fs.statSync(res.abs);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !open.create) throw e;
          }
          if (st && open.create && open.exclusive) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
          if (st && open.directory && !st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
          if (!st) fs.writeFileSync(res.abs, new Uint8Array(0), { flag: 'wx' });
          else if (open.truncate && st.isFile()) fs.truncateSync(res.abs, 0);
          const dir = st?.isDirectory() ?? false;
          if (dir && fl.write) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
          return {
            rel: res.rel,
            dir,
            flags: { ...fl, ...(dir ? { mutateDirectory: !!(fl.mutateDirectory || d.flags.mutateDirectory) } : {}) },
          } as Descriptor;
        });
      },
      'readlink-at': (d: Descriptor, p: string) => {
        const res = at('readlink-at', d, p, false);
        return res.refused ? err(res.code) : attempt(() => fs.readlinkSync(res.abs));
      },
      'remove-directory-at': (d: Descriptor, p: string) => {
        const res = at('remove-directory-at', d, p, false);
        if (!res.refused && res.rel === '') return err('not-permitted');
        return res.refused ? err(res.code) : attempt(() => fs.rmdirSync(res.abs));
      },
      'rename-at': (d: Descriptor, from: string, to: Descriptor, toPath: string) => {
        const a = at('rename-at', d, from, false);
        if (a.refused) return err(a.code);
        const b = at('rename-at', to, toPath, false);
        if (b.refused) return err(b.code);
        return attempt(() => fs.renameSync(a.abs, b.abs));
      },
      'symlink-at': (_d: Descriptor, target: string, p: string) => {
        ctx.recordDenial(TYPES, 'symlink-at', `${p} -> ${target}`, 'Actors cannot create symbolic links');
        return err('not-permitted');
      },
      'unlink-file-at': (d: Descriptor, p: string) => {
        const res = at('unlink-file-at', d, p, false);
        return res.refused ? err(res.code) : attempt(() => fs.unlinkSync(res.abs));
      },
      'is-same-object': (d: Descriptor, other: Descriptor) => d.rel === other.rel,
      'metadata-hash': (d: Descriptor) =>
        attempt(() => {
          const st = fs.statSync(abs(d), { bigint: true });
          return { lower: st.ino, upper: st.dev };
        }),
      'metadata-hash-at': (d: Descriptor, flags: { symlinkFollow?: boolean }, p: string) => {
        const res = at('metadata-hash-at', d, p, !!flags?.symlinkFollow);
        return res.refused
          ? err(res.code)
          : attempt(() => {
              const st = (flags?.symlinkFollow ? fs.statSync : fs.lstatSync)(res.abs, { bigint: true });
              return { lower: st.ino, upper: st.dev };
            });
      },
    };
    const types: Record<string, (...a: any[]) => unknown> = {};
    for (const [name, fn] of Object.entries(m)) types[`[method]descriptor.${name}`] = fn;
    types['[method]directory-entry-stream.read-directory-entry'] = (s: EntryStream) => ok(s.entries[s.next++]);
    types['filesystem-error-code'] = (e: IoError) => e.code;

    // theater:simple/filesystem: paths from the folder, errors as one sentence.
    const simple = (op: string, p: string, f: (abs: string) => unknown): Outcome => {
      const res = resolve(SIMPLE, op, '', p);
      if (res.refused) return err(`${op} refused: ${res.message}`);
      try {
        return ok(f(res.abs));
      } catch (e) {
        return err(`${op} ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    };
    const simpleFns: Record<string, (...a: any[]) => unknown> = {
      'read-file': (p: string) => simple('read-file', p, (a) => new Uint8Array(fs.readFileSync(a))),
      'write-file': (p: string, content: string) => simple('write-file', p, (a) => fs.writeFileSync(a, content)),
      'list-files': (p: string) => simple('list-files', p, (a) => fs.readdirSync(a).sort()),
      'delete-file': (p: string) => simple('delete-file', p, (a) => fs.unlinkSync(a)),
      'create-dir': (p: string) => simple('create-dir', p, (a) => void fs.mkdirSync(a, { recursive: true })),
      'delete-dir': (p: string) =>
        simple('delete-dir', p, (a) => {
          if (a === root) throw new Error('the folder itself cannot be deleted');
          fs.rmSync(a, { recursive: true });
        }),
      'path-exists': (p: string) => simple('path-exists', p, (a) => fs.existsSync(a)),
      'execute-command': (dir: string, command: string, args: string[]) => {
        if (!allowed.includes(command)) {
          ctx.recordDenial(SIMPLE, 'execute-command', command, `Command '${command}' not in allowed commands`);
          return err(`Command '${command}' not in allowed commands: ${allowed.join(', ') || '<none configured>'}`);
        }
        return simple('execute-command', dir, (cwd) => {
          const run = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 20 });
          if (run.error) return { tag: 'error', val: { message: run.error.message } };
          return { tag: 'success', val: { stdout: run.stdout, stderr: run.stderr, exitCode: run.status ?? -1 } };
        });
      },
      'execute-nix-command': (_dir: string, command: string) => {
        ctx.recordDenial(SIMPLE, 'execute-nix-command', command, 'execute-nix-command runs a shell command line and is refused');
        return err('execute-nix-command is not supported: it runs a shell command line; use execute-command with allowed_commands');
      },
    };

    const fns: Record<string, Record<string, (...a: any[]) => unknown>> = {
      [TYPES]: types,
      'wasi:filesystem/preopens': { 'get-directories': () => (root ? [[rootDescriptor, '/']] : []) },
      [SIMPLE]: simpleFns,
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};
