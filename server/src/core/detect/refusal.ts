/**
 * Canned refusals and safety boilerplate: what a chat model says instead of
 * a therapeutic reply, in the phrasings of many models — "I'm sorry, but I
 * can't help with that.", "I apologize, but I don't feel comfortable
 * continuing this role-play.", "This request goes against my guidelines."
 *
 * Read as a structure, not a list of sentences. A sentence refuses when:
 * - the speaker declines in the first person (cannot / is unable to / won't /
 *   must decline / would rather not / isn't comfortable / isn't in a position
 *   to / has to refrain from …), and what they decline is the request itself:
 *   a service (help, assist, continue, engage, comply, respond, provide a
 *   response or support …) with no object, or an object that points back at
 *   the request ("that", "this topic", "your request", "this kind of
 *   content", "this conversation");
 * - or it cites a policy, or the limits of what the speaker is or may do
 *   ("this goes against my guidelines", "that's beyond what I can help with",
 *   "it isn't appropriate for me to…", "I'm not the right resource for this");
 * - or it declines with a bare "I must decline".
 * An apology, a redirection to outside help and "Is there anything else I
 * can help you with?" make it surer; an offer in the same sentence ("…, but
 * we can talk about what you're noticing") or a condition ("…if you keep
 * smoking") make it a therapist's limit, not a refusal. Therapeutic declines
 * ("I can't tell you what to do", "I can't imagine how hard…", "I won't push
 * you") decline nothing the person asked for.
 */
import { sentences } from '../question.ts';
import type { Span } from './lines.ts';

export interface RefusalMatch extends Span {
  /** The sentence, for messages. */
  phrase: string;
}

const A = `['’]`;
/** Declining, in the first person; the match ends where what is declined begins. */
const DECLINE = new RegExp(
  [
    String.raw`\b(?:i|we)\s*(?:${A}m|\s+am|${A}re|\s+are)?\s*(?:really\s+|truly\s+|so\s+|very\s+|just\s+|simply\s+|afraid\s+(?:that\s+)?(?:i|we)\s+|sorry,?\s+(?:but\s+)?(?:i|we)\s+|going\s+to\s+|gonna\s+)?`,
    String.raw`(?:(?:will|${A}ll)\s+not\s+be\s+able\s+to|won${A}?t\s+be\s+able\s+to|(?:can|could)\s*(?:not|n${A}?t)\s+be\s+(?:of\s+)?(?:help|assistance)|cannot|can\s*not|can${A}?t|won${A}?t|will\s+not|(?:am\s+|${A}m\s+|are\s+|${A}re\s+)?(?:un|not\s+)able\s+to|(?:am\s+|${A}m\s+)?not\s+(?:allowed|permitted|programmed|designed|equipped|in\s+a\s+position|comfortable|going|willing|here)\s+to|(?:am\s+|${A}m\s+)?not\s+comfortable\s+(?:with\s+)?|(?:do\s+not|don${A}?t)\s+feel\s+comfortable\s+(?:with\s+)?|(?:would|${A}d)\s+(?:rather|prefer)\s+not\s+to|(?:would|${A}d)\s+(?:rather|prefer)\s+not|(?:do\s+not|don${A}?t)\s+(?:think|believe)\s+(?:i|we)\s+(?:can|should)|refuse\s+to|(?:must|have\s+to|need\s+to|will\s+have\s+to|${A}ll\s+have\s+to)\s+(?:respectfully\s+|politely\s+)?(?:decline|refrain\s+from|avoid|stop|end)(?:\s+to)?|(?:am|${A}m)\s+unable|(?:do\s+not|don${A}?t)\s+(?:engage|participate|provide|discuss|help|assist)\s+(?:in|with)?)\b`,
  ].join(''),
  'i',
);
/** A service the person asked for. */
const SERVICE = /^(?:\s*(?:really|fully|properly|further|directly|actually|safely|responsibly)\b)?\s*(help|assist|support|provid\w*|offer\w*|giv\w*|continu\w*|engag\w*|participat\w*|proceed\w*|go(?:ing)?\s+on|carry(?:ing)?\s+on|tak\w*\s+part|comply\w*|fulfil+\w*|respond\w*|answer\w*|reply\w*|discuss\w*|talk\w*|go(?:ing)?\s+into|get(?:ting)?\s+into|address\w*|generat\w*|creat\w*|writ\w*|produc\w*|role-?play\w*|pretend\w*|play\w*\s+(?:along|this|that|the\s+role)|act\w*\s+as|advis\w*|recommend\w*|diagnos\w*|treat\w*|shar\w*|explor\w*|engage)\b/i;
/** What points back at the request, right after the service: "(with) that", "this topic", "your request", "this kind of content". */
const ANAPHOR = /^\s*(?:you\s+)?(?:(?:with|in|on|about|to|into|for|upon)\s+)?(?:(?:any|further|more)\s+)?(?:that|this|it|these|those|such|your\s+(?:request|question|message|query|prompt)|(?:this|that|the|such|your|these|those|any)\s+(?:\w+\s+)?(?:request|requests|topic|topics|subject|matter|question|questions|message|content|conversation|discussion|chat|role-?play|scenario|line|kind|type|sort|area|issue|information|assistance|help|support|advice|guidance|response|responses|task|material|story|game)|requests?\s+like|(?:self-?harm|suicide|harm|violence|illegal|explicit)\b)/i;
/** The service itself as the object: "provide advice", "generate a response", "engage in discussions". */
const SERVICE_NOUN = /^\s*(?:you\s+)?(?:(?:with|in|on|into)\s+)?(?:(?:a|an|the|any|such|that|this|these|those|further|more|specific|professional|medical|mental\s+health)\s+)*(?:(?:kind|type|sort)\s+of\s+)?(?:response|responses|reply|answer|advice|guidance|assistance|help|support|information|content|discussion|discussions|conversation|conversations|therapy|counsel+ing|treatment|diagnos\w*|recommendations?|suggestions?)\b/i;
/** Talking about it, rather than serving it: refusing to discuss is surer with an apology or a redirect. */
const TALK = /^(?:discuss|talk|go(?:ing)?\s+into|get(?:ting)?\s+into|address|respond|answer|reply|shar|explor)/i;
/** …or nothing after the service at all: "I can't help.", "I won't be able to continue." */
const BARE = /^\s*(?:you\s*)?(?:any\s+(?:further|more|longer)|further|here|now|with\s+that|anymore|at\s+all)?\s*(?:[.!,;]|$)/i;
/** Policy and the limits of what the speaker is. */
const POLICY =
  /\b(?:violates?|goes?\s+against|is\s+against|outside(?:\s+of)?|beyond|not\s+within|falls?\s+outside)\s+(?:(?:my|our|the)\s+(?:(?:ethical|content|usage|safety|community|programming)\s+)?(?:guidelines|policies|policy|programming|capabilit(?:y|ies)|scope|boundaries|rules|principles|terms|limits|role)|what\s+(?:i|we)\s+(?:can|am\s+able\s+to|'m\s+able\s+to|’m\s+able\s+to)\s+(?:help|assist|do|offer|discuss|provide|support))\b|\b(?:it|that|this)(?:['’]s|\s+is|\s+would\s+(?:not\s+)?be|\s+isn['’]t)\s+not\s+(?:appropriate|possible|something)\s+for\s+me\s+to\b|\b(?:it|that|this)\s+(?:isn['’]t|is\s+not|wouldn['’]t\s+be|would\s+not\s+be)\s+(?:appropriate|possible|right)\s+for\s+me\s+to\b|\b(?:not|isn['’]t)\s+(?:something|a\s+(?:topic|subject|thing|conversation|request))\s+(?:that\s+)?(?:i|we)(?:['’]m|\s+am)?\s+(?:can|could|am\s+able\s+to|able\s+to|allowed\s+to|permitted\s+to|going\s+to)\s+(?:really\s+)?(?:help|assist|do|provide|discuss|engage|support|talk\s+about|go\s+into|get\s+into|continue|comply|offer)\b|\b(?:not|isn['’]t)\s+(?:something|a\s+(?:topic|subject|thing))\s+(?:that\s+)?(?:i|we)(?:['’]m|\s+am)\s+comfortable\b|\bnot\s+the\s+right\s+(?:resource|person|place|tool|assistant|one)\s+(?:for|to)\b/i;
const APOLOGY = /^\W*(?:i(?:['’]m|\s+am)\s+(?:really\s+|so\s+|very\s+|truly\s+|deeply\s+)?sorry|i\s+apologi[sz]e|(?:my\s+)?apologies|sorry|unfortunately|regrettably|i['’]m\s+afraid)\b|\bsorry\b[^.!?]*\bbut\b/i;
const REFERRAL = /\b(?:reach\s+out\s+to|contact|call|text|talk\s+to|speak\s+(?:to|with)|seek|consult|turn\s+to|get\s+in\s+touch\s+with|consider\s+(?:reaching|talking|speaking|contacting))\b[^.!?]{0,60}\b(?:professional|therapist|counsel+or|doctor|psychologist|psychiatrist|crisis|hotline|helpline|lifeline|emergency|988|911|999|112|someone\s+you\s+trust|trusted|samaritans)\b/i;
const ANYTHING_ELSE = /\b(?:is\s+there\s+)?(?:anything|something)\s+else\s+(?:i\s+can|that\s+i\s+can|i\s+could)\s+(?:help|assist|do)\b|\bhappy\s+to\s+help\s+with\s+(?:something|anything)\s+else\b/i;
/** Declines that are therapy, not refusal: they refuse nothing the person asked for. */
const THERAPEUTIC =
  /\b(?:can['’]?t|cannot|won['’]?t|will\s+not|not\s+going\s+to|not\s+here\s+to|unable\s+to|not\s+able\s+to)\s+(?:really\s+)?(?:tell\s+you\s+what|imagine|promise|guarantee|make\s+(?:that|this|the|it|your|you|those|a)|decide|know|be\s+there|wait|believe|stress|thank|help\s+(?:but|it|noticing|feeling|thinking)|push|judge|force|fix|speak\s+for|say\s+for\s+sure|take\s+(?:that|it|this)\s+away|change\s+the\s+past|do\s+it\s+for\s+you|lecture|rush|pressure|read\s+your\s+mind|see\s+you|meet|stay|be\s+with)\b/i;
/** A limit followed by what the speaker does offer, or under a condition, is a therapist's, not a refusal. */
const OFFER = /\bbut\s+(?:we|i)\s+(?:can(?!\s*not|['’]?t)|could(?!\s*not|n['’]?t)|will(?!\s+not)|['’]ll|am\s+(?:happy|glad)|['’]m\s+(?:happy|glad)|would\s+be\s+happy)\b|\bbut\s+let['’]?s\b|\binstead,?\s+(?:we|let['’]?s|i)\b|\b(?:if|unless|until)\s+you\b|^\W*(?:while|although|though|even\s+though|whilst)\b[^,]{0,80},\s*(?:i|we)\s+(?:can|could|will|want|would|am|['’]m|do|['’]d)\b/i;
const NOT_NOW = /\b(?:right\s+now|at\s+the\s+moment|today|yet|just\s+now|this\s+week|for\s+now)\b/i;

const GATE = /\b(?:cannot|can\s*not|can['’]?t|won['’]?t|will\s+not|unable|not\s+able|decline|refrain|comfortable|not\s+allowed|not\s+permitted|not\s+programmed|not\s+designed|not\s+in\s+a\s+position|not\s+willing|rather\s+not|prefer\s+not|refuse|guidelines|polic|programming|capabilit|appropriate\s+for\s+me|possible\s+for\s+me|something\s+i|beyond|outside|right\s+resource|not\s+here\s+to|not\s+a\s+(?:topic|subject|thing)|be\s+of\s+(?:help|assistance)|don['’]?t\s+(?:engage|participate|provide|discuss))/i;

/** How much a sentence reads as a refusal of the request (0: not at all); `next` is the sentence after it. */
export function refusalScore(sentence: string, next: string | undefined): number {
  if (!GATE.test(sentence)) return 0;
  const policy = POLICY.test(sentence);
  let score = policy ? 3 : 0;
  const decline = DECLINE.exec(sentence);
  if (decline && !THERAPEUTIC.test(sentence)) {
    const rest = sentence.slice(decline.index + decline[0].length);
    const service = SERVICE.exec(rest);
    const afterService = service ? rest.slice(service[0].length) : rest;
    const flat = /decline|refrain|avoid|stop|end/i.test(decline[0]);
    const declined = service && (ANAPHOR.test(afterService) || BARE.test(afterService) || SERVICE_NOUN.test(afterService));
    if (declined) score = Math.max(score, TALK.test(service[1]!) && !/rather|prefer/i.test(decline[0]) ? 2 : 3);
    else if (service && /^(?:help|assist|support)/i.test(service[1]!)) score = Math.max(score, 2);
    else if (!service && ANAPHOR.test(rest)) score = Math.max(score, /comfortable|willing|allowed|permitted/i.test(decline[0]) ? 3 : 2);
    if (flat && (BARE.test(rest) || ANAPHOR.test(rest) || service)) score = Math.max(score, 3);
  }
  if (score === 0) return 0;
  if (APOLOGY.test(sentence)) score += 1;
  if (REFERRAL.test(sentence) || (next !== undefined && (REFERRAL.test(next) || ANYTHING_ELSE.test(next)))) score += 1;
  if (ANYTHING_ELSE.test(sentence)) score += 1;
  if (/\bas\s+an?\s+(?:ai|language\s+model|assistant|chatbot)\b/i.test(sentence)) score += 1;
  if (OFFER.test(sentence)) score -= 2;
  if (NOT_NOW.test(sentence)) score -= 1;
  return score;
}

const THRESHOLD = 3;

/** Refusal sentences in `text` (offsets into `text`), in order, not overlapping; `extraPhrases` from the configuration. */
export function findRefusals(text: string, extraPhrases: readonly string[] = []): RefusalMatch[] {
  const found: RefusalMatch[] = [];
  const gated = GATE.test(text);
  if (!gated && extraPhrases.length === 0) return found;
  const spans = sentences(text);
  if (gated) {
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      const value = text.slice(s.start, s.end);
      const next = spans[i + 1] ? text.slice(spans[i + 1]!.start, spans[i + 1]!.end) : undefined;
      if (refusalScore(value, next) >= THRESHOLD) found.push({ start: s.start, end: s.end, phrase: value });
    }
  }
  if (extraPhrases.length > 0) {
    const lower = text.toLowerCase().replace(/’/g, "'");
    for (const phrase of extraPhrases) {
      const needle = phrase.toLowerCase().replace(/’/g, "'").trim();
      if (!needle) continue;
      for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
        const s = spans.find((span) => span.start <= i && i < span.end) ?? { start: i, end: i + needle.length };
        if (!found.some((f) => s.start < f.end && f.start < s.end)) found.push({ start: s.start, end: s.end, phrase: text.slice(i, i + needle.length) });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
