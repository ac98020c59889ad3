/**
 * The whole workspace at once, for a supervisor: every transcript's problems
 * (`workspace/diagnostic`, or pushed by the "Lint workspace" command to a
 * client without pull diagnostics), and "Fix all in workspace".
 *
 * Open documents are the editor's (their own diagnostics, their current
 * text); the other transcripts are read from disk and analysed one at a time,
 * yielding between files so the server keeps answering. A file's result is
 * kept while its size, modification time and the settings stay the same, so
 * a client that asks again (VS Code does, every few seconds) costs a `stat`
 * per file.
 */
import fs from 'node:fs';
import { URI } from 'vscode-uri';
import type { CancellationToken, Diagnostic, TextDocuments, WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SettingsResolver } from '../core/resolve.ts';
import { analyze, fixAndAnalyze, type LintMessage } from '../core/lint.ts';
import { checkText } from '../cli/input.ts';
import { minimalEdit } from './fixes.ts';

export interface FileLint {
  uri: string;
  resultId: string;
  messages: readonly LintMessage[];
  problems: readonly string[];
}

export interface WorkspaceFiles {
  /** Every transcript file in the workspace folders, sorted. */
  transcriptFiles(): Promise<string[]>;
}

/** What a workspace run reports back (the command's result, and its message). */
export interface WorkspaceSummary {
  files: number;
  filesWithProblems: number;
  problems: number;
}

/** Larger files are not linted with the workspace (opening one analyses it). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkspaceLint {
  private readonly results = new Map<string, FileLint>();
  /** Bumped when the settings change: every kept result is stale then. */
  private generation = 0;

  constructor(
    private readonly files: WorkspaceFiles,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly resolver: SettingsResolver,
  ) {}

  settingsChanged(): void {
    this.generation++;
    this.results.clear();
  }

  /**
   * The transcripts of the workspace that are not open, linted (or known
   * unchanged): calls `each` for every file in order; stops when `token` is
   * cancelled. `progress(done, total)` after each file.
   */
  async lint(
    each: (result: FileLint) => void,
    options: { token?: CancellationToken; progress?: (done: number, total: number) => void; working?: () => void } = {},
  ): Promise<boolean> {
    const open = new Set(this.documents.all().map((d) => d.uri));
    const files = (await this.files.transcriptFiles()).filter((file) => !open.has(URI.file(file).toString()));
    const seen = new Set<string>();
    for (let i = 0; i < files.length; i++) {
      if (options.token?.isCancellationRequested) return false;
      const file = files[i]!;
      const uri = URI.file(file).toString();
      seen.add(uri);
      const result = await this.lintFile(uri, file, options.working);
      if (result) each(result);
      options.progress?.(i + 1, files.length);
      await yieldToRequests();
    }
    for (const uri of this.results.keys()) if (!seen.has(uri)) this.results.delete(uri);
    return true;
  }

  /** A transcript on disk, linted unless its size, time and the settings are those of the kept result. */
  /** `working`: called before a file is linted (not for one known unchanged). */
  private async lintFile(uri: string, file: string, working?: () => void): Promise<FileLint | undefined> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      this.results.delete(uri);
      return undefined;
    }
    const resultId = `${this.generation}:${stat.size}:${stat.mtimeMs}`;
    const known = this.results.get(uri);
    if (known?.resultId === resultId) return known;
    working?.();
    let result: FileLint;
    if (stat.size > MAX_FILE_BYTES) {
      result = { uri, resultId, messages: [], problems: [`This file is ${Math.round(stat.size / 1e6)} MB: too large to lint with the workspace; open it, or run transcript-lint on it.`] };
      this.results.set(uri, result);
      return result;
    }
    try {
      const text = await readTranscript(file);
      const problem = checkText(text, file);
      if (problem) result = { uri, resultId, messages: [], problems: [problem] };
      else {
        const settings = this.resolver.forFile(file);
        const analysis = analyze(text, { config: settings.config, codebook: settings.codebook });
        result = { uri, resultId, messages: analysis.messages, problems: [...settings.problems, ...analysis.problems] };
      }
    } catch (error) {
      result = { uri, resultId, messages: [], problems: [`Cannot lint ${file}: ${(error as Error).message}`] };
    }
    this.results.set(uri, result);
    return result;
  }

  /**
   * Every safe fix in every transcript of the workspace, as one workspace edit:
   * open documents from their current text (with their version), the others from disk.
   */
  async fixAll(): Promise<{ changes: Array<{ uri: string; version: number | null; edit: { start: number; end: number; text: string }; original: string }>; applied: number; files: number }> {
    const changes: Array<{ uri: string; version: number | null; edit: { start: number; end: number; text: string }; original: string }> = [];
    let applied = 0;
    const open = new Map(this.documents.all().map((d) => [d.uri, d] as const));
    const files = await this.files.transcriptFiles();
    const uris = new Map<string, string | undefined>(files.map((f) => [URI.file(f).toString(), f]));
    for (const uri of open.keys()) if (!uris.has(uri)) uris.set(uri, undefined);
    for (const [uri, file] of uris) {
      const document = open.get(uri);
      let text: string;
      try {
        text = document ? document.getText() : await readTranscript(file!);
      } catch {
        continue;
      }
      if (checkText(text, file)) continue;
      const settings = this.resolver.forFile(file ?? filePath(uri));
      const fixed = fixAndAnalyze(text, { config: settings.config, codebook: settings.codebook });
      if (fixed.text !== text) {
        changes.push({ uri, version: document ? document.version : null, edit: minimalEdit(text, fixed.text), original: text });
        applied += fixed.applied;
      }
      await yieldToRequests();
    }
    return { changes, applied, files: uris.size };
  }
}

/** A transcript's text, without a byte order mark (as the editor shows it). */
async function readTranscript(file: string): Promise<string> {
  const text = await fs.promises.readFile(file, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function filePath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}

export function workspaceReport(result: FileLint, diagnostics: Diagnostic[], previous: ReadonlyMap<string, string>): WorkspaceDocumentDiagnosticReport {
  if (previous.get(result.uri) === result.resultId) return { kind: 'unchanged', uri: result.uri, resultId: result.resultId, version: null };
  return { kind: 'full', uri: result.uri, resultId: result.resultId, version: null, items: diagnostics };
}
