// One chain-diff measurement, run in a fresh worker so no run inherits another's heap or JIT state:
// the CPU time of this thread and its peak heap, minus the heap it started with. heapUsed is sampled
// every 10,000 events of chain a: with `live` after a full collection (the live heap, what the diff
// keeps; slower, so that run's CPU time is not reported), otherwise as it is (garbage included: what
// the thread really uses).
import { createRequire } from 'node:module';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';

const { root, mode, a, b, live } = workerData;
const require = createRequire(join(root, 'package.json'));
const out = (p) => require(join(root, 'out', 'src', p));
const { threadCpuMs } = out('runtime/host/threadCpu.js');
const { diffChainStreams } = out('runtime/chain/diff.js');
const { alignedListing, listingTexts, unifiedListing, withChainStreams, writeUnifiedListing } = out('runtime/chain/listing.js');
const { loadChainFile } = out('runtime/chain/chainFile.js');

let gc = () => {};
if (live) {
  v8.setFlagsFromString('--expose-gc');
  gc = vm.runInNewContext('gc');
}
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const base = heap();
let peak = base;
const sample = () => {
  peak = Math.max(peak, heap());
};

/** Lines to /dev/null in 64 KiB batches, as the CLI writes to stdout. */
function devNull() {
  const fd = openSync('/dev/null', 'w');
  let pending = [];
  let chars = 0;
  let bytes = 0;
  const flush = () => {
    if (pending.length) bytes += writeSync(fd, pending.join('\n') + '\n');
    pending = [];
    chars = 0;
  };
  return {
    line: (l) => {
      pending.push(l);
      chars += l.length + 1;
      if (chars >= 1 << 16) flush();
    },
    end: () => {
      flush();
      closeSync(fd);
      return bytes;
    },
  };
}

const c0 = threadCpuMs();
let result;
if (mode === 'before-listing' || mode === 'before-texts') {
  // Before: both chains loaded whole, the whole listing built, then printed or posted.
  const ea = loadChainFile(a).events;
  sample();
  const eb = loadChainFile(b).events;
  sample();
  const l = alignedListing(ea, eb);
  sample();
  if (mode === 'before-listing') {
    const o = devNull();
    o.line(unifiedListing(l, a, b));
    sample();
    result = { firstDifference: l.firstDifference, output: o.end() };
  } else result = { firstDifference: l.firstDifference, output: l.textA.length + l.textB.length };
} else {
  result = withChainStreams(a, b, (nextA, nextB) => {
    let n = 0;
    const next = () => {
      if (++n % 10_000 === 0) sample();
      return nextA();
    };
    if (mode === 'diff') {
      const d = diffChainStreams(next, nextB);
      return { firstDifference: d.firstDivergence?.index, output: 0 };
    }
    if (mode === 'listing') {
      const o = devNull();
      const s = writeUnifiedListing(next, nextB, a, b, o.line);
      return { firstDifference: s.firstDifference, output: o.end() };
    }
    const t = listingTexts(next, nextB);
    return { firstDifference: t.firstDifference, output: t.textA.length + t.textB.length };
  });
}
const cpu = threadCpuMs() - c0;
sample();
parentPort.postMessage({ cpu, peakMiB: (peak - base) / 2 ** 20, ...result });
