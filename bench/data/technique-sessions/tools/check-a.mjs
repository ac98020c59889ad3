#!/usr/bin/env node
/**
 * Checks the labelled CBT sessions 13–27 (writer A) and prints their counts.
 *
 *   node bench/data/technique-sessions/tools/check-a.mjs [file …]
 *
 * Without arguments it checks session-13.transcript … session-27.transcript
 * next to this folder. It reads the files on its own (no import from the
 * tool), so the counts are independent of the parser under test.
 *
 * Errors (exit code 1):
 *   - a therapist turn with more than one tag, or a tag not right after the label;
 *   - a tag id that is not one of the 28 CBT ids, or a tag of another namespace;
 *   - a tag on a client (or other non-therapist) turn;
 *   - a turn that does not follow a blank line, or two blank lines in a row;
 *   - two consecutive turns by the same speaker;
 *   - a file outside 40–60 turns or 20–30 therapist turns;
 *   - across all checked files, an id used fewer than 8 times (only when the
 *     default set of 15 files is checked).
 * Warnings: untagged therapist turns outside 10–25% of a file.
 */
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
const THERAPIST = new Set(['Therapist', 'Counselor', 'Counsellor', 'T']);
const CLIENT = new Set(['Client', 'Patient', 'C']);
const MIN_PER_ID = 8;

const here = path.dirname(fileURLToPath(import.meta.url));
const sessionsDir = path.resolve(here, '..');
const defaultFiles = Array.from({ length: 15 }, (_, i) => path.join(sessionsDir, `session-${13 + i}.transcript`));
const args = process.argv.slice(2);
const files = args.length ? args.map((f) => path.resolve(f)) : defaultFiles;

/** A line that opens with something shaped like a speaker label. */
const LABEL = /^([A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,2}):(?:[ \t]|$)/;
/** Anything that looks like a tag, strict or not, of any namespace. */
const ANY_TAG = /\[\s*([a-z]+)\s*:\s*([^\]\s]*)\s*\]/gi;

const errors = [];
const warnings = [];
const total = { files: 0, turns: 0, therapist: 0, client: 0, tagged: 0 };
const perId = new Map(IDS.map((id) => [id, 0]));
const filesPerId = new Map(IDS.map((id) => [id, new Set()]));
const rows = [];

for (const file of files) {
  const name = path.basename(file);
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    errors.push(`${name}: cannot read (${e.code ?? e.message})`);
    continue;
  }
  const err = (line, msg) => errors.push(`${name}:${line}: ${msg}`);
  if (text.includes('\r')) err(1, 'carriage return found (use LF line endings)');
  if (!text.endsWith('\n')) err(text.split('\n').length, 'file does not end with a newline');
  const lines = text.replace(/\r/g, '').split('\n');

  // Speakers: the standard labels, plus any other label that opens two or more lines
  // (names in couple and group sessions; a one-off "Notes:" in a header is not a speaker).
  const opens = new Map();
  for (const line of lines) {
    const m = LABEL.exec(line);
    if (m) opens.set(m[1], (opens.get(m[1]) ?? 0) + 1);
  }
  const isSpeaker = (label) => THERAPIST.has(label) || CLIENT.has(label) || (opens.get(label) ?? 0) >= 2;

  // Turns: a line opening with a speaker label starts one (it should follow a blank line);
  // other non-blank lines continue the current turn; lines before the first turn are the header.
  const turns = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      if (i > 0 && i < lines.length - 1 && lines[i - 1].trim() === '') err(i + 1, 'two blank lines in a row (turns are separated by one)');
      return;
    }
    const m = LABEL.exec(line);
    if (m && isSpeaker(m[1])) {
      if (i > 0 && lines[i - 1].trim() !== '') err(i + 1, `"${m[1]}:" starts a turn without a blank line before it`);
      turns.push({ label: m[1], line: i + 1, first: line.slice(m[0].length), lines: [{ no: i + 1, text: line }] });
    } else if (turns.length) {
      turns.at(-1).lines.push({ no: i + 1, text: line });
    }
  });

  const therapistLabels = new Set(turns.filter((t) => THERAPIST.has(t.label)).map((t) => t.label));
  if (therapistLabels.size !== 1) err(1, `expected one therapist label, found ${[...therapistLabels].join(', ') || 'none'}`);

  let therapist = 0;
  let tagged = 0;
  const fileIds = new Map();
  turns.forEach((turn, i) => {
    if (i > 0 && turns[i - 1].label === turn.label) err(turn.line, `two consecutive turns by ${turn.label}`);
    const body = turn.lines.map((l) => l.text).join('\n');
    const tags = [...body.matchAll(ANY_TAG)].filter((m) => m[1].toLowerCase() !== 'as' && /^[a-z-]+$/i.test(m[2]) && m[2] !== '');
    const isTherapist = THERAPIST.has(turn.label);
    if (isTherapist) therapist++;
    if (!tags.length) return;
    if (!isTherapist) {
      err(turn.line, `${turn.label} turn carries a tag (${tags.map((t) => t[0]).join(' ')})`);
      return;
    }
    if (tags.length > 1) err(turn.line, `therapist turn has ${tags.length} tags (${tags.map((t) => t[0]).join(' ')})`);
    const [tag] = tags;
    if (tag[1] !== 'cbt') err(turn.line, `tag of namespace "${tag[1]}" (only cbt is used here): ${tag[0]}`);
    else if (tag[0] !== `[cbt:${tag[2]}]`) err(turn.line, `malformed tag ${tag[0]} (write [cbt:<id>])`);
    else if (!IDS.includes(tag[2])) err(turn.line, `unknown id "${tag[2]}"`);
    if (!turn.first.startsWith(tag[0])) err(turn.line, `tag ${tag[0]} is not right after the label`);
    if (tag[1] === 'cbt' && IDS.includes(tag[2])) {
      tagged++;
      perId.set(tag[2], perId.get(tag[2]) + 1);
      filesPerId.get(tag[2]).add(name);
      fileIds.set(tag[2], (fileIds.get(tag[2]) ?? 0) + 1);
    }
  });

  const n = turns.length;
  if (n < 40 || n > 60) err(1, `${n} turns (expected 40–60)`);
  if (therapist < 20 || therapist > 30) err(1, `${therapist} therapist turns (expected 20–30)`);
  const untagged = therapist - tagged;
  const share = therapist ? untagged / therapist : 0;
  if (share < 0.1 || share > 0.25) warnings.push(`${name}: ${untagged} of ${therapist} therapist turns untagged (${(100 * share).toFixed(0)}%, aim 10–25%)`);

  total.files++;
  total.turns += n;
  total.therapist += therapist;
  total.client += n - therapist;
  total.tagged += tagged;
  rows.push({ name, labels: [...new Set(turns.map((t) => t.label))].join(' / '), n, therapist, tagged, untagged, share, distinct: fileIds.size });
}

const pad = (s, w) => String(s).padEnd(w);
const num = (s, w) => String(s).padStart(w);
console.log(`${pad('file', 24)} ${num('turns', 5)} ${num('ther.', 5)} ${num('tagged', 6)} ${num('untag.', 6)} ${num('%', 4)} ${num('ids', 3)}  labels`);
for (const r of rows) {
  console.log(`${pad(r.name, 24)} ${num(r.n, 5)} ${num(r.therapist, 5)} ${num(r.tagged, 6)} ${num(r.untagged, 6)} ${num((100 * r.share).toFixed(0), 4)} ${num(r.distinct, 3)}  ${r.labels}`);
}
const untaggedAll = total.therapist - total.tagged;
console.log(`${pad('total', 24)} ${num(total.turns, 5)} ${num(total.therapist, 5)} ${num(total.tagged, 6)} ${num(untaggedAll, 6)} ${num(total.therapist ? ((100 * untaggedAll) / total.therapist).toFixed(0) : 0, 4)}`);
console.log('');
console.log(`${pad('id', 24)} ${num('tags', 5)} ${num('files', 5)}`);
for (const id of IDS) console.log(`${pad(id, 24)} ${num(perId.get(id), 5)} ${num(filesPerId.get(id).size, 5)}`);
console.log('');
console.log(`${total.files} files, ${total.turns} turns (${total.therapist} therapist, ${total.client} client/partner/member), ${total.tagged} tagged, ${untaggedAll} untagged`);

if (!args.length) {
  for (const id of IDS) if (perId.get(id) < MIN_PER_ID) errors.push(`id "${id}" is used ${perId.get(id)} times across the 15 files (at least ${MIN_PER_ID} wanted)`);
}
for (const w of warnings) console.log(`warning: ${w}`);
for (const e of errors) console.error(`error: ${e}`);
if (errors.length) {
  console.error(`${errors.length} error(s)`);
  process.exitCode = 1;
} else {
  console.log('ok');
}
