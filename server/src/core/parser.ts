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
 */
import type { Plugin } from 'unified';
import type { Header, HeaderLine, Label, Paragraph, Point, Role, Root, Tag, Text, Turn } from './types.ts';
import { SpeakerTable } from './speakers.ts';

export interface ParseOptions {
  speakers?: SpeakerTable;
}

/** A label-like prefix at the start of a line: `Therapist:`, `**Dr. Lee:**`. */
const LABEL_RE =
  /\uFEFF?[ \t]*(\*\*)?([A-Za-z][A-Za-z.'’-]*(?: [A-Za-z0-9][A-Za-z0-9.'’-]*){0,3})[ \t]*(?:\*\*)?:(?:\*\*)?(?=[ \t]|$)/my;
const TAG_RE = /\[([A-Za-z][A-Za-z0-9_-]*):([^\]\s[]+)\]/y;

interface LineInfo {
  start: number;
  /** End of the line's content, before its line break. */
  end: number;
  blank: boolean;
  label?: LabelMatch;
}

interface LabelMatch {
  labelStart: number;
  labelEnd: number;
  /** First character after the colon and the spaces that follow it. */
  contentStart: number;
  value: string;
  hasText: boolean;
}

const defaultTable = new SpeakerTable();

export function parseTranscript(text: string, options: ParseOptions = {}): Root {
  const speakers = options.speakers ?? defaultTable;
  const lines = scanLines(text);
  const lineStarts = lines.map((line) => line.start);
  const point = (offset: number, lineIndex: number): Point => ({
    line: lineIndex + 1,
    column: offset - lineStarts[lineIndex]! + 1,
    offset,
  });
  point.at = (offset: number): Point => point(offset, lineIndexOf(lineStarts, offset));

  const recurring = countUnknownLabels(lines, speakers);
  const root: Root = {
    type: 'root',
    children: [],
    position: { start: { line: 1, column: 1, offset: 0 }, end: point(text.length, lines.length - 1) },
  };

  // Decide turn starts.
  const turnStarts: number[] = [];
  const turnInfo: Array<{ role: Role; known: boolean; nearest?: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const label = lines[i]!.label;
    if (!label) continue;
    const entry = speakers.get(label.value);
    if (entry) {
      turnStarts.push(i);
      turnInfo.push({ role: entry.role, known: true });
      continue;
    }
    if (!label.hasText || SpeakerTable.isReserved(label.value)) continue;
    if (recurring.has(label.value)) {
      turnStarts.push(i);
      turnInfo.push({ role: 'other', known: false });
      continue;
    }
    if (turnStarts.length === 0) continue;
    const near = speakers.nearest(label.value);
    if (near) {
      turnStarts.push(i);
      turnInfo.push({ role: near.role, known: false, nearest: near.label });
    }
  }

  const firstTurnLine = turnStarts.length > 0 ? turnStarts[0]! : lines.length;
  const header = buildHeader(text, lines, 0, firstTurnLine, point);
  if (header) root.children.push(header);

  for (let t = 0; t < turnStarts.length; t++) {
    const from = turnStarts[t]!;
    const to = t + 1 < turnStarts.length ? turnStarts[t + 1]! : lines.length;
    root.children.push(buildTurn(text, lines, from, to, t, turnInfo[t]!, point));
  }
  return root;
}

function scanLines(text: string): LineInfo[] {
  const lines: LineInfo[] = [];
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
    lines.push(makeLine(text, start, end));
    if (next === -1) break;
    start = next;
  }
  return lines;
}

function makeLine(text: string, start: number, end: number): LineInfo {
  let first = start;
  while (first < end && isSpace(text.charCodeAt(first))) first++;
  const line: LineInfo = { start, end, blank: first === end };
  if (line.blank) return line;
  // Labels are short: only look at a line that has a colon near its start.
  const limit = Math.min(end, first + 48);
  let colon = first;
  while (colon < limit && text.charCodeAt(colon) !== 58) colon++;
  if (colon >= limit) return line;
  LABEL_RE.lastIndex = start;
  const match = LABEL_RE.exec(text);
  if (!match || LABEL_RE.lastIndex > end) return line;
  const value = match[2]!;
  const labelStart = match.index + match[0].indexOf(value);
  let contentStart = LABEL_RE.lastIndex;
  while (contentStart < end && isSpace(text.charCodeAt(contentStart))) contentStart++;
  line.label = { labelStart, labelEnd: labelStart + value.length, contentStart, value, hasText: contentStart < end };
  return line;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xfeff || c === 0xa0;
}

/** Unconfigured capitalised labels seen at two or more line starts. */
function countUnknownLabels(lines: LineInfo[], speakers: SpeakerTable): Set<string> {
  const counts = new Map<string, number>();
  const recurring = new Set<string>();
  for (const line of lines) {
    const label = line.label;
    if (!label || !label.hasText) continue;
    const first = label.value.charCodeAt(0);
    if (first < 65 || first > 90) continue; // must start with a capital letter
    if (speakers.get(label.value) || SpeakerTable.isReserved(label.value)) continue;
    const n = (counts.get(label.value) ?? 0) + 1;
    counts.set(label.value, n);
    if (n === 2) recurring.add(label.value);
  }
  return recurring;
}

interface PointAt {
  (offset: number, lineIndex: number): Point;
  /** The point of an offset whose line is not known. */
  at?: (offset: number) => Point;
}

function lineIndexOf(lineStarts: number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

function buildHeader(text: string, lines: LineInfo[], from: number, to: number, point: PointAt): Header | undefined {
  const children: HeaderLine[] = [];
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (line.blank) continue;
    let s = line.start;
    while (isSpace(text.charCodeAt(s))) s++;
    let e = line.end;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    const value = text.slice(s, e);
    children.push({ type: classifyHeaderLine(value), value, position: { start: point(s, i), end: point(e, i) } });
  }
  if (children.length === 0) return undefined;
  return {
    type: 'header',
    children,
    position: { start: children[0]!.position.start, end: children[children.length - 1]!.position.end },
  };
}

function classifyHeaderLine(value: string): HeaderLine['type'] {
  if (/^(?:[-*•+]|\d{1,3}[.)](?=\s)(?!.*:$))\s*/.test(value)) return 'listItem';
  if (/^#{1,6}\s/.test(value) || value.endsWith(':') || /^\*\*.+\*\*$/.test(value)) return 'heading';
  return 'headerText';
}

function buildTurn(
  text: string,
  lines: LineInfo[],
  from: number,
  to: number,
  index: number,
  info: { role: Role; known: boolean; nearest?: string },
  point: PointAt,
): Turn {
  const first = lines[from]!;
  const match = first.label!;
  const label: Label = {
    type: 'label',
    value: match.value,
    position: { start: point(match.labelStart, from), end: point(match.labelEnd, from) },
  };
  const turn: Turn = {
    type: 'turn',
    speaker: match.value,
    role: info.role,
    known: info.known,
    index,
    children: [label],
    position: { start: label.position.start, end: point(match.contentStart, from) },
  };
  if (info.nearest) turn.nearest = info.nearest;

  // Group content lines into paragraphs separated by blank lines.
  let paragraphStart = -1;
  let lastEnd = -1;
  let lastLine = -1;
  let firstParagraph = true;
  const flush = () => {
    if (paragraphStart < 0) return;
    const paragraph = buildParagraph(text, paragraphStart, lastEnd, lastLine, point, firstParagraph ? turn : undefined);
    if (paragraph) turn.children.push(paragraph);
    firstParagraph = false;
    paragraphStart = -1;
  };
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (line.blank) {
      flush();
      continue;
    }
    let s = i === from ? match.contentStart : line.start;
    while (s < line.end && isSpace(text.charCodeAt(s))) s++;
    let e = line.end;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s >= e) {
      if (i !== from) flush();
      continue;
    }
    if (paragraphStart < 0) paragraphStart = s;
    lastEnd = e;
    lastLine = i;
  }
  flush();
  const last = turn.children[turn.children.length - 1]!;
  turn.position.end = last.position.end;
  return turn;
}

/**
 * A paragraph from `start` to `end`. Tags at its start become `tag` nodes: on
 * the turn when this is the turn's first paragraph, else on the paragraph.
 * Returns `undefined` when the paragraph holds only turn tags.
 */
function buildParagraph(
  text: string,
  start: number,
  end: number,
  endLine: number,
  point: PointAt,
  turn: Turn | undefined,
): Paragraph | undefined {
  const at = point.at!;
  const tags: Tag[] = [];
  let cursor = start;
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
      position: { start: at(cursor), end: at(after) },
    });
    cursor = after;
    while (cursor < end && isWhitespace(text.charCodeAt(cursor))) cursor++;
    if (cursor >= end) break;
  }
  if (turn) turn.children.push(...tags);
  const children: Array<Tag | Text> = turn ? [] : tags;
  if (cursor < end) {
    children.push({
      type: 'text',
      value: text.slice(cursor, end),
      position: { start: at(cursor), end: point(end, endLine) },
    });
  }
  if (children.length === 0) return undefined;
  return {
    type: 'paragraph',
    children,
    position: { start: children[0]!.position.start, end: children[children.length - 1]!.position.end },
  };
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** unified parser plugin. */
export const transcriptParse: Plugin<[ParseOptions?], string, Root> = function (options) {
  this.parser = (document) => parseTranscript(document, options);
};
