/**
 * `unanswered-question`: a turn asks the other speaker something and the
 * reply does not take it up — the reply is nothing but a canned refusal, a
 * repeat of an earlier turn, or meta-text, or there is no reply at all (a
 * generated session ending on the question). Reported on the (last real)
 * question of the asking turn.
 *
 * Not questions for this rule: tag questions ("…, right?", "mmkay?"),
 * closing courtesies ("Is there anything else I can help you with?"), and
 * the questions inside a canned refusal. A reply that refuses and then
 * answers all the same, or has a preamble before its answer, answers.
 *
 * Repeats and refusals are read as `repeated-turn` and `canned-refusal` are
 * configured (their `minWords`, `similarity` and `phrases`), on or off.
 */
import { defineRule, transcript } from '../rule.ts';
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { turnResultMap, perTurnResults } from '../incremental/turn-results.ts';
import { isCourtesyQuestion, isTagQuestion, questions } from '../detect/question.ts';
import { repeatOptionsOf, repeats } from '../detect/repeats.ts';
import { refusalPhrasesOf, turnRefusals } from '../detect/refusal.ts';
import { turnArtifacts } from '../detect/artifacts.ts';

/** Turns whose reply takes nothing up, and turns with signs of generated text: kept per turn in an editor. */
const nonAnswers = perTurnResults<'none' | 'refusal' | 'meta'>('non-answers');
const generatedTurns = perTurnResults<true>('generated-text');

/** The question a turn asks, as offsets in the document: its last one that is not a tag or a courtesy. */
function askedQuestion(turn: SessionTurn): { start: number; end: number } | undefined {
  const asked = turn.get(questions);
  for (let q = asked.length - 1; q >= 0; q--) {
    const info = asked[q];
    if (!info) continue;
    const text = turn.texts[q]!;
    for (let s = info.spans.length - 1; s >= 0; s--) {
      const span = info.spans[s]!;
      const value = text.value.slice(span.start, span.end);
      if (isTagQuestion(value) || isCourtesyQuestion(value)) continue;
      const base = text.position.start.offset!;
      return { start: base + span.start, end: base + span.end };
    }
  }
  return undefined;
}

export default defineRule({
  id: 'unanswered-question',
  description: "A question the other speaker's reply does not take up (refusal, repeat, meta-text, or no reply).",
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/unanswered-question.md',
  fixes: [],
  examples: {
    ok: [
      {
        text: transcript(
          'Patient: Can you help me figure out what to say to my sister about the money she owes me?',
          "Therapist: Let's think it through together. What would you most like her to understand?",
        ),
      },
      { text: transcript("Therapist: We've covered a lot today, right?", 'Patient: We have.') },
    ],
    notOk: [
      {
        text: transcript('Patient: Can you help me figure out what to say to my sister about the money she owes me?', "Therapist: I'm sorry, but I can't help with that."),
        findings: ["The patient's question goes unanswered: the reply on line 3 is a canned refusal"],
      },
    ],
  },
  prepare: ({ session, ruleOptions }) => session.getInSteps(repeats(repeatOptionsOf(ruleOptions))),
  *check({ session, ruleOptions, report }) {
    const turns = session.turns;
    const repeatOf = new Map(session.get(repeats(repeatOptionsOf(ruleOptions))).map((r) => [r.turn, r] as const));
    const phrases = refusalPhrasesOf(ruleOptions);
    // Replies that take nothing up: a refusal or meta-text only, or no reply (a result of the turn
    // and the next one, so an editor keeps it for the turns an edit did not re-make, while the phrases stay).
    const phrasesKey = phrases.join('\u0000');
    const replies = yield* turnResultMap(session, nonAnswers, phrasesKey, (turn) => nonAnswerOf(session, turn, phrases));
    const generated = yield* turnResultMap(session, generatedTurns, phrasesKey, (turn) => generatedText(turn, phrases));
    // …and turns answered by a repeat (word for word, or all but a few words).
    const askers: SessionTurn[] = [...replies.keys()];
    for (const [index, repeat] of repeatOf) {
      const asker = turns[index - 1];
      if (!asker || replies.has(asker) || !asks(session, asker, phrases)) continue;
      if (repeat.exact || repeat.similarity >= 0.9) askers.push(asker);
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
      const question = askedQuestion(turn);
      if (!question) continue;
      const asker = turn.role === 'therapist' ? "The therapist's" : "The patient's";
      report({
        reason: `${asker} question goes unanswered: ${why}.`,
        ...question,
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
function asks(session: Session, turn: SessionTurn, phrases: readonly string[]): boolean {
  if (turn.role === 'other' || turn.texts.length === 0) return false;
  const reply = session.turns[turn.index + 1];
  if (reply && reply.speakerKey === turn.speakerKey) return false;
  return turnRefusals(turn, phrases).length === 0;
}

/** Words a reply has besides its refusals or artifacts: a reply with more than a few answers something. */
const ANSWER_WORDS = 12;

/** What the reply to an asking turn is when it takes nothing up; undefined otherwise. */
function nonAnswerOf(session: Session, turn: SessionTurn, phrases: readonly string[]): 'none' | 'refusal' | 'meta' | undefined {
  const reply = session.turns[turn.index + 1];
  // The cheap part first: most replies are answers.
  let kind: 'none' | 'refusal' | 'meta' | undefined;
  if (!reply) kind = 'none';
  else {
    const refusals = reply.role === 'therapist' ? turnRefusals(reply, phrases) : [];
    if (refusals.length > 0 && wordsBesides(reply, refusals) <= ANSWER_WORDS) kind = 'refusal';
    else {
      const artifacts = turnArtifacts(reply);
      if (artifacts.length > 0 && wordsBesides(reply, artifacts) === 0) kind = 'meta';
    }
  }
  return kind && asks(session, turn, phrases) ? kind : undefined;
}

/** Words of a turn outside the given spans (per text) and outside referral boilerplate. */
function wordsBesides(turn: SessionTurn, spans: ReadonlyArray<{ start: number; end: number; textIndex: number }>): number {
  let words = 0;
  turn.texts.forEach((text, i) => {
    let value = text.value;
    for (const s of [...spans].filter((x) => x.textIndex === i).sort((a, b) => b.start - a.start)) value = value.slice(0, s.start) + value.slice(s.end);
    // "Please reach out to a mental health professional." and "Is there anything else…?" answer nothing either.
    value = value.replace(/[^.!?]*\b(?:reach out|contact|call|hotline|helpline|crisis|professional|emergency|anything else I can)\b[^.!?]*[.!?]?/gi, ' ');
    words += (value.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  });
  return words;
}

/** Does a turn show signs of generated text (a refusal, a certain artifact)? */
function generatedText(turn: SessionTurn, phrases: readonly string[]): true | undefined {
  if (turn.role === 'therapist' && turnRefusals(turn, phrases).length > 0) return true;
  return turnArtifacts(turn).some((a) => a.certain) ? true : undefined;
}
