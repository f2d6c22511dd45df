// `theater chain verify|show|diff|export`.
import * as fs from 'node:fs';
import { diffChains } from '../runtime/chain/diff';
import { shortHash, toHex } from '../runtime/chain/hash';
import { stringifyLossless } from '../runtime/chain/json';
import { writeTheaterChainJson } from '../runtime/chain/theaterJson';
import { loadChainFile } from '../runtime/chain/chainFile';
import { verifyLoadedChain } from '../runtime/chain/verify';
import { escapeControlChars } from '../runtime/text/escape';
import { UsageError, requirePositional, type ParsedArgs } from './args';
import { eventJson, eventLine } from './run';

export function runChainCommand(rest: string[], args: ParsedArgs): number {
  const [sub, ...files] = rest;
  const json = args.flags.has('json');
  switch (sub) {
    case 'verify': {
      const file = requirePositional(files, 'a chain file', 'chain verify');
      const loaded = loadChainFile(file);
      for (const p of loaded.problems) process.stderr.write(`warning: ${escapeControlChars(p)}\n`);
      // Intact means exactly what was written: a broken line fails the check (only a torn last line is set aside).
      const result = verifyLoadedChain(loaded);
      if (json) {
        process.stdout.write(stringifyLossless({ ok: result.ok, events: loaded.events.length, first_bad: result.firstBad ?? null }) + '\n');
      } else if (result.ok) {
        process.stdout.write(
          `${file}: intact, ${loaded.events.length} events${loaded.events.length ? `, head ${shortHash(loaded.events[loaded.events.length - 1]!.hash)}` : ''}\n`,
        );
      } else {
        process.stdout.write(`${escapeControlChars(result.firstBad!.message)}\n`);
      }
      return result.ok ? 0 : 1;
    }
    case 'show': {
      const file = requirePositional(files, 'a chain file', 'chain show');
      const { events } = loadChainFile(file);
      const out: string[] = events.map((ev, i) => (json ? eventJson(ev, i) : eventLine(ev, i)));
      process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
      return 0;
    }
    case 'diff': {
      if (files.length < 2) throw new UsageError('`theater chain diff` needs two chain files');
      const a = loadChainFile(files[0]!).events;
      const b = loadChainFile(files[1]!).events;
      const diff = diffChains(a, b);
      if (json) {
        process.stdout.write(
          stringifyLossless({
            identical: diff.identical,
            first_divergence: diff.firstDivergence ? { index: diff.firstDivergence.index, reason: diff.firstDivergence.reason } : null,
            aligned: diff.aligned,
          }) + '\n',
        );
      } else if (diff.identical) {
        process.stdout.write(`identical: ${a.length} events, same hashes\n`);
      } else {
        const d = diff.firstDivergence!;
        process.stdout.write(`first divergence at event ${d.index} (${d.reason})\n`);
        for (const r of diff.aligned) {
          const mark = r.same ? ' ' : '✗';
          process.stdout.write(
            `${mark} ${String(r.index).padStart(4)}  ${(r.hashA ?? '-').slice(0, 7).padEnd(7)} ${escapeControlChars(r.typeA ?? '-').padEnd(40)} | ${(r.hashB ?? '-').slice(0, 7).padEnd(7)} ${escapeControlChars(r.typeB ?? '-')}\n`,
          );
        }
      }
      return diff.identical ? 0 : 1;
    }
    case 'export': {
      const file = requirePositional(files, 'a chain file', 'chain export');
      const out = args.options.get('out');
      if (!out) throw new UsageError('`theater chain export` needs --out FILE');
      const { events } = loadChainFile(file);
      fs.writeFileSync(out, writeTheaterChainJson(events));
      process.stdout.write(
        `wrote ${events.length} events to ${escapeControlChars(out)}${events.length ? ` (head ${toHex(events[events.length - 1]!.hash).slice(0, 7)})` : ''}\n`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown chain command '${sub ?? ''}'; use verify, show, diff or export`);
  }
}
