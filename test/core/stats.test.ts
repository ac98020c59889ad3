import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { Session } from '../../server/src/core/session.ts';
import { sharedDefaultCodebook } from '../../server/src/core/codebook.ts';
import { sessionStats, statsLine, statsMarkdown } from '../../server/src/core/stats.ts';

test('session statistics: talk ratio, questions, reflections, tags by CTRS item', () => {
  const text = [
    'Therapist: [cbt:agenda-setting] What would you like to focus on today?',
    'Client: My sleep, I guess. It has been awful all week and I am exhausted.',
    "Therapist: [cbt:reflection] It sounds like the nights have been wearing you down.",
    'Client: Yes.',
    'Therapist: Did you try the wind-down routine?',
    'Client: Twice.',
    'Therapist: [cbt:homework-assignment] [mi:question] Could you try it every night this week?',
  ].join('\n');
  const session = new Session(text, parseTranscript(text), { codebook: sharedDefaultCodebook() });
  const stats = sessionStats(session);
  assert.deepEqual(stats.turns, { therapist: 4, patient: 3, other: 0 });
  assert.deepEqual(stats.questions, { open: 1, closed: 2 });
  assert.equal(stats.reflections, 1);
  assert.equal(stats.untaggedTherapistTurns, 1);
  assert.deepEqual(stats.ctrs, { Agenda: 1, Understanding: 1, Homework: 1 });
  assert.equal(stats.tags.length, 4);
  assert.ok(stats.therapistTalkRatio > 0.5 && stats.therapistTalkRatio < 0.7);
  assert.match(statsLine(stats), /^7 turns · therapist \d+% of words · 3 questions \(1 open\) · 1 reflection \(R:Q 0\.3\) · 4 tags, 1 therapist turn untagged$/);
  const markdown = statsMarkdown(stats, 'demo.transcript');
  assert.match(markdown, /^# Session summary — demo\.transcript/);
  assert.match(markdown, /\| Homework \| 1 \|/);
  assert.match(markdown, /\| `\[cbt:agenda-setting\]` \| Agenda setting \| Agenda \| 1 \|/);
});
