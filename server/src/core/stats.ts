/**
 * A supervisor's summary of a session: who talks how much, the therapist's
 * questions and reflections, and the technique tags — against the MITI 4.2.1
 * thresholds when the session is an MI session, as CTRS coverage when it is
 * a CBT one. Built from the per-turn features, so after an edit only changed
 * turns are recomputed.
 *
 * What kind of session it is comes from its tags and the codebook: a tag
 * whose entry has a MITI code makes it MI, one with a CTRS item makes it CBT
 * (both can hold). An untagged session is neither, and no norm is quoted.
 */
import type { Session } from './session.ts';
import type { Role } from './types.ts';
import type { Codebook } from './codebook.ts';
import { turnForm, type TurnForm } from './detect/question.ts';
import { defineAnalysis } from './incremental/analysis.ts';

/** The 11 items of the Cognitive Therapy Rating Scale, in its order. */
export const CTRS_ITEMS = [
  'Agenda',
  'Feedback',
  'Understanding',
  'Interpersonal effectiveness',
  'Collaboration',
  'Pacing and efficient use of time',
  'Guided discovery',
  'Focus on key cognitions or behaviours',
  'Strategy for change',
  'Application of CBT techniques',
  'Homework',
] as const;

/** MITI 4.2.1 summary-score thresholds (Moyers et al. 2014, revised 2016). */
export const MITI_THRESHOLDS = {
  /** Reflections per question: fair 1:1, good 2:1. */
  reflectionToQuestion: { fair: 1, good: 2 },
  /** Complex reflections among all reflections: fair 40%, good 50%. */
  complexReflections: { fair: 0.4, good: 0.5 },
} as const;

export type Band = 'below fair' | 'fair' | 'good';

export interface SessionKind {
  mi: boolean;
  cbt: boolean;
  /** "MI", "CBT", "MI and CBT", or "untagged" (no technique tags of either). */
  label: string;
}

export interface MiFigures {
  /** Where the counts come from: the MITI tags (Q, SR, CR), or the detector when the session has none of them. */
  source: 'tags' | 'detected';
  questions: number;
  reflections: number;
  simple: number;
  complex: number;
  /** Reflections per question (undefined without questions). */
  reflectionToQuestion?: number;
  /** Complex reflections among reflections (undefined when reflections are not coded simple/complex). */
  complexShare?: number;
  rqBand?: Band;
  crBand?: Band;
}

export interface CtrsCoverage {
  /** Every CTRS item, with the tags that cover it (none: not covered). */
  items: Array<{ item: string; count: number; tags: Array<{ tag: string; label: string; count: number }> }>;
  covered: number;
  total: number;
}

export interface SessionStats {
  turns: Record<Role, number>;
  words: Record<Role, number>;
  /** The therapist's share of all words (0–1). */
  therapistTalkRatio: number;
  /** Turns and words per speaker label, in order of first appearance. */
  speakers: Array<{ speaker: string; role: Role; turns: number; words: number; share: number }>;
  /** The therapist's questions that count (tag questions and closing courtesies left out). */
  questions: { open: number; closed: number };
  reflections: number;
  /** Reflections per question (0 without questions). */
  reflectionToQuestion: number;
  /** Tag counts by `namespace:id`, with the technique's label and CTRS item. */
  tags: Array<{ tag: string; label: string; ctrs?: string; miti?: string; count: number }>;
  /** Tag counts by CTRS item (cbt namespace). */
  ctrs: Record<string, number>;
  untaggedTherapistTurns: number;
  /** Indexes of the therapist turns without a technique tag. */
  untaggedTurns: number[];
  kind: SessionKind;
  /** MI sessions only. */
  mi?: MiFigures;
  /** CBT sessions only. */
  ctrsCoverage?: CtrsCoverage;
}

/** The short MITI code of a codebook entry ("Complex Reflection (CR)" → "CR"). */
export function mitiCode(miti: string | undefined): string | undefined {
  if (!miti) return undefined;
  const m = /\(([^()]+)\)\s*$/.exec(miti);
  return (m ? m[1]! : miti).trim();
}

/** Is a tag MI or CBT evidence, by its codebook entry (or its namespace, for an id the codebook lacks)? */
function tagFamily(codebook: Codebook | undefined, namespace: string, id: string): 'mi' | 'cbt' | undefined {
  const entry = codebook?.get(namespace, id);
  if (entry?.miti) return 'mi';
  if (entry?.ctrs) return 'cbt';
  if (!entry) return namespace === 'mi' ? 'mi' : namespace === 'cbt' ? 'cbt' : undefined;
  // An entry with neither: its namespace decides when its siblings do.
  const siblings = [...(codebook?.entries(namespace) ?? [])];
  if (siblings.some((e) => e.miti)) return 'mi';
  if (siblings.some((e) => e.ctrs)) return 'cbt';
  return undefined;
}

export function band(value: number | undefined, thresholds: { fair: number; good: number }): Band | undefined {
  if (value === undefined) return undefined;
  return value >= thresholds.good ? 'good' : value >= thresholds.fair ? 'fair' : 'below fair';
}

/** A therapist turn's form, memoised on its text. */
const turnForms = defineAnalysis({ id: 'turn-form', per: 'turn', compute: (turn) => turnForm(turn.features.text) });

export function therapistForm(turn: Session['turns'][number]): TurnForm {
  return turn.get(turnForms);
}

/** The session's statistics, computed once for it: `session.get(statistics)`. */
export const statistics = defineAnalysis({
  id: 'stats',
  per: 'session',
  *compute(session) {
    return sessionStats(session);
  },
});

export function sessionStats(session: Session): SessionStats {
  const turns: Record<Role, number> = { therapist: 0, patient: 0, other: 0 };
  const words: Record<Role, number> = { therapist: 0, patient: 0, other: 0 };
  const bySpeaker = new Map<string, { speaker: string; role: Role; turns: number; words: number }>();
  let open = 0;
  let closed = 0;
  let reflections = 0;
  const untaggedTurns: number[] = [];
  const tagCounts = new Map<string, number>();
  const codes = { Q: 0, SR: 0, CR: 0 };
  let miTags = 0;
  let cbtTags = 0;
  const codebook = session.codebook;
  for (const turn of session.turns) {
    turns[turn.role]++;
    words[turn.role] += turn.features.words;
    const key = `${turn.role}\u0000${turn.node.speaker}`;
    const speaker = bySpeaker.get(key) ?? bySpeaker.set(key, { speaker: turn.node.speaker, role: turn.role, turns: 0, words: 0 }).get(key)!;
    speaker.turns++;
    speaker.words += turn.features.words;
    const techniqueTags = turn.tags.filter((t) => t.namespace !== 'ignore');
    for (const tag of techniqueTags) {
      const name = `${tag.namespace}:${tag.id}`;
      tagCounts.set(name, (tagCounts.get(name) ?? 0) + 1);
      const family = tagFamily(codebook, tag.namespace, tag.id);
      if (family === 'mi') {
        miTags++;
        const code = mitiCode(codebook?.get(tag.namespace, tag.id)?.miti);
        if (code === 'Q' || code === 'SR' || code === 'CR') codes[code]++;
      } else if (family === 'cbt') cbtTags++;
    }
    if (turn.role !== 'therapist') continue;
    if (techniqueTags.length === 0) untaggedTurns.push(turn.index);
    const form = therapistForm(turn);
    if (form.question === 'open') open++;
    else if (form.question === 'closed') closed++;
    if (form.reflection) reflections++;
  }
  const totalWords = words.therapist + words.patient + words.other;
  const questions = open + closed;
  const ctrs: Record<string, number> = {};
  const tags = [...tagCounts]
    .map(([tag, count]) => {
      const [namespace, id] = tag.split(':') as [string, string];
      const entry = codebook?.get(namespace, id);
      if (entry?.ctrs) ctrs[entry.ctrs] = (ctrs[entry.ctrs] ?? 0) + count;
      return { tag, label: entry?.label ?? tag, ...(entry?.ctrs ? { ctrs: entry.ctrs } : {}), ...(entry?.miti ? { miti: entry.miti } : {}), count };
    })
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  const kind: SessionKind = {
    mi: miTags > 0,
    cbt: cbtTags > 0,
    label: miTags > 0 && cbtTags > 0 ? 'MI and CBT' : miTags > 0 ? 'MI' : cbtTags > 0 ? 'CBT' : 'untagged',
  };
  const stats: SessionStats = {
    turns,
    words,
    therapistTalkRatio: totalWords ? words.therapist / totalWords : 0,
    speakers: [...bySpeaker.values()].map((s) => ({ ...s, share: totalWords ? s.words / totalWords : 0 })),
    questions: { open, closed },
    reflections,
    reflectionToQuestion: questions ? reflections / questions : 0,
    tags,
    ctrs,
    untaggedTherapistTurns: untaggedTurns.length,
    untaggedTurns,
    kind,
  };
  if (kind.mi) stats.mi = miFigures(codes, { questions, reflections });
  if (kind.cbt) stats.ctrsCoverage = ctrsCoverage(tags);
  return stats;
}

function miFigures(codes: { Q: number; SR: number; CR: number }, detected: { questions: number; reflections: number }): MiFigures {
  const fromTags = codes.Q + codes.SR + codes.CR > 0;
  const questions = fromTags ? codes.Q : detected.questions;
  const reflections = fromTags ? codes.SR + codes.CR : detected.reflections;
  const figures: MiFigures = { source: fromTags ? 'tags' : 'detected', questions, reflections, simple: fromTags ? codes.SR : 0, complex: fromTags ? codes.CR : 0 };
  if (questions > 0) {
    figures.reflectionToQuestion = reflections / questions;
    figures.rqBand = band(figures.reflectionToQuestion, MITI_THRESHOLDS.reflectionToQuestion);
  }
  if (fromTags && reflections > 0) {
    figures.complexShare = codes.CR / reflections;
    figures.crBand = band(figures.complexShare, MITI_THRESHOLDS.complexReflections);
  }
  return figures;
}

function ctrsCoverage(tags: SessionStats['tags']): CtrsCoverage {
  const extra = [...new Set(tags.map((t) => t.ctrs).filter((c): c is string => !!c && !(CTRS_ITEMS as readonly string[]).includes(c)))];
  const items = [...CTRS_ITEMS, ...extra].map((item) => {
    const covering = tags.filter((t) => t.ctrs === item).map((t) => ({ tag: t.tag, label: t.label, count: t.count }));
    return { item, count: covering.reduce((n, t) => n + t.count, 0), tags: covering };
  });
  return { items, covered: items.filter((i) => i.count > 0 && (CTRS_ITEMS as readonly string[]).includes(i.item)).length, total: CTRS_ITEMS.length };
}

/** "1 word", "2 words": a count with its noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** A ratio as every view shows it (the code lens, the report, the CLI): two decimals. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(2);
}

/** A share as a whole percentage. */
export function formatShare(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)}%`;
}

/** The R:Q a view shows: the MI figures' in an MI session (from its MITI tags when it has them), else the detector's. */
export function shownReflectionToQuestion(stats: SessionStats): number | undefined {
  if (stats.mi) return stats.mi.reflectionToQuestion;
  return stats.questions.open + stats.questions.closed > 0 ? stats.reflectionToQuestion : undefined;
}

/** One line for a code lens or a status bar. MITI norms only in an MI session. */
export function statsLine(stats: SessionStats): string {
  const rq = shownReflectionToQuestion(stats);
  const norm = stats.mi?.rqBand ? `, ${stats.mi.rqBand} by MITI` : '';
  const parts = [plural(stats.turns.therapist + stats.turns.patient + stats.turns.other, 'turn'), `therapist ${formatShare(stats.therapistTalkRatio)} of words`];
  // The counts the ratio is made of: the MITI tags' in an MI session coded with them, else the detector's.
  if (stats.mi?.source === 'tags') parts.push(`${plural(stats.mi.questions, 'question')} (tagged)`, `${plural(stats.mi.reflections, 'reflection')} (R:Q ${formatRatio(rq)}${norm})`);
  else {
    parts.push(
      `${plural(stats.questions.open + stats.questions.closed, 'question')} (${stats.questions.open} open)`,
      `${plural(stats.reflections, 'reflection')} (R:Q ${formatRatio(rq)}${norm})`,
    );
  }
  if (stats.mi?.complexShare !== undefined) parts.push(`${formatShare(stats.mi.complexShare)} complex`);
  if (stats.ctrsCoverage) parts.push(`CTRS ${stats.ctrsCoverage.covered}/${stats.ctrsCoverage.total} items`);
  const tagged = stats.tags.reduce((n, t) => n + t.count, 0);
  if (tagged > 0) parts.push(`${plural(tagged, 'tag')}, ${plural(stats.untaggedTherapistTurns, 'therapist turn')} untagged`);
  return parts.join(' · ');
}
