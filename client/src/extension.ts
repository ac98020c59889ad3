/**
 * The VS Code extension: starts the transcript language server over IPC and
 * registers the commands that need the editor's UI (a technique picker, the
 * untagged copy of a transcript, the session report and two coders compared
 * in webviews).
 */
import * as vscode from 'vscode';
import type { TechniqueChoice } from '../../server/src/features/commands.ts';
import { VSCODE_CLIENT_COMMANDS } from '../../server/src/features/client.ts';
import { ExecuteCommandRequest, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AgreementPanel, ReportPanels, TermPanel, revealLine, type CompareOptions } from './webviews.ts';

export const LANGUAGE_ID = 'therapy-transcript';
const STRIP_TAGS_COMMAND = 'therapyTranscript.server.stripTags';
const RANK_TECHNIQUES_COMMAND = 'therapyTranscript.server.rankTechniques';
const LINT_WORKSPACE_COMMAND = 'therapyTranscript.server.lintWorkspace';
const FIX_WORKSPACE_COMMAND = 'therapyTranscript.server.fixAllInWorkspace';


let client: LanguageClient | undefined;

/** What the extension gives other extensions and its tests. */
export interface TranscriptApi {
  client: LanguageClient;
  reports: ReportPanels;
  agreement: AgreementPanel;
  term: TermPanel;
}

export async function activate(context: vscode.ExtensionContext): Promise<TranscriptApi> {
  const module = context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    // The commands this client provides (a quick pick, the session report webview, re-opening suggestions):
    // the server puts them in its responses only for a client that names them. (The server registers
    // the file watchers for .transcriptrc.json, codebooks and transcripts itself.)
    initializationOptions: { clientCommands: [...VSCODE_CLIENT_COMMANDS] },
  };
  const languageClient = new LanguageClient('therapyTranscript', 'Therapy Transcripts', serverOptions, clientOptions);
  client = languageClient;
  const reports = new ReportPanels(languageClient);
  const agreement = new AgreementPanel(languageClient);
  const term = new TermPanel(languageClient);
  context.subscriptions.push(
    vscode.commands.registerCommand('therapyTranscript.pickTechnique', (uri?: string, position?: { line: number; character: number }) =>
      pickTechnique(languageClient, uri, position),
    ),
    vscode.commands.registerCommand('therapyTranscript.stripTags', (uri?: vscode.Uri) => openUntagged(languageClient, uri)),
    reports,
    agreement,
    term,
    // The code lens's command and the palette's: the session report in a webview beside the transcript.
    vscode.commands.registerCommand('therapyTranscript.showSummary', (uri?: string | vscode.Uri) => showReport(reports, uri)),
    vscode.commands.registerCommand('therapyTranscript.compareCoders', (uri?: vscode.Uri, selected?: vscode.Uri[], b?: vscode.Uri | string, options?: CompareOptions) =>
      agreement.compare(uri instanceof vscode.Uri ? uri : undefined, Array.isArray(selected) ? selected : undefined, typeof b === 'string' ? vscode.Uri.parse(b) : b, options),
    ),
    // A trainee's term: one report across the sessions of a folder.
    vscode.commands.registerCommand('therapyTranscript.showFolderReport', (folder?: vscode.Uri) => term.show(folder instanceof vscode.Uri ? folder : undefined)),
    // What a link in the report does (its webview posts the line); also for keyboard users and tests.
    vscode.commands.registerCommand('therapyTranscript.revealLine', (uri: string | vscode.Uri, line: number) => revealLine(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, line)),
    vscode.commands.registerCommand('therapyTranscript.lintWorkspace', () => lintWorkspace(languageClient)),
    vscode.commands.registerCommand('therapyTranscript.fixAllInWorkspace', () => fixAllInWorkspace(languageClient)),
  );
  await languageClient.start();
  context.subscriptions.push(languageClient);
  return { client: languageClient, reports, agreement, term };
}

/** Quick pick of the whole codebook (suggestions first); inserts `[cbt:<id>] ` where the server said. */
async function pickTechnique(languageClient: LanguageClient, uri?: string, position?: { line: number; character: number }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const documentUri = uri ?? editor?.document.uri.toString();
  if (!documentUri) return;
  const where = position ?? (editor ? languageClient.code2ProtocolConverter.asPosition(editor.selection.active) : undefined);
  if (!where) return;
  const choice = (await languageClient.sendRequest(ExecuteCommandRequest.type, { command: RANK_TECHNIQUES_COMMAND, arguments: [documentUri, where] })) as TechniqueChoice | null;
  if (!choice?.insertAt || choice.techniques.length === 0) {
    void vscode.window.showInformationMessage(choice?.message ?? 'Put the cursor in a turn to tag it.');
    return;
  }
  const items = choice.techniques.map((t) => ({
    label: t.label,
    description: [`[${t.namespace}:${t.id}]`, t.ctrs].filter(Boolean).join(' · '),
    detail: t.reasons.length > 0 ? `Suggested — ${t.reasons.join('; ')}` : t.definition,
    technique: t,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: `Tag a ${choice.role ?? ''} turn with a technique`.replace('  ', ' '), matchOnDescription: true, matchOnDetail: true, placeHolder: 'Type to filter the codebook' });
  if (!picked) return;
  const insertAt = new vscode.Position(choice.insertAt.line, choice.insertAt.character);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(vscode.Uri.parse(documentUri), insertAt, `[${picked.technique.namespace}:${picked.technique.id}] `);
  await vscode.workspace.applyEdit(edit);
}

/** Open the transcript without its tags in a new, untitled editor (the file itself is not changed). */
async function openUntagged(languageClient: LanguageClient, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) return;
  const text = (await languageClient.sendRequest(ExecuteCommandRequest.type, { command: STRIP_TAGS_COMMAND, arguments: [target.toString()] })) as string | null;
  if (text === null) {
    void vscode.window.showWarningMessage('Open the transcript first: only open transcripts can be stripped of their tags.');
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: text });
  await vscode.window.showTextDocument(document);
}

/** The session report (talk, questions and reflections, CTRS coverage or MITI figures, problems, untagged turns, comments, timeline) in a webview. */
async function showReport(reports: ReportPanels, uri?: string | vscode.Uri) {
  const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? vscode.window.activeTextEditor?.document.uri);
  if (!target) {
    void vscode.window.showInformationMessage('Open a transcript to see its session report.');
    return undefined;
  }
  try {
    return await reports.show(target);
  } catch (error) {
    void vscode.window.showErrorMessage(`Session report: ${(error as Error).message}`);
    return undefined;
  }
}

/** Every transcript of the workspace in the Problems view (the server lints those that are not open). */
async function lintWorkspace(languageClient: LanguageClient): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Linting the workspace' }, () =>
    languageClient.sendRequest(ExecuteCommandRequest.type, { command: LINT_WORKSPACE_COMMAND, arguments: [] }),
  );
  await vscode.commands.executeCommand('workbench.actions.view.problems');
}

/** Every safe fix in every transcript of the workspace, as one edit (undoable per file). */
async function fixAllInWorkspace(languageClient: LanguageClient): Promise<void> {
  try {
    await languageClient.sendRequest(ExecuteCommandRequest.type, { command: FIX_WORKSPACE_COMMAND, arguments: [] });
  } catch (error) {
    void vscode.window.showErrorMessage(`Fix all in workspace: ${(error as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
