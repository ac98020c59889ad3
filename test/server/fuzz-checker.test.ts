/**
 * The fix-engine property's own checker (`changedOnlyWithin`, test/fuzz/fixes.ts): it accepts every output
 * that applies a compatible subset of the reported edits, and nothing else. A checker that accepted
 * everything would make the property pass vacuously, so both sides are tested here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedOnlyWithin } from '../fuzz/fixes.ts';

const before = 'Therapist: Call 1-800-273-8255 now.\n\nTherapist: Call 1-800-273-8255 now.\n\nTherapsit: How are you?\n';
const second = before.indexOf('Therapist:', 5);
const misspelt = before.indexOf('Therapsit');
const number = (from: number) => before.indexOf('1-800-273-8255', from);
const edits = [
  // The double post, removed; the old number replaced in both turns; the misspelt label relabelled.
  { start: second, end: misspelt, text: '' },
  { start: number(0), end: number(0) + 14, text: '988' },
  { start: number(second), end: number(second) + 14, text: '988' },
  { start: misspelt, end: misspelt + 9, text: 'Therapist' },
];

test('the checker accepts every compatible subset of the edits, a removal next to a replacement included', () => {
  assert.equal(changedOnlyWithin(before, 'Therapist: Call 988 now.\n\nTherapist: How are you?\n', edits), undefined);
  assert.equal(changedOnlyWithin(before, before, edits), undefined);
  assert.equal(changedOnlyWithin(before, before.replace('Therapsit', 'Therapist'), edits), undefined);
  // The replacement inside the removed turn, without the removal.
  assert.equal(changedOnlyWithin(before, before.replaceAll('1-800-273-8255', '988'), edits), undefined);
});

test('the checker accepts overlapping removals applied as one removal of their union', () => {
  const text = 'A one. B two. C three. D four.';
  const overlapping = [
    { start: 7, end: 17, text: '' },
    { start: 14, end: 23, text: '' },
  ];
  assert.equal(changedOnlyWithin(text, 'A one. D four.', overlapping), undefined);
});

test('the checker refuses a change no edit allows', () => {
  // A word changed outside every edit.
  assert.match(changedOnlyWithin(before, before.replace('How are', 'How were'), edits) ?? '', /changed/);
  // A removal applied only in part.
  assert.notEqual(changedOnlyWithin(before, before.slice(0, second) + before.slice(second + 11), edits), undefined);
  // An edit's text altered.
  assert.notEqual(changedOnlyWithin(before, before.replace('Therapsit', 'Therapists'), edits), undefined);
  // A whole turn lost that no edit removes.
  assert.notEqual(changedOnlyWithin(before, before.slice(0, misspelt), edits), undefined);
  // Text added between two edits.
  assert.notEqual(changedOnlyWithin(before, before.replace('now.\n\nTherapsit', 'now.\n\nHello.\n\nTherapsit'), edits), undefined);
});
