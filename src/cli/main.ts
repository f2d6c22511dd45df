// `theater`: the headless CLI. Same runtime and validation core as the extension and the server.
import { ChainFileError } from '../runtime/chain/errors';
import { FileReadError } from '../runtime/files/readRegular';
import { TheaterError } from '../runtime/host/api';
import { escapeControlChars } from '../runtime/text/escape';
import { runChainCommand } from './chainCommands';
import { runCheck } from './check';
import { runHandlers } from './handlersCommand';
import { runActor, runReplay } from './run';
import { runTests } from './testCommand';
import { checkFlags, COMMAND_FLAGS, parseArgs, UsageError } from './args';

export const USAGE = `Usage: theater <command> [options]

Commands:
  run <manifest.toml> [--chain-out FILE] [--json] [--timeout MS] [--max-memory MIB] [--activate-by-imports]
                                      run an actor's init, print each event, write the chain
  replay <manifest.toml> --chain FILE [--json] [--chain-out FILE]
                                      re-run an actor against a recorded chain and compare
         … --until N --then live      fork: replay events 0..N, then run live with the real handlers
         … --override N=JSON          what-if: replay with event N's output edited (repeatable)
  test [dir] [--json] [--timeout MS]  replay every saved regression test (*.theater-test.json) below dir
  test --save CHAIN [--name N] [--manifest FILE]
                                      save a chain as a regression test beside its actor
  check <manifest.toml | world.wit | component.wasm> [--json]
                                      report every problem as file:line:col
  handlers [--json]                   the registered handlers, interfaces, versions, config keys
  chain verify <file>                 verify hashes and parent links (chain.json or .chain.jsonl)
  chain show <file> [--json]          decode every event
  chain diff <a> <b> [--json | --listing]
                                      first divergence and an aligned listing around it;
                                      --listing: every event decoded with exact values, as a unified diff
  chain export <log> --out FILE       write a Theater chain.json
  lsp --stdio                         the language server over stdio
  mcp [--root DIR]                    MCP server over stdio: chain tools for agents (docs/agents.md)
  debug-adapter                       the debug adapter (Debug Adapter Protocol) over stdio

Global: --debug (show stack traces), --help, --data-dir DIR (per-user data and cache)
Exit codes: 0 ok, 1 actor failed / problems found / chain broken, 2 bad arguments or unusable input.`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, ...rest] = args.positional;
  if (args.flags.has('help') || !command) {
    process.stdout.write(USAGE + '\n');
    return command || args.flags.has('help') ? 0 : 2;
  }
  if (Object.prototype.hasOwnProperty.call(COMMAND_FLAGS, command)) checkFlags(command, args);
  switch (command) {
    case 'run':
      return runActor(rest, args);
    case 'replay':
      return runReplay(rest, args);
    case 'check':
      return runCheck(rest, args);
    case 'test':
      return runTests(rest, args);
    case 'handlers':
      return runHandlers(args);
    case 'chain':
      return runChainCommand(rest, args);
    case 'lsp': {
      // Loaded only for this command: the server pulls in vscode-languageserver.
      const { startServer } = require('../server/server') as typeof import('../server/server');
      startServer('stdio');
      return new Promise<number>(() => {
        /* runs until the client exits the process */
      });
    }
    case 'mcp': {
      // Loaded only for this command: the MCP SDK.
      const { runMcpServer } = require('./mcp') as typeof import('./mcp');
      return runMcpServer(args);
    }
    case 'debug-adapter': {
      const { runDebugAdapterOverStdio } = require('../debug/stdio') as typeof import('../debug/stdio');
      return runDebugAdapterOverStdio();
    }
    default:
      throw new UsageError(`unknown command '${command}'; run \`theater --help\` for the list`);
  }
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Unusable input (arguments, a manifest, a chain file, a path that is not a regular file): one sentence, exit 2.
    if (e instanceof UsageError || e instanceof TheaterError || e instanceof ChainFileError || e instanceof FileReadError) {
      process.stderr.write(`theater: ${escapeControlChars(e.message)}\n`);
      if (debug) process.stderr.write(`${e.stack}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `theater: internal error: ${escapeControlChars(e instanceof Error ? e.message : String(e))}${debug ? '' : ' (run with --debug for details)'}\n`,
      );
      if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = 1;
    }
  },
);
