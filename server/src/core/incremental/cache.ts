/**
 * The editor's cache of one document, kept between its analyses: the
 * features of its turn texts, its session turns by node, the log of the
 * turns made lately (for what is kept per turn, see `turn-results.ts`), and the
 * entries analyses keep with the document (`CacheEntry`).
 */
import type { Turn } from '../types.ts';
import { SessionTurn, TurnFeatures } from '../turn.ts';
import type { CacheEntry } from './analysis.ts';

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

  /** Has this cache made the session turn of this node already? */
  has(node: Turn): boolean {
    const turn = (node as TurnWithSession)[SESSION_TURN];
    return turn !== undefined && turn.cache === this;
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
    turn.sessionGeneration = this.generation;
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
   * every turn). Some may not be in the latest session: check `sessionGeneration`. The
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

const SESSION_TURN = Symbol('session turn');
type TurnWithSession = Turn & { [SESSION_TURN]?: SessionTurn };
