// theater:simple/process: OS processes of allowed programs. The permission checks (program, working
// directory) run here, in the actor's worker, and a refusal is recorded next to the call; the
// processes themselves belong to the actor's session on the main thread (host/processes.ts), which
// starts one only after the os-spawn event is on disk and delivers its stdout, stderr and exit to the
// actor's theater:simple/process-handlers exports through the actor's call queue.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { t } from '../wit/types';
import { PROCESS_HANDLERS } from './actorExports';
import type { HandlerConfig, HandlerContext, HandlerDefinition, ServiceDeclaration } from './types';

export { PROCESS_HANDLERS };
export const PROCESS = 'theater:simple/process';
export const DEFAULT_MAX_PROCESSES = 10;
export const DEFAULT_MAX_OUTPUT_BUFFER = 1048576;

export const OUTPUT_MODES = ['raw', 'line-by-line', 'json', 'chunked'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

const outputMode = t.variant(
  'output-mode',
  OUTPUT_MODES.map((m) => [m, null]),
);
const processConfig = t.record('process-config', [
  ['program', t.string],
  ['args', t.list(t.string)],
  ['cwd', t.option(t.string)],
  ['env', t.list(t.tuple(t.string, t.string))],
  ['buffer-size', t.u32],
  ['stdout-mode', outputMode],
  ['stderr-mode', outputMode],
  ['chunk-size', t.option(t.u32)],
  ['execution-timeout', t.option(t.u64)],
]);
const processStatus = t.record('process-status', [
  ['pid', t.u64],
  ['running', t.bool],
  ['exit-code', t.option(t.s32)],
  ['start-time', t.u64],
]);

/** os-spawn's argument as jco passes it. */
export interface ProcessConfigValue {
  program: string;
  args: string[];
  cwd?: string;
  env: Array<[string, string]>;
  bufferSize: number;
  stdoutMode: { tag: OutputMode };
  stderrMode: { tag: OutputMode };
  chunkSize?: number;
  executionTimeout?: bigint;
}

/** What the main thread gets for os-spawn once the permissions are checked: absolute paths only. */
export interface SpawnRequest {
  program: string;
  /** The program as the actor named it (messages). */
  named: string;
  args: string[];
  cwd: string;
  env: Array<[string, string]>;
  bufferSize: number;
  stdoutMode: OutputMode;
  stderrMode: OutputMode;
  chunkSize: number | undefined;
  /** Seconds; undefined: no limit. */
  executionTimeoutS: number | undefined;
}

type Result<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: string };

/** The absolute path of an executable file `name` (a bare name is looked up on the host's PATH). */
function resolveProgram(name: string, baseDir: string): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(baseDir, name)]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter((d) => path.isAbsolute(d))
        .map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) {
        fs.accessSync(c, fs.constants.X_OK);
        return c;
      }
    } catch {
      // not this one
    }
  }
  return undefined;
}

const realOrNull = (p: string): string | null => {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
};

const within = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * The permission check of os-spawn: the program must be one of `allowed_programs` exactly as written
 * there (absent or `[]`: none), and the working directory (relative to the manifest's folder; none:
 * the first allowed path, else the manifest's folder) must be, on its real path, inside one of
 * `allowed_paths` (absent or `[]`: only the manifest's folder itself). One sentence when refused.
 */
export function checkSpawn(
  config: HandlerConfig,
  manifestDir: string,
  req: ProcessConfigValue,
): { ok: SpawnRequest } | { denied: string; subject: string } {
  const allowedPrograms = (config.allowed_programs as string[] | undefined) ?? [];
  if (!allowedPrograms.includes(req.program))
    return {
      subject: req.program,
      denied:
        allowedPrograms.length === 0
          ? `the process handler allows no program (allowed_programs is ${config.allowed_programs === undefined ? 'not set' : 'empty'}); add "${req.program}" to allowed_programs to let the actor run it`
          : `${req.program} is not in allowed_programs (${allowedPrograms.join(', ')}); add it there to let the actor run it`,
    };
  if (req.program.includes('\0') || req.args.some((a) => a.includes('\0')))
    return { subject: req.program, denied: 'a program name or argument contains a NUL byte' };
  const program = resolveProgram(req.program, manifestDir);
  if (!program) return { subject: req.program, denied: `${req.program} is not an executable file on this machine` };
  const allowedPaths = ((config.allowed_paths as string[] | undefined) ?? []).map((p) => path.resolve(manifestDir, p));
  const wanted = req.cwd === undefined ? (allowedPaths[0] ?? manifestDir) : path.resolve(manifestDir, req.cwd);
  const real = wanted.includes('\0') ? null : realOrNull(wanted);
  if (!real || !fs.statSync(real).isDirectory())
    return { subject: wanted, denied: `the working directory ${req.cwd ?? wanted} does not exist or is not a folder` };
  const roots = allowedPaths.length > 0 ? allowedPaths : [manifestDir];
  if (!roots.some((r) => within(real, realOrNull(r) ?? r)))
    return {
      subject: wanted,
      denied: `the working directory ${req.cwd ?? wanted} is outside allowed_paths (${allowedPaths.length > 0 ? allowedPaths.join(', ') : "none set: only the manifest's folder"}); add a folder that contains it to allowed_paths`,
    };
  for (const [k] of req.env)
    if (k === '' || k.includes('=') || k.includes('\0')) return { subject: k, denied: `the environment variable name "${k}" is not valid` };
  return {
    ok: {
      program,
      named: req.program,
      args: req.args,
      cwd: real,
      env: req.env,
      bufferSize: req.bufferSize,
      stdoutMode: req.stdoutMode.tag,
      stderrMode: req.stderrMode.tag,
      chunkSize: req.chunkSize,
      executionTimeoutS: req.executionTimeout === undefined ? undefined : Number(req.executionTimeout),
    },
  };
}

/**
 * The actor's OS processes on the main thread: started, written to and signalled once the call's
 * event is on disk; the implementation is host/processes.ts's (bound by name in host/services.ts).
 */
export const PROCESS_SERVICE: ServiceDeclaration = { name: 'processes', ops: [`${PROCESS}/`] };

export const processHandler: HandlerDefinition = {
  type: 'process',
  summary: 'OS processes of allowed programs: theater:simple/process; drives theater:simple/process-handlers.',
  doc:
    'os-spawn starts a program named in `allowed_programs` (absent or `[]`: none; no shell) in a working directory ' +
    'inside `allowed_paths`; os-write-stdin (an empty write closes stdin), os-status, os-signal, os-kill. At most ' +
    '`max_processes` at once. Its stdout, stderr (chunks of at most `max_output_buffer` bytes) and exit code reach the ' +
    "actor's process-handlers exports through its call queue, each a recorded call; replay re-drives them and starts " +
    'nothing. Stopping the actor kills its processes.',
  exports: [PROCESS_HANDLERS],
  config: [
    { name: 'max_processes', type: 'integer', doc: 'Most processes running at once.', default: DEFAULT_MAX_PROCESSES, minimum: 0 },
    {
      name: 'max_output_buffer',
      type: 'integer',
      doc: 'Largest chunk of output delivered in one call, and most output bytes held for the actor (give or take one read of the pipe) before the process is made to wait.',
      default: DEFAULT_MAX_OUTPUT_BUFFER,
      minimum: 1,
    },
    {
      name: 'allowed_programs',
      type: 'string-array',
      doc: 'Programs the actor may start, as os-spawn names them (a bare name is looked up on PATH); absent or `[]` allows none.',
      permission: true,
      absentGrantsNothing:
        'Without `allowed_programs` the `process` handler lets the actor start no program; add allowed_programs = ["/path/to/program"] to grant one.',
    },
    {
      name: 'allowed_paths',
      type: 'string-array',
      doc: "Folders (relative to the manifest) the working directory must be inside; absent or `[]`: only the manifest's folder.",
      isPath: true,
      permission: true,
    },
  ],
  unlistedConfig: { allowed_programs: [] },
  services: [PROCESS_SERVICE],
  interfaces: [
    {
      name: PROCESS,
      version: null,
      resources: [],
      doc: 'OS processes of allowed programs.',
      functions: [
        {
          name: 'os-spawn',
          params: [['config', processConfig]],
          result: t.result(t.u64, t.string),
          doc: 'Starts the program once this call is recorded; returns its process id (1, 2, … per actor).',
        },
        {
          name: 'os-write-stdin',
          params: [
            ['pid', t.u64],
            ['data', t.list(t.u8)],
          ],
          result: t.result(t.u32, t.string),
          doc: 'Writes to the process’s stdin (an empty list closes it); returns the bytes taken.',
        },
        {
          name: 'os-status',
          params: [['pid', t.u64]],
          result: t.result(processStatus, t.string),
          doc: 'Whether it runs, its exit code once it ended, and when it started (ms since the epoch).',
        },
        {
          name: 'os-signal',
          params: [
            ['pid', t.u64],
            ['signal', t.u32],
          ],
          result: t.result(null, t.string),
          doc: 'Sends a signal (by number) to the process.',
        },
        { name: 'os-kill', params: [['pid', t.u64]], result: t.result(null, t.string), doc: 'Kills the process (SIGKILL).' },
      ],
    },
  ],
  create(ctx: HandlerContext, config: HandlerConfig) {
    const ask = (fn: string, args: unknown[]) => ctx.hostCall(`${PROCESS}/${fn}`, args) as Result<unknown>;
    const fns = {
      'os-spawn': (req: ProcessConfigValue) => {
        const checked = checkSpawn(config, ctx.manifestDir, req);
        if ('denied' in checked) {
          ctx.recordDenial(PROCESS, 'os-spawn', checked.subject, checked.denied);
          return { tag: 'err', val: `os-spawn refused: ${checked.denied}.` };
        }
        return ask('os-spawn', [checked.ok]);
      },
      'os-write-stdin': (pid: bigint, data: Uint8Array) => ask('os-write-stdin', [pid, data]),
      'os-status': (pid: bigint) => ask('os-status', [pid]),
      'os-signal': (pid: bigint, signal: number) => ask('os-signal', [pid, signal]),
      'os-kill': (pid: bigint) => ask('os-kill', [pid]),
    };
    return { functions: (name) => (name === PROCESS ? fns : {}) };
  },
};
