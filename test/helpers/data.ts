/** Paths of the shared data (beside the clone, as in CI) and small readers. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.ts';

export const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');
export const SEED = path.join(SHARED, 'fixtures/seed-session.transcript');
export const ANNOMI_DIR = path.join(SHARED, 'corpora/annomi');

/** One line of AnnoMI's labels.jsonl (see its README). */
export interface LabelRow {
  file: string;
  turn: number;
  line: number;
  speaker: 'therapist' | 'client';
  behaviour: string | null;
  question: boolean | null;
  question_type: 'open' | 'closed' | null;
  reflection: boolean | null;
  reflection_type: 'simple' | 'complex' | null;
  input: boolean | null;
  input_type: string | null;
  client_talk: string | null;
}

export function readLabels(dir = ANNOMI_DIR): LabelRow[] {
  return fs
    .readFileSync(path.join(dir, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LabelRow);
}

/** The labels grouped by file, each list in turn order. */
export function labelsByFile(dir = ANNOMI_DIR): Map<string, LabelRow[]> {
  const byFile = new Map<string, LabelRow[]>();
  for (const row of readLabels(dir)) {
    const list = byFile.get(row.file);
    if (list) list.push(row);
    else byFile.set(row.file, [row]);
  }
  return byFile;
}

export function annomiFiles(): string[] {
  return fs
    .readdirSync(ANNOMI_DIR)
    .filter((f) => f.endsWith('.transcript'))
    .sort()
    .map((f) => path.join(ANNOMI_DIR, f));
}
