/**
 * `unknown-speaker`: a label that is not a configured speaker but is close to
 * one ("Therapsit:", "Pateint:"). Such a turn is attributed to the wrong
 * speaker by every count and filter downstream.
 */
import { defineRule, transcript } from '../rule.ts';

export default defineRule({
  id: 'unknown-speaker',
  description: 'A speaker label that is not configured but resembles one (a typo).',
  defaultSeverity: 'error',
  options: {},
  docs: 'docs/rules/unknown-speaker.md',
  fixes: [{ title: 'Relabel as the nearest known speaker', safe: true }],
  examples: {
    ok: [
      { text: transcript('Therapist: What would you like to focus on today?', 'Patient: My sleep, mostly.') },
      { text: transcript('Nova: What would you like to focus on today?', 'Naomi: My sleep, mostly.'), speakers: { Nova: 'therapist', Naomi: 'patient' } },
    ],
    notOk: [
      {
        text: transcript('Therapist: What would you like to focus on today?', 'Pateint: My sleep, mostly.'),
        findings: ['"Pateint" is not a known speaker; did you mean "Patient"?'],
        fixed: transcript('Therapist: What would you like to focus on today?', 'Patient: My sleep, mostly.'),
      },
    ],
  },
  checkTurn({ report }, turn) {
    const nearest = turn.node.nearest;
    if (turn.node.known || !nearest) return;
    const label = turn.node.children[0]!.position;
    report({
      reason: `"${turn.node.speaker}" is not a known speaker; did you mean "${nearest}"? Other tools reading this file will not know who is speaking.`,
      start: label.start.offset!,
      end: label.end.offset!,
      turn: turn.index,
      fixes: [
        {
          title: `Relabel as "${nearest}"`,
          edits: [{ start: label.start.offset!, end: label.end.offset!, text: nearest }],
          safe: true,
          preferred: true,
        },
      ],
    });
  },
});
