/**
 * Grow a match to the sentence that contains it, within one text.
 */
import { lastAtOrBefore } from '../search.ts';

export interface Span {
  start: number;
  end: number;
}

/** The sentence around `[start, end)`: back to the previous terminator, on through the next one. */
export function sentenceAround(text: string, start: number, end: number): Span {
  let s = start;
  while (s > 0) {
    const c = text[s - 1]!;
    if (c === '\n' || ((c === '.' || c === '!' || c === '?') && /\s/.test(text[s] ?? ' '))) break;
    s--;
  }
  while (s < start && /\s/.test(text[s]!)) s++;
  let e = end;
  while (e < text.length) {
    const c = text[e]!;
    if (c === '\n') break;
    e++;
    if ((c === '.' || c === '!' || c === '?') && (e === text.length || /[\s"'”’)]/.test(text[e]!))) {
      while (e < text.length && /["'”’)]/.test(text[e]!)) e++;
      break;
    }
  }
  return { start: s, end: e };
}

/**
 * Extend a removal span over the whitespace around it so that removing it
 * leaves tidy text: the spaces before it (when something precedes it on the
 * line) or after it (when it starts the line).
 */
export function removalSpan(text: string, span: Span): Span {
  let { start, end } = span;
  let before = start;
  while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
  if (before > 0 && text[before - 1] !== '\n') return { start: before, end };
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return { start, end };
}

/**
 * The range that removes `span` from the document and leaves tidy text:
 * a span that is a whole line goes with its line break (and, when it was a
 * paragraph of its own, with one of the blank lines around it); a span that
 * ends a label's line ("Therapist: Sure, here's my response:") takes the line
 * break after it, so the text below joins the label; otherwise the spaces on
 * one side go too (see `removalSpan`).
 */
export function removalRange(text: string, span: Span): Span {
  const isBreak = (c: string | undefined) => c === '\n' || c === '\r';
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || (c !== undefined && !isBreak(c) && /\s/.test(c));
  // What the line holds after the span: only whitespace? (The scan stops at the first word: a line of
  // thousands of matches stays linear.)
  let lineEnd = span.end;
  while (lineEnd < text.length && isSpace(text[lineEnd])) lineEnd++;
  const blankAfterSpan = lineEnd >= text.length || isBreak(text[lineEnd]);
  const breakLength = (at: number) => (text[at] === '\r' && text[at + 1] === '\n' ? 2 : text[at] === '\n' || text[at] === '\r' ? 1 : 0);
  if (blankAfterSpan) {
    let lineStart = span.start;
    while (lineStart > 0 && isSpace(text[lineStart - 1])) lineStart--;
    if (lineStart === 0 || isBreak(text[lineStart - 1])) {
      // A whole line.
      let end = lineEnd + breakLength(lineEnd);
      const blankBefore = lineStart > 0 && /(?:\r?\n|\r)[ \t]*(?:\r?\n|\r)$/.test(text.slice(Math.max(0, lineStart - 4), lineStart));
      const blankAfter = /^[ \t]*(?:\r?\n|\r)/.test(text.slice(end, end + 4));
      if (blankBefore && blankAfter) end += /^[ \t]*(?:\r?\n|\r)/.exec(text.slice(end, end + 4))![0].length;
      else if (blankBefore && end >= text.length) return { start: lineStart - (lineStart >= 2 && text[lineStart - 2] === '\r' ? 2 : 1), end: lineEnd };
      return { start: lineStart, end };
    }
    // The end of a line that starts with a label: join the next line to it. (A label is short: what
    // comes before the span is read back to its line's start only when that is near.)
    let labelEnd = span.start;
    while (labelEnd > 0 && (text[labelEnd - 1] === ' ' || text[labelEnd - 1] === '\t')) labelEnd--;
    if (breakLength(lineEnd) > 0 && endsLabel(text, labelEnd)) {
      let end = lineEnd + breakLength(lineEnd);
      while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
      if (breakLength(end) === 0 && end < text.length) return { start: span.start, end };
    }
  }
  return removalSpan(text, span);
}

/** Does the line up to `at` (after its trailing blanks are skipped) read as a label, `**Name:**`? */
function endsLabel(text: string, at: number): boolean {
  let lineStart = at;
  const limit = Math.max(0, at - 80);
  while (lineStart > limit && !(text[lineStart - 1] === '\n' || text[lineStart - 1] === '\r')) lineStart--;
  if (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') {
    // Further back than a label reaches: a label only when what lies beyond is indentation.
    let i = lineStart;
    while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
    if (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') return false;
    lineStart = i;
  }
  return /^[ \t]*(?:\*\*)?[^\s:][^:\n]{0,60}:(?:\*\*)?$/.test(text.slice(lineStart, at));
}

/**
 * Matches that must not overlap, first come first kept, held sorted (by
 * start, so by end too): a new one is checked against its neighbours alone,
 * so a paragraph with thousands of matches costs k log k, not k².
 */
export class DisjointSpans<T extends Span> {
  readonly list: T[] = [];

  /** Index of the first kept span that ends after `start`. */
  private firstEndingAfter(start: number): number {
    return lastAtOrBefore(this.list.length, (i) => this.list[i]!.end, start) + 1;
  }

  overlaps(start: number, end: number): boolean {
    const next = this.list[this.firstEndingAfter(start)];
    return next !== undefined && next.start < end;
  }

  /** Keep `span` unless it overlaps one kept already. */
  add(span: T): void {
    if (!this.overlaps(span.start, span.end)) this.list.splice(this.firstEndingAfter(span.start), 0, span);
  }
}

/**
 * The sentences of one pattern's matches, which come in order: a match inside
 * the sentence grown last has that same sentence (no terminator lies between
 * them), so each sentence is read once however many matches it holds.
 */
export class SentenceGrower {
  private start = -1;
  private end = -1;

  constructor(private readonly text: string) {}

  /** The sentence around the match, or `undefined` when it is the one returned last. */
  grow(start: number, end: number): Span | undefined {
    if (start >= this.start && end <= this.end) return undefined;
    const span = sentenceAround(this.text, start, end);
    this.start = span.start;
    this.end = span.end;
    return span;
  }
}
