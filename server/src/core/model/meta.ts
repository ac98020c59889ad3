/**
 * Does a clause read as a generator speaking about its text ("Here's a
 * continuation of the dialogue:", "(Note: the therapist models validation
 * here.)", "Let me know if you'd like a shorter version.") rather than as
 * speech in the session? A small logistic regression over the clause's
 * words and shape (its first words, its last, a closing colon, brackets,
 * Markdown), trained (`npm run train:meta`, `train/meta.ts`) on the team's
 * written lines of generator meta-text and their in-session look-alikes,
 * and on the speech of AnnoMI and the team's sessions as what is not.
 * `detect/artifacts.ts` adds it to the clause's score where the clause
 * stands where such text stands (a turn's first or last clause, a line of
 * its own, the header); it never decides alone that a fix is safe.
 */
import weights from './weights/meta-model.json' with { type: 'json' };
import { featureKey } from './featurize.ts';
import { endingWords } from './ending.ts';
import { hashedScorer, type HashedModel } from './hashed.ts';

export interface MetaModelFile extends HashedModel {
  trainedOn: Record<string, unknown>;
}

/** The hashed features of a clause, in `buckets` buckets. */
export function metaFeatures(text: string, buckets: number): number[] {
  const v = text.trim();
  // The words as the ending model reads them (lower-cased, apostrophes straightened).
  const words = endingWords(v);
  const n = words.length;
  const keys: number[] = [featureKey('bias', '')];
  for (let i = 0; i < n; i++) {
    keys.push(featureKey('w', words[i]!));
    if (i + 1 < n) keys.push(featureKey('b', `${words[i]} ${words[i + 1]}`));
  }
  const at = (i: number) => words[i] ?? '<none>';
  keys.push(featureKey('f1', at(0)), featureKey('f2', `${at(0)} ${at(1)}`), featureKey('f3', `${at(0)} ${at(1)} ${at(2)}`));
  keys.push(featureKey('l1', at(n - 1)), featureKey('l2', `${at(n - 2)} ${at(n - 1)}`));
  const length = n <= 3 ? '≤3' : n <= 8 ? '4-8' : n <= 16 ? '9-16' : n <= 30 ? '17-30' : '31+';
  keys.push(featureKey('len', length));
  // Its shape: how it opens and closes.
  // A closing colon, not an emoticon (":)", ":-(").
  if (/(?:^|[^:;=8xX]):(?:\*\*|__)?$/.test(v)) keys.push(featureKey('shape', 'colon-end'), featureKey('colon-len', length));
  if (/[:;=8][-^']?[)(DPp/\\|]/.test(v)) keys.push(featureKey('shape', 'emoticon'));
  if (/^[([]/.test(v) && /[)\]][.!]?$/.test(v)) keys.push(featureKey('shape', 'bracketed'));
  if (/^#{1,6}\s/.test(v)) keys.push(featureKey('shape', 'md-heading'));
  if (/^(?:\*\*|__).*(?:\*\*|__):?$/.test(v)) keys.push(featureKey('shape', 'bold-line'));
  if (/^\W*(?:\*\*|__)/.test(v)) keys.push(featureKey('shape', 'bold-start'));
  if (!/[.!?:)\]]["'”’]*$/.test(v)) keys.push(featureKey('shape', 'no-end-punct'));
  if (n <= 8) {
    const long = v.split(/\s+/).filter((token) => /^\W*\p{L}{4,}/u.test(token));
    if (long.length > 0 && long.every((token) => /^\W*\p{Lu}/u.test(token))) keys.push(featureKey('shape', 'title-case'));
  }
  if (/\b(?:you|your|yours|yourself)\b/i.test(v)) keys.push(featureKey('has', 'you'));
  if (/\b(?:i|me|my|i'm|i've|i'll|i'd)\b/i.test(v)) keys.push(featureKey('has', 'i'));
  if (/\b(?:we|us|our|let's)\b/i.test(v)) keys.push(featureKey('has', 'we'));
  return keys.map((k) => k % buckets);
}

const model = weights as MetaModelFile;
const score = hashedScorer(model);

/** P(the clause is a generator's text about its text). */
export function metaProbability(text: string): number {
  return score(metaFeatures(text, model.buckets));
}
