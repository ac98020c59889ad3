/**
 * Repeated turns: a turn that says again what the same speaker said before,
 * exactly or nearly. Near linear in the number of turns: exact repeats are
 * found by their normalised text, near repeats by locality-sensitive hashing
 * of MinHash sketches (bands of two bins), and only the few candidates that
 * share a band are compared.
 */
import type { Session, SessionTurn } from '../session.ts';

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

/**
 * Which turns can take part in a repeat at all: those that share their exact
 * text or a sketch band with another turn of the same speaker. Kept across
 * analyses of one document and updated with the turns that came and went, so
 * an edit costs what it changes, not what the session holds.
 */
class RepeatIndex {
  private readonly members = new Map<string | number, SessionTurn[]>();
  /** Indexed turns, with how many shared keys each has (involved when > 0). */
  private readonly state = new Map<SessionTurn, { seen: number; shared: number }>();
  private involvedCount = 0;
  private generation = 0;

  constructor(private readonly minWords: number) {}

  update(turns: readonly SessionTurn[]): void {
    const generation = ++this.generation;
    for (const turn of turns) {
      if (turn.features.words < this.minWords) continue;
      const known = this.state.get(turn);
      if (known) known.seen = generation;
      else this.add(turn, generation);
    }
    for (const [turn, state] of this.state) if (state.seen !== generation) this.remove(turn);
  }

  /** The turns that share a key with another, in session order. */
  involved(turns: readonly SessionTurn[]): SessionTurn[] {
    const order = new Int32Array(this.involvedCount);
    let n = 0;
    for (const [turn, state] of this.state) if (state.shared > 0) order[n++] = turn.index;
    order.sort();
    const result: SessionTurn[] = new Array(n);
    for (let i = 0; i < n; i++) result[i] = turns[order[i]!]!;
    return result;
  }

  private add(turn: SessionTurn, generation: number): void {
    this.state.set(turn, { seen: generation, shared: 0 });
    this.each(turn, (key) => {
      let list = this.members.get(key);
      if (!list) this.members.set(key, (list = []));
      list.push(turn);
      if (list.length === 2) this.bump(list[0]!, 1);
      if (list.length >= 2) this.bump(turn, 1);
    });
  }

  private remove(turn: SessionTurn): void {
    this.each(turn, (key) => {
      const list = this.members.get(key)!;
      if (list.length >= 2) this.bump(turn, -1);
      list.splice(list.indexOf(turn), 1);
      if (list.length === 1) this.bump(list[0]!, -1);
      if (list.length === 0) this.members.delete(key);
    });
    if (this.state.get(turn)!.shared > 0) this.involvedCount--;
    this.state.delete(turn);
  }

  private each(turn: SessionTurn, visit: (key: string | number) => void): void {
    visit(turn.exactGroup);
    for (const key of turn.bandKeys) visit(key);
  }

  private bump(turn: SessionTurn, by: number): void {
    const state = this.state.get(turn)!;
    const before = state.shared;
    state.shared += by;
    if (before === 0 && state.shared > 0) this.involvedCount++;
    else if (before > 0 && state.shared === 0) this.involvedCount--;
  }
}

export function findRepeats(session: Session, options: RepeatOptions): Repeat[] {
  const steps = repeatSteps(session, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** `findRepeats` in steps of a few thousand turns (see `lintSteps`). */
export function* repeatSteps(session: Session, options: RepeatOptions): Generator<void, Repeat[]> {
  // In an editor, only turns that share a key with another (kept up to date
  // across edits) can repeat or be repeated; a one-off run looks at them all.
  let candidates: readonly SessionTurn[];
  if (session.cache) {
    const index = session.cache.keep(`repeat-index:${options.minWords}`, () => new RepeatIndex(options.minWords));
    index.update(session.turns);
    candidates = index.involved(session.turns);
  } else {
    candidates = session.turns.filter((turn) => turn.features.words >= options.minWords);
  }

  /** First occurrence of each exact text, per speaker. */
  const exactFirst = new Map<string, number>();
  const buckets = new Map<number, number[]>();
  /** Cluster (first occurrence) of every turn seen so far. */
  const clusterOf = new Map<number, number>();
  const occurrences = new Map<number, number>();
  const repeats: Repeat[] = [];
  const turns = session.turns;

  let step = 0;
  const seen: number[] = [];
  for (const turn of candidates) {
    if (++step % 4096 === 0) yield;
    const features = turn.features;
    const exactKey = turn.exactGroup;
    let first = exactFirst.get(exactKey);
    let exact = first !== undefined;
    let similarity = exact ? 1 : 0;
    const bandKeys = turn.bandKeys;

    if (first === undefined && options.similarity < 1) {
      // The best earlier candidate sharing a band (a few at most: buckets are bounded).
      seen.length = 0;
      for (const key of bandKeys) {
        for (const candidate of buckets.get(key) ?? []) {
          if (seen.includes(candidate)) continue;
          seen.push(candidate);
          const s = features.similarityTo(turns[candidate]!.features, options.similarity);
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
