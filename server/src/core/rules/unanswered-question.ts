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
import type { Session, SessionTurn } from '../session.ts';
import { keptTurnResults } from '../kept.ts';
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
    const turns = session.turns;
    const repeatOf = new Map(sessionRepeats(session).map((r) => [r.turn, r] as const));
    const generated = yield* keptTurnResults(session, 'generated-text', '', (turn) => generatedText(session, turn));
    // Replies that take nothing up: refusals, meta-text, repeats (a few among thousands of turns).
    const replies: number[] = [];
    for (const { turn, value } of generated) if (value.refusal || value.meta) replies.push(turn.index);
    for (const index of repeatOf.keys()) replies.push(index);
    replies.sort((a, b) => a - b);
    const last = turns.length - 1;
    // A recorded session may stop mid-talk; only a generated one "ends" on an unanswered question.
    if (last > 0 && (repeatOf.size > 0 || generated.length > 0)) replies.push(last + 1);
    let step = 0;
    for (let r = 0; r < replies.length; r++) {
      const i = replies[r]! - 1;
      if (i < 0 || replies[r] === replies[r - 1]) continue;
      if (++step % 4096 === 0) yield;
      const turn = turns[i]!;
      if (turn.role === 'other' || turn.texts.length === 0) continue;
      const reply = turns[i + 1];
      let why: string | undefined;
      if (!reply) why = 'the session ends here, without a reply';
      else if (reply.speakerKey !== turn.speakerKey) {
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
      for (let q = questions.length - 1; q >= 0 && lastText < 0; q--) if (questions[q]) lastText = q;
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

/** Signs of generated text in a turn: a refusal, meta-text, any artifact; undefined when none. */
function generatedText(session: Session, turn: SessionTurn): { refusal: boolean; meta: boolean } | undefined {
  const refusal = turnRefusals(session, turn.index).length > 0;
  const artifacts = turnArtifacts(session, turn.index);
  return refusal || artifacts.length > 0 ? { refusal, meta: isMeta(artifacts) } : undefined;
}

/** Artifacts other than a leaked label make a reply meta-text. */
function isMeta(artifacts: readonly ArtifactMatch[]): boolean {
  for (const a of artifacts) if (a.kind !== 'leaked-label') return true;
  return false;
}
