/**
 * The transcript language server: wires LSP requests to the feature modules.
 * Runs over stdio (`transcript-language-server --stdio`) or IPC (VS Code).
 *
 * By the book: it sends only what the client declared it supports
 * (`features/client.ts`), every request it sends may fail without ending it,
 * and every command a response carries works in the client it goes to.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Command,
  type CancellationToken,
  type Connection,
  type Disposable,
  type InitializeParams,
  type InitializeResult,
  type ProgressToken,
  type WorkDoneProgressReporter,
  type WorkspaceEdit,
  WorkspaceDiagnosticRequest,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { AnalysisStore, filePathOf, type DocumentAnalysis, type SessionView } from './features/analysis.ts';
import { DiagnosticsFeature, diagnosticsOf } from './features/diagnostics.ts';
import { documentSymbols, flatSymbols } from './features/symbols.ts';
import { foldingRanges } from './features/folding.ts';
import { FIX_ALL_KIND, quickFixes, resolveFixAll } from './features/fixes.ts';
import { PICK_TECHNIQUE_COMMAND, TAG_KIND, tagActions } from './features/tagActions.ts';
import { completion } from './features/completion.ts';
import { hover } from './features/hover.ts';
import { WorkspaceIndex } from './features/workspaceIndex.ts';
import { prepareRename, references, rename, workspaceSymbols } from './features/references.ts';
import {
  APPLY_EDIT_COMMAND,
  FIX_WORKSPACE_COMMAND,
  LINT_WORKSPACE_COMMAND,
  PICK_TECHNIQUE_SERVER_COMMAND,
  RANK_TECHNIQUES_COMMAND,
  SERVER_COMMANDS,
  SHOW_SUMMARY_SERVER_COMMAND,
  STRIP_TAGS_COMMAND,
  SUMMARY_COMMAND,
  REPORT_COMMAND,
  COMMENTS_COMMAND,
  AGREEMENT_COMMAND,
  commentsOf,
  reportOf,
  rankTechniques,
  strippedText,
  summaryMarkdown,
} from './features/commands.ts';
import { SHOW_SUMMARY_COMMAND, codeLenses } from './features/codeLens.ts';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './features/semanticTokens.ts';
import { clientSupport, markdownToPlain, type ClientSupport } from './features/client.ts';
import { OwnWatcher, WATCHED_GLOBS } from './features/watchers.ts';
import { WorkspaceLint, workspaceReport, type WorkspaceSummary } from './features/workspaceLint.ts';
import { toLspEdit } from './features/convert.ts';
import { SettingsResolver } from './core/resolve.ts';
import { agreement, DifferentTextError } from './core/agreement.ts';
import { parseTranscript } from './core/parser.ts';
import { SpeakerTable } from './core/speakers.ts';
import { readTranscript } from './cli/read.ts';
import { plural } from './core/stats.ts';
import { SETTINGS_SECTION, maxProblemsOf, maxProblemsPerFileOf, mergeSettings, settingsIn, settingsToConfig, type ClientSettings } from './settings.ts';

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
  const workspace = new WorkspaceLint(index, documents, resolver);
  let diagnostics: DiagnosticsFeature | undefined;
  let client: ClientSupport = clientSupport({ capabilities: {} });
  let workspaceDir: string | undefined;
  let ownWatcher: OwnWatcher | undefined;
  let watcherRegistration: Disposable | undefined;
  /** Settings from `initializationOptions.settings`, under those the client sends later. */
  let initialSettings: ClientSettings | undefined;
  /** The last settings pushed with `workspace/didChangeConfiguration`. */
  let pushedSettings: ClientSettings | undefined;

  /** A request to the client that may fail (or be refused) without ending the server. */
  const ask = <T>(what: string, request: () => Promise<T>): Promise<T | undefined> => {
    let sent: Promise<T>;
    try {
      sent = request();
    } catch (error) {
      sent = Promise.reject(error);
    }
    return sent.catch((error: unknown) => {
      connection.console.warn(`The client did not accept ${what}: ${(error as Error)?.message ?? String(error)}`);
      return undefined;
    });
  };

  /** A message to show (a notification: every client takes it, none answers). */
  const notify = (message: string, type: MessageType = MessageType.Info) => void connection.sendNotification(ShowMessageNotification.type, { type, message });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    client = clientSupport(params);
    const folders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .map((uri) => URI.parse(uri))
      .filter((uri) => uri.scheme === 'file')
      .map((uri) => uri.fsPath);
    workspaceDir = folders[0];
    index.setFolders(folders);
    diagnostics = new DiagnosticsFeature(connection, documents, store, { pull: client.pullDiagnostics, refresh: client.diagnosticRefresh, debounceMs: options.debounceMs ?? 150 });
    // Clients without workspace/configuration (Neovim 0.7's `init_options`, Helix's `config`) pass settings at start.
    // `initializationOptions.settings` ({ therapyTranscript: {…} } or the fields), or the options themselves
    // in that shape (Helix sends its `config` as the initialization options).
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    initialSettings = settingsIn(init?.settings) ?? settingsIn(init);
    applySettings();
    if (!client.dynamicWatchers) ownWatcher = new OwnWatcher(() => settingsFilesChanged());
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        documentSymbolProvider: { label: 'Session' },
        foldingRangeProvider: true,
        codeActionProvider: client.codeActionLiterals
          ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, TAG_KIND], resolveProvider: client.resolveEdits }
          : true,
        completionProvider: { triggerCharacters: ['[', ':', '%'] },
        hoverProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        workspaceSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: SERVER_COMMANDS },
        ...(client.semanticTokens ? { semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true } } : {}),
        ...(client.pullDiagnostics ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: true } } : {}),
      },
      serverInfo: { name: 'transcript-language-server' },
    };
  });

  connection.onInitialized(() => {
    if (client.dynamicConfiguration) {
      void ask('the registration for configuration changes', () => connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }));
    }
    if (client.dynamicWatchers) {
      void ask('the file watcher registration', () =>
        connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) }),
      ).then((registration) => {
        watcherRegistration = registration;
      });
    }
    if (client.configuration) void loadSettings().then(() => refreshAll());
  });

  /** The settings in force: from the start, then pulled or pushed ones over them. */
  function applySettings(pulled?: ClientSettings) {
    const settings = mergeSettings(initialSettings, pushedSettings, pulled);
    const { config, problems } = settingsToConfig(settings, workspaceDir);
    resolver.update({ base: config });
    store.maxFindingsPerRule = maxProblemsOf(settings);
    if (diagnostics) diagnostics.maxProblemsPerFile = maxProblemsPerFileOf(settings);
    for (const problem of problems) connection.console.warn(problem);
    store.invalidate();
    workspace.settingsChanged();
  }

  async function loadSettings() {
    const pulled = await ask(`a request for the ${SETTINGS_SECTION} settings`, () => connection.workspace.getConfiguration(SETTINGS_SECTION) as Promise<unknown>);
    applySettings(settingsIn(pulled) ?? (pulled && typeof pulled === 'object' ? (pulled as ClientSettings) : undefined));
  }

  /** Everything open is analysed again (settings or files changed); semantic tokens too (labels may change role). */
  function refreshAll() {
    diagnostics?.refreshAll();
    if (client.semanticTokensRefresh) void ask('a semantic tokens refresh', () => connection.languages.semanticTokens.refresh());
  }

  connection.onDidChangeConfiguration(async (change) => {
    // VS Code's shape ({ therapyTranscript: {…} }) or the fields themselves; an empty push means "pull them".
    const pushed = settingsIn(change.settings);
    if (pushed) pushedSettings = pushed;
    if (client.configuration) await loadSettings();
    else applySettings();
    refreshAll();
  });

  function settingsFilesChanged() {
    resolver.clear();
    store.invalidate();
    workspace.settingsChanged();
    refreshAll();
  }

  // A transcript, a .transcriptrc.json or a codebook changed on disk.
  connection.onDidChangeWatchedFiles((params) => {
    let settingsChanged = false;
    for (const change of params.changes) {
      if (change.uri.endsWith('.transcript')) index.invalidate(change.uri);
      else settingsChanged = true;
    }
    if (settingsChanged) settingsFilesChanged();
  });

  documents.onDidOpen((event) => {
    const file = filePathOf(event.document.uri);
    ownWatcher?.watchFor(file);
    const codebook = resolver.forFile(file).config.codebook;
    if (codebook) ownWatcher?.watchCodebook(codebook);
    diagnostics?.changed(event.document.uri);
  });
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
  /** For commands: the document must be open. */
  const openDocument = (uri: unknown): TextDocument => {
    const document = typeof uri === 'string' ? documents.get(uri) : undefined;
    if (!document) throw new ResponseError(LSPErrorCodes.RequestFailed, `${typeof uri === 'string' ? uri : 'The document'} is not open: open the transcript first.`);
    return document;
  };

  /** The client's picker (VS Code's quick pick) or the server's own (a message with choices, then an edit). */
  const pickerCommand = () =>
    client.clientCommands.has(PICK_TECHNIQUE_COMMAND) ? PICK_TECHNIQUE_COMMAND : client.applyEdit ? PICK_TECHNIQUE_SERVER_COMMAND : undefined;

  connection.onDocumentSymbol((params, token) =>
    withSession(params.textDocument.uri, token, [], (d, a) => (client.hierarchicalSymbols ? documentSymbols(a) : flatSymbols(d.uri, documentSymbols(a)))),
  );
  connection.onFoldingRanges((params, token) => withSession(params.textDocument.uri, token, [], (_, a) => foldingRanges(a)));
  connection.onCodeAction((params, token) =>
    withAnalysis(params.textDocument.uri, token, [], (d, a): Array<CodeAction | Command> => {
      const actions = [...quickFixes(d, a, params, client.codeActionLiterals && client.resolveEdits), ...tagActions(d, a, params, pickerCommand())];
      if (client.codeActionLiterals) return actions;
      // A client without code action literals runs commands: the server applies the edit (workspace/applyEdit).
      if (!client.applyEdit) return actions.filter((action) => action.command && !action.edit).map((action) => action.command!);
      return actions.map((action) =>
        action.edit ? { title: action.title, command: APPLY_EDIT_COMMAND, arguments: [action.title, action.edit] } : action.command!,
      );
    }),
  );
  connection.onCodeActionResolve(async (action, token) => {
    const uri = (action.data as { fixAll?: { uri: string } } | undefined)?.fixAll?.uri;
    if (!uri) return resolveFixAll(action, undefined, undefined);
    return withAnalysis(uri, token, resolveFixAll(action, undefined, undefined), (document, analysis) => resolveFixAll(action, document, analysis));
  });
  connection.onCodeLens((params, token) =>
    withSession(params.textDocument.uri, token, [], (_, a) =>
      codeLenses(a, client.clientCommands.has(SHOW_SUMMARY_COMMAND) ? SHOW_SUMMARY_COMMAND : SHOW_SUMMARY_SERVER_COMMAND),
    ),
  );
  connection.onCompletion((params, token) =>
    withSession(params.textDocument.uri, token, [], (d, a) =>
      completion(d, a, params, { markdown: client.completionMarkdown, triggerSuggest: client.clientCommands.has('editor.action.triggerSuggest') }),
    ),
  );
  connection.onHover((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => hover(d, a, params, client.hoverMarkdown)));
  connection.onReferences((params, token) => withSession(params.textDocument.uri, token, [], (d, a) => references(d, a, params, index)));
  connection.onPrepareRename((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => prepareRename(d, a, params)));
  connection.onRenameRequest((params, token) => withSession(params.textDocument.uri, token, null, (d, a) => rename(d, a, params, index)));
  connection.onWorkspaceSymbol((params) =>
    workspaceSymbols(params.query, index, (ns, id) => store.peekCodebook()?.get(ns, id)?.label),
  );
  connection.languages.semanticTokens.on((params, token) => withSession(params.textDocument.uri, token, { data: [] }, (_, a) => semanticTokens(a)));

  /**
   * A progress in the client: on the request's own token if it sent one, else one the server
   * creates (when the client supports that), begun only when `start` is called.
   */
  function workProgress(title: string, token?: ProgressToken) {
    let reporter: Promise<WorkDoneProgressReporter | undefined> | undefined;
    const begin = (r: WorkDoneProgressReporter | undefined) => {
      r?.begin(title, 0, undefined, false);
      return r;
    };
    return {
      start() {
        reporter ??=
          token !== undefined
            ? Promise.resolve(begin(connection.window.attachWorkDoneProgress(token)))
            : client.workDoneProgress
              ? ask('a progress report', () => connection.window.createWorkDoneProgress()).then(begin)
              : Promise.resolve(undefined);
      },
      report(done: number, total: number) {
        void reporter?.then((r) => r?.report(Math.round((100 * done) / Math.max(total, 1)), `${done} of ${plural(total, 'transcript')}`));
      },
      done() {
        void reporter?.then((r) => r?.done());
      },
    };
  }

  // Workspace diagnostics: every transcript that is not open; unchanged files are answered as such. Progress
  // on the request's token, or (VS Code sends none, and asks again every few seconds) one the server shows
  // only while it actually lints files.
  connection.onRequest(WorkspaceDiagnosticRequest.type, async (params, token) => {
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value] as const));
    const items: ReturnType<typeof workspaceReport>[] = [];
    const progress = workProgress('Linting the workspace', params.workDoneToken);
    if (params.workDoneToken !== undefined) progress.start();
    try {
      await workspace.lint((result) => items.push(workspaceReport(result, diagnosticsOf(result, diagnostics?.maxProblemsPerFile), previous)), {
        token,
        working: () => progress.start(),
        progress: (done, total) => progress.report(done, total),
      });
    } finally {
      progress.done();
    }
    return { items };
  });

  /** Lint the workspace: pushed to a client without pull diagnostics; a pull client is asked to pull again. */
  async function lintWorkspace(): Promise<WorkspaceSummary> {
    const progress = workProgress('Linting the workspace');
    progress.start();
    const summary: WorkspaceSummary = { files: 0, filesWithProblems: 0, problems: 0 };
    const count = (n: number) => {
      summary.files++;
      summary.problems += n;
      if (n > 0) summary.filesWithProblems++;
    };
    try {
      await workspace.lint(
        (result) => {
          const items = diagnosticsOf(result, diagnostics?.maxProblemsPerFile);
          count(result.messages.length + result.problems.length);
          if (!client.pullDiagnostics) void connection.sendDiagnostics({ uri: result.uri, diagnostics: items });
        },
        { progress: (done, total) => progress.report(done, total) },
      );
      for (const document of documents.all()) {
        const analysis = store.get(document);
        count(analysis.messages.length + analysis.problems.length);
      }
    } finally {
      progress.done();
    }
    if (client.pullDiagnostics) diagnostics?.refreshAll();
    notify(
      `Linted ${plural(summary.files, 'transcript')}: ${plural(summary.problems, 'problem')} in ${plural(summary.filesWithProblems, 'file')}.`,
    );
    return summary;
  }

  /** Every safe fix in every transcript of the workspace, as one edit the client applies. */
  async function fixWorkspace(): Promise<{ files: number; fixedFiles: number; applied: number }> {
    if (!client.applyEdit) {
      throw new ResponseError(LSPErrorCodes.RequestFailed, `${client.name} cannot apply edits the server sends (workspace/applyEdit): run transcript-lint --fix on the folder instead.`);
    }
    const result = await workspace.fixAll();
    if (result.changes.length === 0) {
      notify(`No safe fixes in ${plural(result.files, 'transcript')}.`);
      return { files: result.files, fixedFiles: 0, applied: 0 };
    }
    const edit: WorkspaceEdit = {
      changes: Object.fromEntries(
        result.changes.map((change) => [change.uri, [toLspEdit(TextDocument.create(change.uri, LANGUAGE_ID, 0, change.original), change.edit)]]),
      ),
    };
    const label = `Fix all in workspace (${plural(result.applied, 'fix', 'fixes')} in ${plural(result.changes.length, 'file')})`;
    const response = await ask('the workspace edit', () => connection.workspace.applyEdit({ label, edit }));
    if (!response?.applied) throw new ResponseError(LSPErrorCodes.RequestFailed, `The editor did not apply the fixes${response?.failureReason ? `: ${response.failureReason}` : ''}.`);
    notify(`Applied ${plural(result.applied, 'fix', 'fixes')} in ${plural(result.changes.length, 'file')}.`);
    return { files: result.files, fixedFiles: result.changes.length, applied: result.applied };
  }

  /** The technique picker for any client: the allowed techniques as choices of a message, then an edit. */
  async function pickTechnique(uri: unknown, position: unknown): Promise<{ applied: boolean; tag?: string }> {
    const document = openDocument(uri);
    const at = isPosition(position) ? position : { line: 0, character: 0 };
    const choice = rankTechniques(document, store.get(document), at);
    if (!choice.insertAt || choice.techniques.length === 0) {
      notify(choice.message ?? 'Nothing to tag here.');
      return { applied: false };
    }
    const actions = choice.techniques.map((t) => ({ title: `${t.label} [${t.namespace}:${t.id}]` }));
    const picked = await ask('the technique choice', () => connection.window.showInformationMessage(`Tag turn with a technique (${choice.role} turn; suggestions first):`, ...actions));
    const technique = picked && choice.techniques[actions.findIndex((a) => a.title === picked.title)];
    if (!technique) return { applied: false };
    const tag = `[${technique.namespace}:${technique.id}]`;
    const response = await ask('the tag edit', () =>
      connection.workspace.applyEdit({ label: `Tag with ${tag}`, edit: { changes: { [document.uri]: [{ range: { start: choice.insertAt!, end: choice.insertAt! }, newText: `${tag} ` }] } } }),
    );
    return { applied: response?.applied === true, tag };
  }

  /** A transcript by URI: the open document's text, else the file's. */
  function transcriptAt(uri: unknown): { name: string; text: string; tree: ReturnType<typeof parseTranscript> } {
    if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${AGREEMENT_COMMAND} expects the URIs of two transcripts.`);
    const file = filePathOf(uri);
    const open = documents.get(uri);
    let text = open?.getText();
    if (text === undefined) {
      if (!file) throw new ResponseError(LSPErrorCodes.RequestFailed, `${uri} is not open and not a file: open it first.`);
      const read = readTranscript(file);
      if ('error' in read) throw new ResponseError(LSPErrorCodes.RequestFailed, `${decodeURIComponent(uri.split('/').pop() ?? uri)}: ${read.error}`);
      text = read.text;
    }
    const speakers = new SpeakerTable(file ? resolver.forFile(file).config.speakers : {});
    return { name: decodeURIComponent(uri.split('/').pop() ?? uri), text, tree: parseTranscript(text, { speakers }) };
  }

  /** Two coders compared: kappa, per technique, the disagreeing turns. */
  function compareCoders(a: unknown, b: unknown, options: unknown) {
    const excludeUncoded = typeof options === 'object' && options !== null && (options as { excludeUncoded?: unknown }).excludeUncoded === true;
    try {
      return agreement(transcriptAt(a), transcriptAt(b), { excludeUncoded });
    } catch (error) {
      if (error instanceof DifferentTextError) throw new ResponseError(LSPErrorCodes.RequestFailed, error.message);
      throw error;
    }
  }

  connection.onExecuteCommand(async (params) => {
    const [first, second] = (params.arguments ?? []) as [unknown, unknown];
    switch (params.command) {
      case STRIP_TAGS_COMMAND:
        return strippedText(store.get(openDocument(first)));
      case SUMMARY_COMMAND:
        return summaryMarkdown(store.get(openDocument(first)));
      case REPORT_COMMAND:
        return reportOf(store.get(openDocument(first)));
      case COMMENTS_COMMAND:
        return commentsOf(store.get(openDocument(first)));
      case AGREEMENT_COMMAND: {
        const [, , third] = (params.arguments ?? []) as [unknown, unknown, unknown];
        return compareCoders(first, second, third);
      }
      case RANK_TECHNIQUES_COMMAND: {
        const document = openDocument(first);
        return rankTechniques(document, store.get(document), isPosition(second) ? second : { line: 0, character: 0 });
      }
      case SHOW_SUMMARY_SERVER_COMMAND: {
        const markdown = summaryMarkdown(store.get(openDocument(first)));
        notify(markdownToPlain(markdown));
        return markdown;
      }
      case PICK_TECHNIQUE_SERVER_COMMAND:
        return pickTechnique(first, second);
      case APPLY_EDIT_COMMAND: {
        if (typeof first !== 'string' || typeof second !== 'object' || second === null) throw new ResponseError(ErrorCodes.InvalidParams, `${APPLY_EDIT_COMMAND} expects a title and a workspace edit.`);
        const response = await ask('the edit', () => connection.workspace.applyEdit({ label: first, edit: second as WorkspaceEdit }));
        return { applied: response?.applied === true };
      }
      case LINT_WORKSPACE_COMMAND:
        return lintWorkspace();
      case FIX_WORKSPACE_COMMAND:
        return fixWorkspace();
      default:
        throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command "${params.command}": this server runs ${SERVER_COMMANDS.join(', ')}.`);
    }
  });

  connection.onShutdown(() => {
    ownWatcher?.dispose();
    void watcherRegistration?.dispose();
  });

  documents.listen(connection);
  connection.listen();
}

function isPosition(value: unknown): value is { line: number; character: number } {
  return typeof value === 'object' && value !== null && Number.isInteger((value as { line?: unknown }).line) && Number.isInteger((value as { character?: unknown }).character);
}
