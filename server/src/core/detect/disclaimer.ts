/**
 * AI and professional disclaimers: the speaker says what they are not — an
 * AI ("As an AI, I don't have feelings…", "I'm just a language model"), not a
 * professional ("I'm not a licensed therapist, but…", "While I'm not an
 * expert, I can offer…", "Although I'm not a psychologist, …"), no substitute
 * for one ("While I can't replace professional help…", "this is not medical
 * advice").
 *
 * Read as structure: the first person (or "my advice", "this response",
 * "talking with me") and a statement of identity, lack or limit — being a
 * machine, lacking feelings or experience, not being (or not being trained as)
 * one of the helping professions, not replacing them. "As a parent, you…",
 * "A doctor can check this for you", "I'm not an expert on your life — you
 * are", "I'm only human" disclaim nothing.
 */
import { sentences } from './sentence.ts';
import type { Span } from './lines.ts';
import type { SessionTurn } from '../turn.ts';
import { matchesPerText } from '../text.ts';

export type DisclaimerKind = 'ai' | 'not-professional' | 'no-substitute';

export interface DisclaimerMatch extends Span {
  kind: DisclaimerKind;
}

const A = `['’]`;
const I_AM = String.raw`\bi\s*(?:${A}m|\s+am)`;
/** What a model is. */
const MACHINE = String.raw`(?:(?:an?|the)\s+)?(?:(?:large|conversational|virtual|digital|automated|artificial|ai|text-based|computer|language|chat|ai-powered|ai-based)\s+){0,3}(?:ai|a\.i\.|artificial\s+intelligence|intelligence|language\s+model|model|llm|chat\s?bot|bot|assistant|program|programme|machine|software|algorithm|system|companion|entity|tool)`;
const MACHINE_STRICT = String.raw`(?:(?:an?|the)\s+)?(?:(?:large|conversational|virtual|digital|automated|artificial|text-based|computer|ai-powered|ai-based|ai)\s+){0,3}(?:ai|a\.i\.|artificial\s+intelligence|(?:large\s+)?language\s+model|llm|chat\s?bot|bot|virtual\s+assistant|digital\s+assistant|ai\s+assistant|ai\s+model|computer\s+program|machine)`;
/** The helping professions, with what qualifies them. */
const PROFESSION = String.raw`(?:(?:licensed|certified|qualified|trained|registered|real|professional|medical|mental\s+health|clinical|human|actual|practicing|practising|accredited|board-certified)\s+){0,3}(?:therapist|counsel+or|doctor|psychologist|psychiatrist|psychotherapist|professional|expert|physician|clinician|medical\s+professional|healthcare\s+(?:provider|professional|worker)|social\s+worker|nurse|specialist|substitute|mental\s+health\s+(?:worker|provider|specialist))`;

const PATTERNS: Array<{ kind: DisclaimerKind; re: RegExp }> = [
  // "As an AI…", "As a language model, I…", "Being an AI…", "Since I'm an AI…"
  { kind: 'ai', re: new RegExp(String.raw`\b(?:as|being)\s+${MACHINE_STRICT}\b`, 'i') },
  // "I'm just an AI", "I am only a virtual assistant", "Please keep in mind that I am an AI", "I'm a computer program"
  { kind: 'ai', re: new RegExp(String.raw`${I_AM}\s+(?:just\s+|only\s+|merely\s+|simply\s+|actually\s+|still\s+)?${MACHINE}\b(?!\s+(?:of|for|at|in)\s+(?!you))`, 'i') },
  // "I'm not a human / a person / a real person"
  { kind: 'ai', re: new RegExp(String.raw`${I_AM}\s+not\s+(?:a\s+)?(?:human(?:\s+being)?|(?:real\s+)?person|living\s+being)\b`, 'i') },
  // "I don't have feelings / personal experiences / a body", "I lack lived experience", "I can't feel emotions"
  { kind: 'ai', re: new RegExp(String.raw`\bi\s+(?:do\s+not|don${A}?t|can(?:not|${A}?t)|lack|have\s+no)\s+(?:have\s+|truly\s+|really\s+|personally\s+)?(?:the\s+(?:ability|capacity)\s+to\s+(?:feel|experience)\s+|personal\s+|my\s+own\s+|real\s+|human\s+|lived\s+|any\s+)?(?:feelings|emotions|(?<=(?:personal|lived|human|real|my\s+own)\s+)experiences?|experience\s+(?:emotions|feelings)|a\s+(?:physical\s+)?body|consciousness|opinions\s+of\s+my\s+own|lived\s+experience|feel\s+(?:emotions|feelings)|emotions)\b|\bi\s+lack\s+(?:personal|lived|human|real)\s+experience`, 'i') },
  // "My responses are generated", "I was trained on data", "I was created by…", "developed by OpenAI"
  { kind: 'ai', re: new RegExp(String.raw`\bmy\s+(?:responses|answers|replies)\s+(?:are|were)\s+(?:generated|based\s+on\s+(?:my\s+)?training)|(?:\bi\s+(?:was|have\s+been)|${I_AM})\s+(?:trained\s+on|developed\s+by|created\s+by|built\s+by|programmed\s+(?:to|by))|\b(?:developed|created|trained|built)\s+by\s+(?:openai|anthropic|google|meta|mistral)\b`, 'i') },
  // "I'm Sage, an AI assistant", "I am Ada, a virtual assistant": a name (a word or two), then what it is.
  { kind: 'ai', re: new RegExp(String.raw`${I_AM}\s+[\p{L}\d-]{1,20}(?:\s+[\p{L}\d-]{1,20})?,\s+${MACHINE_STRICT}\b`, 'iu') },
  // "I'm not a licensed therapist", "While I'm not an expert", "I'm no therapist", "Not being a doctor myself"
  { kind: 'not-professional', re: new RegExp(String.raw`${I_AM}\s+(?:not|no|not\s+really)\s+(?:an?\s+)?${PROFESSION}\b|\bnot\s+being\s+(?:an?\s+)?${PROFESSION}\b|\bi\s+(?:have\s+no|don${A}?t\s+have\s+(?:any\s+)?)\s*(?:professional|medical|clinical)\s+(?:training|qualifications|credentials|expertise)\b`, 'i') },
  // "I'm not qualified to…", "I'm not medically trained", "I'm not in a position to give medical advice"
  { kind: 'not-professional', re: new RegExp(String.raw`${I_AM}\s+not\s+(?:(?:medically|clinically|professionally)\s+)?(?:qualified|licensed|trained|certified|equipped)\s+(?:to|as)\b|${I_AM}\s+not\s+(?:medically|clinically|professionally)\s+(?:qualified|licensed|trained|certified)\b|${I_AM}\s+not\s+in\s+a\s+position\s+to\s+(?:give|provide|offer|make)\s+(?:you\s+)?(?:a\s+)?(?:medical|professional|clinical|psychiatric)\s+(?:advice|diagnos\w*|help|opinion)`, 'i') },
  // "I can't replace professional help", "not a substitute for a real therapist", "shouldn't take the place of therapy"
  { kind: 'no-substitute', re: /\b(?:can(?:not|['’]?t)|could\s*(?:not|n['’]?t)|won['’]?t|shouldn['’]?t|should\s+not|is\s+not\s+(?:meant|intended)\s+to|isn['’]t\s+(?:meant|intended)\s+to)\s+(?:replace|take\s+the\s+place\s+of|stand\s+in\s+for|substitute\s+for)\s+(?:a\s+|the\s+|your\s+|talking\s+(?:to|with)\s+(?:a\s+)?|seeing\s+(?:a\s+)?|working\s+with\s+(?:a\s+)?)?(?:professional|qualified|licensed|mental\s+health|medical|real|therapy|therapist|doctor|counsel|clinical|expert|in-person|face-to-face|proper)/i },
  { kind: 'no-substitute', re: /\bnothing\s+(?:i\s+(?:say|share|write|suggest)|(?:said\s+)?here|in\s+(?:this|our)\s+(?:chat|conversation))\s+(?:\w+\s+)?(?:should|can|could|will|is\s+meant\s+to|is\s+intended\s+to)\s+(?:replace|substitute\s+for|take\s+the\s+place\s+of)\b/i },
  { kind: 'no-substitute', re: /\b(?:not|no|never|isn['’]t\s+a|is\s+not\s+a|aren['’]t\s+a)\s+(?:a\s+)?(?:substitute|replacement|alternative)\s+for\s+(?:a\s+|an\s+|the\s+)?(?:real\s+|qualified\s+|licensed\s+|proper\s+|actual\s+)?(?:professional|therapist|therapy|medical|mental\s+health|doctor|counsel|clinical|care|treatment|expert|psychologist|psychiatrist)/i },
  { kind: 'no-substitute', re: /\b(?:this|it|that|these|my\s+(?:advice|response|answer|suggestions?|words|thoughts|tips))\s+(?:is|isn['’]t|is\s+not|are|aren['’]t|are\s+not|should\s+not\s+be|shouldn['’]t\s+be)\s+(?:not\s+)?(?:intended\s+as\s+|meant\s+as\s+|considered\s+|a\s+form\s+of\s+)?(?:medical|professional|clinical|legal|psychiatric)\s+(?:advice|diagnosis|treatment|care)\b|\bnot\s+(?:medical|professional|clinical)\s+advice\b|\bfor\s+informational\s+purposes\s+only\b/i },
  // "While I am not able to offer professional counseling…", "I can't provide therapy"
  { kind: 'not-professional', re: new RegExp(String.raw`(?:${I_AM}\s+not\s+able\s+to|\bi\s+(?:can(?:not|${A}?t)))\s+(?:offer|provide|give|do)\s+(?:you\s+)?(?:professional\s+|real\s+|actual\s+|formal\s+)?(?:counsel+ing|therapy|psychotherapy|a\s+diagnosis|diagnoses|medical\s+advice|professional\s+(?:help|advice|support))\b`, 'i') },
];

/** "I'm not an expert on your life — you are": a stance towards the client, not a disclaimer. */
const STANCE = /\bnot\s+(?:an?\s+)?expert\s+(?:on|in|about)\s+(?:you|your)\b|\bnot\s+an?\s+expert\b[^.!?]*\byou\s+are\b|\bnot\s+a\s+(?:doctor|therapist)\s+who\b/i;

const GATE = /\b(?:ai|a\.i\.|artificial|language\s+model|model|llm|(?:chat)?bot|chatbot|virtual|assistant|machine|computer|program|software|algorithm|feelings|emotions|experiences?|body|consciousness|licensed|certified|qualified|trained|therapist|counsel|doctor|psycholog|psychiatr|professional|expert|physician|clinician|substitute|replace|replacement|alternative|advice|nurse|specialist|social\s+worker|human|person|generated|developed|informational|therapy|diagnos)/i;

/** A denial of a medical profession only: "I'm not a doctor", "not a nurse or a doctor", "not medically trained". */
const MEDICAL_ONLY = /\bnot\s+(?:an?\s+)?(?:(?:licensed|qualified|real|medical|trained|registered|actual)\s+)*(?:doctor|nurse|physician|psychiatrist|gp|pharmacist|medical\s+(?:professional|doctor|expert)|healthcare\s+(?:provider|professional|worker)|medic)\b|\bnot\s+(?:medically|clinically)\s+(?:qualified|trained|licensed)\b|\bnot\s+being\s+(?:an?\s+)?(?:doctor|nurse|physician|psychiatrist|medical\s+professional)\b/i;
/** …and no denial of the helping role itself ("not a therapist", "not a licensed counsellor", "not a professional"). */
const NOT_THERAPIST = /\b(?:not|no|not\s+really)\s+(?:an?\s+)?(?:(?:licensed|certified|qualified|trained|registered|real|professional|mental\s+health|clinical|human|actual)\s+)*(?:therapist|counsel+or|psychologist|psychotherapist|professional|expert|clinician|mental\s+health\s+(?:worker|provider|specialist|professional)|social\s+worker|specialist)\b/i;
/**
 * A person saying what they are instead: "I'm not a therapist, just someone who's been through it", "not a
 * counsellor or anything — just a volunteer". A model's denial goes on to what it can offer ("…, but I can…").
 */
const PEER_INSTEAD = new RegExp(String.raw`\bnot\s+(?:really\s+)?(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:therapist|counsel+or|psychologist|professional|expert|doctor|nurse|clinician)(?:\s+or\s+(?:anything|something|whatever)(?:\s+like\s+that)?)?\s*(?:[,;:]|[—–]|\s-)?\s*(?:i${A}?m\s+|i\s+am\s+)?just\s+(?!an?\s+(?:ai|a\.i\.|bot|chatbot|language\s+model|model|machine|program|assistant|virtual)\b)(?:an?|another|some|someone|somebody|me|one|your|the)\b`, 'i');
/** The model's frame around such a denial: general content in place of care, or a professional to see instead. */
const GENERIC_OFFER = /\b(?:general|some|basic|helpful)\s+(?:information|advice|tips|suggestions|guidance|thoughts|insights?|ideas|support|strategies|resources|perspective)\b|\b(?:consult|see|seek|speak\s+(?:to|with)|talk\s+(?:to|with)|reach\s+out\s+to|check\s+with)\s+(?:an?|your|the)\s+(?:[\w-]+\s+){0,2}?(?:professional|doctor|gp|physician|therapist|specialist|provider|psychiatrist|pharmacist)\b|\bmedical\s+advice\b/i;

/** Disclaimer sentences of a text (offsets into it). */
export function findDisclaimers(text: string): DisclaimerMatch[] {
  if (!GATE.test(text)) return [];
  const found: DisclaimerMatch[] = [];
  for (const s of sentences(text)) {
    const value = text.slice(s.start, s.end);
    if (STANCE.test(value)) continue;
    const hit = PATTERNS.find((p) => p.re.test(value));
    if (!hit) continue;
    // "I'm not able to give you a diagnosis today, but we can talk about…": a limit of this session, with an offer.
    if (hit.kind === 'not-professional' && /\b(?:today|right\s+now|yet|at\s+this\s+point|in\s+this\s+session)\b/i.test(value) && /\bbut\s+(?:we|i)\s+(?:can|could|will)\b/i.test(value)) continue;
    // "I'm not a doctor, but what you describe sounds like panic", "I'm a peer worker, not a nurse": a counsellor,
    // a volunteer or a peer worker is not medical staff and says so. Denying a medical profession disclaims only
    // with the model's frame: general information offered in its place, or a professional to consult instead.
    if (hit.kind === 'not-professional' && MEDICAL_ONLY.test(value) && !NOT_THERAPIST.test(value) && !GENERIC_OFFER.test(value) && !GENERIC_OFFER.test(text.slice(s.end, s.end + 200))) continue;
    if (hit.kind === 'not-professional' && PEER_INSTEAD.test(value) && !GENERIC_OFFER.test(value)) continue;
    found.push({ start: s.start, end: s.end, kind: hit.kind });
  }
  return found;
}

/** Disclaimers of a turn, offsets relative to each text node, memoised per turn text. */
export function turnDisclaimers(turn: SessionTurn): Array<DisclaimerMatch & { textIndex: number }> {
  return (turn.features.detected.disclaimers ??= matchesPerText(turn.texts, (value) => findDisclaimers(value))) as Array<DisclaimerMatch & { textIndex: number }>;
}
