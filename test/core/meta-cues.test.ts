import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { metaScore } from '../../server/src/core/detect/artifacts.ts';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';

/**
 * generation-artifact reads a clause with its cues only when the clause has one of the cue words (most have none):
 * the filter must never drop a clause a cue scores. Held here over clauses written to score and not to score —
 * the meta-text model's training lines, the dev phrasings of the injected families, the seed, the team's sessions —
 * in every placement. A cue added without its word in `CUE_WORD` fails this test.
 */
test('generation-artifact: the cue-word filter never changes a clause’s score', () => {
  const texts: string[] = [fs.readFileSync(SEED, 'utf8')];
  for (const file of fs.readdirSync(path.join(ROOT, 'train/data'))) {
    for (const line of fs.readFileSync(path.join(ROOT, 'train/data', file), 'utf8').split('\n')) if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
  }
  const phrasings = path.join(ROOT, 'test/data/inject/phrasings');
  // (A phrasing is its text, or an object holding it with where it goes.)
  for (const file of fs.readdirSync(phrasings)) {
    for (const p of (JSON.parse(fs.readFileSync(path.join(phrasings, file), 'utf8')) as { dev?: Array<string | { text: string }> }).dev ?? []) texts.push(typeof p === 'string' ? p : p.text);
  }
  const sessions = path.join(ROOT, 'bench/data/technique-sessions');
  for (const file of fs.readdirSync(sessions).filter((f) => f.endsWith('.transcript'))) texts.push(fs.readFileSync(path.join(sessions, file), 'utf8'));

  const clauses = new Set<string>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const speech = line.replace(/^[^:\n]{1,30}:\s*/, '');
      clauses.add(speech);
      for (const clause of speech.split(/(?<=[.!?;])\s+/)) clauses.add(clause);
    }
  }
  const placements = [
    { first: false, last: false, ownLine: false, header: false },
    { first: true, last: false, ownLine: false, header: false, lineEnd: true },
    { first: false, last: true, ownLine: false, header: false },
    { first: false, last: false, ownLine: true, header: false },
  ];
  let scored = 0;
  for (const clause of clauses) {
    for (const at of placements) {
      const score = metaScore(clause, at);
      assert.equal(score, metaScore(clause, at, true), `${JSON.stringify(clause)} at ${JSON.stringify(at)}`);
      if (score > 0) scored++;
    }
  }
  // The clauses include the generator's framing the cues exist for: the comparison is not over zeros alone.
  assert.ok(scored > 500, `${scored} scored placements`);
});
