/**
 * Speaker and persona labels inside a turn: the generator wrote a label the
 * parser did not take as a turn of its own.
 *
 * - At the start of the turn's text: the same label again ("Therapist:
 *   Therapist: …", "T: Counselor: …"), a persona ("**Dr. Ellis:**",
 *   "Mental health counselling assistant:", "AI Therapist:", "Counselor
 *   (CBT):", "**Sarah (Therapist):**"), or the other speaker's label.
 * - On a line of its own inside the turn ("User: I don't know…"), or after a
 *   sentence ("…I see. Patient: Yes"): the other side of the dialogue,
 *   written into this turn.
 *
 * A label here is one a reader would take for a speaker's: a configured
 * speaker, a role noun ("assistant", "listener", "User"), a title and a name
 * ("Dr. Rivera"), a name in bold. "Note:", "Step 1:", "Here's the thing:",
 * "Me:", "Coach said:" are ordinary colons.
 */
import type { SessionTurn } from '../turn.ts';
import type { SpeakerTable } from '../speakers.ts';
import type { Role } from '../types.ts';
import { linesOf, type Span } from './lines.ts';
import { inside, quotedSpans } from './quotes.ts';
import { englishWord } from '../model/english.ts';

export interface LabelMatch extends Span {
  /** The label as written, without its marks and colon. */
  label: string;
  /** At the start of the turn's text, or inside it (another speaker's turn run in). */
  where: 'start' | 'inside';
  /** The role the label names, when it names one. */
  role?: Role;
}

const THERAPIST_NOUNS = `therapist|counsel+or|psychologist|psychiatrist|psychotherapist|clinician|doctor|coach|listener|helper|supporter|advis[eo]r|assistant|ai|bot|chatbot|agent|model|interviewer|facilitator|provider|guide|mentor|nurse`;
const PATIENT_NOUNS = `client|patient|user|human|seeker|interviewee|member|caller|customer|person`;
const ROLE_NOUN = new RegExp(String.raw`^(?:(?:[\p{L}][\p{L}'-]*\s+){0,4})(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})(?:\s*\([^)]{1,24}\))?$|^(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})\s+(?:ai|bot|\d+)$`, 'iu');
const NAME_WITH_ROLE = new RegExp(String.raw`^\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?\s*\((?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})\)$`, 'iu');
const TITLE_NAME = String.raw`(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Doctor)\.?\s+\p{Lu}(?:[\p{L}'-]+|\.)?(?:\s+\p{Lu}[\p{L}'-]+)?`;
/** "Dr. Rivera", "Dr. M", "Ms. Alvarez (School Counselor)", "Response from Dr. Owens". */
const TITLED = new RegExp(String.raw`^(?:(?:[\p{L}'-]+\s+){1,2}(?:from|by)\s+)?${TITLE_NAME}(?:\s*\([^)]{1,30}\))?$`, 'u');
/** A role in brackets after a name or a pronoun: "Ms. Alvarez (School Counselor)", "Me (as therapist)", "Jordan (the client)". */
const BRACKETED_ROLE = new RegExp(String.raw`^[\p{L}.'’-]+(?:\s+[\p{L}.'’-]+){0,2}\s*\((?:as\s+|the\s+|a\s+|an\s+)?(?:[\p{L}-]+\s+){0,2}(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})\)$`, 'iu');
/** "Response from the therapist", "Reply by the counselor". */
const FROM_ROLE = new RegExp(String.raw`^(?:[\p{L}'-]+\s+){1,2}(?:from|by)\s+(?:the|a|an|your)\s+(?:[\p{L}-]+\s+){0,2}(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})$`, 'iu');
const SPEAKER_N = /^(?:speaker|person|participant|voice)\s*(?:\d{1,2}|[A-Z])$/i;
/** A role noun and a name: "Coach Emma", "Nurse Joy", "Counsellor Maya" (the name capitalised, as names are). */
const ROLE_THEN_NAME = new RegExp(String.raw`^(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})\s+(?=\p{Lu})[\p{L}'-]+(?:\s+(?=\p{Lu})[\p{L}'-]+)?$`, 'u');
/** Words after a role noun that say what its text is, not whose: "Therapist Response", "Counselor Says". */
const NOT_A_NAME = /^(?:says?|said|asks?|continues|speaking|speaks|turn|message|mode|voice|persona|version|perspective|side|part|prompt|text|script|line|lines|dialogue|role|profile|character|notes?|responds|replies|replied|answers?)\b/i;
/** Credentials after a comma: "PhD", "LMFT", "LPC, NCC", "MSW". */
const CREDENTIALS = /^(?:[A-Z][A-Za-z]{0,4}[A-Z]|Ph\.?\s?D\.?|Psy\.?D\.?|M\.?D\.?)(?:[\s,/-]+(?:[A-Z][A-Za-z]{0,4}[A-Z]|Ph\.?D\.?|Psy\.?D\.?|M\.?D\.?))*$/;
/** Pictographs and symbols a generator decorates a label with ("Therapist 🙂", "✨ Counselor"). */
const DECORATION = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}]+/gu;
const CAPITALISED = /^\p{Lu}[\p{L}'.-]*(?:\s+\p{Lu}[\p{L}'.-]*){0,2}$/u;
/** Words that open an ordinary line with a colon ("Note:", "Step 1:", "Homework:"), never a speaker. */
const ORDINARY = /^(?:note|notes|nb|ps|p\.s|step|tip|tips|example|summary|homework|goal|goals|update|reminder|remember|bottom line|honestly|me|also me|answer|question|response|reply|output|input|instruction|instructions|warning|important|key|plan|task|agenda|focus|title|subject|source|edit|disclaimer|today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|evening|week|day|option|pros|cons|trigger|thought|feeling|situation|action|result|outcome)\b/i;

const roleOfNoun = (label: string): Role | undefined =>
  new RegExp(String.raw`\b(?:${PATIENT_NOUNS})\b`, 'i').test(label) ? 'patient' : new RegExp(String.raw`\b(?:${THERAPIST_NOUNS})\b`, 'i').test(label) ? 'therapist' : undefined;

/** Words of a clause, never of a label's modifiers. */
const CLAUSE_WORDS = /\b(?:let['’]s|use|using|try|is|are|was|were|be|my|your|our|his|her|their|this|that|these|those|of|to|for|with|in|on|at|about|like|what|how|why|when)\b/i;

/** Would a reader take `label` for a speaker's label? With the role it names, if any. */
function speakerLike(written: string, bold: boolean, speakers: SpeakerTable, boldNames = false): { role?: Role } | undefined {
  // Decorations and a stage direction in square brackets are not the label's words ("Therapist 🙂", "Therapist [warmly]").
  const label = written.replace(DECORATION, ' ').replace(/\s*\[[^\]]{1,24}\]$/, '').replace(/\s+/g, ' ').trim();
  if (!label || label.length > 48) return undefined;
  // "Dr. Amelia Hart, PhD", "Jordan, LMFT", "Dr. Ruiz, therapist": a name and its credentials or role.
  const comma = label.indexOf(',');
  if (comma > 0) {
    const name = label.slice(0, comma).trim();
    const after = label.slice(comma + 1).trim();
    const named = TITLED.test(name) || (CAPITALISED.test(name) && !ORDINARY.test(name));
    if (!named) return undefined;
    if (CREDENTIALS.test(after)) return {};
    const role = after.replace(/^(?:the|a|an|your)\s+/i, '');
    if (ROLE_NOUN.test(role) && !CLAUSE_WORDS.test(role)) return { role: roleOfNoun(role) };
    return undefined;
  }
  // "Me (as therapist)": a role in brackets makes any word a speaker's label.
  if (BRACKETED_ROLE.test(label)) return { role: roleOfNoun(label.slice(label.indexOf('('))) };
  // "Response from Dr. Owens", "Reply from the counselor": whose words follow.
  if (/\s(?:from|by)\s/i.test(label) && (TITLED.test(label) || FROM_ROLE.test(label))) return { role: roleOfNoun(label.replace(/^.*?\s(?:from|by)\s/i, '')) };
  if (ORDINARY.test(label)) return undefined;
  const known = speakers.get(label);
  if (known) return { role: known.role };
  if (SPEAKER_N.test(label)) return {};
  // "Mental health counselling assistant", "AI Therapist": a role noun and its modifiers, not a clause that ends on
  // one ("Let's use the ABC model", "This is my therapist").
  if (ROLE_NOUN.test(label) && !CLAUSE_WORDS.test(label)) return { role: roleOfNoun(label) };
  if (NAME_WITH_ROLE.test(label) || BRACKETED_ROLE.test(label) || FROM_ROLE.test(label)) return { role: roleOfNoun(label) };
  // (Not "Therapist Response", "Counselor Says": what the role's text is, a generator's heading.)
  if (ROLE_THEN_NAME.test(label.replace(/^\S+/, (w) => w.toLowerCase()))) {
    const name = label.replace(/^\S+\s+/, '');
    if (!ORDINARY.test(name) && !NOT_A_NAME.test(name)) return { role: roleOfNoun(label.split(/\s/)[0]!) };
  }
  if (TITLED.test(label)) return {};
  if (bold && boldNames && CAPITALISED.test(label)) return {};
  return undefined;
}

/** `**X:**`, `**X**:`, `__X:__`, `X:` at the start of `value`, and what follows it. */
const LEAD = /^[ \t]*(\*\*|__|\*|_)?[ \t]*([^\s*_:][^*_:\n]{0,47}?)[ \t]*(?:\1)?[ \t]*:[ \t]*(?:\*\*|__|\*|_)?/;
/** The same on a turn's first line after a quote mark, a dash or a bullet ("> Therapist: …", "— Counselor: …"). */
const LEAD_MARKED = /^[ \t]*(?:>|[-–—•])[ \t]*(\*\*|__|\*|_)?[ \t]*([^\s*_:][^*_:\n]{0,47}?)[ \t]*(?:\1)?[ \t]*:[ \t]*(?:\*\*|__|\*|_)?/;
/** A speaker's label set off by a dash or an arrow instead of a colon ("Therapist — …", "Counselor > …"). */
const LEAD_DASHED = /^[ \t]*(\*\*|__)?[ \t]*(\p{L}[\p{L}.'’ -]{0,30}?)[ \t]*(?:\1)?[ \t]+(?:[-–—]{1,2}|>)[ \t]+(?=\S)/u;
/** What a text must hold to open with `LEAD_DASHED` (checked before the lines are split). */
const DASHED_HINT = /^[^\n]{1,40}?[ \t](?:[-–—]{1,2}|>)[ \t]/;
/** A role noun alone, as a label: "Therapist", "AI counselor". */
const BARE_ROLE = new RegExp(String.raw`^(?:ai\s+)?(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})$`, 'i');

/**
 * Labels inside a turn's texts (offsets into each text). The first text's
 * first line may hold the generator's persona label; a label leading a later
 * line is another speaker's turn.
 */
export function findLeakedLabels(texts: readonly string[], speakers: SpeakerTable): Array<LabelMatch & { textIndex: number }> {
  const found: Array<LabelMatch & { textIndex: number }> = [];
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t]!;
    if (!text.includes(':') && !(t === 0 && (text.startsWith('#') || DASHED_HINT.test(text)))) continue;
    const quotes = quotedSpans(text);
    const lines = linesOf(text);
    // Bold "**Deep breathing:** …" items one after another are formatting, not personas.
    const boldItems = lines.filter((l) => /^(?:\*\*|__)[^*_\n]{1,48}(?::\*\*|\*\*:|:__|__:)/.test(l.value)).length;
    for (const line of lines) {
      // "### Input:", "### User:": a prompt template's slot for the other side, written into this turn.
      const slot = /^#{1,4}\s*(input|user|human|patient|client|question|prompt)\s*:?/i.exec(line.value);
      if (slot && !(t === 0 && line.index === 0) && (line.value.length > slot[0].length || lines.some((l) => l.index > line.index) || t < texts.length - 1)) {
        found.push({ start: line.start, end: line.start + slot[0].length, label: slot[0].replace(/^#+\s*/, '').replace(/:$/, ''), where: 'inside', role: 'patient', textIndex: t });
        continue;
      }
      // "### Dr. Bennett" on the turn's first line, the text below: a persona written as a heading.
      const heading = t === 0 && line.index === 0 ? /^(#{1,6})[ \t]*(\*\*)?([^#*\n:]{2,48}?)(\*\*)?[ \t]*:?[ \t]*$/.exec(line.value) : null;
      if (heading && (texts.length > 1 || text.slice(line.end).trim().length > 0)) {
        const label = heading[3]!.trim();
        const like = speakerLike(label, true, speakers);
        if (like) {
          found.push({ start: line.start, end: line.end, label, where: 'start', role: like.role, textIndex: t });
          continue;
        }
      }
      const atStart = t === 0 && line.index === 0;
      const m = (atStart && /^[ \t]*(?:>|[-–—•])/.test(line.value) ? LEAD_MARKED.exec(line.value) : null) ?? LEAD.exec(line.value);
      if (atStart && !m) {
        const dashed = LEAD_DASHED.exec(line.value);
        const label = dashed?.[2]!.trim();
        if (dashed && label && (speakers.get(label) || BARE_ROLE.test(label))) {
          found.push({ start: line.start, end: line.start + dashed[0].trimEnd().length, label, where: 'start', role: speakers.get(label)?.role ?? roleOfNoun(label), textIndex: t });
          continue;
        }
      }
      if (m && !inside(quotes, line.start)) {
        const label = m[2]!.trim();
        const like = speakerLike(label, Boolean(m[1]), speakers, atStart && boldItems <= 1);
        const rest = line.value.slice(m[0].length).trim();
        // A label with the text after it, or alone on the turn's first line with the text below.
        if (like && (rest.length > 0 || (atStart && (texts.length > 1 || text.slice(line.end).trim().length > 0)))) {
          found.push({ start: line.start, end: line.start + m[0].length, label, where: atStart ? 'start' : 'inside', role: like.role, textIndex: t });
          // "Therapist: **Therapist:** …": a second label right after the first.
          const again = atStart ? LEAD.exec(rest) : null;
          if (again && speakerLike(again[2]!.trim(), Boolean(again[1]), speakers)) {
            const at = line.start + m[0].length + (line.value.slice(m[0].length).length - line.value.slice(m[0].length).trimStart().length);
            found[found.length - 1]!.end = at + again[0].length;
          }
          continue;
        }
      }
      // "…I see. Patient: Yes" — a configured speaker's label after a sentence, in the same line.
      const re = /([.!?]["'”’)]?[ \t]+)(\*\*)?(\p{Lu}[\p{L}]*(?: \p{Lu}[\p{L}.]*)?)(\*\*)?:(\*\*)?[ \t]+\S/gu;
      for (let r = re.exec(line.value); r; r = re.exec(line.value)) {
        const label = r[3]!;
        const entry = speakers.get(label);
        if (!entry || label.length < 2) continue;
        const start = line.start + r.index + r[1]!.length;
        if (inside(quotes, start)) continue;
        const end = line.start + r.index + r[0].length - 1;
        found.push({ start, end, label, where: 'inside', role: entry.role, textIndex: t });
      }
    }
  }
  return found;
}

/** Does the turn's own label name the same speaker as `label` (a duplicate), given their roles? */
export function sameSpeaker(own: string, ownRole: Role, match: LabelMatch, speakers: SpeakerTable): boolean {
  const a = speakers.get(own);
  const b = speakers.get(match.label);
  if (a && b) return a.role === b.role;
  return match.role === undefined || match.role === ownRole;
}

/** Any short label at the start of a text: "Mackey:", "**Sam (client):**", "Dr Ruiz -"? (a colon is needed). */
const ANY_LEAD = /^[ \t]*(\*\*|__|\[)?[ \t]*(\p{Lu}[\p{L}.'’-]*(?:[ \t]+\(?[\p{L}.'’-]+\)?){0,4}?)[ \t]*(?:\*\*|__|\])?[ \t]*:[ \t]*(?:\*\*|__)?(?=[ \t]*\S)/u;

/** The first character that cannot come before `ANY_LEAD`'s colon. */
const LEAD_END = /[^ \t*_[\]\p{L}.'’()-]/u;

/**
 * The label-like lead of a turn's first text, whatever its words, if any
 * ("Mackey: …"): a persona label when the same speaker's turns keep opening
 * with it (the generator's habit), ordinary otherwise.
 */
export function leadLabel(text: string): { label: string; start: number; end: number } | undefined {
  // Everything before the colon is spaces, markup, brackets and label words: the first other character
  // must be that colon. (Checked first: on a long run of spaces the regex retries every split of it.)
  const other = LEAD_END.exec(text);
  if (!other || text[other.index] !== ':') return undefined;
  const m = ANY_LEAD.exec(text);
  if (!m) return undefined;
  // "Ping :)", "Absolutely :-)": the colon is an emoticon's eyes.
  if (/^[-^']?[)(DPp3/\\|]/.test(text.slice(text.indexOf(':', m.index) + 1))) return undefined;
  const label = m[2]!.trim();
  if (ORDINARY.test(label) || label.split(/\s+/).length > 5) return undefined;
  let end = m[0].length;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return { label, start: m.index + (m[0].length - m[0].trimStart().length), end };
}

/** One to three capitalised words, as a name is written ("Mackey", "ChatGPT", "Ellen Park"). */
const NAME_LIKE = /^\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,2}$/u;
const ROLE_WORD = new RegExp(String.raw`^(?:${THERAPIST_NOUNS}|${PATIENT_NOUNS})s?$`, 'i');

/**
 * Could a lead label be a name (to be checked against the document's own
 * words)? Capitalised words, none a role noun, a word that says what a text
 * is ("Response", "Note"), or an English dictionary word ("Hello", "Noted").
 */
export function nameLike(label: string): boolean {
  if (!NAME_LIKE.test(label)) return false;
  return label.split(/\s+/).every((word) => !ROLE_WORD.test(word) && !ORDINARY.test(word) && !NOT_A_NAME.test(word) && !englishWord(word));
}

type TurnLabel = LabelMatch & { textIndex: number };

/** Labels inside a turn, offsets relative to each text node, memoised per turn text and speaker table. */
export function turnLabels(turn: SessionTurn, speakers: SpeakerTable): TurnLabel[] {
  const detected = turn.features.detected;
  if (detected.leakedLabels?.speakers === speakers) return detected.leakedLabels.found;
  const found = findLeakedLabels(turn.texts.map((t) => t.value), speakers);
  detected.leakedLabels = { speakers, found };
  return found;
}
