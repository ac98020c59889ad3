/**
 * `identifier` (opt-in): HIPAA Safe Harbor identifiers in what the speakers
 * say, for curators who share datasets — phone numbers (never a known crisis
 * line: 988, 741741, 911, 116 123 …), e-mail addresses, URLs (not crisis and
 * health-information sites), street addresses, ZIP codes, full dates and
 * month-and-day dates, ages over 89, social security numbers, record,
 * account and other identifying numbers named as such, places named as where
 * someone lives or is treated, and people's names: used to address someone
 * ("Thanks, Naomi."), with a title ("Dr. Patel"), as a relation ("my sister
 * Anna"), introduced ("my name is …"), or in the header ("Client: Naomi"),
 * and then wherever else that name appears — except the names the session
 * uses as speakers' labels.
 *
 * Its fix replaces each by a typed placeholder — `[PHONE]`, `[EMAIL]`,
 * `[DATE]`, `[ADDRESS]`, `[URL]`, `[ID]`, `[NAME]`, `[ACCOUNT]`, `[RECORD]`,
 * `[SSN]`, `[AGE]`, `[LOCATION]`, `[ZIP]` — the same identifier by the same
 * placeholder across the file (with `numbered: true`, `[NAME-1]`, `[NAME-2]`
 * …, one number per distinct identifier, so two people stay two). The fix is
 * safe: `--fix` (and `--jsonl --fix` on a dataset) applies it. Placeholders
 * are never identifiers themselves, and `generation-artifact` knows them.
 *
 * Off by default: enable it with `"identifier": "warn"` or
 * `--rule identifier=warn`.
 */
import { defineRule, transcript } from '../rule.ts';
import type { Session } from '../session.ts';
import { insideQuote, names as learntNames } from '../detect/names.ts';

export type IdentifierType = 'PHONE' | 'EMAIL' | 'DATE' | 'ADDRESS' | 'URL' | 'ID' | 'NAME' | 'ACCOUNT' | 'RECORD' | 'SSN' | 'AGE' | 'LOCATION' | 'ZIP';

export interface IdentifierOptions {
  /** `[NAME-1]`, `[NAME-2]` …: one number per distinct identifier (default: `[NAME]` for all). */
  numbered?: boolean;
  /** Types not to report, e.g. ["DATE"]. */
  ignore?: IdentifierType[];
}

export interface FoundIdentifier {
  type: IdentifierType;
  /** Offsets into the text searched. */
  start: number;
  end: number;
  /** The same key: the same identifier (digits of a phone number, an e-mail in lower case …). */
  key: string;
}

const DESCRIPTIONS: Record<IdentifierType, string> = {
  PHONE: 'a phone number',
  EMAIL: 'an e-mail address',
  DATE: 'a date',
  ADDRESS: 'a street address',
  URL: 'a web address',
  ID: 'an identifying number',
  NAME: "a person's name",
  ACCOUNT: 'an account or card number',
  RECORD: 'a medical record number',
  SSN: 'a social security number',
  AGE: 'an age over 89',
  LOCATION: 'a place',
  ZIP: 'a ZIP code',
};

// ---------------------------------------------------------------------------
// Numbers that are no one's: crisis and help lines

/** Crisis and help lines, digits only (a leading country code 1 is dropped before the lookup). */
const CRISIS_LINES = new Set([
  '988', '911', '999', '112', '111', '741741', '116123', '116111', '85258', '686868', '08001111', '131114', '0800111', '116006',
  '8002738255', '8007997233', '8006564673', '8006624357', '8664887386', '8775658860', '8009506264', '8334564566', '8004483000',
  '8004224453', '8886289454', '8008264673', '8007846273', '8006799424',
]);

function isCrisisLine(digits: string): boolean {
  const d = digits.replace(/^1(?=\d{10}$)/, '');
  return CRISIS_LINES.has(d) || CRISIS_LINES.has(digits);
}

/** Web sites of crisis lines and public health information: not someone's. */
const PUBLIC_SITES = /(?:^|\.)(?:988lifeline\.org|suicidepreventionlifeline\.org|crisistextline\.org|samaritans\.org|nami\.org|samhsa\.gov|nimh\.nih\.gov|nih\.gov|cdc\.gov|who\.int|nhs\.uk|mind\.org\.uk|findahelpline\.com|thetrevorproject\.org|rainn\.org|thehotline\.org|translifeline\.org|befrienders\.org|iasp\.info|veteranscrisisline\.net|afsp\.org|mentalhealth\.gov|psychologytoday\.com|apa\.org|beyondblue\.org\.au|lifeline\.org\.au|kidshelpphone\.ca|talksuicide\.ca|988\.ca|wikipedia\.org)$/i;

// ---------------------------------------------------------------------------
// Patterns

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const STREET_TYPES =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Close|Crescent|Gardens';
const STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC';

interface Pattern {
  type: IdentifierType;
  re: RegExp;
  /** The group that is the identifier (default the whole match). */
  group?: number;
  /** Keep the match? (context checks that a regular expression says badly) */
  accept?: (match: RegExpExecArray, text: string) => boolean;
  key?: (value: string) => string;
}

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** Luhn's check: card numbers pass it. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const NUMBER_WORD = String.raw`(?:number|no\.?|num\.?|#|nr\.?)`;
const ID_VALUE = String.raw`(?:is\s+|was\s+|of\s+|:\s*|-\s*|#\s*)?(#?[A-Z]{0,4}-?\d[\dA-Z-]{3,19})\b`;

const PATTERNS: Pattern[] = [
  { type: 'EMAIL', re: /\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b/g, key: (v) => v.toLowerCase() },
  {
    type: 'URL',
    re: /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]]+[^\s<>"'()[\].,;:!?]|\b(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|io|co|us|uk|ca|au|de|info|me|ly|app|health)\/[^\s<>"'()[\]]*[^\s<>"'()[\].,;:!?]/gi,
    accept: (m) => !PUBLIC_SITES.test(hostOf(m[0])),
    key: (v) => v.toLowerCase().replace(/^https?:\/\//, '').replace(/\/$/, ''),
  },
  { type: 'SSN', re: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g, key: digitsOf },
  {
    type: 'ACCOUNT',
    re: /\b(?:\d{4}[ -]){3}\d{4}\b|\b\d{4}[ -]\d{6}[ -]\d{5}\b/g,
    accept: (m) => luhn(digitsOf(m[0])),
    key: digitsOf,
  },
  {
    type: 'PHONE',
    re: /(?<![\w.+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w-])|(?<![\w.-])\d{3}[.-]\d{4}(?![\w.-])/g,
    accept: (m, text) => {
      const digits = digitsOf(m[0]);
      if (digits.length < 7 || digits.length > 15 || isCrisisLine(digits)) return false;
      // 555-1234 needs a phone word nearby; longer numbers are phones by their shape.
      if (digits.length < 10) return /\b(?:call|phone|number|cell|mobile|text|reach|dial|ring)\b/i.test(text.slice(Math.max(0, m.index - 40), m.index));
      // A year range or a score ("2019-2020", "3-4-5") is not a phone number.
      return !/^\d{4}[\s.-]\d{4}$/.test(m[0]) || /\b(?:call|phone|number|cell|mobile|text|dial)\b/i.test(text.slice(Math.max(0, m.index - 40), m.index));
    },
    key: (v) => digitsOf(v).replace(/^1(?=\d{10}$)/, ''),
  },
  { type: 'RECORD', re: new RegExp(String.raw`\b(?:MRN|medical record(?:\s+${NUMBER_WORD})?|chart\s+${NUMBER_WORD}|patient\s+(?:ID|${NUMBER_WORD})|record\s+${NUMBER_WORD})\s*${ID_VALUE}`, 'gi'), group: 1, key: (v) => v.toUpperCase().replace(/^#/, '') },
  {
    type: 'ACCOUNT',
    re: new RegExp(String.raw`\b(?:account|acct\.?|policy|member(?:ship)?|insurance(?:\s+ID)?|subscriber|card|routing|beneficiary)\s+(?:ID\s+|${NUMBER_WORD}\s*)?${ID_VALUE}`, 'gi'),
    group: 1,
    key: (v) => v.toUpperCase().replace(/^#/, ''),
  },
  {
    type: 'ID',
    re: new RegExp(String.raw`\b(?:(?:driver'?s\s+)?licen[cs]e|passport|student(?:\s+ID)?|employee(?:\s+ID)?|ID|case|claim|badge|serial|vehicle|VIN|plate|certificate|NHS|SIN|NI)\s+(?:${NUMBER_WORD}\s*)?${ID_VALUE}`, 'g'),
    group: 1,
    accept: (m) => /\d.*\d/.test(m[1]!),
    key: (v) => v.toUpperCase().replace(/^#/, ''),
  },
  { type: 'ID', re: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, accept: (m) => !/^\d+\.\d+$/.test(m[0]) },
  {
    type: 'ADDRESS',
    re: new RegExp(String.raw`\b\d{1,6}[A-Z]?\s+(?:(?:[NSEW]\.?|North|South|East|West)\s+)?(?:[A-Z][a-z]+\s+){1,3}(?:${STREET_TYPES})\b\.?(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[\w-]+)?(?:,\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?:,\s+(?:${STATES}))?(?:\s+\d{5}(?:-\d{4})?)?)?`, 'g'),
    key: (v) => v.toLowerCase().replace(/\s+/g, ' '),
  },
  { type: 'ZIP', re: new RegExp(String.raw`(?:\b(?:${STATES})\s+|\b(?:zip|postal)(?:\s+code)?\s*(?:is\s+|:\s*)?)(\d{5}(?:-\d{4})?)\b`, 'gi'), group: 1, key: (v) => v },
  {
    type: 'DATE',
    re: new RegExp(
      String.raw`\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:(?:${MONTHS})\.?\s+${DAY}(?:,?\s+(?:19|20)\d{2})?|${DAY}\s+(?:of\s+)?(?:${MONTHS})\.?(?:,?\s+(?:19|20)\d{2})?)\b|\b(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:19|20)?\d{2}\b|\b(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2])[/.](?:19|20)\d{2}\b|\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b`,
      'g',
    ),
    accept: (m, text) => {
      // "May I …", "I may 2 …": the month must be written as a name, and "May" needs a day right after it.
      if (/^May\s+\d/.test(m[0]) && !/^May\s+\d{1,2}(?:st|nd|rd|th)?\b/.test(m[0])) return false;
      // "March 3" as a number of things ("in 2 March meetings") is rare; a score like "3/10" has no third part.
      return !/^\d+\s+(?:of\s+)?May$/.test(m[0]) || /\b(?:on|since|until|by|from)\s+$/i.test(text.slice(Math.max(0, m.index - 8), m.index));
    },
    key: (v) => v.toLowerCase().replace(/\s+/g, ' '),
  },
  { type: 'AGE', re: /\b(?:(9\d|1[01]\d)[- ](?:years?|yrs?)[- ]old|(?:aged?|age of)\s+(9\d|1[01]\d))\b/gi, key: (v) => digitsOf(v) },
  {
    type: 'LOCATION',
    re: /\b(?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][a-z]+(?:['’]s)?\s+){1,3}(?:Hospital|Clinic|Medical Center|Medical Centre|Health Center|Infirmary|Elementary School|Middle School|High School|Academy|Prison|Correctional Facility|Nursing Home|Care Home|Rehab|Rehabilitation Center)\b/g,
    // A name among the words: "Lincoln High School", not "a Medical Clinic" or "the Community Health Center".
    accept: (m) => m[0].split(/\s+/).some((w) => /^[A-Z]/.test(w) && !GENERIC_PLACE_WORDS.has(w.replace(/['’]s$/, ''))),
    key: (v) => v.toLowerCase(),
  },
];

/** Words of place names that name no place. */
const GENERIC_PLACE_WORDS = new Set(
  `The A An My Our Your This That Local General Mental Psychiatric Community State County City Regional National Public Private Medical Health
  Care Family Urgent Behavioral Behavioural Children's Childrens Veterans University Teaching Main New Old Big Small Good Best Hospital Clinic
  Center Centre School High Middle Elementary Academy Infirmary Home Nursing Rehab Rehabilitation Prison Correctional Facility Treatment
  Recovery Addiction Detox Wellness Counseling Counselling Therapy Day Night Primary Secondary Junior Senior Grade Christian Catholic Free`.split(/\s+/),
);

function hostOf(url: string): string {
  return url.replace(/^https?:\/\//i, '').split(/[/?#:]/)[0]!.toLowerCase().replace(/^www\./, '');
}

/** Placeholders already in the text (`[PHONE]`, `[NAME-2]`, `{{NAME}}`): never identifiers. */
const PLACEHOLDER = /\[(?:PHONE|EMAIL|DATE|ADDRESS|URL|ID|NAME|ACCOUNT|RECORD|SSN|AGE|LOCATION|ZIP)(?:-\d+)?\]|\{\{[A-Z_]+\}\}/g;

/** Identifiers in one text other than names (names need the whole session). */
export function findIdentifiers(text: string): FoundIdentifier[] {
  const found: FoundIdentifier[] = [];
  // A cheap gate: most turns have no digit, no @ and no capitalised street word.
  if (!/[\d@]|www\.|Hospital|Clinic|School|Center|Centre|Home|Academy|Prison|Rehab|Infirmary/.test(text)) return found;
  const taken: Array<[number, number]> = [];
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text)) taken.push([m.index, m.index + m[0].length]);
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && a < e);
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      if (p.accept && !p.accept(m, text)) continue;
      const value = p.group !== undefined ? m[p.group] : m[0];
      if (!value) continue;
      const start = p.group !== undefined ? m.index + m[0].lastIndexOf(value) : m.index;
      const end = start + value.length;
      if (!free(start, end)) continue;
      taken.push([start, end]);
      found.push({ type: p.type, start, end, key: `${p.type}:${(p.key ?? ((v: string) => v))(value)}` });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------
// Names

const NAME_WORD = String.raw`[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?`;
const TITLE = new RegExp(String.raw`\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Doctor|Nurse|Officer|Coach|Pastor|Father|Rabbi)\.?\s+(${NAME_WORD}(?:\s+${NAME_WORD})?)`, 'g');
const RELATION = new RegExp(
  String.raw`\b(?:[Mm]y|[Hh]is|[Hh]er|[Oo]ur|[Tt]heir|[Yy]our)\s+(?:(?:little|big|older|younger|ex|best|late|new|step)[\s-]?)?(?:sister|brother|mom|mum|mother|dad|father|son|daughter|husband|wife|partner|boyfriend|girlfriend|fiancée?|friend|boss|manager|roommate|flatmate|cousin|aunt|uncle|grandma|grandpa|grandmother|grandfather|niece|nephew|coworker|co-worker|colleague|neighbou?r|teacher|therapist|doctor|psychiatrist|counsel+or|sponsor|kid|child|baby|ex)(?:,)?\s+(${NAME_WORD})`,
  'g',
);
const INTRODUCED = new RegExp(String.raw`\b(?:[Mm]y name is|[Mm]y name's|(?:[Ii]s|was|a (?:man|woman|guy|girl|boy|kid|friend|lady|person)) named|[Gg]oes by)\s+(${NAME_WORD}(?:\s+${NAME_WORD})?)`, 'g');
/** States and countries: not identifiers under Safe Harbor (only places smaller than a state are). */
const STATES_AND_COUNTRIES = new Set(
  `Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky
  Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Hampshire Jersey Mexico York Carolina
  Dakota Ohio Oklahoma Oregon Pennsylvania Rhode Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming America Canada England
  Scotland Wales Ireland Britain Australia Zealand India China Japan Korea Germany France Spain Italy Africa Europe Asia Brazil Nigeria
  Philippines Pakistan Kenya`.split(/\s+/),
);
/** Words a name pattern may catch that are not names. */
const NOT_A_NAME = new Set(
  `I I'm I've I'd Im The A An And But Or So Then That This These Those It It's He She They We You Me Him Her Them My Your His Their Our
  Okay Ok Yes No Yeah Well Oh Um Uh Hmm Mm Right Sure Maybe Please Thanks Thank Sorry Hi Hey Hello Bye Goodbye Good Great Fine
  Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December
  God Lord Jesus Christ Mom Mum Dad Mother Father Grandma Grandpa Doctor Dr Nurse Sir Madam Miss Mister Therapist Counselor Counsellor Patient Client
  Christmas Easter Thanksgiving Halloween English Spanish French German Chinese American British Canadian Mexican Indian African Asian European
  Anxiety Depression Panic Something Nothing Everything Anything Someone Everyone Anyone Nobody Somebody Everybody Here There Now Today Tomorrow Yesterday
  Who What When Where Why How Not Just Really Actually Also Even Still Again Always Never Sometimes Often Because If When While After Before Since Until
  Mrs Mr Ms Mx Prof Professor Officer Coach Pastor Rabbi Internet Google Facebook Instagram Twitter Tiktok Youtube Zoom Netflix Amazon`.split(/\s+/),
);

interface NameFinding {
  turn: number;
  textIndex: number;
  start: number;
  end: number;
  key: string;
}

/** Names in the session's turns: found by how they are used, then every other use of them. */
function sessionNames(session: Session): NameFinding[] {
  const speakers = new Set(session.turns.map((t) => t.node.speaker.toLowerCase()));
  for (const entry of session.speakers.labels()) speakers.add(entry.label.toLowerCase());
  const known = new Set<string>();
  // A word the session also writes in lower case is an ordinary word ("an app called Neighbors", "the neighbors").
  const lower = new Set<string>();
  for (const turn of session.turns) {
    for (const text of turn.texts) {
      // Not inside an e-mail address or a web address ("naomi.k@gmail.com" does not make "naomi" a word).
      const words = text.value.replace(/\S+@\S+|https?:\/\/\S+|www\.\S+|\S+\.[a-z]{2,6}\/\S*/gi, ' ');
      for (const m of words.matchAll(/\b[a-z][a-z'’-]+\b/g)) lower.add(m[0]);
    }
  }
  const add = (name: string) => {
    for (const part of name.split(/\s+/)) {
      if (NOT_A_NAME.has(part) || STATES_AND_COUNTRIES.has(part) || speakers.has(part.toLowerCase()) || part.length < 2 || lower.has(part.toLowerCase())) continue;
      known.add(part);
    }
  };
  const names = session.get(learntNames);
  for (const v of names.vocatives) add(v.name.replace(/^(?:Dr|Mr|Mrs|Ms|Miss)\.?\s+/, ''));
  for (const name of names.roles.keys()) add(name);
  session.turns.forEach((turn) => {
    for (const text of turn.texts) {
      for (const re of [TITLE, RELATION, INTRODUCED]) {
        re.lastIndex = 0;
        for (let m = re.exec(text.value); m; m = re.exec(text.value)) {
          if (insideQuote(text.value, m.index) && re !== TITLE) continue;
          add(m[1]!);
        }
      }
    }
  });
  if (known.size === 0) return [];
  const alternation = [...known].sort((a, b) => b.length - a.length).map((n) => n.replace(/[-'’]/g, '\\$&')).join('|');
  const every = new RegExp(String.raw`(?<![\w'’-])(?:${alternation})(?:['’]s)?(?![\w'’-])`, 'g');
  const found: NameFinding[] = [];
  session.turns.forEach((turn, t) => {
    turn.texts.forEach((text, i) => {
      every.lastIndex = 0;
      for (let m = every.exec(text.value); m; m = every.exec(text.value)) {
        const name = m[0].replace(/['’]s$/, '');
        found.push({ turn: t, textIndex: i, start: m.index, end: m.index + name.length, key: `NAME:${name}` });
      }
    });
  });
  return found;
}

// ---------------------------------------------------------------------------
// The rule

/** The highest number already used for each placeholder type in the text (`[NAME-3]` → 3). */
function numbersInUse(text: string): Map<string, number> {
  const used = new Map<string, number>();
  for (const m of text.matchAll(/\[([A-Z]+)-(\d+)\]/g)) used.set(m[1]!, Math.max(used.get(m[1]!) ?? 0, Number(m[2])));
  return used;
}

export default defineRule<IdentifierOptions>({
  id: 'identifier',
  description: 'A HIPAA Safe Harbor identifier in a turn (phone, e-mail, address, date, record or account number, URL, name …); opt-in.',
  defaultSeverity: 'off',
  options: {
    numbered: { type: 'boolean', default: false, description: 'Number the placeholders, one number per distinct identifier ([NAME-1], [NAME-2] …), so two people stay two.' },
    ignore: { type: 'array', items: { type: 'string' }, default: [], description: 'Types not to report, e.g. ["DATE"] (PHONE, EMAIL, DATE, ADDRESS, URL, ID, NAME, ACCOUNT, RECORD, SSN, AGE, LOCATION, ZIP).' },
  },
  docs: 'docs/rules/identifier.md',
  fixes: [{ title: 'Replace with its typed placeholder ([PHONE], [EMAIL], [NAME] …)', safe: true }],
  examples: {
    ok: [
      {
        text: transcript(
          'Therapist: If things get that dark again, you can call or text 988 at any hour.',
          'Patient: Okay. I saved it in my phone last week.',
        ),
      },
    ],
    notOk: [
      {
        text: transcript(
          'Therapist: Before we start, is 555-867-5309 still the best number to reach you?',
          'Patient: Yes, or email me at jordan.lee@example.com.',
        ),
        findings: ['"555-867-5309" looks like', '"jordan.lee@example.com" looks like'],
        fixed: transcript('Therapist: Before we start, is [PHONE] still the best number to reach you?', 'Patient: Yes, or email me at [EMAIL].'),
      },
    ],
  },
  check({ session, options, report }) {
    const ignore = new Set(options.ignore ?? []);
    const all: Array<{ type: IdentifierType; start: number; end: number; key: string; turn: number }> = [];
    session.turns.forEach((turn, t) => {
      turn.texts.forEach((text) => {
        const base = text.position.start.offset!;
        for (const f of findIdentifiers(text.value)) all.push({ ...f, start: base + f.start, end: base + f.end, turn: t });
      });
    });
    for (const n of sessionNames(session)) {
      const base = session.turns[n.turn]!.texts[n.textIndex]!.position.start.offset!;
      const start = base + n.start;
      const end = base + n.end;
      // A name inside an identifier already found (an e-mail, an address) is part of it.
      if (all.some((f) => f.turn === n.turn && start < f.end && f.start < end)) continue;
      all.push({ type: 'NAME', start, end, key: n.key, turn: n.turn });
    }
    all.sort((a, b) => a.start - b.start);
    const numbers = new Map<string, number>();
    const next = numbersInUse(session.text);
    for (const f of all) {
      if (ignore.has(f.type)) continue;
      let placeholder = `[${f.type}]`;
      if (options.numbered) {
        let n = numbers.get(f.key);
        if (n === undefined) {
          n = (next.get(f.type) ?? 0) + 1;
          next.set(f.type, n);
          numbers.set(f.key, n);
        }
        placeholder = `[${f.type}-${n}]`;
      }
      const value = session.text.slice(f.start, f.end);
      report({
        reason: `"${value}" looks like ${DESCRIPTIONS[f.type]}: an identifier under HIPAA Safe Harbor. Replace it before the transcript is shared.`,
        start: f.start,
        end: f.end,
        turn: f.turn,
        fixes: [{ title: `Replace with ${placeholder}`, edits: [{ start: f.start, end: f.end, text: placeholder }], safe: true, preferred: true }],
      });
    }
  },
});
