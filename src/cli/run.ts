// `theater run` and `theater replay`: run init, stream each event as it is recorded, stop, export.
import * as path from 'node:path';
import { decodeEvent } from '../runtime/chain/decode';
import type { ChainEvent } from '../runtime/chain/event';
import { shortHash, toHex } from '../runtime/chain/hash';
import { stringifyLossless } from '../runtime/chain/json';
import { exportChainFile } from '../runtime/chain/chainFile';
import type { ReplayReport, ReplaySide } from '../runtime/host/replay';
import { startActor, type ActorSession } from '../runtime/host/session';
import { isTheaterManifestName, notAManifestMessage } from '../runtime/manifest/identify';
import { startFork, startWhatIf } from '../runtime/host/timeTravel';
import { escapeControlChars, escapeControlCharsKeepLines } from '../runtime/text/escape';
import { numberOption, requirePositional, UsageError, type ParsedArgs } from './args';

export function eventLine(ev: ChainEvent, index: number): string {
  const d = decodeEvent(ev);
  // Event types and summaries come from the guest or a file: control characters are shown escaped.
  return `${String(index).padStart(4)} ${shortHash(ev.hash)} ${escapeControlChars(ev.eventType).padEnd(44)} ${escapeControlChars(d.summary)}`;
}

export function eventJson(ev: ChainEvent, index: number): string {
  const d = decodeEvent(ev);
  return stringifyLossless({
    index,
    hash: toHex(ev.hash),
    parent_hash: ev.parentHash ? toHex(ev.parentHash) : null,
    event_type: ev.eventType,
    category: d.category,
    summary: d.summary,
    input: d.input,
    output: d.output,
    state: d.state,
    error: d.error,
  });
}

async function drive(session: ActorSession, args: ParsedArgs): Promise<{ ok: boolean; error?: string }> {
  const json = args.flags.has('json');
  session.on('event', (ev, i) => process.stdout.write((json ? eventJson(ev, i) : eventLine(ev, i)) + '\n'));
  session.on('log', (m) => process.stderr.write(`[${escapeControlChars(session.name)}] ${escapeControlCharsKeepLines(m)}\n`));
  const stopOnSignal = () => {
    void session.stop('interrupted (SIGINT)');
  };
  process.once('SIGINT', stopOnSignal);
  const initDone = new Promise<void>((resolve) => session.once('init-done', () => resolve()));
  // init either finishes (then we stop the actor ourselves) or the session ends on its own.
  await Promise.race([initDone, session.done()]);
  const outcome = await session.stop('run finished');
  process.off('SIGINT', stopOnSignal);
  return outcome.status === 'failed' ? { ok: false, error: outcome.error ?? 'the actor failed' } : { ok: true };
}

function exportChain(logPath: string, out: string | undefined): void {
  if (!out) return;
  // Streamed: a chain of any size (six 1 MiB calls once overflowed a JS string here).
  exportChainFile(logPath, out);
}

/** The manifest argument, held to the one manifest rule (runtime/manifest/identify). */
function requireManifest(rest: string[], command: string): string {
  const manifestPath = path.resolve(requirePositional(rest, 'a manifest.toml', command));
  if (!isTheaterManifestName(manifestPath)) throw new UsageError(notAManifestMessage(manifestPath));
  return manifestPath;
}

export async function runActor(rest: string[], args: ParsedArgs): Promise<number> {
  const manifestPath = requireManifest(rest, 'run');
  const timeout = numberOption(args, 'timeout');
  const maxMemory = numberOption(args, 'max-memory');
  const session = await startActor({
    manifestPath,
    ...(timeout ? { callTimeoutMs: timeout } : {}),
    ...(maxMemory ? { maxMemoryMiB: maxMemory } : {}),
    ...(args.flags.has('activate-by-imports') ? { activateByImports: true } : {}),
    ...(args.options.has('actor-id') ? { actorId: args.options.get('actor-id')! } : {}),
    ...(args.options.has('data-dir') ? { dataDir: path.resolve(args.options.get('data-dir')!) } : {}),
  });
  const result = await drive(session, args);
  exportChain(session.logPath, args.options.get('chain-out'));
  const summary = escapeControlChars(
    `${session.name}: ${result.ok ? 'init returned Ok' : `failed: ${result.error}`}; ${session.events.length} events in ${session.logPath}`,
  );
  if (args.flags.has('json'))
    process.stdout.write(
      stringifyLossless({ done: true, ok: result.ok, error: result.error ?? null, events: session.events.length, log: session.logPath }) +
        '\n',
    );
  else process.stderr.write(summary + '\n');
  return result.ok ? 0 : 1;
}

/** What kind of replay the flags ask for: plain, a fork (--until N --then live) or a what-if (--override N=JSON). */
function replayMode(args: ParsedArgs): { fork?: number; overrides?: string[] } {
  const until = args.options.get('until');
  const then = args.options.get('then');
  const overrides = args.repeated.get('override') ?? [];
  if (then !== undefined && then !== 'live') throw new UsageError(`--then takes 'live' (continue with the real handlers), got '${then}'`);
  if (until === undefined && then !== undefined) throw new UsageError('--then live needs --until N (the last event to replay)');
  if (until !== undefined && then === undefined) throw new UsageError('--until N needs --then live (replay up to event N, then run live)');
  if (until !== undefined && overrides.length > 0)
    throw new UsageError('--override and --until cannot be combined yet; run the what-if and the fork separately');
  if (until !== undefined) {
    const n = Number(until);
    if (!/^\d+$/.test(until) || !Number.isSafeInteger(n)) throw new UsageError(`--until must be an event index (0, 1, …), got '${until}'`);
    return { fork: n };
  }
  return overrides.length > 0 ? { overrides } : {};
}

export async function runReplay(rest: string[], args: ParsedArgs): Promise<number> {
  const manifestPath = requireManifest(rest, 'replay');
  const chain = args.options.get('chain');
  if (!chain) throw new UsageError('`theater replay` needs --chain FILE (a Theater chain.json or a .chain.jsonl log)');
  const timeout = numberOption(args, 'timeout');
  const maxMemory = numberOption(args, 'max-memory');
  const mode = replayMode(args);
  const common = {
    manifestPath,
    ...(timeout ? { callTimeoutMs: timeout } : {}),
    ...(maxMemory ? { maxMemoryMiB: maxMemory } : {}),
    ...(args.options.has('data-dir') ? { dataDir: path.resolve(args.options.get('data-dir')!) } : {}),
  };
  const chainPath = path.resolve(chain);
  const session =
    mode.fork !== undefined
      ? await startFork({ ...common, chainPath, at: mode.fork })
      : mode.overrides
        ? await startWhatIf({ ...common, chainPath, overrides: mode.overrides })
        : await startActor({ ...common, replayChainPath: chainPath });
  await drive(session, args);
  exportChain(session.logPath, args.options.get('chain-out'));
  const report = session.replayReport;
  if (!report) {
    process.stderr.write(
      `theater: the replay ended before it could be compared (${session.status}); see ${escapeControlChars(session.logPath)}\n`,
    );
    return 1;
  }
  if (args.flags.has('json')) {
    process.stdout.write(stringifyLossless({ replay: report, log: session.logPath }) + '\n');
  } else {
    process.stderr.write(`${escapeControlChars(report.message)}\n`);
    const d = report.divergence;
    if (d) process.stderr.write(divergenceRows(d));
  }
  return replaySucceeded(report) ? 0 : 1;
}

/** A plain replay must reproduce the recording; a fork its prefix; a what-if must run (a difference is its answer). */
export function replaySucceeded(report: ReplayReport): boolean {
  return report.verdict === 'replayed' || report.verdict === 'forked' || report.verdict === 'what-if';
}

/** Both sides of a divergence, one block each: event type, hash, decoded summary. */
export function divergenceRows(d: NonNullable<ReplayReport['divergence']>): string {
  const row = (label: string, s: ReplaySide | undefined) =>
    s
      ? `  ${label.padEnd(9)} ${escapeControlChars(s.eventType)}  ${s.hash ? `${s.hash.slice(0, 16)}…` : '(not recorded)'}\n            ${escapeControlChars(s.summary)}\n`
      : `  ${label.padEnd(9)} (none)\n`;
  return `at event ${d.index}:\n${row('expected', d.expected)}${row('actual', d.actual)}`;
}
