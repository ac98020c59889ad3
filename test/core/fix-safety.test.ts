/**
 * `--fix` and the editor's fix-all never lose text: they apply the fixes of
 * the findings the report showed, and nothing else. Regression tests for the
 * data-loss bugs the fuzzers found (issue 13), and for a rule that throws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAndAnalyze, fixCandidates, RULE_ERROR } from '../../server/src/core/lint.ts';
import { fixAll, mapRange } from '../../server/src/core/fixes.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { allRules } from '../../server/src/core/rules/index.ts';
import type { Rule } from '../../server/src/core/rule.ts';

const options = { config: emptyConfig() };
const fix = (text: string) => fixAll(text, fixCandidates(text, options));
const ruleIds = (text: string) => analyze(text, options).messages.map((m) => m.ruleId);

test('an empty last label is removed with its colon (and bold marks), and a second fix changes nothing', () => {
  for (const [text, expected] of [
    ['Therapist: How are you?\n\nPatient: Better, thanks.\n\nTherapist:\n', 'Therapist: How are you?\n\nPatient: Better, thanks.\n'],
    ['Therapist: How are you?\n\nPatient: Better, thanks.\n\nTherapist:', 'Therapist: How are you?\n\nPatient: Better, thanks.'],
    ['**Therapist:** How are you?\n\n**Patient:** Better, thanks.\n\n**Therapist:**  \n', '**Therapist:** How are you?\n\n**Patient:** Better, thanks.\n'],
    ['Therapist: How are you?\r\n\r\nPatient: Better, thanks.\r\n\r\nTherapist:\r\n', 'Therapist: How are you?\r\n\r\nPatient: Better, thanks.\r\n'],
  ] as const) {
    assert.deepEqual(ruleIds(text), ['empty-turn'], text);
    const once = fix(text);
    assert.equal(once.text, expected, JSON.stringify(text));
    assert.equal(once.applied, 1);
    assert.equal(fix(once.text).text, once.text);
  }
  // The finding covers the label as written, colon and bold marks included.
  const [empty] = analyze('Therapist: Hi.\n\nClient: **Therapist:**\n\n**Client:**   \n', options).messages.filter((m) => m.ruleId === 'empty-turn');
  assert.equal('Therapist: Hi.\n\nClient: **Therapist:**\n\n**Client:**   \n'.slice(empty!.start.offset, empty!.end.offset), 'Client:**');
});

test('fixes apply to the reported findings only: a turn the fixes make a repeat is reported afterwards, never removed', () => {
  // The fuzzers' case: two crisis-line warnings, no repeat. Fix-all replaces two numbers and removes no turn.
  const text = [
    'Therapist: Remember, you can call 1-800-273-8255.',
    'Client: Okay.',
    'Therapist: Remember, you can always call 1-800-273-8255.',
    'Client: Okay.',
    '',
  ].join('\n\n');
  assert.deepEqual(ruleIds(text), ['outdated-crisis-line', 'outdated-crisis-line']);
  const result = fixAndAnalyze(text, options);
  assert.equal(result.applied, 2);
  assert.equal(result.text, text.replaceAll('1-800-273-8255', '988'));

  // The mechanism, with a fix that lengthens turns: it pushes two near-identical turns over the
  // repeat rule's 12-word minimum. They become a repeat only in the fixed text: reported there, not removed.
  const expand: Rule = {
    id: 'expand',
    description: 'Spells out "ASAP".',
    defaultSeverity: 'warn',
    defaultOptions: {},
    checkTurn(context, turn) {
      for (const node of turn.texts) {
        const at = node.value.indexOf('ASAP');
        if (at < 0) continue;
        const start = node.position.start.offset! + at;
        context.report({ reason: 'spell it out', start, end: start + 4, fixes: [{ title: 'Spell out', safe: true, edits: [{ start, end: start + 4, text: 'as soon as you possibly can, any time of the day or night' }] }] });
      }
    },
  };
  const rules = [...allRules, expand];
  const short = 'Therapist: Remember, you can call 988 ASAP.\n\nClient: Okay.\n\nTherapist: Remember, you can always call 988 ASAP.\n\nClient: Fine.\n';
  assert.deepEqual(analyze(short, { ...options, rules }).messages.map((m) => m.ruleId), ['expand', 'expand']);
  const expanded = fixAndAnalyze(short, { ...options, rules });
  assert.equal(expanded.applied, 2);
  assert.equal(expanded.text.split('Therapist:').length - 1, 2, 'both therapist turns are kept');
  assert.ok(expanded.analysis.messages.some((m) => m.ruleId === 'repeated-turn'), 'the repeat the fixes made is reported for the next run');

  // A mojibake repair that makes a turn word for word like an earlier one: repaired, not removed.
  const garbled = [
    'Client: I’m not sure I can keep doing all of this on my own.',
    'Therapist: That sounds like a lot to carry.',
    'Client: Iâ€™m not sure I can keep doing all of this on my own.',
    '',
  ].join('\n\n');
  const before = ruleIds(garbled);
  assert.deepEqual(before, ['mojibake']);
  const repaired = fixAndAnalyze(garbled, options);
  assert.equal(repaired.text, garbled.replace('Iâ€™m', 'I’m'));
});

test('fixes that cannot go together: the later one waits for the report of the fixed text; removals side by side go together', () => {
  // "two"'s edit overlaps "one"'s: left out, its finding (which "one" did not touch) stays to be reported.
  // "three" points at text "one" replaced: resolved by it. An unsafe fix is never applied.
  const result = fixAll('abcdefgh', [
    { ruleId: 'one', start: 0, end: 2, fix: { title: 'one', safe: true, edits: [{ start: 0, end: 3, text: 'AB' }] } },
    { ruleId: 'two', start: 4, end: 6, fix: { title: 'two', safe: true, edits: [{ start: 2, end: 6, text: 'XY' }] } },
    { ruleId: 'three', start: 1, end: 2, fix: { title: 'three', safe: true, edits: [{ start: 1, end: 2, text: '?' }] } },
    { ruleId: 'unsafe', start: 7, end: 8, fix: { title: 'unsafe', safe: false, edits: [{ start: 7, end: 8, text: '!' }] } },
  ]);
  assert.deepEqual(result, { text: 'ABdefgh', applied: 2, passes: 1 });

  // Two removals that overlap (a repeat and the empty label right after it) are one removal.
  const removed = fixAll('keep|drop1|drop2|keep', [
    { ruleId: 'a', start: 5, end: 10, fix: { title: 'a', safe: true, edits: [{ start: 5, end: 11, text: '' }] } },
    { ruleId: 'b', start: 11, end: 16, fix: { title: 'b', safe: true, edits: [{ start: 10, end: 17, text: '' }] } },
    // A repair inside a removed part is moot: the removal takes its text out.
    { ruleId: 'c', start: 12, end: 13, fix: { title: 'c', safe: true, edits: [{ start: 12, end: 13, text: 'R' }] } },
  ]);
  assert.deepEqual(removed, { text: 'keep|keep', applied: 3, passes: 1 });
});

test('mapRange follows a range through edits, and drops it when an edit changes text inside it', () => {
  assert.deepEqual(mapRange({ start: 10, end: 14 }, [{ start: 0, end: 2, text: 'abcd' }]), { start: 12, end: 16 });
  assert.deepEqual(mapRange({ start: 10, end: 14 }, [{ start: 20, end: 22, text: '' }]), { start: 10, end: 14 });
  assert.equal(mapRange({ start: 10, end: 14 }, [{ start: 12, end: 13, text: 'x' }]), undefined);
  assert.equal(mapRange({ start: 10, end: 14 }, [{ start: 8, end: 20, text: '' }]), undefined);
  assert.deepEqual(mapRange({ start: 10, end: 14 }, [{ start: 10, end: 10, text: 'ab' }]), { start: 12, end: 16 });
});

test('a rule that throws is one rule-error message; every other rule still reports', () => {
  const broken: Rule = {
    id: 'broken-rule',
    description: 'Throws.',
    defaultSeverity: 'warn',
    defaultOptions: {},
    checkTurn(context, turn) {
      if (turn.index === 1) throw new Error('boom');
      context.report({ reason: 'seen', start: turn.lineStart, end: turn.lineStart + 1 });
    },
  };
  const brokenSession: Rule = {
    id: 'broken-session-rule',
    description: 'Throws after reporting.',
    defaultSeverity: 'warn',
    defaultOptions: {},
    check(context) {
      context.report({ reason: 'half', start: 0, end: 1 });
      throw new TypeError('session boom');
    },
  };
  const text = 'Therapist: Call 1-800-273-8255.\n\nClient:\n\nTherapist: Fine.\n';
  const { messages } = analyze(text, { ...options, rules: [...allRules, broken, brokenSession] });
  const errors = messages.filter((m) => m.ruleId === RULE_ERROR);
  assert.equal(errors.length, 2);
  assert.ok(errors.some((m) => /"broken-rule" failed on this transcript \(boom\)/.test(m.reason)));
  assert.ok(errors.some((m) => /"broken-session-rule" failed on this transcript \(session boom\)/.test(m.reason)));
  assert.ok(errors.every((m) => m.severity === 'error'));
  // The failing rules' own findings are gone (all or nothing); the others are all there.
  assert.ok(!messages.some((m) => m.ruleId === 'broken-rule' || m.ruleId === 'broken-session-rule'));
  assert.deepEqual(
    messages.filter((m) => m.ruleId !== RULE_ERROR).map((m) => m.ruleId).sort(),
    ['empty-turn', 'outdated-crisis-line'],
  );
});

test('the CLI exits 2 when a rule failed (its findings are missing), 1 for errors, 0 otherwise', async () => {
  const { VFile } = await import('vfile');
  const { exitCode } = await import('../../server/src/cli/engine.ts');
  const file = (ruleId: string, fatal: boolean | undefined) => {
    const f = new VFile({ path: 'x.transcript', value: '' });
    f.message('m', { ruleId }).fatal = fatal;
    return f;
  };
  assert.equal(exitCode([file('empty-turn', false)]), 0);
  assert.equal(exitCode([file('unknown-speaker', true)]), 1);
  assert.equal(exitCode([file('empty-turn', false), file(RULE_ERROR, true)]), 2);
});

test('two empty labels at the end: both go, and neither takes the other\'s colon (found by the long fuzz run)', () => {
  const config = emptyConfig();
  for (const [text, fixed] of [
    ['Therapist:\n\nTherapist:\n', '\n'],
    ['Patient: Fine.\n\nTherapist:\n\nPatient:\n', 'Patient: Fine.\n'],
  ] as const) {
    const candidates = fixCandidates(text, { config });
    // The last label's removal starts where the previous turn's line ends: never inside a label.
    for (const c of candidates) for (const e of c.fix.edits) assert.notEqual(text[e.start], ':', `${c.ruleId} ${JSON.stringify(e)}`);
    assert.equal(fixAndAnalyze(text, { config }).text, fixed);
  }
  // A repeated last turn after two empty labels: its removal starts after the empty label's colon too.
  const loop = 'Therapist: Call 1-800-273-8255 if you need to talk to someone.\n\nTherapist:\n\nTherapist:\n\nTherapist: Call 1-800-273-8255 if you need to talk to someone.\n';
  for (const c of fixCandidates(loop, { config })) for (const e of c.fix.edits) assert.notEqual(loop[e.start], ':', `${c.ruleId} ${JSON.stringify(e)}`);
});
