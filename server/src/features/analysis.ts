/**
 * Per-document analysis for the server: the latest analysis of each open
 * document, recomputed at most once per version, reusing the features of
 * unchanged turns from the previous version.
 */
import { URI } from 'vscode-uri';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintTree, type Analysis } from '../core/lint.ts';
import { FeatureCache } from '../core/session.ts';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import { addChange, reparse, type DirtyRange } from '../core/incremental.ts';
import type { SettingsResolver, ResolvedFileSettings } from '../core/resolve.ts';

export interface DocumentAnalysis extends Analysis {
  uri: string;
  version: number;
  settings: ResolvedFileSettings;
  /** Milliseconds the analysis took. */
  duration: number;
  /** Whether only the turns around the edits were parsed again. */
  incremental: boolean;
}

export class AnalysisStore {
  private readonly latest = new Map<string, DocumentAnalysis>();
  private readonly caches = new Map<string, FeatureCache>();
  /** What changed in each document since its last analysis; `null`: parse it in full. */
  private readonly dirty = new Map<string, DirtyRange | null>();

  constructor(private readonly resolver: SettingsResolver) {}

  /** An edit replaced `[start, end)` of the current text with `inserted` characters. */
  changed(uri: string, start: number, end: number, inserted: number): void {
    const known = this.dirty.get(uri);
    if (known === null) return;
    this.dirty.set(uri, addChange(known, start, end, inserted));
  }

  /** The whole document was replaced: parse it in full next time. */
  replaced(uri: string): void {
    this.dirty.set(uri, null);
  }

  /** The analysis of this version of the document, computing it if needed. */
  get(document: TextDocument): DocumentAnalysis {
    const known = this.latest.get(document.uri);
    if (known && known.version === document.version) return known;
    const started = performance.now();
    const settings = this.resolver.forFile(filePathOf(document.uri));
    let cache = this.caches.get(document.uri);
    if (!cache) this.caches.set(document.uri, (cache = new FeatureCache()));
    const text = document.getText();
    const speakers = new SpeakerTable(settings.config.speakers);
    // Reparse only around the edits when the previous analysis had the same settings.
    const dirty = this.dirty.get(document.uri);
    this.dirty.delete(document.uri);
    const reused =
      known && dirty && known.settings === settings ? reparse({ text: known.session.text, tree: known.session.tree }, text, dirty, speakers) : undefined;
    const tree = reused ?? parseTranscript(text, { speakers });
    const incremental = reused !== undefined;
    const analysis = lintTree(tree, text, { config: settings.config, codebook: settings.codebook, cache }, speakers);
    const result: DocumentAnalysis = {
      ...analysis,
      problems: [...settings.problems, ...analysis.problems],
      uri: document.uri,
      version: document.version,
      settings,
      duration: performance.now() - started,
      incremental,
    };
    this.latest.set(document.uri, result);
    return result;
  }

  /** The codebook for the workspace (from any analysis, or the resolver's default). */
  peekCodebook() {
    const any = this.latest.values().next().value as DocumentAnalysis | undefined;
    return any?.settings.codebook ?? this.resolver.forFile(undefined).codebook;
  }

  /** The last analysis, whatever its version (for stale-safe reads). */
  peek(uri: string): DocumentAnalysis | undefined {
    return this.latest.get(uri);
  }

  forget(uri: string): void {
    this.latest.delete(uri);
    this.caches.delete(uri);
    this.dirty.delete(uri);
  }

  /** Settings changed: every analysis must be redone, in full. */
  invalidate(): void {
    this.latest.clear();
    this.dirty.clear();
    // Cached detector results may depend on the settings (speakers, codebook).
    this.caches.clear();
  }
}

/** The file system path of a `file:` URI, or undefined for untitled documents. */
export function filePathOf(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}
