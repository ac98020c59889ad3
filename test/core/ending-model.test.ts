import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutProbability, endingWords, isWordFragment } from '../../server/src/core/model/ending.ts';
import { endingOf } from '../../server/src/core/detect/endings.ts';

const p = (text: string) => cutProbability(endingWords(text));

test('ending model: a run that stops on a preposition or an article is more likely cut than the same run closed', () => {
  // Pairs: the same sentence, once stopped mid-way and once at its end.
  const pairs: Array<[string, string]> = [
    ['I have been thinking a lot about the', 'I have been thinking a lot about it'],
    ['and then I went to talk to my', 'and then I went to talk to my sister'],
    // (Not "…focus on": "on" ends phrasal verbs, "move on", and the model weighs it so.)
    ['that was one of the hardest parts of', 'that was one of the hardest parts'],
  ];
  for (const [cut, closed] of pairs) {
    assert.ok(p(cut) > p(closed), `${cut} (${p(cut).toFixed(2)}) vs ${closed} (${p(closed).toFixed(2)})`);
    assert.ok(p(cut) > 0.5, `${cut}: ${p(cut)}`);
  }
});

test('ending model: probabilities are probabilities, and the empty run is answered', () => {
  for (const text of ['', 'ok', 'x '.repeat(500), '😀', '¿Qué?']) {
    const v = p(text);
    assert.ok(v >= 0 && v <= 1 && Number.isFinite(v), `${JSON.stringify(text.slice(0, 20))}: ${v}`);
  }
});

test('endings: the model is asked only about open endings', () => {
  assert.equal(endingOf(['I went home.'], 3).cut, undefined);
  assert.equal(typeof endingOf(['I went to the'], 4).cut, 'number');
});

test('word fragments: the beginning of a known word is one; known words, their stems and short chat words are not', () => {
  for (const w of ['underst', 'thinki']) assert.equal(isWordFragment(w), true, w);
  // "relax" is a stem ("relaxing"), "okay" a word, "tho" too short to tell from an abbreviation.
  for (const w of ['relax', 'okay', 'about', 'tho', 'lol', 'Underst', '']) assert.equal(isWordFragment(w), false, w);
});
