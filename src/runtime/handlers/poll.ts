// wasi:io/poll: one pollable type for every source. A pollable becomes ready at a monotonic instant
// (ns); clocks create them with a deadline, streams with 0 (this runtime's streams never block).
import { t } from '../wit/types';
import type { HandlerContext, InterfaceSpec } from './types';

export interface Pollable {
  /** Monotonic instant (process.hrtime.bigint()) from which the pollable is ready. */
  deadline: bigint;
}

export const monotonicNow = (): bigint => process.hrtime.bigint();

/** A pollable that is ready at once (streams: every read and write completes without waiting). */
export const readyPollable = (): Pollable => ({ deadline: 0n });

const pollableBorrow = t.borrow('pollable');

export const pollInterface: InterfaceSpec = {
  name: 'wasi:io/poll',
  version: '0.2.3',
  resources: ['pollable'],
  doc: 'Waiting for readiness of pollables (timers from wasi:clocks, streams).',
  functions: [
    {
      name: '[method]pollable.ready',
      params: [['self', pollableBorrow]],
      result: t.bool,
      doc: 'Whether the pollable is ready (never blocks).',
    },
    { name: '[method]pollable.block', params: [['self', pollableBorrow]], result: null, doc: 'Blocks until the pollable is ready.' },
    {
      name: 'poll',
      params: [['in', t.list(pollableBorrow)]],
      result: t.list(t.u32),
      doc: 'Blocks until at least one pollable is ready; returns the indices of the ready ones.',
    },
  ],
};

function waitUntil(ctx: HandlerContext, deadline: bigint): void {
  const ms = Number(deadline - monotonicNow()) / 1e6;
  if (ms > 0) ctx.blockFor(Math.ceil(ms));
}

export function pollFunctions(ctx: HandlerContext): Record<string, (...a: any[]) => unknown> {
  return {
    '[method]pollable.ready': (self: Pollable) => monotonicNow() >= self.deadline,
    '[method]pollable.block': (self: Pollable) => {
      waitUntil(ctx, self.deadline);
    },
    poll: (list: Pollable[]) => {
      if (list.length === 0) throw new Error('wasi:io/poll poll was called with an empty list, which would block forever');
      waitUntil(
        ctx,
        list.reduce((m, p) => (p.deadline < m ? p.deadline : m), list[0]!.deadline),
      );
      const now = monotonicNow();
      const ready: number[] = [];
      list.forEach((p, i) => {
        if (now >= p.deadline) ready.push(i);
      });
      return Uint32Array.from(ready);
    },
  };
}
