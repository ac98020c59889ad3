#!/usr/bin/env node
// Compare a gold file with the linter's report, per turn as the labelling guide
// defines it: a finding of rule R anywhere in the turn that holds a gold record's
// line (or in the header, before the first turn) matches that record.
// Lists the gold records the linter misses and the linter findings no gold record
// covers, for review; prints per-rule counts. It never edits the gold.
//
//   npm run build && node bin/transcript-lint.js --format json <files> > lint.json
//   node test/data/gold/tools/compare.mjs test/data/gold/<corpus>.json lint.json
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sessionPath, TURN_LABEL } from './corpus.mjs';

const NOT_LABELLED = new Set(['consecutive-turns', 'unknown-tag', 'tag-on-patient-turn']);
const [goldPath, lintPath] = process.argv.slice(2);
if (!goldPath || !lintPath) {
  console.error('usage: compare.mjs <gold.json> <transcript-lint --format json output>');
  process.exit(2);
}
const gold = JSON.parse(readFileSync(goldPath, 'utf8'));
const lint = JSON.parse(readFileSync(lintPath, 'utf8'));

/** The line of the label of the turn that holds `line` (0: the header). */
const turnStarts = new Map();
function turnOf(file, line) {
  if (!turnStarts.has(file)) {
    const lines = readFileSync(sessionPath(gold.corpus, file), 'utf8').split(/\r\n|\n|\r/);
    turnStarts.set(file, lines.map((l, i) => (TURN_LABEL.test(l) ? i + 1 : 0)).filter(Boolean));
  }
  let start = 0;
  for (const s of turnStarts.get(file)) if (s <= line) start = s;
  return start;
}

const reviewed = new Set(gold.reviewed);
const tool = []; // { file, line, rule, reason }
for (const f of lint) {
  const file = basename(f.path);
  if (!reviewed.has(file)) continue;
  for (const m of f.messages) {
    if (!m.ruleId || NOT_LABELLED.has(m.ruleId)) continue;
    tool.push({ file, line: m.line, rule: m.ruleId, reason: m.reason });
  }
}
const key = (file, line, rule) => `${file}|${turnOf(file, line)}|${rule}`;
const toolKeys = new Set(tool.map((t) => key(t.file, t.line, t.rule)));
const goldKeys = new Set(gold.findings.map((g) => key(g.file, g.line, g.rule)));

const rules = new Map();
const row = (r) => {
  if (!rules.has(r)) rules.set(r, { gold: 0, found: 0, missed: 0, extra: 0 });
  return rules.get(r);
};
console.log('## gold records the linter misses');
for (const g of gold.findings) {
  const hit = toolKeys.has(key(g.file, g.line, g.rule));
  row(g.rule).gold++;
  if (hit) row(g.rule).found++;
  else {
    row(g.rule).missed++;
    console.log(`MISS ${g.file}:${g.line} ${g.rule} — ${g.note}`);
  }
}
console.log('\n## linter findings no gold record covers');
const seenExtra = new Set();
for (const t of tool) {
  const k = key(t.file, t.line, t.rule);
  if (goldKeys.has(k) || seenExtra.has(k)) continue;
  seenExtra.add(k);
  row(t.rule).extra++;
  console.log(`EXTRA ${t.file}:${t.line} ${t.rule} — ${t.reason}`);
}
console.log('\n## per rule (gold records; found; missed; turns flagged without a gold record)');
for (const [r, c] of [...rules].sort()) console.log(`${r.padEnd(22)} gold ${c.gold}  found ${c.found}  missed ${c.missed}  extra ${c.extra}`);
