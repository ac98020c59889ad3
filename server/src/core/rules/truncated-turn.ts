/**
 * `truncated-turn`: a turn cut off mid-sentence, as when a generation stops
 * at its token limit ("…Thanks for being patient with me. I'm").
 *
 * A turn is truncated when its last sentence has no closing punctuation and
 * either ends on a word that cannot end a sentence (an article, a
 * preposition, a conjunction, a subject like "I'm"), or is the end of a long
 * written turn (several paragraphs, or `minWords` words) that stops without
 * any punctuation. Spoken interruptions written with a dash or an ellipsis
 * ("on average-", "so—", "I just…") are not truncations.
 */
import { defineRule } from '../rule.ts';

export interface TruncatedOptions {
  /** A single-paragraph turn this long that ends without punctuation is truncated. */
  minWords: number;
}

/** Words that cannot end an English sentence. */
const OPEN_ENDINGS = new Set(
  // Articles, possessives and determiners; prepositions and conjunctions that
  // cannot be stranded; contracted auxiliaries ("I'm", "you've"), which
  // cannot end a sentence (uncontracted ones can: "Yes, I am.").
  `a an the my your his her its our their these those every each
  of with from at by into onto than and or nor because although though whereas whether if unless
  while whose i'm i'd i'll i've you're you've you'll you'd we're we've we'll we'd they're they've
  they'll they'd he's he'll he'd she's she'll she'd it's it'll that's there's what's who's very`.split(/\s+/),
);

const CLOSING = /[.!?…:;"'”’)\]»*~-]$|[—–]$/u;

export default defineRule({
  id: 'truncated-turn',
  description: 'A turn cut off mid-sentence (a generation stopped early).',
  defaultSeverity: 'warn',
  defaultOptions: { minWords: 150 } as TruncatedOptions,
  checkTurn({ options, report }, turn) {
    const last = turn.texts[turn.texts.length - 1];
    if (!last) return;
    const value = last.value;
    if (CLOSING.test(value)) return;
    const word = lastWordOf(value);
    if (!word) return;
    const lastWord = word.toLowerCase().replace(/’/g, "'");
    const openEnding = OPEN_ENDINGS.has(lastWord);
    // Short spoken turns ("Yeah", "Well, uh") are not truncations; require some length.
    const words = turn.features.words;
    const long = turn.texts.length >= 2 || words >= Number(options.minWords);
    if (!(openEnding && words >= 6) && !long) return;
    const end = last.position.end.offset!;
    // After the last terminator (what /[^.!?]*$/ finds, without its quadratic search).
    const sentenceStart = Math.max(value.lastIndexOf('.'), value.lastIndexOf('!'), value.lastIndexOf('?')) + 1;
    const start = last.position.start.offset! + sentenceStart + (value.slice(sentenceStart).length - value.slice(sentenceStart).trimStart().length);
    report({
      reason: openEnding
        ? `This turn stops mid-sentence after "${word}": the text was cut off (a generation stopped early).`
        : `This turn ends without punctuation in the middle of a sentence: it was probably cut off (a generation stopped early).`,
      start,
      end,
      turn: turn.index,
    });
  },
});

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * The last word of a text: the run of letters, digits and apostrophes that
 * holds its last letter or digit (without one, the first run of apostrophes) — what `/([\p{L}\p{N}'’]+)[^\p{L}\p{N}]*$/u`
 * captures, found from the end (that regular expression retries from every
 * position: a 50 KB word followed by another took seconds).
 */
export function lastWordOf(value: string): string | undefined {
  /** The code point ending at `end` (exclusive), as a string. */
  const before = (end: number) => {
    const low = value.charCodeAt(end - 1);
    return low >= 0xdc00 && low <= 0xdfff && end >= 2 && value.charCodeAt(end - 2) >= 0xd800 && value.charCodeAt(end - 2) <= 0xdbff ? value.slice(end - 2, end) : value[end - 1]!;
  };
  const apostrophe = (c: string) => c === "'" || c === '’';
  let last = value.length;
  while (last > 0 && !LETTER_OR_DIGIT.test(before(last))) last -= before(last).length;
  if (last === 0) {
    // No letter or digit: the regular expression still takes the first run of apostrophes.
    let first = 0;
    while (first < value.length && !apostrophe(value[first]!)) first++;
    if (first === value.length) return undefined;
    let run = first;
    while (run < value.length && apostrophe(value[run]!)) run++;
    return value.slice(first, run);
  }
  let end = last;
  while (end < value.length && apostrophe(value[end]!)) end++;
  let start = last;
  while (start > 0) {
    const c = before(start);
    if (!LETTER_OR_DIGIT.test(c) && !apostrophe(c)) break;
    start -= c.length;
  }
  return value.slice(start, end);
}
