/**
 * The supervisor's views in VS Code, as webviews (nothing to save, no
 * untitled document): the session report and two coders compared. Both are
 * drawn from the data the language server returns (`report.ts`,
 * `agreement.ts`) by the same HTML renderer the CLI uses
 * (`report-render.ts`), with the theme's colours (`--vscode-*` variables), a
 * strict Content-Security-Policy (no network, no resources, one inline script
 * with a nonce) and links that reveal a turn in the editor by postMessage.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { termReport, type SessionReport, type TermReport } from '../../server/src/core/report.ts';
import type { AgreementReport } from '../../server/src/core/agreement.ts';
import { agreementHtml, sessionHtml, termHtml } from '../../server/src/core/report-render.ts';

export const REPORT_VIEW_TYPE = 'therapyTranscript.report';
export const AGREEMENT_VIEW_TYPE = 'therapyTranscript.agreement';
export const TERM_VIEW_TYPE = 'therapyTranscript.termReport';
/** At most this many sessions in one report across sessions (a term, not a dataset: use the CLI for those). */
export const MAX_TERM_SESSIONS = 500;
const REPORT_COMMAND = 'therapyTranscript.server.report';
const AGREEMENT_COMMAND = 'therapyTranscript.server.agreement';
const TRANSCRIPT_GLOB = '**/*.transcript';

/** A message from a report or agreement webview. */
type ViewMessage = { type: 'reveal'; line: number; source?: string } | { type: 'toggleUncoded' } | { type: 'loaded' };

function isViewMessage(value: unknown): value is ViewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; line?: unknown; source?: unknown };
  if (m.type === 'toggleUncoded' || m.type === 'loaded') return true;
  return m.type === 'reveal' && Number.isInteger(m.line) && (m.source === undefined || typeof m.source === 'string');
}

const nonce = () => randomBytes(16).toString('base64');

function webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  // No local resources at all (everything is inline), no command links; find works in the page.
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [], enableFindWidget: true };
}

const baseName = (uri: vscode.Uri) => decodeURIComponent(uri.path.split('/').pop() ?? uri.toString());

/**
 * Show line `line` (1-based) of `uri` in an editor, the cursor at its start:
 * in the editor that already shows it, else in the first column.
 */
export async function revealLine(uri: vscode.Uri, line: number): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(document, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
  const at = new vscode.Position(Math.min(Math.max(0, line - 1), Math.max(0, document.lineCount - 1)), 0);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** Who waits for a webview's page to have loaded (its script posts `loaded`). */
class LoadWaiters {
  private waiting: Array<() => void> = [];
  next(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  loaded(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** The report panels, one per transcript, kept up to date as the transcript changes. */
export class ReportPanels implements vscode.Disposable {
  private readonly loads = new LoadWaiters();
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; report?: SessionReport; timer?: ReturnType<typeof setTimeout> }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: LanguageClient) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        const entry = this.panels.get(event.document.uri.toString());
        if (!entry || event.contentChanges.length === 0) return;
        // A burst of typing is one refresh, a moment after it stops.
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          void this.refresh(event.document.uri).catch(() => undefined);
        }, 600);
      }),
    );
  }

  /** The report of the transcript at `uri` (opened as a document if it is not), in its panel; resolves with the report shown. */
  async show(uri: vscode.Uri): Promise<SessionReport | undefined> {
    const key = uri.toString();
    let entry = this.panels.get(key);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, `Report: ${baseName(uri)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions());
      const created: { panel: vscode.WebviewPanel; report?: SessionReport; timer?: ReturnType<typeof setTimeout> } = { panel };
      entry = created;
      this.panels.set(key, created);
      panel.onDidDispose(() => {
        if (created.timer) clearTimeout(created.timer);
        if (this.panels.get(key) === created) this.panels.delete(key);
      });
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isViewMessage(message)) return;
        if (message.type === 'loaded') return this.loads.loaded();
        // Only lines of this transcript: a page's message never opens another file.
        if (message.type !== 'reveal' || (message.source && message.source !== key)) return;
        void revealLine(uri, message.line).catch((error: unknown) => {
          void vscode.window.showErrorMessage(`Could not show line ${message.line}: ${(error as Error).message}`);
        });
      });
    } else {
      entry.panel.reveal(undefined, true);
    }
    return this.refresh(uri);
  }

  /** Resolves when a report page next finishes loading (for screenshots). */
  nextLoad(): Promise<void> {
    return this.loads.next();
  }

  /** The report last shown for `uri` (tests, and the lens's figures). */
  shown(uri: vscode.Uri): SessionReport | undefined {
    return this.panels.get(uri.toString())?.report;
  }

  private async refresh(uri: vscode.Uri): Promise<SessionReport | undefined> {
    const entry = this.panels.get(uri.toString());
    if (!entry) return undefined;
    // The server reports on open documents: open it (no editor is shown, nothing becomes dirty).
    await vscode.workspace.openTextDocument(uri);
    const report = (await this.client.sendRequest(ExecuteCommandRequest.type, { command: REPORT_COMMAND, arguments: [uri.toString()] })) as SessionReport | null;
    if (!report || entry.panel !== this.panels.get(uri.toString())?.panel) return undefined;
    entry.report = report;
    entry.panel.title = `Report: ${report.name}`;
    entry.panel.webview.html = sessionHtml(report, { target: 'webview', nonce: nonce(), cspSource: entry.panel.webview.cspSource });
    return report;
  }

  dispose(): void {
    for (const { panel, timer } of this.panels.values()) {
      if (timer) clearTimeout(timer);
      panel.dispose();
    }
    this.panels.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

export interface CompareOptions {
  /** Leave out the turns neither coder tagged (asked with a quick pick when not given). */
  excludeUncoded?: boolean;
}

/**
 * Two coders, one session: A is the given file (the explorer's, or the active
 * editor's), B is picked from the workspace's other transcripts or a file
 * dialog; or both come from a selection of two files in the explorer.
 */
export class AgreementPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly loads = new LoadWaiters();
  private current: { a: vscode.Uri; b: vscode.Uri; excludeUncoded: boolean; report: AgreementReport } | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** The command: resolves with the report shown, or undefined when the user cancelled. */
  async compare(first?: vscode.Uri, selected?: readonly vscode.Uri[], b?: vscode.Uri, options: CompareOptions = {}): Promise<AgreementReport | undefined> {
    const pair = selected && selected.length === 2 ? [selected[0]!, selected[1]!] : undefined;
    const a = pair?.[0] ?? first ?? vscode.window.activeTextEditor?.document.uri;
    if (!a) {
      void vscode.window.showInformationMessage('Open a transcript (or select two in the Explorer) to compare two coders.');
      return undefined;
    }
    const other = pair?.[1] ?? b ?? (await pickSecond(a));
    if (!other) return undefined;
    let excludeUncoded = options.excludeUncoded;
    if (excludeUncoded === undefined) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Every turn', description: 'turns neither coder tagged count as agreeing on "none"', exclude: false },
          { label: 'Leave out uncoded turns', description: 'only turns at least one coder tagged', exclude: true },
        ],
        { title: `Compare ${baseName(a)} with ${baseName(other)}`, placeHolder: 'Which turns to compare' },
      );
      if (!picked) return undefined;
      excludeUncoded = picked.exclude;
    }
    return this.run(a, other, excludeUncoded);
  }

  /** Resolves when the page next finishes loading (for screenshots). */
  nextLoad(): Promise<void> {
    return this.loads.next();
  }

  /** The report last shown (tests). */
  shown(): AgreementReport | undefined {
    return this.current?.report;
  }

  private async run(a: vscode.Uri, b: vscode.Uri, excludeUncoded: boolean): Promise<AgreementReport | undefined> {
    let report: AgreementReport;
    try {
      report = (await this.client.sendRequest(ExecuteCommandRequest.type, { command: AGREEMENT_COMMAND, arguments: [a.toString(), b.toString(), { excludeUncoded }] })) as AgreementReport;
    } catch (error) {
      void vscode.window.showErrorMessage(`Compare two coders: ${(error as Error).message}`);
      return undefined;
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(AGREEMENT_VIEW_TYPE, 'Two coders', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions());
      this.panel = panel;
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.current = undefined;
        }
      });
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isViewMessage(message)) return;
        if (message.type === 'loaded') return this.loads.loaded();
        if (!this.current) return;
        if (message.type === 'toggleUncoded') {
          void this.run(this.current.a, this.current.b, !this.current.excludeUncoded);
          return;
        }
        const { a, b } = this.current;
        if (message.source && message.source !== a.toString() && message.source !== b.toString()) return;
        void revealLine(message.source === b.toString() ? b : a, message.line).catch((error: unknown) => {
          void vscode.window.showErrorMessage(`Could not show line ${message.line}: ${(error as Error).message}`);
        });
      });
    } else {
      this.panel.reveal(undefined, true);
    }
    this.current = { a, b, excludeUncoded, report };
    this.panel.title = `Two coders: ${report.a} vs ${report.b}`;
    this.panel.webview.html = agreementHtml(report, { target: 'webview', nonce: nonce(), cspSource: this.panel.webview.cspSource }, [a.toString(), b.toString()]);
    return report;
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
  }
}

/** The second coder's copy: another transcript of the workspace (same name first), or any file by dialog. */
async function pickSecond(a: vscode.Uri): Promise<vscode.Uri | undefined> {
  const files = (await vscode.workspace.findFiles(TRANSCRIPT_GLOB, '**/node_modules/**', 2000)).filter((u) => u.toString() !== a.toString());
  const stem = baseName(a).replace(/\.transcript$/i, '').toLowerCase();
  const score = (u: vscode.Uri) => (baseName(u).toLowerCase().includes(stem) ? 0 : 1);
  files.sort((x, y) => score(x) - score(y) || vscode.workspace.asRelativePath(x).localeCompare(vscode.workspace.asRelativePath(y)));
  const browse = { label: '$(folder-opened) Browse…', description: 'any file', uri: undefined as vscode.Uri | undefined };
  const items = [...files.map((u) => ({ label: baseName(u), description: vscode.workspace.asRelativePath(u), uri: u as vscode.Uri | undefined })), browse];
  const picked = await vscode.window.showQuickPick(items, { title: `Compare ${baseName(a)} (coder A) with… (coder B)`, placeHolder: 'The second coder’s copy of the same transcript', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare', title: 'The second coder’s copy', filters: { Transcripts: ['transcript', 'txt'], 'All files': ['*'] } });
  return chosen?.[0];
}

/**
 * One report across the sessions of a folder (a trainee's term): the table of
 * sessions, the trends and each session's report, as `transcript-lint report
 * <folder>` writes it. Each transcript is opened as a document (no editor is
 * shown, nothing becomes dirty) and reported by the server.
 */
export class TermPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly loads = new LoadWaiters();
  /** The files of the sessions shown, by URI string. */
  private sources = new Map<string, vscode.Uri>();

  constructor(private readonly client: LanguageClient) {}

  /** The command: the folder from the Explorer, else one picked among the workspace folders; resolves with the report shown. */
  async show(folder?: vscode.Uri): Promise<TermReport | undefined> {
    const target = folder ?? (await pickFolder());
    if (!target) return undefined;
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(target, TRANSCRIPT_GLOB), '**/node_modules/**', MAX_TERM_SESSIONS + 1);
    if (found.length === 0) {
      void vscode.window.showInformationMessage(`No .transcript files in ${vscode.workspace.asRelativePath(target)}.`);
      return undefined;
    }
    if (found.length > MAX_TERM_SESSIONS) void vscode.window.showWarningMessage(`More than ${MAX_TERM_SESSIONS} transcripts: the first ${MAX_TERM_SESSIONS} are reported (transcript-lint report takes any number).`);
    const files = found.slice(0, MAX_TERM_SESSIONS).sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
    const title = `Sessions — ${baseName(target)}`;
    const term = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reporting ${files.length} sessions`, cancellable: true }, async (progress, token) => {
      const reports: SessionReport[] = [];
      const skipped: Array<{ name: string; error: string }> = [];
      for (const file of files) {
        if (token.isCancellationRequested) return undefined;
        progress.report({ increment: 100 / files.length, message: baseName(file) });
        try {
          await vscode.workspace.openTextDocument(file);
          const report = (await this.client.sendRequest(ExecuteCommandRequest.type, { command: REPORT_COMMAND, arguments: [file.toString()] })) as SessionReport | null;
          if (report) reports.push({ ...report, name: vscode.workspace.asRelativePath(file, false) });
          else skipped.push({ name: vscode.workspace.asRelativePath(file, false), error: 'no report' });
        } catch (error) {
          skipped.push({ name: vscode.workspace.asRelativePath(file, false), error: (error as Error).message });
        }
      }
      return termReport(reports, title, skipped);
    });
    if (!term) return undefined;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(TERM_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active }, webviewOptions());
      this.panel = panel;
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
      });
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isViewMessage(message)) return;
        if (message.type === 'loaded') return this.loads.loaded();
        // Only lines of the sessions reported.
        const source = message.type === 'reveal' ? this.sources.get(message.source ?? '') : undefined;
        if (message.type !== 'reveal' || !source) return;
        void revealLine(source, message.line).catch((error: unknown) => {
          void vscode.window.showErrorMessage(`Could not show line ${message.line}: ${(error as Error).message}`);
        });
      });
    } else {
      this.panel.reveal();
    }
    this.panel.title = title;
    this.sources = new Map(files.map((f) => [f.toString(), f]));
    this.panel.webview.html = termHtml(term, { target: 'webview', nonce: nonce(), cspSource: this.panel.webview.cspSource });
    return term;
  }

  /** Resolves when the page next finishes loading (for screenshots). */
  nextLoad(): Promise<void> {
    return this.loads.next();
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
  }
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]!.uri;
  if (folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose sessions to report' });
    if (picked) return picked.uri;
    return undefined;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: 'Report', title: 'The folder whose sessions to report' });
  return chosen?.[0];
}
