// The validation core's output: one shape for `theater check`, the language server and the runtime.

/** 0-based, LSP style; `end` is exclusive. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Machine-readable facts a quick fix needs (kept in LSP `Diagnostic.data`). */
export type FixData =
  | { fix: 'add-handler'; handlerType: string }
  | { fix: 'replace-key'; replacement: string }
  | { fix: 'replace-string-value'; replacement: string }
  | { fix: 'remove-handler'; handlerIndex: number }
  | { fix: 'set-import-version'; importName: string; version: string }
  | { fix: 'rename-component-key' };

export interface Diagnostic {
  /** Stable code, shown as `[code]` by the CLI and as the LSP diagnostic code. */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** The file the range refers to (a manifest's component problems sit in the manifest). */
  file: string;
  data?: FixData;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };
