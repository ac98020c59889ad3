#!/usr/bin/env node
// Checks the labelled technique sessions 28–42 (or the files given as arguments)
// and prints their counts.
//
//   node bench/data/technique-sessions/tools/check-b.mjs            # session-28 … session-42
//   node bench/data/technique-sessions/tools/check-b.mjs a.transcript b.transcript
//   node bench/data/technique-sessions/tools/check-b.mjs --min 6    # also require each id ≥ 6 times
//
// check-c.mjs runs the same checks on sessions 43–142, which also carry an MI code (`mi` option below).
//
// Checks, per file:
//   - the body is speaker turns separated by exactly one blank line; a turn may have several
//     paragraphs (separated by one blank line, never starting with a speaker label); a line that
//     starts with a speaker label always follows a blank line;
//   - an optional header (lines before the first turn) never starts with a speaker label and is
//     followed by a blank line;
//   - one therapist/client label pair per file, turns alternate between therapist and client;
//   - every therapist turn has 0 or 1 tag, placed right after the label; every tag id is one of
//     the 28 CBT ids; no client turn carries a tag; no other namespace ([mi:…]) and no malformed
//     tag such as "[cbt: x]" or "[CBT:x]";
//   - 40–60 turns.
// Prints per file: turns, therapist turns, tagged, untagged share; then per-id totals and the
// number of files each id occurs in. Exits 1 if any check fails. It is independent of the tool:
// it imports nothing from server/.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const IDS = [
  'agenda-setting', 'mood-check', 'homework-review', 'homework-assignment', 'goal-setting',
  'psychoeducation', 'socratic-questioning', 'thought-record', 'cognitive-distortion',
  'cognitive-restructuring', 'decatastrophizing', 'downward-arrow', 'core-beliefs',
  'behavioral-activation', 'activity-scheduling', 'behavioral-experiment', 'exposure',
  'problem-solving', 'role-play', 'relaxation', 'mindfulness', 'values-clarification',
  'self-compassion', 'safety-planning', 'validation', 'reflection', 'summarizing',
  'eliciting-feedback',
];
const ID_SET = new Set(IDS);
/** The MITI 4.2.1 codes sessions 43 on carry beside the CBT technique. */
export const MI_IDS = [
  'question', 'simple-reflection', 'complex-reflection', 'affirm', 'giving-information', 'persuade',
  'persuade-with-permission', 'seeking-collaboration', 'emphasizing-autonomy', 'confront',
];
const THERAPIST = new Set(['Therapist', 'Counselor', 'T']);
const CLIENT = new Set(['Client', 'Patient', 'C']);
const LABEL = /^(Therapist|Counselor|Client|Patient|T|C):(?: |$)/;
const MIN_TURNS = 40;
const MAX_TURNS = 60;

const here = path.dirname(fileURLToPath(import.meta.url));
const sessionsDir = path.resolve(here, '..');

function parseArgs(argv, from, to) {
  const files = [];
  let min = 0;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--min') {
      min = Number(argv[++i]);
      if (!Number.isInteger(min) || min < 0) throw new Error('--min needs a whole number');
    } else files.push(argv[i]);
  }
  if (files.length === 0) {
    for (let n = from; n <= to; n++) files.push(path.join(sessionsDir, `session-${n}.transcript`));
  }
  return { files, min };
}

/**
 * Checks one file; returns its counts and the problems found (each with a line number).
 * With `mi` (a set of MI codes), a therapist turn may also carry one [mi:…] tag, after the cbt tag.
 */
export function checkFile(text, { mi: miSet } = {}) {
  const problems = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();

  const firstTurn = lines.findIndex((l) => LABEL.test(l));
  if (firstTurn < 0) return { problems: [{ line: 1, msg: 'no speaker turn found' }], turns: [] };
  if (firstTurn > 0 && lines[firstTurn - 1] !== '') {
    problems.push({ line: firstTurn + 1, msg: 'the header must be followed by a blank line' });
  }

  const turns = [];
  let blankRun = 0;
  for (let i = firstTurn; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      if (line !== '') problems.push({ line: i + 1, msg: 'whitespace-only line (use an empty line)' });
      blankRun++;
      if (blankRun === 2) problems.push({ line: i + 1, msg: 'more than one blank line in a row' });
      continue;
    }
    const m = LABEL.exec(line);
    if (m) {
      if (i > firstTurn && blankRun === 0) {
        problems.push({ line: i + 1, msg: 'turn does not start after a blank line' });
      }
      turns.push({ speaker: m[1], line: i + 1, head: line.slice(m[0].length), rest: [] });
    } else {
      turns[turns.length - 1].rest.push({ line: i + 1, text: line });
    }
    blankRun = 0;
  }
  if (/\n\s*\n\s*$/.test(text)) problems.push({ line: lines.length, msg: 'trailing blank lines at end of file' });

  const tSpeakers = new Set(turns.filter((t) => THERAPIST.has(t.speaker)).map((t) => t.speaker));
  const cSpeakers = new Set(turns.filter((t) => CLIENT.has(t.speaker)).map((t) => t.speaker));
  if (tSpeakers.size !== 1 || cSpeakers.size !== 1) {
    problems.push({ line: firstTurn + 1, msg: `expected one therapist and one client label, found ${[...tSpeakers, ...cSpeakers].join(', ')}` });
  }
  if (turns.length < MIN_TURNS || turns.length > MAX_TURNS) {
    problems.push({ line: firstTurn + 1, msg: `${turns.length} turns (expected ${MIN_TURNS}–${MAX_TURNS})` });
  }

  for (let k = 0; k < turns.length; k++) {
    const t = turns[k];
    const isTherapist = THERAPIST.has(t.speaker);
    if (k > 0 && isTherapist === THERAPIST.has(turns[k - 1].speaker)) {
      problems.push({ line: t.line, msg: `two ${isTherapist ? 'therapist' : 'client'} turns in a row` });
    }
    if (t.head.trim() === '' && t.rest.length === 0) problems.push({ line: t.line, msg: 'empty turn' });

    // Anything that looks like a tag, well-formed or not, anywhere in the turn.
    const bodies = [{ line: t.line, text: t.head }, ...t.rest];
    const found = [];
    for (const b of bodies) {
      for (const mm of b.text.matchAll(/\[\s*([A-Za-z]+)\s*:\s*([^\]\s]*)\s*\]/g)) {
        found.push({ line: b.line, raw: mm[0], ns: mm[1], id: mm[2], atStart: b === bodies[0] && mm.index === 0 });
      }
    }
    const tags = [];
    const mi = [];
    for (const f of found) {
      if (f.raw !== `[${f.ns}:${f.id}]` || f.ns !== f.ns.toLowerCase()) {
        problems.push({ line: f.line, msg: `malformed tag ${f.raw}` });
      } else if (f.ns === 'cbt') {
        tags.push(f);
      } else if (f.ns === 'mi' && miSet) {
        mi.push(f);
      } else {
        problems.push({ line: f.line, msg: `tag outside the ${miSet ? 'cbt and mi namespaces' : 'cbt namespace'}: ${f.raw}` });
      }
    }
    if (!isTherapist && found.length) problems.push({ line: t.line, msg: `client turn is tagged (${found.map((f) => f.raw).join(' ')})` });
    if (isTherapist) {
      if (tags.length > 1) problems.push({ line: t.line, msg: `therapist turn has ${tags.length} ${miSet ? 'cbt ' : ''}tags` });
      if (mi.length > 1) problems.push({ line: t.line, msg: `therapist turn has ${mi.length} mi tags` });
      for (const f of tags) {
        if (!ID_SET.has(f.id)) problems.push({ line: f.line, msg: `unknown technique id ${f.id}` });
        if (!miSet && !f.atStart) problems.push({ line: f.line, msg: `tag ${f.raw} is not right after the label` });
      }
      for (const f of mi) if (!miSet.has(f.id)) problems.push({ line: f.line, msg: `unknown MI code ${f.id}` });
      const expected = [...tags, ...mi].map((f) => f.raw).join(' ');
      if (miSet && expected && !t.head.startsWith(expected + ' ')) {
        problems.push({ line: t.line, msg: `tags must come right after the label, cbt first, one space apart: ${expected}` });
      }
      t.tag = tags.length === 1 && ID_SET.has(tags[0].id) ? tags[0].id : undefined;
      t.mi = mi.length === 1 && miSet.has(mi[0].id) ? mi[0].id : undefined;
    }
  }
  return { problems, turns };
}

/** Checks the files of the arguments (or sessions `from`…`to`) and prints their counts; with `mi`, the MI codes too. */
export function main(argv, { from = 28, to = 42, mi: withMi = false } = {}) {
  const miSet = withMi ? new Set(MI_IDS) : undefined;
  const miCounts = new Map(MI_IDS.map((id) => [id, 0]));
  let miUncoded = 0;
  const { files, min } = parseArgs(argv, from, to);
  const perId = new Map(IDS.map((id) => [id, { n: 0, files: new Set() }]));
  const total = { files: 0, turns: 0, therapist: 0, tagged: 0 };
  let failed = false;
  const rows = [];

  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`${file}: cannot read (${e.code ?? e.message})`);
      failed = true;
      continue;
    }
    const name = path.basename(file);
    const { problems, turns } = checkFile(text, { mi: miSet });
    for (const p of problems) console.error(`${name}:${p.line}: ${p.msg}`);
    if (problems.length) failed = true;
    const therapist = turns.filter((t) => THERAPIST.has(t.speaker));
    const tagged = therapist.filter((t) => t.tag);
    for (const t of therapist) {
      if (t.mi) miCounts.set(t.mi, miCounts.get(t.mi) + 1);
      else miUncoded++;
    }
    for (const t of tagged) {
      perId.get(t.tag).n++;
      perId.get(t.tag).files.add(name);
    }
    const labels = [...new Set(turns.map((t) => t.speaker))].join('/');
    rows.push([name, labels, turns.length, therapist.length, tagged.length, therapist.length - tagged.length]);
    total.files++;
    total.turns += turns.length;
    total.therapist += therapist.length;
    total.tagged += tagged.length;
  }

  const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : '-');
  console.log('file                    labels               turns  therapist  tagged  untagged');
  for (const [name, labels, turns, th, tg, un] of rows) {
    console.log(`${name.padEnd(24)}${labels.padEnd(21)}${String(turns).padStart(5)}${String(th).padStart(11)}${String(tg).padStart(8)}${String(un).padStart(6)} (${pct(un, th)})`);
  }
  console.log(`${'total'.padEnd(45)}${String(total.turns).padStart(5)}${String(total.therapist).padStart(11)}${String(total.tagged).padStart(8)}${String(total.therapist - total.tagged).padStart(6)} (${pct(total.therapist - total.tagged, total.therapist)})`);
  console.log('');
  console.log('technique id               tagged  files');
  for (const id of IDS) {
    const { n, files: f } = perId.get(id);
    const low = min && n < min ? `   < ${min}` : '';
    console.log(`${id.padEnd(27)}${String(n).padStart(6)}${String(f.size).padStart(7)}${low}`);
    if (low) failed = true;
  }
  if (withMi) {
    console.log('');
    console.log('mi code                    tagged');
    for (const [id, n] of miCounts) console.log(`${id.padEnd(27)}${String(n).padStart(6)}`);
    console.log(`${'(no mi code)'.padEnd(27)}${String(miUncoded).padStart(6)}`);
  }
  if (min) console.log(`\nevery id at least ${min} times: ${[...perId.values()].every((v) => v.n >= min) ? 'yes' : 'no'}`);
  if (failed) {
    console.error('\ncheck failed');
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
