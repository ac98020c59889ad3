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
import { drain } from '../core/incremental/steps.ts';
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
interface Base {
  text: string;
  tree: Root;
  settings: ResolvedFileSettings;
}

/** An analysis under way, in steps: moving or parsing the turns, then linting. */
interface Job {
  version: number;
  /** The text analysed (with the version, what the job is of). */
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
  private readonly latest = new Map<string, DocumentAnalysis>();
  private readonly caches = new Map<string, FeatureCache>();
  private readonly bases = new Map<string, Base>();
  private readonly jobs = new Map<string, Job>();
  /** What changed in each document since its base was parsed; `null`: parse it in full. */
  private readonly dirty = new Map<string, DirtyRange | null>();
  /** Edits seen per document (to know whether any came during a full parse). */
  private readonly edits = new Map<string, number>();
  /** The speaker table of each settings object (see `job`). */
  private readonly speakerTables = new WeakMap<object, SpeakerTable>();
  /** Turns of a document's base still to be moved after an edit (see `reparseInSteps`). */
  private readonly moving = new Map<string, Generator<void, void>>();

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

  /** An edit replaced `[start, end)` of the current text with `inserted` characters. */
  changed(uri: string, start: number, end: number, inserted: number): void {
    this.edits.set(uri, (this.edits.get(uri) ?? 0) + 1);
    const known = this.dirty.get(uri);
    if (known === null) return;
    this.dirty.set(uri, addChange(known, start, end, inserted));
  }

  /** The whole document was replaced: parse it in full next time. */
  replaced(uri: string): void {
    this.edits.set(uri, (this.edits.get(uri) ?? 0) + 1);
    this.dirty.set(uri, null);
  }

  /**
   * The latest analysis if it is of this document as it is now: its version and its text (a
   * document closed and opened again starts at version 1 again, with other text).
   */
  private current(document: TextDocument): DocumentAnalysis | undefined {
    const known = this.latest.get(document.uri);
    return known && known.version === document.version && known.session.text === document.getText() ? known : undefined;
  }

  /** The analysis of this version of the document, computed now (finishing one under way). */
  get(document: TextDocument): DocumentAnalysis {
    const known = this.current(document);
    if (known) return known;
    const job = this.job(document);
    for (;;) {
      const step = job.steps.next();
      if (step.done) {
        const result = job.result ?? step.value;
        // A job that failed (a rule threw) has no result: say so rather than return nothing.
        if (!result) throw new Error(`the analysis of ${document.uri} (version ${document.version}) failed`);
        return result;
      }
    }
  }

  /** Are turns of this document's base still to be moved after an edit? (For tests.) */
  hasPendingMove(uri: string): boolean {
    return this.moving.has(uri);
  }

  /**
   * The analysis of this version, computed in slices of a few milliseconds so
   * the server keeps answering requests meanwhile. Resolves `undefined` when
   * `wanted()` turns false (the document has moved on): the work is dropped.
   * When a request finished the job meanwhile (through `get`), resolves with
   * its result, which may then be for a version the document has left:
   * callers compare versions.
   */
  async getInSlices(document: TextDocument, wanted: () => boolean, hooks?: SliceHooks): Promise<DocumentAnalysis | undefined> {
    const known = this.current(document);
    if (known) return known;
    const job = this.job(document);
    if (job.long && hooks) {
      hooks.long?.();
      job.onTurnFindings = hooks.turnFindings;
    }
    return this.drive(document, job, wanted, () => job.result);
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
    const job = this.job(document);
    return this.drive(document, job, wanted, () => job.view ?? job.result);
  }

  /** Run a job's steps in slices until `ready()` has something (or the job ends, or is not wanted). */
  private async drive<T>(document: TextDocument, job: Job, wanted: () => boolean, ready: () => T | undefined): Promise<T | DocumentAnalysis | undefined> {
    let sliceStart = performance.now();
    for (;;) {
      const early = ready();
      if (early) return early;
      const step = job.steps.next();
      // (A request may have finished the job meanwhile, through `get`: its result is the one.)
      if (step.done) return job.result ?? step.value;
      if (performance.now() - sliceStart < this.sliceMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      const done = ready();
      if (done) return done;
      if (!wanted() || this.jobs.get(document.uri) !== job) return undefined;
      sliceStart = performance.now();
    }
  }

  /** Start (or join) the analysis of the document's current version: reparse around the edits now, the rest in steps. */
  private job(document: TextDocument): Job {
    const uri = document.uri;
    const text = document.getText();
    const running = this.jobs.get(uri);
    if (running && running.version === document.version && running.text === text) return running;
    const started = performance.now();
    const settings = this.resolver.forFile(filePathOf(uri));
    let cache = this.caches.get(uri);
    if (!cache) this.caches.set(uri, (cache = new FeatureCache()));
    // One speaker table per settings: the detectors memoise per turn against it (by identity).
    let speakers = this.speakerTables.get(settings);
    if (!speakers) this.speakerTables.set(settings, (speakers = new SpeakerTable(settings.config.speakers)));
    // Reparse only around the edits when the base was parsed with the same settings.
    const base = this.bases.get(uri);
    const dirty = this.dirty.get(uri);
    this.dirty.delete(uri);
    const incremental = base && dirty && base.settings === settings;
    // The base's turns after an edit are moved in steps by the job that reparsed it: finish
    // that first when this job reparses from the base (a full parse has no use for it).
    const moving = this.moving.get(uri);
    if (moving) {
      if (incremental) drain(moving);
      this.moving.delete(uri);
    }
    const reparsed = incremental ? reparseInSteps(base, text, dirty, speakers) : undefined;
    const reused = reparsed?.tree;
    if (reparsed) this.moving.set(uri, reparsed.settle);
    if (reused) {
      // The reparse reused the base's nodes (the job moves those after the edit): this is the base from now on.
      this.bases.set(uri, { text, tree: reused, settings });
    } else {
      // A full parse, in steps: until it is done, the next job must parse in full too.
      this.bases.delete(uri);
      this.dirty.set(uri, null);
    }
    const editsBefore = this.edits.get(uri) ?? 0;
    const version = document.version;
    const { latest, jobs, bases, edits, dirty: dirtyRanges, maxFindingsPerRule, moving: movingTurns } = this;
    const job: Job = { version, text, steps: undefined as unknown as Job['steps'], long: !reused && text.length >= LONG_ANALYSIS_CHARS };
    const onTurnFindings = job.long
      ? (messages: readonly LintMessage[], problems: readonly string[]) => job.onTurnFindings?.(messages, [...settings.problems, ...problems])
      : undefined;
    // A full parse of a text too large for this process's heap (too many characters or turns) is not
    // tried: the document gets one problem saying so, and nothing else.
    const tooLarge = reused ? undefined : tooLargeReason(text);
    const steps = function* (): Generator<void, DocumentAnalysis> {
      let tree = reused;
      if (tooLarge) tree = { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } };
      if (reparsed) {
        // Move the turns after the edit (in steps; a later job finishes it if this one is dropped).
        yield* reparsed.settle;
        if (movingTurns.get(uri) === reparsed.settle) movingTurns.delete(uri);
      }
      if (!tree) {
        tree = yield* parseSteps(text, { speakers });
        bases.set(uri, { text, tree, settings });
        // No edit since: the next job may reparse from this tree.
        if ((edits.get(uri) ?? 0) === editsBefore) dirtyRanges.delete(uri);
      }
      const session = yield* Session.steps(text, tree, { cache, codebook: settings.codebook, speakers });
      job.view = { uri, version, settings, session };
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
      latest.set(uri, result);
      job.result = result;
      return result;
    };
    job.steps = (function* () {
      try {
        return yield* steps();
      } finally {
        // Done, or failed (a rule threw): either way the next caller starts afresh.
        if (jobs.get(uri) === job) jobs.delete(uri);
      }
    })();
    this.jobs.set(uri, job);
    return job;
  }

  /** The codebook for the workspace (from any analysis, or the resolver's default). */
  peekCodebook() {
    const any = this.latest.values().next().value as DocumentAnalysis | undefined;
    return any?.settings.codebook ?? this.resolver.forFile(undefined).codebook;
  }

  forget(uri: string): void {
    this.moving.delete(uri);
    this.latest.delete(uri);
    this.caches.delete(uri);
    this.dirty.delete(uri);
    this.bases.delete(uri);
    this.jobs.delete(uri);
    this.edits.delete(uri);
  }

  /** Settings changed: every analysis must be redone, in full. */
  invalidate(): void {
    this.moving.clear();
    this.latest.clear();
    this.dirty.clear();
    this.bases.clear();
    this.jobs.clear();
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
