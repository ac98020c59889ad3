/**
 * Canned refusals and safety boilerplate: what a chat model says instead of a
 * therapeutic reply ("I cannot continue a conversation that discusses…").
 * Matches whole sentences; the patterns are deliberately specific so that a
 * therapist's ordinary "I can't tell you what to do" is not a refusal.
 */
import { DisjointSpans, SentenceGrower, type Span } from './sentence.ts';

const A = `['’]`;
const CANNOT = `(?:cannot|can${A}?t|can not|am unable to|${A}m unable to|am not able to|${A}m not able to|won${A}?t|will not|am not allowed to|${A}m not allowed to)`;

const PATTERNS: RegExp[] = [
  new RegExp(`\\bI ${CANNOT} (?:continue|engage in|participate in|carry on|have) (?:this|the|a|that|our|any) (?:conversation|discussion|chat|dialogue)\\b`, 'gi'),
  new RegExp(`\\bI ${CANNOT} (?:assist|help) (?:you )?with (?:that|this|your request|this request|that request)(?=\\s*(?:[.!,;]|$))`, 'gi'),
  new RegExp(`\\bI${A}m (?:really |so |very )?sorry,? (?:that you${A}re feeling this way,? )?but I ${CANNOT} (?:help|assist|provide|continue|engage|discuss|talk about|offer|give)\\b`, 'gi'),
  new RegExp(`\\bI${A}?m (?:unable|not able) to provide the (?:help|support|assistance) (?:that )?you need\\b`, 'gi'),
  new RegExp(`\\bI ${CANNOT} (?:provide|give|offer) (?:you (?:with )?)?(?:medical|professional|mental health|clinical|therapeutic|psychological) (?:advice|help|support|treatment|counsel(?:l?ing)?|diagnos\\w+)\\b`, 'gi'),
  new RegExp(`\\bI ${CANNOT} (?:discuss|talk about|engage with|engage in|respond to|assist with)(?: (?:topics?|content|conversations?|discussions?) (?:like|such as|related to|about|that (?:discuss|involve|promote)s?))? (?:self-harm|suicide|suicidal|self harm|this topic|that topic|such topics)\\b`, 'gi'),
  new RegExp(`\\b(?:it${A}s|that${A}s|this is) (?:not |outside )(?:within |of )?my (?:programming|capabilities|guidelines|scope as an AI)\\b`, 'gi'),
  new RegExp(`\\b(?:this|that|your) (?:request|content|message|conversation) (?:violates|goes against|is against) (?:my|our|the) (?:guidelines|policies|policy|content policy|usage policies)\\b`, 'gi'),
];

/** Every built-in pattern needs "I" with a refusing verb, or a policy word. */
const REFUSAL_GATE = /\bI(?:['’]m| am)?(?: really| so| very)?(?: sorry,? but I)? (?:cannot|can['’]?t|can not|unable|not able|won['’]?t|will not|not allowed)|\bI['’]?m (?:really |so |very )?sorry|programming|capabilit|guideline|polic/;

export interface RefusalMatch extends Span {
  /** The matched phrase, for messages. */
  phrase: string;
}

/** Refusal sentences in `text` (offsets into `text`), in order, not overlapping. */
export function findRefusals(text: string, extraPhrases: readonly string[] = []): RefusalMatch[] {
  // Most texts: nothing to look for (and nothing allocated).
  if (extraPhrases.length === 0 && !REFUSAL_GATE.test(text)) return [];
  // Kept sorted and checked against their neighbours; each pattern grows each sentence once.
  const found = new DisjointSpans<RefusalMatch>();
  const lower = extraPhrases.length > 0 ? text.toLowerCase().replace(/’/g, "'") : '';
  const add = (sentences: SentenceGrower, start: number, end: number) => {
    // A match inside a kept refusal: its sentence would overlap that one too.
    if (found.overlaps(start, end)) return;
    const sentence = sentences.grow(start, end);
    if (sentence) found.add({ ...sentence, phrase: text.slice(start, end) });
  };
  // Cheap gate: every built-in pattern needs one of these words.
  if (REFUSAL_GATE.test(text)) {
    for (const re of PATTERNS) {
      re.lastIndex = 0;
      const sentences = new SentenceGrower(text);
      for (let m = re.exec(text); m; m = re.exec(text)) add(sentences, m.index, m.index + m[0].length);
    }
  }
  for (const phrase of extraPhrases) {
    const needle = phrase.toLowerCase().replace(/’/g, "'").trim();
    if (!needle) continue;
    const sentences = new SentenceGrower(text);
    for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) add(sentences, i, i + needle.length);
  }
  return found.list;
}
