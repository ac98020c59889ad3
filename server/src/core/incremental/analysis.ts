/**
 * Declared analyses: what rules, reports and the editor share, named by typed
 * key objects instead of strings. The key is the memo's key (no two files can
 * meet on a string) and carries the type of its value.
 *
 * - A turn analysis is a function of a turn's paragraph texts alone,
 *   memoised on them (`turn.get(questions)`): every turn with the same text
 *   shares the result, and an editor keeps it while the text stays.
 * - A session analysis is a function of the whole session, in steps,
 *   memoised on the session (`session.get(names)`, or `yield*
 *   session.getInSteps(names)` where the caller can yield).
 * - What an editor's cache holds for a document across analyses (an index,
 *   per-turn results) is named by a `CacheEntry` key, which also makes it.
 *
 * An `id` names the analysis in messages and profiles only.
 */
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';

export interface TurnAnalysis<T> {
  readonly id: string;
  readonly per: 'turn';
  /** Reads only the turn's texts (`texts`, `features`): the result is shared by every turn with that text. */
  readonly compute: (turn: SessionTurn) => T;
}

export interface SessionAnalysis<T> {
  readonly id: string;
  readonly per: 'session';
  /** In steps: it yields now and then on a large session (see `lintSteps`). */
  readonly compute: (session: Session) => Generator<void, T>;
}

export function defineAnalysis<T>(definition: TurnAnalysis<T>): TurnAnalysis<T>;
export function defineAnalysis<T>(definition: SessionAnalysis<T>): SessionAnalysis<T>;
export function defineAnalysis<T>(definition: TurnAnalysis<T> | SessionAnalysis<T>): TurnAnalysis<T> | SessionAnalysis<T> {
  return Object.freeze({ ...definition });
}

type TurnAnalyses<P, T> = { id: string; per: 'turn'; key: (p: P) => string; compute: (turn: SessionTurn, p: P) => T };
type SessionAnalyses<P, T> = { id: string; per: 'session'; key: (p: P) => string; compute: (session: Session, p: P) => Generator<void, T> };

/**
 * Analyses with a parameter (a rule's options): one analysis per value, made
 * on first use and memoised apart (`session.get(repeats(options))`); `key`
 * tells values apart.
 */
export function defineAnalyses<P, T>(definition: TurnAnalyses<P, T>): (p: P) => TurnAnalysis<T>;
export function defineAnalyses<P, T>(definition: SessionAnalyses<P, T>): (p: P) => SessionAnalysis<T>;
export function defineAnalyses<P, T>(definition: TurnAnalyses<P, T> | SessionAnalyses<P, T>): (p: P) => TurnAnalysis<T> | SessionAnalysis<T> {
  const made = new Map<string, TurnAnalysis<T> | SessionAnalysis<T>>();
  const make = (id: string, p: P): TurnAnalysis<T> | SessionAnalysis<T> => {
    if (definition.per === 'turn') {
      const compute = definition.compute;
      return defineAnalysis<T>({ id, per: 'turn', compute: (turn) => compute(turn, p) });
    }
    const compute = definition.compute;
    return defineAnalysis<T>({ id, per: 'session', compute: (session) => compute(session, p) });
  };
  return (p) => {
    const key = definition.key(p);
    let analysis = made.get(key);
    if (!analysis) made.set(key, (analysis = make(`${definition.id}:${key}`, p)));
    return analysis;
  };
}

/** Something an editor's cache holds for one document across analyses, and how to make it. */
export interface CacheEntry<T> {
  readonly id: string;
  readonly make: () => T;
}

export function defineCacheEntry<T>(id: string, make: () => T): CacheEntry<T> {
  return Object.freeze({ id, make });
}
