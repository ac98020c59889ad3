/**
 * A turn as rules see it: its texts and tags, and the sketches of its words
 * (hashes, word pairs, MinHash bands) that repeats and other analyses read.
 * Features are a pure function of a turn's text, computed lazily and cached
 * by that text, so an editor that re-analyses after a keystroke recomputes
 * only the turns that changed (see `incremental/cache.ts`).
 */
import type { Role, Tag, Text, Turn } from './types.ts';
import type { ArtifactKind } from './detect/artifacts.ts';
import type { Ending } from './detect/endings.ts';
import { hashString, mixHash, wordHashes } from './text.ts';
import type { SpeakerTable } from './speakers.ts';
import type { FeatureCache } from './incremental/cache.ts';
import type { TurnAnalysis } from './incremental/analysis.ts';

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
  sessionGeneration = -1;

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
  readonly detected: DetectorResults = {};

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

/** Per-turn detector results, relative to each text node of the turn. */
export interface DetectorResults {
  /** Refusals the structure and the refusal model find (a therapist's turn). */
  refusals?: Array<{ start: number; end: number; phrase: string; textIndex: number }>;
  /** Refusals the structure finds (any other turn). */
  structuralRefusals?: Array<{ start: number; end: number; phrase: string; textIndex: number }>;
  artifacts?: Array<{ start: number; end: number; kind: ArtifactKind; certain: boolean; textIndex: number }>;
  /** Labels inside the turn, for the speaker table they were found with (one at a time). */
  leakedLabels?: { speakers: SpeakerTable; found: Array<{ start: number; end: number; label: string; where: 'start' | 'inside'; role?: Role; textIndex: number }> };
  disclaimers?: Array<{ start: number; end: number; kind: string; textIndex: number }>;
  ending?: Ending;
  vocatives?: Array<Array<{ name: string; start: number }>>;
  mojibake?: Array<Array<{ start: number; end: number; text: string; run: string }>>;
  /** Role-confusion slips per text, for the patient names they were found with (one set at a time). */
  voiceSlips?: { names: string; slips: Array<Array<{ kind: 'my-therapist' | 'narration'; start: number; text: string }>> };
}

/** Shared by every turn without tags (most of them). */
const NO_TAGS: Tag[] = [];
