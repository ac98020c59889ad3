/**
 * `unanswered-question`: a turn asks the other speaker something and the
 * reply does not take it up — the reply is a canned refusal, a repeat of an
 * earlier turn, meta-text, or there is no reply at all (the session ends on
 * the question). Reported on the (last) question of the asking turn.
 *
 * Questions inside a canned refusal ("Is there anything else I can help you
 * with?") are boilerplate and not checked; the refusal is reported by
 * `canned-refusal`.
 */
import { defineRule } from '../rule.ts';
import type { Session } from '../session.ts';
import { detectQuestion } from '../question.ts';
import { prepareRepeats, sessionRepeats } from './repeated-turn.ts';
import { turnRefusals } from './canned-refusal.ts';
import { turnArtifacts } from './generation-artifact.ts';
import type { ArtifactMatch } from '../detect/artifacts.ts';

/** The questions of a turn, per text node, memoised on the turn's text. */
export function turnQuestions(session: Session, index: number) {
  const turn = session.turns[index]!;
  return turn.features.get('questions', () =>
    turn.texts.map((text) => detectQuestion(text.value)),
  );
}

export default defineRule({
  id: 'unanswered-question',
  description: "A question the other speaker's reply does not take up (refusal, repeat, meta-text, or no reply).",
  defaultSeverity: 'warn',
  defaultOptions: {},
  prepare: (session) => prepareRepeats(session),
  *check({ session, report }) {
    const repeatOf = new Map(sessionRepeats(session).map((r) => [r.turn, r] as const));
    const turns = session.turns;
    for (let i = 0; i < turns.length; i++) {
      if (i % 4096 === 4095) yield;
      const turn = turns[i]!;
      if (turn.role === 'other' || turn.texts.length === 0) continue;
      // First the cheap part: is the reply one that takes nothing up?
      const reply = turns[i + 1];
      let why: string | undefined;
      if (!reply) {
        // A recorded session may stop mid-talk; only a generated one "ends" on an unanswered question.
        if (i > 0 && session.get('looks-generated', looksGenerated)) why = 'the session ends here, without a reply';
      } else if (reply.speakerKey !== turn.speakerKey) {
        const repeat = repeatOf.get(i + 1);
        if (turnRefusals(session, i + 1).length > 0) why = `the reply on line ${session.lineOfTurn(i + 1)} is a canned refusal`;
        else if (repeat) why = `the reply on line ${session.lineOfTurn(i + 1)} repeats line ${session.lineOfTurn(repeat.first)} instead`;
        else if (isMeta(turnArtifacts(session, i + 1))) why = `the reply on line ${session.lineOfTurn(i + 1)} is about the transcript, not an answer`;
      }
      if (!why) continue;
      // Then: did this turn ask something (outside a canned refusal's boilerplate)?
      if (turnRefusals(session, turn.index).length > 0) continue;
      const questions = turnQuestions(session, turn.index);
      let lastText = -1;
      for (let i = questions.length - 1; i >= 0 && lastText < 0; i--) if (questions[i]) lastText = i;
      if (lastText < 0) continue;
      const q = questions[lastText]!;
      const span = q.spans[q.spans.length - 1]!;
      const base = turn.texts[lastText]!.position.start.offset!;
      const asker = turn.role === 'therapist' ? "The therapist's" : "The patient's";
      report({
        reason: `${asker} question goes unanswered: ${why}.`,
        start: base + span.start,
        end: base + span.end,
        turn: turn.index,
        related: reply ? [{ ...session.turnHead(reply.index), message: 'The reply' }] : [],
      });
    }
  },
});

/** Artifacts other than a leaked label make a reply meta-text. */
function isMeta(artifacts: readonly ArtifactMatch[]): boolean {
  for (const a of artifacts) if (a.kind !== 'leaked-label') return true;
  return false;
}

/** A session with refusals, loops or artifacts is a generated one. */
function looksGenerated(session: Session): boolean {
  if (sessionRepeats(session).length > 0) return true;
  for (const turn of session.turns) {
    if (turnRefusals(session, turn.index).length > 0 || turnArtifacts(session, turn.index).length > 0) return true;
  }
  return false;
}
