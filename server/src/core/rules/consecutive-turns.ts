/**
 * `consecutive-turns`: two turns in a row by the same speaker.
 *
 * In a generated session this is role confusion or a lost turn; in a real
 * transcript it is often a turn split by the transcriber, hence the default
 * severity `info`. The quick fix merges the second turn into the first (not
 * applied by `--fix`: only a reader can tell a lost turn from a split one).
 */
import { defineRule, transcript } from '../rule.ts';
import { turnResultList, perTurnResults } from '../incremental/turn-results.ts';

/** Turns spoken by the speaker of the turn before, kept per turn in an editor. */
const sameSpeakerAgain = perTurnResults<true>('consecutive-turns');

export default defineRule({
  id: 'consecutive-turns',
  description: 'Two turns in a row by the same speaker.',
  defaultSeverity: 'info',
  options: {},
  docs: 'docs/rules/consecutive-turns.md',
  fixes: [{ title: 'Merge into the previous turn', safe: false }],
  examples: {
    ok: [{ text: transcript('Therapist: What brings you in today?', 'Patient: Work has been a lot lately.', 'Therapist: Tell me more about work.') }],
    notOk: [
      {
        text: transcript('Therapist: What brings you in today?', 'Therapist: I noticed you seemed tense in the waiting room.', 'Patient: Work has been a lot lately.'),
        findings: ['Two therapist turns in a row (lines 1 and 3)'],
      },
    ],
  },
  *check({ session, report }) {
    // A turn's flag depends on it and the turn before: an edit re-makes the turns
    // around it, so a kept flag stays right for every turn it did not re-make.
    const flagged = yield* turnResultList(session, sameSpeakerAgain, '', (turn) => {
      const previous = session.turns[turn.index - 1];
      return previous && previous.speakerKey === turn.speakerKey ? true : undefined;
    });
    for (const { turn } of flagged) {
      const i = turn.index;
      const label = turn.node.children[0]!.position;
      const who = turn.role === 'other' ? turn.node.speaker : turn.role;
      const firstContent = turn.node.children[1];
      const labelEnd = firstContent ? firstContent.position.start.offset! : turn.node.position.end.offset!;
      report({
        reason: `Two ${who} turns in a row (lines ${session.lineOfTurn(i - 1)} and ${session.lineOfTurn(i)}): a turn may be missing, or a label may be wrong.`,
        start: label.start.offset!,
        end: label.end.offset! + 1,
        turn: i,
        related: [{ ...session.turnHead(i - 1), message: `The previous ${who} turn` }],
        fixes: [
          {
            title: 'Merge into the previous turn',
            edits: [{ start: label.start.offset!, end: labelEnd, text: '' }],
            safe: false,
          },
        ],
      });
    }
  },
});
