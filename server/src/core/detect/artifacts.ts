/**
 * Generation artifacts: text about the document rather than in the
 * conversation, left by the model or the pipeline that produced it.
 *
 * Recognised by what the text *does* and where it stands, not by a list of
 * sentences:
 * - special tokens and chat-template residue (`<|im_end|>`, `</s>`, `[INST]`,
 *   `### Response:`), anywhere;
 * - end sentinels: an "end (of the session/transcript…)" or "the session
 *   ends" that stands alone — on its own line, in brackets or asterisks, or
 *   in capitals;
 * - headings and turn numbers the generator wrote: a short line without a
 *   sentence's punctuation that names a part of the document ("### Session
 *   2", "Turn 3:", "**Therapist's response:**", "Exchange 4");
 * - a stray list number or bullet alone on the first line of a turn, with
 *   no list after it;
 * - unfilled placeholders ("[Client's name]", "{client_name}", "[insert
 *   coping skill]"); not the capitalised tokens of de-identification
 *   ("[PHONE]", "{{NAME}}"), not stage directions ("[pause]");
 * - preambles and meta-text in any wording: a clause that presents,
 *   continues, edits or comments on the dialogue, a response, a script or a
 *   role-play, speaks of the roles in the third person, or addresses the
 *   person who asked for it ("as requested") — scored from such signs and
 *   from its place (the start or end of a turn, a line of its own, a colon
 *   introducing what follows, brackets). A counsellor's in-session "Here's a
 *   brief overview of how they work:" has none of the signs.
 * Nothing inside quoted speech counts.
 */
import { lastAtOrBefore } from '../search.ts';
import { clausesOf, isShouting, linesOf, type Line, type Span } from './lines.ts';
import { metaProbability } from '../model/meta.ts';
import { blankQuotes, inside, quotedSpans } from './quotes.ts';
import { DisjointSpans } from './sentence.ts';
import type { SessionTurn } from '../turn.ts';

export type ArtifactKind = 'preamble' | 'meta' | 'heading' | 'end-marker' | 'special-token' | 'placeholder' | 'stray-marker' | 'fragment';

export interface ArtifactMatch extends Span {
  kind: ArtifactKind;
  /** Certain enough that removing it needs no judgement (a safe fix). */
  certain: boolean;
}

// ---------------------------------------------------------------------------
// Special tokens

const TOKENS = new RegExp(
  [
    String.raw`<\|[^|<>\s]{1,40}\|>(?:\s*(?:assistant|user|system|human|model|bot)\b(?:<\|[^|<>\s]{1,40}\|>)?)?`,
    String.raw`<\/?s>`,
    String.raw`<\/?(?:pad|unk|eos|bos|mask|sep|cls|eot|endoftext|end_of_text|start_of_turn|end_of_turn|im_start|im_end)>`,
    String.raw`\[\/?INST\]`,
    String.raw`<<\/?SYS>>`,
    String.raw`\[\/?(?:SYS|SYSTEM)\]`,
  ].join('|'),
  'g',
);
/** A prompt template's section marker at a line start: "### Response:", "### Instruction". */
const TEMPLATE_HEADER = /^#{1,4}\s*(?:instructions?|response|input|output|human|assistant|user|system|context|prompt)\b\s*:?/i;

function specialTokens(text: string, lines: Line[], found: ArtifactMatch[]): void {
  if (text.includes('<') || text.includes('[INST') || text.includes('[/INST') || text.includes('[SYS')) {
    TOKENS.lastIndex = 0;
    for (let m = TOKENS.exec(text); m; m = TOKENS.exec(text)) found.push({ start: m.index, end: m.index + m[0].length, kind: 'special-token', certain: true });
  }
  if (text.includes('#')) {
    for (const line of lines) {
      const m = TEMPLATE_HEADER.exec(line.value);
      if (m) found.push({ start: line.start, end: line.start + m[0].length, kind: 'special-token', certain: true });
    }
  }
}

// ---------------------------------------------------------------------------
// End sentinels

const DOC_PARTS = String.raw`(?:(?:the|this|our)\s+)?(?:(?:therapy|counsel+ing|cbt|mock|simulated|first|second|final|last|chat|call)\s+)*(?:session|conversation|transcript|dialogue|dialog|chat|role[- ]?play|exchange|scene|simulation|excerpt|example|interaction|script|part|transcription|log|record|recording|file|document|text|story|chapter|episode|segment|call|meeting|demo|demonstration|(?:therapist|counsel+or|client|patient)(?:'s)?\s+(?:response|reply|turn|message)|response|reply)(?:\s+(?:\d+|[ivx]+))?`;
const END_CORE = new RegExp(String.raw`^(?:the\s+)?(?:end|fin|finis)(?:\s+(?:of\s+)?${DOC_PARTS})?(?:\s+(?:\d+|[ivx]+))?(?:\s+here)?$`, 'i');
const ENDED = new RegExp(String.raw`^${DOC_PARTS}\s+(?:ends|ended|is\s+over|has\s+ended|concludes|concluded|closes|closed|is\s+closed|wraps\s+up|complete|completed|is\s+complete|finished|is\s+finished|terminated|stops|stopped)(?:\s+here|\s+now)?$`, 'i');
/** Words a pipeline writes in brackets or capitals to say the text is over: "[DONE]", "EOF", "[STOP]". */
const STOP_WORDS = /^(?:done|stop|eof|eot|finished|complete|over|end\s+of\s+(?:output|response|reply|answer|generation))$/i;
const DECORATION = /^[\s\-–—=*_~#<>()[\]{}.!·•|]+|[\s\-–—=*_~#<>()[\]{}.!·•|]+$/g;

/** Is `raw` an end sentinel when it stands alone ("[END]", "END OF TRANSCRIPT", "*End of session*")? */
function isEndSentinel(raw: string, alone: boolean): boolean {
  const inner = raw.replace(DECORATION, '').replace(/[’]/g, "'").trim();
  if (!inner || inner.length > 60) return false;
  const ended = ENDED.test(inner);
  const decorated = inner !== raw.trim().replace(/\.$/, '');
  if (STOP_WORDS.test(inner)) return decorated ? /^[\s[(<*=~#-]/.test(raw) : isShouting(inner) && alone;
  if (!END_CORE.test(inner) && !ended) return false;
  const namesDocument = /\s/.test(inner) && !/^(?:the\s+)?end$/i.test(inner);
  return decorated || isShouting(inner) || (alone && (namesDocument || ended));
}

const BRACKETED = /\[[^\[\]\n]{1,60}\]|\([^()\n]{1,60}\)|\*{1,3}[^*\n]{1,60}\*{1,3}|<[^<>\n]{1,40}>|-{2,}[^-\n]{1,40}-{2,}|={2,}[^=\n]{1,40}={2,}/g;

function endSentinels(text: string, lines: Line[], found: ArtifactMatch[]): void {
  if (!/end|fin|over|conclu|complete|finish|terminat|stop|clos|wrap|done|eo[ft]/i.test(text)) return;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isEndSentinel(line.value, true)) {
      found.push({ start: line.start, end: line.end, kind: 'end-marker', certain: true });
      continue;
    }
    // "---" then "End" on the next line, closing the text: the rule decorates the word.
    const previous = lines[i - 1];
    if (previous && i === lines.length - 1 && /^\s*(?:[-–—=*_~#]\s*){3,}$/.test(previous.value) && END_CORE.test(line.value.trim().replace(/[.!]$/, ''))) {
      found.push({ start: previous.start, end: line.end, kind: 'end-marker', certain: true });
      continue;
    }
    BRACKETED.lastIndex = 0;
    for (let m = BRACKETED.exec(line.value); m; m = BRACKETED.exec(line.value)) {
      if (isEndSentinel(m[0], false)) found.push({ start: line.start + m.index, end: line.start + m.index + m[0].length, kind: 'end-marker', certain: true });
    }
    // Glued after the last sentence: "…Take care. END OF TRANSCRIPT", "…Take care. End of transcript."
    const tail = /[.!?…]["'”’)]*\s+([^.!?…]{2,60}[.!]?)$/.exec(line.value);
    if (tail && isEndSentinel(tail[1]!, isShouting(tail[1]!) ? false : true) && (isShouting(tail[1]!) || /\s/.test(tail[1]!.trim()))) {
      const start = line.start + tail.index + tail[0].length - tail[1]!.length;
      found.push({ start, end: line.end, kind: 'end-marker', certain: true });
    }
  }
}

// ---------------------------------------------------------------------------
// Headings and turn numbers

const NUMBER = String.raw`(?:\d{1,3}|[ivx]{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|\$\{n\})`;
const ROLE = String.raw`(?:therapist|counsel+or|client|patient|user|assistant|ai|bot|model|coach|psychologist|clinician|doctor|helper|supporter|seeker)`;
/** The parts of a generated document: what a generator's heading names. */
const PART = String.raw`(?:(?:next|new|final|first|second|third|last|opening|closing|continued|following|another)\s+)?(?:session|turn|exchange|part|round|scene|act|segment|dialogue|dialog|conversation|transcript|continuation|chapter|episode|interaction|section|response|reply|output)`;
const HEADING_PATTERNS = [
  // "Session 2", "Turn 3:", "Exchange 4", "Part 2 — Exploring thoughts", "Round 3", "### Continuation"
  new RegExp(String.raw`^${PART}(?:\s+${NUMBER}|\s*#\s*\d+)?(?:\s*(?:[:—–,-]|\(.*\))\s*.*)?$`, 'i'),
  // "Therapist", "Therapist (Turn 3):", "Therapist's response", "Client's reply:", "Response 3:"
  new RegExp(String.raw`^(?:the\s+)?${ROLE}(?:['’]s)?(?:\s*\([^)]{1,25}\))?(?:\s+(?:response|reply|turn|answer|message|continues|speaks|responding))?(?:\s+${NUMBER})?\s*[:—–-]?$`, 'i'),
  // "Turn 3 — Therapist"
  new RegExp(String.raw`^${PART}\s+${NUMBER}\s*[—–:-]\s*${ROLE}$`, 'i'),
];

/** Is this short line a heading the generator wrote? `marked`: it is a Markdown heading or all in bold. */
function isHeading(inner: string, marked: boolean): boolean {
  const words = inner.split(/\s+/).length;
  if (words > 10 || !inner) return false;
  if (!HEADING_PATTERNS.some((re) => re.test(inner))) return false;
  if (marked) return true;
  // Unmarked: it must look like a title, not talk ("Round two of the interviews is next week").
  if (/[.!?…]$/.test(inner)) return false;
  if (!/^\p{Lu}/u.test(inner) && !/^\$/.test(inner)) return false;
  // A number, a separator or a role: "Exchange 4", "Part 2 — Exploring thoughts", "Therapist (Turn 3):".
  return new RegExp(String.raw`\s${NUMBER}\b|[:—–(]|^(?:the\s+)?${ROLE}`, 'i').test(inner) && words <= 8;
}

const PART_ANYWHERE = new RegExp(String.raw`\b${PART}\b`, 'i');

/** Short, and no sentence: a title ("Step 4: Cognitive Restructuring"), not words said. */
function isTitle(inner: string, maxWords: number): boolean {
  if (!inner || !/\p{L}/u.test(inner)) return false;
  if (inner.split(/\s+/).length > maxWords) return false;
  return !/[.!?…,;]["'”’)]*$/.test(inner);
}

function headings(lines: Line[], found: ArtifactMatch[], atTurnStart: boolean): void {
  for (const line of lines) {
    const markdown = /^(#{1,6})\s*(.+?)\s*#*$/.exec(line.value);
    const bold = /^(?:\*\*|__|\*)(.+?)(?:\*\*|__|\*):?$/.exec(line.value);
    const wrapped = /^(?:[[(<]|[-–—=~]{1,3}\s)\s*(.+?)\s*(?:[\])>]|\s[-–—=~]{1,3}):?$/.exec(line.value);
    const marked = Boolean(markdown || bold || wrapped);
    const inner = (markdown?.[2] ?? bold?.[1] ?? wrapped?.[1] ?? line.value).replace(/\*\*|__/g, '').trim();
    if (isHeading(inner, marked)) {
      found.push({ start: line.start, end: line.end, kind: 'heading', certain: marked || /\d/.test(inner) });
      continue;
    }
    // Markup no one speaks: a Markdown heading line, or a line all in bold that names a part of a document
    // ("**Follow-up Session (One Month Later)**"), whatever its words. Not certain: the fix is offered, not applied.
    if (markdown && isTitle(inner, 12)) {
      found.push({ start: line.start, end: line.end, kind: 'heading', certain: false });
      continue;
    }
    if (bold && isTitle(inner, 8) && PART_ANYWHERE.test(inner)) {
      found.push({ start: line.start, end: line.end, kind: 'heading', certain: false });
      continue;
    }
    // Inline before the text on the label line: "**Therapist's response:** I hear you", "Turn 3: I hear you".
    if (line.index === 0 && atTurnStart) {
      const lead = /^(?:\*\*([^*\n]{1,50}?):?\*\*:?|__([^_\n]{1,50}?):?__:?|([^:\n]{1,40}):)\s+\S/.exec(line.value);
      const head = lead && (lead[1] ?? lead[2] ?? lead[3])!.trim();
      // Plain "Turn 3: …" needs a figure: "Scene one: I walk in" is someone talking.
      if (head && isHeading(head, Boolean(lead[1] ?? lead[2])) && (lead[1] || lead[2] || /\d/.test(head) || new RegExp(String.raw`^(?:the\s+)?${ROLE}`, 'i').test(head))) {
        const end = line.start + lead[0].length - 1;
        found.push({ start: line.start, end: trimEnd(line.value, end - line.start) + line.start, kind: 'heading', certain: true });
      }
    }
  }
}

function trimEnd(value: string, end: number): number {
  while (end > 0 && /\s/.test(value[end - 1]!)) end--;
  return end;
}

// ---------------------------------------------------------------------------
// A stray list number or bullet

const MARKER = /^(?:\(?(\d)[.):\]]?|\(?(\d)\s*[-–—]|#(\d{1,2})|\(?[A-Za-z][.)]|\(?[ivxIVX]{1,4}[.)]|[-*•·–—▪◦‣⁃►>~+=]{1,3})$/;
/**
 * "1. It sounds like…", "3) Can you…", "- That's…" on the first line, no list after it: a list number or a
 * bullet the generator left (a sentence follows it, capitalised). Not a hyphen: transcribers open speech
 * that runs on from an interruption with one ("- I guess I'm wondering…").
 */
const INLINE_MARKER = /^(?:(\d{1,2})[.):]|#(\d{1,2})|\((\d{1,2})\)|([*•·▪◦‣⁃►+]))[ \t]+(?=\p{Lu})/u;
/** A marker in bold or italics ("**1.**"): the marker inside. */
const unmarked = (value: string) => value.replace(/^(\*\*|__|\*|_)(.+)\1$/, '$2').trim();

function strayMarker(lines: Line[], laterLines: readonly string[], found: ArtifactMatch[]): void {
  const first = lines[0];
  if (!first) return;
  const rest = [...lines.slice(1).map((l) => l.value), ...laterLines];
  const all = [first.value, ...rest].join('\n');
  // A list that goes on ("1." … "2." …, or one bullet after another) is a list, not a stray marker.
  const listGoesOn = (n: string | undefined, marker: string) => {
    if (n !== undefined) {
      // The next number goes on this list, unless a list of its own starts again at this number first.
      const rest = all.slice(marker.length);
      const next = new RegExp(String.raw`(?:^|\s)[(#]?${Number(n) + 1}[.):\]]?(?:\s|$)`, 'm').exec(rest);
      const again = new RegExp(String.raw`^[(#]?${Number(n)}[.):\]](?:\s|$)`, 'm').exec(rest);
      return next !== null && (again === null || again.index > next.index);
    }
    const m = marker.trim();
    // A letter or a numeral: the next one ("b)", "II."); a bullet: another line with the same bullet.
    if (/^\(?[A-Za-z]+[.)]$/.test(m)) {
      const letter = m.replace(/[().]/g, '');
      const next = /^[ivx]+$/i.test(letter) && letter.length > 1 ? `${letter}I` : String.fromCharCode(letter.charCodeAt(letter.length - 1) + 1);
      return rest.some((l) => new RegExp(String.raw`^\(?(?:${next}|II|ii|b|B)[.)](?:\s|$)`).test(l));
    }
    return rest.some((l) => l.startsWith(`${m} `) || l.startsWith(`${m}\t`) || l === m);
  };
  const m = MARKER.exec(unmarked(first.value));
  if (m) {
    if (rest.length === 0 || listGoesOn(m[1] ?? m[2] ?? m[3], unmarked(first.value))) return;
    found.push({ start: first.start, end: first.end, kind: 'stray-marker', certain: true });
    return;
  }
  const inline = INLINE_MARKER.exec(first.value);
  if (inline && !listGoesOn(inline[1] ?? inline[2] ?? inline[3], inline[4] ?? inline[0])) {
    found.push({ start: first.start, end: first.start + inline[0].trimEnd().length, kind: 'stray-marker', certain: true });
  }
}

/** A lone list number or bullet as the last line of a turn with other text: a list that never came. */
function trailingMarker(lines: Line[], earlier: number, found: ArtifactMatch[]): void {
  const last = lines[lines.length - 1];
  if (!last || (lines.length < 2 && earlier === 0) || !MARKER.exec(unmarked(last.value))) return;
  if (lines.slice(0, -1).some((l) => /^(?:[-*•·]|\d{1,2}[.)])\s/.test(l.value))) return;
  found.push({ start: last.start, end: last.end, kind: 'stray-marker', certain: true });
}

// ---------------------------------------------------------------------------
// Fragments glued on after a sentence

/**
 * ", LMHC" or ", mental health therapist." glued on after a full stop (".,"
 * and ".:" join nothing in writing): scraps of the text the model was trained
 * on, once or over and over. A run of them is one artifact.
 */
function gluedFragments(text: string, found: ArtifactMatch[]): void {
  if (!/[.!?][,:]/.test(text)) return;
  // The joint itself, with no space, after a word's end: "anxiety.," or "you.: " (not ". :)", not "3 p.m., ").
  const joint = /(?<=\p{L}{3})[.!?]([,]|:(?=\s+\p{L}))\s*/gu;
  const quotes = quotedSpans(text);
  let run: Span | undefined;
  const flush = () => {
    if (run) found.push({ ...run, kind: 'fragment', certain: false });
    run = undefined;
  };
  for (let m = joint.exec(text); m; m = joint.exec(text)) {
    const start = m.index + m[0].indexOf(m[1]!);
    if (inside(quotes, start)) {
      flush();
      continue;
    }
    const rest = text.slice(m.index + m[0].length);
    const end = /[.!?]/.exec(rest);
    const fragment = end ? rest.slice(0, end.index + 1) : rest;
    const words = (fragment.match(/[\p{L}\p{N}]+/gu) ?? []).length;
    // A scrap names something ("LMHC", "mental health therapist"); a clause with a pronoun is a sentence run on.
    const clause = /\b(?:i|i'm|i’m|you|we|it|he|she|they|this|that|etc|but|and|so)\b/i.test(fragment);
    if (words === 0 || words > 6 || clause) {
      flush();
      continue;
    }
    const at = { start, end: m.index + m[0].length + fragment.length };
    if (run && text.slice(run.end, at.start).trim() === '') run.end = at.end;
    else {
      flush();
      run = at;
    }
  }
  flush();
}

// ---------------------------------------------------------------------------
// Placeholders

const SLOT_WORDS = new RegExp(
  String.raw`\b(?:name|names|insert|your|specific|client|patient|therapist|counsel+or|user|person|date|day|time|place|location|city|country|phone|number|email|address|age|topic|issue|situation|event|trigger|goal|skill|technique|strategy|activity|resource|organi[sz]ation|website|link|url|amount|x)\b`,
  'i',
);
/** Stage directions and notes of a transcriber: never placeholders. */
const DIRECTIONS = /^(?:pause|pauses|laughs?|laughing|laughter|sighs?|sighing|crying|cries|sobbing|inaudible|unintelligible|crosstalk|cross talk|sic|silence|chuckles?|redacted|music|noise|applause|coughs?|clears throat|long pause|as \w+|out of role|in character|break|interrupts?|overlapping|background noise|smiles?|nods?)\b/i;
/** The typed placeholders of de-identification (and of this tool's own identifier fix): meant to be there. */
const DEIDENTIFIED = /^email\s+protected$|^(?:NAME|PHONE|EMAIL|DATE|ADDRESS|URL|ID|ACCOUNT|RECORD|SSN|AGE|LOCATION|ZIP|CITY|REDACTED|PERSON|ORG|ORGANI[SZ]ATION|NUMBER)(?:[-_ ]?\d+)?$/;
const STAGE = /\b(?:laughs?|laughing|sighs?|sighing|shows?|showing|buzz(?:es|ing)?|rings?|ringing|nods?|nodding|smiles?|smiling|cries|crying|pauses?|pausing|points?|pointing|gestures?|looks?|looking|holds?|holding|reads?|reading|writes?|writing|hands?\s+over|takes?|leaves?|enters?|coughs?|shrugs?|whispers?|mumbles?|interrupts?|sits?|stands?|walks?|turns?|opens?|closes?|checks?|checking|tearful|silent|quietly|softly)\b/i;
const PLACEHOLDER = /\[([^[\]\n]{1,40})\]|\{\{\s*([^{}\n]{1,30}?)\s*\}\}|\{([A-Za-z_][A-Za-z0-9_ ]{0,30})\}|<([A-Za-z_][A-Za-z0-9_ ]{0,30})>/g;

/** A form's format mask left unfilled: "MM/DD/YYYY", "YYYY-MM-DD", "HH:MM", "(XXX) XXX-XXXX", "XXX-XXX-XXXX". */
const FORMAT_MASK = /\b(?:(?:MM|DD)[/.-](?:DD|MM)[/.-](?:YYYY|YY)|YYYY[/.-]MM[/.-]DD|HH:MM(?::SS)?(?:\s?[AP]M)?|X{3}[-. ]X{3}[-. ]X{4})\b|\(X{3}\)\s?X{3}[-. ]X{4}\b/g;

function placeholders(text: string, quotes: Span[], found: ArtifactMatch[]): void {
  if (/MM|DD|YY|HH|XXX/.test(text)) {
    FORMAT_MASK.lastIndex = 0;
    for (let m = FORMAT_MASK.exec(text); m; m = FORMAT_MASK.exec(text)) {
      if (!inside(quotes, m.index, m.index + m[0].length)) found.push({ start: m.index, end: m.index + m[0].length, kind: 'placeholder', certain: false });
    }
  }
  if (!/[[{<]/.test(text)) return;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(text); m; m = PLACEHOLDER.exec(text)) {
    const [whole, square, double, single, angle] = m;
    const inner = (square ?? double ?? single ?? angle ?? '').trim();
    if (!inner || inside(quotes, m.index, m.index + whole.length)) continue;
    // Tags ([cbt:…]), citations ([1]), stage directions, de-identification.
    if (/^[A-Za-z][\w-]*:\S+$/.test(inner) || /^\d+$/.test(inner) || DIRECTIONS.test(inner)) continue;
    if ((square !== undefined || double !== undefined) && DEIDENTIFIED.test(inner)) continue;
    // "{{NAME}}", "{{BOTNAME}}": the capitalised tokens a dataset puts where it removed a name.
    if (double !== undefined && /^[A-Z][A-Z_]*$/.test(inner)) continue;
    const words = inner.split(/\s+/).length;
    const code = /^[a-z]+(?:_[a-z]+)+$|^[a-z]+[A-Z][A-Za-z]*$/.test(inner) || double !== undefined || single !== undefined;
    const slot = words <= 5 && SLOT_WORDS.test(inner.replace(/_/g, ' '));
    const shouted = angle !== undefined ? /^[A-Z_]{2,}$/.test(inner) : square !== undefined && /^[A-Z][A-Z_ ]{2,}$/.test(inner);
    if (!(code || slot || shouted)) continue;
    // A stage direction ("[client laughs]", "[his phone buzzes]", "[shows phone]") tells what happens: a person, a verb.
    if (!code && !shouted && (STAGE.test(inner) || /\b(?:he|she|they|his|her|their|my|our|we|i|it|its|them|him)\b/i.test(inner))) continue;
    // A slot needs the look of a form field: "[Client's name]", "[insert …]", "[date]", not "[as if I cared]".
    if (!code && !shouted && !/^(?:insert|your|specific|the client'?s?|client'?s?|patient'?s?|therapist'?s?|\p{Lu})/iu.test(inner) && words > 2) continue;
    found.push({ start: m.index, end: m.index + whole.length, kind: 'placeholder', certain: false });
  }
}

// ---------------------------------------------------------------------------
// Preambles and meta-text

/**
 * The text as an artifact: a response, a dialogue, a script, an example, a
 * continuation — with a determiner that makes it a thing being presented or
 * discussed ("this response", "a sample dialogue", "the next part").
 */
const TEXT_NOUN = String.raw`(?:response|responses|reply|replies|answer|answers|dialogue|dialog|conversation|exchange|script|scene|example|examples|sample|transcript|continuation|role-?play|scenario|story|version|draft|excerpt|passage|snippet|text|output|turn|message|monologue|interaction|session)`;
const DOC = new RegExp(
  String.raw`\b(?:continuation|transcript|transcription|dialogue|dialog|scenario|simulation|excerpt|snippet|monologue|(?:the\s+)?(?:next|rest\s+of\s+the|remainder\s+of\s+the|following)\s+(?:part|turn|exchange|section|dialogue|response|reply|line|scene)|(?:the\s+)?(?:rest|remainder)\s+of\s+the\s+(?:conversation|session)|(?:a|an|the|this|that|these|my|following|possible|sample|suggested|example|alternative|compassionate|empathetic|supportive|revised|updated|new|short|brief|longer|warm|gentle|first|second|final|therapeutic|reflective|validating)\s+(?:[a-z-]+\s+){0,2}?(?:response|responses|reply|replies|version|draft|script|scene|role-?play|monologue|output)|(?:a|an|the|this)\s+(?:[a-z-]+\s+){0,3}?(?:conversation|session|exchange|interaction|dialogue)\s+(?:between|in\s+which|where|focusing|featuring|involving)|(?:sample|example|mock|simulated|fictional|hypothetical|illustrative|scripted|imagined|made-up|role-?played)\s+(?:[a-z-]+\s+){0,2}(?:dialogue|conversation|session|response|exchange|reply|script|role-?play|transcript|interaction|scenario|scene)|(?:this|the)\s+(?:dialogue|scene|script|role-?play|transcript)\b)\b`,
  'i',
);
/** The roles spoken of in the third person, with "the": in a live session nobody calls themselves "the therapist". */
const ROLE3 = new RegExp(String.raw`\b(?:the|a|an)\s+(?:(?:licensed|cbt|ai|virtual|professional|mental\s+health|compassionate|supportive|trained|human|empathetic)\s+)*${ROLE}(?:['’]s)?\b|\bbetween\s+(?:a|the)\s+\w+(?:\s+\w+)?\s+and\s+(?:a|the)\s+\w+`, 'i');
const ROLE3_DEF = new RegExp(String.raw`\bthe\s+(?:(?:cbt|ai|virtual|human)\s+)?(?:therapist|counsel+or|client|patient|user|assistant|ai|bot|model|interviewer|psychologist|clinician|coach)(?:['’]s)?\b`, 'i');
/** Presenting what follows: "Here's …", "Below is …", "The following is …" (after an opener like "Sure!"). */
const PRESENT = /^(?:(?:sure|certainly|of course|absolutely|okay|ok|alright|all right|great|yes|got it|understood|happy to help|sure thing|no problem|gladly|perfect|excellent|thanks|thank you)[!,.:—-]*\s+)*(?:here(?:['’]s| is| are| comes)|below (?:is|are|you(?:['’]ll| will) find)|the following (?:is|are)|what follows is|following is|this is (?:a|an|the)|i(?:['’]ve| have) (?:written|created|drafted|rewritten|revised|kept|continued|prepared|put together|composed|generated|included)|find below)\b/i;
/** Writing, continuing, editing or playing the text. */
const WRITE_VERB = String.raw`(?:continue|continued|write|wrote|written|generate|generated|create|created|provide|draft|drafted|rewrite|rewrote|revise|revised|simulate|simulated|play\s+the\s+(?:role|part)|compose|composed|produce|craft|crafted|come\s+up\s+with|respond\s+as|answer\s+as|reply\s+as|act\s+as|pretend\s+to\s+be|adjust|adjusted|modify|modified|tweak|tweaked|rephrase|rephrased|expand|expanded|shorten|shortened|edit|edited|tailor|tailored|format|formatted|keep|kept|portray|portrayed|depict|depicted|include|included)`;
const WRITE = new RegExp(String.raw`\b(?:i(?:['’]ll| will| can| could| have| ['’]ve|['’]ve| am going to|['’]m going to| would| ['’]d|['’]d)|let me|i['’]d be happy to|i would be happy to|allow me to|happy to|i['’]ve\s+tried\s+to)\s+(?:now\s+|also\s+|gladly\s+|certainly\s+)?${WRITE_VERB}\b`, 'i');
/** The register of editing a text: tone, wording, length, style. */
const EDIT_OBJECT = /\b(?:tone|style|wording|length|format|formatting|phrasing|language|voice|level\s+of\s+detail|word\s+count|responses?|reply|replies|dialogue|script|scene|examples?|versions?|drafts?|continuation|changes|adjustments|revisions|edits|tweaks|modifications)\b/i;
const EDIT_VERB = String.raw`(?:adjust|change|modify|tweak|rewrite|revise|edit|rephrase|shorten|lengthen|expand|add(?:\s+to)?|continue|write|generate|create|tailor|adapt|make\s+(?:it|this|any)|use|customi[sz]e|refine|polish|extend|try\s+(?:another|a\s+different))`;
/** Someone offered the text to change: "…me to adjust…", "I can also write…", "Feel free to modify…". */
const EDITING = new RegExp(String.raw`\b(?:like|want|need|prefer|ask(?:ed)?|asking)\s+me\s+to\s+(?:also\s+)?${EDIT_VERB}\b|\bi\s+(?:can|could|will|['’]ll|would\s+be\s+happy\s+to|['’]d\s+be\s+happy\s+to|am\s+happy\s+to|['’]m\s+happy\s+to)\s+(?:also\s+|gladly\s+)?${EDIT_VERB}\b|\bfeel\s+free\s+to\s+${EDIT_VERB}\b|\blet\s+me\s+know\s+if\s+you(?:['’]d|\s+would)?\s+(?:like|want|need)\s+(?:any\s+)?(?:me\s+to\s+)?(?!continue)${EDIT_VERB}\b|\b(?:anything|something)\s+you(?:['’]d|\s+would)\s+like\s+(?:me\s+)?to\s+${EDIT_VERB}\b`, 'i');
/** Addressing the person who asked for the text. */
const PROMPT_STRONG = /\b(?:for|in|with|fits?|suits?|meets?)\s+your\s+(?:project|assignment|training\s+(?:materials?|program|purposes)|dataset|purposes|novel|screenplay|script|prompt|request|instructions?|needs\s+for\s+the\s+(?:script|scene|story))\b|\bas\s+(?:you\s+)?requested\b|\bthe\s+prompt\b/i;
const PROMPT = /\bas\s+(?:you\s+)?requested\b|\byou\s+(?:requested|asked\s+(?:for|me))\b|\byour\s+(?:request|prompt|instructions?|specifications?|project|course|class|assignment|training\s+(?:materials?|session|program)|dataset|purposes|scenario|story|script|novel|book|article|presentation|example)\b|\bthe\s+(?:prompt|user|instructions)\b|\bin\s+this\s+(?:scenario|role-?play|dialogue|example|script|exchange|response|simulation|scene)\b|\bfor\s+(?:training|illustrative|educational|demonstration|teaching)\s+purposes\b|\b(?:fictional|hypothetical|simulated|mock|fictitious|made-up|ai-generated)\b|\bin\s+a\s+real\s+(?:session|conversation|setting|therapy|clinical\s+setting|situation)\b|\bword\s+count\b/i;
/** The text going on beyond what was written: "[The session continues…]", "(The conversation would continue…)". */
const CONTINUES = new RegExp(String.raw`\b(?:session|conversation|dialogue|transcript|role-?play|scene|discussion|exchange|therapy|interaction|story)\s+(?:then\s+|would\s+then\s+)?(?:continues|would\s+continue|will\s+continue|could\s+continue|goes\s+on|would\s+go\s+on|resumes|carries\s+on|proceeds|would\s+proceed|picks\s+up)\b|^\W*continue\s+(?:the|this)\s+(?:conversation|dialogue|session|script|role-?play|story|scene)\b|\bcontinuation\b|\bto\s+be\s+continued\b`, 'i');
/** Commenting on the text or its characters: "This response validates…", "The therapist then uses…". */
const ANALYSIS = new RegExp(
  String.raw`\b(?:this|the|my|that|each|every)\s+(?:[a-z-]+\s+)?(?:response|reply|dialogue|conversation|script|exchange|turn|scene|example|version|draft|role-?play)\s+(?:also\s+|here\s+)?(?:uses|employs|validates|demonstrates|shows|illustrates|focuses|introduces|reflects|models|aims|is\s+designed|is\s+meant|is\s+intended|highlights|incorporates|acknowledges|maintains|emphasi[sz]es|combines|balances|helps|avoids|invites|encourages|normali[sz]es|explores|offers|provides|captures|conveys|keeps|follows|includes|was\s+written|stays|remains|addresses)\b|\b(?:the|a)\s+(?:therapist|counsel+or|client|patient)(?:['’]s\s+(?:response|reply|turn|line))?\s+(?:then\s+|now\s+|here\s+)?(?:uses|employs|demonstrates|models|validates|reflects\s+on|acknowledges|responds|pauses|nods|smiles|waits|leans|sighs|looks|says|asks|replies|continues|begins|explains|shifts|gestures|is\s+(?:using|employing|demonstrating|modell?ing|validating|trying|attempting|showing|applying))\b|\bi(?:['’]ve|\s+have)\s+(?:kept|used|made|tried\s+to\s+keep|aimed|focused)\b[^.!?]*\b(?:${TEXT_NOUN}|tone|style|language|therapist|client)\b`,
  'i',
);
const NOTE = /^[([]?\s*(?:note(?:\s+to\s+(?:the\s+)?(?:readers?|users?|editors?|reviewers?))?|nb|n\.b\.|p\.s\.|ps|author['’]?s?\s+note|editor['’]?s?\s+note|writer['’]?s?\s+note|disclaimer|context|commentary|explanation|rationale|technique(?:s)?\s+used)\s*[:\-–]/i;
const HOPE = new RegExp(String.raw`\bi\s+hope\s+(?:this|that|these|my|the)\s+(?:\w+\s+){0,2}?(?:continuation|dialogue|script|scene|example|examples|sample|version|draft|role-?play|transcript|scenario|story|monologue|(?:response|reply|answer)\s+(?:helps\s+(?:with\s+)?(?:your|the)\s+(?:project|training|script|story|scenario)|meets|is\s+what\s+you|works\s+for\s+your)|helps\s+(?:with\s+)?(?:your|the)\s+(?:project|training|script|story|scenario|purposes?)|meets\s+your\s+(?:needs|expectations|requirements)|is\s+what\s+you\s+(?:were\s+looking|wanted|had\s+in\s+mind))\b`, 'i');
/** A line that only names the text that follows: "Response:", "Output:", "Therapist's reply:", "Possible response:". */
const LABEL_ONLY = new RegExp(String.raw`^(?:(?:the|my|a|an|our|your|possible|suggested|sample|example|proposed|alternative|revised|final|next|updated|improved|therapist['’]?s?|counsel+or['’]?s?|client['’]?s?|patient['’]?s?|assistant['’]?s?|ai|model|bot|cbt|mi|empathetic|supportive|compassionate|warm|gentle)\s+){0,4}(?:response|reply|answer|output|continuation|next\s+turn|completion|turn|line|message|script|dialogue)s?\s*(?:\(\w+(?:\s+\w+){0,3}\))?(?:\s+(?:from|by|of|for)\s+(?:the|a|an)\s+(?:[a-z-]+\s+)?${ROLE})?(?:\s+(?:could|might|would|should|may|can)\s+be)?\s*:$|^\W*(?:in|playing|taking|speaking\s+in)\s+the\s+(?:role|part|voice)\s+of\s+(?:the|a|an)\s+(?:[a-z-]+\s+)?${ROLE}\b[^:]{0,30}:$`, 'i');
/** "The therapist might say:", "I would respond:", "Therapist responds:": the voice that follows, introduced. */
const SPEECH_ROLE = String.raw`(?:therapist|counsel+or|client|patient|user|assistant|ai|bot|model|clinician|psychologist)`;
const SPEECH_INTRO = new RegExp(String.raw`(?:^|\b(?:the|a)\s+)(?:${SPEECH_ROLE})(?:['’]s)?\s+(?:(?:would|might|could|can|may|should|will|then)\s+)?(?:say|says|said|respond|responds|responded|reply|replies|replied|answer|answers|continue|continues|speak|speaks|write|writes|begin|begins|ask|asks)\b[^:]{0,40}:$|\bi\s+(?:would|might|could|['’]d|will|['’]ll)\s+(?:say|respond|reply|answer|write|start\s+with|begin\s+with)\b[^:]{0,40}:$|\b(?:continuing|staying|remaining|speaking|responding|replying|writing)\s+(?:in\s+character|in\s+(?:the\s+)?role|as\s+(?:the|a|your)\s+${ROLE})\b[^:]{0,40}:$|\bas\s+(?:the|a|your)\s+${ROLE}\b[^:]{0,60}:$`, 'i');
/** Made, not recorded: "a simulated session", "a sample dialogue", "a fictional conversation". */
const GENERATED = /\bbetween\s+an?\s+(?:[\w-]+\s+){0,3}?(?:therapist|counsel+or|clinician|psychologist|coach)\s+and\s+an?\s+|\b(?:simulated|fictional|fictitious|hypothetical|mock|sample|example|illustrative|role-?play(?:ed)?|scripted|imagined|made-up|ai-generated|generated|invented|realistic)\s+(?:[a-z-]+\s+){0,3}?(?:session|conversation|dialogue|dialog|transcript|exchange|interaction|script|scenario|scene|role-?play|therapy|counsel+ing)\b|\b(?:role-?play|simulation|dialogue)\s+(?:between|of|featuring)\b/i;
/** What a commentator says the session's people do: "the therapist validates…", "the client's statement reveals…". */
const COMMENT_VERB = /\b(?:uses|employs|does(?:\s+not|n['’]t)?|helps|builds|shows|reveals|demonstrates|validates|normali[sz]es|reflects|meets|avoids|allows|encourages|invites|models|acknowledges|explores|responds|remains|stays|chooses|conveys|signals|indicates|suggests\s+(?:an?|the)\s+(?:underlying|core)|is\s+(?:using|showing|listening|trying|helping|validating|reflecting|modell?ing|demonstrating))\b/i;
/** The rubrics of a commentary: "Techniques used:", "Why this works:", "Key takeaway:", "Analysis:". */
const RUBRIC = /^(?:>\s*)?(?:key\s+takeaways?|takeaways?|analysis|why\s+(?:this|it)\s+works|techniques?(?:\s+used)?|skills?\s+used|interventions?\s+used|strateg(?:y|ies)\s+used|rationale|commentary|clinical\s+notes?|therapist['’]?s?\s+(?:notes?|goals?|approach|intent|rationale)|breakdown|explanation)\s*:/i;
/** Speaking of our own session is in-session talk. */
const OURS = /\b(?:our|today['’]s)\s+(?:\w+\s+)?(?:session|conversation|chat|time|talk)\b|\bwe(?:['’]ve|\s+have)?\s+(?:talked|discussed|covered)\b|\b(?:with|to)\s+(?:you|me)\b(?=[^.!?]*\b(?:session|conversation)\b)/i;

interface ClauseAt {
  span: Span;
  value: string;
  /** First clause of the turn, last clause of the turn. */
  first: boolean;
  last: boolean;
  /** The clause is a whole line (or paragraph). */
  ownLine: boolean;
  /** The clause ends its line. */
  lineEnd: boolean;
}

/** Adjusting a character: "…like the therapist to sound more formal". */
const ADJUST_ROLE = new RegExp(String.raw`\b(?:like|want|prefer|need)\s+(?:the|this)\s+${ROLE}\s+to\s+(?:sound|be|come\s+across|seem|speak|say|respond|use)\b`, 'i');
/** Offering more of the text: "Let me know if you need any other examples". */
const MORE_TEXT = new RegExp(String.raw`\blet\s+me\s+know\s+if\s+you\s+(?:need|want|would\s+like|['’]d\s+like)\s+(?:any\s+|some\s+)?(?:more|other|another|additional|different|further)\s+${TEXT_NOUN}`, 'i');

/**
 * Words one of which every cue below needs (as a stem, or the word itself where the cue's word is short), outside
 * a clause with a colon or in brackets and outside the header (whose cues need neither): a clause with none of
 * them scores nothing by the cues, and only the model reads it. Most clauses of a session have none.
 */
const CUE_WORD = new RegExp(
  [
    // The text and its parts (DOC, TEXT_NOUN, CONTINUES, ANALYSIS, PRESENT's objects).
    String.raw`continu|transcri|dialog|scenario|simulat|excerpt|snippet|monolog|\bnext\b|\brest\b|remainder|following|respon|repl|version|draft|script|scene|role|output|conversation|session|exchange|interaction|sample|example|mock|ficti|hypothetic|illustrat|imagin|made-up|between|answer|passage|text|message|discussion|therapy|story|\bturn`,
    // The roles (ROLE, ROLE3, ROLE3_DEF).
    String.raw`therapist|counsel|client|patient|\buser|assistant|\bai\b|\bbot\b|\bmodel|interviewer|psycholog|clinician|coach|doctor|helper|supporter|seeker`,
    // Editing and offering (EDITING's objects, EDIT_OBJECT, WRITE's objects, another version, MORE_TEXT, HOPE).
    String.raw`hope|me\s+to\b|\btake|variation|rewrit|tone|style|wording|length|format|phras|language|voice|level\s+of\s+detail|word\s+count|change|adjust|revis|edit|tweak|modif|let\s+me\s+know`,
    // The person who asked (PROMPT, PROMPT_STRONG).
    String.raw`request|prompt|instruction|specification|project|course|class|assignment|training|dataset|purpose|novel|book|article|presentation|asked|in\s+this\b|in\s+a\s+real`,
  ].join('|'),
  'i',
);

/** How much a clause reads as the generator speaking about the text (0: not at all). */
export function metaScore(value: string, at: { first: boolean; last: boolean; ownLine: boolean; header: boolean; lineEnd?: boolean }, everyCue = false): number {
  const v = value.replace(/[’‘]/g, "'").replace(/\*\*|__/g, '').trim();
  if (!v) return 0;
  const placed = at.first || at.last || at.ownLine || at.header;
  // Both end on a colon: most clauses need neither.
  const colon = v.endsWith(':');
  if (colon && LABEL_ONLY.test(v)) return placed ? 6 : 3;
  if (colon && placed && SPEECH_INTRO.test(v)) return 5;
  const bracketed = /^[([].*[)\]][.!]?$/.test(v);
  let score = 0;
  // (`everyCue`: without the filter, for the test that holds the filter to the cues.)
  if (everyCue || bracketed || at.header || v.includes(':') || CUE_WORD.test(v)) score = cueScore(v, at, bracketed);
  // The learned reading (model/meta.ts), where a generator's text stands: it finds wordings no cue above
  // names, but never alone makes a finding certain enough for a safe fix.
  const lexical = score;
  if (score < META_THRESHOLD && v.length <= META_MODEL.maxChars && modelPlaced(v, at) && metaProbability(v) >= META_MODEL.threshold) score += META_THRESHOLD;
  if (score === 0) return 0;
  if (/:$/.test(v) && placed) score += 1;
  if (NOTE.test(v)) score += 1;
  if (bracketed) score += 1;
  if (at.header) score += 1;
  if (OURS.test(v)) score -= 3;
  return lexical === 0 ? Math.min(score, CERTAIN - 1) : score;
}

/** What the cues make of a clause (`v` normalised as `metaScore` does). */
function cueScore(v: string, at: { first: boolean; last: boolean; ownLine: boolean; header: boolean; lineEnd?: boolean }, bracketed: boolean): number {
  const doc = DOC.test(v);
  const role3 = ROLE3.test(v);
  const roleDef = ROLE3_DEF.test(v);
  const present = PRESENT.test(v);
  let score = 0;
  if (CONTINUES.test(v) || ANALYSIS.test(v) || HOPE.test(v)) score += 3;
  // Offering to edit or extend the text: "Let me know if you'd like me to adjust the tone."
  if (/\bme\s+to\s+(?:continue|write|generate|extend)\s+(?:with\s+)?(?:the|this)\s+(?:conversation|dialogue|session|script|story|scene|role-?play|exchange)\b/i.test(v)) score += 3;
  // Adjusting a character or a version: "…like the therapist to sound more formal", "another version of this reply".
  if (ADJUST_ROLE.test(v)) score += 3;
  if (/\b(?:another|a\s+different|an\s+alternative|a\s+new|a\s+longer|a\s+shorter|a\s+revised|a\s+second)\s+(?:version|take|draft|variation|rewrite)\b/i.test(v) && /\b(?:you|your|would|shall|should|can|could)\b/i.test(v)) score += 3;
  if (EDITING.test(v) && EDIT_OBJECT.test(v) && (doc || /\b(?:tone|style|wording|length|format|phrasing|word\s+count|changes|adjustments|revisions|version|draft|example|examples|response|responses|script|scene|dialogue|continuation)\b/i.test(v))) score += 3;
  if (PROMPT_STRONG.test(v) && !at.header) score += 3;
  else if (PROMPT.test(v)) score += at.header ? 1 : 2;
  if (present && (doc || (role3 && /\b(?:response|reply|says?|said|answer|would|might|could|respond|responds|turn|line|part|attempt|version|words)\b/i.test(v)) || (/:$/.test(v) && /\b(?:session|conversation|dialogue|transcript|exchange|interaction|role-?play|script|scene)\b/i.test(v)))) score += 3;
  if (MORE_TEXT.test(v)) score += 3;
  // (The object after the verb: "I'll draft it" offers a letter as often as a text.)
  const write = WRITE.exec(v);
  if (write && (doc || roleDef || EDIT_OBJECT.test(v.slice(write.index + write[0].length)))) score += 3;
  if (doc && role3) score += 2;
  if (bracketed && (doc || roleDef || /\b(?:continues|resumes|ends|pause|silence|later|time\s+skip)\b/i.test(v)) && !/^[([]\s*(?:pause|pauses|laughs?|sighs?|silence|crying|inaudible|crosstalk|long\s+pause)\s*[)\]]/i.test(v)) score += 2;
  if (roleDef && !doc && score === 0 && (bracketed || NOTE.test(v))) score += 2;
  // Commentary on the session's people, in the third person and addressed to no one in it ("Note that the
  // therapist does not rush…", "Analysis: The client's statement reveals…"): the generator explaining its text.
  const rubric = RUBRIC.test(v);
  if (roleDef && !/\b(?:you|your|you're|yours|yourself)\b/i.test(v) && COMMENT_VERB.test(v) && (at.ownLine || rubric || NOTE.test(v) || /^note\s+(?:that|how)\b/i.test(v))) score += 3;
  // A rubric heading a paragraph about the text: "Techniques used: …", "Why this works: …", "Key takeaway: …".
  else if (rubric && (at.ownLine || at.first) && !/\b(?:you|your)\b/i.test(v.slice(0, 40))) score += 3;
  // "[Continued in next session…]", "(To be continued)": a note on the text going on.
  if (bracketed && /^[([]\s*(?:to\s+be\s+)?continued\b/i.test(v)) score += 3;
  if (at.header) {
    // A clinician's header notes the session; a generator's presents it as made: "a simulated session between…".
    const item = /^(?:[-*•·]|\d{1,2}[.)])\s/.test(v);
    if (!item && GENERATED.test(v)) score += 2;
    if (/^title\s*:/i.test(v)) score += 2;
  }
  return score;
}

/**
 * Where the model may read a clause: in a turn, a line of its own, the
 * turn's last clause, or a first clause that ends its line on a colon (what
 * it introduces follows below it: "Sure, here's the next part:"); not a first
 * clause that runs on into speech on the same line ("Here is what the
 * research says: cutting down…"), and not a question. Never in the header: a clinician's notes
 * there ("Hierarchy built in session 4; exposures since session 5.") read
 * like a generator's framing to it (seen in the team's own sessions), and
 * this tool keeps summary headers.
 */
function modelPlaced(v: string, at: { first: boolean; last: boolean; ownLine: boolean; header: boolean; lineEnd?: boolean }): boolean {
  // Nor a question: "Would you like to schedule another session to continue this?" closes a session as often
  // as "Would you like me to continue the dialogue?" closes a generator's text (the cues above tell those apart).
  if (at.header || /\?\W*$/.test(v)) return false;
  return at.ownLine || at.last || (at.first && at.lineEnd === true && /:$/.test(v));
}

/** How sure the meta-text model must be, and the longest clause it reads (a generator's framing is short). */
const META_MODEL = { threshold: 0.95, maxChars: 250 };

/** A span's text with its quoted parts blanked out: what a speaker quotes is not what they say. */
function masked(text: string, span: Span, quotes: readonly Span[]): string {
  return blankQuotes(text, quotes, span.start, span.end);
}

const META_THRESHOLD = 3;
/** Score of a clause certain enough for a safe fix. */
const CERTAIN = 5;

/** Is `[start, end)` a whole line of `lines` (sorted)? */
function ownLineAt(lines: readonly Line[], start: number, end: number): boolean {
  const i = lastAtOrBefore(lines.length, (k) => lines[k]!.start, start);
  return i >= 0 && lines[i]!.start === start && lines[i]!.end === end;
}

function preambles(text: string, textIndex: number, textCount: number, lines: Line[], quotes: Span[], found: ArtifactMatch[]): void {
  const clauses: ClauseAt[] = [];
  const all = clausesOf(text);
  // Clauses and lines both come in order: one walk finds each clause's line.
  let at = 0;
  let openers = true;
  for (let i = 0; i < all.length; i++) {
    const span = all[i]!;
    if (i > 0) {
      const before = text.slice(all[i - 1]!.start, all[i - 1]!.end).trim();
      openers &&= before.split(/\s+/).length <= 4 && /[!.,]$/.test(before);
    }
    while (at < lines.length && lines[at]!.end < span.start) at++;
    const candidate = lines[at];
    const line = candidate && span.start >= candidate.start && span.end <= candidate.end ? candidate : undefined;
    clauses.push({
      span,
      value: text.slice(span.start, span.end),
      // First, or after no more than short openers ("Great question! As the therapist, I would say:").
      first: textIndex === 0 && (i === 0 || openers),
      last: textIndex === textCount - 1 && i === all.length - 1,
      ownLine: Boolean(line && line.start === span.start && line.end === span.end),
      lineEnd: Boolean(line && line.end === span.end),
    });
  }
  for (let i = 0; i < clauses.length; i++) {
    let c = clauses[i]!;
    if (inside(quotes, c.span.start, c.span.end)) continue;
    // "Note:" belongs with what it notes.
    const next = clauses[i + 1];
    if (next && (NOTE.test(c.value.trim()) || RUBRIC.test(c.value.replace(/\*\*|__/g, "").trim())) && /:(?:\*\*|__)?$/.test(c.value.trim())) {
      c = { span: { start: c.span.start, end: next.span.end }, value: text.slice(c.span.start, next.span.end), first: c.first, last: next.last, ownLine: ownLineAt(lines, c.span.start, next.span.end), lineEnd: next.lineEnd };
      i++;
    }
    // "Coach said: 'leave it on the field.'": a colon before a quotation introduces someone's words, not the text.
    if (/:$/.test(c.value.trim()) && /^\s*["'“‘]/.test(text.slice(c.span.end))) continue;
    const score = metaScore(masked(text, c.span, quotes), { ...c, header: false });
    if (score < META_THRESHOLD) continue;
    let start = c.span.start;
    // "Sure!" or "Of course." before a preamble at the turn's start belongs to it.
    for (let j = i - 1; j >= 0; j--) {
      const before = clauses[j]!;
      if (!/^(?:sure|certainly|of course|absolutely|okay|ok|alright|great|yes|happy to help|sure thing|no problem|gladly|got it|understood)[!.,]*$/i.test(before.value.trim())) break;
      start = before.span.start;
    }
    const kind: ArtifactKind = /:$/.test(c.value.trim()) && (c.first || c.ownLine) ? 'preamble' : 'meta';
    found.push({ start, end: c.span.end, kind, certain: score >= CERTAIN });
  }
}

// ---------------------------------------------------------------------------

/**
 * The artifacts of a turn's texts (its paragraphs, in order), offsets into
 * each text, in order and not overlapping.
 */
export function findTurnArtifacts(texts: readonly string[]): Array<ArtifactMatch & { textIndex: number }> {
  const all: Array<ArtifactMatch & { textIndex: number }> = [];
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t]!;
    const lines = linesOf(text);
    const quotes = quotedSpans(text);
    const found: ArtifactMatch[] = [];
    specialTokens(text, lines, found);
    endSentinels(text, lines, found);
    headings(lines, found, t === 0);
    if (t === 0) strayMarker(lines, texts.slice(1).flatMap((later) => linesOf(later).map((l) => l.value)), found);
    if (t === texts.length - 1) trailingMarker(lines, t, found);
    placeholders(text, quotes, found);
    gluedFragments(text, found);
    preambles(text, t, texts.length, lines, quotes, found);
    for (const match of dedupe(found)) all.push({ ...match, textIndex: t });
  }
  return all;
}

/** The artifacts of one header line (a generator's preamble before the first turn). */
export function findHeaderArtifacts(line: string, position: { first: boolean; last: boolean }): ArtifactMatch[] {
  const found: ArtifactMatch[] = [];
  const lines = linesOf(line);
  specialTokens(line, lines, found);
  endSentinels(line, lines, found);
  // A title in Markdown or bold that names the document: "**Therapy Session Transcript**", "# Role-play: …".
  const title = /^(?:#{1,6}\s+|\*\*|__)(.+?)(?:\*\*|__)?$/.exec(line.trim());
  const titled = title !== null && /\b(?:transcript|dialogue|role-?play|script|simulation|conversation)\b/i.test(title[1]!) ? 3 : 0;
  const score = titled + metaScore(line.replace(/^\*\*|\*\*$/g, ''), { first: position.first, last: position.last, ownLine: true, header: true });
  if (score >= META_THRESHOLD) found.push({ start: 0, end: line.length, kind: 'preamble', certain: score >= CERTAIN });
  return dedupe(found);
}

/** In order; of overlapping matches the first found (the more specific kinds come first) stays. */
function dedupe(found: ArtifactMatch[]): ArtifactMatch[] {
  const kept = new DisjointSpans<ArtifactMatch>();
  for (const m of found) kept.add(m);
  return kept.list;
}

/** Artifacts of a turn, offsets relative to each text node, memoised per turn text. */
export function turnArtifacts(turn: SessionTurn): Array<ArtifactMatch & { textIndex: number }> {
  return (turn.features.detected.artifacts ??= findTurnArtifacts(turn.texts.map((t) => t.value)));
}
