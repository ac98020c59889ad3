/**
 * The codebook's cue phrases, matched as whole words in a turn (a trailing
 * `*` matches any word with that stem; longer phrases and the technique's own
 * name weigh more). One input of the technique models: its weight is shared
 * by every class, so a technique with few training examples, or one a
 * workspace codebook adds, is still suggested where its cues are.
 */
import type { Codebook } from '../codebook.ts';

interface CompiledCue {
  cue: string;
  /** Its first word (a stem's first word is checked as a prefix). */
  first: string;
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
      const words1 = body.split(' ');
      cues.push({ cue, first: words1.length > 1 || !stem ? words1[0]! : '', needle: stem ? ` ${body}` : ` ${body} `, weight });
    }
    byEntry.set(`${entry.namespace}:${entry.id}`, cues);
  }
  compiled.set(codebook, byEntry);
  return byEntry;
}

export interface CueMatch {
  /** log(1 + the summed weights of the matched cues): what the models read. */
  score: number;
  matched: string[];
}

/** The cues of each entry of `namespace` found in `text` (entries without a match are left out). */
export function matchCues(codebook: Codebook, namespace: string, text: string): Map<string, CueMatch> {
  const cues = cuesOf(codebook);
  const out = new Map<string, CueMatch>();
  const ns = codebook.namespaces.get(namespace);
  if (!ns) return out;
  const normalised = normalizeForCues(text);
  // A cue can match only where its first word is a word of the text.
  const words = new Set(normalised.split(' '));
  for (const entry of ns.entries.values()) {
    let points = 0;
    const matched: string[] = [];
    for (const cue of cues.get(`${namespace}:${entry.id}`) ?? []) {
      if (cue.first !== '' && !words.has(cue.first)) continue;
      if (!normalised.includes(cue.needle)) continue;
      matched.push(cue.cue);
      points += cue.weight;
    }
    if (matched.length > 0) out.set(entry.id, { score: Math.log1p(points), matched });
  }
  return out;
}
