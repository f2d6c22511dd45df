// Writes package.json's contributes.languageModelTools from the agent tools (src/runtime/agents/tools.ts),
// so the contribution never drifts from what the extension registers. Run after `tsc -b`.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { languageModelToolContributions } = require(path.join(root, 'out', 'src', 'runtime', 'agents', 'tools.js'));
const file = path.join(root, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.contributes.languageModelTools = languageModelToolContributions();
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`wrote ${pkg.contributes.languageModelTools.length} language-model tools into package.json`);
