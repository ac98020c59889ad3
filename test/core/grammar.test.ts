import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ROOT } from '../helpers/paths.ts';
import { scopeOf, tokenize } from '../helpers/grammar.ts';
import { SEED } from '../helpers/data.ts';

test('the TextMate grammar scopes labels by role, tags, header headings and list items', async () => {
  const lines = await tokenize(ROOT, fs.readFileSync(SEED, 'utf8'));
  assert.match(scopeOf(lines, 'Therapist'), /^entity\.name\.function\.speaker\.therapist/);
  assert.match(scopeOf(lines, 'Patient'), /^entity\.name\.type\.speaker\.patient/);
  assert.match(scopeOf(lines, 'Session Summary:'), /^markup\.heading/);
  assert.match(scopeOf(lines, '-'), /^punctuation\.definition\.list\.begin/);
  // "Note:" and "1. Main topics discussed:" in the header are not speaker labels.
  const header = lines.slice(0, 31).flat();
  assert.ok(header.every((t) => !t.scopes.some((s) => s.includes('speaker'))));

  const tagged = await tokenize(ROOT, 'Client: Hi.\nCounselor: [cbt:socratic-questioning] What else?\nMother: She agrees.\nT: [laughs] Okay.');
  assert.match(scopeOf(tagged, 'Client'), /speaker\.patient/);
  assert.match(scopeOf(tagged, 'Counselor'), /speaker\.therapist/);
  assert.match(scopeOf(tagged, 'Mother'), /speaker\.other/);
  assert.match(scopeOf(tagged, 'cbt'), /namespace/);
  assert.match(scopeOf(tagged, 'socratic-questioning'), /constant\.other\.technique/);
  assert.match(scopeOf(tagged, '[laughs]'), /comment\.annotation/);
});
