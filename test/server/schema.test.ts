// The JSON Schema of manifest.toml (for Even Better TOML) is generated from the registry; the
// committed copy must match it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { listHandlers } from '../../src/runtime/handlers/registry';
import { manifestJsonSchema } from '../../src/runtime/handlers/schema';
import { TOP_LEVEL_KEYS } from '../../src/runtime/manifest/keys';
import { projectRoot } from '../helpers/shared';

type Schema = Record<string, any>;

test('the committed media/manifest.schema.json equals the generated schema', () => {
  const committed = JSON.parse(fs.readFileSync(path.join(projectRoot, 'media', 'manifest.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(
    committed,
    JSON.parse(JSON.stringify(manifestJsonSchema())),
    'run `npm run schema` and commit media/manifest.schema.json',
  );
});

test('draft-07; top-level keys documented, unknown ones allowed; each handler type with its config keys', () => {
  const s = manifestJsonSchema() as Schema;
  assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(s.additionalProperties, true, 'Theater ignores unknown top-level keys');
  for (const k of TOP_LEVEL_KEYS) assert.equal(s.properties[k.key].description, k.doc, k.key);
  assert.deepEqual(
    [s.properties.max_memory_mib.type, s.properties.max_memory_mib.minimum, s.properties.max_memory_mib.maximum],
    ['integer', 1, 4096],
  );
  const items = s.properties.handler.items as Schema;
  assert.deepEqual(
    items.properties.type.enum,
    listHandlers().map((h) => h.type),
  );
  for (const h of listHandlers()) {
    const branch = (items.allOf as Schema[]).find((b) => b.if.properties.type.const === h.type)!;
    assert.ok(branch, h.type);
    for (const c of h.config) {
      const p = branch.then.properties[c.name];
      assert.ok(p.description.startsWith(c.doc), `${h.type}.${c.name}`);
      assert.equal(p.type, c.type === 'string-array' ? 'array' : c.type);
      if (c.default !== undefined && typeof c.default !== 'bigint') assert.deepEqual(p.default, c.default);
    }
  }
  const random = (items.allOf as Schema[]).find((b) => b.if.properties.type.const === 'random')!.then.properties;
  assert.equal(random.max_int.default, undefined, 'a u64 default beyond 2^53 is not rounded into a JSON number');
  assert.match(random.max_int.description, /Default: 9223372036854775807\./);
});
