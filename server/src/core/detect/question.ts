/**
 * Question (and reflection) detection for therapist utterances.
 *
 * Transparent, dependency-free heuristics, linear in the length of the text,
 * developed against the expert labels of AnnoMI's even-numbered sessions
 * (rules were kept only when they helped there) and measured, beside the
 * model-based detectors of `model/predict.ts` (which read these heuristics'
 * verdicts as one input), by `npm run eval -- suggestions`. The detector reads a sentence's *form*, not only its final
 * punctuation:
 *
 * - An interrogative sentence counts whether or not the transcriber wrote the
 *   '?': wh-word + auxiliary ("what else can you tell me about your
 *   drinking."), auxiliary inversion ("do you / is it / can I …"), "how
 *   about", "what about", "tell me more", "I wonder whether …", and, inside a
 *   sentence, a clearly inverted wh-clause ("…, how confident are you that …").
 * - A statement said as a question ("So you're surprised to hear that?")
 *   counts when it ends the utterance: AnnoMI's annotators code about three in
 *   four of those as questions (many as question *and* reflection). Followed
 *   by more talk it is rhetorical, and a lone "Right?" / "Yeah?" is a
 *   backchannel; neither counts.
 * - Quoted speech ("He's saying, "why is it a problem?"") and bracketed
 *   transcriber notes are skipped; tags after a statement ("…, right?") do
 *   not make the statement interrogative.
 *
 * Open questions: wh / how / tell me / "anything else?"; closed: yes/no form,
 * statements said as questions, and narrow wh-questions after a fact or a
 * number ("how many", "how long", "when", "who", "which", scaling questions),
 * which MI coders usually count as closed.
 */
import { defineAnalysis } from '../incremental/analysis.ts';
import { CLOSERS, isApostrophe, isDigit, isLetter, isLineBreak, isSpace, sentences, type Span } from './sentence.ts';

export interface QuestionInfo {
  /** The question sentences, as offsets into the given text. */
  spans: Span[];
  /** Type of the strongest question: open (wh / how / tell me) or closed (yes/no). */
  type: 'open' | 'closed';
}

// ---------------------------------------------------------------------------
// Tokens

interface Token {
  /** Lower-cased word, apostrophes straightened ("you're"). */
  w: string;
  start: number;
  end: number;
  /** First word of a clause (after a comma, dash, colon, quotation, bracket …). */
  clause: boolean;
}

/** Hesitations, dropped from the token stream. */
const FILLERS = new Set(['uh', 'um', 'umm', 'uhm', 'uhh', 'er', 'erm', 'ah', 'mm', 'mmm', 'mmh', 'hmm', 'hm', 'huh', 'mhm', 'eh']);

/**
 * Words of `text[start, end)`, skipping quoted spans (`quoted(i)`, called with
 * increasing `i`), [bracketed] and (parenthesised) material, fillers, and
 * stutters ("what-what", "wh-what", "I-I", "so- so" keep one copy).
 */
function tokenize(text: string, start: number, end: number, quoted: (i: number) => boolean): Token[] {
  const toks: Token[] = [];
  let clause = true;
  let joined = false; // the previous word ended in a hyphen: a stutter may follow
  let bracket = 0;
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === '[' || c === '(') {
      bracket++;
      clause = true;
      i++;
      continue;
    }
    if (c === ']' || c === ')') {
      if (bracket > 0) bracket--;
      clause = true;
      i++;
      continue;
    }
    if (bracket > 0) {
      i++;
      continue;
    }
    if (quoted(i)) {
      clause = true;
      i++;
      continue;
    }
    if (isLetter(c) || isDigit(c)) {
      let j = i;
      let w = '';
      while (j < end) {
        const d = text[j]!;
        if (isLetter(d) || isDigit(d)) w += d;
        else if (isApostrophe(d) && j + 1 < end && isLetter(text[j + 1]!)) w += "'";
        else break;
        j++;
      }
      w = w.toLowerCase();
      const prev = toks[toks.length - 1];
      if (FILLERS.has(w)) {
        // transparent: the next word keeps the clause flag
      } else if (prev !== undefined && !clause && (prev.w === w || (joined && w.length > prev.w.length && w.startsWith(prev.w)))) {
        prev.w = w;
        prev.end = j;
      } else {
        toks.push({ w, start: i, end: j, clause });
        clause = false;
      }
      joined = false;
      i = j;
      continue;
    }
    if (c === '-') {
      const prevC = i > start ? text[i - 1]! : ' ';
      const nextC = i + 1 < end ? text[i + 1]! : ' ';
      if (isLetter(prevC) && (isLetter(nextC) || isSpace(nextC))) joined = true; // "what-what", "so- so"
      else clause = true; // "--", " - ": an interruption
    } else if (c === ',' || c === ';' || c === ':' || c === '\u2014' || c === '\u2013' || c === '"' || c === '\u201c' || c === '\u201d') {
      clause = true;
      joined = false;
    }
    i++;
  }
  return toks;
}

/**
 * Quoted regions of `text` as sorted [start, end) pairs: curly quotes, or
 * straight double quotes paired in order. A quote left open at a line break
 * or at the end is ignored (transcripts have stray quotes).
 */
function quotedRegions(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\u201c') open = i;
    else if (c === '"' && open < 0) open = i;
    else if ((c === '\u201d' || c === '"') && open >= 0) {
      out.push([open, i + 1]);
      open = -1;
    } else if (isLineBreak(c)) open = -1;
  }
  return out;
}

/** Is `i` inside one of `regions` (sorted, not overlapping)? Written out: asked for every character the detector reads. */
function inRegion(regions: Array<[number, number]>, i: number): boolean {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = regions[mid]!;
    if (i < s) hi = mid - 1;
    else if (i >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Vocabulary

const WH = new Set(['what', 'why', 'how', 'where', 'when', 'who', 'whom', 'whose', 'which']);
const AUX = new Set([
  'do', 'does', 'did', 'are', 'is', 'was', 'were', 'have', 'has', 'had', 'can', 'could', 'would', 'will',
  'should', 'shall', 'may', 'might', 'must', 'am',
  "don't", "doesn't", "didn't", "aren't", "isn't", "wasn't", "weren't", "haven't", "hasn't", "hadn't",
  "can't", "couldn't", "wouldn't", "won't", "shouldn't", "ain't",
]);
/** Subjects that make "aux + subject" a question even without a '?' ("Do you know what-"). */
const STRONG_SUBJECTS = new Set([
  'you', 'i', 'we', 'he', 'she', 'they', 'there', 'it', 'anything', 'anyone', 'anybody', 'someone',
  'somebody', 'something', "y'all", 'ya', 'u',
]);
/** Personal pronouns: "wh … aux + pronoun" is an inverted question even mid-sentence. */
const PERSONAL = new Set(['you', 'i', 'we', 'he', 'she', 'they', "y'all", 'ya']);
/** Words after "what" that make it interrogative rather than a free relative ("what I hear is …"). */
const WHAT_NEXT = new Set([
  'else', 'kind', 'kinds', 'sort', 'sorts', 'type', 'types', 'other', 'things', 'thing', 'part', 'parts',
  'ways', 'way', 'makes', 'made', 'happens', 'happened', 'brings', 'brought', 'led', 'leads', 'concerns',
  'worries', 'gets', 'got', 'keeps', 'stops', 'stopped', 'helps', 'helped', 'specifically', 'exactly',
  'changes', 'changed', 'goes', 'went', 'comes', 'came', 'causes', 'caused', 'prompted', 'matters',
  'steps', 'questions', 'worked', 'works', 'percentage', 'time', 'age', 'number', 'reasons', 'reason',
  'sense', 'difference', 'options', 'ideas', 'benefits', 'advantages',
]);
/** Words after "how" that make it interrogative ("how confident …", "how come"). */
const HOW_NEXT = new Set([
  'much', 'many', 'often', 'long', 'far', 'old', 'important', 'confident', 'likely', 'ready', 'sure',
  'come', 'else', 'big', 'bad', 'serious', 'well', 'hard', 'easy', 'soon', 'willing', 'interested',
  'motivated', 'concerned', 'worried', 'comfortable', 'different', 'realistic', 'helpful', 'successful',
  'difficult', 'close', 'frequently', 'exactly', 'quickly',
]);
/** "how many / how long …", "what time / what kind …": narrow questions, coded closed. */
const SPECIFIC_HOW = new Set(['many', 'much', 'long', 'often', 'far', 'old', 'soon', 'frequently', 'late', 'early']);
const SPECIFIC_WHAT = new Set(['time', 'age', 'number', 'kind', 'type', 'percentage', 'day', 'year', 'grade', 'name', 'brand']);

/** Openers skipped at a clause start: discourse markers and backchannels. */
const MARKERS = new Set([
  'so', 'okay', 'ok', 'well', 'and', 'but', 'now', 'alright', 'right', 'yeah', 'yes', 'yep', 'yup', 'no',
  'oh', 'sure', 'great', 'good', 'then', 'also', 'just', 'anyway', 'hey', 'hi', 'hello', 'cool', 'wow',
  'gotcha', 'fine', 'thanks', 'sorry', 'actually', 'or', 'plus', 'like', 'alrighty', 'excellent',
  'perfect', 'wonderful', 'absolutely', 'awesome', 'nice', 'true', 'exactly', 'because', 'cause',
  'anyways', 'basically', 'honestly', 'maybe', 'perhaps', 'really', 'mkay', 'kay',
]);

/** One-word tags that check in on a statement: "…, right?", "Okay?". */
const TAG_WORDS = new Set(['right', 'okay', 'ok', 'yeah', 'yea', 'correct', 'huh', 'no', 'yes', 'alright', 'true', 'sorry', 'really', 'eh']);

function whHead(w: string): string {
  const q = w.indexOf("'");
  return q > 0 ? w.slice(0, q) : w;
}

/** "what's", "how'd", "where're" … */
function isWhContraction(w: string): boolean {
  const q = w.indexOf("'");
  return q > 0 && WH.has(w.slice(0, q));
}

/** A subject pronoun, possibly contracted ("you're", "I've"): after a wh-word it opens a clause, not a question. */
function pronounStart(w: string): boolean {
  const h = whHead(w);
  return h === 'you' || h === 'i' || h === 'we' || h === 'he' || h === 'she' || h === 'they' || h === 'it' ||
    h === 'that' || h === 'this' || h === 'there' || h === 'people';
}

// ---------------------------------------------------------------------------
// Clause and sentence form

type Form = 'open' | 'closed' | 'decl' | 'none';
type Kind = 'wh' | 'yn' | 'any' | 'tellme' | 'wonder' | 'decl' | 'none';

interface ClauseForm {
  form: Form;
  kind: Kind;
}

const DECL: ClauseForm = { form: 'decl', kind: 'decl' };
const NONE: ClauseForm = { form: 'none', kind: 'none' };

/** Sentence-wide facts that decide open vs closed. */
interface Facts {
  /** A scaling question: "on a scale of 1 to 10". */
  scale: boolean;
  /** "anything else", "any other …", "any thoughts": invites open talk. */
  anyElse: boolean;
}

function sentenceFacts(t: Token[]): Facts {
  const f: Facts = { scale: false, anyElse: false };
  for (let i = 0; i < t.length; i++) {
    const w = t[i]!.w;
    const w1 = t[i + 1]?.w ?? '';
    const w2 = t[i + 2]?.w ?? '';
    if (w === 'scale') f.scale = true;
    else if (/^(1|one|0|zero)$/.test(w) && w1 === 'to' && /^(10|ten|5|five|100)$/.test(w2)) f.scale = true;
    else if ((w === 'anything' || w === 'anyone' || w === 'anybody' || w === 'something') && w1 === 'else') f.anyElse = true;
    else if (w === 'any' && /^(other|others|thoughts|ideas|questions|concerns|suggestions|more)$/.test(w1)) f.anyElse = true;
  }
  return f;
}

/** Open or closed, for a wh-question at `k`. */
function whType(t: Token[], k: number, facts: Facts): 'open' | 'closed' {
  if (facts.scale) return 'closed';
  const w0 = t[k]!.w;
  const wh = whHead(w0);
  const w1 = t[k + 1]?.w ?? '';
  if (wh === 'when' || wh === 'who' || wh === 'whom' || wh === 'whose' || wh === 'which') return w1 === 'else' ? 'open' : 'closed';
  if (wh !== w0) return 'open'; // "what's", "how's": the next word is not a determiner
  if (wh === 'how' && SPECIFIC_HOW.has(w1)) return 'closed';
  if (wh === 'what' && SPECIFIC_WHAT.has(w1) && t[k + 3]?.w !== 'things') return 'closed';
  return 'open';
}

/** An imperative that asks: "tell me (more|about …)", "say more", "describe", "walk me through" at `k`. */
function tellsMe(t: Token[], k: number): boolean {
  const w0 = t[k]?.w ?? '';
  const w1 = t[k + 1]?.w ?? '';
  const w2 = t[k + 2]?.w ?? '';
  if (w0 === 'tell') return w1 === 'me' || w1 === 'us';
  if (w0 === 'say') return w1 === 'more' || w2 === 'more';
  if (w0 === 'describe' || w0 === 'explain' || w0 === 'elaborate') return true;
  if (w0 === 'talk') return w1 === 'about' || w1 === 'more' || (w1 === 'to' && w2 === 'me') || (w1 === 'me' && w2 === 'through');
  if (w0 === 'walk') return w1 === 'me';
  if (w0 === 'help') return w1 === 'me' && (w2 === 'understand' || w2 === 'see');
  if (w0 === 'give') return w1 === 'me' && (w2 === 'an' || w2 === 'a' || w2 === 'some');
  return false;
}

/** "tell me" within the next few words ("can you tell me …", "if you could just tell me …"). */
function tellsMeAhead(t: Token[], k: number): boolean {
  for (let j = k; j < t.length && j < k + 5; j++) if (tellsMe(t, j)) return true;
  return false;
}

/** Is there an inverted auxiliary at `k`: "wh (≤2 words) aux + personal pronoun" or "aux + pronoun"? */
function inverted(t: Token[], k: number): boolean {
  const w0 = t[k]?.w ?? '';
  if (AUX.has(w0)) return PERSONAL.has(t[k + 1]?.w ?? '');
  if (!WH.has(w0)) return false;
  for (let j = k + 1; j < t.length && j <= k + 3; j++) {
    const w = t[j]!.w;
    if (AUX.has(w)) return PERSONAL.has(t[j + 1]?.w ?? '');
    if (pronounStart(w) || WH.has(w)) return false;
  }
  return false;
}

/** Form of the clause starting at token `k` (after its discourse markers). */
function clauseForm(t: Token[], k: number, qmark: boolean, facts: Facts): ClauseForm {
  const w0 = t[k]?.w ?? '';
  const w1 = t[k + 1]?.w ?? '';
  const w2 = t[k + 2]?.w ?? '';
  if (w0 === '') return NONE;
  if (isWhContraction(w0)) {
    const wh = whHead(w0);
    if (!qmark && (wh === 'which' || wh === 'who')) return DECL; // "which's why", "who's to say"
    return { form: whType(t, k, facts), kind: 'wh' };
  }
  if (WH.has(w0)) {
    if ((w0 === 'how' && w1 === 'about') || (w0 === 'what' && (w1 === 'about' || w1 === 'if'))) return { form: 'open', kind: 'wh' };
    const wh: ClauseForm = { form: whType(t, k, facts), kind: 'wh' };
    if (w1 === '') return qmark ? wh : NONE; // "Why?" / a trailing "what-"
    if (pronounStart(w1) && !(w0 === 'how' && w1 === 'come')) return DECL; // "what you said", "when I drink"
    if (w0 === 'which') {
      if (!qmark) return DECL; // "which is why …"
      return w1 === 'is' && (w2 === 'why' || w2 === 'what') ? DECL : wh;
    }
    if (AUX.has(w1)) return wh;
    if (w0 === 'what' && WHAT_NEXT.has(w1)) return wh;
    if (w0 === 'how' && HOW_NEXT.has(w1)) return wh;
    if (w0 === 'why' && (w1 === 'not' || w1 === 'now')) return wh;
    if ((w0 === 'who' || w0 === 'where' || w0 === 'when') && w1 === 'else') return wh;
    return qmark ? wh : DECL;
  }
  if (AUX.has(w0)) {
    const subject = qmark
      ? w1 !== '' && (!pronounStart(w1) || PERSONAL.has(w1) || w1 === 'it' || w1 === 'that' || w1 === 'this' || w1 === 'there')
      : STRONG_SUBJECTS.has(w1) || ((w1 === 'that' || w1 === 'this') && w0 !== 'do'); // not "Do that.
    if (!subject) return DECL;
    return { form: tellsMeAhead(t, k + 2) || facts.anyElse ? 'open' : 'closed', kind: 'yn' };
  }
  if (qmark && (w0 === 'any' || w0 === 'anything' || w0 === 'anyone' || w0 === 'anybody')) {
    return { form: facts.anyElse ? 'open' : 'closed', kind: 'any' }; // "Anything else?"
  }
  if (tellsMe(t, k)) return { form: 'open', kind: 'tellme' };
  // "(maybe) you could tell me about …"
  if (w0 === 'you' && (w1 === 'could' || w1 === 'can' || w1 === 'might' || w1 === 'would') && tellsMeAhead(t, k + 2)) {
    return { form: 'open', kind: 'tellme' };
  }
  return DECL;
}

/** "I wonder if/what …", "I'm curious about …", "I'd like to know …" at `k`. */
function wonders(t: Token[], k: number, facts: Facts): Form {
  const w0 = t[k]?.w ?? '';
  if (w0 !== 'i' && w0 !== "i'm" && w0 !== "i've" && w0 !== "i'd") return 'none';
  let i = k + 1;
  while (i < k + 6 && i < t.length && /^(was|am|been|just|kind|of|guess|also|really|still|do|would|be|i|i'm|a|little|bit|sort)$/.test(t[i]!.w)) i++;
  const v = t[i]?.w ?? '';
  const nx = t[i + 1]?.w ?? '';
  if (v === 'wonder' || v === 'wondering' || v === 'wondered' || v === 'curious') {
    if (nx === 'if' || nx === 'whether') return tellsMeAhead(t, i + 2) || facts.anyElse ? 'open' : 'closed';
    if (WH.has(nx) || isWhContraction(nx)) return whType(t, i + 1, facts);
    return nx === 'about' ? 'open' : 'none';
  }
  if (v === 'wanna' || ((v === 'like' || v === 'love' || v === 'want' || v === 'wanted') && nx === 'to')) {
    const at = v === 'wanna' ? i + 1 : i + 2;
    const verb = t[at]?.w ?? '';
    if (verb === 'know' || verb === 'hear' || verb === 'understand') {
      const then = t[at + 1]?.w ?? '';
      return then === 'if' || then === 'whether' ? 'closed' : 'open';
    }
  }
  return 'none';
}

/** Is the rest of the sentence from `k` a tag ("right", "you know", "isn't it", "is that right")? */
function isTag(t: Token[], k: number): boolean {
  const rest = t.length - k;
  const w0 = t[k]?.w ?? '';
  const w1 = t[k + 1]?.w ?? '';
  const w2 = t[k + 2]?.w ?? '';
  if (rest === 1) return TAG_WORDS.has(w0);
  if (rest === 2) {
    if (w0 === 'you' && (w1 === 'know' || w1 === 'think')) return true;
    if (w0 === 'all' && w1 === 'right') return true;
    return AUX.has(w0) && (PERSONAL.has(w1) || w1 === 'it' || w1 === 'that' || w1 === 'there');
  }
  if (rest === 3) {
    if ((w0 === 'is' || w0 === 'was') && w1 === 'that' && TAG_WORDS.has(w2)) return true;
    if (w0 === 'am' && w1 === 'i' && w2 === 'right') return true;
    if (w0 === 'you' && w1 === 'know' && w2 === 'what') return true;
  }
  return false;
}

/** Index of the first token at or after `k` that is not a discourse marker. */
function skipMarkers(t: Token[], k: number): number {
  let i = k;
  while (i < t.length) {
    const w = t[i]!.w;
    if (MARKERS.has(w)) {
      i++;
      continue;
    }
    const w1 = t[i + 1]?.w;
    const w2 = t[i + 2]?.w;
    // "you know," / "I mean" / "all right" / "I see," / "thank you"
    if (
      (w === 'you' && w1 === 'know' && (t[i + 2]?.clause ?? true)) ||
      (w === 'i' && w1 === 'mean') ||
      (w === 'all' && w1 === 'right') ||
      (w === 'i' && w1 === 'see' && (t[i + 2]?.clause ?? true)) ||
      (w === 'thank' && w1 === 'you')
    ) {
      i += 2;
      continue;
    }
    // "about how many …", "roughly what time …"
    if ((w === 'about' || w === 'roughly' || w === 'approximately') && (w1 === 'how' || w1 === 'what')) {
      i++;
      continue;
    }
    // "let me ask you (this)"
    if (w === 'let' && w1 === 'me' && w2 === 'ask') {
      i += t[i + 3]?.w === 'you' ? (t[i + 4]?.w === 'this' ? 5 : 4) : 3;
      continue;
    }
    break;
  }
  return i;
}

// ---------------------------------------------------------------------------
// Sentence analysis

interface SentenceAnalysis {
  span: Span;
  tokens: Token[];
  /** Ends in a '?' outside quotation marks. */
  qmark: boolean;
  form: Form;
  kind: Kind;
  /** Asks the other speaker something. */
  asks: boolean;
  /** A statement said as a question (a '?' but no interrogative form). */
  declQ: boolean;
  /** The statement ends in a tag ("…, right?"). */
  tag: boolean;
  /** A lone tag or backchannel with a '?' ("Right?", "Yeah?"). */
  loneTag: boolean;
}

function classify(a: SentenceAnalysis): void {
  const t = a.tokens;
  if (t.length === 0) return;
  const facts = sentenceFacts(t);
  let first = true;
  const found = (form: Form, kind: Kind): void => {
    // the first interrogative clause decides
    if (a.kind !== 'none') return;
    a.form = form;
    a.kind = kind;
  };
  for (let k = 0; k < t.length; k++) {
    if (!t[k]!.clause) {
      // "… and I'm wondering whether …" inside a clause
      const w = t[k]!.w;
      if (w === 'i' || w === "i'm" || w === "i'd") {
        const f = wonders(t, k, facts);
        if (f !== 'none') found(f, 'wonder');
      }
      continue;
    }
    const s = skipMarkers(t, k);
    if (s >= t.length) break;
    if (a.qmark && !first && isTag(t, s)) {
      a.tag = true;
      break;
    }
    const wf = wonders(t, s, facts);
    if (wf !== 'none') found(wf, 'wonder');
    else {
      const f = clauseForm(t, s, a.qmark, facts);
      // Without a '?', a later clause counts only when clearly inverted
      // ("…, how confident are you that …") or when it is a "tell me".
      if ((f.form === 'open' || f.form === 'closed') && (a.qmark || first || f.kind === 'tellme' || (f.kind === 'wh' && inverted(t, s)))) {
        found(f.form, f.kind);
      }
    }
    first = false;
    k = s;
  }
  if (a.kind !== 'none') a.asks = true;
  else if (a.qmark) {
    const s = skipMarkers(t, 0);
    a.declQ = true;
    a.loneTag = s >= t.length || isTag(t, s);
    a.form = 'closed';
    a.kind = 'decl';
  } else a.form = 'decl';
}

function analyse(text: string): SentenceAnalysis[] {
  const regions = quotedRegions(text);
  let r = 0;
  const quoted = (i: number): boolean => {
    while (r < regions.length && regions[r]![1] <= i) r++;
    return r < regions.length && regions[r]![0] <= i;
  };
  const out: SentenceAnalysis[] = [];
  for (const span of sentences(text)) {
    let e = span.end;
    while (e > span.start && CLOSERS.includes(text[e - 1]!)) e--;
    let qmark = false;
    for (let j = e - 1; j >= span.start && j > e - 4; j--) {
      const c = text[j]!;
      if (c === '?') {
        qmark = !inRegion(regions, j);
        break;
      }
      if (c !== '!' && c !== '.' && c !== '\u2026') break;
    }
    const a: SentenceAnalysis = {
      span, tokens: tokenize(text, span.start, span.end, quoted), qmark,
      form: 'none', kind: 'none', asks: false, declQ: false, tag: false, loneTag: false,
    };
    classify(a);
    out.push(a);
  }
  // A statement said as a question asks when it ends the utterance; followed
  // by more talk it is rhetorical or part of a reflection ("…, you know? And
  // …"). A lone "Right?" / "Yeah?" is a backchannel.
  let later = false;
  for (let i = out.length - 1; i >= 0; i--) {
    const a = out[i]!;
    if (a.declQ) a.asks = !a.loneTag && !later;
    if (skipMarkers(a.tokens, 0) < a.tokens.length) later = true;
  }
  return out;
}

/** Rank of a question when choosing the utterance's type: interrogative with '?' > without > statement-as-question. */
function strength(a: SentenceAnalysis): number {
  return a.kind === 'decl' ? 0 : a.qmark ? 2 : 1;
}

/** The question(s) this utterance asks the other speaker, or undefined when it asks none. */
export function detectQuestion(text: string): QuestionInfo | undefined {
  return questionIn(analyse(text));
}

function questionIn(analysed: SentenceAnalysis[]): QuestionInfo | undefined {
  const spans: Span[] = [];
  let type: 'open' | 'closed' = 'closed';
  let best = -1;
  for (const a of analysed) {
    if (!a.asks) continue;
    spans.push({ start: a.span.start, end: a.span.end });
    // the strongest question decides; among equals the last (the one left to answer)
    const s = strength(a);
    if (s >= best) {
      best = s;
      type = a.form === 'open' ? 'open' : 'closed';
    }
  }
  return spans.length > 0 ? { spans, type } : undefined;
}

// ---------------------------------------------------------------------------
// Reflections

const SECOND_PERSON = new Set(['you', 'your', "you're", "you've", "you'd", "you'll", 'yourself', 'ya', "y'all"]);
const FIRST_PERSON = new Set(['i', "i'm", "i'd", "i'll", "i've", 'me', 'my', 'we', "we're", "we'll", "we've", "let's", 'us', 'our']);
/** The therapist informing, advising or planning rather than reflecting. */
const INFORMING = new Set([
  'should', 'recommend', 'recommended', 'suggest', 'research', 'studies', 'guidelines', 'percent',
  'information', 'advice', 'risk', 'need', 'can', 'me', 'we', "let's", 'us',
]);
/** Greetings and courtesies. */
const SOCIAL = new Set(['thank', 'thanks', 'welcome', 'hello', 'hi', 'bye', 'goodbye', 'meet']);
/** Words (besides discourse markers) below which an utterance is a backchannel, not a reflection. */
const MIN_REFLECTION_WORDS = 4;
/** Beyond this many words a statement is usually information giving. */
const LONG_STATEMENT = 60;

interface ReflectionFacts {
  /** Words other than discourse markers. */
  content: number;
  second: number;
  first: number;
  informing: boolean;
  social: boolean;
  /** In a statement: "it sounds like", "it seems", "you feel", "on the other hand", "part of you", "I'm hearing", "you're saying", "so you …". */
  cue: boolean;
}

function reflectionFacts(all: SentenceAnalysis[]): ReflectionFacts {
  const f: ReflectionFacts = { content: 0, second: 0, first: 0, informing: false, social: false, cue: false };
  for (const a of all) {
    const t = a.tokens;
    // "How do you feel …?" asks: only statements carry reflection cues
    const statement = !a.asks || a.declQ;
    for (let i = 0; i < t.length; i++) {
      const w = t[i]!.w;
      const w1 = t[i + 1]?.w ?? '';
      const w2 = t[i + 2]?.w ?? '';
      const prev = i > 0 ? t[i - 1]!.w : '';
      if (!MARKERS.has(w)) f.content++;
      if (SECOND_PERSON.has(w)) f.second++;
      else if (FIRST_PERSON.has(w)) f.first++;
      if (INFORMING.has(w) || (w === 'think' && prev === 'i')) f.informing = true;
      if (SOCIAL.has(w)) f.social = true;
      if (!statement) continue;
      if (SECOND_PERSON.has(w)) {
        if (/^(feel|felt|feeling)$/.test(w1) || (/^(feel|felt|feeling)$/.test(w2) && !t[i + 2]!.clause)) f.cue = true;
        if ((w === "you're" && w1 === 'saying') || (w === 'you' && (w1 === 'said' || w1 === 'mentioned'))) f.cue = true;
      }
      if ((w === 'sounds' || w === 'sound' || w === 'sounding') && (w1 === 'like' || w1 === 'as' || w1 === 'to')) f.cue = true;
      else if (w === 'seems' || w === 'seem') f.cue = true;
      else if (w === 'hand' && (prev === 'other' || prev === 'one')) f.cue = true;
      else if (w === 'part' && w1 === 'of' && w2 === 'you') f.cue = true;
      else if ((w === 'hearing' || w === 'hear') && (w1 === 'you' || prev === "i'm")) f.cue = true;
      else if (w === 'so' && SECOND_PERSON.has(w1)) f.cue = true;
    }
  }
  return f;
}

/**
 * Heuristic: does this therapist utterance read as a reflection
 * (restating/guessing the client's meaning) rather than a question?
 *
 * A reflection cue in a statement ("it sounds like", "you feel", "on the
 * other hand", "so you …") makes it one even when a question follows;
 * otherwise an utterance that asks is not one, a statement said as a question
 * is, and a plain statement of four words or more is, unless the therapist is
 * informing or advising ("should", "research", "we can", "I think"),
 * greeting, talking about themself more than about the client, or talking at
 * length.
 */
export function looksLikeReflection(text: string): boolean {
  return reflectionIn(analyse(text));
}

/** `detectQuestion` and `looksLikeReflection` from one reading of the text. */
export function questionAndReflection(text: string): { question: QuestionInfo | undefined; reflection: boolean } {
  const all = analyse(text);
  return { question: questionIn(all), reflection: reflectionIn(all) };
}

function reflectionIn(all: SentenceAnalysis[]): boolean {
  const f = reflectionFacts(all);
  if (f.cue) return true;
  if (f.content < MIN_REFLECTION_WORDS) return false;
  if (all.some((a) => a.asks && !a.declQ)) return false;
  if (all.some((a) => a.asks && a.declQ)) return true;
  return !f.informing && !f.social && f.first <= f.second + 1 && f.content <= LONG_STATEMENT;
}

// ---------------------------------------------------------------------------
// Questions that count: what a coder codes as a question to the other speaker

/** "…, right?", "…, mmkay?", "…, doesn't it?": a statement that checks in, not a question to answer. */
const TAG_QUESTION = /,\s*(?:right|okay|ok|o\.k\.|mmkay|mkay|m'kay|yeah|yes|no|huh|eh|correct|alright|all right|you know|yea|ya|isn['’]?t (?:it|that (?:right|so))|is that (?:right|so|ok|okay)|(?:does|do|did|is|are|was|were|won|would|can|could|should|have|has|had)n['’]?t (?:it|you|they|we|he|she|i|that))\s*[?!.]*$/i;
/** Closing courtesies: "Is there anything else I can help you with?", "Any other questions?". */
const COURTESY = /^\W*(?:(?:so|well|okay|and|now),?\s+)?(?:(?:is|was) there\s+|do you have\s+|did you (?:need|want)\s+|(?:would|do) you like\s+)?(?:anything|something)\s+else\b|^\W*(?:any|do you have any)\s+(?:other|more|further)?\s*questions?\b|\bwhat else can i (?:help|do)\b|\bhow (?:else )?can i help\b|\bdoes that (?:help|make sense)\s*\?*$/i;

/** A tag question: a statement that checks in ("…, right?"), not a question to answer. */
export function isTagQuestion(sentence: string): boolean {
  return TAG_QUESTION.test(sentence);
}

/** A closing courtesy ("Is there anything else I can help you with?", "Any other questions?"): not a question a coder counts. */
export function isCourtesyQuestion(sentence: string): boolean {
  return COURTESY.test(sentence);
}

/**
 * The questions of an utterance that count as questions to the other
 * speaker: `detectQuestion` without tag questions and closing courtesies
 * (their type decided again without them), or undefined when none is left.
 */
export function countedQuestion(text: string): QuestionInfo | undefined {
  const info = detectQuestion(text);
  if (!info) return undefined;
  const kept = info.spans.filter((span) => {
    const sentence = text.slice(span.start, span.end);
    return !isTagQuestion(sentence) && !isCourtesyQuestion(sentence);
  });
  if (kept.length === info.spans.length) return info;
  if (kept.length === 0) return undefined;
  // Blank out the dropped sentences (offsets stay) and decide the type from what is left.
  let blanked = text;
  for (const span of info.spans) if (!kept.includes(span)) blanked = blanked.slice(0, span.start) + ' '.repeat(span.end - span.start) + blanked.slice(span.end);
  const again = detectQuestion(blanked);
  return again ? { spans: kept, type: again.type } : { spans: kept, type: info.type };
}

/** What a therapist's turn does, for the statistics: the question it asks (if any counts) and whether it reflects. */
export interface TurnForm {
  question?: 'open' | 'closed';
  reflection: boolean;
}

/** The form of a therapist utterance: a question that counts (open or closed), else maybe a reflection. */
export function turnForm(text: string): TurnForm {
  const question = countedQuestion(text);
  return question ? { question: question.type, reflection: false } : { reflection: looksLikeReflection(text) };
}

/** The questions of a turn, per text node: `turn.get(questions)`. */
export const questions = defineAnalysis({ id: 'questions', per: 'turn', compute: (turn) => turn.texts.map((text) => detectQuestion(text.value)) });
