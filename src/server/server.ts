// The Theater language server: diagnostics for manifest.toml and .wit files from the validation core
// (the same answers as `theater check`), quick fixes, hover and completion from the registry.
// Runs over IPC (the extension) or stdio (`theater lsp --stdio`, any editor). Never imports vscode.
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeActionParams,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../runtime/validation/types';
import { codeActionsFor } from './codeActions';
import { completionsAt } from './completion';
import { documentKind, pathKey, uriToPath } from './documents';
import { hoverAt } from './hover';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { exitOnBrokenFrame, watchFrames } from './frames';
import { checkDocument, forget, type CheckSettings } from './validate';

export { diagnose } from './validate';

/** Pause in typing before a changed document is re-checked. */
export const DEBOUNCE_MS = 150;
/** File events come in bursts (a build writes then renames; client and server watchers both report): one re-check per burst. */
export const FILE_EVENT_DELAY_MS = 50;

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;

/** What the editor shows when the validation core itself failed on a document. */
export function internalErrorDiagnostic(file: string, e: unknown): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: 'internal-error',
    severity: 'error',
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: `Theater could not check this file (internal error: ${message.split('\n')[0]}); earlier diagnostics were cleared. Please report it.`,
  };
}

export function toLsp(d: Diagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'theater',
    message: d.message,
    ...(d.data ? { data: d.data } : {}),
  };
}

const sameRange = (a: LspDiagnostic['range'], b: LspDiagnostic['range']) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/** Our settings from a `theater` section (pulled) or a whole settings object (pushed, initializationOptions). */
function readSettings(source: unknown): CheckSettings {
  const s = (source ?? {}) as { activateByImports?: unknown; theater?: { activateByImports?: unknown } };
  const v = s.theater?.activateByImports ?? s.activateByImports;
  return typeof v === 'boolean' ? { activateByImports: v } : {};
}

const sameSettings = (a: CheckSettings, b: CheckSettings) => a.activateByImports === b.activateByImports;

export function attachServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  /** uri → files its last check read or looked for (component, init_state, replay chain). */
  const dependencies = new Map<string, Set<string>>();
  /** uri → diagnostics as last published, to restore `data` for clients that drop it. */
  const published = new Map<string, LspDiagnostic[]>();
  /** uri → document version of the last check, so the content event that follows didOpen is not checked twice. */
  const checked = new Map<string, number>();
  const changedFiles = new Set<string>();
  let fileTimer: NodeJS.Timeout | undefined;
  /** Settings for clients that cannot be asked (no workspace/configuration): initializationOptions, then pushed ones. */
  let settings: CheckSettings = {};
  /** The client answers workspace/configuration: settings are pulled per document (folder and language overrides apply). */
  let pull = false;
  /** uri → its settings as the client answered; dropped on close and on every didChangeConfiguration. */
  const pulled = new Map<string, Promise<CheckSettings>>();
  let dynamicWatch = false;
  let snippets = false;

  const settingsFor = (uri: string): Promise<CheckSettings> => {
    if (!pull) return Promise.resolve(settings);
    let p = pulled.get(uri);
    if (!p) {
      p = connection.workspace.getConfiguration({ scopeUri: uri, section: 'theater' }).then(readSettings, (e: unknown) => {
        connection.console.warn(`theater: the client did not answer workspace/configuration (${String(e)}); using defaults.`);
        return settings;
      });
      pulled.set(uri, p);
    }
    return p;
  };

  const publish = async (uri: string) => {
    const doc = documents.get(uri);
    if (!doc) return; // closed meanwhile
    const version = doc.version;
    checked.set(uri, version); // before the wait below, so the content event that follows didOpen is not checked again
    const scoped = documentKind(uri) === 'manifest' ? await settingsFor(uri) : settings;
    if (documents.get(uri)?.version !== version) return; // edited while the client answered: that edit's check follows
    let check;
    try {
      check = checkDocument(doc, scoped);
    } catch (e) {
      // Never leave stale diagnostics on screen: replace them with one saying the check failed.
      connection.console.error(`theater: checking ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      check = { dependencies: [], diagnostics: [internalErrorDiagnostic(uriToPath(uri), e)] };
    }
    // Never publish results for a text that is no longer current.
    if (documents.get(uri)?.version !== version) return;
    dependencies.set(uri, new Set(check.dependencies));
    const diagnostics = check.diagnostics.map(toLsp);
    published.set(uri, diagnostics);
    void connection.sendDiagnostics({ uri, version, diagnostics });
  };
  const cancel = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
  };
  const schedule = (uri: string, delay: number) => {
    cancel(uri);
    if (delay === 0) {
      void publish(uri);
      return;
    }
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void publish(uri);
      }, delay),
    );
  };

  /** Re-checks open manifests that depend on a changed file, and open .wit files when a .wit changed. */
  const flushFileChanges = () => {
    fileTimer = undefined;
    const changed = [...changedFiles];
    changedFiles.clear();
    const witChanged = changed.some((p) => p.toLowerCase().endsWith('.wit'));
    // A deleted or created folder (`cargo clean`) is reported as the folder alone.
    const affects = (deps: Set<string> | undefined) =>
      !!deps && changed.some((c) => deps.has(c) || [...deps].some((d) => d.startsWith(`${c}/`) || d.startsWith(`${c}\\`)));
    for (const doc of documents.all()) {
      const kind = documentKind(doc.uri);
      if ((kind === 'wit' && witChanged) || (kind === 'manifest' && affects(dependencies.get(doc.uri)))) schedule(doc.uri, 0);
    }
  };

  connection.onInitialize((params): InitializeResult => {
    dynamicWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    pull = params.capabilities.workspace?.configuration === true;
    settings = readSettings(params.initializationOptions);
    snippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '=', ' ', ':', '/', '@', '['] },
      },
      serverInfo: { name: 'theater-language-server', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => {
    if (!dynamicWatch) return; // the client may still send its own file events; they are handled the same way
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: ['**/*.wasm', '**/*.wit', '**/*.json', '**/*.jsonl'].map((globPattern) => ({ globPattern })),
      })
      .catch((e: unknown) => connection.console.warn(`theater: cannot watch files: ${String(e)}`));
  });
  // A pulling server ignores the pushed payload (VS Code sends only the section it syncs, other
  // clients send null) and asks again for every open manifest; only those whose settings changed re-check.
  connection.onDidChangeConfiguration(async (params) => {
    const manifests = documents.all().filter((d) => documentKind(d.uri) === 'manifest');
    if (!pull) {
      const next = readSettings(params.settings);
      if (sameSettings(next, settings)) return;
      settings = next;
      for (const doc of manifests) schedule(doc.uri, 0);
      return;
    }
    const before = new Map(manifests.map((d) => [d.uri, pulled.get(d.uri)]));
    pulled.clear();
    await Promise.all(
      manifests.map(async (doc) => {
        const old = before.get(doc.uri);
        const next = await settingsFor(doc.uri);
        if (!old || !sameSettings(await old, next)) schedule(doc.uri, 0);
      }),
    );
  });
  connection.onDidChangeWatchedFiles((params) => {
    for (const c of params.changes) {
      const p = uriToPath(c.uri);
      forget(p);
      changedFiles.add(pathKey(p));
    }
    clearTimeout(fileTimer);
    fileTimer = setTimeout(flushFileChanges, FILE_EVENT_DELAY_MS);
  });

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => {
    // didOpen fires a content change too; the open has already checked this version.
    if (checked.get(e.document.uri) === e.document.version) return;
    schedule(e.document.uri, DEBOUNCE_MS);
  });
  documents.onDidSave((e) => schedule(e.document.uri, 0));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    cancel(uri);
    dependencies.delete(uri);
    published.delete(uri);
    checked.delete(uri);
    pulled.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  connection.onCodeAction((params: CodeActionParams) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const only = params.context.only;
    if (only && !only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty)) return [];
    // Clients before LSP 3.16 drop `data`: take it from what was published for the same code and range.
    const last = published.get(doc.uri) ?? [];
    const diags = params.context.diagnostics.map((d) =>
      d.data !== undefined || d.source !== 'theater'
        ? d
        : { ...d, data: last.find((p) => p.code === d.code && sameRange(p.range, d.range))?.data },
    );
    return codeActionsFor(doc, diags);
  });
  connection.onHover((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? hoverAt(doc, params.position) : null;
  });
  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? completionsAt(doc, params.position, { snippets }) : [];
  });
  connection.onShutdown(() => {
    for (const uri of [...timers.keys()]) cancel(uri);
    clearTimeout(fileTimer);
  });

  documents.listen(connection);
  connection.listen();
}

/** stdio with a framing guard: a broken frame ends the server with one line on stderr, never a hang. */
function stdioConnection(): Connection {
  watchFrames(process.stdin, exitOnBrokenFrame);
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((e) => exitOnBrokenFrame(e.message.split('\n')[0]!));
  return createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
}

export function startServer(transport: 'stdio' | 'ipc'): void {
  if (transport === 'stdio') {
    // stdout carries the protocol: stray console output goes to stderr instead.
    const toStderr = (...a: unknown[]) => {
      process.stderr.write(`${a.map(String).join(' ')}\n`);
    };
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
  }
  const connection = transport === 'stdio' ? stdioConnection() : createConnection(ProposedFeatures.all);
  attachServer(connection);
}
