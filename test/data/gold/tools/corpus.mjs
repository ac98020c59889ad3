// Shared helpers for the gold-labelling tools: where the corpora live, which
// sessions of a corpus are in the development set, and how a line opens a turn.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root (test/data/gold/tools → ../../../..). */
export const REPO = resolve(here, '..', '..', '..', '..');
/** ../shared relative to the worktree, overridable for another checkout layout. */
export const SHARED = process.env.TRANSCRIPT_SHARED ?? resolve(REPO, '..', 'shared');
export const SEED = join(SHARED, 'fixtures', 'seed-session.transcript');

/** The folder of a corpus ("seed" is the single fixture file). */
export function corpusDir(corpus) {
  return corpus === 'seed' ? dirname(SEED) : join(SHARED, 'corpora', corpus);
}

/** Every session of a corpus, sorted by code point (the order `LC_ALL=C ls` gives). */
export function sessions(corpus) {
  if (corpus === 'seed') return ['seed-session.transcript'];
  return readdirSync(corpusDir(corpus))
    .filter((f) => f.endsWith('.transcript'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The development set of a corpus: which positions of the sorted list are labelled. */
export const SELECTION = {
  seed: { every: 1 },
  mibot: { every: 2 }, // index 0, 2, 4, … (53 sessions)
  'mentalchat16k-7b-answers': { every: 4 }, // index 0, 4, 8, … (75 sessions)
};

export function selected(corpus) {
  const sel = SELECTION[corpus];
  if (!sel) throw new Error(`unknown corpus "${corpus}" (known: ${Object.keys(SELECTION).join(', ')})`);
  return sessions(corpus).filter((_, i) => i % sel.every === 0);
}

/** The path of a session file of a corpus. */
export function sessionPath(corpus, file) {
  return corpus === 'seed' ? SEED : join(corpusDir(corpus), file);
}

/** A line that opens a turn in these corpora: a short label at line start, then a colon. */
export const TURN_LABEL = /^(Therapist|Patient|Client|Counsel(?:l)?or|T|C|P):/;
