// wasi:cli @0.2.3: what a WASI program's start-up and stdio import. Every actor gets it, as upstream
// Theater gave it to every actor; what it grants is nothing beyond its own output unless the
// manifest says so: stdout and stderr are captured (recorded, then shown live), stdin is empty, there
// are no arguments, and environment variables are exactly what the manifest's `environment` handler
// lets list-vars list (none without one). `exit` ends the actor with its code.
import { t } from '../wit/types';
import { allowedVariables } from './environment';
import { bytesInput, sinkOutput, type InputStream, type OutputStream } from './streams';
import type { HandlerDefinition } from './types';

const inputOwn = t.own('input-stream');
const outputOwn = t.own('output-stream');

/** The exit code a wasi:cli/exit call ends the actor with. */
export function exitCodeOf(fn: string, args: unknown[]): number {
  if (fn === 'exit-with-code') return Number(args[0]);
  const status = args[0] as { tag?: string } | undefined;
  return status?.tag === 'err' ? 1 : 0;
}

const streamGetter = (name: string, fn: string, result: ReturnType<typeof t.own>, doc: string) => ({
  name: `wasi:cli/${name}`,
  version: '0.2.3',
  resources: [],
  uses: ['wasi:io/streams'],
  doc,
  functions: [{ name: fn, params: [], result, doc }],
});

const terminalGetter = (name: string, fn: string, resource: string, owner: string) => ({
  name: `wasi:cli/${name}`,
  version: '0.2.3',
  resources: [],
  uses: [owner],
  doc: 'Whether the stream is a terminal: never here (none).',
  functions: [{ name: fn, params: [], result: t.option(t.own(resource)), doc: 'None: actors have no terminal.' }],
});

export const wasiCliHandler: HandlerDefinition = {
  type: 'wasi-cli',
  summary: 'WASI command-line interfaces: wasi:cli stdio, environment, exit, terminal-* @0.2.3 (always available).',
  doc:
    "Serves `wasi:cli` to every actor, as upstream Theater did, granting nothing beyond the actor's own output: " +
    'stdout and stderr are captured, recorded and shown live (the CLI prints them, VS Code shows an output ' +
    'channel per actor); stdin is empty; there are no arguments; `get-environment` returns exactly the variables ' +
    "the manifest's `environment` handler lets `list-vars` list (none without an `environment` table with " +
    '`allow_list_all = true`). `exit` ends the actor with its code. List `[[handler]] type = "wasi-cli"` to ' +
    'give arguments (`args`) or stdin (`stdin`).',
  exports: [],
  alwaysAvailable: true,
  unlistedHint:
    'the always-available `wasi-cli` handler serves it: stdout and stderr are recorded, stdin is empty, no arguments or variables; add [[handler]] type = "wasi-cli" to give `args` or `stdin`.',
  config: [
    { name: 'args', type: 'string-array', doc: 'The arguments `get-arguments` returns (none by default).', default: [], permission: true },
    { name: 'stdin', type: 'string', doc: 'What the actor reads on stdin (UTF-8; empty by default).', default: '', permission: true },
  ],
  interfaces: [
    {
      name: 'wasi:cli/environment',
      version: '0.2.3',
      resources: [],
      doc: "Arguments and environment variables, as the manifest allows; the environment handler's rules decide the variables.",
      functions: [
        {
          name: 'get-environment',
          params: [],
          result: t.list(t.tuple(t.string, t.string)),
          doc: "The variables the `environment` handler's list-vars would list (none without one).",
        },
        { name: 'get-arguments', params: [], result: t.list(t.string), doc: 'The `args` of the wasi-cli table (none by default).' },
        { name: 'initial-cwd', params: [], result: t.option(t.string), doc: 'None: no working directory.' },
      ],
    },
    {
      name: 'wasi:cli/exit',
      version: '0.2.3',
      resources: [],
      doc: 'Ends the actor with an exit code, like a stop: the chain ends with the exit call and a shutdown event.',
      functions: [
        {
          name: 'exit',
          params: [['status', t.result(null, null)]],
          result: null,
          doc: 'Ends the actor: ok → code 0, err → code 1.',
          exitCode: (args) => exitCodeOf('exit', args),
        },
        {
          name: 'exit-with-code',
          params: [['status-code', t.u8]],
          result: null,
          doc: 'Ends the actor with the given code.',
          exitCode: (args) => exitCodeOf('exit-with-code', args),
        },
      ],
    },
    streamGetter('stdin', 'get-stdin', inputOwn, "The actor's stdin: the wasi-cli `stdin` text, empty by default."),
    streamGetter('stdout', 'get-stdout', outputOwn, "The actor's stdout: captured, recorded and shown live."),
    streamGetter('stderr', 'get-stderr', outputOwn, "The actor's stderr: captured, recorded and shown live."),
    {
      name: 'wasi:cli/terminal-input',
      version: '0.2.3',
      resources: ['terminal-input'],
      doc: 'A terminal input (none here).',
      functions: [],
    },
    {
      name: 'wasi:cli/terminal-output',
      version: '0.2.3',
      resources: ['terminal-output'],
      doc: 'A terminal output (none here).',
      functions: [],
    },
    terminalGetter('terminal-stdin', 'get-terminal-stdin', 'terminal-input', 'wasi:cli/terminal-input'),
    terminalGetter('terminal-stdout', 'get-terminal-stdout', 'terminal-output', 'wasi:cli/terminal-output'),
    terminalGetter('terminal-stderr', 'get-terminal-stderr', 'terminal-output', 'wasi:cli/terminal-output'),
  ],
  create(ctx, config) {
    const stdin: InputStream = bytesInput(Buffer.from(String(config.stdin ?? ''), 'utf8'));
    const stdout: OutputStream = sinkOutput((b) => ctx.output('stdout', b));
    const stderr: OutputStream = sinkOutput((b) => ctx.output('stderr', b));
    const args = (config.args as string[] | undefined) ?? [];
    const fns: Record<string, Record<string, (...a: any[]) => unknown>> = {
      'wasi:cli/environment': {
        'get-environment': () => {
          const env = ctx.configOf('environment');
          return env ? allowedVariables(ctx, env) : [];
        },
        'get-arguments': () => [...args],
        'initial-cwd': () => undefined,
      },
      'wasi:cli/exit': { exit: () => undefined, 'exit-with-code': () => undefined },
      'wasi:cli/stdin': { 'get-stdin': () => stdin },
      'wasi:cli/stdout': { 'get-stdout': () => stdout },
      'wasi:cli/stderr': { 'get-stderr': () => stderr },
      'wasi:cli/terminal-stdin': { 'get-terminal-stdin': () => undefined },
      'wasi:cli/terminal-stdout': { 'get-terminal-stdout': () => undefined },
      'wasi:cli/terminal-stderr': { 'get-terminal-stderr': () => undefined },
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};
