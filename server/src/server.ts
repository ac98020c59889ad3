/**
 * The transcript language server: wires LSP requests to the feature modules.
 * Runs over stdio (`transcript-language-server --stdio`) or IPC (VS Code).
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { AnalysisStore, type DocumentAnalysis, type SessionView } from './features/analysis.ts';
import { DiagnosticsFeature } from './features/diagnostics.ts';
import { documentSymbols } from './features/symbols.ts';
import { foldingRanges } from './features/folding.ts';
import { FIX_ALL_KIND, quickFixes, resolveFixAll } from './features/fixes.ts';
import { TAG_KIND, tagActions } from './features/tagActions.ts';
import { completion } from './features/completion.ts';
import { hover } from './features/hover.ts';
import { WorkspaceIndex } from './features/workspaceIndex.ts';
import { prepareRename, references, rename, workspaceSymbols } from './features/references.ts';
import { RANK_TECHNIQUES_COMMAND, SERVER_COMMANDS, STRIP_TAGS_COMMAND, SUMMARY_COMMAND, rankTechniques, strippedText, summaryMarkdown } from './features/commands.ts';
import { codeLenses } from './features/codeLens.ts';
import { SettingsResolver } from './core/resolve.ts';
import { SETTINGS_SECTION, maxProblemsOf, settingsToConfig, type ClientSettings } from './settings.ts';

export const LANGUAGE_ID = 'therapy-transcript';

export interface ServerOptions {
  /** Quiet time after a burst of edits, in milliseconds. */
  debounceMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const resolver = new SettingsResolver();
  const store = new AnalysisStore(resolver);
  // Apply edits one by one, telling the store what changed, so it can reparse just there.
  const documents = new TextDocuments<TextDocument>({
    // A didOpen without text (or version) breaks the protocol; open it empty rather than keep an
    // undefined text that every workspace-wide request would trip over.
    create(uri, languageId, version, content) {
      if (typeof content !== 'string') connection.console.warn(`textDocument/didOpen of ${uri} has no text: opened as an empty document.`);
      return TextDocument.create(uri, languageId, Number.isInteger(version) ? version : 0, typeof content === 'string' ? content : '');
    },
    update(document, changes, version) {
      for (const change of changes) {
        if ('range' in change) {
          const start = document.offsetAt(change.range.start);
          store.changed(document.uri, start, document.offsetAt(change.range.end), change.text.length);
        } else store.replaced(document.uri);
        TextDocument.update(document, [change], version);
      }
      return TextDocument.update(document, [], version);
    },
  });
  const index = new WorkspaceIndex(documents, resolver);
  let diagnostics: DiagnosticsFeature | undefined;
  let canPullConfiguration = false;
  let canResolveEdits = false;
  let workspaceDir: string | undefined;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    canPullConfiguration = Boolean(capabilities.workspace?.configuration);
    canResolveEdits = Boolean(capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit'));
    const folders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .map((uri) => URI.parse(uri))
      .filter((uri) => uri.scheme === 'file')
      .map((uri) => uri.fsPath);
    workspaceDir = folders[0];
    index.setFolders(folders);
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
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, TAG_KIND], resolveProvider: canResolveEdits },
        completionProvider: { triggerCharacters: ['[', ':'] },
        hoverProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        workspaceSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: SERVER_COMMANDS },
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
    store.maxFindingsPerRule = maxProblemsOf(settings);
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

  // A transcript, a .transcriptrc.json or a .transcript-codebook.json changed on disk.
  connection.onDidChangeWatchedFiles((params) => {
    let settingsChanged = false;
    for (const change of params.changes) {
      if (change.uri.endsWith('.transcript')) index.invalidate(change.uri);
      else settingsChanged = true;
    }
    if (!settingsChanged) return;
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

  /**
   * The document open at `uri` and what `wait` makes of it, waited for in slices: the server answers
   * other requests meanwhile, a cancelled request stops waiting, and when the document changes (or
   * is closed, or opened again) before the answer is ready, the answer is for what it is then.
   */
  const waitFor = async <V>(uri: string, token: CancellationToken | undefined, wait: (document: TextDocument, wanted: () => boolean) => Promise<V | undefined>) => {
    for (;;) {
      const document = documents.get(uri);
      if (!document || token?.isCancellationRequested) return undefined;
      const version = document.version;
      const wanted = () => documents.get(uri) === document && document.version === version && !token?.isCancellationRequested;
      const value = await wait(document, wanted);
      if (value !== undefined && wanted()) return { document, value };
    }
  };
  /** Requests that need only the session (outline, folding, hover, completion, tags…): no waiting for the rules. */
  const withSession = async <T>(uri: string, token: CancellationToken | undefined, empty: T, run: (document: TextDocument, view: SessionView) => T | Promise<T>): Promise<T> => {
    const found = await waitFor(uri, token, (document, wanted) => store.sessionInSlices(document, wanted));
    return found ? run(found.document, found.value) : empty;
  };
  /** Requests that need the findings (quick fixes). */
  const withAnalysis = async <T>(uri: string, token: CancellationToken | undefined, empty: T, run: (document: TextDocument, analysis: DocumentAnalysis) => T | Promise<T>): Promise<T> => {
    const found = await waitFor(uri, token, (document, wanted) => store.getInSlices(document, wanted));
    return found ? run(found.document, found.value) : empty;
  };

  connection.onDocumentSymbol((params, token) => withSession(params.textDocument.uri, token, [], (_, a) => documentSymbols(a)));
  connection.onFoldingRanges((params, token) => withSession(params.textDocument.uri, token, [], (_, a) => foldingRanges(a)));
  connection.onCodeAction((params, token) =>
    withAnalysis(params.textDocument.uri, token, [], (d, a) => [...quickFixes(d, a, params, canResolveEdits), ...tagActions(d, a, params)]),
  );
  connection.onCodeActionResolve(async (action, token) => {
    const uri = (action.data as { fixAll?: { uri: string } } | undefined)?.fixAll?.uri;
    if (!uri) return resolveFixAll(action, undefined, undefined);
    return withAnalysis(uri, token, resolveFixAll(action, undefined, undefined), (document, analysis) => resolveFixAll(action, document, analysis));
  });
  connection.onCodeLens((params, token) => withSession(params.textDocument.uri, token, [], (_, a) => codeLenses(a)));
  connection.onCompletion((params, token) => withSession(params.textDocument.uri, token, [], (d, a) => completion(d, a, params)));
  connection.onHover((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => hover(d, a, params)));
  connection.onReferences((params, token) => withSession(params.textDocument.uri, token, [], (d, a) => references(d, a, params, index)));
  connection.onPrepareRename((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => prepareRename(d, a, params)));
  connection.onRenameRequest((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => rename(d, a, params, index)));
  connection.onWorkspaceSymbol((params) =>
    workspaceSymbols(params.query, index, (ns, id) => store.peekCodebook()?.get(ns, id)?.label),
  );
  connection.onExecuteCommand((params, token) => {
    const [uri, position] = (params.arguments ?? []) as [string, { line: number; character: number } | undefined];
    switch (params.command) {
      case STRIP_TAGS_COMMAND:
        return withSession(uri, token, null, (_, a) => strippedText(a));
      case SUMMARY_COMMAND:
        return withSession(uri, token, null, (_, a) => summaryMarkdown(a));
      case RANK_TECHNIQUES_COMMAND:
        return withSession(uri, token, null, (d, a) => rankTechniques(d, a, position ?? { line: 0, character: 0 }));
      default:
        return null;
    }
  });

  documents.listen(connection);
  connection.listen();
}
