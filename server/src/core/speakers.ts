/**
 * Speaker labels: the default table, user-configured names, and the lookup of
 * a label's role. Matching ignores case and repeated spaces.
 */
import type { Role } from './types.ts';

export const DEFAULT_SPEAKERS: Readonly<Record<string, Role>> = {
  Therapist: 'therapist',
  Counselor: 'therapist',
  Counsellor: 'therapist',
  Clinician: 'therapist',
  Doctor: 'therapist',
  Interviewer: 'therapist',
  Psychologist: 'therapist',
  Psychotherapist: 'therapist',
  Psychiatrist: 'therapist',
  T: 'therapist',
  Patient: 'patient',
  Client: 'patient',
  P: 'patient',
  C: 'patient',
};

const DEFAULT_KEYS = new Set(Object.keys(DEFAULT_SPEAKERS).map(labelKey));

/** Words that open header or note lines ("Note: …") and are never speakers. */
const NOT_SPEAKERS = new Set(
  [
    'note', 'notes', 'summary', 'session', 'date', 'time', 'duration', 'location',
    'homework', 'goal', 'goals', 'topic', 'topics', 'plan', 'example', 'examples',
    'step', 'tip', 'tips', 'assessment', 'diagnosis', 'observation', 'observations',
    'title', 'subject', 'warning', 'important', 'remember', 'reminder', 'objective',
    'objectives', 'outcome', 'outcomes', 'focus', 'agenda', 'feedback', 'context',
    'background', 'intervention', 'interventions', 'technique', 'techniques', 'task',
    'tasks', 'progress', 'mood', 'rating', 'score', 'key', 'insight', 'insights',
    'exercise', 'script', 'end', 'start', 'part', 'scene', 'setting', 'format',
    'http', 'https', 'mailto', 'quote', 'source', 'answer', 'question', 'response',
  ],
);

export interface SpeakerEntry {
  label: string;
  role: Role;
}

/** Normalise a label for lookup: lower case, single spaces, no trailing dot. */
export function labelKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

export class SpeakerTable {
  private readonly byKey = new Map<string, SpeakerEntry>();
  /** Lookups by the label exactly as written ("Therapist", "CLIENT "), which repeat on every turn. */
  private readonly byRaw = new Map<string, SpeakerEntry | null>();
  /** Labels long enough to be worth suggesting for a near miss. */
  private readonly suggestible: SpeakerEntry[] = [];

  constructor(extra: Readonly<Record<string, Role>> = {}) {
    for (const [label, role] of Object.entries({ ...DEFAULT_SPEAKERS, ...extra })) {
      const entry = { label, role };
      this.byKey.set(labelKey(label), entry);
      if (label.length >= 4) this.suggestible.push(entry);
    }
  }

  /** Is this one of the built-in labels (Therapist, Client, T …)? */
  isDefault(label: string): boolean {
    return DEFAULT_KEYS.has(labelKey(label));
  }

  get(label: string): SpeakerEntry | undefined {
    let entry = this.byRaw.get(label);
    if (entry === undefined) {
      entry = this.byKey.get(labelKey(label)) ?? null;
      if (this.byRaw.size < 10_000) this.byRaw.set(label, entry);
    }
    return entry ?? undefined;
  }

  /** Every configured label (defaults and user names). */
  labels(): SpeakerEntry[] {
    return [...this.byKey.values()];
  }

  /** Labels that can never be speakers (header words such as "Note"). */
  static isReserved(label: string): boolean {
    return NOT_SPEAKERS.has(labelKey(label).split(' ')[0] ?? '');
  }

  /**
   * The configured label closest to `label`, when it is a plausible typo:
   * Damerau–Levenshtein distance at most 1 for short labels, 2 for labels of 7+
   * letters. `undefined` when nothing is that close.
   */
  nearest(label: string): SpeakerEntry | undefined {
    const key = labelKey(label);
    let best: SpeakerEntry | undefined;
    let bestDistance = Infinity;
    for (const entry of this.suggestible) {
      const target = labelKey(entry.label);
      const limit = Math.min(target.length, key.length) >= 7 ? 2 : 1;
      if (Math.abs(target.length - key.length) > limit) continue;
      const d = editDistance(key, target, limit);
      if (d <= limit && d < bestDistance) {
        best = entry;
        bestDistance = d;
      }
    }
    return best;
  }
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition),
 * stopping early once every cell of a row exceeds `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prevPrev = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let current = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return rowMin;
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[m]!;
}
