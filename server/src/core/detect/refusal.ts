/**
 * Canned refusals and safety boilerplate: what a chat model says instead of
 * a therapeutic reply, in the phrasings of many models — "I'm sorry, but I
 * can't help with that.", "I apologize, but I don't feel comfortable
 * continuing this role-play.", "This request goes against my guidelines."
 *
 * Read as a structure over the words of a sentence, not as a list of
 * sentences. A sentence refuses when it has
 * - a refusal: a negated ability, permission or willingness ("can't",
 *   "unable", "not able", "won't", "not permitted", "not comfortable",
 *   "don't allow", "must decline", "have to stop", "outside what I can",
 *   "beyond my …", "goes against my guidelines");
 * - by the speaker (I, we, me, my guidelines) or by a policy;
 * - of the request itself: a service with no object of its own ("help",
 *   "assist", "continue", "keep going", "engage", "respond", "comply",
 *   "fulfil", "provide a response / advice / guidance"), or an object that
 *   points back at what was asked ("that", "this", "it", "this scenario",
 *   "that request", "this topic", "that kind of content", "any further").
 * An apology, a redirection to outside help and "Is there anything else I
 * can help you with?" make it surer. What a therapist declines in therapy
 * ("I can't tell you what to do", "I can't imagine how hard…", "I won't push
 * you"), a limit followed by an offer ("…, but we can talk about what you're
 * noticing"), a condition ("…if you keep smoking") or "right now" are not
 * refusals of the request.
 */
import { DisjointSpans, sentences } from './sentence.ts';
import type { Span } from './lines.ts';
import { lastAtOrBefore } from '../search.ts';
import { blankQuotes, quotedSpans } from './quotes.ts';
import type { RuleOptions } from '../rule.ts';
import type { SessionTurn } from '../turn.ts';
import { matchesPerText } from '../text.ts';
import { defineAnalyses } from '../incremental/analysis.ts';
import { refusalProbability } from '../model/refusal.ts';

export interface RefusalMatch extends Span {
  /** The sentence, for messages. */
  phrase: string;
}

/** The words of a sentence, lower-cased, apostrophes straightened, with their offsets. */
interface Word {
  w: string;
  start: number;
}

function words(sentence: string): Word[] {
  const out: Word[] = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
  for (let m = re.exec(sentence); m; m = re.exec(sentence)) out.push({ w: m[0].toLowerCase().replace(/’/g, "'"), start: m.index });
  return out;
}

const A = `['’]`;
/** A negated ability, permission or willingness, or a decline: the refusal itself. */
const REFUSE = new RegExp(
  String.raw`\b(?:(?:wouldn${A}t|would\s+not|isn${A}t|is\s+not|it${A}s\s+not|that${A}s\s+not)\s+(?:be\s+)?(?:appropriate|possible|right|okay|ok)\s+for\s+me|can\s*not|can${A}?t|cannot|could\s*not|couldn${A}?t|won${A}?t|will\s+not|wouldn${A}?t|would\s+not|(?:am|${A}m|are|${A}re|is|${A}s)\s+(?:not|un)\s*able|unable|(?:am|${A}m|are|${A}re)\s+not\s+(?:going\s+to\s+be\s+able|allowed|permitted|programmed|designed|equipped|in\s+a\s+position|comfortable|willing|here)|not\s+(?:going\s+to\s+be\s+able|allowed|permitted|in\s+a\s+position|comfortable|willing)|(?:don${A}?t|do\s+not|doesn${A}?t|does\s+not)\s+(?:feel\s+comfortable|think\s+(?:i|we)\s+(?:can|should)|allow|permit|let\s+me)|(?:must|have\s+to|need\s+to|will\s+have\s+to|${A}ll\s+have\s+to|going\s+to\s+have\s+to|gonna\s+have\s+to)\s+(?:respectfully\s+|politely\s+|kindly\s+)?(?:decline|refrain|stop|end|pause|step\s+(?:back|away))|(?:i|we)\s+(?:must\s+|have\s+to\s+|need\s+to\s+|will\s+|${A}ll\s+|respectfully\s+|politely\s+|kindly\s+|have\s+to\s+respectfully\s+)*(?:decline|refuse|refrain)|not\s+the\s+right\s+(?:resource|person|place|tool|one|assistant|service)|(?:would|${A}d)\s+(?:rather|prefer)\s+not|(?:outside|beyond)\s+(?:of\s+)?(?:what|my|our|the\s+scope)|not\s+within\s+(?:my|our)|(?:goes?|going|is|are)\s+against|violates?|isn${A}t\s+(?:something|a\s+(?:topic|subject|thing|request|conversation))|not\s+(?:something|a\s+(?:topic|subject|thing|request|conversation))\s+(?:that\s+)?(?:i|we)|not\s+(?:appropriate|possible|right)\s+for\s+me|(?:wouldn${A}t|would\s+not|isn${A}t|is\s+not)\s+(?:be\s+)?(?:appropriate|possible|right)\s+for\s+me)\b`,
  'i',
);
/** A policy of the speaker's: who refuses when no one does. */
const POLICY = /\b(?:my|our|the|openai['’]s|the\s+platform['’]s)\s+(?:(?:content|usage|safety|community|ethical|own)\s+)?(?:guidelines?|polic(?:y|ies)|programming|capabilit(?:y|ies)|principles|terms\s+of\s+(?:use|service)|rules|standards|boundaries|scope|limits|design)\b/;
/** Services the person asked for: declining one with no object of its own declines the request. */
const SERVICES = new Set(
  'help assist support continue continuing go going keep keeping take taking engage engaging participate participating proceed proceeding respond responding reply answer comply complying fulfil fulfill fulfilling fulfil provide providing offer offering give giving generate generating create creating write writing produce producing discuss discussing talk talking address addressing share sharing follow role-play roleplay pretend act advise recommend carry'.split(
    ' ',
  ),
);
/** Words that point back at the request. */
const POINTERS = new Set(['that', 'this', 'it', 'those', 'these', 'such', 'further', 'anymore']);
/** Words between a service and its object: "help you with", "go into", "keep going with any". */
const LINKS = new Set(['you', 'with', 'in', 'on', 'into', 'to', 'for', 'about', 'any', 'more', 'along', 'the', 'a', 'an', 'your', 'further', 'me', 'of', 'going', 'part', 'ahead', 'forward']);
const REQUEST_NOUNS =
  /\b(?:requests?|scenarios?|role-?plays?|conversations?|discussions?|topics?|subjects?|questions?|query|prompt|content|material|line\s+of|direction|kind\s+of|type\s+of|sort\s+of|one|response|responses|advice|guidance|assistance|information|support|help)\b/;
/** Declines that are therapy, not refusal: they refuse nothing the person asked for. */
const THERAPEUTIC =
  /\b(?:can['’]?t|cannot|can\s+not|could\s*n['’]?t|could\s+not|won['’]?t|will\s+not|would\s*n['’]?t|would\s+not|not\s+going\s+to|not\s+here\s+to|unable\s+to|not\s+able\s+to)\s+(?:really\s+|even\s+|fully\s+)?(?:hesitate|tell\s+you\s+what|imagine|promise|guarantee|make\s+(?:that|this|the|it|your|you|those|a)\b|decide|know|be\s+there|wait|believe|stress|thank|help\s+(?:but|it|noticing|feeling|thinking)|push|judge|force|fix|speak\s+for|say\s+for\s+sure|take\s+(?:that|it|this)\s+away|change\s+the\s+past|do\s+it\s+for\s+you|lecture|rush|pressure|read\s+your\s+mind|see\s+you|meet|stay|be\s+with|hear\s+you|emphasi[sz]e|overstate|say\s+(?:it|this)\s+enough|undo)\b/i;
const APOLOGY = /^\W*(?:i(?:['’]m|\s+am)\s+(?:really\s+|so\s+|very\s+|truly\s+|deeply\s+)?sorry|i\s+apologi[sz]e|(?:my\s+)?apologies|sorry|unfortunately|regrettably|i['’]m\s+afraid)\b|\bsorry\b[^.!?]*\bbut\b/i;
const REFERRAL =
  /\b(?:reach\s+out\s+to|contact|call|text|talk\s+to|speak\s+(?:to|with)|seek|consult|turn\s+to|get\s+in\s+touch\s+with|consider\s+(?:reaching|talking|speaking|contacting))\b[^.!?]{0,60}\b(?:professional|therapist|counsel+or|doctor|psychologist|psychiatrist|crisis|hotline|helpline|lifeline|emergency|988|911|999|112|someone\s+you\s+trust|trusted|samaritans)\b|\b(?:a|the)\s+(?:licensed|qualified|crisis)\s+(?:counsel+or|therapist|professional|line)\s+(?:can|could|would\s+be\s+able)\b/i;
const ANYTHING_ELSE = /\b(?:is\s+there\s+)?(?:anything|something)\s+else\s+(?:i\s+can|that\s+i\s+can|i\s+could)\s+(?:help|assist|do)\b|\bhappy\s+to\s+help\s+with\s+(?:something|anything)\s+else\b/i;
/** A limit followed by what the speaker does offer, or under a condition, is a therapist's, not a refusal. */
const OFFER =
  /\bbut\s+(?:we|i)\s+(?:can(?!\s*not|['’]?t)|could(?!\s*not|n['’]?t)|will(?!\s+not)|['’]ll|am\s+(?:happy|glad)|['’]m\s+(?:happy|glad)|would\s+be\s+happy)\b|\bbut\s+let['’]?s\b|\binstead,?\s+(?:we|let['’]?s|i)\b|\b(?:if|unless|until)\s+you\b|^\W*(?:while|although|though|even\s+though|whilst)\b[^,]{0,80},\s*(?:i|we)\s+(?:can|could|will|want|would|am|['’]m|do|['’]d)\b/i;
const NOT_NOW = /\b(?:right\s+now|at\s+the\s+moment|today|yet|just\s+now|this\s+week|for\s+now|at\s+this\s+point\s+in\s+our)\b/i;

const GATE =
  /\b(?:can\s*not|can['’]?t|cannot|couldn['’]?t|won['’]?t|will\s+not|wouldn['’]?t|unable|not\s+able|not\s+allowed|not\s+permitted|not\s+comfortable|not\s+willing|not\s+in\s+a\s+position|not\s+going\s+to\s+be\s+able|don['’]?t\s+(?:feel|think|allow)|doesn['’]?t\s+allow|decline|refuse|refrain|rather\s+not|prefer\s+not|outside|beyond|against|violat|not\s+within|something|not\s+(?:appropriate|possible|right)|have\s+to\s+stop|need\s+to\s+stop|not\s+a\s+(?:topic|subject|request|thing|conversation)|right\s+resource)/i;

/** How much a sentence reads as a refusal of the request (0: not at all); `next` is the sentence after it. */
export function refusalScore(raw: string, next: string | undefined): number {
  if (!GATE.test(raw)) return 0;
  // Quoted speech is someone else's: "…decide, "This is something that's not right for me?""
  const sentence = blankQuotes(raw, quotedSpans(raw));
  const refuse = REFUSE.exec(sentence);
  if (!refuse || THERAPEUTIC.test(sentence)) return 0;
  const lower = sentence.toLowerCase().replace(/’/g, "'");
  const policy = POLICY.test(lower);
  const before = words(lower.slice(0, refuse.index)).map((w) => w.w);
  // Who refuses: the speaker, just before the refusal ("I can't", "I'm afraid I can't", "we are not able"), or a policy.
  const near = before.slice(-4);
  // What is refused: the words after the refusal, up to the end of its clause.
  const after = lower.slice(refuse.index + refuse[0].length).split(/[;:,]\s+(?:but|and|so|which|because)\b|[;:—–]|\bbecause\b|\bbut\b/)[0]!;
  const ws = words(after).map((w) => w.w);
  const I = /^(?:i|i'm|i've|i'll|i'd|we|we're|we've|we'll|my|our|me)$/;
  const bySpeaker =
    near.some((w) => I.test(w)) ||
    /\b(?:i|we|me)\b/.test(refuse[0].toLowerCase()) ||
    // "That's not something I can…", "This is beyond what I can…": the speaker comes after.
    (/something|topic|subject|thing|request|conversation|outside|beyond/.test(refuse[0].toLowerCase()) && ws.slice(0, 2).some((w) => I.test(w)));
  if (!bySpeaker && !policy) return 0;
  // The object's head: the first words after the service, past "you", "with", "into"…
  const head = (list: string[]) => {
    let i = 0;
    while (i < list.length && i < 3 && LINKS.has(list[i]!)) i++;
    return list.slice(i, i + 3);
  };
  const points = (list: string[]) => {
    const h = head(list);
    if (h.length === 0) return false;
    if (POINTERS.has(h[0]!) && !(h[0] === 'this' && list[list.indexOf(h[0]!) - 1] === 'like')) return h[0] !== 'it' || h.length === 1 || !/^(?:is|was|'s)$/.test(h[1]!);
    return REQUEST_NOUNS.test(h.join(' ')) && !/^(?:the|a|an)$/.test(list[0] ?? '');
  };
  let object = 0;
  // A service with no object of its own, or with one that points back at the request.
  const service = ws.findIndex((w, i) => i < 6 && (SERVICES.has(w) || SERVICES.has(w.replace(/(?:ing|ed)$/, ''))));
  const tail = service >= 0 ? ws.slice(service + 1) : ws;
  const bare = tail.length === 0 || (tail.length <= 2 && tail.every((w) => /^(?:you|further|more|anymore|any|now|with|that|this|it|here)$/.test(w)));
  if (service >= 0 && (bare || points(tail) || REQUEST_NOUNS.test(head(tail).join(' ')))) object = 3;
  else if (service >= 0 && /^(?:help|assist|support)$/.test(ws[service]!)) object = 2;
  else if (ws.length <= 3 && points(ws)) object = 2;
  // "That's something I'm not permitted to talk about", "Providing that kind of information isn't something I can do":
  // the request is named before the refusal.
  if (/something|topic|subject|thing|request|conversation/.test(refuse[0].toLowerCase()) || (/permitted|allowed|able|comfortable/.test(refuse[0].toLowerCase()) && /\b(?:that|this|it)(?:'s|\s+is)\s+(?:something|not)\b/.test(lower.slice(0, refuse.index)))) {
    const named = before.map((w) => w.replace(/'s$/, ''));
    if (named.some((w) => POINTERS.has(w)) || REQUEST_NOUNS.test(named.join(' ')) || named.some((w) => SERVICES.has(w.replace(/(?:ing|ed)$/, '')))) object = Math.max(object, 3);
  }
  // "My guidelines don't allow me to…", "This goes against my guidelines": the policy is the refusal.
  if (policy && /\b(?:allow|permit|let|against|violat|outside|beyond|within)/i.test(refuse[0])) object = Math.max(object, 3);
  // "I must decline.", "I'm not the right resource for this.": declining needs no object.
  if (/decline|refuse|refrain|right/.test(refuse[0].toLowerCase()) && (ws.length <= 3 || points(ws))) object = Math.max(object, 3);
  if (/\b(?:stop|end|pause|step)\b/.test(refuse[0].toLowerCase()) && /\b(?:this|our|the)\s+(?:conversation|discussion|chat|role-?play|scenario|topic|line)\b/.test(after)) object = Math.max(object, 3);
  // "Sorry, I can't do that.": only a short sentence points so bluntly at the request.
  if (object === 0 && ws[0] === 'do' && points(ws.slice(1)) && words(lower).length <= 7) object = 2;
  if (object === 0) return 0;
  let score = object;
  const talk = service >= 0 && /^(?:discuss|talk|address|share|answer|respond|reply)/.test(ws[service]!);
  if (talk && object === 3 && !policy && !REQUEST_NOUNS.test(head(tail).join(' ')) && !/rather|prefer/.test(refuse[0])) score -= 1;
  if (APOLOGY.test(sentence)) score += 1;
  if (REFERRAL.test(sentence) || (next !== undefined && (REFERRAL.test(next) || ANYTHING_ELSE.test(next)))) score += 1;
  if (ANYTHING_ELSE.test(sentence)) score += 1;
  if (/\bas\s+an?\s+(?:ai|language\s+model|assistant|chatbot)\b/i.test(sentence)) score += 1;
  if (/\b(?:comfortable|permitted|allowed|decline|refuse|refrain|will\s+not|won['’]?t\s+be|cannot\s+and\s+will\s+not)\b/i.test(refuse[0] + after.slice(0, 12))) score += 1;
  if (OFFER.test(sentence)) score -= 2;
  if (NOT_NOW.test(sentence)) score -= 1;
  return score;
}

const THRESHOLD = 3;

/** How sure the refusal model must be to count a sentence the structure above does not read as one. */
const MODEL_THRESHOLD = 0.9;
/** The longest sentence the model reads (the longest written refusal line is under 400 characters). */
const MODEL_MAX_CHARS = 400;
/** The speaker, or the request or conversation itself, named in a sentence. */
const SPEAKER_OR_REQUEST =
  /\b(?:i|i['’](?:m|ve|ll|d)|me|my|myself|we|we['’](?:re|ll|ve)|us|our|let['’]s)\b|\b(?:this|that|these|such|your)\s+(?:\w+\s+){0,2}?(?:requests?|conversations?|chat|topics?|subjects?|content|material|service|assistant|scenarios?|questions?|messages?|direction|space|place)\b|\b(?:here|this\s+one|that\s+one|of\s+(?:this|that)\s+(?:nature|kind|sort))\b/i;
const LISTENER_NOT = /\byou(?:['’](?:re|ve|ll|d))?\s+(?:\w+\s+){0,2}?(?:not|never|don['’]?t|doesn['’]?t|can['’]?t|cannot|won['’]?t|aren['’]?t|unable)\b/i;
const SPEAKER_NOT = /\b(?:i|we|i['’](?:m|ll|d|ve)|we['’](?:re|ll|d|ve))\s+(?:\w+\s+){0,2}?(?:not|never|don['’]?t|can['’]?t|cannot|won['’]?t|unable|have\s+to|must|need\s+to|going\s+to\s+(?:sit|pass|step|leave|end|stop))\b|n['’]t\s+(?:something|a\s+\w+)\s+(?:i|we)\b/i;
/** How many sentences at each edge of a text the model reads. */
const MODEL_EDGE = 2;

/**
 * Refusal sentences in `text` (offsets into `text`), in order, not
 * overlapping: those the structure reads as refusals, the configured
 * `extraPhrases`, and sentences the refusal model (`model/refusal.ts`) is
 * sure of, unless they quote someone or offer what the speaker can do instead.
 */
export function findRefusals(text: string, extraPhrases: readonly string[] = []): RefusalMatch[] {
  return withModel(text, findStructuralRefusals(text, extraPhrases));
}

/** `found` and the sentences of `text` outside it that the refusal model is sure of, in order. */
function withModel(text: string, found: RefusalMatch[]): RefusalMatch[] {
  let added: RefusalMatch[] | undefined;
  let k = 0;
  const spans = sentences(text);
  for (let i = 0; i < spans.length; i++) {
    // A generated refusal stands at a reply's edges (the whole reply, its opening or its close), not inside an
    // answer's reasoning; a question ("…is there something else that could be contributing?") refuses nothing.
    if (i >= MODEL_EDGE && i < spans.length - MODEL_EDGE) continue;
    const s = spans[i]!;
    while (k < found.length && found[k]!.end <= s.start) k++;
    if (k < found.length && found[k]!.start < s.end) continue;
    const value = text.slice(s.start, s.end);
    if (value.length > MODEL_MAX_CHARS || /\?["'”’)]*\s*$/.test(value) || quotedSpans(value).length > 0 || OFFER.test(value)) continue;
    // Someone declines: the speaker ("I'll have to sit this one out"), or the request is what is declined ("This
    // request can't be fulfilled"); not a general statement ("There are some exceptions to this general rule").
    if (!SPEAKER_OR_REQUEST.test(value)) continue;
    // What the listener does not or cannot do ("…you either do not want to or are not able to seek counseling"),
    // and nothing the speaker cannot: the speaker declines nothing.
    if (LISTENER_NOT.test(value) && !SPEAKER_NOT.test(value)) continue;
    if (refusalProbability(value) >= MODEL_THRESHOLD) (added ??= []).push({ start: s.start, end: s.end, phrase: value });
  }
  return added ? [...found, ...added].sort((a, b) => a.start - b.start) : found;
}

/** Refusal sentences the structure and the configured phrases find (offsets into `text`), in order, not overlapping. */
export function findStructuralRefusals(text: string, extraPhrases: readonly string[] = []): RefusalMatch[] {
  const gated = GATE.test(text);
  if (!gated && extraPhrases.length === 0) return [];
  const spans = sentences(text);
  // Kept sorted and checked against their neighbours: a paragraph with thousands of matches costs k log k.
  const found = new DisjointSpans<RefusalMatch>();
  if (gated) {
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      const value = text.slice(s.start, s.end);
      const next = spans[i + 1] ? text.slice(spans[i + 1]!.start, spans[i + 1]!.end) : undefined;
      if (refusalScore(value, next) >= THRESHOLD) found.add({ start: s.start, end: s.end, phrase: value });
    }
  }
  if (extraPhrases.length > 0) {
    const lower = text.toLowerCase().replace(/’/g, "'");
    for (const phrase of extraPhrases) {
      const needle = phrase.toLowerCase().replace(/’/g, "'").trim();
      if (!needle) continue;
      for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
        const at = lastAtOrBefore(spans.length, (k) => spans[k]!.start, i);
        const s = at >= 0 && i < spans[at]!.end ? spans[at]! : { start: i, end: i + needle.length };
        found.add({ start: s.start, end: s.end, phrase: text.slice(i, i + needle.length) });
      }
    }
  }
  return found.list;
}

/**
 * The extra phrases the `canned-refusal` rule is configured with: every rule
 * that reads refusals (`unanswered-question` too) matches those, as it does.
 */
export function refusalPhrasesOf(ruleOptions: RuleOptions): readonly string[] {
  // Once per run (the options are resolved once a run): canned-refusal asks on every turn.
  let known = phrasesByRun.get(ruleOptions);
  if (!known) {
    const phrases = (ruleOptions.get('canned-refusal') as { phrases?: unknown } | undefined)?.phrases;
    phrasesByRun.set(ruleOptions, (known = Array.isArray(phrases) ? phrases.map(String) : []));
  }
  return known;
}

const phrasesByRun = new WeakMap<RuleOptions, readonly string[]>();

/** Refusal sentences of a turn with extra phrases, offsets relative to each text node (the model's too, if asked). */
const refusalsWith = defineAnalyses({
  id: 'refusals',
  per: 'turn',
  key: (p: { phrases: readonly string[]; model: boolean }) => `${p.model ? 'model' : 'structure'}\u0000${p.phrases.join('\u0000')}`,
  compute: (turn, p) => matchesPerText(turn.texts, (value) => (p.model ? findRefusals(value, p.phrases) : findStructuralRefusals(value, p.phrases))),
});

/**
 * Refusal sentences of a turn, offsets relative to each text node, memoised
 * per turn text (and phrases). The refusal model reads the therapist's turns
 * only: a canned refusal is the model in the therapist's place, and a
 * client's sentence is never one.
 */
export function turnRefusals(turn: SessionTurn, phrases: readonly string[]): Array<RefusalMatch & { textIndex: number }> {
  const model = turn.role === 'therapist';
  if (phrases.length > 0) return turn.get(refusalsWith({ phrases, model }));
  const detected = turn.features.detected;
  if (model) return (detected.refusals ??= matchesPerText(turn.texts, (value) => findRefusals(value)));
  return (detected.structuralRefusals ??= matchesPerText(turn.texts, (value) => findStructuralRefusals(value)));
}
