/**
 * Diagnostics: pushed after a short debounce (leading edge: an isolated edit
 * is analysed at once, a burst of edits once it settles), or pulled through
 * `textDocument/diagnostic` when the client supports it. A result is only
 * ever published for the version it was computed from.
 */
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisStore, DocumentAnalysis } from './analysis.ts';
import { toDiagnostic } from './convert.ts';
import { SOURCE } from '../core/lint.ts';

export function diagnosticsOf(analysis: DocumentAnalysis): Diagnostic[] {
  const diagnostics = analysis.messages.map((m) => toDiagnostic(analysis.uri, m));
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
}

export class DiagnosticsFeature {
  private readonly timers = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  private readonly lastChange = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly store: AnalysisStore,
    private readonly options: DiagnosticsOptions,
  ) {
    if (options.pull) {
      connection.languages.diagnostics.on(async (params) => {
        const document = documents.get(params.textDocument.uri);
        if (!document) return { kind: 'full', items: [] };
        const analysis = (await store.getInSlices(document, () => true)) ?? store.get(document);
        return { kind: 'full', items: diagnosticsOf(analysis) };
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
      void this.connection.languages.diagnostics.refresh();
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
    // Analyse in slices; give up as soon as the document changes again (a new run is scheduled).
    void this.store.getInSlices(document, () => this.documents.get(uri)?.version === version).then((analysis) => {
      // Never publish for a version the editor has already moved past.
      if (!analysis || this.documents.get(uri)?.version !== analysis.version) return;
      void this.connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: diagnosticsOf(analysis) });
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
