/**
 * Incremental reparsing for the editor: after an edit, only the turns around
 * it are parsed again; the turns after it keep their nodes, with offsets and
 * line numbers shifted (by `reparseInSteps`' `shiftTurnsAfter`, or at once by
 * `reparse`). The result, once shifted, is the tree a full parse would give —
 * a property test checks exactly that — or `undefined` when the edit could
 * change the structure elsewhere (the header, a label that is not a
 * configured speaker), and the caller parses the whole text.
 */
import type { Point, Root, Turn } from '../types.ts';
import { hasUnknownLabelLines, parseTranscript, unconfiguredLabels } from '../parser.ts';
import type { SpeakerTable } from '../speakers.ts';
import { runToEnd } from './steps.ts';
import { lastAtOrBefore } from '../search.ts';

/** What changed since the last parse: `[start, end)` of the new text replaced `[start, end - delta)` of the old. */
export interface DirtyRange {
  start: number;
  end: number;
  delta: number;
}

/** Fold one more change (offsets in the current text) into the dirty range since the last parse. */
export function addChange(dirty: DirtyRange | undefined, start: number, end: number, inserted: number): DirtyRange {
  const delta = inserted - (end - start);
  if (!dirty) return { start, end: start + inserted, delta };
  const previousEnd = dirty.end >= end ? dirty.end + delta : dirty.end;
  return { start: Math.min(dirty.start, start), end: Math.max(previousEnd, start + inserted), delta: dirty.delta + delta };
}

function lineStartOf(turn: Turn): number {
  return turn.position.start.offset! - (turn.position.start.column - 1);
}

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** Move every point of a turn once (nodes share their boundary points, so collect distinct ones first). */
function shiftTurn(turn: Turn, lines: number, offset: number, scratch: Point[]): void {
  scratch.length = 0;
  collect(scratch, turn.position.start);
  collect(scratch, turn.position.end);
  for (const child of turn.children) {
    collect(scratch, child.position.start);
    collect(scratch, child.position.end);
    if (child.type === 'paragraph') {
      for (const inner of child.children) {
        collect(scratch, inner.position.start);
        collect(scratch, inner.position.end);
      }
    }
  }
  if (turn.comments) {
    for (const comment of turn.comments) {
      collect(scratch, comment.position.start);
      collect(scratch, comment.position.end);
    }
  }
  for (let i = 0; i < scratch.length; i++) {
    const point = scratch[i]!;
    point.line += lines;
    point.offset! += offset;
  }
}

function collect(points: Point[], point: Point): void {
  for (let i = 0; i < points.length; i++) if (points[i] === point) return;
  points.push(point);
}

export function reparse(previous: { text: string; tree: Root }, text: string, dirty: DirtyRange, speakers: SpeakerTable): Root | undefined {
  const result = reparseInSteps(previous, text, dirty, speakers);
  if (!result) return undefined;
  runToEnd(result.shiftTurnsAfter);
  return result.tree;
}

/**
 * `reparse`, with the turns after the edit moved (new lines, offsets and
 * indexes) by `shiftTurnsAfter`, in steps: on a session of 50,000 turns moving them is
 * most of the work, and an editor can answer a request in between. The tree
 * must not be read until `shiftTurnsAfter` is done.
 */
export function reparseInSteps(
  previous: { text: string; tree: Root },
  text: string,
  dirty: DirtyRange,
  speakers: SpeakerTable,
): { tree: Root; shiftTurnsAfter: Generator<void, void> } | undefined {
  const oldText = previous.text;
  const children = previous.tree.children;
  const firstTurn = children[0]?.type === 'header' ? 1 : 0;
  const turns = children.slice(firstTurn) as Turn[];
  if (turns.length === 0) return undefined;
  const oldDirtyStart = dirty.start;
  const oldDirtyEnd = dirty.end - dirty.delta;
  // The header, and anything before the first turn's line, decide the first turn: parse everything.
  if (oldDirtyStart <= lineStartOf(turns[0]!)) return undefined;

  // The turns the edit touches, and one more on each side (a deleted label merges two turns).
  let first = Math.max(0, lastAtOrBefore(turns.length, (i) => lineStartOf(turns[i]!), oldDirtyStart));
  let last = first;
  while (last + 1 < turns.length && lineStartOf(turns[last + 1]!) <= oldDirtyEnd) last++;
  first = Math.max(0, first - 1);
  last = Math.min(turns.length - 1, last + 1);
  if (first === 0 && lineStartOf(turns[0]!) >= oldDirtyStart) return undefined;

  const regionStart = lineStartOf(turns[first]!);
  const oldRegionEnd = last + 1 < turns.length ? lineStartOf(turns[last + 1]!) : oldText.length;
  const newRegionEnd = oldRegionEnd + dirty.delta;
  if (newRegionEnd < dirty.end || oldRegionEnd < oldDirtyEnd) return undefined;
  // Text before the region must be untouched, and so must the text after it.
  if (text.length - newRegionEnd !== oldText.length - oldRegionEnd) return undefined;

  const oldRegion = oldText.slice(regionStart, oldRegionEnd);
  // A copy, not a slice: the new turns' strings must not keep this whole version
  // of the document alive (the untouched turns already hold an earlier one).
  const newRegion = text.slice(regionStart, newRegionEnd).split('\n').join('\n');
  if (hasUnknownLabelLines(oldRegion, speakers) || hasUnknownLabelLines(newRegion, speakers)) return undefined;
  if (decidesTheFirstTurn(oldText, turns[0]!, oldRegion, newRegion, speakers)) return undefined;
  const mini = parseTranscript(newRegion, { speakers });
  // The region must still begin with a turn (a header here means its first label was broken).
  if (mini.children.length === 0 || mini.children[0]!.type !== 'turn') return undefined;

  // Place the new turns: the region starts at a line start, so only lines and offsets move.
  const baseLine = turns[first]!.position.start.line - 1;
  const scratch: Point[] = [];
  for (const turn of mini.children as Turn[]) shiftTurn(turn, baseLine, regionStart, scratch);
  // Shift the turns after the region.
  const lineDelta = countLineBreaks(text, regionStart, newRegionEnd) - countLineBreaks(oldText, regionStart, oldRegionEnd);
  const after = turns.slice(last + 1);
  const newTurns = [...turns.slice(0, first), ...(mini.children as Turn[]), ...after];
  const afterStart = first + mini.children.length;
  for (let i = first; i < afterStart; i++) newTurns[i]!.index = i;
  const root: Root = {
    type: 'root',
    children: firstTurn ? [children[0]!, ...newTurns] : newTurns,
    position: {
      start: { line: 1, column: 1, offset: 0 },
      end: { ...previous.tree.position.end, line: previous.tree.position.end.line + lineDelta, offset: text.length },
    },
  };
  // Comments before the first turn: an edit there parses everything, so they are as they were.
  if (previous.tree.comments) root.comments = previous.tree.comments;
  // The last line's column changes when the region reaches the end of the text.
  if (newRegionEnd === text.length) root.position.end = endPoint(text, root.position.end.line);
  const shiftTurnsAfter = (function* (): Generator<void, void> {
    const move = dirty.delta !== 0 || lineDelta !== 0;
    const reindex = afterStart !== last + 1;
    if (!move && !reindex) return;
    for (let i = 0; i < after.length; i++) {
      if (i % 2048 === 2047) yield;
      const turn = after[i]!;
      if (move) shiftTurn(turn, lineDelta, dirty.delta, scratch);
      if (reindex) turn.index = afterStart + i;
    }
  })();
  return { tree: root, shiftTurnsAfter };
}

/**
 * Before the first turn, a misspelt label (`Therapsit:` on line 1) is a turn
 * only if it recurs somewhere in the file: does the edited region hold (or
 * did it hold) a label of the header, or the first turn's own label when that
 * turn is one of these? Then the first turn may come or go, and the whole
 * text is parsed. (Other labels of the region are checked only when the
 * region has an unconfigured one, so the header is rarely read.)
 */
function decidesTheFirstTurn(oldText: string, first: Turn, oldRegion: string, newRegion: string, speakers: SpeakerTable): boolean {
  const inRegion = unconfiguredLabels(oldRegion, speakers);
  for (const value of unconfiguredLabels(newRegion, speakers)) inRegion.add(value);
  if (inRegion.size === 0) return false;
  if (!first.known && inRegion.has(first.speaker)) return true;
  for (const value of unconfiguredLabels(oldText.slice(0, lineStartOf(first)), speakers)) if (inRegion.has(value)) return true;
  return false;
}

/** The point at the end of `text`, knowing its line. */
function endPoint(text: string, line: number): Point {
  let lineStart = text.length;
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
  return { line, column: text.length - lineStart + 1, offset: text.length };
}
