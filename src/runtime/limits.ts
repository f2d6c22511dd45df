// Every cap on input size and parser depth, in one place (docs/limits.md lists them with the why).
// A value over a cap is refused with one sentence naming the cap; nothing grows without bound.

const MiB = 1024 * 1024;

/** Largest component (.wasm) read from a manifest's `component` or the CLI. */
export const COMPONENT_MAX_BYTES = 256 * MiB;
/** Largest `init_state` JSON document. */
export const INIT_STATE_MAX_BYTES = 16 * MiB;
/** Largest manifest.toml (real ones are well under 10 KiB). */
export const MANIFEST_MAX_BYTES = 1 * MiB;
/** Largest .wit file checked. */
export const WIT_MAX_BYTES = 1 * MiB;
/** Largest chain file read whole (replay, chain verify/show/diff/export). */
export const CHAIN_FILE_MAX_BYTES = 1024 * MiB;

/** Deepest nesting of arrays and inline tables in a manifest. */
export const TOML_MAX_DEPTH = 32;
/** Most keys (and table headers) in one manifest. */
export const TOML_MAX_KEYS = 10_000;
/** Deepest nesting in JSON read here (init_state, chain payloads): serde_json's own recursion limit. */
export const JSON_MAX_DEPTH = 128;
/** Deepest nesting of `package … { }` blocks in a .wit file. */
export const WIT_MAX_DEPTH = 32;
/** Most syntax problems reported for one .wit file (the rest add nothing a user can act on). */
export const WIT_MAX_PROBLEMS = 100;
/** Most diagnostics of one kind per manifest (unknown keys): further ones are summed up in one. */
export const MAX_REPEATED_DIAGNOSTICS = 100;

/** Default cap on an actor's Wasm linear memory (manifest-independent; StartOptions.maxMemoryMiB, --max-memory, theater.maxMemoryMiB). */
export const ACTOR_MEMORY_MAX_MIB = 256;
/** Cap on the JS heap of an actor's worker (handlers' data); the worker is ended when it is reached. */
export const ACTOR_HEAP_MAX_MIB = 256;
/** How long a terminated worker may take to stop before its session stops waiting (it can no longer write). */
export const TERMINATE_GRACE_MS = 1000;
