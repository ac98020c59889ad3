/**
 * Text helpers shared by rules: normalisation for comparing turns, word
 * hashing, and ordinals for messages.
 */

/** Contractions expanded token by token, so "can't" and "cannot" compare equal to "can not". */
const WHOLE_WORDS: Record<string, string[]> = {
  "can't": ['can', 'not'],
  cannot: ['can', 'not'],
  "won't": ['will', 'not'],
  "shan't": ['shall', 'not'],
  "ain't": ['is', 'not'],
};
const SUFFIXES: Array<[string, string]> = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'m", 'am'],
  ["'ll", 'will'],
  ["'ve", 'have'],
  ["'d", 'would'],
];
const IS_CONTRACTED = new Set(['it', 'that', 'what', 'there', 'here', 'he', 'she', 'who', 'where', 'how', 'let']);

const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;

/** Is the character at `i` part of a word (a letter, digit or combining mark)? */
function isWordAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return NON_ASCII_WORD.test(text[i]!);
}

/**
 * The words of an utterance for comparison: lower case, curly apostrophes
 * straightened, contractions expanded, punctuation dropped. One pass over the
 * text; `emit` receives each word.
 */
export function forEachWord(text: string, emit: (word: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Skip to the start of a word.
    while (i < n && !isWordAt(text, i)) i++;
    if (i >= n) break;
    const start = i;
    let apostrophe = false;
    for (;;) {
      while (i < n && isWordAt(text, i)) i++;
      // An apostrophe between letters stays inside the word ("don't", "Naomi's").
      const c = text.charCodeAt(i);
      if ((c === 39 || c === 0x2019) && i + 1 < n && isWordAt(text, i + 1)) {
        apostrophe = true;
        i++;
        continue;
      }
      break;
    }
    let word: string = text.slice(start, i).toLowerCase();
    if (!apostrophe) {
      if (word === 'cannot') {
        emit('can');
        emit('not');
      } else emit(word);
      continue;
    }
    word = word.replace(/’/g, "'");
    const whole = WHOLE_WORDS[word];
    if (whole) {
      for (const w of whole) emit(w);
      continue;
    }
    let expanded = false;
    for (const [suffix, replacement] of SUFFIXES) {
      if (word.length > suffix.length && word.endsWith(suffix)) {
        emit(word.slice(0, -suffix.length));
        emit(replacement);
        expanded = true;
        break;
      }
    }
    if (expanded) continue;
    if (word.endsWith("'s")) {
      const base = word.slice(0, -2);
      emit(base);
      emit(IS_CONTRACTED.has(base) ? 'is' : 's');
      continue;
    }
    for (const part of word.split("'")) if (part) emit(part);
  }
}

/**
 * Hashes of the words `forEachWord` yields (FNV-1a of each word), computed
 * in place for the common case of a plain ASCII word, without building
 * strings.
 */
export function wordHashes(text: string): Uint32Array {
  const n = text.length;
  // Every word, even an expanded contraction ("i'm" → "i am"), uses up at least one
  // character per hash: n slots always suffice.
  if (scratch.length < n + 2) scratch = new Uint32Array(Math.max(n + 2, scratch.length * 2));
  const out = scratch;
  let count = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    // Skip to the start of a word.
    while (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) && (c < 128 || !NON_ASCII_WORD.test(text[i]!))) {
      if (++i >= n) break;
      c = text.charCodeAt(i);
    }
    if (i >= n) break;
    const start = i;
    let h = 0x811c9dc5;
    let plain = true;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
        // An apostrophe or a non-ASCII character: let the general path decide.
        if (c >= 128 || c === 39) plain = false;
        break;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (plain && !(i - start === 6 && text.slice(start, i).toLowerCase() === 'cannot')) {
      out[count++] = h >>> 0;
      continue;
    }
    // General path ("cannot", contractions, non-ASCII): find the end of the word as
    // forEachWord does, then expand it.
    let end = start;
    for (;;) {
      while (end < n && isWordAt(text, end)) end++;
      const a = text.charCodeAt(end);
      if ((a === 39 || a === 0x2019) && end + 1 < n && isWordAt(text, end + 1)) {
        end++;
        continue;
      }
      break;
    }
    if (end === start) {
      i = start + 1;
      continue;
    }
    forEachWord(text.slice(start, end), (word) => {
      out[count++] = hashString(word);
    });
    i = end;
  }
  return out.slice(0, count);
}

let scratch = new Uint32Array(1024);

/** The normalised utterance as one string ("i can not go"), for display and tests. */
export function normalizeForComparison(text: string): string {
  const words: string[] = [];
  forEachWord(text, (w) => words.push(w));
  return words.join(' ');
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  // (Math.imul reads its operands as 32-bit integers: the seed needs no `>>> 0`, the running hash none either.)
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Mix two 32-bit hashes (for word n-grams). */
export function mixHash(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** "1st", "2nd", "3rd", "4th", … */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** Shorten text for a message or an outline label. */
export function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** One shared, frozen empty list: what most turns have for each detector. */
export const NO_MATCHES: readonly never[] = Object.freeze([]);

/**
 * A detector's matches in each text of a turn, tagged with the text's index;
 * the shared empty list when there are none (most turns), so a large session
 * does not allocate a list per turn and detector.
 */
export function matchesPerText<M extends object>(texts: ReadonlyArray<{ value: string }>, find: (value: string) => readonly M[]): Array<M & { textIndex: number }> {
  let all: Array<M & { textIndex: number }> | undefined;
  for (let i = 0; i < texts.length; i++) {
    const found = find(texts[i]!.value);
    for (let j = 0; j < found.length; j++) (all ??= []).push({ ...found[j]!, textIndex: i });
  }
  return all ?? (NO_MATCHES as never[]);
}

/** A detector's results for each text of a turn, or the shared empty list when every text has none. */
export function resultsPerText<M>(texts: ReadonlyArray<{ value: string }>, find: (value: string) => M[]): M[][] {
  let all: M[][] | undefined;
  for (let i = 0; i < texts.length; i++) {
    const found = find(texts[i]!.value);
    if (found.length === 0 && !all) continue;
    if (!all) {
      all = [];
      for (let j = 0; j < i; j++) all.push(NO_MATCHES as never[]);
    }
    all.push(found);
  }
  if (all) while (all.length < texts.length) all.push(NO_MATCHES as never[]);
  return all ?? (NO_MATCHES as never[]);
}
