// Renders the aligned listing of two chain files off the caller's thread (the extension host never
// loads and decodes whole chains itself): receives { a, b } paths, posts the texts and the first difference.
import { parentPort, workerData } from 'node:worker_threads';
import { alignedListing } from './listing';
import { loadChainFile } from './chainFile';

const { a, b } = workerData as { a: string; b: string };
try {
  const listing = alignedListing(loadChainFile(a).events, loadChainFile(b).events);
  parentPort!.postMessage({
    ok: true,
    textA: listing.textA,
    textB: listing.textB,
    firstDifference: listing.firstDifference ?? null,
    firstDifferenceLine: listing.firstDifferenceLine ?? null,
  });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
