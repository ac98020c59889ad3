/**
 * Per-document analysis for the server: the latest analysis of each open
 * document, recomputed at most once per version, reusing the features of
 * unchanged turns from the previous version.
 */
import { URI } from 'vscode-uri';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintSteps, type Analysis, type LintMessage } from '../core/lint.ts';
import { DEFAULT_MAX_PROBLEMS_PER_RULE } from '../settings.ts';
import type { Root } from '../core/types.ts';
import { FeatureCache } from '../core/incremental/cache.ts';
import { Session } from '../core/session.ts';
import { parseSteps } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import { addChange, reparseInSteps, type DirtyRange } from '../core/incremental/reparse.ts';
import { runToEnd } from '../core/incremental/steps.ts';
import { tooLargeReason } from '../core/limits.ts';
import type { SettingsResolver, ResolvedFileSettings } from '../core/resolve.ts';

/**
 * What most requests need of a document: its session (tree, turns and their
 * features), not the rules' findings. It is ready once the text is parsed,
 * before the rules run (on a large session, well before).
 */
export interface SessionView {
  uri: string;
  version: number;
  settings: ResolvedFileSettings;
  session: Session;
}

export interface DocumentAnalysis extends Analysis {
  uri: string;
  version: number;
  settings: ResolvedFileSettings;
  /** Milliseconds the analysis took. */
  duration: number;
  /** Whether only the turns around the edits were parsed again. */
  incremental: boolean;
}

/** The text and tree last parsed for a document: edits are reparsed from here. */
interface ParsedText {
  text: string;
  tree: Root;
  settings: ResolvedFileSettings;
}

/** An analysis under way, in steps: shifting or parsing the turns, then linting. */
interface AnalysisRun {
  version: number;
  /** The text analysed (with the version, what the run is of). */
  text: string;
  steps: Generator<void, DocumentAnalysis>;
  /** A full analysis of a large document: worth showing the turn rules' problems first. */
  long: boolean;
  /** Who wants the turn rules' problems as soon as they are known. */
  onTurnFindings?: ((messages: readonly LintMessage[], problems: string[]) => void) | undefined;
  /** The analysis, once done (by whichever caller drove the last step). */
  result?: DocumentAnalysis;
  /** The session, once made (before the rules run). */
  view?: SessionView;
}

/**
 * Everything the store holds for one document, in one place (what used to be
 * seven maps by URI, kept in step by hand).
 */
interface DocumentState {
  /** The latest analysis done. */
  latest?: DocumentAnalysis;
  /** The detector results of its turns, kept across versions. */
  readonly cache: FeatureCache;
  /** The text and tree last parsed: edits are reparsed from here. */
  parsed?: ParsedText;
  /** The analysis under way. */
  run?: AnalysisRun;
  /** What changed since `parsed`; `null`: parse it in full; none: nothing. */
  dirty?: DirtyRange | null;
  /** Edits seen (to know whether any came during a full parse). */
  edits: number;
  /** The turns after an edit of `parsed`, still to be shifted (see `reparseInSteps`). */
  turnsToShift?: Generator<void, void>;
}

/** What a caller of `getInSlices` may want to hear about before the analysis is done. */
export interface SliceHooks {
  /** The analysis is a full one of a large document (it will take a while). Called at once. */
  long?(): void;
  /** The turn rules' problems of a long analysis, before the session-wide rules run. */
  turnFindings?(messages: readonly LintMessage[], problems: string[]): void;
}

/** A full analysis of a document this long publishes its turn rules' problems first. */
export const LONG_ANALYSIS_CHARS = 2_000_000;

/** How long an analysis runs before it lets the server answer other requests. */
const SLICE_MS = 6;

export class AnalysisStore {
  private readonly documents = new Map<string, DocumentState>();
  /** The speaker table of each settings object (see `run`). */
  private readonly speakerTables = new WeakMap<object, SpeakerTable>();

  /** Findings listed per rule and document; the rest are summed up in one (see `therapyTranscript.maxProblemsPerRule`). */
  maxFindingsPerRule = DEFAULT_MAX_PROBLEMS_PER_RULE;

  /** How long an analysis runs before it lets the server answer other requests (tests: 0, a step at a time). */
  private readonly sliceMs: number;

  constructor(
    private readonly resolver: SettingsResolver,
    options: { sliceMs?: number } = {},
  ) {
    this.sliceMs = options.sliceMs ?? SLICE_MS;
  }

  /** The document's state, made on first use. */
  private state(uri: string): DocumentState {
    let state = this.documents.get(uri);
    if (!state) this.documents.set(uri, (state = { cache: new FeatureCache(), edits: 0 }));
    return state;
  }

  /** An edit replaced `[start, end)` of the current text with `inserted` characters. */
  changed(uri: string, start: number, end: number, inserted: number): void {
    const state = this.state(uri);
    state.edits++;
    if (state.dirty === null) return;
    state.dirty = addChange(state.dirty, start, end, inserted);
  }

  /** The whole document was replaced: parse it in full next time. */
  replaced(uri: string): void {
    const state = this.state(uri);
    state.edits++;
    state.dirty = null;
  }

  /**
   * The latest analysis if it is of this document as it is now: its version and its text (a
   * document closed and opened again starts at version 1 again, with other text).
   */
  private current(document: TextDocument): DocumentAnalysis | undefined {
    const known = this.documents.get(document.uri)?.latest;
    return known && known.version === document.version && known.session.text === document.getText() ? known : undefined;
  }

  /** The analysis of this version of the document, computed now (finishing one under way). */
  get(document: TextDocument): DocumentAnalysis {
    const known = this.current(document);
    if (known) return known;
    const run = this.run(document);
    for (;;) {
      const step = run.steps.next();
      if (step.done) {
        const result = run.result ?? step.value;
        // A run that failed (a rule threw) has no result: say so rather than return nothing.
        if (!result) throw new Error(`the analysis of ${document.uri} (version ${document.version}) failed`);
        return result;
      }
    }
  }

  /** Are turns of this document's parsed text still to be shifted after an edit? (For tests.) */
  hasPendingMove(uri: string): boolean {
    return this.documents.get(uri)?.turnsToShift !== undefined;
  }

  /**
   * The analysis of this version, computed in slices of a few milliseconds so
   * the server keeps answering requests meanwhile. Resolves `undefined` when
   * `wanted()` turns false (the document has moved on): the work is dropped.
   * When a request finished the run meanwhile (through `get`), resolves with
   * its result, which may then be for a version the document has left:
   * callers compare versions.
   */
  async getInSlices(document: TextDocument, wanted: () => boolean, hooks?: SliceHooks): Promise<DocumentAnalysis | undefined> {
    const known = this.current(document);
    if (known) return known;
    const run = this.run(document);
    if (run.long && hooks) {
      hooks.long?.();
      run.onTurnFindings = hooks.turnFindings;
    }
    return this.drive(document, run, wanted, () => run.result);
  }

  /**
   * The session of this version, in slices as `getInSlices`: ready as soon as
   * the text is parsed and its turns made, before the rules run, so a hover or
   * the outline of a large session does not wait for every rule. Resolves
   * `undefined` when `wanted()` turns false.
   */
  async sessionInSlices(document: TextDocument, wanted: () => boolean): Promise<SessionView | undefined> {
    const known = this.current(document);
    if (known) return known;
    const run = this.run(document);
    return this.drive(document, run, wanted, () => run.view ?? run.result);
  }

  /** Drive a run's steps in slices until `ready()` has something (or the run ends, or is not wanted). */
  private async drive<T>(document: TextDocument, run: AnalysisRun, wanted: () => boolean, ready: () => T | undefined): Promise<T | DocumentAnalysis | undefined> {
    let sliceStart = performance.now();
    for (;;) {
      const early = ready();
      if (early) return early;
      const step = run.steps.next();
      // (A request may have finished the run meanwhile, through `get`: its result is the one.)
      if (step.done) return run.result ?? step.value;
      if (performance.now() - sliceStart < this.sliceMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      const done = ready();
      if (done) return done;
      if (!wanted() || this.documents.get(document.uri)?.run !== run) return undefined;
      sliceStart = performance.now();
    }
  }

  /** Start (or join) the analysis of the document's current version: reparse around the edits now, the rest in steps. */
  private run(document: TextDocument): AnalysisRun {
    const uri = document.uri;
    const text = document.getText();
    const state = this.state(uri);
    const running = state.run;
    if (running && running.version === document.version && running.text === text) return running;
    const started = performance.now();
    const settings = this.resolver.forFile(filePathOf(uri));
    const { cache } = state;
    // One speaker table per settings: the detectors memoise per turn against it (by identity).
    let speakers = this.speakerTables.get(settings);
    if (!speakers) this.speakerTables.set(settings, (speakers = new SpeakerTable(settings.config.speakers)));
    // Reparse only around the edits when the text last parsed was parsed with the same settings.
    const { parsed, dirty } = state;
    state.dirty = undefined;
    const incremental = parsed && dirty && parsed.settings === settings;
    // The turns after an edit of the parsed text are shifted in steps by the run that reparsed it: finish
    // that first when this run reparses from that text (a full parse has no use for it).
    const shifting = state.turnsToShift;
    if (shifting) {
      if (incremental) runToEnd(shifting);
      state.turnsToShift = undefined;
    }
    const reparsed = incremental ? reparseInSteps(parsed, text, dirty, speakers) : undefined;
    const reused = reparsed?.tree;
    if (reparsed) state.turnsToShift = reparsed.shiftTurnsAfter;
    if (reused) {
      // The reparse reused the parsed text's nodes (the run shifts those after the edit): this is the parsed text from now on.
      state.parsed = { text, tree: reused, settings };
    } else {
      // A full parse, in steps: until it is done, the next run must parse in full too.
      state.parsed = undefined;
      state.dirty = null;
    }
    const editsBefore = state.edits;
    const version = document.version;
    const { maxFindingsPerRule } = this;
    const run: AnalysisRun = { version, text, steps: undefined as unknown as AnalysisRun['steps'], long: !reused && text.length >= LONG_ANALYSIS_CHARS };
    const onTurnFindings = run.long
      ? (messages: readonly LintMessage[], problems: readonly string[]) => run.onTurnFindings?.(messages, [...settings.problems, ...problems])
      : undefined;
    // A full parse of a text too large for this process's heap (too many characters or turns) is not
    // tried: the document gets one problem saying so, and nothing else.
    const tooLarge = reused ? undefined : tooLargeReason(text);
    const steps = function* (): Generator<void, DocumentAnalysis> {
      let tree = reused;
      if (tooLarge) tree = { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } };
      if (reparsed) {
        // Shift the turns after the edit (in steps; a later run finishes it if this one is dropped).
        yield* reparsed.shiftTurnsAfter;
        if (state.turnsToShift === reparsed.shiftTurnsAfter) state.turnsToShift = undefined;
      }
      if (!tree) {
        tree = yield* parseSteps(text, { speakers });
        state.parsed = { text, tree, settings };
        // No edit since: the next run may reparse from this tree.
        if (state.edits === editsBefore) state.dirty = undefined;
      }
      const session = yield* Session.steps(text, tree, { cache, codebook: settings.codebook, speakers });
      run.view = { uri, version, settings, session };
      yield;
      const analysis = yield* lintSteps(tree, text, { config: settings.config, codebook: settings.codebook, cache, maxFindingsPerRule, onTurnFindings, session }, speakers);
      const result: DocumentAnalysis = {
        ...analysis,
        problems: [...settings.problems, ...analysis.problems, ...(tooLarge ? [tooLarge] : [])],
        uri,
        version,
        settings,
        duration: performance.now() - started,
        incremental: reused !== undefined,
      };
      state.latest = result;
      run.result = result;
      return result;
    };
    run.steps = (function* () {
      try {
        return yield* steps();
      } finally {
        // Done, or failed (a rule threw): either way the next caller starts afresh.
        if (state.run === run) state.run = undefined;
      }
    })();
    state.run = run;
    return run;
  }

  /** The codebook for the workspace (from any analysis, or the resolver's default). */
  peekCodebook() {
    for (const state of this.documents.values()) if (state.latest) return state.latest.settings.codebook;
    return this.resolver.forFile(undefined).codebook;
  }

  forget(uri: string): void {
    this.documents.delete(uri);
  }

  /** Settings changed: every analysis must be redone, in full. */
  invalidate(): void {
    // Only the count of edits stays; cached detector results may depend on the settings (speakers, codebook).
    for (const [uri, state] of this.documents) this.documents.set(uri, { cache: new FeatureCache(), edits: state.edits });
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
