// The grow hook's import, as the rewritten core modules name it (growHook.ts does the rewrite). Kept
// apart so an actor's worker knows the names without loading the rewriter, which it needs only when
// a component's rewritten modules are not cached yet.
export const GROW_HOOK_MODULE = 'theater:host';
export const GROW_HOOK_NAME = 'memory-grow';
/** Part of the rewritten modules' cache name: change it whenever the rewrite changes. */
export const GROW_HOOK_VERSION = 1;
