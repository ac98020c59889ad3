/**
 * The corpora `npm run eval` measures on (../shared/corpora and the seed),
 * what kind each is, and the labelled development set (test/data/gold) that
 * says what a careful reader would report in them.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Kind = 'real' | 'generated';

export interface Corpus {
  id: string;
  /** Files, absolute paths, sorted. */
  files: string[];
  /**
   * Which speakers' turns are real (their findings are false alarms unless
   * labelled) and which are generated (measured against the labels).
   */
  therapist: Kind;
  patient: Kind;
}

/** Rules that say something about the structure, not a defect: left out of the false-alarm counts. */
export const NOT_DEFECTS = new Set(['consecutive-turns', 'unknown-tag', 'tag-on-patient-turn']);

export function corpora(shared: string): Corpus[] {
  const dir = (name: string) => {
    const folder = path.join(shared, 'corpora', name);
    return fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.transcript'))
      .sort()
      .map((f) => path.join(folder, f));
  };
  return [
    { id: 'annomi', files: dir('annomi'), therapist: 'real', patient: 'real' },
    { id: 'esconv', files: dir('esconv'), therapist: 'real', patient: 'real' },
    { id: 'counsel-chat', files: dir('counsel-chat'), therapist: 'real', patient: 'real' },
    { id: 'mibot', files: dir('mibot'), therapist: 'generated', patient: 'real' },
    { id: 'mentalchat16k-7b-answers', files: dir('mentalchat16k-7b-answers'), therapist: 'generated', patient: 'real' },
    { id: 'seed', files: [path.join(shared, 'fixtures/seed-session.transcript')], therapist: 'generated', patient: 'generated' },
  ];
}

export interface GoldFinding {
  file: string;
  line: number;
  rule: string;
  note?: string;
}

export interface Gold {
  corpus: string;
  reviewed: Set<string>;
  findings: GoldFinding[];
  /**
   * Findings of the rules before this work that a reviewer read and judged
   * genuine, outside the reviewed sessions (real corpora only).
   */
  genuine: GoldFinding[];
}

/** The gold of a corpus, or undefined when none was labelled. */
export function readGold(root: string, corpus: string): Gold | undefined {
  const file = path.join(root, 'test/data/gold', `${corpus}.json`);
  if (!fs.existsSync(file)) return undefined;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { reviewed: string[]; findings: GoldFinding[] };
  const reviewed = new Set(raw.reviewed.map((f) => path.basename(f)));
  const review = path.join(root, 'test/data/gold', `${corpus}.review.jsonl`);
  const genuine: GoldFinding[] = [];
  if (fs.existsSync(review)) {
    for (const line of fs.readFileSync(review, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as GoldFinding & { verdict: string };
      if (r.verdict === 'true' && !reviewed.has(r.file)) genuine.push({ file: r.file, line: r.line, rule: r.rule, note: (r as { why?: string }).why });
    }
  }
  return { corpus, reviewed, findings: raw.findings.map((f) => ({ ...f, file: path.basename(f.file) })), genuine };
}
