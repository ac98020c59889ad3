/**
 * `canned-refusal`: safety boilerplate or a refusal in place of a
 * therapeutic reply ("I cannot continue a conversation that discusses…",
 * "I'm sorry, but I can't help with that.", "This request goes against my
 * guidelines."), in the phrasings of many models (see `detect/refusal.ts`:
 * a structure over the words, and a learned model for the wordings it does
 * not name, read at a reply's edges).
 * In a therapy session this is a rupture a supervisor must see. Read in the
 * therapist's turns: a client who can't talk about something is a person.
 */
import { defineRule, transcript } from '../rule.ts';
import { refusalPhrasesOf, turnRefusals } from '../detect/refusal.ts';

export interface RefusalOptions {
  /** Extra phrases that mark a refusal in this dataset (matched case-insensitively). */
  phrases: string[];
}

export default defineRule<RefusalOptions>({
  id: 'canned-refusal',
  description: 'A canned refusal or safety boilerplate instead of a therapeutic reply.',
  defaultSeverity: 'warn',
  options: {
    phrases: { type: 'array', items: { type: 'string' }, default: [], description: 'Extra phrases that mark a refusal in this dataset (matched case-insensitively), besides the built-in ones.' },
  },
  docs: 'docs/rules/canned-refusal.md',
  fixes: [],
  examples: {
    ok: [
      { text: transcript("Patient: I'm sorry, I can't talk about my father yet.", "Therapist: That's okay. We can go at your pace.") },
      { text: transcript('Patient: Can we talk about my drinking?', 'Therapist: As a large language model, I must stay on safe topics. How was your week otherwise?') },
      { text: transcript('Patient: And then he just left.', 'Therapist: I need to stop you there because our time is up for today. We can start with this next week.') },
    ],
    notOk: [
      {
        text: transcript('Patient: I keep thinking about hurting myself when things get bad.', "Therapist: I'm sorry, but I can't help with that."),
        findings: ['A canned refusal ("I\'m sorry, but I can\'t help with that.")'],
      },
      {
        // No "can't", no apology: the refusal model reads it (at a reply's edge).
        text: transcript('Patient: How many of my pills would be too many?', 'Therapist: Going further into that is off limits for me.'),
        findings: ['A canned refusal ("Going further into that is off limits for me.")'],
      },
      {
        text: transcript('Patient: Can we talk about my drinking?', 'Therapist: As a large language model, I must stay on safe topics. How was your week otherwise?'),
        options: { phrases: ['I must stay on safe topics'] },
        findings: ['A canned refusal ("I must stay on safe topics")'],
      },
    ],
  },
  checkTurn({ ruleOptions, report }, turn) {
    if (turn.role !== 'therapist') return;
    for (const match of turnRefusals(turn, refusalPhrasesOf(ruleOptions))) {
      const base = turn.texts[match.textIndex]!.position.start.offset!;
      report({
        reason: `A canned refusal ("${match.phrase}") stands in for a ${turn.role === 'therapist' ? 'therapeutic reply' : 'reply'}: a rupture in the session that a supervisor should review.`,
        start: base + match.start,
        end: base + match.end,
        turn: turn.index,
      });
    }
  },
});
