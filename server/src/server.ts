/**
 * The transcript language server: wires LSP requests to the feature modules.
 * Runs over stdio (`transcript-language-server --stdio`) or IPC (VS Code).
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { AnalysisStore } from './features/analysis.ts';
import { DiagnosticsFeature } from './features/diagnostics.ts';
import { documentSymbols } from './features/symbols.ts';
import { foldingRanges } from './features/folding.ts';
import { FIX_ALL_KIND, quickFixes } from './features/fixes.ts';
import { SettingsResolver } from './core/resolve.ts';
import { SETTINGS_SECTION, settingsToConfig, type ClientSettings } from './settings.ts';

export const LANGUAGE_ID = 'therapy-transcript';

export interface ServerOptions {
  /** Quiet time after a burst of edits, in milliseconds. */
  debounceMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const resolver = new SettingsResolver();
  const store = new AnalysisStore(resolver);
  let diagnostics: DiagnosticsFeature | undefined;
  let canPullConfiguration = false;
  let workspaceDir: string | undefined;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    canPullConfiguration = Boolean(capabilities.workspace?.configuration);
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder) workspaceDir = URI.parse(folder).fsPath;
    const pull = Boolean(capabilities.textDocument?.diagnostic);
    diagnostics = new DiagnosticsFeature(connection, documents, store, { pull, debounceMs: options.debounceMs ?? 150 });
    // Clients without workspace/configuration may pass settings at start.
    const initial = (params.initializationOptions as { settings?: ClientSettings } | undefined)?.settings;
    if (initial) applySettings(initial);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        documentSymbolProvider: { label: 'Session' },
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...(pull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'transcript-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (canPullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
      void loadSettings().then(() => diagnostics!.refreshAll());
    }
  });

  function applySettings(settings: ClientSettings | null | undefined) {
    const { config, problems } = settingsToConfig(settings, workspaceDir);
    resolver.update({ base: config });
    for (const problem of problems) connection.console.warn(problem);
    store.invalidate();
  }

  async function loadSettings() {
    try {
      applySettings((await connection.workspace.getConfiguration(SETTINGS_SECTION)) as ClientSettings);
    } catch (error) {
      connection.console.warn(`Cannot read ${SETTINGS_SECTION} settings: ${(error as Error).message}`);
    }
  }

  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfiguration) await loadSettings();
    else applySettings((change.settings as Record<string, ClientSettings> | undefined)?.[SETTINGS_SECTION]);
    diagnostics?.refreshAll();
  });

  // A .transcriptrc.json or .transcript-codebook.json changed on disk.
  connection.onDidChangeWatchedFiles(() => {
    resolver.clear();
    store.invalidate();
    diagnostics?.refreshAll();
  });

  documents.onDidOpen((event) => diagnostics?.changed(event.document.uri));
  documents.onDidChangeContent((event) => diagnostics?.changed(event.document.uri));
  documents.onDidClose((event) => {
    diagnostics?.closed(event.document.uri);
    store.forget(event.document.uri);
  });

  const withAnalysis = <T>(uri: string, empty: T, run: (document: TextDocument, analysis: ReturnType<AnalysisStore['get']>) => T): T => {
    const document = documents.get(uri);
    return document ? run(document, store.get(document)) : empty;
  };

  connection.onDocumentSymbol((params) => withAnalysis(params.textDocument.uri, [], (_, a) => documentSymbols(a)));
  connection.onFoldingRanges((params) => withAnalysis(params.textDocument.uri, [], (_, a) => foldingRanges(a)));
  connection.onCodeAction((params) => withAnalysis(params.textDocument.uri, [], (d, a) => quickFixes(d, a, params)));

  documents.listen(connection);
  connection.listen();
}
