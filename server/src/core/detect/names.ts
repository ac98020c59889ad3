/**
 * Who is who: speakers' names learnt from how they address each other
 * ("Hi Nova, …", "Thank you for sharing that with me, Naomi.") and from the
 * header ("Client: Naomi"). A name the therapist addresses belongs to the
 * patient, and the other way round; the majority decides.
 */
import type { Role } from '../types.ts';
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { turnResultList, perTurnResults } from '../incremental/turn-results.ts';
import { defineAnalysis } from '../incremental/analysis.ts';
import { NO_MATCHES, resultsPerText } from '../text.ts';

export interface NameUse {
  name: string;
  turn: number;
  /** Offsets in the document. */
  start: number;
  end: number;
}

export interface SessionNames {
  /** Name → the role it belongs to. */
  roles: Map<string, Role>;
  /** Every vocative use, in document order. */
  vocatives: NameUse[];
}

const NAME = `((?:Dr|Mr|Mrs|Ms|Miss)\\.? [A-Z][a-z]+|[A-Z][a-z]{1,20}(?:-[A-Z][a-z]+)?)`;
const GREETING = `(?:Hi|Hello|Hey|Thanks|Thank you|Welcome(?: back)?|Good (?:morning|afternoon|evening)|Bye|Goodbye|See you|Nice to (?:meet|see) you)(?: so much| again| very much)?`;
const GREETING_GATE = /\b(?:Hi|Hello|Hey|Thank|Welcome|Good|Bye|See|Nice)\b/;
const VOCATIVE_RES = [
  new RegExp(`\\b${GREETING},? ${NAME}(?=[,.!?])`, 'g'),
  new RegExp(`, ${NAME}(?=[.!?])`, 'g'),
];

const COMMA_VOCATIVES = VOCATIVE_RES.slice(1);

/** Capitalised words that follow a comma at a sentence end but are not names. */
const NOT_NAMES = new Set(
  `Okay Ok Right Yeah Yes No Too Though Please Again Anyway Sir Madam Doc Doctor Everyone Guys Man Dude Honey
  Buddy Friend God Lord Jesus Mom Dad Mum Mother Father Sweetie Dear Love Then Now Here There Today Tomorrow
  Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
  August September October November December English Spanish French American Christmas Easter Therapist
  Counselor Counsellor Patient Client Both All Something Nothing Really Definitely Absolutely Sure Well Exactly
  Totally Actually Certainly Of Hm Hmm Mm Mmm Mhm Mmh Um Umm Uh Uhm Er Erm Ah Oh Wow Cool Thanks Nice Yet Yep Yup Nope Yeah
  Yes Alright Whatever Fine One Two So Why What How When Where Who Hi Hey Hello Maybe Great Good Perfect Wonderful Awesome
  Meaningful Interesting Huh Aha Ugh Gosh Geez Jeez Man Boy Dude Bro Mate Pal Kid Kids Folks People Ma Pa Dr Mr Mrs Ms Dr.
  Mr. Mrs. Ms. Ok Okay Sorry Please Thank Bless Amen Also Again Anyway Either Neither Both Same Sometimes Often Never Always
  Discouraged Honestly Frankly Basically Literally Seriously True False Agreed Exactly Indeed Probably Possibly`.split(/\s+/),
);

/** Names used to address someone in one text (offsets into it). */
function vocativesIn(value: string): Array<{ name: string; start: number }> {
  const comma = value.includes(', ');
  const greeting = GREETING_GATE.test(value);
  if (!comma && !greeting) return NO_MATCHES as never[];
  const found: Array<{ name: string; start: number }> = [];
  for (const re of greeting ? VOCATIVE_RES : COMMA_VOCATIVES) {
    re.lastIndex = 0;
    for (let m = re.exec(value); m; m = re.exec(value)) {
      const name = m[1]!;
      if (NOT_NAMES.has(name)) continue;
      const start = m.index + m[0].lastIndexOf(name);
      // Reported speech ("…she went, "You always make everything about you, Jade."") addresses someone else.
      if (insideQuote(value, start)) continue;
      if (!found.some((f) => f.start === start)) found.push({ name, start });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Is `offset` inside quoted speech: after an opening quote that is not closed before it? */
export function insideQuote(value: string, offset: number): boolean {
  let straight = 0;
  let curly = 0;
  for (let i = 0; i < offset; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) straight++;
    else if (c === 0x201c) curly++;
    else if (c === 0x201d && curly > 0) curly--;
  }
  return straight % 2 === 1 || curly > 0;
}

/** Names learnt from the session, computed once for it: `session.get(names)`. */
export const names = defineAnalysis({ id: 'names', per: 'session', compute: nameSteps });

/** The names a turn addresses someone by, kept per turn in an editor. */
const addressingTurns = perTurnResults<Array<Array<{ name: string; start: number }>>>('vocatives');

function* nameSteps(session: Session): Generator<void, SessionNames> {
  const votes = new Map<string, { therapist: number; patient: number }>();
  const vote = (name: string, role: Role) => {
    if (role === 'other') return;
    let v = votes.get(name);
    if (!v) votes.set(name, (v = { therapist: 0, patient: 0 }));
    v[role]++;
  };
  const vocatives: NameUse[] = [];
  const addressing = yield* turnResultList(session, addressingTurns, '', turnVocatives);
  for (const { turn, value: found } of addressing) {
    const addressee: Role = turn.role === 'therapist' ? 'patient' : 'therapist';
    found.forEach((uses, i) => {
      const base = turn.texts[i]!.position.start.offset!;
      for (const use of uses) {
        vocatives.push({ name: use.name, turn: turn.index, start: base + use.start, end: base + use.start + use.name.length });
        vote(use.name, addressee);
      }
    });
  }
  // Configured names ("Nova": "therapist") and header lines ("Client: Naomi").
  // A name used once may be a slip of the transcript; one used twice or more is how they address each other.
  const roles = new Map<string, Role>();
  for (const [name, v] of votes) {
    if (v.therapist + v.patient < 2 || v.therapist === v.patient) continue;
    roles.set(name, v.therapist > v.patient ? 'therapist' : 'patient');
  }
  for (const line of session.header?.children ?? []) {
    const m = /^(?:[-*•]\s*)?(therapist|counsel+or|clinician|client|patient)(?: name)?\s*[:\-–]\s*(?:Dr\.? )?([A-Z][a-z]+)\b/i.exec(line.value);
    if (m) roles.set(m[2]!, /client|patient/i.test(m[1]!) ? 'patient' : 'therapist');
  }
  for (const entry of session.speakers.labels()) {
    if (entry.role !== 'other' && !session.speakers.isDefault(entry.label)) roles.set(entry.label, entry.role);
  }
  vocatives.sort((a, b) => a.start - b.start);
  return { roles, vocatives };
}

/** The names a turn addresses someone by, per text (offsets into it); undefined when none. */
function turnVocatives(turn: SessionTurn): Array<Array<{ name: string; start: number }>> | undefined {
  if (turn.role === 'other') return undefined;
  const found = (turn.features.detected.vocatives ??= resultsPerText(turn.texts, vocativesIn));
  return found.every((uses) => uses.length === 0) ? undefined : found;
}
