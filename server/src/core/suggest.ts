/**
 * Technique suggestions: every entry of a namespace ranked for a turn by the
 * shipped model's probability (`model/`, trained by `npm run train` on
 * AnnoMI and the team's CBT sessions), with "no technique" ranked among
 * them, each with reasons a trainee can check against the turn ("an open
 * question; the words 'evidence', 'sure'"). Local and deterministic.
 *
 * A namespace no model ranks (one a workspace codebook adds) is ranked by its
 * cue phrases alone; so is every namespace if the model file cannot be read.
 */
import type { Codebook, CodebookEntry } from './codebook.ts';
import type { Session } from './session.ts';
import { matchCues } from './model/cues.ts';
import { turnContext } from './model/context.ts';
import { entryProbabilities } from './model/predict.ts';
import { reasonsFrom } from './model/reasons.ts';

export { normalizeForCues } from './model/cues.ts';

export interface Suggestion {
  entry: CodebookEntry;
  /** The model's probability that the turn uses this technique (0–1). */
  probability: number;
  reasons: string[];
}

/** "No technique": the turn is small talk, a greeting, a backchannel. */
export interface NoTechnique {
  probability: number;
  reasons: string[];
}

export type RankedItem = ({ kind: 'technique' } & Suggestion) | ({ kind: 'none' } & NoTechnique);

export interface SuggestTarget {
  session: Session;
  /** The turn being tagged. */
  turn: number;
  /** The text to score: one paragraph or a selection; the whole turn when left out. */
  text?: string;
  namespace?: string;
}

export interface Ranking {
  namespace: string;
  /**
   * Every entry of the namespace, most likely first, and "no technique":
   * first when nothing is likelier, else last (it offers itself only when
   * nothing is likely, and never takes a technique's place among the first).
   */
  items: RankedItem[];
  /** Ranked by the namespace's model (false: by cue phrases only). */
  model: boolean;
  /** Why no model ranked it, when one should have (the model file could not be read). */
  problem?: string;
}

/** How many of the first items get reasons (the light bulb shows three per namespace, the picker five). */
const EXPLAINED = 6;

/** Every entry of the namespace (and no technique, see `Ranking.items`) ranked for the target; the first few with reasons. */
export function rankTechniques(codebook: Codebook, target: SuggestTarget): Ranking {
  const namespace = target.namespace ?? 'cbt';
  const context = turnContext(target.session, target.turn, target.text);
  let problem: string | undefined;
  try {
    const ranked = entryProbabilities(codebook, namespace, context, { explain: EXPLAINED });
    if (ranked) {
      const items: RankedItem[] = [];
      for (const r of ranked) {
        const reasons = reasonsFrom(r.because, r.cues);
        if (r.id === null) items.push({ kind: 'none', probability: r.probability, reasons });
        else {
          const entry = codebook.get(namespace, r.id);
          if (entry) items.push({ kind: 'technique', entry, probability: r.probability, reasons });
        }
      }
      return { namespace, items: noneFirstOrLast(items), model: true };
    }
  } catch (error) {
    problem = (error as Error).message;
  }
  return { namespace, items: cueRanking(codebook, namespace, context.text), model: false, ...(problem ? { problem } : {}) };
}

function noneFirstOrLast(items: RankedItem[]): RankedItem[] {
  const at = items.findIndex((item) => item.kind === 'none');
  if (at <= 0) return items;
  return [...items.slice(0, at), ...items.slice(at + 1), items[at]!];
}

/** The entries whose cues the text matches, by cue weight, then "no technique". */
function cueRanking(codebook: Codebook, namespace: string, text: string): RankedItem[] {
  const matches = [...matchCues(codebook, namespace, text)].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1));
  const total = matches.reduce((sum, [, m]) => sum + m.score, 0) + 1;
  const items: RankedItem[] = matches.map(([id, m]) => ({
    kind: 'technique',
    entry: codebook.get(namespace, id)!,
    probability: m.score / total,
    reasons: reasonsFrom([], m.matched),
  }));
  items.push({ kind: 'none', probability: 1 / total, reasons: matches.length ? [] : ['no cue phrase of the codebook'] });
  return items;
}

/** The best `limit` techniques for the target (no "no technique" entry), best first. */
export function suggestTechniques(codebook: Codebook, target: SuggestTarget, limit = 3): Suggestion[] {
  const out: Suggestion[] = [];
  for (const item of rankTechniques(codebook, target).items) {
    if (item.kind !== 'technique') continue;
    out.push({ entry: item.entry, probability: item.probability, reasons: item.reasons });
    if (out.length >= limit) break;
  }
  return out;
}
