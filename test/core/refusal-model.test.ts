import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusalProbability } from '../../server/src/core/model/refusal.ts';
import { findRefusals, findStructuralRefusals } from '../../server/src/core/detect/refusal.ts';

// Written for this test (not in train/data): the model must read the kind, not remember lines.
const REFUSALS = ['Going further into that is off limits for me.', 'I think I should bow out of this topic.'];
const SESSION_TALK = [
  'We can take this one step at a time.',
  'I am going to pause here and ask how that felt.',
  'I will not tell you what to decide, that is yours.',
  'Let me step back for a second and summarise what I heard.',
  'I need to stop you there because our time is up for today.',
];

test('refusal model: refusals the structure misses score high, a therapist’s limits and pacing low', () => {
  for (const text of REFUSALS) {
    assert.equal(findStructuralRefusals(text).length, 0, `${text}: the structure alone already reads it`);
    assert.ok(refusalProbability(text) >= 0.9, `${text}: ${refusalProbability(text).toFixed(3)}`);
    assert.equal(findRefusals(text).length, 1, text);
  }
  for (const text of SESSION_TALK) {
    assert.ok(refusalProbability(text) < 0.5, `${text}: ${refusalProbability(text).toFixed(3)}`);
    assert.equal(findRefusals(text).length, 0, text);
  }
});

test('refusal model: read only at a reply’s edges, never on a question or the listener’s limits', () => {
  const refusal = REFUSALS[1]!;
  const middle = ['You said the week was hard.', 'Work piled up.', refusal, 'Sleep got shorter.', 'And the calls kept coming.'].join(' ');
  assert.equal(findRefusals(middle).length, 0, 'a sentence inside an answer');
  assert.equal(findRefusals(`${refusal} Sleep got shorter.`).length, 1, 'the opening sentence');
  assert.equal(findRefusals('Should I bow out of this topic?').length, 0, 'a question');
  assert.equal(findRefusals('I will assume that you either do not want to or are not able to talk about this here.').length, 0, 'what the listener cannot do');
});

test('refusal model: probabilities are probabilities, for any text', () => {
  for (const text of ['', ':', 'x '.repeat(2000), '😀😀', '## ', '[', '¿Qué pasa?']) {
    const p = refusalProbability(text);
    assert.ok(p >= 0 && p <= 1 && Number.isFinite(p), `${JSON.stringify(text.slice(0, 20))}: ${p}`);
  }
});
