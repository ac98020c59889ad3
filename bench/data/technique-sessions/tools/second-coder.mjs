#!/usr/bin/env node
/**
 * Second, independent coder for the labelled CBT technique sessions, and the agreement
 * between the two coders.
 *
 *   node bench/data/technique-sessions/tools/second-coder.mjs            # print the sample, tags stripped
 *   node bench/data/technique-sessions/tools/second-coder.mjs --list     # only the ids (file:line) of the sample
 *   node bench/data/technique-sessions/tools/second-coder.mjs --compare  # agreement with the first coder's tags
 *   node bench/data/technique-sessions/tools/second-coder.mjs --compare --disagreements   # … and every disagreement
 *
 * Sample. All therapist turns of session-01 … session-42, sessions in file-name order and turns in
 * text order, are numbered 0 … N-1; the sample is turn floor((i + 0.5) · N / 200) for i = 0 … 199,
 * i.e. every (N/200)-th therapist turn with an offset of half a step. It depends only on the
 * position of the therapist turns, never on their tags, so it was fixed before any label was read.
 * Printing the sample shows each selected turn with the three turns before it and the one after it,
 * with every [cbt:…] tag removed, so the second coder labels in context without seeing the first
 * coder's tags.
 *
 * Compare. Reads second-coder.json ({ coder, turns: [{ file, line, label }] }, label one of the
 * 28 ids or "none") and the first coder's tags (an untagged therapist turn is "none"), and prints
 * observed agreement, Cohen's kappa (all 29 labels, with a session-cluster bootstrap interval),
 * kappa per session group, per-label agreement, the most frequent disagreements, and kappa with
 * the 28 ids collapsed to their CTRS item (the `ctrs` field of the default codebook; nothing else
 * is read from it).
 *
 * It reads the transcripts on its own and imports nothing from server/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLE_SIZE = 200;
const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 1;

const IDS = [
  'agenda-setting', 'mood-check', 'homework-review', 'homework-assignment', 'goal-setting',
  'psychoeducation', 'socratic-questioning', 'thought-record', 'cognitive-distortion',
  'cognitive-restructuring', 'decatastrophizing', 'downward-arrow', 'core-beliefs',
  'behavioral-activation', 'activity-scheduling', 'behavioral-experiment', 'exposure',
  'problem-solving', 'role-play', 'relaxation', 'mindfulness', 'values-clarification',
  'self-compassion', 'safety-planning', 'validation', 'reflection', 'summarizing',
  'eliciting-feedback',
];
const NONE = 'none';
const LABELS = [...IDS, NONE];
const LABEL_SET = new Set(LABELS);
const THERAPIST = new Set(['Therapist', 'Counselor', 'Counsellor', 'T']);
const CLIENT = new Set(['Client', 'Patient', 'C']);

/**
 * Session groups by writer and style (README): 01–12 textbook CBT (first writer); 13–27 varied
 * style and setting (second writer); 28–42 third writer, of which 28–32 and 39–42 are
 * deliberately not textbook CBT (ACT, DBT, MI, SFBT, supportive, school counsellor, rupture,
 * English as a second language, logistics) and 33–38 are CBT.
 */
const GROUPS = [
  { name: '01–12 textbook CBT', has: (n) => n >= 1 && n <= 12 },
  { name: '13–27 varied style and setting', has: (n) => n >= 13 && n <= 27 },
  { name: '28–42 all', has: (n) => n >= 28 && n <= 42 },
  { name: '  33–38 CBT', has: (n) => n >= 33 && n <= 38 },
  { name: '  28–32, 39–42 not textbook CBT', has: (n) => (n >= 28 && n <= 32) || (n >= 39 && n <= 42) },
];

const here = path.dirname(fileURLToPath(import.meta.url));
const sessionsDir = path.resolve(here, '..');
const repoRoot = path.resolve(sessionsDir, '..', '..', '..');
const codebookPath = path.join(repoRoot, 'server', 'src', 'core', 'codebook', 'default-codebook.json');
const labelsPath = path.join(sessionsDir, 'second-coder.json');

/** A line that opens with something shaped like a speaker label (names in couple and group sessions too). */
const LABEL_LINE = /^([A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,2}):(?:[ \t]|$)/;
const TAG = /\[cbt:([^\]\s]*)\]/g;

function fail(msg) {
  console.error(`second-coder: ${msg}`);
  process.exit(1);
}

/** Parses one transcript into turns: { speaker, therapist, line, paragraphs: [text] }. */
function parseTranscript(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const opens = new Map();
  for (const l of lines) {
    const m = LABEL_LINE.exec(l);
    if (m) opens.set(m[1], (opens.get(m[1]) ?? 0) + 1);
  }
  const isSpeaker = (label) => THERAPIST.has(label) || CLIENT.has(label) || (opens.get(label) ?? 0) >= 2;
  const turns = [];
  let prevBlank = true;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\s*$/.test(l)) {
      prevBlank = true;
      continue;
    }
    const m = LABEL_LINE.exec(l);
    if (m && prevBlank && isSpeaker(m[1])) {
      turns.push({
        speaker: m[1],
        therapist: THERAPIST.has(m[1]),
        line: i + 1,
        paragraphs: [l.slice(m[0].length)],
      });
    } else if (turns.length) {
      const t = turns[turns.length - 1];
      if (prevBlank) t.paragraphs.push(l);
      else t.paragraphs[t.paragraphs.length - 1] += `\n${l}`;
    }
    // Lines before the first turn are the header; they are not turns.
    prevBlank = false;
  }
  return turns;
}

/** The first coder's label of a therapist turn: its tag id, or "none". */
function firstCoderLabel(turn) {
  const ids = [...turn.paragraphs.join('\n').matchAll(TAG)].map((m) => m[1]);
  if (ids.length > 1) fail(`therapist turn at line ${turn.line} has ${ids.length} tags`);
  return ids.length ? ids[0] : NONE;
}

const stripTags = (s) => s.replace(/\[cbt:[^\]]*\] ?/g, '');

function loadSessions() {
  const files = fs.readdirSync(sessionsDir).filter((f) => /^session-\d+\.transcript$/.test(f)).sort();
  if (files.length === 0) fail(`no session-NN.transcript files in ${sessionsDir}`);
  return files.map((file) => {
    const text = fs.readFileSync(path.join(sessionsDir, file), 'utf8');
    const turns = parseTranscript(text);
    if (!turns.some((t) => t.therapist)) fail(`${file}: no therapist turn found`);
    return { file, number: Number(/\d+/.exec(file)[0]), turns };
  });
}

/** The sample: positions in the sequence of all therapist turns, independent of tags. */
function selectSample(sessions) {
  const all = [];
  for (const s of sessions) {
    s.turns.forEach((t, k) => {
      if (t.therapist) all.push({ session: s, index: k, turn: t });
    });
  }
  if (all.length < SAMPLE_SIZE) fail(`only ${all.length} therapist turns, fewer than ${SAMPLE_SIZE}`);
  const picked = [];
  for (let i = 0; i < SAMPLE_SIZE; i++) picked.push(all[Math.floor(((i + 0.5) * all.length) / SAMPLE_SIZE)]);
  return { picked, total: all.length };
}

function printTurn(t, marker) {
  const [first, ...rest] = t.paragraphs.map(stripTags);
  const pad = ' '.repeat(marker.length);
  const body = [`${t.speaker}: ${first}`, ...rest].join('\n\n').split('\n');
  console.log(body.map((l, k) => (k === 0 ? marker : pad) + l).join('\n'));
}

function printSample(sessions) {
  const { picked, total } = selectSample(sessions);
  console.log(`# ${picked.length} of ${total} therapist turns, tags stripped; label the turn marked >>>\n`);
  picked.forEach((p, i) => {
    console.log(`=== ${i + 1}. ${p.session.file}:${p.turn.line}`);
    const from = Math.max(0, p.index - CONTEXT_BEFORE);
    const to = Math.min(p.session.turns.length - 1, p.index + CONTEXT_AFTER);
    for (let k = from; k <= to; k++) printTurn(p.session.turns[k], k === p.index ? '>>> ' : '    ');
    console.log('');
  });
}

function listSample(sessions) {
  const { picked, total } = selectSample(sessions);
  const perFile = new Map();
  for (const p of picked) perFile.set(p.session.file, (perFile.get(p.session.file) ?? 0) + 1);
  for (const p of picked) console.log(`${p.session.file}:${p.turn.line}`);
  console.error(`${picked.length} of ${total} therapist turns from ${perFile.size} of ${sessions.length} sessions (${Math.min(...perFile.values())}–${Math.max(...perFile.values())} per session)`);
}

// ---------------------------------------------------------------- agreement

function kappa(pairs, map = (x) => x) {
  const n = pairs.length;
  if (n === 0) return { n, po: NaN, pe: NaN, kappa: NaN };
  const a = new Map();
  const b = new Map();
  let agree = 0;
  for (const [x0, y0] of pairs) {
    const x = map(x0);
    const y = map(y0);
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  let pe = 0;
  for (const [k, na] of a) pe += (na / n) * ((b.get(k) ?? 0) / n);
  const po = agree / n;
  return { n, po, pe, kappa: pe === 1 ? NaN : (po - pe) / (1 - pe) };
}

/** Deterministic PRNG (mulberry32) for the bootstrap. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 95% percentile interval of kappa, resampling whole sessions (turns of one session are not independent). */
function bootstrap(rows, map, reps = 2000) {
  const byFile = new Map();
  for (const r of rows) {
    if (!byFile.has(r.file)) byFile.set(r.file, []);
    byFile.get(r.file).push([r.a, r.b]);
  }
  const clusters = [...byFile.values()];
  const rand = rng(20240601);
  const ks = [];
  for (let r = 0; r < reps; r++) {
    const pairs = [];
    for (let c = 0; c < clusters.length; c++) pairs.push(...clusters[Math.floor(rand() * clusters.length)]);
    const k = kappa(pairs, map).kappa;
    if (Number.isFinite(k)) ks.push(k);
  }
  ks.sort((x, y) => x - y);
  return [ks[Math.floor(0.025 * ks.length)], ks[Math.ceil(0.975 * ks.length) - 1]];
}

function loadCtrs() {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(codebookPath, 'utf8'));
  } catch (e) {
    fail(`cannot read the codebook's ctrs field from ${codebookPath} (${e.code ?? e.message})`);
  }
  const entries = json?.namespaces?.cbt?.entries;
  if (!Array.isArray(entries)) fail(`${codebookPath}: no namespaces.cbt.entries`);
  const ctrs = new Map(entries.map((e) => [e.id, e.ctrs]));
  for (const id of IDS) if (typeof ctrs.get(id) !== 'string') fail(`${codebookPath}: no ctrs item for ${id}`);
  return (label) => (label === NONE ? NONE : ctrs.get(label));
}

function loadSecondCoder() {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(labelsPath, 'utf8'));
  } catch (e) {
    fail(`cannot read ${labelsPath} (${e.code ?? e.message})`);
  }
  if (!json || !Array.isArray(json.turns)) fail(`${labelsPath}: expected { "coder": …, "turns": [ … ] }`);
  return json;
}

const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : '-');

function compare(sessions, showAll) {
  const { picked } = selectSample(sessions);
  const second = loadSecondCoder();
  const byId = new Map();
  for (const t of second.turns) {
    const id = `${t.file}:${t.line}`;
    if (!LABEL_SET.has(t.label)) fail(`${id}: label "${t.label}" is not one of the 28 ids or "none"`);
    if (byId.has(id)) fail(`${id}: labelled twice`);
    byId.set(id, t.label);
  }
  const rows = picked.map((p) => {
    const id = `${p.session.file}:${p.turn.line}`;
    if (!byId.has(id)) fail(`${id} is in the sample but not in second-coder.json`);
    return { file: p.session.file, line: p.turn.line, number: p.session.number, a: firstCoderLabel(p.turn), b: byId.get(id) };
  });
  const sampleIds = new Set(rows.map((r) => `${r.file}:${r.line}`));
  for (const id of byId.keys()) if (!sampleIds.has(id)) fail(`${id} is in second-coder.json but not in the sample`);

  const pairs = rows.map((r) => [r.a, r.b]);
  const ctrs = loadCtrs();
  const all = kappa(pairs);
  const [lo, hi] = bootstrap(rows, (x) => x);
  const col = kappa(pairs, ctrs);
  const [clo, chi] = bootstrap(rows, ctrs);
  const tagged = rows.filter((r) => r.a !== NONE && r.b !== NONE);
  const tk = kappa(tagged.map((r) => [r.a, r.b]));

  console.log(`Coder A: the first coder's tags; coder B: ${second.coder ?? '(unnamed)'} (second-coder.json)`);
  console.log(`${rows.length} therapist turns from ${new Set(rows.map((r) => r.file)).size} sessions\n`);
  console.log(`all labels (28 ids + none): observed ${f2(all.po)}, chance ${f2(all.pe)}, kappa ${f2(all.kappa)} (95% session bootstrap ${f2(lo)}–${f2(hi)})`);
  console.log(`CTRS items (+ none):        observed ${f2(col.po)}, chance ${f2(col.pe)}, kappa ${f2(col.kappa)} (95% session bootstrap ${f2(clo)}–${f2(chi)})`);
  console.log(`both coders tagged (${tagged.length} turns): observed ${f2(tk.po)}, kappa ${f2(tk.kappa)}`);
  const tn = kappa(rows.map((r) => [r.a === NONE ? NONE : 'tag', r.b === NONE ? NONE : 'tag']));
  console.log(`tagged vs none only:        observed ${f2(tn.po)}, kappa ${f2(tn.kappa)}; none: A ${rows.filter((r) => r.a === NONE).length}, B ${rows.filter((r) => r.b === NONE).length}`);

  console.log('\nby session group                  turns  observed  kappa  CTRS kappa');
  for (const g of GROUPS) {
    const gp = rows.filter((r) => g.has(r.number)).map((r) => [r.a, r.b]);
    const k = kappa(gp);
    const kc = kappa(gp, ctrs);
    console.log(`${g.name.padEnd(34)}${String(k.n).padStart(5)}${f2(k.po).padStart(10)}${f2(k.kappa).padStart(7)}${f2(kc.kappa).padStart(12)}`);
  }

  console.log('\nper label                     A     B  both  A→B (of A)  B→A (of B)  specific agreement');
  const count = (pred) => rows.filter(pred).length;
  for (const l of LABELS) {
    const na = count((r) => r.a === l);
    const nb = count((r) => r.b === l);
    const both = count((r) => r.a === l && r.b === l);
    if (!na && !nb) continue;
    console.log(`${l.padEnd(26)}${String(na).padStart(5)}${String(nb).padStart(6)}${String(both).padStart(6)}${pct(both, na).padStart(12)}${pct(both, nb).padStart(12)}${pct(2 * both, na + nb).padStart(20)}`);
  }

  const conf = new Map();
  for (const r of rows) if (r.a !== r.b) conf.set(`${r.a} → ${r.b}`, (conf.get(`${r.a} → ${r.b}`) ?? 0) + 1);
  console.log(`\nmost frequent disagreements (A → B), ${rows.length - count((r) => r.a === r.b)} in all`);
  for (const [k, n] of [...conf].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).filter(([, n]) => n >= 2)) {
    console.log(`${String(n).padStart(4)}  ${k}`);
  }

  // Confusion rows of the labels involved in the most disagreements (either side).
  const dis = new Map();
  for (const r of rows) {
    if (r.a === r.b) continue;
    dis.set(r.a, (dis.get(r.a) ?? 0) + 1);
    dis.set(r.b, (dis.get(r.b) ?? 0) + 1);
  }
  const worst = [...dis].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 6).map(([l]) => l);
  console.log('\nconfusion of the most disagreed labels (A\'s label: what B said; B\'s label: what A said)');
  for (const l of worst) {
    const asA = new Map();
    const asB = new Map();
    for (const r of rows) {
      if (r.a === l) asA.set(r.b, (asA.get(r.b) ?? 0) + 1);
      if (r.b === l) asB.set(r.a, (asB.get(r.a) ?? 0) + 1);
    }
    const fmt = (m) => [...m].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
    console.log(`${l} (${dis.get(l)} disagreements)\n   A=${l}: B said ${fmt(asA)}\n   B=${l}: A said ${fmt(asB)}`);
  }

  if (showAll) {
    console.log('\nall disagreements (file:line  A → B)');
    for (const r of rows) if (r.a !== r.b) console.log(`${r.file}:${r.line}  ${r.a} → ${r.b}`);
  }
}

function main() {
  const args = process.argv.slice(2);
  for (const a of args) if (!['--list', '--compare', '--disagreements'].includes(a)) fail(`unknown option ${a}`);
  const sessions = loadSessions();
  if (args.includes('--compare')) compare(sessions, args.includes('--disagreements'));
  else if (args.includes('--list')) listSample(sessions);
  else printSample(sessions);
}

main();
