/**
 * The ending model (`server/src/core/model/ending.ts`): does a run of words
 * end a sentence? Self-supervised on AnnoMI's transcriptions (public domain),
 * the only corpus whose weights may ship: every sentence the transcribers
 * closed with . ! or ? is a complete ending; the same sentence cut at a
 * random word (seeded) is an incomplete one. AnnoMI's held-out sessions
 * (number % 4 = 3) are left out of training and measured.
 *
 *   npx tsx train/ending.ts          fit and write server/src/core/model/weights/ending-model.json
 *   npx tsx train/ending.ts --check  fit and print the held-out figures only
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscript } from '../server/src/core/parser.ts';
import { sentences } from '../server/src/core/detect/sentence.ts';
import { endingFeatures, endingWords, type EndingModelFile } from '../server/src/core/model/ending.ts';
import { fit, type Example } from './logreg.ts';
import { binary, quantise } from './binary.ts';
import { annomiHeldOut, CORPORA, ROOT } from './data.ts';
import wordListPath from 'word-list';

const BUCKETS = 1 << 15;
const OUT = path.join(ROOT, 'server/src/core/model/weights/ending-model.json');

/** mulberry32: the cut points, the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  words: string[];
  complete: boolean;
  heldOut: boolean;
}

/** Complete and cut runs from every closed sentence of AnnoMI. */
export function endingRuns(seed = 2026): Run[] {
  const dir = path.join(CORPORA, 'annomi');
  const random = rng(seed);
  const runs: Run[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort()) {
    const heldOut = annomiHeldOut(Number(/annomi-(\d+)/.exec(file)?.[1] ?? 0));
    const tree = parseTranscript(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const turn of tree.children) {
      if (turn.type !== 'turn') continue;
      for (const paragraph of turn.children) {
        if (paragraph.type !== 'paragraph') continue;
        for (const node of paragraph.children) {
          if (node.type !== 'text') continue;
          for (const span of sentences(node.value)) {
            const sentence = node.value.slice(span.start, span.end);
            // Only what the transcriber closed; not an interruption ("so I-", "well--").
            if (!/[.!?]["'”’)]*$/.test(sentence) || /[-–—]\s*[.!?]*$/.test(sentence)) continue;
            const words = endingWords(sentence);
            if (words.length < 3) continue;
            runs.push({ words, complete: true, heldOut });
            const cut = 1 + Math.floor(random() * (words.length - 1));
            runs.push({ words: words.slice(0, cut), complete: false, heldOut });
          }
        }
      }
    }
  }
  return runs;
}

function example(run: Run): Example {
  const counts = new Map<number, number>();
  for (const b of endingFeatures(run.words, BUCKETS)) counts.set(b, (counts.get(b) ?? 0) + 1);
  const index = Int32Array.from(counts.keys());
  return { index, value: Float64Array.from(index, (i) => counts.get(i)!), target: Float64Array.from(run.complete ? [1, 0] : [0, 1]), weight: 1 };
}

function main(): void {
  const check = process.argv.includes('--check');
  const runs = endingRuns();
  const train = runs.filter((r) => !r.heldOut);
  const held = runs.filter((r) => r.heldOut);
  process.stderr.write(`ending model: ${train.length} runs to learn from, ${held.length} held out\n`);
  const fitted = fit(train.map(example), BUCKETS, 2, { l2: 1, iterations: 200 });
  // Class 1 (cut) against class 0, as one logistic regression.
  const model = binary(fitted, BUCKETS);
  const bias = model.bias;
  const p = (words: string[]) => model.p(endingFeatures(words, BUCKETS));
  // Held-out figures at the thresholds the truncation rule uses.
  for (const threshold of [0.5, 0.8, 0.9, 0.97]) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of held) {
      const cut = p(r.words) >= threshold;
      if (cut && !r.complete) tp++;
      else if (cut && r.complete) fp++;
      else if (!cut && !r.complete) fn++;
    }
    process.stderr.write(`  held out, P(cut) ≥ ${threshold}: precision ${(tp / (tp + fp)).toFixed(3)}, recall ${(tp / (tp + fn)).toFixed(3)}, complete endings called cut ${((100 * fp) / (held.length / 2)).toFixed(2)}%\n`);
  }
  if (check) return;
  const { scale, index, weight } = quantise(model.w);
  // The words of the training sessions' closed sentences: a turn's last word that is none of them but begins one
  // ("…we could underst") was cut in the middle.
  const counts = new Map<string, number>();
  for (const r of train) if (r.complete) for (const word of r.words) if (/^[a-z]+$/.test(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const vocabulary = [...counts.keys()].sort();
  // English words (the word-list package, MIT) that begin a longer word of the vocabulary and are none of it
  // ("info" of "information", "adjust" of "adjustment"): a turn's last word that is one of them was not cut in a word.
  const known = new Set(vocabulary);
  const prefixes = new Set<string>();
  for (const word of vocabulary) for (let n = 3; n <= word.length - 2; n++) prefixes.add(word.slice(0, n));
  const prefixWords = fs
    .readFileSync(wordListPath, 'utf8')
    .split('\n')
    .filter((w) => /^[a-z]+$/.test(w) && prefixes.has(w) && !known.has(w))
    .sort();
  const file: EndingModelFile = { buckets: BUCKETS, bias: Number(bias.toFixed(6)), scale: Number(scale.toPrecision(8)), index, weight, vocabulary, prefixWords, trainedOn: { corpus: 'annomi (public domain)', heldOut: 'session number % 4 = 3', runs: train.length, seed: 2026, l2: 1, prefixWords: 'word-list 4.1.0 (MIT)' } };
  fs.writeFileSync(OUT, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${path.relative(ROOT, OUT)} (${index.length} weights, ${(fs.statSync(OUT).size / 1024).toFixed(0)} KB)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
