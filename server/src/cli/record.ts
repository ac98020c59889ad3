/**
 * A `--jsonl` record as its raw JSON text: where each value is, so that a
 * cleaned record is the input line with only the rewritten strings replaced.
 * Every other byte — fields the tool knows nothing about, key order, spacing,
 * numbers too large for a double (`"id": 12345678901234567890`), ids nested
 * thousands of levels deep — comes back exactly as it came, and nothing is
 * ever parsed into a value only to be serialised again.
 *
 * The scanner assumes valid JSON (the caller has `JSON.parse`d the line) and
 * is iterative: no depth of nesting can exhaust the stack.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Replacement extends Span {
  text: string;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function skipSpace(json: string, i: number): number {
  while (i < json.length && isSpace(json.charCodeAt(i))) i++;
  return i;
}

/** The end of the string that starts at `i` (at its opening quote). */
function stringEnd(json: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = json.indexOf('"', j);
    if (quote === -1) return json.length;
    let backslashes = 0;
    for (let k = quote - 1; json.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** The end of the value that starts at `i`. */
export function valueEnd(json: string, i: number): number {
  const c = json.charCodeAt(i);
  if (c === 34) return stringEnd(json, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < json.length) {
      const d = json.charCodeAt(j);
      if (d === 34) {
        j = stringEnd(json, j);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return json.length;
  }
  let j = i;
  while (j < json.length) {
    const d = json.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    j++;
  }
  return j;
}

export interface Member {
  key: string;
  value: Span;
}

/** The members of the object that starts at `start` (its `{`), in order. */
export function members(json: string, start: number): Member[] {
  const found: Member[] = [];
  let i = skipSpace(json, start + 1);
  while (i < json.length && json.charCodeAt(i) !== 125) {
    const keyEnd = stringEnd(json, i);
    const raw = json.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(json.slice(i, keyEnd)) as string) : raw;
    i = skipSpace(json, keyEnd);
    i = skipSpace(json, i + 1); // the colon
    const end = valueEnd(json, i);
    found.push({ key, value: { start: i, end } });
    i = skipSpace(json, end);
    if (json.charCodeAt(i) === 44) i = skipSpace(json, i + 1);
  }
  return found;
}

/** The value of `key` in the object at `start` (the last one, as `JSON.parse` takes it). */
export function member(json: string, start: number, key: string): Span | undefined {
  let found: Span | undefined;
  for (const m of members(json, start)) if (m.key === key) found = m.value;
  return found;
}

/** The elements of the array that starts at `start` (its `[`), each with the separator after it. */
export function elements(json: string, start: number): Array<Span & { next: number }> {
  const found: Array<Span & { next: number }> = [];
  let i = skipSpace(json, start + 1);
  while (i < json.length && json.charCodeAt(i) !== 93) {
    const end = valueEnd(json, i);
    let next = skipSpace(json, end);
    if (json.charCodeAt(next) === 44) next = skipSpace(json, next + 1);
    found.push({ start: i, end, next });
    i = next;
  }
  return found;
}

/** Apply non-overlapping replacements to the raw text. */
export function splice(json: string, replacements: readonly Replacement[]): string {
  if (replacements.length === 0) return json;
  const sorted = [...replacements].sort((a, b) => a.start - b.start);
  const out: string[] = [];
  let cursor = 0;
  for (const r of sorted) {
    out.push(json.slice(cursor, r.start), r.text);
    cursor = r.end;
  }
  out.push(json.slice(cursor));
  return out.join('');
}

/**
 * One replacement for all the elements of an array: each element as
 * `rewrite` makes it (`null`: removed), each followed by the separator that
 * followed it (but the last kept), so the result is valid JSON spaced as it was.
 */
export function rewriteElements(json: string, array: ReadonlyArray<Span & { next: number }>, rewrite: (index: number, element: Span) => string | null): Replacement | undefined {
  if (array.length === 0) return undefined;
  const pieces: string[] = [];
  let separator = '';
  array.forEach((element, index) => {
    const text = rewrite(index, element);
    if (text === null) return;
    if (pieces.length > 0) pieces.push(separator);
    pieces.push(text);
    separator = index < array.length - 1 ? json.slice(element.end, element.next) : ', ';
  });
  return { start: array[0]!.start, end: array[array.length - 1]!.end, text: pieces.join('') };
}
