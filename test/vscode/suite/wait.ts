// Waits for the host tests: on events, each with a deadline well inside mocha's 120 s, and a failure
// that says what was waited for and what was seen instead (never a bare mocha timeout).
import type { EventEmitter } from 'events';

export interface Subscription {
  dispose(): void;
}
/** Calls `cb` whenever something that may change the condition happens. */
export type Trigger = (cb: () => void) => Subscription;

export const DEFAULT_WAIT_MS = 60_000;

/** A Node emitter's events as a trigger (an ActorSession's 'status', 'event', 'state', 'exit'). */
export function onEmitter(em: EventEmitter, ...names: string[]): Trigger {
  return (cb) => {
    for (const n of names) em.on(n, cb);
    return { dispose: () => names.forEach((n) => em.off(n, cb)) };
  };
}

/** A vscode.Event as a trigger. */
export function onEvent<T>(event: (listener: (e: T) => unknown) => Subscription): Trigger {
  return (cb) => event(() => cb());
}

/**
 * Resolves with the first truthy value of `check`, tried now and after every trigger; rejects when
 * `check` throws (a state that can no longer lead there) or when `ms` pass first.
 */
export function waitUntil<T>(
  what: string,
  check: () => T | undefined | null | false,
  triggers: Trigger[],
  opts: { ms?: number; seen?: () => string } = {},
): Promise<T> {
  const ms = opts.ms ?? DEFAULT_WAIT_MS;
  return new Promise<T>((resolve, reject) => {
    const subs: Subscription[] = [];
    let done = false;
    const end = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const s of subs) s.dispose();
      f();
    };
    const test = () => {
      if (done) return;
      try {
        const v = check();
        if (v) end(() => resolve(v));
      } catch (e) {
        end(() => reject(new Error(`while waiting for ${what}: ${(e as Error).message}`)));
      }
    };
    const timer: NodeJS.Timeout = setTimeout(
      () => end(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}${opts.seen ? `; seen: ${opts.seen()}` : ''}`))),
      ms,
    );
    for (const t of triggers) subs.push(t(test));
    test();
  });
}

/** `p`, or a rejection naming `what` when it takes longer than `ms`. */
export function within<T>(what: string, p: Thenable<T>, ms = DEFAULT_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
