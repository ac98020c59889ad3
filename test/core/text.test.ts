import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachWord, hashString, normalizeForComparison, wordHashes } from '../../server/src/core/text.ts';

test('normalisation: case, punctuation, curly apostrophes and contractions', () => {
  assert.equal(normalizeForComparison("I CAN'T go — I cannot! Naomi’s it's fine, don't you think?"), 'i can not go i can not naomi s it is fine do not you think');
  assert.equal(normalizeForComparison("I'm sure you're right; we'll see, I'd say, they've gone."), 'i am sure you are right we will see i would say they have gone');
  assert.equal(normalizeForComparison(''), '');
});

test('the fast word hashes equal hashing the normalised words one by one', () => {
  const reference = (text: string) => {
    const hashes: number[] = [];
    forEachWord(text, (word) => hashes.push(hashString(word)));
    return hashes;
  };
  const same = (text: string) => assert.deepEqual([...wordHashes(text)], reference(text), JSON.stringify(text));
  for (const text of ["I can't go, CANNOT go. Naomi’s it's fine — 'quoted' don't", 'Ça va? Über-cool ’tis', "rock'n'roll o'clock", "x'", "'y", 'İstanbul'])
    same(text);
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), same), { numRuns: 3000 });
  const alphabet = fc.constantFrom('a', 'B', "'", '’', ' ', 'é', '-', 'n', 't', '.', 'İ', '1', 'c', 'o');
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), same), { numRuns: 3000 });
});
