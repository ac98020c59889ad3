import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { Session } from '../../server/src/core/session.ts';
import { sharedDefaultCodebook } from '../../server/src/core/codebook.ts';
import { CTRS_ITEMS, formatRatio, mitiCode, sessionStats, statsLine } from '../../server/src/core/stats.ts';
import { countedQuestion, detectQuestion, turnForm } from '../../server/src/core/detect/question.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { sessionReport } from '../../server/src/core/report.ts';
import { sessionMarkdown } from '../../server/src/core/report-render.ts';
import { SEED } from '../helpers/data.ts';

const session = (text: string) => new Session(text, parseTranscript(text), { codebook: sharedDefaultCodebook() });

test('session statistics: talk ratio, questions, reflections, tags by CTRS item', () => {
  const text = [
    'Therapist: [cbt:agenda-setting] What would you like to focus on today?',
    'Client: My sleep, I guess. It has been awful all week and I am exhausted.',
    "Therapist: [cbt:reflection] It sounds like the nights have been wearing you down.",
    'Client: Yes.',
    'Therapist: Did you try the wind-down routine?',
    'Client: Twice.',
    'Therapist: [cbt:homework-assignment] Could you try it every night this week?',
  ].join('\n');
  const stats = sessionStats(session(text));
  assert.deepEqual(stats.turns, { therapist: 4, patient: 3, other: 0 });
  assert.deepEqual(stats.questions, { open: 1, closed: 2 });
  assert.equal(stats.reflections, 1);
  assert.equal(stats.untaggedTherapistTurns, 1);
  assert.deepEqual(stats.untaggedTurns, [4]);
  assert.deepEqual(stats.ctrs, { Agenda: 1, Understanding: 1, Homework: 1 });
  assert.equal(stats.tags.length, 3);
  assert.ok(stats.therapistTalkRatio > 0.5 && stats.therapistTalkRatio < 0.7);
  assert.deepEqual(stats.speakers.map((s) => [s.speaker, s.turns]), [['Therapist', 4], ['Client', 3]]);
  assert.equal(stats.kind.label, 'CBT');
  assert.equal(stats.mi, undefined, 'no MITI figures in a CBT session');
  assert.equal(stats.ctrsCoverage!.covered, 3);
  assert.equal(stats.ctrsCoverage!.items.length, CTRS_ITEMS.length);
  assert.deepEqual(stats.ctrsCoverage!.items.filter((i) => i.count === 0).map((i) => i.item).length, 8);
  assert.match(statsLine(stats), /^7 turns · therapist \d+% of words · 3 questions \(1 open\) · 1 reflection \(R:Q 0\.33\) · CTRS 3\/11 items · 3 tags, 1 therapist turn untagged$/);
});

test('the code lens and the report give the same R:Q, and only an MI session quotes the MITI norms', () => {
  const text = fs.readFileSync('samples/tagged-cbt-session.transcript', 'utf8');
  const analysis = analyze(text, { config: emptyConfig() });
  const report = sessionReport('tagged-cbt-session.transcript', analysis);
  const line = statsLine(report.stats);
  const markdown = sessionMarkdown(report);
  const rq = formatRatio(report.reflectionToQuestion);
  assert.ok(line.includes(`R:Q ${rq})`), line);
  assert.ok(markdown.includes(`R:Q ${rq}`), 'the same figure in the report');
  assert.doesNotMatch(line, /MITI|fair|good/);
  assert.doesNotMatch(markdown, /\*\*(fair|good|below fair)\*\*/);
  assert.match(markdown, /the MITI thresholds apply to MI sessions; this one is CBT/);
  assert.match(markdown, /## CTRS coverage \(\d+ of 11 items\)/);
});

test('an MI session: R:Q and % complex reflections from its MITI tags, against the MITI 4.2.1 thresholds', () => {
  const text = [
    'Therapist: [mi:question] What brings you in today?',
    'Client: My doctor says I drink too much.',
    "Therapist: [mi:complex-reflection] Part of you wonders whether it's really a problem.",
    'Client: Yeah, kind of.',
    'Therapist: [mi:simple-reflection] You are not sure.',
    'Client: No.',
    'Therapist: [mi:complex-reflection] And yet you came, which says something matters to you here.',
    'Client: My kids.',
  ].join('\n');
  const stats = sessionStats(session(text));
  assert.equal(stats.kind.label, 'MI');
  assert.equal(stats.ctrsCoverage, undefined, 'no CTRS coverage in an MI session');
  assert.deepEqual({ ...stats.mi }, { source: 'tags', questions: 1, reflections: 3, simple: 1, complex: 2, reflectionToQuestion: 3, complexShare: 2 / 3, rqBand: 'good', crBand: 'good' });
  assert.match(statsLine(stats), /1 question \(tagged\) · 3 reflections \(R:Q 3\.00, good by MITI\) · 67% complex/);
  assert.equal(mitiCode('Complex Reflection (CR)'), 'CR');
  // Below the thresholds.
  const low = sessionStats(session('Therapist: [mi:question] How much?\nClient: A lot.\nTherapist: [mi:question] Since when?\nClient: Years.\nTherapist: [mi:simple-reflection] Years.\n'));
  assert.equal(low.mi!.rqBand, 'below fair');
  assert.equal(low.mi!.crBand, 'below fair');
  // MI tags but none of Q, SR, CR: the detector's counts, no % CR.
  const other = sessionStats(session('Therapist: [mi:affirm] You worked hard on this. How did it go?\nClient: Fine.\n'));
  assert.equal(other.mi!.source, 'detected');
  assert.equal(other.mi!.complexShare, undefined);
});

test('closing courtesies and tag questions are not counted as questions', () => {
  for (const courtesy of ['Is there anything else I can help you with?', 'Any other questions?', 'So, is there anything else you would like to talk about?']) {
    assert.ok(detectQuestion(courtesy), `the detector still sees a question in "${courtesy}"`);
    assert.equal(countedQuestion(courtesy), undefined, courtesy);
    assert.equal(turnForm(courtesy).question, undefined);
  }
  assert.equal(countedQuestion("You've been sleeping better, right?"), undefined);
  // With a real question beside it, the real one counts, with its own type.
  const both = countedQuestion('Did you take the walk? Is there anything else I can help you with?');
  assert.equal(both?.type, 'closed');
  assert.equal(both?.spans.length, 1);
  assert.equal(countedQuestion('What happened next?')?.type, 'open');
});

test('the seed: its 20 refusals that end "Is there anything else I can help you with?" are not open questions', () => {
  const text = fs.readFileSync(SEED, 'utf8');
  const s = session(text);
  const stats = sessionStats(s);
  const courtesies = s.turns.filter((t) => t.role === 'therapist' && /anything else I can help you with\?/.test(t.features.text));
  assert.ok(courtesies.length >= 20);
  const detectedOpen = s.turns.filter((t) => t.role === 'therapist' && detectQuestion(t.features.text)?.type === 'open').length;
  assert.ok(stats.questions.open <= detectedOpen - 20, `${stats.questions.open} open questions counted, ${detectedOpen} detected`);
  assert.equal(stats.kind.label, 'untagged');
});
