/**
 * Repeated turns: a turn that says again what the same speaker said before,
 * exactly or nearly. Near linear in the number of turns: exact repeats are
 * found by their normalised text, near repeats by locality-sensitive hashing
 * of MinHash sketches (bands of two bins), and only the few candidates that
 * share a band are compared.
 */
import { EMPTY_BIN, jaccard, SKETCH_BINS, type Session } from '../session.ts';
import { mixHash, hashString } from '../text.ts';

export interface RepeatOptions {
  /** Turns with fewer words are never repeats (backchannels: "Mm-hmm.", "Okay."). */
  minWords: number;
  /** Jaccard similarity of words and word pairs at which a turn is a near repeat (0–1). */
  similarity: number;
}

export interface Repeat {
  /** Index of the repeating turn. */
  turn: number;
  /** Index of the first occurrence. */
  first: number;
  /** 2 for the first repeat, 3 for the next … */
  occurrence: number;
  /** Same words after normalisation (case, punctuation, contractions). */
  exact: boolean;
  similarity: number;
}

/** How many earlier turns a band bucket remembers; bounds the work per turn. */
const BUCKET_LIMIT = 16;

export function findRepeats(session: Session, options: RepeatOptions): Repeat[] {
  const exactFirst = new Map<string, number>();
  const buckets = new Map<number, number[]>();
  /** Cluster (first occurrence) of every turn seen so far. */
  const clusterOf = new Map<number, number>();
  const occurrences = new Map<number, number>();
  const repeats: Repeat[] = [];

  for (const turn of session.turns) {
    const features = turn.features;
    if (features.words < options.minWords) continue;
    const exactKey = `${turn.speakerKey}\u0000${features.exactKey}`;
    let first = exactFirst.get(exactKey);
    let exact = first !== undefined;
    let similarity = exact ? 1 : 0;

    const speakerHash = hashString(turn.speakerKey);
    const sketch = features.sketch;
    const bandKeys: number[] = [];
    for (let b = 0; b < SKETCH_BINS; b += 2) {
      if (sketch[b] === EMPTY_BIN || sketch[b + 1] === EMPTY_BIN) continue;
      bandKeys.push(mixHash(mixHash(speakerHash, b), mixHash(sketch[b]!, sketch[b + 1]!)));
    }

    if (first === undefined && options.similarity < 1) {
      // Best earlier candidate sharing a band.
      const seen = new Set<number>();
      for (const key of bandKeys) {
        for (const candidate of buckets.get(key) ?? []) {
          if (seen.has(candidate)) continue;
          seen.add(candidate);
          const other = session.turns[candidate]!.features;
          // Jaccard ≤ min/max of the set sizes: skip hopeless pairs cheaply.
          const a = features.shingles.length;
          const b = other.shingles.length;
          if (Math.min(a, b) / Math.max(a, b) < options.similarity) continue;
          const s = jaccard(features.shingles, other.shingles);
          if (s >= options.similarity && s > similarity) {
            similarity = s;
            first = clusterOf.get(candidate) ?? candidate;
          }
        }
      }
    }

    if (first === undefined) {
      exactFirst.set(exactKey, turn.index);
      clusterOf.set(turn.index, turn.index);
    } else {
      exact ||= similarity === 1;
      clusterOf.set(turn.index, first);
      const occurrence = (occurrences.get(first) ?? 1) + 1;
      occurrences.set(first, occurrence);
      repeats.push({ turn: turn.index, first, occurrence, exact, similarity });
      if (!exactFirst.has(exactKey)) exactFirst.set(exactKey, first);
    }
    for (const key of bandKeys) {
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = []));
      bucket.push(turn.index);
      if (bucket.length > BUCKET_LIMIT) bucket.shift();
    }
  }
  return repeats;
}
