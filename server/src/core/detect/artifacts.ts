/**
 * Generation artifacts: text about the transcript rather than in it, left by
 * the model or the pipeline that produced it.
 */
import type { SpeakerTable } from '../speakers.ts';
import { DisjointSpans, SentenceGrower, type Span } from './sentence.ts';

export type ArtifactKind =
  | 'preamble'
  | 'ai-disclaimer'
  | 'end-marker'
  | 'special-token'
  | 'stage-note'
  | 'placeholder'
  | 'leaked-label';

export interface ArtifactMatch extends Span {
  kind: ArtifactKind;
  /** For a leaked label: the label as written. */
  label?: string;
}

const A = `['’]`;
const END_WORDS = `(?:the )?(?:conversation|session|transcript|dialogue|chat|role-?play|interaction|therapy session|excerpt)`;

interface Pattern {
  kind: ArtifactKind;
  re: RegExp;
  /** Grow the match to its whole sentence. */
  sentence?: boolean;
}

const PATTERNS: Pattern[] = [
  // "Here's a continuation of the therapy session:", "Here is the rest of the transcript."
  {
    kind: 'preamble',
    re: new RegExp(`\\bHere(?:${A}s| is| are) (?:a |an |the |my )?(?:\\w+[ -]){0,3}?(?:continuation|continued version|remainder|rest of the (?:conversation|session|transcript|dialogue)|transcript|simulated|fictional|role-?played|revised version|rewritten version)\\b[^\\n]*?(?:[:.!]+(?=\\s|$)|$)`, 'gi'),
  },
  // "Sure! Here is the next part of the conversation:" at the start of a text.
  {
    kind: 'preamble',
    re: new RegExp(`^(?:Sure|Certainly|Of course|Absolutely)[!,.]? (?:here(?:${A}s| is| are)|below is|I${A}ll (?:continue|write|generate|provide))\\b[^\\n]*?:+(?=\\s|$)`, 'gi'),
  },
  { kind: 'ai-disclaimer', re: /\bAs an AI(?: language model| model| assistant|, I)?\b/g, sentence: true },
  { kind: 'ai-disclaimer', re: new RegExp(`\\bI${A}m (?:just |only )?an AI(?: language model| assistant)?\\b`, 'g'), sentence: true },
  {
    kind: 'end-marker',
    re: new RegExp(`[\\[(]\\s*(?:End|END|The End|End of ${END_WORDS}|${END_WORDS} (?:ends|continues|concluded?)|Continued?|To be continued|Transcript (?:ends|continues))\\s*[.…]*\\s*[\\])]`, 'gi'),
  },
  {
    kind: 'end-marker',
    re: new RegExp(`\\*{1,2}\\s*(?:End of ${END_WORDS}|The ${END_WORDS} (?:ends|continues|concludes)[^*\\n]*)\\s*\\*{1,2}`, 'gi'),
  },
  { kind: 'special-token', re: /<\|(?:endoftext|im_end|im_start|eot_id|end|start_header_id|end_header_id)\|>|<\/s>|\[\/?INST\]|<<\/?SYS>>|^#{2,3} ?(?:Instruction|Response|Assistant|User):?/gm },
  {
    kind: 'stage-note',
    re: new RegExp(`\\((?:Note: )?(?:this|the) (?:conversation|transcript|dialogue|session) (?:is|was) (?:fictional|simulated|an example|hypothetical|generated)[^)]*\\)`, 'gi'),
  },
  {
    kind: 'placeholder',
    re: /\[(?:Your|Patient|Client|Therapist|Counselor|User)(?:['’]s)? [Nn]ame\]|\[(?:Insert|Therapist's response|Patient's response|Client's response)[^\]]*\]/g,
  },
];

/**
 * A speaker label at the start of a turn's text ("T: Counselor: I hear you")
 * or after a sentence inside it ("…I see. Patient: Yes").
 */
function leakedLabels(text: string, speakers: SpeakerTable): ArtifactMatch[] {
  const found: ArtifactMatch[] = [];
  const re = /(^|[.!?]["'”’]?[ \t]+)(\*\*)?([A-Z][A-Za-z]*(?: [A-Z][A-Za-z.]*)?)(\*\*)?:(\*\*)?[ \t]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[3]!;
    if (!speakers.get(label) || label.length < 2 && m[1] !== '') continue;
    const start = m.index + m[1]!.length;
    found.push({ start, end: m.index + m[0].length, kind: 'leaked-label', label });
  }
  return found;
}

/**
 * Every pattern above needs one of these (rare) words or marks; most turns
 * have none and are skipped after one scan.
 */
const ARTIFACT_GATE =
  /continu|transcript|simulat|fictional|hypothetical|generated|role-?play|remainder|revised|rewritten|\bend\b|\bAI\b|<\||<\/s>|<<|##|\[(?:\/?INST|Insert|Your|Patient|Client|Therapist|Counselor|User)|^(?:Sure|Certainly|Of course|Absolutely)\b/im;

/** Artifacts in one text (offsets into it), in order, not overlapping. */
export function findArtifacts(text: string, speakers: SpeakerTable): ArtifactMatch[] {
  const found = new DisjointSpans<ArtifactMatch>();
  const gated = ARTIFACT_GATE.test(text);
  if (!gated && !text.includes(':')) return found.list;
  for (const { kind, re, sentence } of gated ? PATTERNS : []) {
    re.lastIndex = 0;
    const sentences = new SentenceGrower(text);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      const start = m.index;
      const end = start + m[0].length;
      if (!sentence) {
        found.add({ start, end, kind });
        continue;
      }
      // A match inside a kept artifact: its sentence would overlap that artifact too.
      if (found.overlaps(start, end)) continue;
      const span = sentences.grow(start, end);
      if (span) found.add({ ...span, kind });
    }
  }
  if (text.includes(':')) for (const match of leakedLabels(text, speakers)) found.add(match);
  return found.list;
}
