// `theater chain verify|show|diff|export`.
import { exportChainFile, forEachChainEvent, verifyChainFile } from '../runtime/chain/chainFile';
import { diffChainStreams } from '../runtime/chain/diff';
import { withChainStreams, writeUnifiedListing } from '../runtime/chain/listing';
import { shortHash, toHex } from '../runtime/chain/hash';
import { stringifyLossless } from '../runtime/chain/json';
import { escapeControlChars } from '../runtime/text/escape';
import { UsageError, numberOption, requirePositional, type ParsedArgs } from './args';
import { cleanChains, DEFAULT_RETENTION } from '../runtime/chain/retention';
import { eventJson, eventLine } from './run';

export function runChainCommand(rest: string[], args: ParsedArgs): number {
  const [sub, ...files] = rest;
  const json = args.flags.has('json');
  switch (sub) {
    case 'clean': {
      // Old run logs of one .theater/chains folder: the newest are kept by count and total size.
      const dir = requirePositional(files, 'a .theater/chains folder', 'chain clean');
      const keep = numberOption(args, 'keep') ?? DEFAULT_RETENTION.keep;
      const maxMb = numberOption(args, 'max-mb');
      const r = cleanChains(dir, { keep, maxBytes: maxMb !== undefined ? maxMb * 2 ** 20 : DEFAULT_RETENTION.maxBytes });
      if (json) process.stdout.write(JSON.stringify({ removed: r.removed, kept: r.kept, kept_bytes: r.keptBytes }) + '\n');
      else
        process.stdout.write(
          `${dir}: removed ${r.removed.length} old chain logs, kept ${r.kept} (${(r.keptBytes / 2 ** 20).toFixed(1)} MiB)\n`,
        );
      return 0;
    }
    case 'verify': {
      const file = requirePositional(files, 'a chain file', 'chain verify');
      // One pass over a file of any size. Intact means exactly what was written: a broken line fails
      // the check (only a torn last line is set aside).
      const { result, summary, head } = verifyChainFile(file);
      for (const p of summary.problems) process.stderr.write(`warning: ${escapeControlChars(p)}\n`);
      if (json) {
        process.stdout.write(stringifyLossless({ ok: result.ok, events: summary.count, first_bad: result.firstBad ?? null }) + '\n');
      } else if (result.ok) {
        process.stdout.write(`${file}: intact, ${summary.count} events${head ? `, head ${shortHash(head)}` : ''}\n`);
      } else {
        process.stdout.write(`${escapeControlChars(result.firstBad!.message)}\n`);
      }
      return result.ok ? 0 : 1;
    }
    case 'show': {
      const file = requirePositional(files, 'a chain file', 'chain show');
      const out = new LineOutput();
      forEachChainEvent(file, (ev, i) => out.line(json ? eventJson(ev, i) : eventLine(ev, i)));
      out.flush();
      return 0;
    }
    case 'diff': {
      if (files.length < 2) throw new UsageError('`theater chain diff` needs two chain files');
      if (args.flags.has('listing')) {
        // The aligned, decoded listing VS Code's diff editor shows, as a unified diff from the first
        // difference, written out as it is made: both chains are read as streams.
        const out = new LineOutput();
        try {
          const s = withChainStreams(files[0]!, files[1]!, (nextA, nextB) =>
            writeUnifiedListing(nextA, nextB, files[0]!, files[1]!, (line) => out.line(line)),
          );
          return s.firstDifference === undefined ? 0 : 1;
        } finally {
          // Everything made before an error in a file is printed, then its sentence.
          out.flush();
        }
      }
      const diff = withChainStreams(files[0]!, files[1]!, (nextA, nextB) => diffChainStreams(nextA, nextB));
      if (json) {
        process.stdout.write(
          stringifyLossless({
            identical: diff.identical,
            first_divergence: diff.firstDivergence ? { index: diff.firstDivergence.index, reason: diff.firstDivergence.reason } : null,
            aligned: diff.aligned,
          }) + '\n',
        );
      } else if (diff.identical) {
        process.stdout.write(`identical: ${diff.lengthA} events, same hashes\n`);
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
      const { count, head } = exportChainFile(file, out);
      process.stdout.write(`wrote ${count} events to ${escapeControlChars(out)}${head ? ` (head ${toHex(head).slice(0, 7)})` : ''}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown chain command '${sub ?? ''}'; use verify, show, diff or export`);
  }
}

/** Lines to stdout in batches (synchronous for files and pipes on POSIX): output of any length in bounded memory. */
class LineOutput {
  private pending: string[] = [];
  private chars = 0;

  line(text: string): void {
    this.pending.push(text);
    this.chars += text.length + 1;
    if (this.chars >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.pending.length) process.stdout.write(this.pending.join('\n') + '\n');
    this.pending = [];
    this.chars = 0;
  }
}
