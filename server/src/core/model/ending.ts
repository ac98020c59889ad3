/**
 * Does a run of words end a sentence, or stop in the middle of one? A small
 * logistic regression over the last words of the run, trained (`npm run
 * train:ending`, `train/ending.ts`) on AnnoMI's transcribed speech alone: every
 * sentence the transcribers closed is a complete ending, the same sentence
 * cut at a random word an incomplete one. It knows which words English
 * sentences end on ("…what to do", "…for you", "…anymore") and which they
 * run through ("…thinking about", "…and the", "…to help maybe some of").
 * The truncation rule asks it only about turns that end without punctuation.
 */
import weights from './weights/ending-model.json' with { type: 'json' };
import { featureKey } from './featurize.ts';
import { hashedScorer, type HashedModel } from './hashed.ts';
import { firstIndexWhere } from '../search.ts';

export interface EndingModelFile extends HashedModel {
  /** Words (lower case, letters only) of the training sessions' closed sentences, sorted. */
  vocabulary: string[];
  /** English words that begin a longer word of `vocabulary` and are not in it ("info", "adjust"), sorted: never a fragment. */
  prefixWords: string[];
  trainedOn: Record<string, unknown>;
}

/** The words of a run, lower-cased, apostrophes straightened (the last sentence of a turn). */
export function endingWords(text: string): string[] {
  return text.toLowerCase().replace(/[’‘`´]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? [];
}

/** The hashed features of a run's ending, in `buckets` buckets (with repeats when two collide). */
export function endingFeatures(words: readonly string[], buckets: number): number[] {
  const n = words.length;
  const w = (i: number) => words[n - i] ?? '<s>';
  const length = n <= 2 ? String(n) : n <= 5 ? '3-5' : n <= 10 ? '6-10' : n <= 20 ? '11-20' : '21+';
  const keys = [
    featureKey('e1', w(1)),
    featureKey('e2', w(2)),
    featureKey('e12', `${w(2)} ${w(1)}`),
    featureKey('e123', `${w(3)} ${w(2)} ${w(1)}`),
    featureKey('s3', w(1).slice(-3)),
    featureKey('p2', w(1).slice(0, 2)),
    featureKey('len', length),
    featureKey('e1len', `${w(1)}|${length}`),
    featureKey('bias', ''),
  ];
  return keys.map((k) => k % buckets);
}

const model = weights as EndingModelFile;
const score = hashedScorer(model);

/** P(the run stops mid-sentence) for its words. */
export function cutProbability(words: readonly string[]): number {
  return score(endingFeatures(words, model.buckets));
}

/** Endings that make a word of a word: "relax" is a word when "relaxing" is one. */
const INFLECTIONS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'est', 'ly', 'y', 'ness', 'ment', 'ments', 'ful', 'al', 'ion', 'ions', 'ation', 'able', 'ity'];

/** The keys next to each letter on a QWERTY keyboard. */
const NEIGHBOURS: Record<string, string> = {
  q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl', p: 'ol',
  a: 'qwsz', s: 'awedxz', d: 'serfcx', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', j: 'huikmn', k: 'jiolm', l: 'kop',
  z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk',
};

/** A word AnnoMI's speakers closed a sentence with. */
function inVocabulary(word: string): boolean {
  return model.vocabulary[firstAtOrAfter(model.vocabulary, word)] === word;
}

/** A word: in the vocabulary, or an English word that begins one of it. */
function known(word: string): boolean {
  return inVocabulary(word) || model.prefixWords[firstAtOrAfter(model.prefixWords, word)] === word;
}

function firstAtOrAfter(list: readonly string[], word: string): number {
  return firstIndexWhere(list.length, (k) => list[k]! >= word);
}

/**
 * Is `word` (lower case) the beginning of a known word, by two letters or more ("underst" of "understand"),
 * and neither a known word nor the stem of one ("relax" of "relaxing")? A stem that drops an "e" to
 * inflect ("smok" of "smoking", "hav" of "having") is no word: it is a fragment of the word with the "e".
 *
 * Four letters or more are read alone. Three ("…what num", "…it's your cho") are as often chat's
 * abbreviations ("lol", "pls", "ppl"), so three letters are a fragment only with `short`, which the truncation rule
 * asks only for a speaker who punctuates, where the document never uses the same letters as a word
 * elsewhere. (Two letters, "…your ch", are too often a word or an abbreviation to read at all.)
 */
export function isWordFragment(word: string, short = false): boolean {
  if (word.length < (short ? 3 : 4) || !/^[a-z]+$/.test(word)) return false;
  if (known(word)) return false;
  // Three letters that are a word with the last key slipped to its neighbour ("…into my dat" for "day") are a typo.
  if (word.length === 3 && [...(NEIGHBOURS[word[2]!] ?? '')].some((key) => inVocabulary(word.slice(0, 2) + key))) return false;
  if (known(word + 'e')) return true;
  if (INFLECTIONS.some((suffix) => known(word + suffix))) return false;
  const vocabulary = model.vocabulary;
  for (let i = firstAtOrAfter(vocabulary, word); i < vocabulary.length && vocabulary[i]!.startsWith(word); i++) {
    if (vocabulary[i]!.length >= word.length + 2) return true;
  }
  return false;
}
