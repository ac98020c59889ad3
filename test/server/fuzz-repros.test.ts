/**
 * Every minimized failure the fuzz runs found (test/data/fuzz-cases, saved
 * by `npm run fuzz`), replayed: each passes now, and stays passing.
 */
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { checkFixCase, type FixCase } from '../fuzz/fixes.ts';
import { ROOT } from '../helpers/paths.ts';

const DIR = path.join(ROOT, 'test/data/fuzz-cases');

for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  const repro = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { property: string; input: FixCase; error: string };
  test(`fuzz repro ${file} (${repro.property}): ${repro.error.slice(0, 90)}`, async () => {
    await checkFixCase(repro.input);
  });
}
