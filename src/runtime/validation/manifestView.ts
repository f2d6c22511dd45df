// TEMPORARY adapter until the position-preserving manifest model lands.
import * as TOML from '@iarna/toml';
import type { Diagnostic, Range } from './types';

export interface HandlerView {
  index: number; type?: string; typeRange?: Range; range: Range; headerRange?: Range;
  config: Record<string, unknown>; keyRanges: Record<string, Range>; valueRanges: Record<string, Range>;
}
export interface ManifestView {
  name?: string;
  componentKey?: 'component' | 'package';
  component?: { value: string; range: Range };
  initState?: { value: string; range: Range };
  topLevelKeys: Array<{ key: string; range: Range }>;
  handlers: HandlerView[];
  problems: Diagnostic[];
}
const R0: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
export function manifestView(text: string, file: string): ManifestView {
  let doc: any;
  try { doc = TOML.parse(text); } catch (e) {
    return { topLevelKeys: [], handlers: [], problems: [{ code: 'toml-syntax', severity: 'error', message: (e as Error).message, range: R0, file }] };
  }
  const key = doc.component !== undefined ? 'component' : doc.package !== undefined ? 'package' : undefined;
  return {
    name: doc.name, ...(key ? { componentKey: key, component: { value: doc[key], range: R0 } } : {}),
    ...(doc.init_state ? { initState: { value: doc.init_state, range: R0 } } : {}),
    topLevelKeys: Object.keys(doc).map((k) => ({ key: k, range: R0 })),
    handlers: (doc.handler ?? []).map((h: any, index: number) => ({ index, type: h.type, range: R0, config: h, keyRanges: {}, valueRanges: {} })),
    problems: [],
  };
}
