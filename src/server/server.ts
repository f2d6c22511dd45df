// The Theater language server: diagnostics for manifest.toml and .wit files from the validation core
// (the same answers as `theater check`), quick fixes, hover and completion from the registry.
// Runs over IPC (the extension) or stdio (`theater lsp --stdio`, any editor). Never imports vscode.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, createConnection, DidChangeWatchedFilesNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type Connection, type Diagnostic as LspDiagnostic, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { validateManifestText } from '../runtime/validation/manifest';
import type { Diagnostic } from '../runtime/validation/types';
import { validateWitText } from '../runtime/validation/wit';
import { codeActionsFor } from './codeActions';
import { documentKind } from './documents';
import { completionsAt } from './completion';
import { hoverAt } from './hover';

export const DEBOUNCE_MS = 150;

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;

export function toLsp(d: Diagnostic): LspDiagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'theater', message: d.message, ...(d.data ? { data: d.data } : {}) };
}

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** Diagnostics for one open document (manifest or WIT), from the validation core. */
export function diagnose(doc: TextDocument): Diagnostic[] {
  const kind = documentKind(doc.uri);
  const file = uriToPath(doc.uri);
  if (kind === 'wit') return validateWitText(doc.getText(), file);
  if (kind === 'manifest') return validateManifestText(doc.getText(), file).diagnostics;
  return [];
}

export function attachServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  let dynamicWatch = false;

  const publish = (doc: TextDocument) => {
    const version = doc.version;
    let diags: Diagnostic[];
    try {
      diags = diagnose(doc);
    } catch (e) {
      connection.console.error(`theater: validating ${doc.uri} failed: ${(e as Error).message}`);
      return;
    }
    // A newer edit arrived while validating: its own run publishes.
    if (documents.get(doc.uri)?.version !== version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: diags.map(toLsp) });
  };
  const schedule = (doc: TextDocument, delay: number) => {
    clearTimeout(timers.get(doc.uri));
    if (delay === 0) { timers.delete(doc.uri); publish(doc); return; }
    timers.set(doc.uri, setTimeout(() => { timers.delete(doc.uri); const cur = documents.get(doc.uri); if (cur) publish(cur); }, delay));
  };

  connection.onInitialize((params): InitializeResult => {
    dynamicWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '=', ' ', ':', '/', '@'] },
      },
      serverInfo: { name: 'theater-language-server', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => {
    if (dynamicWatch) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.wasm' }, { globPattern: '**/*.wit' }, { globPattern: '**/*.json' }, { globPattern: '**/*.chain.jsonl' }],
      });
    }
  });
  // A component, a WIT file, an init_state or a chain changed on disk: re-check every open document.
  connection.onDidChangeWatchedFiles(() => {
    for (const doc of documents.all()) schedule(doc, 0);
  });

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, DEBOUNCE_MS));
  documents.onDidSave((e) => schedule(e.document, 0));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? codeActionsFor(doc, params.context.diagnostics) : [];
  });
  connection.onHover((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? hoverAt(doc, params.position) : null;
  });
  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? completionsAt(doc, params.position) : [];
  });

  documents.listen(connection);
  connection.listen();
}

export function startServer(transport: 'stdio' | 'ipc'): void {
  const connection = transport === 'stdio'
    ? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
    : createConnection(ProposedFeatures.all);
  // stdout belongs to the protocol on stdio: route stray console output to stderr.
  if (transport === 'stdio') console.log = (...a: unknown[]) => { process.stderr.write(`${a.join(' ')}\n`); };
  attachServer(connection);
}
