/**
 * The canonical messy session: every defect the curators know is reported,
 * and the safe fixes repair it without touching anything else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { analyze, fixCandidates, type LintMessage } from '../../server/src/core/lint.ts';
import { fixAll } from '../../server/src/core/fixes.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { SEED } from '../helpers/data.ts';

const seed = fs.readFileSync(SEED, 'utf8');
const options = { config: emptyConfig() };
const { messages, session } = analyze(seed, options);
const of = (ruleId: string) => messages.filter((m) => m.ruleId === ruleId);
const textAt = (m: LintMessage) => seed.slice(m.start.offset, m.end.offset);
const turnOf = (m: LintMessage) => session.turns[session.turnAt(m.start.offset!)!]!;

const REFUSAL_START = 'I cannot continue';

test('the looping therapist refusals and patient turns are repeated turns', () => {
  const repeats = of('repeated-turn');
  const therapist = repeats.filter((m) => turnOf(m).role === 'therapist');
  const patient = repeats.filter((m) => turnOf(m).role === 'patient');
  // 20 refusals: the first (line 95) stands; the other 19 are one wording, which nearly repeats it.
  assert.equal(therapist.length, 19);
  assert.ok(therapist.every((m) => turnOf(m).features.text.startsWith(REFUSAL_START)));
  assert.ok(therapist.some((m) => m.reason.includes('nearly repeats line 95')));
  // Two patient loops: "I understand your concern, Nova…" (first on line 109) and "…Is that something we can do?" (line 221).
  assert.deepEqual([...new Set(patient.map((m) => /repeats line (\d+)/.exec(m.reason)![1]))], ['109', '221']);
  assert.equal(patient.length, 16);
  // A turn word for word like an earlier near repeat is a near repeat too (not "word for word" of line 95).
  assert.match(therapist[therapist.length - 1]!.reason, /nearly repeats line 95 \(83% the same words; 20th time\): the session is looping\.$/);
});

test('each patient question answered by a refusal is unanswered; refusals are reported', () => {
  const unanswered = of('unanswered-question');
  const patientQuestions = unanswered.filter((m) => turnOf(m).role === 'patient');
  // "Is there a way we can proceed…?" and nine "Is that something we can do?" (the last has no reply at all).
  assert.equal(patientQuestions.length, 11);
  assert.equal(patientQuestions.filter((m) => textAt(m) === 'Is that something we can do?').length, 9);
  assert.ok(patientQuestions.some((m) => textAt(m).startsWith('Is there a way we can proceed')));
  assert.match(patientQuestions[patientQuestions.length - 1]!.reason, /the session ends here/);
  assert.equal(of('canned-refusal').length, 20);
  assert.ok(of('canned-refusal').every((m) => textAt(m).startsWith(REFUSAL_START)));
});

test('role confusion, the generator preamble, the cut-off turns, mojibake and the old hotline', () => {
  const confusion = of('role-confusion');
  assert.ok(confusion.some((m) => turnOf(m).role === 'patient' && textAt(m) === 'Naomi' && m.reason.includes('Naomi, who is the patient')));
  assert.ok(confusion.some((m) => textAt(m) === 'Naomi is'));
  assert.deepEqual(of('generation-artifact').map(textAt), ["Here's a continuation of the therapy session:."]);
  const truncated = of('truncated-turn').map(textAt);
  assert.ok(truncated.includes("I'm"));
  assert.ok(truncated.includes("Lastly, I want to acknowledge the progress you've made"));
  assert.deepEqual(of('mojibake').map(textAt), ['â€”']);
  assert.equal(of('outdated-crisis-line').length, 20);
  assert.ok(of('outdated-crisis-line').every((m) => textAt(m) === 'National Suicide Prevention Lifeline (1-800-273-TALK (8255)'));
});

test('fix all: loops collapse to their first occurrence, mojibake and hotline repaired, nothing else changes', () => {
  const result = fixAll(seed, fixCandidates(seed, options));
  const fixed = result.text;

  // An independent oracle: drop the repeated turns' blocks, then make the three substitutions by hand.
  const repeated = new Set(of('repeated-turn').map((m) => session.turnAt(m.start.offset!)!));
  let expected = '';
  const turns = session.turns;
  expected += seed.slice(0, turns[0]!.lineStart);
  for (const turn of turns) {
    if (repeated.has(turn.index)) continue;
    const next = turns[turn.index + 1];
    expected += seed.slice(turn.lineStart, next ? next.lineStart : seed.length);
  }
  // The last turn is a repeat: the file ends after the last kept turn, with the final line break.
  if (repeated.has(turns.length - 1)) expected = `${expected.replace(/\s+$/, '')}\n`;
  expected = expected
    .replace('everythingâ€”school', 'everything—school')
    .replaceAll(
      'the National Suicide Prevention Lifeline (1-800-273-TALK (8255) in the United States)',
      'the 988 Suicide & Crisis Lifeline (988 in the United States)',
    )
    .replace(" Here's a continuation of the therapy session:.", '');
  assert.equal(fixed, expected);

  // Every first occurrence stays: one refusal, one of each patient loop.
  assert.equal(fixed.split('I cannot continue').length - 1, 1);
  assert.equal(fixed.split('Is that something we can do?').length - 1, 1);
  assert.equal(parseTranscript(fixed).children.filter((c) => c.type === 'turn').length, 48 - repeated.size);

  // Idempotent: a second run changes nothing, and no safe fix is left.
  assert.equal(fixAll(fixed, fixCandidates(fixed, options)).text, fixed);
  assert.deepEqual(fixCandidates(fixed, options), []);
});
