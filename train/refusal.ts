/**
 * The refusal model (`server/src/core/model/refusal.ts`): does a sentence
 * read as a chat model refusing the request rather than as speech in a
 * session? A logistic regression over the meta-text model's features,
 * learned from
 *
 * - the team's written lines (`train/data/assistant-lines-*.jsonl`, written
 *   for this by writers who read neither the rules, the eval's phrasings nor
 *   any corpus): refusals and disclaimers in the styles of many models, and
 *   in-session speech that resembles them (a therapist's limits, boundaries,
 *   referrals and scope; clients declining; talk about AI and policies);
 * - the meta-text model's lines (preambles, closing offers, notes and their
 *   in-session look-alikes), as what is neither;
 * - the speech of AnnoMI (public domain) and of the team's sessions, every
 *   sentence and line of their turns, as what is neither.
 *
 * A written line of the other kind (a disclaimer, for the refusal model) is
 * left out, not counted against: many refusals come with a disclaimer.
 * Held out and measured: every fourth written line (by a hash of its text),
 * AnnoMI's held-out sessions (number % 4 = 3) and the team's (number % 4 = 0).
 *
 * The same lines hold disclaimers ("Keep in mind I'm a program, not a
 * clinician."): a disclaimer model fitted the same way (TARGETS=disclaimer)
 * found more of the held-out written disclaimers (0.64 → 0.74 with the
 * patterns) but flagged real therapists' scope statements in counsel-chat
 * ("I am not trained in this particular method, but…"), so it is not shipped.
 *
 *   npm run train:refusal             fit and write server/src/core/model/weights/refusal-model.json
 *   npm run train:refusal -- --check  fit and print the held-out figures only
 *   ASSISTANT_PROBE=1|v               also count (and show) the real corpora's sentences it would flag (measuring only)
 */
import fs from 'node:fs';
import path from 'node:path';
import { metaFeatures } from '../server/src/core/model/meta.ts';
import type { RefusalModelFile } from '../server/src/core/model/refusal.ts';
import { fit, type Example } from './logreg.ts';
import { binary, quantise } from './binary.ts';
import { annomiHeldOut, CBT_SESSIONS_DIR, cbtHeldOut, CORPORA, ROOT } from './data.ts';
import { speech } from './meta.ts';
import { writtenRows } from './lines.ts';
import { findStructuralRefusals as findRefusals } from '../server/src/core/detect/refusal.ts';
import { findDisclaimers } from '../server/src/core/detect/disclaimer.ts';

const BUCKETS = 1 << 16;
const WEIGHTS = path.join(ROOT, 'server/src/core/model/weights');
/** Chosen with --check on the held-out written lines and speech. */
const L2 = Number(process.env.ASSISTANT_L2 ?? 0.1);
/** How much the sessions' speech weighs against the positives (1: as much). */
const SPEECH_WEIGHT = Number(process.env.ASSISTANT_SPEECH ?? 3);

type Label = 'refusal' | 'disclaimer' | 'none';

interface Line {
  text: string;
  label: Label;
  heldOut: boolean;
  kind?: string;
}

/** The written lines (every fourth held out, by a hash of the text: the same split on every run). */
function writtenLines(): Line[] {
  return writtenRows<{ text: string; label: Label; kind?: string }>('assistant-lines')
    .filter((row) => ['refusal', 'disclaimer', 'none'].includes(row.label))
    .map((row) => ({ text: row.text, label: row.label, heldOut: row.heldOut, ...(row.kind ? { kind: row.kind } : {}) }));
}

/** The meta-text model's written lines (`train/data/meta-lines-*.jsonl`), every fourth held out as there, repeats kept. */
function metaLines(): Array<{ text: string; heldOut: boolean }> {
  return writtenRows('meta-lines', false);
}

/** Measuring only (never trained on): therapist sentences of the real corpora the model would flag. */
function probe(target: string, p: (text: string) => number): void {
  for (const corpus of ['esconv', 'counsel-chat', 'mibot']) {
    let n = 0;
    const flagged: string[] = [];
    for (const s of speech(path.join(CORPORA, corpus), /(\d+)/, () => false, 'team')) {
      n++;
      if (p(s.text) >= 0.9) flagged.push(s.text);
    }
    process.stderr.write(`  probe ${target} ${corpus}: ${flagged.length}/${n} sentences at P ≥ 0.9\n`);
    if (process.env.ASSISTANT_PROBE === 'v') for (const f of flagged.slice(0, 12)) process.stderr.write(`    ${f.slice(0, 160)}\n`);
  }
}

function example(text: string, positive: boolean, weight: number): Example {
  const counts = new Map<number, number>();
  for (const b of metaFeatures(text, BUCKETS)) counts.set(b, (counts.get(b) ?? 0) + 1);
  const index = Int32Array.from(counts.keys());
  return { index, value: Float64Array.from(index, (i) => counts.get(i)!), target: Float64Array.from(positive ? [0, 1] : [1, 0]), weight };
}

function main(): void {
  const check = process.argv.includes('--check');
  const written = writtenLines();
  const spoken = [
    ...speech(path.join(CORPORA, 'annomi'), /annomi-(\d+)/, annomiHeldOut, 'annomi'),
    ...speech(CBT_SESSIONS_DIR, /session-(\d+)/, cbtHeldOut, 'team'),
  ];
  const meta = metaLines();
  const targets = (process.env.TARGETS ?? 'refusal').split(',') as Array<'refusal' | 'disclaimer'>;
  for (const target of targets) {
    const other = target === 'refusal' ? 'disclaimer' : 'refusal';
    const lines = written.filter((l) => l.label !== other);
    const train = lines.filter((l) => !l.heldOut);
    const held = lines.filter((l) => l.heldOut);
    const speechTrain = spoken.filter((s) => !s.heldOut);
    const speechHeld = spoken.filter((s) => s.heldOut);
    // The written lines weigh as much as all the sessions' speech together (their negatives are the hard ones).
    const positives = train.filter((l) => l.label === target).length;
    const negatives = train.length - positives;
    const wNegative = positives / Math.max(1, negatives);
    const wSpoken = (SPEECH_WEIGHT * positives) / Math.max(1, speechTrain.length);
    process.stderr.write(`${target} model: ${positives} ${target} lines, ${negatives} written look-alikes, ${speechTrain.length} sentences of speech; ${held.length} written and ${speechHeld.length} spoken held out\n`);
    // The meta-text lines (preambles, closing offers, notes and their in-session look-alikes) are neither: a
    // generator's "Of course, I'd be glad to help with that." offers what a refusal declines. Half the weight.
    const metaTrain = meta.filter((m) => !m.heldOut);
    const wMeta = (0.5 * positives) / Math.max(1, metaTrain.length);
    const examples = [
      ...train.map((l) => example(l.text, l.label === target, l.label === target ? 1 : wNegative)),
      ...metaTrain.map((m) => example(m.text, false, wMeta)),
      ...speechTrain.map((s) => example(s.text, false, wSpoken)),
    ];
    const fitted = fit(examples, BUCKETS, 2, { l2: L2, iterations: 300 });
    const model = binary(fitted, BUCKETS);
    const p = (text: string) => model.p(metaFeatures(text, BUCKETS));
    if (process.env.ASSISTANT_PROBE) probe(target, p);
    for (const threshold of [0.5, 0.8, 0.9, 0.95, 0.98]) {
      const pos = held.filter((l) => l.label === target);
      const tp = pos.filter((l) => p(l.text) >= threshold).length;
      const fp = held.filter((l) => l.label !== target && p(l.text) >= threshold).length;
      const flagged = speechHeld.filter((s) => p(s.text) >= threshold).length;
      const metaHeld = meta.filter((m) => m.heldOut);
      const metaFlagged = metaHeld.filter((m) => p(m.text) >= threshold).length;
      process.stderr.write(
        `  P ≥ ${threshold}: held-out written recall ${(tp / Math.max(1, pos.length)).toFixed(3)} (${tp}/${pos.length}), look-alikes flagged ${fp}/${held.length - pos.length}; held-out speech flagged ${flagged}/${speechHeld.length} (${((1000 * flagged) / Math.max(1, speechHeld.length)).toFixed(2)} per 1,000), meta lines ${metaFlagged}/${metaHeld.length}\n`,
      );
    }
    // With the structure the detectors read (the rules count a line either finds).
    const structural = (text: string) => (target === 'refusal' ? findRefusals(text) : findDisclaimers(text)).length > 0;
    // (The shipped detector reads only a reply's edges and no questions; these figures read every line.)
    for (const threshold of [0.8, 0.9, 0.95]) {
      const pos = held.filter((l) => l.label === target);
      const alone = pos.filter((l) => structural(l.text)).length;
      const union = pos.filter((l) => structural(l.text) || p(l.text) >= threshold).length;
      const fp = held.filter((l) => l.label !== target && (structural(l.text) || p(l.text) >= threshold)).length;
      const fpAlone = held.filter((l) => l.label !== target && structural(l.text)).length;
      process.stderr.write(`  structure alone: recall ${(alone / pos.length).toFixed(3)}, look-alikes ${fpAlone}; with P ≥ ${threshold}: recall ${(union / pos.length).toFixed(3)}, look-alikes ${fp}\n`);
    }
    if (process.argv.includes('--misses')) {
      for (const l of held) if ((l.label === target) !== p(l.text) >= 0.9) process.stderr.write(`  ${l.label === target ? 'missed' : 'flagged'} ${p(l.text).toFixed(2)} ${l.text}\n`);
      for (const m of meta.filter((x) => x.heldOut)) if (p(m.text) >= 0.9) process.stderr.write(`  meta line flagged ${p(m.text).toFixed(2)} ${m.text}\n`);
      for (const s of speechHeld) if (p(s.text) >= 0.9) process.stderr.write(`  speech flagged ${p(s.text).toFixed(2)} ${s.text}\n`);
    }
    if (check || target !== 'refusal') continue;
    const { scale, index, weight } = quantise(model.w);
    const file: RefusalModelFile = {
      buckets: BUCKETS,
      bias: Number(model.bias.toFixed(6)),
      scale: Number(scale.toPrecision(8)),
      index,
      weight,
      trainedOn: {
        target,
        l2: L2,
        written: 'train/data/assistant-lines-*.jsonl (every fourth line held out)',
        speech: 'annomi (public domain) and the team sessions, held-out sessions left out',
        positives,
        writtenNegatives: negatives,
        sentences: speechTrain.length,
      },
    };
    const out = path.join(WEIGHTS, `${target}-model.json`);
    fs.writeFileSync(out, `${JSON.stringify(file)}\n`);
    process.stderr.write(`wrote ${path.relative(ROOT, out)} (${index.length} weights, ${(fs.statSync(out).size / 1024).toFixed(0)} KB)\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
