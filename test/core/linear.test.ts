/**
 * Inputs that used to cost quadratic time (issue 13), at the sizes that took
 * a minute or more: an invalid mojibake run, a very long first word followed
 * by another word, many findings in one paragraph. Each now finishes with the
 * right findings; the rewritten searches are checked against the regular
 * expressions and loops they replace on small inputs (property tests). No
 * assertion here is about time: the inputs are simply large enough that the
 * old code would not finish within the test runner's patience.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { findMojibake, repairMojibake } from '../../server/src/core/detect/mojibake.ts';
import { lastWordOf } from '../../server/src/core/rules/truncated-turn.ts';
import { findRefusals } from '../../server/src/core/detect/refusal.ts';
import { findTurnArtifacts } from '../../server/src/core/detect/artifacts.ts';

const config = emptyConfig();
/** Findings of a rule, without the one that counts those past the 5,000 listed. */
const findings = (text: string, ruleId: string) => analyze(text, { config }).messages.filter((m) => m.ruleId === ruleId && !m.reason.startsWith('…and'));
const count = (text: string, ruleId: string) => findings(text, ruleId).length;

test('an invalid mojibake run of 250 KB ("Ã€€€…") is read once, not once per character', () => {
  const run = 'Ã€€€'.repeat(62_500);
  const messages = analyze(`Therapist: ${run}\n`, { config }).messages.filter((m) => m.ruleId === 'mojibake');
  // "Ã€" decodes ("À"); the rest of each "Ã€€€" is not UTF-8.
  assert.ok(messages.length > 0);
  assert.equal(messages[0]!.start.offset, 11);
  assert.equal(messages[0]!.end.offset, 13);
});

test('the longest repairable prefix of a run is what shrinking it one character at a time finds (property)', () => {
  const SEQUENCE = /(?:[\u00C2-\u00F4][\u0080-\u00BF€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]{1,3})+/g;
  const shrinking = (text: string) => {
    const found: Array<{ start: number; end: number; text: string }> = [];
    SEQUENCE.lastIndex = 0;
    for (let m = SEQUENCE.exec(text); m; m = SEQUENCE.exec(text)) {
      let run = m[0];
      let repaired = repairMojibake(run);
      while (repaired === undefined && run.length > 2) {
        run = run.slice(0, -1);
        repaired = repairMojibake(run);
      }
      if (repaired !== undefined && repaired !== run) found.push({ start: m.index, end: m.index + run.length, text: repaired });
    }
    return found;
  };
  const chars = fc.constantFrom('Ã', 'â', 'Â', '€', '™', '©', '\u0080', '\u009d', 'ð', 'Ÿ', '˜', 'a', ' ', '\u00bf', 'í', 'ï', '»', 'ô', 'Ä', 'ë', '\u00ad');
  fc.assert(
    fc.property(fc.string({ unit: chars, maxLength: 40 }), (text) => {
      assert.deepEqual(
        findMojibake(text).map(({ start, end, text: repaired }) => ({ start, end, text: repaired })),
        shrinking(text),
      );
    }),
    { numRuns: 3000 },
  );
});

test('a first word of 450 KB followed by another word: the turn is still checked for truncation', () => {
  const word = 'a'.repeat(450_000);
  assert.equal(count(`Therapist: ${word} and then I went out to the\n`, 'truncated-turn'), 1);
  assert.equal(lastWordOf(`${word} b`), 'b');
});

test('the last word is what /([\\p{L}\\p{N}\'’]+)[^\\p{L}\\p{N}]*$/u captured (property)', () => {
  const re = /([\p{L}\p{N}'’]+)[^\p{L}\p{N}]*$/u;
  const unit = fc.constantFrom('a', 'B', '1', "'", '’', ' ', '.', '-', 'é', '𝐀', '\ud835', '\n', '?', 'ж', '٣');
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
      assert.equal(lastWordOf(text), re.exec(text)?.[1]);
    }),
    { numRuns: 5000 },
  );
});

test('many findings in one long paragraph (refusals, artifacts, hotlines, 0.5 MB on one line): every one is found', () => {
  const refusal = "I'm sorry, but I can't help with that. ";
  const refusals = refusal.repeat(Math.ceil(500_000 / refusal.length));
  assert.equal(count(`Therapist: ${refusals}\n`, 'canned-refusal'), 5000); // the rest are counted in one message
  const marker = '<|endoftext|> ';
  assert.equal(count(`Therapist: Hello. ${marker.repeat(Math.ceil(500_000 / marker.length))}\n`, 'generation-artifact'), 5000);
  const hotline = 'Please call 1-800-273-8255 now. ';
  const text = `Therapist: ${hotline.repeat(Math.ceil(500_000 / hotline.length))}\n`;
  const found = findings(text, 'outdated-crisis-line');
  assert.equal(found.length, 5000);
  // Positions are still exact (counted once along the paragraph, not from its start each time).
  const last = found[found.length - 1]!;
  assert.equal(text.slice(last.start.offset!, last.end.offset!), '1-800-273-8255');
  assert.equal(last.start.line, 1);
  assert.equal(last.start.column, last.start.offset! + 1);
});

test('refusals and artifacts: many matches in one paragraph are kept in order, one per sentence, never overlapping', () => {
  // The sentences and spans found by the detectors (the refusal scorer and the artifact finder; AI disclaimers are
  // the ai-disclaimer rule's): the same spans the old search (every match grown, checked against every kept one) kept.
  const cases: Array<[string, Array<[number, number]>, Array<[number, number, string]>]> = [
    [
      "As an AI, I can't say. As an AI language model I think I'm an AI, I cannot assist with that. [End of conversation] <|endoftext|> Patient: ok",
      [[23, 92]],
      [[93, 114, 'end-marker'], [115, 128, 'special-token']],
    ],
    [
      "I'm sorry, but I can't help with that I cannot assist with that. I cannot continue this conversation! It’s not within my capabilities. This request violates my guidelines",
      [[0, 64], [65, 101], [102, 134], [135, 170]],
      [],
    ],
    ['Here is the transcript: As an AI. [Client\'s name] said "I\'m an AI." Sure! Here is more: ok', [], [[0, 23, 'preamble'], [34, 49, 'placeholder']]],
  ];
  for (const [text, refusals, artifacts] of cases) {
    assert.deepEqual(findRefusals(text).map((r) => [r.start, r.end]), refusals);
    assert.deepEqual(findTurnArtifacts([text]).map((a) => [a.start, a.end, a.kind]), artifacts);
  }
  // Sentences never cross a line: the findings of two lines are those of each line.
  const [first, second] = [cases[0]![0], cases[1]![0]];
  const joined = findRefusals(`${first}\n${second}`).map((r) => [r.start, r.end]);
  assert.deepEqual(joined, [...findRefusals(first).map((r) => [r.start, r.end]), ...findRefusals(second).map((r) => [r.start + first.length + 1, r.end + first.length + 1])]);
});

test('a leaked label in each of 30,000 turns (1 MB): each "Start a new turn" fix looks up the line endings once per session, not per finding', () => {
  const text = 'Therapist: I see. Patient: Yes, exactly.\n\n'.repeat(30_000);
  const leaked = findings(text, 'leaked-label');
  assert.equal(leaked.length, 5000);
  assert.equal(leaked[0]!.fixes[0]!.edits[0]!.text, '\n\n');
  const crlf = findings(text.replace(/\n/g, '\r\n'), 'leaked-label');
  assert.equal(crlf[0]!.fixes[0]!.edits[0]!.text, '\r\n\r\n');
});

test('a 5 MB line (one paragraph of sentences and defects) is analysed once, with every finding in place', () => {
  const sentence = 'I keep thinking about what my sister said to me at dinner last week. Itâ€™s hard. Call 1-800-273-8255 now. ';
  const text = `Therapist: ${sentence.repeat(Math.ceil(5_000_000 / sentence.length))}\n`;
  const messages = analyze(text, { config }).messages;
  const hotlines = messages.filter((m) => m.ruleId === 'outdated-crisis-line' && !m.reason.startsWith('…and'));
  assert.equal(hotlines.length, 5000);
  const last = hotlines[hotlines.length - 1]!;
  assert.equal(text.slice(last.start.offset!, last.end.offset!), '1-800-273-8255');
  assert.equal(last.start.column, last.start.offset! + 1);
  assert.ok(messages.some((m) => m.ruleId === 'mojibake'));
});
