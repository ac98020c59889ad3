/**
 * A parsed session with per-turn features that rules share. Features are a
 * pure function of a turn's text, computed lazily and cached by that text, so
 * an editor that re-analyses after a keystroke recomputes only the turns that
 * changed.
 */
import type { Header, Point, Root, Role, Tag, Text, Turn } from './types.ts';
import type { Codebook } from './codebook.ts';
import type { ArtifactKind } from './detect/artifacts.ts';
import type { Ending } from './detect/endings.ts';
import { SpeakerTable } from './speakers.ts';
import { hashString, mixHash, wordHashes } from './text.ts';
import { drain } from './steps.ts';
import { lastAtOrBefore } from './search.ts';
import type { CacheEntry, SessionAnalysis, TurnAnalysis } from './incremental/analysis.ts';

/** A turn as rules see it. Reused across analyses while its node is unchanged. */
export class SessionTurn {
  readonly node: Turn;
  readonly role: Role;
  /** Who speaks, for "same speaker" comparisons: the role, or the label for `other`. */
  readonly speakerKey: string;
  /** The turn's text nodes (tags excluded), one per paragraph. */
  readonly texts: Text[];
  /** All tags of the turn: on the turn and on its paragraphs. */
  readonly tags: Tag[];
  readonly features: TurnFeatures;

  /** The editor's cache that made this turn, if any. */
  readonly cache: FeatureCache | undefined;

  constructor(node: Turn, cache: FeatureCache | undefined) {
    this.node = node;
    this.cache = cache;
    this.role = node.role;
    this.speakerKey = node.role === 'other' ? `other:${node.speaker.toLowerCase()}` : node.role;
    const texts: Text[] = [];
    let tags: Tag[] = NO_TAGS;
    for (const child of node.children) {
      if (child.type === 'tag') (tags === NO_TAGS ? (tags = []) : tags).push(child);
      else if (child.type === 'paragraph') {
        for (const inner of child.children) {
          if (inner.type === 'text') texts.push(inner);
          else (tags === NO_TAGS ? (tags = []) : tags).push(inner);
        }
      }
    }
    this.texts = texts;
    this.tags = tags;
    const joined = texts.length === 1 ? texts[0]!.value : texts.map((t) => t.value).join('\n\n');
    this.features = cache ? cache.features(joined) : new TurnFeatures(joined);
  }

  private bandKeyCache?: number[];
  /** The generation of the latest session build (of an editor's cache) that made or reused this turn. */
  alive = -1;

  private exactGroupCache?: string;

  /** Turns with equal text (after normalisation) and speaker share this key. */
  get exactGroup(): string {
    return (this.exactGroupCache ??= `${this.speakerKey}\u0000${this.features.exactKey}`);
  }

  /** Near-duplicate bucket keys: the features' bands, for this speaker. */
  get bandKeys(): number[] {
    if (this.bandKeyCache) return this.bandKeyCache;
    const speaker = hashString(this.speakerKey);
    const bands = this.features.bands;
    const keys: number[] = [];
    for (let b = 0; b < bands.length; b++) if (bands[b] !== 0) keys.push(mixHash(mixHash(speaker, b), bands[b]!));
    return (this.bandKeyCache = keys);
  }

  /** A turn analysis of this turn, computed once for its text (see `defineAnalysis`). */
  get<T>(analysis: TurnAnalysis<T>): T {
    return this.features.memo(analysis, this);
  }

  /** 0-based index of the turn in the session. */
  get index(): number {
    return this.node.index;
  }

  /** Offset where the turn's line starts (its label line). */
  get lineStart(): number {
    const start = this.node.position.start;
    return start.offset! - (start.column - 1);
  }
}

/** Everything here depends only on the turn's paragraph texts. */
export class TurnFeatures {
  readonly text: string;
  /** The last analysis that used these features (for the cache's sweep). */
  generation = 0;
  private wordHashes?: Uint32Array;
  private exact?: string;
  private shingleSet?: Uint32Array;
  private sketchBins?: Uint32Array;
  private bandHashes?: Uint32Array;
  /**
   * Results of the detectors every analysis reads, as plain fields (faster
   * than keyed lookups on 50,000 turns). Filled by the detectors themselves.
   */
  readonly slots: DetectorSlots = {};

  /** Results of turn analyses, by analysis; created on first use (most turns never need one). */
  private memoKeys?: Array<TurnAnalysis<unknown>>;
  private memoValues?: unknown[];

  constructor(text: string) {
    this.text = text;
  }

  /** Hashes of the normalised words (lower case, contractions expanded, no punctuation). */
  get hashes(): Uint32Array {
    return (this.wordHashes ??= wordHashes(this.text));
  }

  /** Number of normalised words ("don't" counts as "do not"). */
  get words(): number {
    return this.hashes.length;
  }

  /**
   * A key equal for two turns exactly when their normalised words are equal
   * (two independent 32-bit hashes of the word sequence).
   */
  get exactKey(): string {
    if (this.exact !== undefined) return this.exact;
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    for (const h of this.hashes) {
      a = mixHash(a, h);
      b = Math.imul(b ^ h, 0x01000193) >>> 0;
    }
    return (this.exact = `${this.hashes.length}:${a}:${b}`);
  }

  /** Sorted, unique hashes of the turn's words and word pairs. */
  get shingles(): Uint32Array {
    if (this.shingleSet) return this.shingleSet;
    const words = this.hashes;
    const all = new Uint32Array(words.length * 2);
    let n = 0;
    for (let i = 0; i < words.length; i++) {
      all[n++] = words[i]!;
      if (i > 0) all[n++] = mixHash(words[i - 1]!, words[i]!);
    }
    const sorted = all.subarray(0, n).sort();
    let unique = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
    return (this.shingleSet = sorted.slice(0, unique));
  }

  /**
   * One-permutation MinHash: the smallest word-pair hash in each of 8 bins.
   * Near-duplicate turns share bins with high probability.
   */
  get sketch(): Uint32Array {
    if (this.sketchBins) return this.sketchBins;
    const bins = new Uint32Array(SKETCH_BINS).fill(EMPTY_BIN);
    // Word pairs only: the minimum over single words would mostly be a common
    // word ("you", "the") that unrelated turns share.
    const words = this.hashes;
    for (let i = 1; i < words.length; i++) {
      const mixed = mixHash(mixHash(words[i - 1]!, words[i]!), 0x5bd1e995);
      const bin = mixed >>> 29;
      const value = mixed & 0x1fffffff;
      if (value < bins[bin]!) bins[bin] = value;
    }
    return (this.sketchBins = bins);
  }

  /**
   * The sketch in bands of two bins, as one hash per band (0 for a band with
   * an empty bin): turns that share a band are near-duplicate candidates.
   */
  get bands(): Uint32Array {
    if (this.bandHashes) return this.bandHashes;
    const sketch = this.sketch;
    const bands = new Uint32Array(SKETCH_BINS / 2);
    for (let b = 0; b < bands.length; b++) {
      const x = sketch[2 * b]!;
      const y = sketch[2 * b + 1]!;
      bands[b] = x === EMPTY_BIN || y === EMPTY_BIN ? 0 : mixHash(x, y) || 1;
    }
    return (this.bandHashes = bands);
  }

  /**
   * Jaccard similarity of the two turns' words and word pairs. Pairs whose
   * sizes alone rule out `threshold` are answered without comparing. (Not
   * remembered: an editor's repeat index compares only the turns an edit
   * touched.)
   */
  similarityTo(other: TurnFeatures, threshold: number): number {
    const a = this.shingles.length;
    const b = other.shingles.length;
    return Math.min(a, b) / Math.max(a, b) < threshold ? 0 : jaccard(this.shingles, other.shingles);
  }

  /**
   * A turn analysis of a turn with this text (`SessionTurn.get`), computed
   * once. A handful of analyses per turn: a short list beats a Map.
   */
  memo<T>(analysis: TurnAnalysis<T>, turn: SessionTurn): T {
    const keys = this.memoKeys;
    if (keys) for (let i = 0; i < keys.length; i++) if (keys[i] === analysis) return this.memoValues![i] as T;
    const value = analysis.compute(turn);
    (this.memoKeys ??= []).push(analysis);
    (this.memoValues ??= []).push(value);
    return value;
  }
}

export const SKETCH_BINS = 8;
export const EMPTY_BIN = 0xffffffff;

/** Jaccard similarity of two sorted, unique hash arrays. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/**
 * What an editor keeps between analyses of one document: features by turn
 * text, and session turns by node (the incremental parser keeps the nodes of
 * turns an edit did not touch).
 */
export class FeatureCache {
  private readonly byText = new Map<string, TurnFeatures>();
  private generation = 0;

  features(text: string): TurnFeatures {
    let features = this.byText.get(text);
    if (!features) this.byText.set(text, (features = new TurnFeatures(text)));
    features.generation = this.generation;
    return features;
  }

  turn(node: Turn): SessionTurn {
    // The session turn rides on its node (a hidden property: faster than a WeakMap
    // lookup for every turn of every analysis); a node belongs to one document.
    let turn = (node as TurnWithSession)[SESSION_TURN];
    if (!turn || turn.cache !== this) {
      turn = new SessionTurn(node, this);
      Object.defineProperty(node, SESSION_TURN, { value: turn, writable: true, configurable: true, enumerable: false });
      this.created.push(turn);
    }
    turn.alive = this.generation;
    return turn;
  }

  /** Session turns made lately, in the order they were made (see `newTurns`). */
  private created: SessionTurn[] = [];
  /** How many turns were logged before `created[0]`. */
  private createdBase = 0;
  /** How far each reader of the log has read. */
  private readonly readers = new Map<object, number>();

  /**
   * Start a session build: its turns are marked with a generation of their
   * own, so the marks of a build that was dropped half-way never pass for
   * those of a later session.
   */
  begin(): number {
    return ++this.generation;
  }

  /** The generation of the latest session build. */
  get currentGeneration(): number {
    return this.generation;
  }

  /**
   * The turns made since `reader` last asked, or `undefined` when it never
   * asked or the log no longer reaches back that far (it must then look at
   * every turn). Some may not be in the latest session: check `alive`. The
   * log keeps only what some reader has not read yet.
   */
  newTurns(reader: object): SessionTurn[] | undefined {
    const end = this.createdBase + this.created.length;
    const from = this.readers.get(reader);
    this.readers.set(reader, end);
    const turns = from === undefined || from < this.createdBase ? undefined : this.created.slice(from - this.createdBase);
    let unread = end;
    for (const position of this.readers.values()) unread = Math.min(unread, position);
    if (unread - this.createdBase > 1024) {
      this.created = this.created.slice(unread - this.createdBase);
      this.createdBase = unread;
    }
    return turns;
  }

  private readonly entries = new Map<CacheEntry<unknown>, unknown>();

  /** A structure a detector keeps for this document across analyses (made on first use). */
  entry<T>(entry: CacheEntry<T>): T {
    if (!this.entries.has(entry)) this.entries.set(entry, entry.make());
    return this.entries.get(entry) as T;
  }

  /** After an analysis: forget features no turn used lately, when they pile up. */
  sweep(turns: readonly SessionTurn[]): void {
    if (this.created.length > 2 * turns.length + 1024) {
      this.createdBase += this.created.length;
      this.created = [];
    }
    if (this.byText.size > 2 * turns.length + 1024) {
      for (const turn of turns) turn.features.generation = this.generation;
      for (const [text, features] of this.byText) if (features.generation !== this.generation) this.byText.delete(text);
    }
  }
}

/** The session turns of a tree's turn nodes (the cache's, when it has them). */
function* sessionTurns(tree: Root, cache: FeatureCache | undefined): Generator<void, SessionTurn[]> {
  const turns: SessionTurn[] = [];
  cache?.begin();
  let made = 0;
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    if (cache) {
      const known = (node as TurnWithSession)[SESSION_TURN];
      // New turns cost more than known ones: yield every few thousand new ones.
      if ((!known || known.cache !== cache) && ++made % 1024 === 0) yield;
      turns.push(cache.turn(node));
    } else turns.push(new SessionTurn(node, undefined));
  }
  return turns;
}

const SESSION_TURN = Symbol('session turn');
type TurnWithSession = Turn & { [SESSION_TURN]?: SessionTurn };

/** Per-turn detector results, relative to each text node of the turn. */
export interface DetectorSlots {
  refusals?: Array<{ start: number; end: number; phrase: string; textIndex: number }>;
  artifacts?: Array<{ start: number; end: number; kind: ArtifactKind; certain: boolean; textIndex: number }>;
  labels?: Array<{ start: number; end: number; label: string; where: 'start' | 'inside'; role?: Role; textIndex: number }>;
  disclaimers?: Array<{ start: number; end: number; kind: string; textIndex: number }>;
  ending?: Ending;
  vocatives?: Array<Array<{ name: string; start: number }>>;
  mojibake?: Array<Array<{ start: number; end: number; text: string; run: string }>>;
  /** Role-confusion slips per text, for the patient names they were found with (one set at a time). */
  voiceSlips?: { names: string; slips: Array<Array<{ kind: 'my-therapist' | 'narration'; start: number; text: string }>> };
}

/** Beyond this many characters, `point` counts line breaks in a table rather than one by one. */
const LONG_SCAN = 1 << 16;

/** Shared by every turn without tags (most of them). */
const NO_TAGS: Tag[] = [];

export interface SessionOptions {
  cache?: FeatureCache;
  codebook?: Codebook;
  speakers?: SpeakerTable;
}

export class Session {
  readonly text: string;
  readonly tree: Root;
  readonly header: Header | undefined;
  readonly turns: SessionTurn[];
  readonly codebook: Codebook | undefined;
  readonly speakers: SpeakerTable;
  /** The editor's cache for this document, if any. */
  readonly cache: FeatureCache | undefined;
  /** The cache generation this session's turns are marked with (`SessionTurn.alive`). */
  readonly generation: number;
  private readonly memo = new Map<SessionAnalysis<unknown>, unknown>();

  constructor(text: string, tree: Root, options: SessionOptions = {}, turns?: SessionTurn[]) {
    const { cache } = options;
    this.text = text;
    this.tree = tree;
    this.codebook = options.codebook;
    this.cache = cache;
    this.speakers = options.speakers ?? new SpeakerTable();
    this.header = tree.children[0]?.type === 'header' ? tree.children[0] : undefined;
    this.turns = turns ?? drain(sessionTurns(tree, cache));
    // The build that made `turns` is the cache's latest (a session is made right after its turns).
    this.generation = cache ? cache.currentGeneration : -1;
    cache?.sweep(this.turns);
  }

  /** A session, its turns made in steps (a full parse of a large session makes 50,000 of them). */
  static *steps(text: string, tree: Root, options: SessionOptions = {}): Generator<void, Session> {
    const turns = yield* sessionTurns(tree, options.cache);
    return new Session(text, tree, options, turns);
  }

  /**
   * The point of an offset, counting lines from the start of the turn that
   * holds it (turns are short), so an analysis never scans the whole text.
   */
  point(offset: number): Point {
    const index = this.turnAt(offset);
    let line = 1;
    let lineStart = 0;
    let from = 0;
    if (index !== undefined) {
      // Count from the last node boundary at or before the offset (the turn's start or a
      // text's start): most findings start or end at one, and none needs a long scan.
      const turn = this.turns[index]!;
      let known = turn.node.position.start;
      const texts = turn.texts;
      const k = lastAtOrBefore(texts.length, (i) => texts[i]!.position.start.offset!, offset);
      if (k >= 0) {
        const { start, end } = texts[k]!.position;
        if (end.offset === offset) return { line: end.line, column: end.column, offset };
        known = start;
      }
      line = known.line;
      lineStart = known.offset! - (known.column - 1);
      from = known.offset!;
    }
    // Many findings in one long paragraph come in order: go on from the last point counted
    // when it lies between the boundary and the offset (each paragraph is then read once).
    const last = this.lastPoint;
    if (last && last.offset >= from && last.offset <= offset) {
      line = last.line;
      lineStart = last.lineStart;
      from = last.offset;
    }
    const text = this.text;
    if (offset - from > LONG_SCAN) {
      // A long way to count (findings out of order in one long paragraph): count the line breaks
      // before `from` and before `offset` in the table of line starts, the same breaks as below.
      const starts = this.lineStarts();
      const before = (at: number) => lastAtOrBefore(starts.length, (i) => starts[i]!, at) + 1;
      const k = before(offset);
      line += k - before(from);
      if (k > before(from)) lineStart = starts[k - 1]!;
    } else {
      for (let i = from; i < offset; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
          line++;
          lineStart = i + 1;
        }
      }
    }
    this.lastPoint = { offset, line, lineStart };
    return { line, column: offset - lineStart + 1, offset };
  }

  private lineStartTable: Int32Array | undefined;

  /** Offsets just after every line break ("\n", "\r\n", a lone "\r"), made on first use. */
  private lineStarts(): Int32Array {
    if (this.lineStartTable) return this.lineStartTable;
    const text = this.text;
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) count++;
    }
    const starts = new Int32Array(count);
    count = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts[count++] = i + 1;
    }
    return (this.lineStartTable = starts);
  }

  /** The last point `point` counted to. */
  private lastPoint: { offset: number; line: number; lineStart: number } | undefined;

  /** The turn `turnAt` found last: findings come in runs on the same or the next turn. */
  private lastTurnAt = 0;
  private readonly lineStartAt = (index: number) => this.turns[index]!.lineStart;

  /** Index of the turn containing `offset`, if any. */
  turnAt(offset: number): number | undefined {
    const turns = this.turns;
    // The turn found last, or the one after it, before a search over them all.
    const near = this.lastTurnAt;
    for (let i = near; i < near + 2 && i < turns.length; i++) {
      if (turns[i]!.lineStart <= offset && (i + 1 === turns.length || offset < turns[i + 1]!.lineStart)) return i;
    }
    const found = lastAtOrBefore(turns.length, this.lineStartAt, offset);
    if (found < 0) return undefined;
    const next = turns[found + 1];
    if (next !== undefined && offset >= next.lineStart) return undefined;
    this.lastTurnAt = found;
    return found;
  }

  /** A session analysis (repeats, names) shared by several rules, computed once. */
  get<T>(analysis: SessionAnalysis<T>): T {
    return drain(this.getInSteps(analysis));
  }

  /** `get` in steps, for a caller that yields (a rule's `prepare` or `check`). */
  *getInSteps<T>(analysis: SessionAnalysis<T>): Generator<void, T> {
    if (this.memo.has(analysis)) return this.memo.get(analysis) as T;
    const value = yield* analysis.compute(this);
    this.memo.set(analysis, value);
    return value;
  }

  /** The label and first paragraph of a turn: where a turn-level finding is shown. */
  turnHead(index: number): { start: number; end: number } {
    const turn = this.turns[index]!;
    const start = turn.node.position.start.offset!;
    const first = turn.texts[0];
    return { start, end: first ? first.position.end.offset! : turn.node.position.end.offset! };
  }

  /** "line 31" for a turn, as messages say it. */
  lineOfTurn(index: number): number {
    return this.turns[index]!.node.position.start.line;
  }

  /**
   * The range that removes turn `index` entirely: from its line start to the
   * next turn's line start, or, for the last turn, from the end of what
   * precedes it to its own end (so the file's final line break stays).
   */
  turnRemovalRange(index: number): { start: number; end: number } {
    const turn = this.turns[index]!;
    const next = this.turns[index + 1];
    if (next) return { start: turn.lineStart, end: next.lineStart };
    const previous = this.turns[index - 1];
    // The end of the line the previous turn ends on (an empty label ends at its name: its colon stays).
    const before = previous ? this.lineEndAfter(previous.node.position.end.offset!) : this.header ? this.header.position.end.offset! : 0;
    return { start: before, end: this.lineEndAfter(turn.node.position.end.offset!) };
  }

  /**
   * The end of the line that holds `offset` (before its line break). A turn
   * ends at its last text, or at its label's name when it has none: the rest
   * of that line (a label's colon and `**`, trailing spaces) goes with it.
   */
  lineEndAfter(offset: number): number {
    const text = this.text;
    let end = offset;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    return end;
  }
}
