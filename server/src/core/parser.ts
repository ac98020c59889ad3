/**
 * Transcript parser: text → unist tree with exact positions.
 *
 * One pass finds lines and label-like prefixes; a second decides which
 * label-like lines start turns:
 * - a configured or default speaker (`Therapist:`, `Client:`, `Nova:` when
 *   configured) always does;
 * - an unconfigured capitalised label that recurs at line starts (`Mother:`
 *   twice or more) does, with role `other`;
 * - after the first turn, a near miss of a configured label (`Therapsit:`)
 *   does too, so that the `unknown-speaker` rule can point at it;
 * - anything else ("Note: …", "1. Main topics discussed:") is text.
 * Lines before the first turn form the header.
 *
 * Large inputs are normal (a 50,000-turn export, a 100 MB file), so lines
 * live in typed arrays and nodes share their boundary points: a turn starts
 * at its label's start point and ends at its last paragraph's end point.
 */
import type { Plugin } from 'unified';
import type { Comment, Header, HeaderLine, Label, Paragraph, Point, Role, Root, Tag, Text, Turn } from './types.ts';
import { runToEnd } from './incremental/steps.ts';
import { SpeakerTable } from './speakers.ts';

export interface ParseOptions {
  speakers?: SpeakerTable;
}

/** A label-like prefix at the start of a line: `Therapist:`, `**Dr. Lee:**`. */
const LABEL_RE =
  /\uFEFF?[ \t]*(\*\*)?([A-Za-z][A-Za-z.'’-]*(?: [A-Za-z0-9][A-Za-z0-9.'’-]*){0,3})[ \t]*(?:\*\*)?:(?:\*\*)?(?=[ \t]|$)/my;
const TAG_RE = /\[([A-Za-z][A-Za-z0-9_-]*):([^\]\s[]+)\]/y;

/** Lines of the text: where each starts and ends (before its line break), and its label, if any. */
class Lines {
  count = 0;
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  /** 1 when the line holds only whitespace, 2 when it is a supervisor comment (`%% …`): no text either way. */
  blank = new Uint8Array(1024);
  /** Index into the label arrays, or -1. */
  label = new Int32Array(1024);
  labelStart: number[] = [];
  labelEnd: number[] = [];
  /** First character after the colon and the spaces that follow it. */
  contentStart: number[] = [];
  labelValue: string[] = [];

  push(start: number, end: number, blank: boolean): number {
    if (this.count === this.starts.length) this.grow();
    const i = this.count++;
    this.starts[i] = start;
    this.ends[i] = end;
    this.blank[i] = blank ? 1 : 0;
    this.label[i] = -1;
    return i;
  }

  private grow() {
    const size = this.starts.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, (n) => new Int32Array(n));
    this.ends = grow(this.ends, (n) => new Int32Array(n));
    this.blank = grow(this.blank, (n) => new Uint8Array(n));
    this.label = grow(this.label, (n) => new Int32Array(n));
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    // (Written out, not search.ts's lastAtOrBefore: called for every position of every node, the closure cost 1 %.)
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  point(offset: number, line: number): Point {
    return { line: line + 1, column: offset - this.starts[line]! + 1, offset };
  }

  pointAt(offset: number): Point {
    return this.point(offset, this.lineOf(offset));
  }

  hasText(label: number, line: number): boolean {
    return this.contentStart[label]! < this.ends[line]!;
  }
}

/** A comment line starts with `%%` (after optional spaces): a syntax speech never has at a line start. */
const COMMENT_MARK = 37; // '%'

interface TurnStart {
  line: number;
  role: Role;
  known: boolean;
  nearest?: string;
}

const defaultTable = new SpeakerTable();

export function parseTranscript(text: string, options: ParseOptions = {}): Root {
  return runToEnd(parseSteps(text, options));
}

/** `parseTranscript` in steps of a few thousand turns, for an editor that must stay responsive. */
export function* parseSteps(text: string, options: ParseOptions = {}): Generator<void, Root> {
  const speakers = options.speakers ?? defaultTable;
  // (In steps too: a 20 MB text has half a million lines, and an editor must answer meanwhile.)
  const lines = yield* scanLinesSteps(text);
  yield;
  const recurring = countUnknownLabels(lines, speakers);
  const root: Root = {
    type: 'root',
    children: [],
    position: { start: { line: 1, column: 1, offset: 0 }, end: lines.point(text.length, lines.count - 1) },
  };

  yield;
  // Decide turn starts.
  const starts: TurnStart[] = [];
  for (let i = 0; i < lines.count; i++) {
    if (i % LINES_PER_STEP === LINES_PER_STEP - 1) yield;
    const label = lines.label[i]!;
    if (label < 0) continue;
    const value = lines.labelValue[label]!;
    const entry = speakers.get(value);
    if (entry) {
      starts.push({ line: i, role: entry.role, known: true });
      continue;
    }
    if (!lines.hasText(label, i) || SpeakerTable.isReserved(value)) continue;
    const near = starts.length > 0 || recurring.has(value) ? speakers.nearest(value) : undefined;
    if (near) starts.push({ line: i, role: near.role, known: false, nearest: near.label });
    else if (recurring.has(value)) starts.push({ line: i, role: 'other', known: false });
  }

  const firstTurnLine = starts.length > 0 ? starts[0]!.line : lines.count;
  const header = buildHeader(text, lines, firstTurnLine);
  if (header) root.children.push(header);
  const comments = commentsIn(text, lines, 0, firstTurnLine);
  if (comments) root.comments = comments;
  yield;
  for (let t = 0; t < starts.length; t++) {
    if (t % 1024 === 1023) yield;
    const to = t + 1 < starts.length ? starts[t + 1]!.line : lines.count;
    root.children.push(buildTurn(text, lines, starts[t]!, to, t));
  }
  return root;
}

/**
 * Does this text have a label-like line whose fate depends on the whole
 * file: not a configured speaker, and not a misspelling of one (a misspelt
 * label after the first turn is always a turn of the speaker it resembles),
 * so a turn only if the label recurs anywhere? An incremental reparse must
 * not start there.
 */
export function hasUnknownLabelLines(text: string, speakers: SpeakerTable = defaultTable): boolean {
  const lines = scanLines(text);
  for (let i = 0; i < lines.count; i++) {
    const label = lines.label[i]!;
    if (label < 0 || !lines.hasText(label, i)) continue;
    const value = lines.labelValue[label]!;
    if (!speakers.get(value) && !SpeakerTable.isReserved(value) && !speakers.nearest(value)) return true;
  }
  return false;
}

/**
 * The labels of this text's label-like lines that have text and are not
 * configured speakers: before the first turn, such a line is a turn only if
 * its label recurs somewhere in the file.
 */
export function unconfiguredLabels(text: string, speakers: SpeakerTable = defaultTable): Set<string> {
  const lines = scanLines(text);
  const found = new Set<string>();
  for (let i = 0; i < lines.count; i++) {
    const label = lines.label[i]!;
    if (label < 0 || !lines.hasText(label, i)) continue;
    const value = lines.labelValue[label]!;
    if (!speakers.get(value) && !SpeakerTable.isReserved(value)) found.add(value);
  }
  return found;
}

/** Lines scanned (or read) between two steps of `parseSteps`. */
const LINES_PER_STEP = 1 << 16;

function scanLines(text: string): Lines {
  return runToEnd(scanLinesSteps(text));
}

function* scanLinesSteps(text: string): Generator<void, Lines> {
  const lines = new Lines();
  const length = text.length;
  // Fast path: no lone carriage returns, so every line ends at a "\n" (maybe after a "\r").
  const loneCR = text.includes('\r') && /\r(?!\n)/.test(text);
  let start = 0;
  for (;;) {
    let end: number;
    let next: number;
    if (!loneCR) {
      const newline = text.indexOf('\n', start);
      next = newline === -1 ? -1 : newline + 1;
      end = newline === -1 ? length : newline;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
    } else {
      end = start;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === 10 || c === 13) break;
        end++;
      }
      next = end >= length ? -1 : text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    }
    scanLine(text, lines, start, end);
    if (next === -1) break;
    start = next;
    if (lines.count % LINES_PER_STEP === 0) yield;
  }
  return lines;
}

function scanLine(text: string, lines: Lines, start: number, end: number): void {
  let first = start;
  while (first < end && isSpace(text.charCodeAt(first))) first++;
  const index = lines.push(start, end, first === end);
  if (first === end) return;
  if (text.charCodeAt(first) === COMMENT_MARK && text.charCodeAt(first + 1) === COMMENT_MARK) {
    lines.blank[index] = 2;
    return;
  }
  // Labels are short: only look at a line that has a colon near its start.
  const limit = Math.min(end, first + 48);
  let colon = first;
  while (colon < limit && text.charCodeAt(colon) !== 58) colon++;
  if (colon >= limit) return;
  LABEL_RE.lastIndex = start;
  const match = LABEL_RE.exec(text);
  if (!match || LABEL_RE.lastIndex > end) return;
  const value = match[2]!;
  const labelStart = match.index + match[0].indexOf(value);
  let contentStart = LABEL_RE.lastIndex;
  while (contentStart < end && isSpace(text.charCodeAt(contentStart))) contentStart++;
  lines.label[index] = lines.labelValue.length;
  lines.labelStart.push(labelStart);
  lines.labelEnd.push(labelStart + value.length);
  lines.contentStart.push(contentStart);
  lines.labelValue.push(value);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff || c === 0xa0;
}

/** Unconfigured capitalised labels seen at two or more line starts. */
function countUnknownLabels(lines: Lines, speakers: SpeakerTable): Set<string> {
  const counts = new Map<string, number>();
  const recurring = new Set<string>();
  for (let i = 0; i < lines.count; i++) {
    const label = lines.label[i]!;
    if (label < 0 || !lines.hasText(label, i)) continue;
    const value = lines.labelValue[label]!;
    const first = value.charCodeAt(0);
    if (first < 65 || first > 90) continue; // must start with a capital letter
    if (speakers.get(value) || SpeakerTable.isReserved(value)) continue;
    const n = (counts.get(value) ?? 0) + 1;
    counts.set(value, n);
    if (n === 2) recurring.add(value);
  }
  return recurring;
}

function buildHeader(text: string, lines: Lines, to: number): Header | undefined {
  const children: HeaderLine[] = [];
  for (let i = 0; i < to; i++) {
    if (lines.blank[i]) continue;
    let s = lines.starts[i]!;
    while (isSpace(text.charCodeAt(s))) s++;
    let e = lines.ends[i]!;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    const value = text.slice(s, e);
    children.push({ type: classifyHeaderLine(value), value, position: { start: lines.point(s, i), end: lines.point(e, i) } });
  }
  if (children.length === 0) return undefined;
  return {
    type: 'header',
    children,
    position: { start: children[0]!.position.start, end: children[children.length - 1]!.position.end },
  };
}

/** The comment on line `i` (a line marked 2 in `blank`). */
function commentAt(text: string, lines: Lines, i: number): Comment {
  let s = lines.starts[i]!;
  while (isSpace(text.charCodeAt(s))) s++;
  let e = lines.ends[i]!;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  let v = s + 2;
  while (v < e && isSpace(text.charCodeAt(v))) v++;
  return { type: 'comment', value: text.slice(v, e), position: { start: lines.point(s, i), end: lines.point(e, i) } };
}

/** The comments on lines [from, to), or undefined when there are none (most sessions). */
function commentsIn(text: string, lines: Lines, from: number, to: number): Comment[] | undefined {
  let comments: Comment[] | undefined;
  for (let i = from; i < to; i++) if (lines.blank[i] === 2) (comments ??= []).push(commentAt(text, lines, i));
  return comments;
}

function classifyHeaderLine(value: string): HeaderLine['type'] {
  if (/^(?:[-*•+]|\d{1,3}[.)](?=\s)(?!.*:$))\s*/.test(value)) return 'listItem';
  if (/^#{1,6}\s/.test(value) || value.endsWith(':') || /^\*\*.+\*\*$/.test(value)) return 'heading';
  return 'headerText';
}

function buildTurn(text: string, lines: Lines, start: TurnStart, to: number, index: number): Turn {
  const from = start.line;
  const labelIndex = lines.label[from]!;
  const value = lines.labelValue[labelIndex]!;
  const labelStart = lines.point(lines.labelStart[labelIndex]!, from);
  const label: Label = {
    type: 'label',
    value,
    position: { start: labelStart, end: lines.point(lines.labelEnd[labelIndex]!, from) },
  };
  const turn: Turn = {
    type: 'turn',
    speaker: value,
    role: start.role,
    known: start.known,
    index,
    children: [label],
    position: { start: labelStart, end: label.position.end },
  };
  if (start.nearest) turn.nearest = start.nearest;

  // Group content lines into paragraphs separated by blank lines.
  const contentStart = lines.contentStart[labelIndex]!;
  let paragraphStart = -1;
  let paragraphLine = -1;
  let lastEnd = -1;
  let lastLine = -1;
  let firstParagraph = true;
  for (let i = from; i <= to; i++) {
    if (i === to || lines.blank[i]) {
      if (i < to && lines.blank[i] === 2) (turn.comments ??= []).push(commentAt(text, lines, i));
      if (paragraphStart >= 0) {
        addParagraph(text, lines, turn, paragraphStart, paragraphLine, lastEnd, lastLine, firstParagraph);
        firstParagraph = false;
        paragraphStart = -1;
      }
      continue;
    }
    let s = i === from ? contentStart : lines.starts[i]!;
    const lineEnd = lines.ends[i]!;
    while (s < lineEnd && isSpace(text.charCodeAt(s))) s++;
    let e = lineEnd;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s >= e) continue; // the label line without text
    if (paragraphStart < 0) {
      paragraphStart = s;
      paragraphLine = i;
    }
    lastEnd = e;
    lastLine = i;
  }
  turn.position.end = turn.children[turn.children.length - 1]!.position.end;
  return turn;
}

/**
 * Add the paragraph from `start` to `end`. Tags at its start become `tag`
 * nodes: on the turn when this is its first paragraph, else on the paragraph.
 */
function addParagraph(text: string, lines: Lines, turn: Turn, start: number, startLine: number, end: number, endLine: number, first: boolean): void {
  const tags: Tag[] = [];
  let cursor = start;
  let cursorLine = startLine;
  for (;;) {
    TAG_RE.lastIndex = cursor;
    const match = TAG_RE.exec(text);
    if (!match || TAG_RE.lastIndex > end) break;
    const after = TAG_RE.lastIndex;
    // A tag stands alone: followed by whitespace or the end of the paragraph.
    if (after < end && !isWhitespace(text.charCodeAt(after))) break;
    tags.push({
      type: 'tag',
      namespace: match[1]!,
      id: match[2]!,
      position: { start: lines.point(cursor, cursorLine), end: lines.point(after, cursorLine) },
    });
    cursor = after;
    let crossedLine = false;
    while (cursor < end && isWhitespace(text.charCodeAt(cursor))) {
      const c = text.charCodeAt(cursor++);
      if (c === 10 || c === 13) crossedLine = true;
    }
    if (cursor >= end) break;
    // Tags may stand on their own line above the text.
    if (crossedLine) cursorLine = lines.lineOf(cursor);
  }
  if (first) turn.children.push(...tags);
  const children: Array<Tag | Text> = first ? [] : tags;
  if (cursor < end) {
    const textStart = cursor === start ? lines.point(start, startLine) : lines.point(cursor, cursorLine);
    children.push({
      type: 'text',
      value: text.slice(cursor, end),
      position: { start: textStart, end: lines.point(end, endLine) },
    });
  }
  if (children.length === 0) return;
  const paragraph: Paragraph = {
    type: 'paragraph',
    children,
    position: { start: children[0]!.position.start, end: children[children.length - 1]!.position.end },
  };
  turn.children.push(paragraph);
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** unified parser plugin. */
export const transcriptParse: Plugin<[ParseOptions?], string, Root> = function (options) {
  this.parser = (document) => parseTranscript(document, options);
};
