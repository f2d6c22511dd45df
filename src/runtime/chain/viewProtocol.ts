// Messages between a ChainFileView (the caller's thread) and its worker (chainViewWorker.ts).
import type { DecodedEvent } from './decode';
import type { ChainEvent, ChainLogHeader } from './event';
import type { ChainFormat } from './chainFile';

export type ViewIntegrity = { state: 'intact'; checked: number } | { state: 'broken'; index: number; reason: string };

export interface ViewFilter {
  type?: string;
  text?: string;
}

export type ViewRequest =
  | { op: 'rows'; id: number; indexes: number[] }
  | { op: 'filter'; id: number; filter: ViewFilter }
  | { op: 'export'; id: number; out: string };

export interface ViewRow {
  index: number;
  event: ChainEvent;
  decoded: DecodedEvent;
}

export interface ViewProgress {
  kind: 'progress';
  format: ChainFormat;
  header?: ChainLogHeader;
  /** Events found so far. */
  count: number;
  /** The whole file was read. */
  done: boolean;
  integrity: ViewIntegrity;
  /** The first page of rows, sent unasked with the report that first has them (saves a round trip). */
  firstRows?: ViewRow[];
  /** Set when done: lines set aside or not usable (our log). */
  problems?: string[];
}

export type ViewReply =
  | ViewProgress
  | { kind: 'fatal'; error: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };
