/**
 * Sentences: a text split into them (`sentences`, for every detector that
 * reads a turn sentence by sentence), and a match grown to the sentence that
 * contains it, within one text.
 */
import { lastAtOrBefore } from '../search.ts';

export interface Span {
  start: number;
  end: number;
}

// ---------------------------------------------------------------------------
// Characters (as sentences and questions read them)

export function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c > '\u00bf' && c.toLowerCase() !== c.toUpperCase());
}
function isLower(c: string): boolean {
  return isLetter(c) && c !== c.toUpperCase();
}
function isUpper(c: string): boolean {
  return isLetter(c) && c !== c.toLowerCase();
}
export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
export function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';
}
export function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0' || isLineBreak(c);
}
export function isApostrophe(c: string): boolean {
  return c === "'" || c === '\u2019' || c === '\u2018';
}
/** Closing quotes and brackets that stay with the sentence they close. */
export const CLOSERS = '"\'\u201d\u2019\u00bb)]}';

// ---------------------------------------------------------------------------
// Sentences

const ABBREVIATIONS = new Set([
  'dr', 'mr', 'mrs', 'ms', 'mx', 'prof', 'st', 'jr', 'sr', 'vs', 'mt', 'no', 'approx', 'dept', 'fig',
  'gen', 'gov', 'sgt', 'capt', 'lt', 'col', 'rev', 'hon', 'inc', 'ltd', 'co', 'ave', 'etc', 'cf', 'ca',
  'vol', 'pp', 'esp', 'min', 'max', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept',
  'oct', 'nov', 'dec',
]);
/** Abbreviations that often end a sentence: split after them before a capital. */
const FINAL_ABBREVIATIONS = new Set(['etc', 'inc', 'ltd', 'co', 'min', 'max']);

/** Words that start a sentence rather than continue a name after an initial ("plan B. Then …"). */
const SENTENCE_STARTERS = new Set([
  'i', 'the', 'a', 'and', 'so', 'but', 'then', 'it', 'we', 'you', 'he', 'she', 'they', 'that', 'this',
  'there', 'what', 'how', 'why', 'when', 'where', 'who', 'do', 'does', 'did', 'is', 'are', 'okay', 'yeah',
  'well', 'now', 'if', 'my', 'your', 'or', 'because', 'can', 'would', 'tell', 'let',
]);

/** Does the single '.' at `i` end a sentence? Look-arounds are bounded, so this is O(1). */
function periodEnds(text: string, i: number): boolean {
  const next = text[i + 1] ?? '';
  // "3.5", "e.g", "www.example.com": no space after the dot
  if (next !== '' && (isLetter(next) || isDigit(next))) return false;
  let k = i;
  while (k > 0 && i - k < 12 && isLetter(text[k - 1]!)) k--;
  const word = text.slice(k, i);
  const before = k > 0 ? text[k - 1]! : '';
  let j = i + 1;
  while (j < text.length && j - i < 8 && (text[j] === ' ' || text[j] === '\t')) j++;
  const after = text[j] ?? '';
  const continues = after !== '' && (isLower(after) || isDigit(after));
  if (word.length === 0 || (before !== '' && isDigit(before))) return !continues;
  if (word.length === 1) {
    // "e.g.", "i.e.": never; "a.m.", "U.S.": before a capital or at the end
    if (before === '.') {
      const w = word.toLowerCase();
      return w === 'g' || w === 'e' ? false : after === '' || isUpper(after);
    }
    // Initials ("J. Smith"), but not "I." nor "plan B. Then …"
    if (isUpper(word) && word !== 'I' && (before === '' || !isLetter(before))) {
      if (after === '' || !isUpper(after)) return after === '';
      let q = j;
      while (q < text.length && q - j < 12 && isLetter(text[q]!)) q++;
      return SENTENCE_STARTERS.has(text.slice(j, q).toLowerCase());
    }
  }
  const lw = word.toLowerCase();
  if (ABBREVIATIONS.has(lw) && !isLetter(before)) {
    if (lw === 'no') return !isDigit(after) && !continues; // "No. 5" vs "No. I don't"
    if (FINAL_ABBREVIATIONS.has(lw) && (after === '' || isUpper(after))) return true;
    return after === '';
  }
  // A dot before a lower-case word is an abbreviation we do not know.
  return !continues;
}

/**
 * Sentences of `text` (offset spans, trimmed), split on . ! ? … and line
 * breaks, not on abbreviations like "Dr." or "e.g." or decimals. An
 * ellipsis followed by a lower-case word ("I was... kind of") continues the
 * sentence; closing quotes and brackets stay with the sentence they end.
 */
export function sentences(text: string): Span[] {
  const out: Span[] = [];
  const n = text.length;
  const push = (s: number, e: number): void => {
    while (s < e && isSpace(text[s]!)) s++;
    while (e > s && isSpace(text[e - 1]!)) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (isLineBreak(c)) {
      push(start, i);
      start = ++i;
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?' && c !== '\u2026') {
      i++;
      continue;
    }
    let j = i;
    let strong = false;
    while (j < n && (text[j] === '.' || text[j] === '!' || text[j] === '?' || text[j] === '\u2026')) {
      if (text[j] === '?' || text[j] === '!') strong = true;
      j++;
    }
    let ends: boolean;
    if (strong) ends = true;
    else if (j - i === 1 && c === '.') ends = periodEnds(text, i);
    else {
      // an ellipsis
      let k = j;
      while (k < n && k - j < 8 && (text[k] === ' ' || text[k] === '\t')) k++;
      ends = k >= n || !isLower(text[k]!);
    }
    if (ends) {
      while (j < n && CLOSERS.includes(text[j]!)) j++;
      push(start, j);
      start = j;
    }
    i = j;
  }
  push(start, n);
  return out;
}

// ---------------------------------------------------------------------------
// Growing a match to its sentence

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
  const isInlineSpace = (c: string | undefined) => c === ' ' || c === '\t' || (c !== undefined && !isBreak(c) && /\s/.test(c));
  // What the line holds after the span: only whitespace? (The scan stops at the first word: a line of
  // thousands of matches stays linear.)
  let lineEnd = span.end;
  while (lineEnd < text.length && isInlineSpace(text[lineEnd])) lineEnd++;
  const blankAfterSpan = lineEnd >= text.length || isBreak(text[lineEnd]);
  const breakLength = (at: number) => (text[at] === '\r' && text[at + 1] === '\n' ? 2 : text[at] === '\n' || text[at] === '\r' ? 1 : 0);
  if (blankAfterSpan) {
    let lineStart = span.start;
    while (lineStart > 0 && isInlineSpace(text[lineStart - 1])) lineStart--;
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
