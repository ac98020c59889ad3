/**
 * `role-confusion`: a turn written in the other role's voice.
 *
 * - A whole turn in the other role's voice: the therapist's words under the
 *   client's label, or the client's under the therapist's (the generator lost
 *   track of who speaks), judged by a voice model trained on AnnoMI's roles
 *   and only where it is all but certain (peer supporters who tell their own
 *   story, clients who encourage, are not reported).
 *
 * - A speaker addresses someone by their own role's name: the patient thanks
 *   "Naomi" when Naomi is the patient (names come from how the speakers
 *   address each other, from the header and from configured speakers).
 * - The therapist speaks of "my therapist".
 * - A turn narrates the session in the third person: "I'm glad to see that
 *   Naomi is making progress", "the client is making progress".
 * - A broken-off line resumed under the wrong label: the client's "…on the
 *   weekends-", the therapist's "Okay.", then "Therapist: -so it just doesn't
 *   go crazy." — the resumed words are the client's (a transcriber's slip;
 *   not when the voice model hears the label's own role in them).
 */
import { defineRule, transcript } from '../rule.ts';
import { voiceOf } from '../model/predict.ts';
import { names as sessionNames } from '../detect/names.ts';
import { turnResultList, perTurnResults } from '../incremental/turn-results.ts';
import { defineAnalysis } from '../incremental/analysis.ts';
import { NO_MATCHES, resultsPerText } from '../text.ts';
import type { Role } from '../types.ts';
import type { SessionTurn } from '../turn.ts';
import type { Fix } from '../fixes.ts';

const THIRD_PERSON_VERBS =
  `is|was|has|had|seems|seemed|appears|appeared|continues|continued|made|makes|shows|showed|needs|feels|felt|` +
  `demonstrates|demonstrated|expresses|expressed|reports|reported|struggles|acknowledges|acknowledged|` +
  `is making|has been|has made|will continue`;

export default defineRule({
  id: 'role-confusion',
  description: "A turn written in the other role's voice (wrong addressee, \"my therapist\" from the therapist, third-person narration).",
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/role-confusion.md',
  fixes: [{ title: 'Relabel the turn as the other speaker', safe: false, when: "a whole turn in the other role's voice, or another speaker's broken-off line resumed" }],
  examples: {
    ok: [
      {
        text: transcript(
          'Therapist: How did the week go with the thought records?',
          'Patient: Better than I expected. My therapist at school says I should keep them up.',
          "Therapist: I'm glad you are making progress. Many clients find the first weeks the hardest.",
        ),
      },
      {
        // The short reply is itself broken off, so the next turn goes on with its own line.
        text: transcript(
          'Therapist: So the pressure comes from the people around you, and it feels easier to-',
          'Patient: Yeah, just-',
          'Patient: -kind of hold a drink so nobody asks.',
        ),
      },
      {
        // The resumed words are in the label's own voice: the patient picks up their own thought, not the therapist's.
        text: transcript(
          "Patient: It sucks either way. You know what I mean?",
          "Therapist: So the lesser of two evils, is that what we're getting at-",
          'Patient: Mm-hmm.',
          "Patient: -you know what I mean? If I tell them about my record at the start, then at least I know they really want to hire me, and I'm not wasting my time on a job I'll lose anyway when they find out.",
        ),
      },
    ],
    notOk: [
      {
        text: transcript(
          'Therapist: How did the week go with the thought records?',
          'Patient: Better than I expected. I filled in four of them.',
          'Therapist: My therapist says that writing things down helps me too.',
        ),
        findings: ['The therapist speaks of "My therapist"'],
      },
      {
        text: transcript(
          'Therapist: How did the week go with the thought records?',
          'Patient: Better than I expected. I filled in four of them.',
          "Therapist: I'm glad to see that the client is making progress with the homework.",
        ),
        findings: ['This turn narrates the session in the third person ("the client is")'],
      },
      {
        text: transcript(
          'Nova: Welcome back, Naomi. How did the week go?',
          'Naomi: Better than I expected, Nova. I filled in four thought records.',
          "Nova: That's real progress. What did you notice?",
          'Naomi: I noticed I jump to conclusions. Does that make sense, Naomi?',
        ),
        speakers: { Nova: 'therapist', Naomi: 'patient' },
        findings: ['This patient turn addresses Naomi, who is the patient in this session'],
      },
      {
        text: transcript(
          'Therapist: How did the week go?',
          "Patient: It sounds like you've been carrying a lot on your own. What I'm hearing is that part of you wants to make a change, and part of you is worried about what that would mean. On a scale from one to ten, how important is it for you to make this change right now?",
          'Therapist: Maybe a six. I do want to drink less.',
        ),
        findings: ["This whole patient turn reads as the therapist's words"],
      },
      {
        text: transcript(
          'Therapist: What would you like to be different about the weekends?',
          "Patient: I guess I'd keep weekdays free, and then try to plan it out a bit more on the weekends-",
          'Therapist: Okay.',
          "Therapist: -so it just doesn't get out of hand.",
          'Patient: Yes, exactly.',
        ),
        findings: ["This turn goes on with Patient's interrupted line"],
      },
    ],
  },
  *check({ session, report }) {
    const names = yield* session.getInSteps(sessionNames);
    const roleOf = (name: string) => names.roles.get(name);

    // 1. Addressing someone by a name of one's own role.
    for (const use of names.vocatives) {
      const turn = session.turns[use.turn]!;
      if (roleOf(use.name) !== turn.role) continue;
      report({
        reason: `This ${turn.role} turn addresses ${use.name}, who is the ${turn.role} in this session: it reads like the other speaker's line, so the label may be wrong.`,
        start: use.start,
        end: use.end,
        turn: use.turn,
      });
    }

    const patientNames = [...names.roles].filter(([, role]) => role === 'patient').map(([name]) => name);
    const subjects = [...patientNames.map(escape), '[Tt]he (?:patient|client)'].join('|');
    const narration = new RegExp(`\\b(?:${subjects})(?:['’]s)? (?:${THIRD_PERSON_VERBS})\\b`, 'g');
    // Whether a text can narrate at all (most cannot): one scan for the possible subjects.
    const subjectRe = new RegExp(`\\b(?:${subjects})\\b`);
    const mentions = (value: string) => subjectRe.test(value);
    // Per-turn results depend on the patient's names too: key the memo (and the kept results) by them.
    // Per-turn results depend on the patient's names: kept (and memoised on the text) with them.
    const key = patientNames.join('|');
    // One key string per role, made once (compared by identity on most turns).
    const memoKeys = { therapist: `therapist:${key}`, patient: `patient:${key}` };
    const slipping = yield* turnResultList(session, slippingTurns, key, (turn) => {
      if (turn.role === 'other') return undefined;
      const found = turnSlips(turn, memoKeys[turn.role], () => resultsPerText(turn.texts, (value) => voiceSlips(value, turn.role, mentions, narration)));
      return found.every((slips) => slips.length === 0) ? undefined : found;
    });
    // 4. A whole turn in the other role's voice (the voice model, trained on AnnoMI's roles, reads the text alone).
    const voiced = yield* turnResultList(session, wrongVoiceTurns, '', (turn) => wrongVoice(turn));
    for (const { turn, value: p } of voiced) {
      const heard = turn.role === 'patient' ? 'therapist' : 'client';
      const other = session.turns.find((t) => t.role !== turn.role && t.role !== 'other');
      report({
        reason: `This whole ${turn.role} turn reads as the ${heard}'s words (the voice model gives ${Math.round((turn.role === 'patient' ? p : 1 - p) * 1000) / 10}% ${heard}): the label may be wrong, or the generator lost track of who speaks.`,
        ...session.turnHead(turn.index),
        turn: turn.index,
        fixes: other ? [relabel(turn, other.node.speaker)] : [],
      });
    }

    // 5. A line resumed under the wrong label: "Client: …on the weekends-" / "Therapist: Okay." / "Therapist: -so it
    // just doesn't go crazy.": the resumed words are the client's, and the label repeats the backchannel's.
    for (let i = 2; i < session.turns.length; i++) {
      const turn = session.turns[i]!;
      if (turn.role === 'other' || !RESUMES.test(turn.features.text)) continue;
      const between = session.turns[i - 1]!;
      const cut = session.turns[i - 2]!;
      if (between.speakerKey !== turn.speakerKey || between.features.words > 4 || cut.role === 'other' || cut.role === turn.role) continue;
      const last = cut.texts[cut.texts.length - 1]?.value.trimEnd() ?? '';
      // (Not when the short reply is itself broken off — "Client: Yeah just-" / "Client: -kinda hold a drink." goes on
      // with its own line — nor when the voice model hears the label's own role in the turn.)
      if (!CUT_OFF.test(last) || CUT_OFF.test(between.features.text.trimEnd())) continue;
      const p = turn.get(voice);
      if ((turn.role === 'therapist' ? p : 1 - p) >= 0.8) continue;
      const other = cut.node.speaker;
      report({
        reason: `This turn goes on with ${other}'s interrupted line ("…${last.split(/\s+/).slice(-3).join(' ')}") after a short reply, under the ${turn.role}'s label again: the resumed words are probably ${other}'s.`,
        ...session.turnHead(turn.index),
        turn: turn.index,
        fixes: [relabel(turn, other)],
      });
    }

    for (const { turn, value: found } of slipping) {
      found.forEach((slips, i) => {
        const base = turn.texts[i]!.position.start.offset!;
        for (const slip of slips) {
          report({
            reason:
              slip.kind === 'my-therapist'
                ? `The therapist speaks of "${slip.text}": this line is in the patient's voice, so the label may be wrong.`
                : `This turn narrates the session in the third person ("${slip.text}") instead of speaking to the other person: it reads like a summary or a generator's note.`,
            start: base + slip.start,
            end: base + slip.start + slip.text.length,
            turn: turn.index,
          });
        }
      });
    }
  },
});

/** The quick fix that gives a turn another speaker's label (never safe: a reader decides whose words they are). */
function relabel(turn: SessionTurn, speaker: string): Fix {
  const label = turn.node.children[0]!.position;
  return { title: `Relabel the turn as ${speaker}`, edits: [{ start: label.start.offset!, end: label.end.offset!, text: speaker }], safe: false };
}

/** A turn that opens by going on with a broken-off line: a dash, then the rest of a sentence in lower case ("-so it…"). */
const RESUMES = /^[-–—]+\s*\p{Ll}/u;
/** A line broken off on a dash after a word ("…on the weekends-", "…need to know--"). */
const CUT_OFF = /[\p{L},][-–—]+$/u;

/** How far a turn's voice must lean to the other role, and how long it must be, to say its label is wrong. */
const VOICE = { patientAsTherapist: 0.99, therapistAsClient: 0.001, minWords: 20, maxChars: 6000 };

/** P(therapist) of a turn's text by the voice model. The voice shows in the first thousand words: a turn of megabytes is read no further (a linear, bounded cost). */
const voice = defineAnalysis({
  id: 'voice',
  per: 'turn',
  compute: (turn) => {
    const text = turn.features.text;
    return voiceOf(text.length > VOICE.maxChars ? text.slice(0, text.lastIndexOf(' ', VOICE.maxChars) + 1 || VOICE.maxChars) : text)?.therapist ?? 0.5;
  },
});

/** Turns with slips of voice, and whole turns in the other role's voice: kept per turn in an editor. */
const slippingTurns = perTurnResults<Slip[][]>('role-confusion');
const wrongVoiceTurns = perTurnResults<number>('whole-turn-voice');

/** P(therapist) of a turn whose whole text is in the other role's voice; undefined for the rest. */
function wrongVoice(turn: SessionTurn): number | undefined {
  if (turn.role === 'other' || turn.features.words < VOICE.minWords) return undefined;
  const p = turn.get(voice);
  return (turn.role === 'patient' && p >= VOICE.patientAsTherapist) || (turn.role === 'therapist' && p <= VOICE.therapistAsClient) ? p : undefined;
}

/**
 * A turn's slips, memoised on its text in one slot, for one role and one set
 * of names (`key`) (the same words can be a slip from one speaker and ordinary from
 * the other; names change rarely). Text that a therapist and a patient turn
 * share is found again for each: rare, and right.
 */
function turnSlips(turn: SessionTurn, key: string, find: () => Slip[][]): Slip[][] {
  const detected = turn.features.detected;
  const memo = detected.voiceSlips;
  if (memo && memo.names === key) return memo.slips;
  const slips = find();
  detected.voiceSlips = { names: key, slips };
  return slips;
}

interface Slip {
  kind: 'my-therapist' | 'narration';
  start: number;
  text: string;
}

/** A frame that narrates this session: glad to see, it seems, the client making progress… */
const SESSION_FRAME = /\b(?:glad|happy|pleased|delighted|relieved|encouraged|proud|good)\s+to\s+(?:see|hear|note|notice)\s+(?:that\s+)?the\s+(?:client|patient)\b|\b(?:it\s+)?(?:seems|appears|sounds)\s+(?:like|that|as\s+if)\s+the\s+(?:client|patient)\b|(?:^|[.!?]\s+)the\s+(?:client|patient)\s+(?:is|seems|appears)\s+(?:making|showing|becoming|beginning|starting|opening|willing|ready|engaged|responding|more|less|now)\b/i;

/** "My therapist" from the therapist, and third-person narration, in one text. */
function voiceSlips(value: string, role: Role, mentions: (value: string) => boolean, narration: RegExp): Slip[] {
  const aboutTherapists = role === 'therapist' && (value.includes('herapist') || value.includes('ounsel'));
  // Only a text that mentions a patient's name or "the patient/client" can narrate.
  const mentioned = mentions(value);
  if (!aboutTherapists && !mentioned) return NO_MATCHES as never[];
  const slips: Slip[] = [];
  if (aboutTherapists && /my (?:therapist|counsel|psychotherapist)/i.test(value)) {
    const mine = /\bmy (?:therapist|counsell?or|psychotherapist)\b/gi;
    for (let m = mine.exec(value); m; m = mine.exec(value)) slips.push({ kind: 'my-therapist', start: m.index, text: m[0] });
  }
  if (!mentioned) return slips;
  narration.lastIndex = 0;
  for (let m = narration.exec(value); m; m = narration.exec(value)) {
    // "The client" is narration only in a frame that watches this session ("I'm glad to see that the client
    // is…", "The client seems more open"), from the therapist: a therapist writing that "the client feels…"
    // speaks of clients in general.
    if (/^the /i.test(m[0]) && (role !== 'therapist' || !SESSION_FRAME.test(value.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)))) continue;
    slips.push({ kind: 'narration', start: m.index, text: m[0] });
  }
  return slips.sort((a, b) => a.start - b.start);
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
