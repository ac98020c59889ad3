/**
 * The labelled development set (test/data/gold) as a test: on every reviewed
 * session, the linter reports what the gold says, per turn and rule, except
 * for the known differences listed in test/data/gold/known.json (each with
 * its reason). A new difference is a regression; a listed one that went away
 * is an improvement to record by removing it from the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { Units, unitsOf } from '../../bench/eval/score.ts';
import { readGold, NOT_DEFECTS } from '../../bench/eval/corpora.ts';
import { ROOT } from '../helpers/paths.ts';
import { SHARED } from '../helpers/data.ts';

interface Difference {
  corpus: string;
  file: string;
  line: number;
  rule: string;
  kind: 'miss' | 'extra';
  why: string;
}

const known = (JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/gold/known.json'), 'utf8')) as { differences: Difference[] }).differences;
const CORPORA = ['seed', 'mibot', 'mentalchat16k-7b-answers', 'annomi', 'esconv', 'counsel-chat'];

for (const corpus of CORPORA) {
  test(`gold: ${corpus} — every labelled finding is reported and nothing else, but for the known differences`, () => {
    const gold = readGold(ROOT, corpus);
    assert.ok(gold, `no gold for ${corpus}`);
    assert.ok(gold.reviewed.size > 0);
    const dir = corpus === 'seed' ? path.join(SHARED, 'fixtures') : path.join(SHARED, 'corpora', corpus);
    const differences: string[] = [];
    let labelled = 0;
    for (const file of [...gold.reviewed].sort()) {
      const text = fs.readFileSync(path.join(dir, corpus === 'seed' ? 'seed-session.transcript' : file), 'utf8');
      const { session, messages } = analyze(text, { config: emptyConfig() });
      const units = new Units(session.tree);
      const found = new Map<string, number>();
      for (const m of messages) {
        if (NOT_DEFECTS.has(m.ruleId)) continue;
        const at = unitsOf({ ruleId: m.ruleId, line: m.start.line, related: m.related.map((r) => ({ line: r.start.line, message: r.message })) }, units);
        for (const unit of at) if (!found.has(`${m.ruleId}|${unit}`)) found.set(`${m.ruleId}|${unit}`, m.start.line);
      }
      const expected = new Map<string, number>();
      for (const g of gold.findings.filter((f) => f.file === file)) expected.set(`${g.rule}|${units.of(g.line)}`, g.line);
      labelled += expected.size;
      for (const [key, line] of expected) if (!found.has(key)) differences.push(`${file}|${line}|${key.split('|')[0]}|miss`);
      for (const [key, line] of found) if (!expected.has(key)) differences.push(`${file}|${line}|${key.split('|')[0]}|extra`);
    }
    const listed = known.filter((d) => d.corpus === corpus).map((d) => `${d.file}|${d.line}|${d.rule}|${d.kind}`);
    assert.deepEqual(differences.filter((d) => !listed.includes(d)), [], 'new differences from the gold (regressions)');
    assert.deepEqual(listed.filter((d) => !differences.includes(d)), [], 'known differences that went away: remove them from known.json');
    if (corpus === 'seed' || corpus === 'mibot' || corpus === 'mentalchat16k-7b-answers') assert.ok(labelled > 0);
  });
}

test('every known difference says why', () => {
  for (const d of known) assert.ok(d.why.length > 20, `${d.file}:${d.line} ${d.rule}`);
});
