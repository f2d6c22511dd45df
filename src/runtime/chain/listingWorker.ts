// Renders the aligned listing of two chain files off the caller's thread (the extension host never
// loads and decodes whole chains itself): receives { a, b } paths, posts the texts and the first
// difference. Both files are read as streams and the texts are capped (listingTexts), so two chains
// of any length take bounded memory here and in the documents the extension keeps.
import { parentPort, workerData } from 'node:worker_threads';
import { listChainFiles } from './listing';

const { a, b } = workerData as { a: string; b: string };
try {
  const listing = listChainFiles(a, b);
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
