/**
 * A parsed session with per-turn features that rules share. Features are a
 * pure function of a turn's text, computed lazily and cached by that text, so
 * an editor that re-analyses after a keystroke recomputes only the turns that
 * changed.
 */
import type { Header, Root, Role, Tag, Text, Turn } from './types.ts';
import type { Codebook } from './codebook.ts';
import { LineIndex } from './positions.ts';
import { SpeakerTable } from './speakers.ts';
import { mixHash, wordHashes } from './text.ts';

export interface SessionTurn {
  node: Turn;
  index: number;
  role: Role;
  /** Who speaks, for "same speaker" comparisons: the role, or the label for `other`. */
  speakerKey: string;
  /** The turn's text nodes (tags excluded), one per paragraph. */
  texts: Text[];
  /** All tags of the turn: on the turn and on its paragraphs. */
  tags: Tag[];
  /** Offset where the turn's line starts (its label line). */
  lineStart: number;
  features: TurnFeatures;
}

/** Everything here depends only on the turn's paragraph texts. */
export class TurnFeatures {
  readonly text: string;
  private wordHashes?: Uint32Array;
  private exact?: string;
  private shingleSet?: Uint32Array;
  private sketchBins?: Uint32Array;
  /** Detector results by key; created on first use (most turns never need one). */
  private memo?: Map<string, unknown>;

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

  /** Memoise a detector's result on this turn's text. */
  get<T>(key: string, compute: (text: string) => T): T {
    this.memo ??= new Map();
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute(this.text);
    this.memo.set(key, value);
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

/** A cache of turn features keyed by turn text, kept across analyses of one document. */
export class FeatureCache {
  private current = new Map<string, TurnFeatures>();
  private next = new Map<string, TurnFeatures>();

  get(text: string): TurnFeatures {
    let features = this.next.get(text) ?? this.current.get(text);
    if (!features) features = new TurnFeatures(text);
    this.next.set(text, features);
    return features;
  }

  /** Forget features no turn of the latest analysis used. */
  sweep(): void {
    this.current = this.next;
    this.next = new Map();
  }
}

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
  private readonly memo = new Map<string, unknown>();
  private lineIndex?: LineIndex;

  constructor(text: string, tree: Root, options: SessionOptions = {}) {
    const { cache } = options;
    this.text = text;
    this.tree = tree;
    this.codebook = options.codebook;
    this.speakers = options.speakers ?? new SpeakerTable();
    this.header = tree.children[0]?.type === 'header' ? tree.children[0] : undefined;
    this.turns = [];
    for (const node of tree.children) {
      if (node.type !== 'turn') continue;
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
      const joined = texts.length === 1 ? texts[0]!.value : texts.map((t) => t.value).join('\n\n');
      const start = node.position.start.offset!;
      this.turns.push({
        node,
        index: this.turns.length,
        role: node.role,
        speakerKey: node.role === 'other' ? `other:${node.speaker.toLowerCase()}` : node.role,
        texts,
        tags,
        lineStart: start - (node.position.start.column - 1),
        features: cache ? cache.get(joined) : new TurnFeatures(joined),
      });
    }
    cache?.sweep();
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** Index of the turn containing `offset`, if any. */
  turnAt(offset: number): number | undefined {
    const turns = this.turns;
    let low = 0;
    let high = turns.length - 1;
    let found: number | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (turns[mid]!.lineStart <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    if (found === undefined) return undefined;
    const next = turns[found + 1];
    return next === undefined || offset < next.lineStart ? found : undefined;
  }

  /** Memoise a session-wide analysis (repeats, names) shared by several rules. */
  get<T>(key: string, compute: (session: Session) => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute(this);
    this.memo.set(key, value);
    return value;
  }

  /** The label and first paragraph of a turn: where a turn-level finding is shown. */
  turnHead(index: number): { start: number; end: number } {
    const turn = this.turns[index]!;
    const start = turn.node.position.start.offset!;
    const first = turn.texts[0];
    return { start, end: first ? first.position.end.offset! : turn.node.position.end.offset! };
  }

  /** From the first to the last character of a turn's text (or its label when empty). */
  turnText(index: number): { start: number; end: number } {
    const turn = this.turns[index]!;
    const texts = turn.texts;
    if (texts.length === 0) return { start: turn.node.position.start.offset!, end: turn.node.position.end.offset! };
    return { start: texts[0]!.position.start.offset!, end: texts[texts.length - 1]!.position.end.offset! };
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
    const before = previous ? previous.node.position.end.offset! : this.header ? this.header.position.end.offset! : 0;
    return { start: before, end: turn.node.position.end.offset! };
  }
}
