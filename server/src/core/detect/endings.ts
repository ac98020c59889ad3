/**
 * How a turn ends: closed (punctuation, an emoticon, a signature, a link, a
 * list item), or open — on a word that cannot end a sentence ("…and the"),
 * on a cut word ("It'", "achie-"), or just without punctuation. What the
 * truncation rule weighs against the speaker's and the document's habits.
 */
import { sentences } from './sentence.ts';
import { cutProbability, endingWords, isWordFragment } from '../model/ending.ts';
import type { SessionTurn } from '../turn.ts';

export type EndingKind = 'closed' | 'dash' | 'cut-word' | 'open-word' | 'weak-word' | 'plain';

export interface Ending {
  kind: EndingKind;
  /** The last word, as written. */
  word: string;
  /** Offset (in the last text) where the last sentence starts. */
  sentenceStart: number;
  /** Words of the last sentence, of the whole turn. */
  sentenceWords: number;
  words: number;
  /** Sentence ends inside the turn (before its last sentence). */
  inner: number;
  /** The last sentence has the marks of speech or chat ("you know", "like,", "lol", "I mean"). */
  spoken: boolean;
  /** The turn stops on a comma (a speaker trailing off, or a list cut short). */
  comma: boolean;
  /** The open word is a subject with its verb ("I'm", "we're", "it's"): a sentence that has only begun. */
  subject?: boolean;
  /** The open word is one no writer ends on, in any register: an article, a determiner, a conjunction ("…to have a"). */
  hard?: boolean;
  /** How likely the last sentence's words stop mid-sentence, by the ending model (0–1); for open endings only. */
  cut?: number;
  /** The last word (in lower case) begins a known word and is none ("…we could underst"); for open endings only. */
  fragment?: boolean;
  /** The last word is three letters that begin a known word and are none ("…what num"): a fragment unless the document uses it as a word. */
  shortFragment?: boolean;
}

/** Words that cannot end an English sentence. */
const OPEN = new Set(
  `a an the my your his its our their these those every each of and or nor because although whereas whether if unless than whose
  toward towards very such i we they he she i'm i'd i'll i've you're you've you'll you'd we're we've we'll we'd they're they've
  they'll they'd he's he'll he'd she's she'll she'd it's it'll that's there's what's who's`.split(/\s+/),
);
/** Open words no register ends a sentence on. */
const HARD = new Set('a an the my your his its our their these those every each and or nor because although whereas whether if unless than whose very such'.split(' '));
const CONTRACTED_SUBJECT = /^(?:i'm|you're|we're|they're|he's|she's|it's|that's|there's|what's|who's|i've|we've|they've|you've)$/;
/** A subject with a contracted verb, or a subject pronoun: a sentence has only begun. */
const SUBJECTS = /^(?:i|we|they|he|she|i'm|i'd|i'll|i've|you're|you've|you'll|you'd|we're|we've|we'll|we'd|they're|they've|they'll|they'd|he's|he'll|he'd|she's|she'll|she'd|it's|it'll|that's|there's|what's|who's)$/;
/** Words that end a sentence only when stranded ("laugh with", "care about"): open when the sentence is long. */
const WEAK = new Set("with for about at on in by like so that just also but then to from into onto upon without is are was were been being have has do does don't doesn't didn't can't won't isn't aren't".split(' '));

const CLOSING = /[.!?…:;"'”’)\]»*~>}]$/u;
const EMOTICON = /(?:\p{Extended_Pictographic}|\p{Emoji_Presentation}|[:;=]['’-]?[)(DPpO3/|\]]|<\/?3|xD|\^\^|¯\\_\(ツ\)_\/¯)\s*$/u;
/** ", LPCC, NCC", ", PhD", "— Dr. Anna Ruiz, LCSW": credentials or a name after the last sentence. */
const CREDENTIALS = /,\s*(?:[A-Z][A-Za-z]{0,3}[A-Z]|Ph\.?D|M\.?D|Psy\.?D|Ed\.?D|MSc|MA|MS|BA|BSc)\.?(?:[-\s][A-Z]+)?\s*$/;
const NAME_AFTER = /(?:^|\n|[.!?,]["'”’)]*(?:[ \t\u00a0]{2,}|(?=[\p{Lu}~—–-])))(?:[-–—~]\s*)?(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?\p{Lu}[\p{L}-]+(?:\s+\p{Lu}\.)?(?:\s+\p{Lu}[\p{L}-]+){0,2}\s*$/u;
const SIGN_OFF = /\b(?:hope (?:this|that|it) helps|best(?: wishes)?|regards|warm(?:ly| regards| wishes)?|sincerely|cheers|take care|be well|good luck|all the best|wishing you[^,\n]{0,30}|thanks|thank you|with care|kind regards|blessings|peace)[,!.]?\s+(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}\s*$/iu;
const LIST_ITEM = /(?:^|\n)[ \t]*(?:[-*•·–]|\d{1,2}[.)])[ \t]+[^\n]*$/;
const SPOKEN = /\b(?:you know|i mean|like,|kind of|sort of|lol|lmao|haha|um+|uh+|hm+|yeah|idk|tbh|anyway|whatever)\b/i;

/** How the last text of a turn ends (`texts` are the turn's paragraphs). */
export function endingOf(texts: readonly string[], words: number): Ending {
  const last = texts[texts.length - 1] ?? '';
  // (`trimEnd` removes what `\s` matches, without the regex's quadratic retries on a long run of spaces.)
  const trimmed = last.trimEnd();
  const spans = sentences(trimmed);
  const lastSpan = spans[spans.length - 1];
  const sentenceStart = lastSpan ? lastSpan.start : 0;
  const sentence = trimmed.slice(sentenceStart);
  const sentenceWords = (sentence.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  let inner = Math.max(0, spans.length - 1);
  for (let t = 0; t < texts.length - 1; t++) inner += sentences(texts[t]!).length;
  const word = lastWord(trimmed);
  const base = { word, sentenceStart, sentenceWords, words, inner, spoken: SPOKEN.test(sentence), comma: trimmed.endsWith(',') };
  // A cut word first: "It'" ends on an apostrophe that closes no quotation.
  if (/(?:^|[\s(])\p{L}{1,6}['’]$/u.test(trimmed) && !/s['’]$/i.test(trimmed) && !/(?:^|[\s(])['‘]\S/u.test(sentence)) return { ...base, kind: 'cut-word' };
  if (!trimmed || CLOSING.test(trimmed) || EMOTICON.test(trimmed)) return { ...base, kind: 'closed' };
  return classify(base, trimmed, sentence);
}

const LINK_EXTENSION = /^\.(?:pdf|html?|com|org|net|gov|edu)\/?$/i;

/**
 * Does `text` (with no trailing white space) end on a link? What
 * `/(?:https?:\/\/\S+|www\.\S+|\S+@\S+\.\w+|\S+\.(?:pdf|html?|com|org|net|gov|edu)(?:\/\S*)?)\s*$/i` tests,
 * on the last run of non-space characters only, and without the regex's
 * retries from every position of a long run (quadratic)? The regex's match is
 * made of non-space characters and ends at the end, so it lies in that run.
 */
function endsWithLink(text: string): boolean {
  let from = text.length;
  while (from > 0 && !/\s/.test(text[from - 1]!)) from--;
  const token = text.slice(from);
  const lower = token.toLowerCase();
  // https?://\S+ and www\.\S+: the prefix anywhere, with something after it.
  for (const prefix of ['http://', 'https://', 'www.']) {
    const at = lower.indexOf(prefix);
    if (at >= 0 && at + prefix.length < token.length) return true;
  }
  // \S+@\S+\.\w+: the last dot followed only by word characters (at least one), and an @ with something on both sides before it.
  const dot = token.lastIndexOf('.');
  if (dot >= 0 && dot < token.length - 1 && /^\w+$/.test(token.slice(dot + 1))) {
    const at = token.indexOf('@', 1);
    if (at >= 1 && at <= dot - 2) return true;
  }
  // \S+\.(?:pdf|html?|com|…)(?:\/\S*)?: a dot after the first character, then an extension, then nothing or a path.
  for (let d = token.indexOf('.', 1); d >= 0; d = token.indexOf('.', d + 1)) {
    // (The extension and what follows it: "/" and anything, or nothing — the next six characters tell.)
    if (LINK_EXTENSION.test(token.slice(d, d + 6).replace(/\/.*$/s, '/'))) return true;
  }
  return false;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const WORD_PART = /^[\p{L}\p{N}'’-]$/u;

/** The code point of `text` that ends at `end`, as a string (a surrogate pair is one). */
function codePointBefore(text: string, end: number): string {
  const low = text.charCodeAt(end - 1);
  const high = end >= 2 ? text.charCodeAt(end - 2) : 0;
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? text.slice(end - 2, end) : text.slice(end - 1, end);
}

/** The code point of `text` that starts at `start`, as a string. */
function codePointAt(text: string, start: number): string {
  return String.fromCodePoint(text.codePointAt(start)!);
}

/**
 * The last word of `text`: what `/([\p{L}\p{N}][\p{L}\p{N}'’-]*)[^\p{L}\p{N}]*$/u`
 * captures, found from the end (the regex tries every position from the start,
 * and every position inside a long word: quadratic on a run of letters).
 */
function lastWord(text: string): string {
  // Just after the last letter or digit.
  let end = text.length;
  while (end > 0 && !LETTER_OR_DIGIT.test(codePointBefore(text, end))) end -= codePointBefore(text, end).length;
  if (end === 0) return '';
  // The run of word characters around it: from its first letter or digit to its end (apostrophes and hyphens included).
  let start = end;
  while (start > 0 && WORD_PART.test(codePointBefore(text, start))) start -= codePointBefore(text, start).length;
  while (!LETTER_OR_DIGIT.test(codePointAt(text, start))) start += codePointAt(text, start).length;
  let stop = end;
  while (stop < text.length && WORD_PART.test(codePointAt(text, stop))) stop += codePointAt(text, stop).length;
  return text.slice(start, stop);
}

/** An ending without closing punctuation: what kind, and how likely the model thinks it stops mid-sentence. */
function classify(base: Omit<Ending, 'kind'>, trimmed: string, sentence: string): Ending {
  const ending = classifyWord(base, trimmed);
  if (ending.kind !== 'closed' && ending.kind !== 'dash') {
    ending.cut = cutProbability(endingWords(sentence));
    if (isWordFragment(ending.word)) ending.fragment = true;
    else if (ending.word.length === 3 && isWordFragment(ending.word, true)) ending.shortFragment = true;
  }
  return ending;
}

function classifyWord(base: Omit<Ending, 'kind'>, trimmed: string): Ending {
  const { word, sentenceWords } = base;
  if (endsWithLink(trimmed) || CREDENTIALS.test(trimmed) || SIGN_OFF.test(trimmed) || (NAME_AFTER.test(trimmed) && sentenceWords <= 4)) return { ...base, kind: 'closed' };
  // A cut word: "well-" glued to its word.
  if (/[\p{L}]-$/u.test(trimmed)) return { ...base, kind: 'cut-word' };
  if (/[-–—]$/.test(trimmed)) return { ...base, kind: 'dash' };
  const lower = word.toLowerCase().replace(/’/g, "'");
  // A list's last item without a full stop is a list, not a cut-off sentence — unless it stops on an open word.
  if (LIST_ITEM.test(trimmed) && !OPEN.has(lower)) return { ...base, kind: 'closed' };
  if (OPEN.has(lower)) {
    // "q and a" names a letter; "think of" strands a preposition: not hard.
    const hard = (HARD.has(lower) || CONTRACTED_SUBJECT.test(lower)) && !/\b(?:and|or|q|plan|vitamin|grade|type|class)\s+a$/i.test(trimmed);
    return { ...base, kind: 'open-word', subject: SUBJECTS.test(lower), hard };
  }
  if (WEAK.has(lower)) return { ...base, kind: 'weak-word' };
  return { ...base, kind: 'plain' };
}

/** How a turn ends, memoised on its text. */
export function turnEnding(turn: SessionTurn): Ending {
  return (turn.features.detected.ending ??= endingOf(turn.texts.map((t) => t.value), turn.features.words));
}
