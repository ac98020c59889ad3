/**
 * A parsed session: its turns (see `turn.ts`), the point and the turn of an
 * offset, the ranges that remove a turn, and the session analyses several
 * rules share (`get`), computed once.
 */
import type { Header, Point, Root } from './types.ts';
import type { Codebook } from './codebook.ts';
import { SpeakerTable } from './speakers.ts';
import { runToEnd } from './incremental/steps.ts';
import { lastAtOrBefore } from './search.ts';
import type { SessionAnalysis } from './incremental/analysis.ts';
import type { FeatureCache } from './incremental/cache.ts';
import { SessionTurn } from './turn.ts';

/** The session turns of a tree's turn nodes (the cache's, when it has them). */
function* sessionTurns(tree: Root, cache: FeatureCache | undefined): Generator<void, SessionTurn[]> {
  const turns: SessionTurn[] = [];
  cache?.begin();
  let made = 0;
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    if (cache) {
      // New turns cost more than known ones: yield every few thousand new ones.
      if (!cache.has(node) && ++made % 1024 === 0) yield;
      turns.push(cache.turn(node));
    } else turns.push(new SessionTurn(node, undefined));
  }
  return turns;
}

/** Beyond this many characters, `point` counts line breaks in a table rather than one by one. */
const LONG_SCAN = 1 << 16;

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
  /** The cache generation this session's turns are marked with (`SessionTurn.sessionGeneration`). */
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
    this.turns = turns ?? runToEnd(sessionTurns(tree, cache));
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
    return runToEnd(this.getInSteps(analysis));
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
