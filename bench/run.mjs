// `npm run bench`: performance goals as ratios and rates measured in one run on this machine.
// Prints a table and writes bench/results.json. Each section is a separate module under bench/.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const sections = [
  'runtime',
  'actors',
  'replay',
  'timetravel',
  'lsp',
  'explorer',
  'chaindiff',
  'debug',
  'toolchains',
  'http',
  'memory',
].filter((s) => only.length === 0 || only.includes(s));

const rows = [];
const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, memGiB: Math.round(os.totalmem() / 2 ** 30) },
  date: new Date().toISOString(),
  results: {},
};
for (const s of sections) {
  let mod;
  try {
    mod = await import(`./${s}.mjs`);
  } catch (e) {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`${s}.mjs`)) continue;
    throw e;
  }
  process.stderr.write(`bench: ${s}…\n`);
  const out = await mod.run();
  results.results[s] = out;
  for (const r of out) rows.push({ section: s, ...r });
}

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v ?? ''));
const head = ['section', 'metric', 'value', 'unit', 'goal', 'met', 'note'];
const table = [
  head,
  ...rows.map((r) => [
    r.section,
    r.metric,
    fmt(r.value),
    r.unit,
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    r.note ?? '',
  ]),
];
const widths = head.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const row of table) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '));
const file = join(here, 'results.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
console.log(`\nwrote ${file}`);
