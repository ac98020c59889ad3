/**
 * Quoted speech and writing inside a turn ("she went, "You always…"",
 * 'Dear [First Name]'): what a speaker quotes is not what they say, so the
 * detectors skip it.
 */
import type { Span } from './lines.ts';

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

/** Does `[start, end)` lie inside one of `spans`? */
export function inside(spans: readonly Span[], start: number, end = start + 1): boolean {
  for (const s of spans) if (start >= s.start && end <= s.end) return true;
  return false;
}
