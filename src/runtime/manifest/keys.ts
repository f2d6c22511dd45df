// The top-level manifest keys (Theater c5fe764f, plus `package` from later Theater): the one table
// that hover, completion, the JSON Schema and the unknown-key check all read.

export interface TopLevelKey {
  key: string;
  type: 'string' | 'boolean' | 'integer' | 'table' | 'array-of-tables';
  required?: boolean;
  /** Bounds of an integer key (inclusive). */
  minimum?: number;
  maximum?: number;
  doc: string;
  /** Text inserted by completion after `key = `. */
  snippet?: string;
}

export const TOP_LEVEL_KEYS: readonly TopLevelKey[] = [
  {
    key: 'name',
    type: 'string',
    required: true,
    doc: "The actor's name (logs, the Actors view, chain file names).",
    snippet: '"${1:my-actor}"',
  },
  { key: 'version', type: 'string', required: true, doc: "The actor's version (free-form).", snippet: '"${1:0.1.0}"' },
  {
    key: 'component',
    type: 'string',
    required: true,
    doc: "Path of the WebAssembly component (.wasm), relative to this manifest. (Theater resolved it against its server's folder, which is why its manifests carry absolute paths.) `package` is the newer name for the same key.",
    snippet: '"./${1:actor}.wasm"',
  },
  {
    key: 'package',
    type: 'string',
    doc: 'The newer name of `component` (Theater after e78a3676): path of the .wasm, relative to this manifest.',
    snippet: '"./${1:actor}.wasm"',
  },
  { key: 'description', type: 'string', doc: 'A one-line description.', snippet: '"$1"' },
  { key: 'long_description', type: 'string', doc: 'A longer description.', snippet: '"$1"' },
  {
    key: 'save_chain',
    type: 'boolean',
    doc: 'Theater: write the chain to $THEATER_HOME on stop. Here every run is always recorded to `.theater/chains/` next to the manifest.',
    snippet: '${1|true,false|}',
  },
  {
    key: 'init_state',
    type: 'string',
    doc: 'Path of a JSON document (relative to this manifest) passed to `init` as the initial state, re-serialized compactly as Theater does.',
    snippet: '"./${1:state.json}"',
  },
  {
    key: 'max_memory_mib',
    type: 'integer',
    minimum: 1,
    maximum: 4096,
    doc: "Theater for VS Code: cap on the actor's WebAssembly linear memory, in MiB (default 256; a 32-bit memory holds at most 4096). A guest growing past it traps and its chain ends with the reason. `--max-memory` (CLI) and the `theater.maxMemoryMiB` setting, when set, take precedence. Theater ignores this key.",
    snippet: '${1:256}',
  },
  {
    key: 'permission_policy',
    type: 'table',
    doc: 'Theater\'s per-handler permission inheritance (`[permission_policy.<handler>] type = "inherit" | "disallow" | "restrict"`). Parsed by Theater but not enforced by its server at c5fe764f; accepted here, not enforced.',
  },
  {
    key: 'handler',
    type: 'array-of-tables',
    doc: 'A handler the actor gets: `[[handler]]` then `type = "…"` and the handler\'s config keys. Run `theater handlers` for the list.',
  },
];

export const TOP_LEVEL_KEY_NAMES: readonly string[] = TOP_LEVEL_KEYS.map((k) => k.key);
