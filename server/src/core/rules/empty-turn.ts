/**
 * `empty-turn`: a speaker label with no text.
 *
 * Generated sessions lose turns ("Patient:" and nothing after); hand-made
 * transcripts keep stray labels. Either way the turn says nothing.
 */
import { defineRule, transcript } from '../rule.ts';

export default defineRule({
  id: 'empty-turn',
  description: 'A speaker label with no text after it.',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/empty-turn.md',
  fixes: [{ title: 'Remove the empty turn', safe: true }],
  examples: {
    ok: [{ text: transcript('Therapist: How have you been sleeping since we last met?', 'Patient: Badly. I wake up at four most nights.') }],
    notOk: [
      {
        text: transcript('Therapist: How have you been sleeping since we last met?', 'Patient:', 'Therapist: Take your time.'),
        findings: ['This Patient label has no text'],
        fixed: transcript('Therapist: How have you been sleeping since we last met?', 'Therapist: Take your time.'),
      },
    ],
  },
  checkTurn({ session, report }, turn) {
    if (turn.texts.length > 0) return;
    const label = turn.node.children[0]!.position;
    // The whole label as written: its colon (and `**`) too, not the spaces after it.
    let end = session.lineEndAfter(turn.node.position.end.offset!);
    while (end > label.end.offset! && /[ \t\u00a0]/.test(session.text[end - 1]!)) end--;
    report({
      reason: `This ${turn.node.speaker} label has no text: a turn was lost or the label is stray.`,
      start: label.start.offset!,
      end,
      turn: turn.index,
      fixes: [{ title: 'Remove the empty turn', edits: [{ ...session.turnRemovalRange(turn.index), text: '' }], safe: true, preferred: true }],
    });
  },
});
