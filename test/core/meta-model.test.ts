import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metaProbability } from '../../server/src/core/model/meta.ts';

test('meta-text model: a generator commenting on its text scores high, in-session look-alikes low', () => {
  // Written for this test (not in train/data): the model must read the kind, not remember lines.
  for (const text of [
    "The counselor's warmth here keeps the client talking without pushing.",
    'Notice how the therapist slows the pace once the client starts to cry.',
    '(End of the sample session.)',
  ]) assert.ok(metaProbability(text) >= 0.95, `${text}: ${metaProbability(text).toFixed(3)}`);
  for (const text of [
    "I'll write down what you said so we don't lose it.",
    "Let me know if anything in the plan doesn't fit your week.",
    'My therapist said the client always knows best.',
    'Happy holidays :)',
  ]) assert.ok(metaProbability(text) < 0.5, `${text}: ${metaProbability(text).toFixed(3)}`);
});

test('meta-text model: probabilities are probabilities, for any text', () => {
  for (const text of ['', ':', 'x '.repeat(2000), '😀😀', '## ', '[', '¿Qué pasa?']) {
    const p = metaProbability(text);
    assert.ok(p >= 0 && p <= 1 && Number.isFinite(p), `${JSON.stringify(text.slice(0, 20))}: ${p}`);
  }
});
