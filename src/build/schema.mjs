// Writes media/manifest.schema.json from the registry (run after `npm run compile`).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { manifestJsonSchema } = require(path.join(root, 'out', 'src', 'runtime', 'handlers', 'schema.js'));
writeFileSync(path.join(root, 'media', 'manifest.schema.json'), JSON.stringify(manifestJsonSchema(), null, 2) + '\n');
console.log('wrote media/manifest.schema.json');
