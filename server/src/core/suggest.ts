/**
 * Technique suggestions: a transparent, local scorer. Every point a technique
 * gets comes with a reason a trainee can read ("matched: 'thought record'",
 * "asks an open question", "early in the session"). No model, no network.
 *
 * Signals:
 * - cue phrases from the codebook, matched as whole words (a trailing `*`
 *   matches any word with that stem); longer phrases weigh more;
 * - the turn's form: an open or closed question, a reflection;
 * - its position in the session (agenda and mood check early, homework and
 *   feedback late);
 * - its neighbours: the patient's preceding turn (feelings, absolute
 *   thoughts) and the technique of the previous tagged therapist turn.
 */
import type { Codebook, CodebookEntry } from './codebook.ts';
import type { Session } from './session.ts';
import { detectQuestion, looksLikeReflection } from './question.ts';

export interface Suggestion {
  entry: CodebookEntry;
  score: number;
  reasons: string[];
}

export interface SuggestTarget {
  session: Session;
  /** The turn being tagged. */
  turn: number;
  /** The text to score: the turn, one paragraph, or a selection. */
  text: string;
  namespace?: string;
}

interface CompiledCue {
  cue: string;
  /** The cue as it appears in normalised text, padded: " what evidence ". */
  needle: string;
  weight: number;
}

const compiled = new WeakMap<Codebook, Map<string, CompiledCue[]>>();

/** Lower case, straight apostrophes, words separated by single spaces, padded with spaces. */
export function normalizeForCues(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}'\- ]+/gu, ' ')
    .replace(/(^|\s)['-]+|['-]+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

function cuesOf(codebook: Codebook): Map<string, CompiledCue[]> {
  let byEntry = compiled.get(codebook);
  if (byEntry) return byEntry;
  byEntry = new Map();
  for (const entry of codebook.entries()) {
    const cues: CompiledCue[] = [];
    const name = normalizeForCues(entry.label).trim();
    for (const cue of entry.cues) {
      const stem = cue.endsWith('*');
      const body = normalizeForCues(stem ? cue.slice(0, -1) : cue).trim();
      if (!body) continue;
      const words = body.split(' ').length;
      // Naming the technique itself ("thought record") is the strongest cue of all.
      const weight = (1 + 0.5 * (words - 1)) * (body === name ? 2 : 1) + (body === name ? 0.5 : 0);
      cues.push({ cue, needle: stem ? ` ${body}` : ` ${body} `, weight });
    }
    byEntry.set(`${entry.namespace}:${entry.id}`, cues);
  }
  compiled.set(codebook, byEntry);
  return byEntry;
}

const FEELINGS =
  /\b(?:feel|feeling|felt|scared|afraid|anxious|anxiety|panic|sad|depressed|down|angry|upset|hurt|overwhelmed|ashamed|guilty|lonely|hopeless|worried|terrified|embarrassed|frustrated|exhausted|cry|crying|cried)\b/i;
const ABSOLUTE_THOUGHTS = /\b(?:always|never|everyone|no one|nobody|nothing|everything|failure|useless|stupid|worthless|ruined|disaster|can't stand|should have)\b/i;

/** Ranked suggestions for a turn, paragraph or selection, best first. */
export function suggestTechniques(codebook: Codebook, target: SuggestTarget, limit = 3): Suggestion[] {
  const namespace = target.namespace ?? 'cbt';
  const cues = cuesOf(codebook);
  const text = normalizeForCues(target.text);
  const scores = new Map<string, Suggestion>();
  const add = (id: string, points: number, reason: string) => {
    const entry = codebook.get(namespace, id);
    if (!entry) return;
    let s = scores.get(id);
    if (!s) scores.set(id, (s = { entry, score: 0, reasons: [] }));
    s.score += points;
    s.reasons.push(reason);
  };

  // 1. Cue phrases.
  for (const entry of codebook.entries(namespace)) {
    const matched: string[] = [];
    let points = 0;
    for (const cue of cues.get(`${namespace}:${entry.id}`) ?? []) {
      if (!text.includes(cue.needle)) continue;
      matched.push(cue.cue);
      points += cue.weight;
    }
    if (matched.length > 0) add(entry.id, points, `matched: ${matched.slice(0, 4).map((c) => `'${c}'`).join(', ')}`);
  }

  // 2. The form of the turn.
  const question = detectQuestion(target.text);
  const reflection = !question && looksLikeReflection(target.text);
  const words = text.trim().split(' ').length;
  if (namespace === 'mi') {
    if (question) add('question', 2, `asks ${question.type === 'open' ? 'an open' : 'a closed'} question`);
    if (reflection) {
      const complex = words > 14 || /\b(?:sounds like|part of you|on the one hand|on the other hand|as if|almost like)\b/.test(text);
      add(complex ? 'complex-reflection' : 'simple-reflection', 2, complex ? 'reflects with added meaning' : 'restates what was said');
    }
    if (!question && !reflection && words > 25) add('giving-information', 0.8, 'a longer statement without a question');
  } else {
    // The form is a weak signal: many techniques are delivered as questions or
    // restatements, so it counts fully only when no technique's cues matched.
    const cued = scores.size > 0 ? 0.3 : 1;
    if (question?.type === 'open') add('socratic-questioning', 0.8 * cued, 'asks an open question');
    else if (question) add('socratic-questioning', 0.3 * cued, 'asks a question');
    if (reflection) {
      add('reflection', 1.2 * cued, 'restates what the patient said');
      add('validation', 0.3 * cued, 'speaks to the patient’s experience');
    }
    if (!question && words > 60) add('psychoeducation', 0.5, 'a long explanation');
  }

  // 3. Position in the session.
  const turns = target.session.turns;
  const at = turns.length > 1 ? target.turn / (turns.length - 1) : 0.5;
  if (namespace === 'cbt' && turns.length >= 8) {
    if (at <= 0.15) {
      add('agenda-setting', 0.4, 'early in the session');
      add('mood-check', 0.4, 'early in the session');
      add('homework-review', 0.3, 'early in the session');
    } else if (at >= 0.85) {
      add('homework-assignment', 0.4, 'late in the session');
      add('summarizing', 0.3, 'late in the session');
      add('eliciting-feedback', 0.4, 'late in the session');
    }
  }

  // 4. Neighbours: what the patient just said, and the previous tagged technique.
  const self = turns[target.turn];
  if (namespace === 'cbt' && self) {
    const previous = turns[target.turn - 1];
    if (previous && previous.role !== self.role) {
      const said = previous.features.text;
      if (FEELINGS.test(said)) {
        add('validation', 0.4, 'follows the patient speaking of feelings');
        add('reflection', 0.2, 'follows the patient speaking of feelings');
      }
      if (ABSOLUTE_THOUGHTS.test(said)) {
        add('cognitive-distortion', 0.3, 'follows an absolute thought ("always", "never", "failure")');
        add('socratic-questioning', 0.2, 'follows an absolute thought');
      }
    }
    for (let i = target.turn - 1; i >= 0 && i >= target.turn - 4; i--) {
      const before = turns[i]!;
      if (before.role !== self.role) continue;
      const tag = before.tags.find((t) => t.namespace === namespace);
      if (tag) add(tag.id, 0.4, `continues the previous turn's ${codebook.get(namespace, tag.id)?.label.toLowerCase() ?? tag.id}`);
      break;
    }
  }

  return [...scores.values()]
    .sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id))
    .slice(0, limit);
}
