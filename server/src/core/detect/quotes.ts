/**
 * Quoted speech and writing inside a turn ("she went, "You always…"",
 * 'Dear [First Name]'): what a speaker quotes is not what they say, so the
 * detectors skip it.
 */
import type { Span } from './lines.ts';
import { lastAtOrBefore } from '../search.ts';

const OPENERS: Record<string, string> = { '"': '"', '\u201c': '\u201d', '\u2018': '\u2019', "'": "'", '\u00ab': '\u00bb' };

/** Spans of quoted material in a text (the quotes included), not overlapping. */
export function quotedSpans(text: string): Span[] {
  if (!/["\u201c\u2018'\u00ab]/.test(text)) return [];
  const spans: Span[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const close = OPENERS[c];
    if (!close) continue;
    // A single quote opens only at a word boundary ("I said 'no'"), never inside a word ("don't").
    if ((c === "'" || c === '\u2018') && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1]!)) continue;
    let j = i + 1;
    for (; j < text.length && j - i < 600; j++) {
      if (text[j] !== close) continue;
      // A closing single quote ends a word ("'no'" but not "'don't"): not before a letter.
      if ((close === "'" || close === '\u2019') && /[\p{L}]/u.test(text[j + 1] ?? '')) continue;
      break;
    }
    if (j < text.length && text[j] === close && j > i + 1) {
      spans.push({ start: i, end: j + 1 });
      i = j;
    }
  }
  return spans;
}

/** Does `[start, end)` lie inside one of `spans` (sorted and disjoint, as `quotedSpans` gives them)? */
export function inside(spans: readonly Span[], start: number, end = start + 1): boolean {
  const i = lastAtOrBefore(spans.length, (k) => spans[k]!.start, start);
  return i >= 0 && end <= spans[i]!.end;
}

/**
 * `text[start, end)` with every quoted span (sorted and disjoint) blanked to spaces, so what a speaker
 * quotes reads as nothing and offsets stay. One pass over the spans that meet the range.
 */
export function blankQuotes(text: string, spans: readonly Span[], start = 0, end = text.length): string {
  let i = lastAtOrBefore(spans.length, (k) => spans[k]!.start, start);
  if (i < 0 || spans[i]!.end <= start) i++;
  let out = '';
  let cursor = start;
  for (; i < spans.length && spans[i]!.start < end; i++) {
    const s = Math.max(spans[i]!.start, start);
    const e = Math.min(spans[i]!.end, end);
    if (s >= e) continue;
    out += text.slice(cursor, s) + ' '.repeat(e - s);
    cursor = e;
  }
  return out + text.slice(cursor, end);
}
