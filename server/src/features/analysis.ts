/**
 * Per-document analysis for the server: the latest analysis of each open
 * document, recomputed at most once per version, reusing the features of
 * unchanged turns from the previous version.
 */
import { URI } from 'vscode-uri';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../core/lint.ts';
import { FeatureCache } from '../core/session.ts';
import type { SettingsResolver, ResolvedFileSettings } from '../core/resolve.ts';

export interface DocumentAnalysis extends Analysis {
  uri: string;
  version: number;
  settings: ResolvedFileSettings;
  /** Milliseconds the analysis took. */
  duration: number;
}

export class AnalysisStore {
  private readonly latest = new Map<string, DocumentAnalysis>();
  private readonly caches = new Map<string, FeatureCache>();

  constructor(private readonly resolver: SettingsResolver) {}

  /** The analysis of this version of the document, computing it if needed. */
  get(document: TextDocument): DocumentAnalysis {
    const known = this.latest.get(document.uri);
    if (known && known.version === document.version) return known;
    const started = performance.now();
    const settings = this.resolver.forFile(filePathOf(document.uri));
    let cache = this.caches.get(document.uri);
    if (!cache) this.caches.set(document.uri, (cache = new FeatureCache()));
    const analysis = analyze(document.getText(), { config: settings.config, codebook: settings.codebook, cache });
    const result: DocumentAnalysis = {
      ...analysis,
      problems: [...settings.problems, ...analysis.problems],
      uri: document.uri,
      version: document.version,
      settings,
      duration: performance.now() - started,
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
  }

  /** Settings changed: every analysis must be redone. */
  invalidate(): void {
    this.latest.clear();
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
