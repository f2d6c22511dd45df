// What an Actors row says, without any vscode import: a Stop by the user is a normal end (grey,
// "stopped by you"), only the actor's own failure is red; a replay shows its verdict.
import type { ActorStatus } from '../../runtime/host/api';
import { escapeControlChars } from '../../runtime/text/escape';

export interface ActorRowInput {
  name: string;
  id: string;
  status: ActorStatus;
  events: number;
  lastError?: string | undefined;
  /** The user asked this run to stop (Stop, Restart, Remove) before it ended on its own. */
  stoppedByUser?: boolean | undefined;
  /** A replay: the recording it replays, and its verdict once known. */
  replayOf?: string | undefined;
  verdict?: string | undefined;
}

export interface ActorRow {
  label: string;
  description: string;
  tooltip: string;
  icon: string;
  /** The icon is drawn in the error colour. */
  alarming: boolean;
  live: boolean;
  contextValue: 'theaterActorRunning' | 'theaterActorPaused' | 'theaterActorDone';
}

export function isLive(status: ActorStatus): boolean {
  // A paused actor (a call failed) still holds its state and can be resumed, stopped or restarted.
  return status === 'starting' || status === 'running' || status === 'idle' || status === 'paused';
}

/** How the run ended, in the user's terms: `stopped by you`, `failed`, `stopped`, or the live status. */
export function endState(a: Pick<ActorRowInput, 'status' | 'stoppedByUser'>): 'live' | 'stopped by you' | 'failed' | 'stopped' {
  if (isLive(a.status)) return 'live';
  if (a.stoppedByUser) return 'stopped by you';
  return a.status === 'failed' ? 'failed' : 'stopped';
}

export function actorRow(a: ActorRowInput): ActorRow {
  const live = isLive(a.status);
  const end = endState(a);
  const failed = end === 'failed';
  const state = live ? a.status : end;
  const verdict = a.verdict ? ` · ${a.verdict}` : '';
  const error = failed && a.lastError ? ` · ${a.lastError}` : '';
  const name = escapeControlChars(a.name);
  return {
    label: `${a.replayOf ? 'replay: ' : ''}${name}`,
    description: escapeControlChars(`${state} · ${a.events.toLocaleString('en-US')} events${verdict}${error} · ${a.id.slice(0, 8)}`),
    tooltip: [
      `${a.name} (${a.id})`,
      a.replayOf ? `replay of ${a.replayOf}` : undefined,
      `${state}, ${a.events} events${a.verdict ? `, replay ${a.verdict}` : ''}`,
      a.lastError ? (failed ? a.lastError : `ended with: ${a.lastError}`) : undefined,
    ]
      .filter((line): line is string => Boolean(line))
      .map(escapeControlChars)
      .join('\n'),
    icon: live
      ? a.status === 'idle'
        ? 'debug-pause'
        : a.status === 'paused'
          ? 'warning'
          : 'loading~spin'
      : failed
        ? 'error'
        : a.verdict && a.verdict !== 'replayed'
          ? 'warning'
          : 'circle-slash',
    alarming: failed || a.status === 'paused',
    live,
    contextValue: a.status === 'paused' ? 'theaterActorPaused' : live ? 'theaterActorRunning' : 'theaterActorDone',
  };
}

/** One Output line: `2026-12-03 13:47:31.042 [name] text`, in UTC so runs on different machines line up. */
export function outputLine(at: Date, text: string): string {
  return `${at.toISOString().replace('T', ' ').replace('Z', '')} ${text}`;
}
