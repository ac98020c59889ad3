/** Paths of the shared data (beside the clone, as in CI) and small readers. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.ts';

export const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');
export const SEED = path.join(SHARED, 'fixtures/seed-session.transcript');
export const ANNOMI_DIR = path.join(SHARED, 'corpora/annomi');

export interface LabelRow {
  file: string;
  turn: number;
  line: number;
  speaker: 'therapist' | 'client';
  behaviour: string | null;
  question: boolean | null;
  reflection: boolean | null;
}

export function readLabels(): LabelRow[] {
  return fs
    .readFileSync(path.join(ANNOMI_DIR, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LabelRow);
}

export function annomiFiles(): string[] {
  return fs
    .readdirSync(ANNOMI_DIR)
    .filter((f) => f.endsWith('.transcript'))
    .sort()
    .map((f) => path.join(ANNOMI_DIR, f));
}
