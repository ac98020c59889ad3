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
import { keptTurnMap } from '../kept.ts';
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
    // Turns whose reply takes nothing up: a refusal, meta-text or no reply (a result of the
    // turn and the next one, so an editor keeps it for the turns an edit did not re-make).
    const replies = yield* keptTurnMap(session, 'non-answers', '', (turn) => nonAnswerOf(session, turn));
    const generated = yield* keptTurnMap(session, 'generated-text', '', (turn) => generatedText(session, turn));
    // …and turns answered by a repeat.
    const askers: SessionTurn[] = [...replies.keys()];
    for (const index of repeatOf.keys()) {
      const asker = turns[index - 1];
      if (asker && !replies.has(asker) && asks(session, asker)) askers.push(asker);
    }
    askers.sort((a, b) => a.index - b.index);
    // A recorded session may stop mid-talk; only a generated one "ends" on an unanswered question.
    const looksGenerated = repeatOf.size > 0 || generated.size > 0;
    let step = 0;
    for (const turn of askers) {
      if (++step % 4096 === 0) yield;
      const kind = replies.get(turn);
      const i = turn.index;
      const reply = turns[i + 1];
      const repeat = repeatOf.get(i + 1);
      let why: string | undefined;
      if (!reply) {
        if (i > 0 && looksGenerated) why = 'the session ends here, without a reply';
      } else if (kind === 'refusal') why = `the reply on line ${session.lineOfTurn(i + 1)} is a canned refusal`;
      else if (repeat) why = `the reply on line ${session.lineOfTurn(i + 1)} repeats line ${session.lineOfTurn(repeat.first)} instead`;
      else if (kind === 'meta') why = `the reply on line ${session.lineOfTurn(i + 1)} is about the transcript, not an answer`;
      if (!why) continue;
      // Then, and only then (question detection is the costly part): did this turn ask something?
      const questions = turnQuestions(session, i);
      let lastText = -1;
      for (let q = questions.length - 1; q >= 0 && lastText < 0; q--) if (questions[q]) lastText = q;
      if (lastText < 0) continue;
      const spans = questions[lastText]!.spans;
      const span = spans[spans.length - 1]!;
      const base = turn.texts[lastText]!.position.start.offset!;
      const asker = turn.role === 'therapist' ? "The therapist's" : "The patient's";
      report({
        reason: `${asker} question goes unanswered: ${why}.`,
        start: base + span.start,
        end: base + span.end,
        turn: i,
        related: reply ? [{ ...session.turnHead(reply.index), message: 'The reply' }] : [],
      });
    }
  },
});

/**
 * Can this turn ask the next speaker something: a therapist or patient turn
 * with text, followed by the other speaker or by nothing, and not a canned
 * refusal (whose "Is there anything else…?" is boilerplate)?
 */
function asks(session: Session, turn: SessionTurn): boolean {
  if (turn.role === 'other' || turn.texts.length === 0) return false;
  const reply = session.turns[turn.index + 1];
  if (reply && reply.speakerKey === turn.speakerKey) return false;
  return turnRefusals(session, turn.index).length === 0;
}

/** What the reply to an asking turn is when it takes nothing up; undefined otherwise. */
function nonAnswerOf(session: Session, turn: SessionTurn): 'none' | 'refusal' | 'meta' | undefined {
  const reply = session.turns[turn.index + 1];
  // The cheap part first: most replies are answers.
  const kind = !reply ? 'none' : turnRefusals(session, reply.index).length > 0 ? 'refusal' : isMeta(turnArtifacts(session, reply.index)) ? 'meta' : undefined;
  return kind && asks(session, turn) ? kind : undefined;
}

/** Does a turn show signs of generated text (a refusal, any artifact)? */
function generatedText(session: Session, turn: SessionTurn): true | undefined {
  return turnRefusals(session, turn.index).length > 0 || turnArtifacts(session, turn.index).length > 0 ? true : undefined;
}

/** Artifacts other than a leaked label make a reply meta-text. */
function isMeta(artifacts: readonly ArtifactMatch[]): boolean {
  for (const a of artifacts) if (a.kind !== 'leaked-label') return true;
  return false;
}
