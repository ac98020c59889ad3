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

export interface EndingModelFile extends HashedModel {
  /** Words (lower case, letters only) of the training sessions' closed sentences, sorted. */
  vocabulary: string[];
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

function known(word: string): boolean {
  const vocabulary = model.vocabulary;
  return vocabulary[firstAtOrAfter(vocabulary, word)] === word;
}

function firstAtOrAfter(list: readonly string[], word: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < word) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Is `word` (lower case) the beginning of a known word, by two letters or more ("underst" of "understand"),
 * and neither a known word nor the stem of one ("relax" of "relaxing")? Only for four letters or more:
 * shorter ones are as often chat's abbreviations ("tho", "pls").
 */
export function isWordFragment(word: string): boolean {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return false;
  if (known(word) || INFLECTIONS.some((suffix) => known(word + suffix))) return false;
  const vocabulary = model.vocabulary;
  for (let i = firstAtOrAfter(vocabulary, word); i < vocabulary.length && vocabulary[i]!.startsWith(word); i++) {
    if (vocabulary[i]!.length >= word.length + 2) return true;
  }
  return false;
}
