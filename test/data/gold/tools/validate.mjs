#!/usr/bin/env node
// Check the gold files: every record's file is a session of the corpus and is in
// `reviewed`, its line is inside the file and not blank, its rule is one the
// labelling guide defines (and labels), and no record is given twice.
//
//   node test/data/gold/tools/validate.mjs [gold.json …]   (default: every *.json in test/data/gold)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selected, sessionPath, sessions } from './corpus.mjs';

const goldDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The rules of the guide's table, read from the README so the two cannot drift apart. */
function guideRules() {
  const readme = readFileSync(join(goldDir, 'README.md'), 'utf8');
  const rules = new Set();
  for (const m of readme.matchAll(/^\| `([a-z-]+)` \|/gm)) rules.add(m[1]);
  return rules;
}

const RULES = guideRules();
const NOT_LABELLED = new Set(['consecutive-turns', 'unknown-tag', 'tag-on-patient-turn']);
const TURN = /^(Therapist|Patient|Client|Counsel(?:l)?or|T|C|P):/;

const targets = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(goldDir).filter((f) => f.endsWith('.json')).map((f) => join(goldDir, f));

let errors = 0;
const fail = (where, msg) => {
  errors++;
  console.error(`${where}: ${msg}`);
};

for (const target of targets) {
  const name = basename(target);
  let gold;
  try {
    gold = JSON.parse(readFileSync(target, 'utf8'));
  } catch (e) {
    fail(name, `not JSON: ${e.message}`);
    continue;
  }
  const corpus = gold.corpus;
  if (typeof corpus !== 'string') {
    fail(name, 'no "corpus"');
    continue;
  }
  if (name !== `${corpus}.json`) fail(name, `corpus "${corpus}" does not match the file name`);
  if (typeof gold.labeller !== 'string' || !gold.labeller) fail(name, 'no "labeller"');
  if (!Array.isArray(gold.reviewed) || !Array.isArray(gold.findings)) {
    fail(name, '"reviewed" and "findings" must be arrays');
    continue;
  }
  const known = new Set(sessions(corpus));
  const reviewed = new Set(gold.reviewed);
  if (reviewed.size !== gold.reviewed.length) fail(name, 'a session is listed twice in "reviewed"');
  for (const f of gold.reviewed) if (!known.has(f)) fail(name, `reviewed "${f}" is not a session of ${corpus}`);
  const expected = selected(corpus);
  const missing = expected.filter((f) => !reviewed.has(f));
  if (missing.length) fail(name, `${missing.length} session(s) of the development set not reviewed: ${missing.slice(0, 3).join(', ')}…`);

  const cache = new Map();
  const linesOf = (f) => {
    if (!cache.has(f)) {
      const p = sessionPath(corpus, f);
      cache.set(f, existsSync(p) ? readFileSync(p, 'utf8').split(/\r\n|\n|\r/) : null);
    }
    return cache.get(f);
  };
  const seen = new Set();
  gold.findings.forEach((r, i) => {
    const where = `${name} #${i} (${r.file}:${r.line} ${r.rule})`;
    for (const k of Object.keys(r)) if (!['file', 'line', 'rule', 'note'].includes(k)) fail(where, `unknown key "${k}"`);
    if (!known.has(r.file)) return fail(where, 'no such session');
    if (!reviewed.has(r.file)) fail(where, 'session not in "reviewed"');
    if (!RULES.has(r.rule)) fail(where, `rule not in the guide (${[...RULES].join(', ')})`);
    else if (NOT_LABELLED.has(r.rule)) fail(where, 'the guide says this rule is not labelled');
    if (typeof r.note !== 'string' || r.note.trim().length < 3) fail(where, 'no note');
    const lines = linesOf(r.file);
    if (!Number.isInteger(r.line) || r.line < 1 || r.line > lines.length) return fail(where, `line outside the file (1–${lines.length})`);
    if (lines[r.line - 1].trim() === '') fail(where, 'blank line');
    // The turn that holds the line (-1: the header), for the duplicate check.
    let turn = -1;
    for (let l = 0; l < r.line; l++) if (TURN.test(lines[l])) turn = l;
    const key = `${r.file}|${turn}|${r.rule}|${r.line}`;
    if (seen.has(key)) fail(where, 'the same record twice');
    seen.add(key);
  });
  console.log(`${name}: ${gold.reviewed.length} sessions reviewed, ${gold.findings.length} findings`);
}
if (errors) {
  console.error(`${errors} problem(s)`);
  process.exit(1);
}
console.log('ok');
