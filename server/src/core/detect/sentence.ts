/**
 * Grow a match to the sentence that contains it, within one text.
 */
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
