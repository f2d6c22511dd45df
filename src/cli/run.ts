// `theater run` and `theater replay`: run init, stream each event as it is recorded, stop, export.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeEvent } from '../runtime/chain/decode';
import type { ChainEvent } from '../runtime/chain/event';
import { shortHash, toHex } from '../runtime/chain/hash';
import { stringifyLossless } from '../runtime/chain/json';
import { exportChainFile } from '../runtime/chain/chainFile';
import { largeChainWarning } from '../runtime/chain/retention';
import type { ReplayReport, ReplaySide } from '../runtime/host/replay';
import { startActor, type ActorSession } from '../runtime/host/session';
import { ActorSystem } from '../runtime/host/system';
import { isTheaterManifestName, notAManifestMessage } from '../runtime/manifest/identify';
import { startFork, startWhatIf } from '../runtime/host/timeTravel';
import { escapeControlChars, escapeControlCharsKeepLines } from '../runtime/text/escape';
import { numberOption, requirePositional, UsageError, type ParsedArgs } from './args';
import { responseText } from '../runtime/text/response';

export function eventLine(ev: ChainEvent, index: number): string {
  const d = decodeEvent(ev);
  // Event types and summaries come from the guest or a file: control characters are shown escaped.
  return `${String(index).padStart(4)} ${shortHash(ev.hash)} ${escapeControlChars(ev.eventType).padEnd(44)} ${escapeControlChars(d.summary)}`;
}

export function eventJson(ev: ChainEvent, index: number, actor?: string): string {
  const d = decodeEvent(ev);
  return stringifyLossless({
    ...(actor ? { actor } : {}),
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

/** Splits each stream's bytes into lines (UTF-8); `end` flushes what is left without a newline. */
export function lineWriter(emit: (stream: 'stdout' | 'stderr', line: string) => void) {
  const rest = { stdout: '', stderr: '' };
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  return {
    write: (stream: 'stdout' | 'stderr', bytes: Uint8Array) => {
      const lines = (rest[stream] + decoders[stream].decode(bytes, { stream: true })).split('\n');
      rest[stream] = lines.pop() ?? '';
      for (const l of lines) emit(stream, l);
    },
    end: () => {
      for (const stream of ['stdout', 'stderr'] as const) {
        const last = rest[stream] + decoders[stream].decode();
        if (last) emit(stream, last);
        rest[stream] = '';
      }
    },
  };
}

/** Start-up progress (transpiling) on stderr, so a long first start says what it waits for. */
const progress = (m: string) => process.stderr.write(`theater: ${escapeControlChars(m)}…\n`);

interface DriveResult {
  ok: boolean;
  error?: string;
  /** The code the guest passed to wasi:cli/exit. */
  exitCode?: number;
}

async function drive(session: ActorSession, args: ParsedArgs): Promise<DriveResult> {
  const json = args.flags.has('json');
  session.on('event', (ev, i) => process.stdout.write((json ? eventJson(ev, i) : eventLine(ev, i)) + '\n'));
  session.on('log', (m) => process.stderr.write(`[${escapeControlChars(session.name)}] ${escapeControlCharsKeepLines(m)}\n`));
  // The guest's stdout and stderr (wasi:cli), line by line as they are recorded, beside its log.
  const output = lineWriter((stream, line) =>
    process.stderr.write(`[${escapeControlChars(session.name)}${stream === 'stderr' ? ' stderr' : ''}] ${escapeControlChars(line)}\n`),
  );
  session.on('output', output.write);
  const stopOnSignal = () => {
    void session.stop('interrupted (SIGINT)');
  };
  process.once('SIGINT', stopOnSignal);
  const initDone = new Promise<void>((resolve) => session.once('init-done', () => resolve()));
  // init either finishes (then we stop the actor ourselves) or the session ends on its own.
  await Promise.race([initDone, session.done()]);
  const outcome = await session.stop('run finished');
  output.end();
  process.off('SIGINT', stopOnSignal);
  warnIfLarge(session);
  if (outcome.exitCode !== undefined) return { ok: outcome.exitCode === 0, exitCode: outcome.exitCode };
  return outcome.status === 'failed' ? { ok: false, error: outcome.error ?? 'the actor failed' } : { ok: true };
}

/** The retention rule's warning on a chain above its event or size threshold (as Temporal warns on long histories). */
function warnIfLarge(session: ActorSession): void {
  let size = 0;
  try {
    size = fs.statSync(session.logPath).size;
  } catch {
    /* no log to measure */
  }
  const warning = largeChainWarning(session.logPath, session.eventCount, size);
  if (warning) process.stderr.write(`warning: ${escapeControlChars(warning)}\n`);
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

/** A --send/--request value: UTF-8 text, or `@path` for a file's bytes. */
function deliveryData(value: string): Uint8Array {
  if (!value.startsWith('@')) return new TextEncoder().encode(value);
  const file = path.resolve(value.slice(1));
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file} for ${value}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function runActor(rest: string[], args: ParsedArgs): Promise<number> {
  const manifestPath = requireManifest(rest, 'run');
  const timeout = numberOption(args, 'timeout');
  const json = args.flags.has('json');
  const deliveries = args.ordered
    .filter(([name]) => name === 'send' || name === 'request')
    .map(([name, value]) => ({ kind: name as 'send' | 'request', data: deliveryData(value) }));
  const chainsDir = args.options.get('chains-dir');
  const maxMemory = numberOption(args, 'max-memory');
  const system = new ActorSystem({
    ...(timeout ? { callTimeoutMs: timeout } : {}),
    ...(maxMemory ? { maxMemoryMiB: maxMemory } : {}),
    ...(args.flags.has('activate-by-imports') ? { activateByImports: true } : {}),
    ...(args.options.has('data-dir') ? { dataDir: path.resolve(args.options.get('data-dir')!) } : {}),
    onProgress: progress,
  });
  const started: ActorSession[] = [];
  const outputs: ReturnType<typeof lineWriter>[] = [];
  system.on('actor', (session: ActorSession) => {
    started.push(session);
    const isRoot = started.length === 1;
    const label = isRoot ? '' : `${escapeControlChars(session.name)} `;
    session.on('event', (ev, i) =>
      process.stdout.write((json ? eventJson(ev, i, session.id) : isRoot ? eventLine(ev, i) : `${label}${eventLine(ev, i)}`) + '\n'),
    );
    session.on('log', (m) => process.stderr.write(`[${escapeControlChars(session.name)}] ${escapeControlCharsKeepLines(m)}\n`));
    // The guest's stdout and stderr (wasi:cli), line by line as they are recorded, beside its log.
    const output = lineWriter((stream, line) =>
      process.stderr.write(`[${escapeControlChars(session.name)}${stream === 'stderr' ? ' stderr' : ''}] ${escapeControlChars(line)}\n`),
    );
    session.on('output', output.write);
    outputs.push(output);
  });
  const stopOnSignal = () => {
    void system.stopAll('interrupted (SIGINT)');
  };
  process.once('SIGINT', stopOnSignal);
  const root = await system.start({
    manifestPath,
    ...(args.options.has('actor-id') ? { actorId: args.options.get('actor-id')! } : {}),
  });
  const initOk = await new Promise<boolean>((resolve) => {
    root.once('init-done', () => resolve(true));
    root.once('paused', () => resolve(false));
    void root.done().then(() => resolve(false));
  });
  if (initOk) {
    // Queued in the order given (the root's queue is FIFO); responses are printed in that order.
    const pending = deliveries.map((d) =>
      d.kind === 'send'
        ? system.sendAndWait(root.id, d.data).then((r) => ({ d, r }))
        : system.request(undefined, root.id, d.data).then((r) => ({ d, r })),
    );
    for (const p of pending) {
      const { d, r } = await p;
      if (d.kind === 'request' && r.tag === 'ok') {
        const text = responseText(r.val as Uint8Array);
        process.stdout.write((json ? stringifyLossless({ actor: root.id, response: text }) : `response: ${text}`) + '\n');
      } else if (r.tag === 'err') {
        const text = escapeControlChars(String(r.val));
        process.stdout.write((json ? stringifyLossless({ actor: root.id, [d.kind]: 'error', error: text }) : `error: ${text}`) + '\n');
      }
    }
    await system.whenQuiet();
    // An actor serving HTTP (an http-framework server, or wasi-http's `port`) serves until Ctrl-C, which stops it.
    const serving = system.list().flatMap((n) => n.session.listening);
    if (serving.length > 0) process.stderr.write(`${escapeControlChars(root.name)} serves ${serving.join(', ')}; stop it with Ctrl-C\n`);
    if (root.serving || serving.length > 0) await root.done();
  }
  await system.stopAll('run finished');
  for (const o of outputs) o.end();
  process.off('SIGINT', stopOnSignal);
  warnIfLarge(root);
  exportChain(root.logPath, args.options.get('chain-out'));
  if (chainsDir) {
    for (const s of started) exportChain(s.logPath, path.join(chainsDir, `${safeName(s.name)}-${s.id.slice(0, 8)}.chain.json`));
  }
  const failure = system.unhandled[0];
  // A root that never finished init (a time limit, a crash) failed even when no call's failure was reported.
  const rootOutcome = await root.done();
  const error = failure
    ? `${failure.error} (actor ${failure.actor.name} ${failure.actor.id}, call ${failure.fn})`
    : !initOk && rootOutcome.status === 'failed'
      ? rootOutcome.error
      : undefined;
  const who = failure ? failure.actor.name : root.name;
  // An actor that called wasi:cli/exit ends `theater run` with its code, as a program would.
  const exitCode = root.exitCode;
  const how = error ? `failed: ${error}` : exitCode !== undefined ? `exited with code ${exitCode}` : 'init returned Ok';
  const summary = escapeControlChars(
    `${who}: ${how}; ${root.eventCount} events in ${root.logPath}${started.length > 1 ? ` (${started.length} actors)` : ''}`,
  );
  if (json)
    process.stdout.write(
      stringifyLossless({
        done: true,
        ok: !error && (exitCode ?? 0) === 0,
        error: error ?? null,
        ...(exitCode !== undefined ? { exitCode } : {}),
        actor: root.id,
        events: root.eventCount,
        log: root.logPath,
      }) + '\n',
    );
  else process.stderr.write(summary + '\n');
  return error ? 1 : (exitCode ?? 0);
}

/** A file-name-safe actor name (names come from manifests). */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'actor';
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
    onProgress: progress,
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
