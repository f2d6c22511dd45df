// The worker behind a ChainFileView: reads, verifies and indexes a chain file of any size off the
// caller's thread, in slices so row requests are answered while it reads; rows are re-read from the
// file by offset on demand, so memory holds an offset and a type id per event, not the events.
import { parentPort, workerData } from 'node:worker_threads';
import { ChainFileReader, exportChainFile, type ChainFormat } from './chainFile';
import { decodeEvent } from './decode';
import type { ChainEvent, ChainLogHeader } from './event';
import { ChainVerifier, withBrokenLine } from './verify';
import type { ViewFilter, ViewIntegrity, ViewProgress, ViewReply, ViewRequest, ViewRow } from './viewProtocol';

const SLICE_MS = 15;
const PROGRESS_MS = 100;
/** Progress goes out at once when this many events are known (the first page is ready). */
const FIRST_PAGE = 500;

const { file, exportTo } = workerData as { file: string; exportTo?: string };
const port = parentPort!;
const post = (m: ViewReply) => port.postMessage(m);

if (exportTo !== undefined) {
  // A one-off export (exportChainInWorker): no index, no verification.
  try {
    post({ kind: 'reply', id: 0, ok: true, value: exportChainFile(file, exportTo) });
  } catch (e) {
    post({ kind: 'reply', id: 0, ok: false, error: (e as Error).message });
  }
}

let reader!: ChainFileReader;
let format: ChainFormat = 'jsonl';
let header: ChainLogHeader | undefined;
let offsets = new Float64Array(1024);
let typeIds = new Uint32Array(1024);
const typeNames: string[] = [];
const typeIndex = new Map<string, number>();
let count = 0;
let done = false;
let problems: string[] | undefined;
const verifier = new ChainVerifier();
let integrity: ViewIntegrity = { state: 'intact', checked: 0 };
let lastProgress = 0;
let firstPageSent = false;
const waiting: ViewRequest[] = [];

function progress(): void {
  lastProgress = performance.now();
  const p: ViewProgress = {
    kind: 'progress',
    format,
    count,
    done,
    integrity,
    ...(header ? { header } : {}),
    ...(problems ? { problems } : {}),
  };
  if (!firstPageSent && (count >= FIRST_PAGE || done)) {
    firstPageSent = true;
    p.firstRows = rows(Array.from({ length: Math.min(count, FIRST_PAGE) }, (_, i) => i));
  }
  post(p);
}

function grow(): void {
  const o = new Float64Array(offsets.length * 2);
  o.set(offsets);
  offsets = o;
  const t = new Uint32Array(typeIds.length * 2);
  t.set(typeIds);
  typeIds = t;
}

function typeId(name: string): number {
  let id = typeIndex.get(name);
  if (id === undefined) {
    id = typeNames.push(name) - 1;
    typeIndex.set(name, id);
  }
  return id;
}

function updateIntegrity(): void {
  const r = verifier.result();
  integrity = r.ok
    ? { state: 'intact', checked: r.checked }
    : { state: 'broken', index: r.firstBad!.index, reason: r.firstBad!.message.replace(/^event \d+: /, '') };
}

function slice(): void {
  const until = performance.now() + SLICE_MS;
  try {
    while (performance.now() < until) {
      // A batch between clock reads: reading the clock per event would cost more than the event.
      for (let k = 0; k < 64; k++) {
        const ev = reader.next();
        if (!ev) {
          finish();
          return;
        }
        if (count === offsets.length) grow();
        offsets[count] = reader.lastRange.start;
        typeIds[count] = typeId(ev.eventType);
        verifier.add(ev);
        count++;
      }
    }
  } catch (e) {
    reader.close();
    post({ kind: 'fatal', error: (e as Error).message });
    port.close();
    return;
  }
  updateIntegrity();
  if ((!firstPageSent && count >= FIRST_PAGE) || performance.now() - lastProgress >= PROGRESS_MS) progress();
  serveWaiting();
  setImmediate(slice);
}

function finish(): void {
  const s = reader.summary();
  reader.close();
  done = true;
  const r = withBrokenLine(verifier.result(), s.broken);
  integrity = r.ok
    ? { state: 'intact', checked: r.checked }
    : { state: 'broken', index: r.firstBad!.index, reason: r.firstBad!.message.replace(/^event \d+: /, '') };
  problems = s.problems;
  progress();
  serveWaiting();
}

/** Events [from, to) read from the file by offset. */
function readRun(from: number, to: number, out: ViewRow[]): void {
  const r = ChainFileReader.openAt(file, format, offsets[from]!, from);
  try {
    for (let i = from; i < to; i++) {
      const ev: ChainEvent | undefined = r.next();
      if (!ev) break;
      out.push({ index: i, event: ev, decoded: decodeEvent(ev, { ours: format === 'jsonl' }) });
    }
  } finally {
    r.close();
  }
}

function rows(indexes: number[]): ViewRow[] {
  const sorted = indexes.filter((i) => i >= 0 && i < count).sort((a, b) => a - b);
  const out: ViewRow[] = [];
  for (let k = 0; k < sorted.length;) {
    let end = k + 1;
    while (end < sorted.length && sorted[end] === sorted[end - 1]! + 1) end++;
    readRun(sorted[k]!, sorted[end - 1]! + 1, out);
    k = end;
  }
  return out;
}

/** Indexes of the events that pass the filter (a text filter decodes every event once). */
function filter(f: ViewFilter): Int32Array {
  const type = f.type?.toLowerCase();
  const text = f.text?.toLowerCase();
  const typeOk = typeNames.map((n) => !type || n.toLowerCase().includes(type));
  const out: number[] = [];
  if (!text) {
    for (let i = 0; i < count; i++) if (typeOk[typeIds[i]!]) out.push(i);
    return Int32Array.from(out);
  }
  const r = ChainFileReader.openAt(file, format, offsets[0] ?? 0, 0);
  try {
    for (let i = 0; i < count; i++) {
      const ev = r.next();
      if (!ev) break;
      if (!typeOk[typeIds[i]!]) continue;
      if (`${ev.eventType} ${decodeEvent(ev, { ours: format === 'jsonl' }).summary}`.toLowerCase().includes(text)) out.push(i);
    }
  } finally {
    r.close();
  }
  return Int32Array.from(out);
}

function answer(req: ViewRequest): void {
  try {
    let value: unknown;
    if (req.op === 'rows') value = rows(req.indexes);
    else if (req.op === 'filter') value = filter(req.filter);
    else value = exportChainFile(file, req.out);
    port.postMessage({ kind: 'reply', id: req.id, ok: true, value } satisfies ViewReply);
  } catch (e) {
    post({ kind: 'reply', id: req.id, ok: false, error: (e as Error).message });
  }
}

/** Whether a request can be answered with what was read so far. */
function ready(req: ViewRequest): boolean {
  if (done) return true;
  if (req.op === 'rows') return req.indexes.every((i) => i < count);
  // Export reads the file on its own; a filter needs every event's type.
  return req.op === 'export';
}

function serveWaiting(): void {
  for (let k = 0; k < waiting.length;) {
    if (ready(waiting[k]!)) answer(waiting.splice(k, 1)[0]!);
    else k++;
  }
}

if (exportTo === undefined) {
  try {
    reader = ChainFileReader.open(file);
    format = reader.format;
    header = reader.header;
    port.on('message', (req: ViewRequest) => {
      if (ready(req)) answer(req);
      else waiting.push(req);
    });
    slice();
  } catch (e) {
    // The port closes with this thread: the view reports the sentence.
    post({ kind: 'fatal', error: (e as Error).message });
  }
}
