/**
 * `truncated-turn`: a turn cut off mid-sentence, as when a generation stops
 * at its token limit ("…Thanks for being patient with me. I'm", "…your
 * overall well-") or a pipeline truncates a message.
 *
 * Judged against the habits of the speaker and the document, not the turn
 * alone: a missing full stop means something only from a speaker who ends
 * their other turns with one (or, for a speaker with few turns, a turn that
 * is otherwise written in punctuated sentences). From such a speaker a turn
 * is cut off when it stops on a cut word ("It'", "well-"), on a word that
 * cannot end a sentence ("…and the", "…because I"), on a stranded word after
 * a long sentence, or — for a long turn — without any closing punctuation.
 * Quiet on chat and transcribed speech that leave punctuation out, text whose
 * punctuation was stripped, signatures and credentials ("Be well. Robin,
 * LPCC, NCC"), links, lists, emoticons, a speaker trailing off ("you know",
 * "I mean", "so I just—"), and dashes where the document marks interruptions
 * with them.
 */
import { defineRule, transcript } from '../rule.ts';
import type { SessionTurn } from '../turn.ts';
import { turnEnding, type Ending } from '../detect/endings.ts';
import { turnResultList, perTurnResults } from '../incremental/turn-results.ts';
import { defineAnalysis } from '../incremental/analysis.ts';
import { hashString } from '../text.ts';

export interface TruncatedOptions {
  /** A turn this long that ends without any closing punctuation, from a speaker who closes their turns, is cut off. */
  minWords: number;
}

/** Hyphens after a word where speech broke off ("I just- I", "so--"), the turn's last one included. */
const interruptions = defineAnalysis({ id: 'interruptions', per: 'turn', compute: (turn) => (turn.features.text.match(/\p{L}(?:-(?=\s|$)|--)/gu) ?? []).length });

/** The endings of turns that end open (the candidates), kept per turn in an editor. */
const openEndings = perTurnResults<Ending>('open-endings');

/** What one turn adds to its speaker's habits, read from its text once (every analysis reads every turn's). */
interface HabitPart {
  /** The turn has the few words a habit counts. */
  counted: boolean;
  closed: boolean;
  length: number;
  interruptions: number;
}

function habitPart(turn: SessionTurn): HabitPart {
  const detected = turn.features.detected as { habitPart?: HabitPart };
  if (detected.habitPart) return detected.habitPart;
  const ending = turnEnding(turn);
  return (detected.habitPart = {
    counted: ending.words >= 4,
    closed: ending.kind === 'closed' || ending.kind === 'dash',
    length: turn.get(trimmedLength),
    interruptions: turn.get(interruptions),
  });
}

/** Turns of a speaker that close: how many of their turns with a few words end closed. */
interface Habit {
  turns: number;
  closed: number;
  /** Characters of the speaker's longest turns: a chat or a generator that caps messages leaves several at the cap. */
  lengths: number[];
  /** The length the speaker's messages stop at (null: none), once asked. */
  cap?: number | null;
}

/** The characters of a turn's text. */
const trimmedLength = defineAnalysis({ id: 'trimmed-length', per: 'turn', compute: (turn) => turn.features.text.split(/\n[ \t]*\n/).reduce((n, t) => n + t.trim().length, 0) });

/**
 * The length this speaker's turns stop at, when they do: three turns or more (this one among them) within 3% of
 * the longest, of 120 characters or more — a message limit, as chat platforms and generation caps leave.
 */
function capOf(habit: Habit): number | undefined {
  // Once per speaker and analysis: every open turn of the speaker asks.
  if (habit.cap === undefined) habit.cap = lengthCap(habit.lengths) ?? null;
  return habit.cap ?? undefined;
}

function lengthCap(lengths: readonly number[]): number | undefined {
  // (A loop, not Math.max(...lengths): a speaker may have more turns than a call has arguments.)
  let longest = 0;
  for (const n of lengths) if (n > longest) longest = n;
  if (longest < 120) return undefined;
  let near = 0;
  for (const n of lengths) if (n >= 0.97 * longest) near++;
  return near >= 3 ? longest : undefined;
}

export default defineRule<TruncatedOptions>({
  id: 'truncated-turn',
  description: 'A turn cut off mid-sentence (a generation stopped early, a message truncated).',
  defaultSeverity: 'warn',
  options: {
    minWords: { type: 'integer', default: 60, minimum: 1, description: 'A turn this long that ends without any closing punctuation, from a speaker who closes their other turns, is cut off.' },
  },
  docs: 'docs/rules/truncated-turn.md',
  fixes: [],
  examples: {
    ok: [
      {
        text: transcript(
          "Patient: I've been feeling on edge all week.",
          'Therapist: That sounds exhausting. What has been happening?',
          'Patient: Mostly work. My manager keeps moving the deadlines, and I just-',
          'Therapist: Take your time.',
          "Patient: I guess I just feel like I'm never going to catch up, you know",
        ),
      },
      {
        // A chat writer who leaves most messages open: a long message without a last full stop is theirs, not cut.
        text: transcript(
          'Therapist: How did the dinner go?',
          'Patient: ok actually. I did go in the end',
          'Therapist: That took courage. What happened?',
          "Patient: not much lol, we just ate and watched tv",
          'Therapist: Who was there?',
          'Patient: my flatmates and two of their friends',
          'Therapist: How did you feel afterwards?',
          "Patient: fine until bed. then I lay there replaying every single thing I'd said for about two hours and cringing. I said maybe five sentences all evening. I went red once, when someone asked where I was from and everyone turned round. nobody said anything about it. my flatmate even asked if I'd come again next week. but I kept going over the bit where I said cheers to someone who had just told me their dog died. I know it is small. I know nobody else will remember it. I just can't stop thinking about it and it makes me want to skip the next one, which is stupid because the whole point was to keep going. that's where I am with it now, still cringing about the cheers thing and not sure whether to go back next week or give the whole idea up for a while",
          'Therapist: It sounds like the evening went better than the replay says.',
          'Patient: maybe, I will think about it',
        ),
      },
      {
        // Three letters that are a word with the last key slipped ("dat" for "day"), from a speaker who punctuates: a typo.
        text: transcript(
          'Therapist: What would help you rest this week?',
          'Patient: Maybe a walk after work. I used to enjoy that.',
          'Therapist: That sounds like a good place to start. When could you fit it in?',
          'Patient: Tuesdays are quiet. My shift ends early.',
          'Therapist: Tuesdays it is. Shall we see how it goes?',
          'Patient: Yes. I will put it in my calendar tonight.',
          'Therapist: Anything that might get in the way?',
          'Patient: Only the weather. I will try and schedule it into my dat',
        ),
      },
      {
        // Three letters the document uses as a word elsewhere ("fav"): the writer's word, not a cut.
        text: transcript(
          'Therapist: What do you look forward to in a week?',
          'Patient: Friday nights. Pizza with my brother is my fav.',
          'Therapist: What makes it good?',
          'Patient: We do not talk about work. We just laugh.',
          'Therapist: That sounds restful. Anything else like that?',
          'Patient: Long baths. I forget about them though.',
          'Therapist: Which of those could you do this week?',
          'Patient: Both, I think. The pizza one is still my fav',
        ),
      },
    ],
    notOk: [
      {
        text: transcript(
          "Patient: I've been feeling on edge all week.",
          'Therapist: That sounds exhausting. What has been happening?',
          'Patient: Mostly work. My manager keeps moving the deadlines.',
          'Therapist: I see. How have you been coping with that?',
          'Patient: Not well. I lie awake at night.',
          "Therapist: It makes sense that you feel worn down. Let's look at what you can control this week, and what we could try when the worry starts to build up at night, so that you can get some rest and feel more able to face the",
        ),
        findings: ['This turn stops mid-sentence after "the"'],
      },
      {
        text: transcript(
          'Therapist: Thanks for coming in today. How was your week?',
          'Patient: It was okay. I tried the breathing exercise twice.',
          "Therapist: That's great to hear. When did you use it?",
          'Patient: Before a meeting, and once at night. It helped a little.',
          "Therapist: I'm glad it helped. What was different about the second time?",
          "Patient: I noticed the worry sooner. Thanks for being patient with me. I'm",
        ),
        findings: ['This turn stops mid-sentence after "I\'m"'],
      },
      {
        // Three letters that begin a word and are none, from a speaker who closes every other turn: cut in a word.
        text: transcript(
          'Therapist: Welcome back. How did the week go?',
          'Patient: Better than the last one. I slept most nights.',
          'Therapist: That is real progress. What helped you sleep?',
          'Patient: Leaving my phone in the kitchen. It was hard at first.',
          'Therapist: Hard at first, and you kept at it.',
          'Patient: I did. Most nights.',
          'Therapist: On a scale from zero to ten, how confident are you that you can keep doing that, and what num',
        ),
        findings: ['This turn stops in the middle of a word ("num")'],
      },
    ],
  },
  *check({ session, options, report }) {
    const minWords = Number(options.minWords) || 60;
    // The speakers' habits, and the document's: does it mark interruptions with a hyphen after a word ("I just- I")?
    const habits = new Map<string, Habit>();
    let dashes = 0;
    for (const turn of session.turns) {
      if (turn.texts.length === 0) continue;
      const part = habitPart(turn);
      if (dashes < 2) dashes += part.interruptions;
      if (!part.counted) continue;
      let habit = habits.get(turn.speakerKey);
      if (!habit) habits.set(turn.speakerKey, (habit = { turns: 0, closed: 0, lengths: [] }));
      habit.turns++;
      habit.lengths.push(part.length);
      if (part.closed) habit.closed++;
    }
    // Does a word stand twice in the document? Asked only when a turn ends on a short fragment: a scan of the
    // turns' word hashes for one word (an editor asks on every keystroke), a count of every word once many ask.
    const asked = new Map<number, boolean>();
    let wordCounts: Map<number, number> | undefined;
    const usedAsWord = (word: string) => {
      const hash = hashString(word.toLowerCase());
      let used = asked.get(hash);
      if (used !== undefined) return used;
      if (!wordCounts && asked.size >= 16) {
        wordCounts = new Map();
        for (const turn of session.turns) for (const h of turn.features.hashes) wordCounts.set(h, (wordCounts.get(h) ?? 0) + 1);
      }
      if (wordCounts) used = (wordCounts.get(hash) ?? 0) >= 2;
      else {
        let seen = 0;
        for (let t = 0; t < session.turns.length && seen < 2; t++) for (const h of session.turns[t]!.features.hashes) if (h === hash) seen++;
        used = seen >= 2;
      }
      asked.set(hash, used);
      return used;
    };
    // Only turns that end open are candidates (kept per turn in an editor).
    const open = yield* turnResultList(session, openEndings, '', (turn) => {
      if (turn.texts.length === 0) return undefined;
      const ending = turnEnding(turn);
      return ending.kind === 'closed' || ending.kind === 'dash' ? undefined : ending;
    });
    for (const { turn, value: ending } of open) {
      const habit = habits.get(turn.speakerKey) ?? { turns: 0, closed: 0, lengths: [] };
      const self = ending.words >= 4 ? 1 : 0;
      const others = habit.turns - self;
      // The speaker closes nearly all their other turns, or (few turns) this turn is written in sentences.
      // …or a long turn written in sentences shows the habit itself (a speaker's other turns may be cut off too).
      // (Not from a speaker who leaves most of their other turns open, as chat writers do, unless the ending model
      // too reads this one as unfinished.)
      const leavesOpen = others >= 3 && habit.closed / others < 0.5;
      const prose = ending.inner >= 3 && ending.words >= 2.5 * minWords && (!leavesOpen || (ending.cut ?? 0) >= 0.5);
      const punctuates = (others >= 3 ? habit.closed / others >= 0.85 : ending.inner >= 2 && ending.words >= 20) || prose;
      const quiet = ending.spoken || ending.comma;
      // "…and to have a": no one ends a sentence on an article or a conjunction, punctuation or not.
      const hard = ending.kind === 'open-word' && ending.hard === true && !quiet && (ending.sentenceWords >= 5 || (ending.subject === true && ending.inner >= 1));
      if (!punctuates && !hard) continue;
      const strict = (others >= 3 ? habit.closed / others >= 0.9 : ending.inner >= 3) || prose;
      let cut = false;
      // A hyphen after a word is a cut only in a long written turn, where the document never breaks speech off so.
      if (ending.kind === 'cut-word') cut = !ending.word.endsWith('-') || (dashes - 1 < 1 && ending.words >= 30 && !ending.spoken);
      // "…these things. I'm": a sentence that stops on its subject has only begun.
      else if (ending.kind === 'open-word') cut = (ending.sentenceWords >= (ending.comma ? 8 : 4) || (ending.subject === true && ending.inner >= 1 && !ending.comma)) && !ending.spoken;
      else if (ending.kind === 'weak-word') cut = strict && ending.sentenceWords >= 10 && !ending.spoken && ending.words >= 30;
      // No punctuation at all at the end of a long turn: from a speaker whose other turns all close, or (a speaker
      // seen once) a turn as long as a generation's limit.
      const long = prose || (others >= 3 ? ending.words >= minWords : ending.words >= 2.5 * minWords);
      if (!cut && (ending.kind === 'plain' || ending.kind === 'weak-word')) cut = strict && long && (ending.sentenceWords >= 6 || ending.words >= 2.5 * minWords) && !ending.spoken;
      // A speaker who punctuates, a sentence the ending model (trained on AnnoMI's closed sentences) is all but sure
      // runs on ("…because I keep thinking about"), however short the turn; never a word speech trails off on ("…I want to, but").
      if (!cut && (ending.kind === 'plain' || ending.kind === 'open-word') && punctuates && !quiet && ending.sentenceWords >= 5) cut = (ending.cut ?? 0) >= (strict ? 0.95 : 0.98);
      // A speaker who closes every other turn, a turn of some length that stops where the model reads a sentence unfinished.
      if (!cut && (ending.kind === 'plain' || ending.kind === 'open-word') && strict && others >= 3 && !quiet && ending.words >= 25 && ending.sentenceWords >= 4) cut = (ending.cut ?? 0) >= 0.8;
      // "…that we could underst": a last word that only begins a word, from a speaker who punctuates.
      let fragment = false;
      // Three letters ("…what num") only where no turn of the document uses them as a word ("…see you ppl. ppl").
      const begun = ending.fragment === true || (ending.shortFragment === true && !usedAsWord(ending.word));
      if (!cut && begun && ending.kind !== 'cut-word' && punctuates && !quiet && ending.sentenceWords >= 3) cut = fragment = true;
      // A turn at the length this speaker's messages stop at, ending open: cut at the limit, whatever its last words.
      const cap = capOf(habit);
      let capped = false;
      if (!cut && cap !== undefined && ending.kind !== 'cut-word' && turn.get(trimmedLength) >= 0.97 * cap && ending.sentenceWords >= 3) cut = capped = true;
      if (!cut) continue;
      const last = turn.texts[turn.texts.length - 1]!;
      const value = last.value;
      const lead = value.slice(ending.sentenceStart).length - value.slice(ending.sentenceStart).trimStart().length;
      report({
        reason:
          ending.kind === 'cut-word' || fragment
            ? `This turn stops in the middle of a word ("${ending.word}"): the text was cut off (a generation stopped early).`
            : ending.kind === 'open-word'
              ? `This turn stops mid-sentence after "${ending.word}": the text was cut off (a generation stopped early).`
              : capped
                ? `This turn stops without punctuation at the length this speaker's longest messages all stop at (about ${cap} characters): it was cut off at a length limit.`
                : punctuates
                ? `This turn ends without punctuation in the middle of a sentence, where this speaker ends every other turn with one: it was probably cut off.`
                : `This turn stops in the middle of a sentence ("…${value.trimEnd().split(/\s+/).slice(-3).join(' ')}"): the text was probably cut off.`,
        start: last.position.start.offset! + ending.sentenceStart + lead,
        end: last.position.end.offset!,
        turn: turn.index,
      });
    }
  },
});

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * The last word of a text: the run of letters, digits and apostrophes that
 * holds its last letter or digit (without one, the first run of apostrophes) — what `/([\p{L}\p{N}'’]+)[^\p{L}\p{N}]*$/u`
 * captures, found from the end (that regular expression retries from every
 * position: a 50 KB word followed by another took seconds).
 */
export function lastWordOf(value: string): string | undefined {
  /** The code point ending at `end` (exclusive), as a string. */
  const before = (end: number) => {
    const low = value.charCodeAt(end - 1);
    return low >= 0xdc00 && low <= 0xdfff && end >= 2 && value.charCodeAt(end - 2) >= 0xd800 && value.charCodeAt(end - 2) <= 0xdbff ? value.slice(end - 2, end) : value[end - 1]!;
  };
  const apostrophe = (c: string) => c === "'" || c === '’';
  let last = value.length;
  while (last > 0 && !LETTER_OR_DIGIT.test(before(last))) last -= before(last).length;
  if (last === 0) {
    // No letter or digit: the regular expression still takes the first run of apostrophes.
    let first = 0;
    while (first < value.length && !apostrophe(value[first]!)) first++;
    if (first === value.length) return undefined;
    let run = first;
    while (run < value.length && apostrophe(value[run]!)) run++;
    return value.slice(first, run);
  }
  let end = last;
  while (end < value.length && apostrophe(value[end]!)) end++;
  let start = last;
  while (start > 0) {
    const c = before(start);
    if (!LETTER_OR_DIGIT.test(c) && !apostrophe(c)) break;
    start -= c.length;
  }
  return value.slice(start, end);
}
