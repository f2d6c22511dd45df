// Clocks: wasi:clocks/wall-clock and monotonic-clock @0.2.3 (timers are wasi:io/poll pollables, served
// by the always-available wasi-io handler) and theater:simple/timing (milliseconds) with Theater's
// min/max sleep limits.
import { t } from '../wit/types';
import { monotonicNow, type Pollable } from './poll';
import type { HandlerDefinition } from './types';

const datetime = t.record('datetime', [
  ['seconds', t.u64],
  ['nanoseconds', t.u32],
]);
const pollableOwn = t.own('pollable');

export const timingHandler: HandlerDefinition = {
  type: 'timing',
  summary: 'Clocks and timers: wasi:clocks wall-clock and monotonic-clock @0.2.3, theater:simple/timing.',
  doc:
    "Serves wall-clock and monotonic time, pollables that become ready at an instant, and Theater's " +
    '`theater:simple/timing` (now/sleep/deadline in milliseconds). Every reading is recorded, so a replay ' +
    'sees the same times.',
  exports: [],
  config: [
    {
      name: 'max_sleep_duration',
      type: 'integer',
      doc: 'Longest sleep (ms) theater:simple/timing allows; longer requests return an error.',
      default: 3600000,
      minimum: 0,
    },
    {
      name: 'min_sleep_duration',
      type: 'integer',
      doc: 'Shortest sleep (ms) theater:simple/timing allows; shorter requests return an error.',
      default: 1,
      minimum: 0,
    },
  ],
  interfaces: [
    {
      name: 'wasi:clocks/wall-clock',
      version: '0.2.3',
      resources: [],
      doc: 'Wall-clock time (not monotonic).',
      functions: [
        { name: 'now', params: [], result: datetime, doc: 'Seconds and nanoseconds since the UNIX epoch.' },
        { name: 'resolution', params: [], result: datetime, doc: 'Resolution of the wall clock.' },
      ],
    },
    {
      name: 'wasi:clocks/monotonic-clock',
      version: '0.2.3',
      resources: [],
      uses: ['wasi:io/poll'],
      doc: 'Monotonic time in nanoseconds and timers as pollables.',
      functions: [
        { name: 'now', params: [], result: t.u64, doc: 'Current monotonic instant (ns).' },
        { name: 'resolution', params: [], result: t.u64, doc: 'Resolution of the monotonic clock (ns).' },
        { name: 'subscribe-instant', params: [['when', t.u64]], result: pollableOwn, doc: 'A pollable ready at the instant `when`.' },
        { name: 'subscribe-duration', params: [['when', t.u64]], result: pollableOwn, doc: 'A pollable ready after `when` ns.' },
      ],
    },
    {
      name: 'theater:simple/timing',
      version: null,
      resources: [],
      doc: "Theater's own timing interface, in milliseconds.",
      functions: [
        { name: 'now', params: [], result: t.u64, doc: 'Milliseconds since the UNIX epoch.' },
        {
          name: 'sleep',
          params: [['duration', t.u64]],
          result: t.result(null, t.string),
          doc: 'Sleeps `duration` ms, within the configured limits.',
        },
        {
          name: 'deadline',
          params: [['timestamp', t.u64]],
          result: t.result(null, t.string),
          doc: 'Sleeps until the UNIX time `timestamp` (ms).',
        },
      ],
    },
  ],
  create(ctx, config) {
    const maxSleep = Number(config.max_sleep_duration);
    const minSleep = Number(config.min_sleep_duration);
    const sleep = (ms: number) => {
      if (ms > maxSleep) return { tag: 'err', val: `sleep of ${ms} ms exceeds the timing handler's max_sleep_duration (${maxSleep} ms)` };
      if (ms < minSleep) return { tag: 'err', val: `sleep of ${ms} ms is below the timing handler's min_sleep_duration (${minSleep} ms)` };
      ctx.blockFor(ms);
      return { tag: 'ok', val: undefined };
    };
    const fns: Record<string, Record<string, (...a: any[]) => unknown>> = {
      'wasi:clocks/wall-clock': {
        now: () => wallNow(),
        resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
      },
      'wasi:clocks/monotonic-clock': {
        now: monotonicNow,
        resolution: () => 1n,
        'subscribe-instant': (when: bigint): Pollable => ({ deadline: BigInt(when) }),
        'subscribe-duration': (when: bigint): Pollable => ({ deadline: monotonicNow() + BigInt(when) }),
      },
      'theater:simple/timing': {
        now: () => BigInt(Date.now()),
        sleep: (duration: bigint) => sleep(Number(duration)),
        deadline: (timestamp: bigint) => sleep(Math.max(0, Number(timestamp) - Date.now())),
      },
    };
    return { functions: (name) => fns[name] ?? {} };
  },
};

function wallNow(): { seconds: bigint; nanoseconds: number } {
  const ns = BigInt(Date.now()) * 1_000_000n;
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}
