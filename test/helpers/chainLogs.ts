// Large chain logs generated at run time with the recorder's own encoder (EventEncoder, one line per
// event written by ChainLogWriter.appendLine), so a test holds one event at a time however long the
// chain is.
import * as fs from 'node:fs';
import type { ChainEvent, ChainLogHeader } from '../../src/runtime/chain/event';
import { EventEncoder, HostCallTemplate } from '../../src/runtime/chain/eventEncoder';
import { ChainLogWriter } from '../../src/runtime/chain/log';
import { wasmCall } from '../../src/runtime/chain/payload';
import { TheaterJsonWriter } from '../../src/runtime/chain/theaterJson';

export const RANDOM = 'wasi:random/random@0.2.3';
export const U64_TYPE = `${RANDOM}/get-random-u64`;

const header: ChainLogHeader = {
  format: 'theater-vscode-chain',
  version: 1,
  actorId: 'generated',
  actorName: 'generated',
  manifestPath: null,
  componentSha256: null,
  startedAt: '2026-01-01T00:00:00.000Z',
};

/** The u64 event `i` of a generated chain returns (exact beyond 2^53). */
export function u64At(i: number): bigint {
  return (BigInt(i) * 11400714819323198485n) % 2n ** 64n;
}

/** One chain being written: init's WasmCall, then get-random-u64 calls. */
class GeneratedChain {
  private readonly enc = new EventEncoder(null);
  private readonly u64 = new HostCallTemplate(RANDOM, 'get-random-u64');
  private readonly log: ChainLogWriter;
  private readonly json?: { fd: number; w: TheaterJsonWriter };
  count = 0;

  constructor(file: string, jsonFile?: string) {
    this.log = ChainLogWriter.create(file, header);
    if (jsonFile) {
      const fd = fs.openSync(jsonFile, 'w');
      this.json = { fd, w: TheaterJsonWriter.toFd(fd) };
    }
  }

  /** Appends event `count`: init's call first, then a call returning `value`. */
  add(value: bigint): void {
    const i = this.count;
    const parent = this.enc.parentHash;
    if (i === 0) this.enc.encode('wasm', wasmCall('theater:simple/actor.init', 'null'), 0);
    else this.enc.encodeHostCall(this.u64, i, '{"Tuple":[]}', `{"U64":${value}}`);
    const hash = this.enc.hash();
    this.log.appendLine(this.enc.line, this.enc.lineStart, this.enc.lineLength, i);
    if (this.json) {
      const ev: ChainEvent = { hash, parentHash: parent, eventType: i === 0 ? 'wasm' : U64_TYPE, data: this.enc.data() };
      this.json.w.add(ev);
    }
    this.enc.advance();
    this.count++;
  }

  close(): void {
    this.log.close();
    if (this.json) {
      this.json.w.end();
      fs.closeSync(this.json.fd);
    }
  }
}

export interface LogPair {
  a: string;
  b: string;
  /** Chain a as Theater's chain.json too, when asked for. */
  aJson?: string;
}

/**
 * Writes chain a of `n` events and chain b, the same up to event `diverge` (whose u64 is one more),
 * then the same values (so different hashes: every later event differs) and `extraB` events more.
 * `diverge` ≥ n: b is a's copy (plus `extraB`).
 */
export function writeLogPair(dir: string, n: number, diverge: number, extraB = 0, withJson = false): LogPair {
  const pair: LogPair = { a: `${dir}/a-${n}.chain.jsonl`, b: `${dir}/b-${n}.chain.jsonl` };
  if (withJson) pair.aJson = `${dir}/a-${n}.chain.json`;
  const a = new GeneratedChain(pair.a, pair.aJson);
  const b = new GeneratedChain(pair.b);
  for (let i = 0; i < n + extraB; i++) {
    const v = u64At(i);
    if (i < n) a.add(v);
    b.add(i === diverge ? (v + 1n) % 2n ** 64n : v);
  }
  a.close();
  b.close();
  return pair;
}
