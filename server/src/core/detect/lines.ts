/**
 * Lines and sentences of one text (a paragraph of a turn), with offsets into
 * it: what the detectors of generator artifacts, labels and disclaimers look
 * at. A line is what the writer put on a line of its own; a sentence ends at
 * . ! ? or … (not after "Dr." or in "3.5"), at a line break, or — for an
 * introducer like "Here's the therapist's response:" — at a colon.
 */
import { sentences, type Span } from './sentence.ts';

export type { Span };

export interface Line extends Span {
  /** Index of the line in the text. */
  index: number;
  /** The line without its surrounding spaces. */
  value: string;
}

/** The non-blank lines of a text, trimmed. */
export function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let index = 0;
  for (;;) {
    let end = text.indexOf('\n', start);
    const next = end === -1 ? -1 : end + 1;
    if (end === -1) end = text.length;
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) lines.push({ start: s, end: e, index, value: text.slice(s, e) });
    index++;
    if (next === -1) break;
    start = next;
  }
  return lines;
}

/** Sentences of a text (see `sentences`), each also split after a colon that ends a clause. */
export function clausesOf(text: string): Span[] {
  const out: Span[] = [];
  for (const s of sentences(text)) {
    let from = s.start;
    let depth = 0;
    for (let i = s.start; i < s.end; i++) {
      const c = text[i]!;
      if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      // Inside brackets a colon is part of the note: "(Word count: 152)".
      if (c !== ':' || depth > 0 || i + 1 >= s.end || !/\s/.test(text[i + 1]!)) continue;
      // "Step 1: …", "10:30" and a colon inside quotes stay whole.
      out.push({ start: from, end: i + 1 });
      from = i + 1;
      while (from < s.end && /\s/.test(text[from]!)) from++;
    }
    if (from < s.end) out.push({ start: from, end: s.end });
  }
  return out;
}

/** Words of a span, lower-cased, apostrophes straightened. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().replace(/[’‘]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

/** Is the span's text all in capitals (at least two letters)? */
export function isShouting(value: string): boolean {
  const letters = value.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}
