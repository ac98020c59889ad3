#!/usr/bin/env node
/**
 * Checks gold-finding files and their review files against the corpora they point into.
 *
 *   node test/data/gold/tools/real/validate.mjs                         the real corpora (annomi, esconv, counsel-chat)
 *   node test/data/gold/tools/real/validate.mjs test/data/gold/x.json   any gold file(s)
 *   ... --lint <corpus>=<lint.json>                                     also check that the review file covers every
 *                                                                       finding of `transcript-lint --format json` (repeatable)
 *
 * Gold file (<corpus>.json, see ../../README.md): corpus, labeller, reviewed[], findings[{file, line, rule, note}].
 *   - every reviewed file exists (once); every finding's file exists and is in `reviewed`;
 *   - `line` is an integer inside the file and the line is not blank;
 *   - `rule` is one of the rules the guide labels; `note` says something;
 *   - at most two records per rule and turn, and no two identical records.
 * Review file (<corpus>.review.jsonl, optional): one {file, line, rule, verdict "true"|"false", why, sample?} a line.
 *   - file exists, line inside it and not blank, rule is a rule of the linter, verdict and why present;
 *   - `sample` (when given) agrees with `reviewed`;
 *   - in a reviewed session, a "true" verdict has a gold finding of that rule in that turn and a "false" one has none.
 * Exit code 1 when anything fails, with one message per problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GOLD_DIR = path.resolve(HERE, '../..');
const ROOT = path.resolve(GOLD_DIR, '../../..');
const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');

/** Rules a gold record may use (README, "What each rule means"). */
const GOLD_RULES = new Set([
  'repeated-turn', 'unanswered-question', 'truncated-turn', 'role-confusion', 'generation-artifact', 'leaked-label',
  'canned-refusal', 'ai-disclaimer', 'outdated-crisis-line', 'mojibake', 'empty-turn', 'unknown-speaker',
]);
/** Rules the linter reports (a review may judge any of them). */
const LINT_RULES = new Set([...GOLD_RULES, 'consecutive-turns', 'unknown-tag', 'tag-on-patient-turn']);
/** A line that opens a turn: a speaker label at the start of the line. */
const TURN_LABEL = /^\s*(?:\*\*)?[A-Za-z][\w .'-]{0,40}?(?:\*\*)?\s*:/;

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

const args = process.argv.slice(2);
const lintFiles = new Map();
const goldFiles = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--lint') {
    const [corpus, file] = String(args[i + 1] ?? '').split('=');
    if (!corpus || !file) {
      process.stderr.write('validate: --lint needs <corpus>=<lint.json>\n');
      process.exit(2);
    }
    lintFiles.set(corpus, path.resolve(file));
    i += 1;
  } else goldFiles.push(path.resolve(args[i]));
}
if (!goldFiles.length) for (const c of ['annomi', 'esconv', 'counsel-chat']) goldFiles.push(path.join(GOLD_DIR, `${c}.json`));

const cache = new Map();
/** The lines of a corpus file (null when it does not exist). */
function linesOf(corpus, file) {
  const full = corpus === 'seed' ? path.join(SHARED, 'fixtures', file) : path.join(SHARED, 'corpora', corpus, file);
  if (!cache.has(full)) {
    cache.set(full, fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8').split(/\r\n|\r|\n/) : null);
  }
  return cache.get(full);
}

/** 1-based line of the label of the turn that holds `line` (0 for the header). */
function turnOf(lines, line) {
  for (let i = line; i >= 1; i -= 1) {
    const text = lines[i - 1];
    const previousBlank = i === 1 || lines[i - 2].trim() === '';
    if (previousBlank && TURN_LABEL.test(text)) return i;
  }
  return 0;
}

function checkLine(where, corpus, file, line) {
  const lines = linesOf(corpus, file);
  if (!lines) {
    fail(where, `no file ${file} in ${corpus}`);
    return null;
  }
  if (!Number.isInteger(line) || line < 1 || line > lines.length) {
    fail(where, `line ${line} is outside ${file} (1..${lines.length})`);
    return null;
  }
  if (lines[line - 1].trim() === '') fail(where, `line ${line} of ${file} is blank`);
  return lines;
}

let goldCount = 0;
let reviewCount = 0;
for (const goldPath of goldFiles) {
  const name = path.relative(ROOT, goldPath);
  if (!fs.existsSync(goldPath)) {
    fail(name, 'no such gold file');
    continue;
  }
  let gold;
  try {
    gold = JSON.parse(fs.readFileSync(goldPath, 'utf8'));
  } catch (error) {
    fail(name, `not JSON: ${error.message}`);
    continue;
  }
  const corpus = gold.corpus;
  if (typeof corpus !== 'string' || !corpus) {
    fail(name, 'no "corpus"');
    continue;
  }
  if (corpus !== 'seed' && !fs.existsSync(path.join(SHARED, 'corpora', corpus))) fail(name, `no corpus folder ${corpus}`);
  if (typeof gold.labeller !== 'string' || !gold.labeller.trim()) fail(name, 'no "labeller"');
  if (!Array.isArray(gold.reviewed) || !gold.reviewed.length) fail(name, '"reviewed" must list the sessions read');
  if (!Array.isArray(gold.findings)) fail(name, '"findings" must be an array');
  const reviewed = new Set();
  for (const file of gold.reviewed ?? []) {
    if (reviewed.has(file)) fail(name, `${file} is listed twice in "reviewed"`);
    reviewed.add(file);
    if (!linesOf(corpus, file)) fail(name, `reviewed file ${file} does not exist in ${corpus}`);
  }

  const perTurn = new Map(); // file:turn:rule -> count
  const seen = new Set();
  const goldTurns = new Set(); // file:turn:rule
  for (const [index, f] of (gold.findings ?? []).entries()) {
    const where = `${name} findings[${index}]`;
    goldCount += 1;
    if (!f || typeof f !== 'object') {
      fail(where, 'not an object');
      continue;
    }
    if (!GOLD_RULES.has(f.rule)) fail(where, `rule "${f.rule}" is not one the guide labels`);
    if (typeof f.note !== 'string' || !f.note.trim()) fail(where, 'no "note"');
    if (!reviewed.has(f.file)) fail(where, `${f.file} is not in "reviewed"`);
    const lines = checkLine(where, corpus, f.file, f.line);
    const key = JSON.stringify([f.file, f.line, f.rule, f.note]);
    if (seen.has(key)) fail(where, 'the same record twice');
    seen.add(key);
    if (lines) {
      const turn = `${f.file}:${turnOf(lines, f.line)}:${f.rule}`;
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
      if (perTurn.get(turn) === 3) fail(where, `more than two ${f.rule} records in one turn of ${f.file}`);
      goldTurns.add(turn);
    }
  }

  const reviewPath = goldPath.replace(/\.json$/, '.review.jsonl');
  const reviewedFindings = new Map(); // file:line:rule -> count
  if (fs.existsSync(reviewPath)) {
    const rname = path.relative(ROOT, reviewPath);
    const text = fs.readFileSync(reviewPath, 'utf8');
    text.split('\n').forEach((raw, i) => {
      if (!raw.trim()) return;
      const where = `${rname}:${i + 1}`;
      let r;
      try {
        r = JSON.parse(raw);
      } catch (error) {
        fail(where, `not JSON: ${error.message}`);
        return;
      }
      reviewCount += 1;
      if (!LINT_RULES.has(r.rule)) fail(where, `rule "${r.rule}" is not a rule of the linter`);
      if (r.verdict !== 'true' && r.verdict !== 'false') fail(where, 'verdict must be "true" or "false"');
      if (typeof r.why !== 'string' || !r.why.trim()) fail(where, 'no "why"');
      const inSample = reviewed.has(r.file);
      if ('sample' in r && r.sample !== inSample) fail(where, `"sample": ${r.sample} but ${r.file} is ${inSample ? '' : 'not '}in "reviewed"`);
      const lines = checkLine(where, corpus, r.file, r.line);
      const k = `${r.file}:${r.line}:${r.rule}`;
      reviewedFindings.set(k, (reviewedFindings.get(k) ?? 0) + 1);
      if (lines && inSample && GOLD_RULES.has(r.rule)) {
        const has = goldTurns.has(`${r.file}:${turnOf(lines, r.line)}:${r.rule}`);
        if (r.verdict === 'true' && !has) fail(where, `verdict "true" but no gold ${r.rule} finding in that turn of ${r.file}`);
        if (r.verdict === 'false' && has) fail(where, `verdict "false" but the gold has a ${r.rule} finding in that turn of ${r.file}`);
      }
    });
  }

  if (lintFiles.has(corpus)) {
    const lint = JSON.parse(fs.readFileSync(lintFiles.get(corpus), 'utf8'));
    const wanted = new Map();
    for (const result of lint) {
      for (const m of result.messages ?? []) {
        if (m.ruleId === 'consecutive-turns') continue; // informational, not labelled
        const k = `${path.basename(result.path)}:${m.line}:${m.ruleId}`;
        wanted.set(k, (wanted.get(k) ?? 0) + 1);
      }
    }
    for (const [k, n] of wanted) {
      const got = reviewedFindings.get(k) ?? 0;
      if (got < n) fail(`${corpus} review`, `linter finding ${k} reported ${n}x, reviewed ${got}x`);
    }
  }
}

if (problems.length) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} problem(s)\n`);
  process.exit(1);
}
process.stdout.write(`ok: ${goldFiles.length} gold file(s), ${goldCount} finding(s), ${reviewCount} review record(s)\n`);
