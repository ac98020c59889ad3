/**
 * The team's written training lines (`train/data/<prefix>-*.jsonl`, one JSON
 * object with a `text` a line), read in file order with their held-out flag:
 * every fourth line by a hash of its text, the same split on every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { featureKey } from '../server/src/core/model/featurize.ts';
import { ROOT } from './data.ts';

export const LINES_DIR = path.join(ROOT, 'train/data');

/** The rows of `<prefix>-*.jsonl`, texts trimmed, empty ones left out, and repeats too unless `unique` is false. */
export function writtenRows<R extends { text: string }>(prefix: string, unique = true): Array<R & { heldOut: boolean }> {
  const out: Array<R & { heldOut: boolean }> = [];
  const seen = new Set<string>();
  const name = new RegExp(`^${prefix}-.*\\.jsonl$`);
  for (const file of fs.readdirSync(LINES_DIR).filter((f) => name.test(f)).sort()) {
    for (const line of fs.readFileSync(path.join(LINES_DIR, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as R;
      const text = row.text.trim();
      if (!text || (unique && seen.has(text))) continue;
      seen.add(text);
      out.push({ ...row, text, heldOut: featureKey('split', text) % 4 === 0 });
    }
  }
  return out;
}
