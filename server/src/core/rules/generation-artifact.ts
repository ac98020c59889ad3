/**
 * `generation-artifact`: text about the transcript rather than in it — a
 * generator's preamble before the first turn or at a turn's start ("Here is a
 * simulated session between…", "Sure! Here's the therapist's response:"),
 * meta-text ("(Note: this dialogue is fictional.)", "Let me know if you'd
 * like me to adjust the tone."), headings and turn numbers it wrote ("###
 * Session 2", "Turn 3:"), special tokens (`<|im_end|>`, `[INST]`), end
 * sentinels ("[END]"), a stray list number or bullet (alone on a line, or opening a turn with no list after it), unfilled
 * placeholders ("[Client's name]"). See `detect/artifacts.ts` for how each
 * is recognised.
 *
 * The fix removes the artifact; it is safe (applied by `--fix`) only where
 * the artifact is certain — tokens, sentinels, marked headings, a stray
 * number, an unmistakable preamble — and a quick fix otherwise.
 */
import { defineRule, transcript } from '../rule.ts';
import type { Fix } from '../fixes.ts';
import type { SessionTurn } from '../turn.ts';
import { findHeaderArtifacts, turnArtifacts, type ArtifactKind, type ArtifactMatch } from '../detect/artifacts.ts';
import { turnLabels } from '../detect/labels.ts';
import { removalRange } from '../detect/sentence.ts';

const WORD = /[\p{L}\p{N}]/u;

const DESCRIBE: Record<ArtifactKind, string> = {
  preamble: 'a generator’s preamble',
  meta: 'a note about the text',
  heading: 'a heading or turn number the generator wrote',
  'end-marker': 'an end-of-conversation marker',
  'special-token': 'a model’s special token',
  placeholder: 'an unfilled placeholder',
  'stray-marker': 'a stray list number or bullet, with no list after it',
  fragment: 'a scrap of text glued on after a sentence',
};

export default defineRule({
  id: 'generation-artifact',
  description: 'Text about the transcript rather than in it (preambles, meta-text, headings, special tokens, end markers, placeholders).',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/generation-artifact.md',
  fixes: [
    { title: 'Remove the artifact', safe: 'for a certain artifact: a special token, an end marker, a marked heading, a stray number, an unmistakable preamble' },
    { title: 'Remove the turn', safe: 'when every artifact in it is certain', when: 'a turn that holds nothing but artifacts' },
  ],
  examples: {
    ok: [
      {
        text: transcript(
          'Session 3, notes from the intake form: anxiety at work.',
          'Therapist: What brings you in today?',
          'Patient: I\'ve been anxious about my new job. My manager said, "Let me know if you need anything."',
        ),
      },
      {
        // A hyphen that opens speech running on from an interruption, as transcribers write it.
        text: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", "Therapist: - I'm wondering what worries you most about it."),
      },
      {
        // A counsellor introducing what they say next, on the same line: speech, however it opens.
        text: transcript('Patient: Is it better to stop all at once?', 'Therapist: Here is what the research says: cutting down gradually works for a lot of people.'),
      },
      {
        // Someone in the session who will write a letter or an email: not the generator offering a text.
        text: transcript('Therapist: What would you want to say to her, if you wrote it down?', "Patient: honestly? probably nothing. ok fine. I'll draft it. I'm not sending it yet though"),
      },
    ],
    notOk: [
      {
        text: transcript(
          'Here is a simulated therapy session between a therapist and a client:',
          'Therapist: What brings you in today?',
          "Patient: I've been anxious about my new job.",
          'Therapist: That sounds stressful. What worries you most about it? <|im_end|>',
        ),
        findings: ['a generator’s preamble before the first turn', 'a model’s special token ("<|im_end|>")'],
        fixed: `\n${transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", 'Therapist: That sounds stressful. What worries you most about it?')}`,
      },
      {
        text: transcript(
          'Therapist: What brings you in today?',
          "Patient: I've been anxious about my new job.",
          'Therapist: That sounds stressful. What worries you most about it?',
          '(Note: This dialogue is fictional and for illustration only.)',
        ),
        findings: ['a note about the text'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", 'Therapist: That sounds stressful. What worries you most about it?'),
      },
      {
        // Commentary in words no cue names, read by the meta-text model: offered for removal, not removed by --fix.
        text: transcript('Patient: I cried the whole way home.', 'Therapist: That must have been exhausting.\n\nThe counselor\'s warmth here keeps the client talking without pushing.'),
        findings: ['a note about the text'],
      },
      {
        text: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", 'Therapist: 2) What worries you most about it?'),
        findings: ['a stray list number or bullet'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", 'Therapist: What worries you most about it?'),
      },
      {
        // A form's format mask is a placeholder too: offered for removal, not removed by --fix.
        text: transcript('Therapist: Shall we meet again on DD/MM/YYYY at HH:MM?', 'Patient: Yes, that works for me.'),
        findings: ['an unfilled placeholder ("DD/MM/YYYY")', 'an unfilled placeholder ("HH:MM")'],
      },
      {
        // Markup no one speaks, whatever its words: offered for removal, not removed by --fix.
        text: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", '## Working Through the Worry', 'Therapist: What worries you most about it?'),
        findings: ['a heading or turn number the generator wrote ("## Working Through the Worry")'],
      },
      {
        text: transcript("Therapist: Hi [Client's name], what brings you in today?", "Patient: I've been anxious about my new job.", '[END]'),
        findings: ['an unfilled placeholder ("[Client\'s name]")', 'an end-of-conversation marker ("[END]")'],
        fixed: transcript("Therapist: Hi [Client's name], what brings you in today?", "Patient: I've been anxious about my new job."),
      },
    ],
  },
  checkTurn({ session, report }, turn) {
    let artifacts = turnArtifacts(turn);
    if (artifacts.length === 0) return;
    // A number alone on a client's first line is an answer ("90", "7"), not a list number the generator left.
    if (turn.role !== 'therapist') artifacts = artifacts.filter((a) => a.kind !== 'stray-marker');
    // A persona label ("**Sarah (Therapist):**") is leaked-label's, not a heading here too.
    const labels = turnLabels(turn, session.speakers);
    if (labels.length > 0) artifacts = artifacts.filter((a) => !labels.some((l) => l.textIndex === a.textIndex && a.start < l.end && l.start < a.end));
    if (artifacts.length === 0) return;
    const nothingLeft = leavesNothing(turn, artifacts);
    // Once per turn, not per artifact: a line of thousands of tokens stays linear.
    const allCertain = nothingLeft && artifacts.every((a) => a.certain);
    for (const artifact of artifacts) {
      const text = turn.texts[artifact.textIndex]!;
      const base = text.position.start.offset!;
      const start = base + artifact.start;
      const end = base + artifact.end;
      const quoted = excerptOf(text.value.slice(artifact.start, artifact.end));
      const fixes: Fix[] = [
        nothingLeft
          ? { title: 'Remove the turn (it holds only the artifact)', edits: [{ ...session.turnRemovalRange(turn.index), text: '' }], safe: allCertain, preferred: true }
          : { title: 'Remove the artifact', edits: [{ ...removalRange(session.text, { start, end }), text: '' }], safe: artifact.certain, preferred: true },
      ];
      report({
        reason: `This is ${DESCRIBE[artifact.kind]} ("${quoted}"), not part of the session: remove it before the transcript is used.`,
        start,
        end,
        turn: turn.index,
        fixes,
      });
    }
  },
  // The header: a generator's preamble before the first turn.
  check({ session, report }) {
    const lines = session.header?.children ?? [];
    lines.forEach((line, i) => {
      for (const artifact of findHeaderArtifacts(line.value, { first: i === 0, last: i === lines.length - 1 })) {
        const base = line.position.start.offset!;
        const start = base + artifact.start;
        const end = base + artifact.end;
        report({
          reason: `This is ${DESCRIBE[artifact.kind]} before the first turn ("${excerptOf(line.value.slice(artifact.start, artifact.end))}"), not part of the session.`,
          start,
          end,
          fixes: [{ title: 'Remove the artifact', edits: [{ ...removalRange(session.text, { start, end }), text: '' }], safe: artifact.certain, preferred: true }],
        });
      }
    });
  },
});

/**
 * Does removing every artifact leave the turn without words? One pass over the texts and their artifacts,
 * which come in order: a paragraph of thousands of artifacts stays linear.
 */
function leavesNothing(turn: SessionTurn, artifacts: ReadonlyArray<ArtifactMatch & { textIndex: number }>): boolean {
  let next = 0;
  for (let i = 0; i < turn.texts.length; i++) {
    const value = turn.texts[i]!.value;
    let cursor = 0;
    for (; next < artifacts.length && artifacts[next]!.textIndex === i; next++) {
      if (WORD.test(value.slice(cursor, artifacts[next]!.start))) return false;
      cursor = Math.max(cursor, artifacts[next]!.end);
    }
    if (WORD.test(value.slice(cursor))) return false;
  }
  return true;
}

function excerptOf(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
