/**
 * Repeated turns: a turn that says again what the same speaker said before,
 * exactly or nearly. Near linear in the number of turns: exact repeats are
 * found by their normalised text, near repeats by locality-sensitive hashing
 * of MinHash sketches (bands of two bins), and only the few candidates that
 * share a band are compared.
 *
 * Every turn's answer ("which earlier turn do I repeat?") depends only on the
 * earlier turns that share one of its keys (its exact text or a band) and on
 * the answers of the turns it points at. An editor keeps the answers between
 * analyses and, after an edit, answers again only the later turns that share
 * a key with a turn that came or went, and those that point at a turn whose
 * answer changed: a keystroke costs what it touches (and one pass over the
 * indexed turns to find those that went), not a new look at every pair. A
 * one-off run answers every turn once, in order.
 */
import type { RuleOptions } from '../rule.ts';
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { runToEnd } from '../incremental/steps.ts';
import { firstIndexWhere } from '../search.ts';
import { defineAnalyses, defineCacheEntry, type CacheEntry } from '../incremental/analysis.ts';

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

export const DEFAULT_REPEAT_OPTIONS: RepeatOptions = { minWords: 12, similarity: 0.8 };

/**
 * What a repeat is, as the `repeated-turn` rule is configured: every rule
 * that reads repeats (`unanswered-question` too) reads those, as it does.
 */
export function repeatOptionsOf(ruleOptions: RuleOptions): RepeatOptions {
  const o = (ruleOptions.get('repeated-turn') ?? DEFAULT_REPEAT_OPTIONS) as Partial<RepeatOptions>;
  return { minWords: Number(o.minWords), similarity: Number(o.similarity) };
}

/** How many of the latest earlier turns sharing a band a turn is compared with; bounds the work per turn. */
const BUCKET_LIMIT = 16;

/** What was decided for one turn. */
interface Answer {
  /** The earlier turn this one repeats (the first of its exact text, or its best near match), if any. */
  ref: SessionTurn | undefined;
  /** The first occurrence of the loop: `ref`'s root, or the turn itself. */
  root: SessionTurn;
  exact: boolean;
  similarity: number;
  /** Turns whose `ref` is this one: they are answered again when this answer changes. */
  dependents: Set<SessionTurn> | undefined;
}

/**
 * The repeat answers of one document's turns, with the turns of each key in
 * session order. Turn objects are the editor's (kept across analyses while a
 * turn is unchanged), so the relative order of kept turns never changes.
 */
class RepeatIndex {
  /** The turns under each key, in session order: a key most turns alone have holds the turn itself. */
  private readonly members = new Map<string | number, SessionTurn | SessionTurn[]>();
  private readonly answers = new Map<SessionTurn, Answer>();
  /** Turns to answer again, in session order once sorted. */
  private pending: SessionTurn[] = [];
  private readonly queued = new Set<SessionTurn>();
  /** `answerPending` is under way: `pending` is sorted (latest first) and kept so. */
  private answeringPending = false;
  /** The turns that repeat another (their `ref` is set). */
  private readonly repeating = new Set<SessionTurn>();

  constructor(private readonly options: RepeatOptions) {}

  /** Turns to add, in session order, from `addAt` on (an analysis may stop half-way). */
  private toAdd: SessionTurn[] = [];
  private addAt = 0;
  /** `toAdd` holds every turn of a fresh start: each is answered as it is added. */
  private inOrder = false;

  /** Bring the index to the session's turns: drop the turns that went, add the new ones (in steps). */
  *update(session: Session): Generator<void, void> {
    this.answeringPending = false;
    const minWords = this.options.minWords;
    // An editor's cache logs the turns it made: the others are known (or gone).
    const fresh = session.cache?.newTurns(this);
    if (!fresh || fresh.length > session.turns.length / 2) {
      // A first or a full parse: start over (cheaper than removing every turn one by one).
      this.members.clear();
      this.answers.clear();
      this.pending = [];
      this.queued.clear();
      this.repeating.clear();
      this.toAdd = session.turns.filter((turn) => turn.features.words >= minWords);
      this.addAt = 0;
      this.inOrder = true;
    } else {
      for (const [turn, answer] of this.answers) if (turn.sessionGeneration !== session.generation) this.remove(turn, answer);
      const waiting = this.toAdd.slice(this.addAt);
      for (const turn of fresh) if (turn.features.words >= minWords) waiting.push(turn);
      this.toAdd = waiting.filter((turn) => turn.sessionGeneration === session.generation && !this.answers.has(turn)).sort((a, b) => a.index - b.index);
      this.addAt = 0;
      this.inOrder = false;
    }
    while (this.addAt < this.toAdd.length) {
      if (this.addAt % 1024 === 1023) yield;
      const turn = this.toAdd[this.addAt++]!;
      if (this.inOrder) this.append(turn);
      else this.add(turn);
    }
    this.toAdd = [];
    this.addAt = 0;
  }

  /** Add a turn at the end of a key's list. */
  private push(key: string | number, turn: SessionTurn): void {
    const known = this.members.get(key);
    if (known === undefined) this.members.set(key, turn);
    else if (Array.isArray(known)) known.push(turn);
    else this.members.set(key, [known, turn]);
  }

  /** A key's list as an array (made one, for a key held by one turn). */
  private list(key: string | number): SessionTurn[] {
    const known = this.members.get(key);
    if (Array.isArray(known)) return known;
    const list = known === undefined ? [] : [known];
    this.members.set(key, list);
    return list;
  }

  /**
   * Add a turn that comes after every indexed one, and answer it at once:
   * what a fresh start does for each turn in order (no queue, no search).
   */
  private append(turn: SessionTurn): void {
    const answer: Answer = { ref: undefined, root: turn, exact: false, similarity: 0, dependents: undefined };
    this.answers.set(turn, answer);
    this.push(turn.exactGroup, turn);
    for (const key of turn.bandKeys) this.push(key, turn);
    this.answer(turn, answer);
  }

  /**
   * Answer the pending turns, earliest first, in steps. Work left when the
   * caller gives up (the text changed) stays pending for the next call.
   */
  *answerPending(): Generator<void, void> {
    if (this.pending.length === 0) return;
    // Indexes may have moved since turns were queued; their order is taken now, latest first.
    const live: SessionTurn[] = [];
    for (const turn of this.pending) {
      if (this.answers.has(turn)) live.push(turn);
      else this.queued.delete(turn);
    }
    this.pending = live.sort((a, b) => b.index - a.index);
    this.answeringPending = true;
    let step = 0;
    while (this.pending.length > 0) {
      if (++step % 512 === 0) yield;
      // The earliest pending turn (dependents queued meanwhile are put in their place).
      const turn = this.pending.pop()!;
      this.queued.delete(turn);
      const answer = this.answers.get(turn);
      if (answer) this.answer(turn, answer);
    }
    this.answeringPending = false;
  }

  /** The repeats, in session order, with their occurrence numbers. */
  repeats(): Repeat[] {
    const repeating = [...this.repeating];
    repeating.sort((a, b) => a.index - b.index);
    const occurrences = new Map<SessionTurn, number>();
    return repeating.map((turn) => {
      const { root, exact, similarity } = this.answers.get(turn)!;
      const occurrence = (occurrences.get(root) ?? 1) + 1;
      occurrences.set(root, occurrence);
      return { turn: turn.index, first: root.index, occurrence, exact, similarity };
    });
  }

  private add(turn: SessionTurn): void {
    this.answers.set(turn, { ref: undefined, root: turn, exact: false, similarity: 0, dependents: undefined });
    this.queue(turn);
    for (const key of keysOf(turn)) {
      const list = this.list(key);
      const at = countBefore(list, turn.index);
      list.splice(at, 0, turn);
      // Later turns sharing the key now see this one.
      for (let i = at + 1; i < list.length; i++) this.queue(list[i]!);
    }
  }

  private remove(turn: SessionTurn, answer: Answer): void {
    this.answers.delete(turn);
    this.repeating.delete(turn);
    if (answer.ref) this.answers.get(answer.ref)?.dependents?.delete(turn);
    for (const dependent of answer.dependents ?? []) this.queue(dependent);
    this.queued.delete(turn);
    for (const key of keysOf(turn)) {
      const list = this.list(key);
      const at = list.indexOf(turn);
      list.splice(at, 1);
      if (list.length === 0) this.members.delete(key);
      // The turns after it under the key saw it (its place in the list still orders it).
      for (let i = at; i < list.length; i++) this.queue(list[i]!);
    }
  }

  private queue(turn: SessionTurn): void {
    if (this.queued.has(turn)) return;
    this.queued.add(turn);
    if (this.answeringPending) {
      // Keep `pending` sorted, latest first, so the earliest turn is always answered next.
      const pending = this.pending;
      pending.splice(firstIndexWhere(pending.length, (k) => pending[k]!.index <= turn.index), 0, turn);
      return;
    }
    this.pending.push(turn);
  }

  /** Decide what `turn` repeats, from the answers of earlier turns; queue its dependents if that changed. */
  private answer(turn: SessionTurn, answer: Answer): void {
    const index = turn.index;
    let ref: SessionTurn | undefined;
    let exact = false;
    let similarity = 0;
    // The first earlier turn with the same words: this one repeats whatever that one is.
    const group = this.members.get(turn.exactGroup)!;
    const leader = Array.isArray(group) ? group[0]! : group;
    if (leader !== turn && leader.index < index) {
      ref = leader;
      const led = this.answers.get(leader)!;
      exact = led.ref === undefined || led.exact;
      similarity = led.ref === undefined ? 1 : led.similarity;
    } else if (this.options.similarity < 1) {
      // The best of the latest earlier turns sharing a band (ties: the band and turn met first).
      const features = turn.features;
      const seen: SessionTurn[] = [];
      for (const key of turn.bandKeys) {
        const list = this.members.get(key)!;
        // A key only this turn has: nothing to compare with.
        if (!Array.isArray(list)) continue;
        const end = countBefore(list, index);
        for (let i = Math.max(0, end - BUCKET_LIMIT); i < end; i++) {
          const candidate = list[i]!;
          if (seen.includes(candidate)) continue;
          seen.push(candidate);
          const s = features.similarityTo(candidate.features, this.options.similarity);
          if (s >= this.options.similarity && s > similarity) {
            similarity = s;
            ref = candidate;
          }
        }
      }
      exact = ref !== undefined && similarity === 1;
    }
    const root = ref ? this.answers.get(ref)!.root : turn;
    if (answer.ref === ref && answer.root === root && answer.exact === exact && answer.similarity === similarity) return;
    if (answer.ref !== ref) {
      if (answer.ref) this.answers.get(answer.ref)?.dependents?.delete(turn);
      if (ref) {
        const target = this.answers.get(ref)!;
        (target.dependents ??= new Set()).add(turn);
      }
    }
    if (ref) this.repeating.add(turn);
    else this.repeating.delete(turn);
    answer.ref = ref;
    answer.root = root;
    answer.exact = exact;
    answer.similarity = similarity;
    for (const dependent of answer.dependents ?? []) this.queue(dependent);
  }
}

/** The keys a turn is indexed under: its exact text and its bands. */
function keysOf(turn: SessionTurn): Array<string | number> {
  return [turn.exactGroup, ...turn.bandKeys];
}

/** How many turns of an index-sorted list come before `index`. */
function countBefore(list: readonly SessionTurn[], index: number): number {
  return firstIndexWhere(list.length, (k) => list[k]!.index >= index);
}

export function findRepeats(session: Session, options: RepeatOptions): Repeat[] {
  return runToEnd(repeatSteps(session, options));
}

const optionsKey = (options: RepeatOptions) => `${options.minWords}:${options.similarity}`;

/** The session's repeats for the given options, computed once per session: `session.get(repeats(options))`. */
export const repeats = defineAnalyses({ id: 'repeats', per: 'session', key: optionsKey, compute: repeatSteps });

/** The repeat index an editor keeps with a document, one per options. */
const indexes = new Map<string, CacheEntry<RepeatIndex>>();
function indexEntry(options: RepeatOptions): CacheEntry<RepeatIndex> {
  const key = optionsKey(options);
  let entry = indexes.get(key);
  if (!entry) indexes.set(key, (entry = defineCacheEntry(`repeat-index:${key}`, () => new RepeatIndex(options))));
  return entry;
}

/**
 * `findRepeats` in steps of a few thousand turns (see `lintSteps`). In an
 * editor the index is kept with the document, so only what an edit touched
 * is answered again.
 */
export function* repeatSteps(session: Session, options: RepeatOptions): Generator<void, Repeat[]> {
  const index = session.cache ? session.cache.entry(indexEntry(options)) : new RepeatIndex(options);
  yield* index.update(session);
  yield* index.answerPending();
  return index.repeats();
}
