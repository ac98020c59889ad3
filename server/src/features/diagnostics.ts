/**
 * Diagnostics: pushed after a short debounce (leading edge: an isolated edit
 * is analysed at once, a burst of edits once it settles), or pulled through
 * `textDocument/diagnostic` when the client supports it. A result is only
 * ever published for the version it was computed from.
 */
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisStore, SliceHooks } from './analysis.ts';
import { toDiagnostic } from './convert.ts';
import { SOURCE, type LintMessage } from '../core/lint.ts';
import { budgetMessages, DEFAULT_MAX_PROBLEMS_PER_FILE } from './budget.ts';

/** The diagnostics of an analysis: at most `maxPerFile`, the most important first (see budget.ts). */
export function diagnosticsOf(analysis: { uri: string; messages: readonly LintMessage[]; problems: readonly string[] }, maxPerFile = DEFAULT_MAX_PROBLEMS_PER_FILE): Diagnostic[] {
  const diagnostics = budgetMessages(analysis.messages, maxPerFile, analysis.problems.length).messages.map((m) => toDiagnostic(analysis.uri, m));
  for (const problem of analysis.problems) {
    diagnostics.unshift({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 2,
      code: 'config',
      source: SOURCE,
      message: problem,
    });
  }
  return diagnostics;
}

export interface DiagnosticsOptions {
  /** The client pulls diagnostics (`textDocument/diagnostic`). */
  pull: boolean;
  /** Quiet time after a burst of edits before analysing, in milliseconds. */
  debounceMs: number;
  /** The client supports `workspace/diagnostic/refresh` (pull clients are asked to pull again when settings change). */
  refresh?: boolean;
}

export class DiagnosticsFeature {
  private readonly timers = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  private readonly lastChange = new Map<string, number>();
  /** At most this many problems per file (`therapyTranscript.maxProblemsPerFile`). */
  maxProblemsPerFile = DEFAULT_MAX_PROBLEMS_PER_FILE;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly store: AnalysisStore,
    private readonly options: DiagnosticsOptions,
  ) {
    if (options.pull) {
      connection.languages.diagnostics.on(async (params) => {
        const uri = params.textDocument.uri;
        for (;;) {
          const document = documents.get(uri);
          if (!document) return { kind: 'full', items: [] };
          const version = document.version;
          // The same open document at the same version (closed and opened again is another document).
          const current = () => documents.get(uri) === document && document.version === version;
          const sliced = await store.getInSlices(document, current);
          // It changed, or was closed (and maybe opened again) meanwhile: answer for what it is now.
          if (!current()) continue;
          // (A result a request finished meanwhile may be for a version the document has left.)
          const analysis = sliced && sliced.version === version ? sliced : store.get(document);
          return { kind: 'full', items: diagnosticsOf(analysis, this.maxProblemsPerFile) };
        }
      });
    }
  }

  /** A document opened or changed. */
  changed(uri: string): void {
    if (this.options.pull) return;
    const now = performance.now();
    const previous = this.lastChange.get(uri);
    this.lastChange.set(uri, now);
    const pending = this.timers.get(uri);
    if (pending) this.clear(uri);
    const burst = pending !== undefined || (previous !== undefined && now - previous < this.options.debounceMs);
    const run = () => {
      this.timers.delete(uri);
      this.publish(uri);
    };
    this.timers.set(uri, burst ? setTimeout(run, this.options.debounceMs) : setImmediate(run));
  }

  /** Settings changed: recompute everything open. */
  refreshAll(): void {
    if (this.options.pull) {
      // Only a client that declared refreshSupport is asked; the others pull again on their next edit.
      if (this.options.refresh) {
        this.connection.languages.diagnostics.refresh().catch((error: unknown) => this.connection.console.warn(`The client refused to refresh diagnostics: ${(error as Error)?.message ?? String(error)}`));
      }
      return;
    }
    for (const document of this.documents.all()) this.changed(document.uri);
  }

  closed(uri: string): void {
    this.clear(uri);
    this.lastChange.delete(uri);
    if (!this.options.pull) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publish(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    const version = document.version;
    // The same open document at the same version (closed and opened again, it is another one).
    const current = () => this.documents.get(uri) === document && document.version === version;
    // A long analysis (a full one of a large session) shows progress, and the turn
    // rules' problems as soon as they are known; the rest replace them when done.
    let progress: Promise<{ done(): void } | undefined> | undefined;
    const hooks: SliceHooks = {
      long: () => {
        progress = this.connection.window
          .createWorkDoneProgress()
          .then((reporter) => {
            reporter.begin('Checking the transcript', undefined, 'repeats, questions and names across the session…');
            return reporter;
          })
          // A client that refuses a progress just does not show one.
          .catch(() => undefined);
      },
      turnFindings: (messages, problems) => {
        if (current()) void this.connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsOf({ uri, messages, problems }, this.maxProblemsPerFile) });
      },
    };
    // Analyse in slices; give up as soon as the document changes again (a new run is scheduled).
    void this.store
      .getInSlices(document, current, hooks)
      .then((analysis) => {
        // Never publish for a version the editor has already moved past.
        if (analysis && current() && analysis.version === version) {
          void this.connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: diagnosticsOf(analysis, this.maxProblemsPerFile) });
        }
      })
      .catch((error: unknown) => this.connection.console.error(`Analysis of ${uri} failed: ${(error as Error)?.stack ?? String(error)}`))
      .finally(() => {
        // The progress ends whatever happened (the client would show it forever otherwise).
        void progress?.then((reporter) => reporter?.done());
      });
  }

  private clear(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer === undefined) return;
    clearTimeout(timer as NodeJS.Timeout);
    clearImmediate(timer as NodeJS.Immediate);
    this.timers.delete(uri);
  }
}
