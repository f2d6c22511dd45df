// The one rule for "this file is a Theater manifest", applied by the server, the CLI, the extension's
// document selector and code lens, and (through the same strings, checked by a test) package.json's
// activation events and menus.
//
// The rule is the file name, exactly (case matters): `manifest.toml`, or `<name>.manifest.toml` /
// `<name>-manifest.toml` for variants kept side by side (`dev.manifest.toml`, Theater's own
// `replay-manifest.toml`). A name is the only thing every consumer can
// test the same way (a glob, a `when` clause, the server, the CLI), so none of them can disagree;
// a content sniff would split the rule between those that read the file and those that cannot.
// Case matters because other tools own the other spellings: Julia's Pkg writes `Manifest.toml`
// (and `JuliaManifest.toml`, `Manifest-v1.11.toml`), which must never get Theater diagnostics.
import * as path from 'node:path';

/** Workspace globs (activation events, the language client's document selector, the code lens). */
export const MANIFEST_GLOBS: readonly string[] = ['**/manifest.toml', '**/*.manifest.toml', '**/*-manifest.toml'];

const NAME = /^(.*[.-])?manifest\.toml$/;

/** The same rule as a `when`-clause regular expression over `resourceFilename` (package.json menus). */
export const MANIFEST_WHEN_REGEX = String(NAME);

/** The same rule over a whole path or URI (package.json's `tomlValidation` for Even Better TOML). */
export const MANIFEST_PATH_REGEX = '(^|[/\\\\.-])manifest\\.toml$';

/** True for `manifest.toml`, `<name>.manifest.toml` and `<name>-manifest.toml` (exact case), given a file name or a path. */
export function isTheaterManifestName(fileOrPath: string): boolean {
  return NAME.test(path.basename(fileOrPath.replace(/\\/g, '/')));
}

/** The sentence for a TOML file the rule does not accept (`theater check Manifest.toml`). */
export function notAManifestMessage(file: string): string {
  return `${file} is not a Theater manifest: Theater reads files named exactly \`manifest.toml\`, \`<name>.manifest.toml\` or \`<name>-manifest.toml\` (lower case; \`Manifest.toml\` belongs to Julia); rename it if it is an actor's manifest.`;
}
