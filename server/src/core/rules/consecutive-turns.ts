/**
 * `consecutive-turns`: two turns in a row by the same speaker.
 *
 * In a generated session this is role confusion or a lost turn; in a real
 * transcript it is often a turn split by the transcriber, hence the default
 * severity `info`. The quick fix merges the second turn into the first (not
 * applied by `--fix`: only a reader can tell a lost turn from a split one).
 */
import { defineRule } from '../rule.ts';

export default defineRule({
  id: 'consecutive-turns',
  description: 'Two turns in a row by the same speaker.',
  defaultSeverity: 'info',
  defaultOptions: {},
  check({ session, report }) {
    for (let i = 1; i < session.turns.length; i++) {
      const previous = session.turns[i - 1]!;
      const turn = session.turns[i]!;
      if (turn.speakerKey !== previous.speakerKey) continue;
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
