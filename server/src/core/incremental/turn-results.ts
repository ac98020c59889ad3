/**
 * Per-turn results of a session-wide rule, kept across an editor's analyses
 * of one document for the turns that have one. After an edit only the turns
 * the edit made are computed, and only the turns with a result are visited:
 * a rule that reads a few hundred flagged turns out of 50,000 costs what it
 * reads. Without an editor's cache every turn is computed once.
 *
 * A result may depend on the turn and on its two neighbours. The incremental
 * parser re-makes the turns an edit touches and one more on each side; the
 * one after keeps its text, but the one before may take in the next turn's
 * text (the edit deleted that turn's label). So the turn before each new turn
 * is computed again too, and every kept turn has neighbours with the text it
 * was computed with. Anything else (line numbers, other turns) is read when
 * reporting.
 */
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { defineCacheEntry, type CacheEntry } from './analysis.ts';

/** How many turns are computed between yields. */
const STEP = 1024;

/** The turns with a result, by turn. */
export type TurnResults<T> = ReadonlyMap<SessionTurn, T>;

/** One rule's kept results in one document's cache. */
export class TurnResultStore<T> {
  private key: string | undefined;
  private readonly held = new Map<SessionTurn, T>();
  /** New turns read from the cache's log and not yet computed (an analysis may stop half-way). */
  private unread: SessionTurn[] = [];

  *update(session: Session, key: string, compute: (turn: SessionTurn) => T | undefined): Generator<void, TurnResults<T>> {
    const fresh = session.cache!.newTurns(this);
    // A full parse makes every turn new: start over rather than look at each twice.
    if (!fresh || this.key !== key || fresh.length > session.turns.length / 2) {
      // Everything, once: until it is done, nothing kept is trusted.
      this.key = undefined;
      this.unread = [];
      this.held.clear();
      let step = 0;
      for (const turn of session.turns) {
        if (++step % STEP === 0) yield;
        const value = compute(turn);
        if (value !== undefined) this.held.set(turn, value);
      }
      this.key = key;
    } else {
      for (const [turn] of this.held) if (turn.sessionGeneration !== session.generation) this.held.delete(turn);
      for (const turn of fresh) {
        this.unread.push(turn);
        // Its neighbour before may have a result that depends on it.
        const before = turn.sessionGeneration === session.generation ? session.turns[turn.index - 1] : undefined;
        if (before) this.unread.push(before);
      }
      let step = 0;
      while (this.unread.length > 0) {
        const turn = this.unread[this.unread.length - 1]!;
        if (turn.sessionGeneration === session.generation) {
          if (++step % STEP === 0) yield;
          const value = compute(turn);
          if (value !== undefined) this.held.set(turn, value);
          else this.held.delete(turn);
        }
        this.unread.pop();
      }
    }
    return this.held;
  }
}

/** The key of one computation's kept per-turn results: one per call site (`const openEndings = perTurnResults<Ending>('open-endings')`). */
export type TurnResultsEntry<T> = CacheEntry<TurnResultStore<T>>;

export function perTurnResults<T>(id: string): TurnResultsEntry<T> {
  return defineCacheEntry(id, () => new TurnResultStore<T>());
}

/**
 * The turns for which `compute` has a result. `entry` names these results in
 * the document's cache; `key` is what else they depend on (options, names
 * learnt from the session): when it changes, every turn is computed again.
 */
export function* turnResultMap<T>(session: Session, entry: TurnResultsEntry<T>, key: string, compute: (turn: SessionTurn) => T | undefined): Generator<void, TurnResults<T>> {
  if (session.cache) return yield* session.cache.entry(entry).update(session, key, compute);
  const found = new Map<SessionTurn, T>();
  let step = 0;
  for (const turn of session.turns) {
    if (++step % STEP === 0) yield;
    const value = compute(turn);
    if (value !== undefined) found.set(turn, value);
  }
  return found;
}

/** `turnResultMap` as a list in session order. */
export function* turnResultList<T>(
  session: Session,
  entry: TurnResultsEntry<T>,
  key: string,
  compute: (turn: SessionTurn) => T | undefined,
): Generator<void, Array<{ turn: SessionTurn; value: T }>> {
  const found = yield* turnResultMap(session, entry, key, compute);
  return inOrder(found);
}

/** Entries of a turn map in session order. */
export function inOrder<T>(found: TurnResults<T>): Array<{ turn: SessionTurn; value: T }> {
  const list: Array<{ turn: SessionTurn; value: T }> = [];
  for (const [turn, value] of found) list.push({ turn, value });
  return list.sort((a, b) => a.turn.index - b.turn.index);
}
