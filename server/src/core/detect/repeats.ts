/**
 * Repeated turns: a turn that says again what the same speaker said before,
 * exactly or nearly. Near linear in the number of turns: exact repeats are
 * found by their normalised text, near repeats by locality-sensitive hashing
 * of MinHash sketches (bands of two bins), and only the few candidates that
 * share a band are compared.
 */
import type { Session } from '../session.ts';
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
  const turns = session.turns;
  /** First occurrence of each exact text, per speaker. */
  const exactFirst = new Map<string, Map<string, number>>();
  const buckets = new Map<number, number[]>();
  /** Cluster (first occurrence) of every turn seen so far, or -1. */
  const clusterOf = new Int32Array(turns.length).fill(-1);
  const occurrences = new Int32Array(turns.length);
  const repeats: Repeat[] = [];

  for (const turn of turns) {
    const features = turn.features;
    if (features.words < options.minWords) continue;
    let firstOfSpeaker = exactFirst.get(turn.speakerKey);
    if (!firstOfSpeaker) exactFirst.set(turn.speakerKey, (firstOfSpeaker = new Map()));
    let first = firstOfSpeaker.get(features.exactKey);
    let exact = first !== undefined;
    let similarity = exact ? 1 : 0;

    const speakerHash = hashString(turn.speakerKey);
    const bands = features.bands;
    const bandKeys: number[] = [];
    for (let b = 0; b < bands.length; b++) if (bands[b] !== 0) bandKeys.push(mixHash(mixHash(speakerHash, b), bands[b]!));

    if (first === undefined && options.similarity < 1) {
      // The best earlier candidate sharing a band (a few at most: buckets are bounded).
      const seen: number[] = [];
      for (const key of bandKeys) {
        for (const candidate of buckets.get(key) ?? []) {
          if (seen.includes(candidate)) continue;
          seen.push(candidate);
          const s = features.similarityTo(turns[candidate]!.features, options.similarity);
          if (s >= options.similarity && s > similarity) {
            similarity = s;
            first = clusterOf[candidate]! >= 0 ? clusterOf[candidate]! : candidate;
          }
        }
      }
    }

    if (first === undefined) {
      firstOfSpeaker.set(features.exactKey, turn.index);
      clusterOf[turn.index] = turn.index;
    } else {
      exact ||= similarity === 1;
      clusterOf[turn.index] = first;
      const occurrence = (occurrences[first] || 1) + 1;
      occurrences[first] = occurrence;
      repeats.push({ turn: turn.index, first, occurrence, exact, similarity });
      if (!firstOfSpeaker.has(features.exactKey)) firstOfSpeaker.set(features.exactKey, first);
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
