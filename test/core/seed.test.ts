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
import { SEED } from '../helpers/data.ts';

const seed = fs.readFileSync(SEED, 'utf8');
const options = { config: emptyConfig() };
const { messages, session } = analyze(seed, options);
const of = (ruleId: string) => messages.filter((m) => m.ruleId === ruleId);
const textAt = (m: LintMessage) => seed.slice(m.start.offset, m.end.offset);
const turnOf = (m: LintMessage) => session.turns[session.turnAt(m.start.offset!)!]!;

const REFUSAL_START = 'I cannot continue';

test('the looping therapist refusals and patient turns: one finding per repeated turn, naming every repeat', () => {
  const loops = of('repeated-turn');
  // The refusal of line 95 repeated 19 times (one wording, a near repeat); two patient turns repeated 8 times each.
  assert.deepEqual(loops.map((m) => [m.start.line, turnOf(m).role]), [[107, 'therapist'], [121, 'patient'], [225, 'patient']]);
  assert.match(loops[0]!.reason, /^This therapist turn repeats line 95 nearly \(\d+% or more of the same words\), 19 times/);
  assert.match(loops[1]!.reason, /^This patient turn repeats line 109 word for word, 8 times/);
  assert.match(loops[2]!.reason, /^This patient turn repeats line 221 word for word, 8 times/);
  // Every repeat is named, once: 35 turns in all.
  const repeats = loops.flatMap((m) => [m.start.line, ...m.related.filter((r) => r.message.startsWith('Repeat')).map((r) => r.start.line)]);
  assert.equal(new Set(repeats).size, 35);
  assert.equal(repeats.length, 35);
  assert.ok(loops[0]!.related.every((r, i) => i === 0 || turnOf({ ...loops[0]!, start: r.start }).features.text.startsWith(REFUSAL_START)));
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

test('fix all: the loops go in whole exchanges, mojibake and hotline repaired, the preamble removed, nothing else changes', () => {
  const result = fixAll(seed, fixCandidates(seed, options));
  const fixed = result.text;
  const after = analyze(fixed, options);

  // The substitutions, checked against the text itself.
  assert.ok(fixed.includes('everything—school') && !fixed.includes('â€'));
  assert.ok(!fixed.includes('273-TALK') && fixed.includes('the 988 Suicide & Crisis Lifeline (988 in the United States)'));
  assert.ok(!fixed.includes("Here's a continuation of the therapy session:."));

  // Every turn left is a turn of the original, in order, and every turn that was no repeat is still there.
  const repeatedLines = new Set(of('repeated-turn').flatMap((m) => [m.start.line, ...m.related.filter((r) => r.message.startsWith('Repeat')).map((r) => r.start.line)]));
  const normal = (t: string) => t.replace('everythingâ€”school', 'everything—school').replaceAll('National Suicide Prevention Lifeline (1-800-273-TALK (8255)', '988 Suicide & Crisis Lifeline (988').replace(" Here's a continuation of the therapy session:.", '');
  const original = session.turns.map((t) => ({ key: `${t.role}|${normal(t.features.text)}`, repeated: repeatedLines.has(t.node.position.start.line) }));
  let at = 0;
  for (const turn of after.session.turns) {
    const key = `${turn.role}|${turn.features.text}`;
    while (at < original.length && original[at]!.key !== key) {
      assert.ok(original[at]!.repeated, `a turn that was no repeat went: ${original[at]!.key.slice(0, 60)}`);
      at++;
    }
    assert.ok(at < original.length, `a turn that was not in the original: ${key.slice(0, 60)}`);
    at++;
  }
  for (; at < original.length; at++) assert.ok(original[at]!.repeated);

  // The session still alternates: no two turns of one speaker in a row, so no finding the fixes created.
  assert.deepEqual(after.messages.filter((m) => m.ruleId === 'consecutive-turns'), []);
  assert.equal(after.session.turns.length, 16);
  // Three refusals stay, each between two patient turns that are no repeats; the file ends after the last kept turn.
  assert.equal(fixed.split('I cannot continue').length - 1, 4);
  assert.ok(fixed.endsWith('Is that something we can do?\n'));

  // Idempotent: a second run changes nothing (what is left has no safe fix).
  assert.equal(fixAll(fixed, fixCandidates(fixed, options)).text, fixed);
  assert.deepEqual(fixCandidates(fixed, options), []);
});
