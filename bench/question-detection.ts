/**
 * Benchmark of the question / reflection detector (server/src/core/question.ts)
 * against the expert labels of the AnnoMI corpus.
 *
 *   npx tsx bench/question-detection.ts              # compact table, dev then test
 *   npx tsx bench/question-detection.ts --dev-only   # hide the test split while developing
 *   npx tsx bench/question-detection.ts --errors[=N] # + N sampled dev errors per kind
 *   npx tsx bench/question-detection.ts --corpus DIR # default: $ANNOMI_DIR or /work/shared/corpora/annomi
 *
 * Splits: DEV = sessions with an even number NNN, TEST = odd NNN. Rules are
 * developed on dev errors only (--errors never prints test turns); the test
 * figures are the honest estimate.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { detectQuestion, looksLikeReflection } from '../server/src/core/question.ts';
import { ANNOMI_DIR, labelsByFile, type LabelRow } from '../test/helpers/data.ts';

type Label = LabelRow;

interface Turn {
  file: string;
  index: number;
  line: number;
  speaker: string;
  text: string;
}

interface Example {
  file: string;
  turn: number;
  text: string;
  label: Label;
}

// ---------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
let corpus = process.env['ANNOMI_DIR'] ?? ANNOMI_DIR;
let errorsPerKind = 0;
let devOnly = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--corpus' && args[i + 1] !== undefined) corpus = args[++i]!;
  else if (a.startsWith('--corpus=')) corpus = a.slice('--corpus='.length);
  else if (a === '--errors') errorsPerKind = 25;
  else if (a.startsWith('--errors=')) errorsPerKind = Math.max(0, Number(a.slice('--errors='.length)) || 0);
  else if (a === '--dev-only') devOnly = true;
  else if (a === '--help' || a === '-h') {
    console.log('usage: npx tsx bench/question-detection.ts [--dev-only] [--errors[=N]] [--corpus DIR]');
    process.exit(0);
  }
}

if (!existsSync(join(corpus, 'labels.jsonl'))) {
  console.log(`AnnoMI corpus not found at ${corpus} (set --corpus or ANNOMI_DIR); nothing to measure.`);
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Parsing

/** Turns of a transcript: blank-line separated blocks that start with `Label:`. */
function parseTurns(file: string, source: string): Turn[] {
  const turns: Turn[] = [];
  const lines = source.split(/\r?\n/);
  let block: string[] = [];
  let blockLine = 0;
  const flush = (): void => {
    if (block.length === 0) return;
    const joined = block.join('\n');
    const m = /^([^:\n]{1,40}):[ \t]*/.exec(joined);
    const speaker = m ? m[1]!.trim() : '';
    turns.push({ file, index: turns.length, line: blockLine, speaker, text: m ? joined.slice(m[0].length) : joined });
    block = [];
  };
  lines.forEach((l, i) => {
    if (l.trim() === '') flush();
    else {
      if (block.length === 0) blockLine = i + 1;
      block.push(l);
    }
  });
  flush();
  return turns;
}

const labelsOf = labelsByFile(corpus);

const dev: Example[] = [];
const test: Example[] = [];
const problems: string[] = [];
let sessions = 0;
const files = readdirSync(corpus).filter((f) => /^annomi-\d+-\w+\.transcript$/.test(f)).sort();
for (const file of files) {
  const labels = (labelsOf.get(file) ?? []).slice().sort((a, b) => a.turn - b.turn);
  const turns = parseTurns(file, readFileSync(join(corpus, file), 'utf8'));
  if (turns.length !== labels.length) {
    problems.push(`${file}: ${turns.length} turns but ${labels.length} labels (skipped)`);
    continue;
  }
  let ok = true;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    const l = labels[i]!;
    const role = /^therapist$/i.test(t.speaker) ? 'therapist' : /^client$/i.test(t.speaker) ? 'client' : '?';
    if (l.turn !== i || l.line !== t.line || l.speaker !== role) {
      problems.push(`${file}: turn ${i} (line ${t.line}, ${t.speaker}) does not match its label (line ${l.line}, ${l.speaker})`);
      ok = false;
      break;
    }
  }
  if (!ok) continue;
  sessions++;
  const n = Number(/^annomi-(\d+)-/.exec(file)![1]);
  for (let i = 0; i < turns.length; i++) {
    const l = labels[i]!;
    if (l.speaker !== 'therapist' || l.question === null) continue;
    (n % 2 === 0 ? dev : test).push({ file, turn: i, text: turns[i]!.text, label: l });
  }
}

// ---------------------------------------------------------------------------
// Scoring

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function score(examples: Example[], predict: (e: Example) => boolean, gold: (e: Example) => boolean): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const e of examples) {
    const p = predict(e);
    const g = gold(e);
    if (p && g) c.tp++;
    else if (p) c.fp++;
    else if (g) c.fn++;
    else c.tn++;
  }
  return c;
}

function prf(c: Counts): { p: number; r: number; f: number } {
  const p = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { p, r, f };
}

const fmt = (x: number): string => x.toFixed(3);

const isQuestion = (e: Example): boolean => e.label.question === true;
const isReflection = (e: Example): boolean => e.label.reflection === true;
/** Baseline (a): the bare '?' test. */
const baselineQ = (e: Example): boolean => e.text.includes('?');
/** Reflection baseline: a statement (no '?') of four words or more. */
const baselineR = (e: Example): boolean => !e.text.includes('?') && e.text.trim().split(/\s+/).length >= 4;

const cache = new Map<Example, { q: ReturnType<typeof detectQuestion>; r: boolean }>();
function run(e: Example): { q: ReturnType<typeof detectQuestion>; r: boolean } {
  let v = cache.get(e);
  if (!v) cache.set(e, (v = { q: detectQuestion(e.text), r: looksLikeReflection(e.text) }));
  return v;
}

/** Baseline type: the last '?' sentence starts (after so/and/okay/um …) with a wh-word or "tell me" → open, else closed. */
function baselineType(e: Example): 'open' | 'closed' {
  const asked = e.text.split(/(?<=[.!?])\s+/).filter((s) => s.includes('?'));
  const last = asked[asked.length - 1] ?? '';
  return /^\W*(?:(?:so|and|okay|ok|well|um|uh|yeah|now|but|right|mm-hmm)\W+)*(what|how|why|where|when|who|which|tell me)\b/i.test(last) ? 'open' : 'closed';
}

function typeAccuracy(examples: Example[], predict: (e: Example) => 'open' | 'closed' | undefined): { correct: number; total: number } {
  let correct = 0;
  let total = 0;
  for (const e of examples) {
    const t = predict(e);
    if (t === undefined || !isQuestion(e) || e.label.question_type === null) continue;
    total++;
    if (t === e.label.question_type) correct++;
  }
  return { correct, total };
}

function typeNote(t: { correct: number; total: number }): string {
  return `open/closed acc ${t.total === 0 ? '-' : fmt(t.correct / t.total)} (${t.correct}/${t.total} TP)`;
}

interface Row {
  task: string;
  method: string;
  c: Counts;
  extra?: string;
}

function rows(examples: Example[]): Row[] {
  return [
    {
      task: 'question',
      method: "baseline: contains '?'",
      c: score(examples, baselineQ, isQuestion),
      extra: typeNote(typeAccuracy(examples, (e) => (baselineQ(e) ? baselineType(e) : undefined))),
    },
    {
      task: 'question',
      method: 'detectQuestion',
      c: score(examples, (e) => run(e).q !== undefined, isQuestion),
      extra: typeNote(typeAccuracy(examples, (e) => run(e).q?.type)),
    },
    { task: 'reflection', method: "baseline: no '?', 4+ words", c: score(examples, baselineR, isReflection) },
    { task: 'reflection', method: 'looksLikeReflection', c: score(examples, (e) => run(e).r, isReflection) },
  ];
}

function table(title: string, examples: Example[]): void {
  const pos = examples.filter(isQuestion).length;
  const refl = examples.filter(isReflection).length;
  console.log(`\n${title}: ${examples.length} therapist turns, ${pos} questions, ${refl} reflections`);
  console.log(`  ${'task'.padEnd(11)}${'method'.padEnd(26)}${'P'.padStart(7)}${'R'.padStart(7)}${'F1'.padStart(7)}  ${'tp/fp/fn'.padEnd(14)}`);
  for (const r of rows(examples)) {
    const m = prf(r.c);
    const counts = `${r.c.tp}/${r.c.fp}/${r.c.fn}`;
    console.log(`  ${r.task.padEnd(11)}${r.method.padEnd(26)}${fmt(m.p).padStart(7)}${fmt(m.r).padStart(7)}${fmt(m.f).padStart(7)}  ${counts.padEnd(14)}${r.extra ? ' ' + r.extra : ''}`);
  }
}

// ---------------------------------------------------------------------------
// Error samples (dev only)

/** Deterministic sample of at most `n` items (evenly spaced). */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.floor((i * items.length) / n)]!);
  return out;
}

function showErrors(): void {
  const clip = (s: string): string => (s.length > 260 ? s.slice(0, 257) + '...' : s).replace(/\s+/g, ' ');
  const kinds: Array<[string, (e: Example) => boolean]> = [
    ['question false positives', (e) => run(e).q !== undefined && !isQuestion(e)],
    ['question false negatives', (e) => run(e).q === undefined && isQuestion(e)],
    ['open/closed confusions', (e) => run(e).q !== undefined && isQuestion(e) && e.label.question_type !== null && run(e).q!.type !== e.label.question_type],
    ['reflection false positives', (e) => run(e).r && !isReflection(e)],
    ['reflection false negatives', (e) => !run(e).r && isReflection(e)],
  ];
  for (const [name, pick] of kinds) {
    const all = dev.filter(pick);
    console.log(`\n--- dev ${name}: ${all.length} (showing ${Math.min(all.length, errorsPerKind)})`);
    for (const e of sample(all, errorsPerKind)) {
      const q = run(e).q;
      const l = e.label;
      const gold = `${l.behaviour}${l.question ? ` q:${l.question_type}` : ''}${l.reflection ? ` r:${l.reflection_type}` : ''}`;
      const marks = q ? ` [${q.type}: ${q.spans.map((s) => JSON.stringify(clip(e.text.slice(s.start, s.end)))).join(' | ')}]` : '';
      console.log(`  ${e.file.replace('.transcript', '')}#${e.turn} (${gold})${marks}\n    ${clip(e.text)}`);
    }
  }
}

// ---------------------------------------------------------------------------

console.log(`AnnoMI question/reflection detection — ${sessions} sessions from ${corpus}`);
for (const p of problems) console.log(`  warning: ${p}`);

const t0 = performance.now();
for (const e of dev) run(e);
for (const e of test) run(e);
const ms = performance.now() - t0;
const chars = [...dev, ...test].reduce((s, e) => s + e.text.length, 0);

table('DEV (even NNN)', dev);
if (errorsPerKind > 0) showErrors();
if (!devOnly) table('TEST (odd NNN, held out)', test);
console.log(`\n${dev.length + test.length} turns (${(chars / 1e6).toFixed(2)} MB) analysed in ${ms.toFixed(0)} ms`);
