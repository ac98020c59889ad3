/**
 * The meta-text model (`server/src/core/model/meta.ts`): does a clause read
 * as a generator speaking about its text? Learned from
 *
 * - the team's written lines (`train/data/meta-lines-*.jsonl`, written for
 *   this without reading the rules, the eval's phrasings or any corpus):
 *   generator meta-text of many kinds (preambles, closing offers, notes,
 *   commentary, continuation markers, headings, label lines, echoes of the
 *   instructions) and in-session speech that looks like it;
 * - the speech of AnnoMI (public domain) and of the team's sessions, every
 *   sentence and line of their turns, as what is not meta-text.
 *
 * Held out and measured: every fourth written line (by a hash of its text),
 * AnnoMI's held-out sessions (number % 4 = 3) and the team's (number % 4 = 0).
 *
 *   npm run train:meta             fit and write server/src/core/model/weights/meta-model.json
 *   npm run train:meta -- --check  fit and print the held-out figures only
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscript } from '../server/src/core/parser.ts';
import { sentences } from '../server/src/core/detect/sentence.ts';
import { metaFeatures, type MetaModelFile } from '../server/src/core/model/meta.ts';
import { fit, type Example } from './logreg.ts';
import { binary, quantise } from './binary.ts';
import { annomiHeldOut, CBT_SESSIONS_DIR, cbtHeldOut, CORPORA, ROOT } from './data.ts';
import { writtenRows } from './lines.ts';

const BUCKETS = 1 << 16;
const OUT = path.join(ROOT, 'server/src/core/model/weights/meta-model.json');
/** Chosen with --check on the held-out written lines and speech (1, 0.3, 0.1, 0.03: recall at P ≥ 0.95 0.41 → 0.58, no held-out speech flagged). */
const L2 = 0.03;

export interface Item {
  text: string;
  meta: boolean;
  heldOut: boolean;
  source: 'written' | 'annomi' | 'team';
  kind?: string;
}

/** The written lines (every fourth held out, by a hash of the text: the same split on every run). */
function writtenLines(): Item[] {
  return writtenRows<{ text: string; meta: boolean; kind?: string }>('meta-lines').map((row) => ({
    text: row.text,
    meta: row.meta === true,
    heldOut: row.heldOut,
    source: 'written',
    ...(row.kind ? { kind: row.kind } : {}),
  }));
}

/** Every sentence and line of the turns of a folder's sessions, as speech. */
export function speech(dir: string, numbered: RegExp, heldOut: (n: number) => boolean, source: Item['source']): Item[] {
  const out: Item[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort()) {
    const held = heldOut(Number(numbered.exec(file)?.[1] ?? 0));
    const tree = parseTranscript(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const turn of tree.children) {
      if (turn.type !== 'turn') continue;
      for (const paragraph of turn.children) {
        if (paragraph.type !== 'paragraph') continue;
        for (const node of paragraph.children) {
          if (node.type !== 'text') continue;
          const lines = node.value.split('\n').map((l) => l.trim()).filter(Boolean);
          for (const line of lines) if (lines.length > 1) out.push({ text: line, meta: false, heldOut: held, source });
          for (const span of sentences(node.value)) {
            const text = node.value.slice(span.start, span.end).trim();
            if (!text) continue;
            out.push({ text, meta: false, heldOut: held, source });
            // The same words without the closing mark, as chat writers and stripped sources leave them: a missing
            // full stop is no sign of meta-text (the written meta lines, labels and headings often lack one).
            const open = text.replace(/[.!?…]+["'”’)]*$/u, '').trimEnd();
            if (open && open !== text) out.push({ text: open, meta: false, heldOut: held, source });
          }
        }
      }
    }
  }
  return out;
}

function example(item: Item, weight: number): Example {
  const counts = new Map<number, number>();
  for (const b of metaFeatures(item.text, BUCKETS)) counts.set(b, (counts.get(b) ?? 0) + 1);
  const index = Int32Array.from(counts.keys());
  return { index, value: Float64Array.from(index, (i) => counts.get(i)!), target: Float64Array.from(item.meta ? [0, 1] : [1, 0]), weight };
}

function main(): void {
  const check = process.argv.includes('--check');
  const items = [
    ...writtenLines(),
    ...speech(path.join(CORPORA, 'annomi'), /annomi-(\d+)/, annomiHeldOut, 'annomi'),
    ...speech(CBT_SESSIONS_DIR, /session-(\d+)/, cbtHeldOut, 'team'),
  ];
  const train = items.filter((i) => !i.heldOut);
  const held = items.filter((i) => i.heldOut);
  // The written lines weigh as much as all the sessions' speech together (their negatives are the hard ones).
  const written = train.filter((i) => i.source === 'written');
  const spoken = train.filter((i) => i.source !== 'written');
  const positives = written.filter((i) => i.meta).length;
  const writtenNegatives = written.length - positives;
  const wPositive = 1;
  const wWrittenNegative = positives / Math.max(1, writtenNegatives);
  const wSpoken = positives / Math.max(1, spoken.length);
  process.stderr.write(`meta model: ${positives} meta lines, ${writtenNegatives} written look-alikes, ${spoken.length} sentences of speech to learn from; ${held.length} held out\n`);
  const examples = train.map((i) => example(i, i.source !== 'written' ? wSpoken : i.meta ? wPositive : wWrittenNegative));
  const fitted = fit(examples, BUCKETS, 2, { l2: L2, iterations: 300 });
  const model = binary(fitted, BUCKETS);
  const bias = model.bias;
  const p = (text: string) => model.p(metaFeatures(text, BUCKETS));
  for (const threshold of [0.5, 0.8, 0.9, 0.95, 0.98]) {
    const lines = held.filter((i) => i.source === 'written');
    const tp = lines.filter((i) => i.meta && p(i.text) >= threshold).length;
    const fp = lines.filter((i) => !i.meta && p(i.text) >= threshold).length;
    const pos = lines.filter((i) => i.meta).length;
    const speechHeld = held.filter((i) => i.source !== 'written');
    const speechFlagged = speechHeld.filter((i) => p(i.text) >= threshold).length;
    process.stderr.write(
      `  P(meta) ≥ ${threshold}: held-out written lines recall ${(tp / Math.max(1, pos)).toFixed(3)} (${tp}/${pos}), look-alikes flagged ${fp}/${lines.length - pos}; held-out speech flagged ${speechFlagged}/${speechHeld.length} (${((1000 * speechFlagged) / Math.max(1, speechHeld.length)).toFixed(2)} per 1,000)\n`,
    );
  }
  if (process.argv.includes('--misses')) {
    for (const i of held.filter((x) => x.source === 'written')) if (i.meta !== p(i.text) >= 0.9) process.stderr.write(`  ${i.meta ? 'missed' : 'flagged'} ${p(i.text).toFixed(2)} ${i.text}\n`);
  }
  if (check) return;
  const { scale, index, weight } = quantise(model.w);
  const file: MetaModelFile = {
    buckets: BUCKETS,
    bias: Number(bias.toFixed(6)),
    scale: Number(scale.toPrecision(8)),
    index,
    weight,
    trainedOn: { l2: L2, written: 'train/data/meta-lines-*.jsonl (every fourth line held out)', speech: 'annomi (public domain) and the team sessions, held-out sessions left out', positives, writtenNegatives, sentences: spoken.length },
  };
  fs.writeFileSync(OUT, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${path.relative(ROOT, OUT)} (${index.length} weights, ${(fs.statSync(OUT).size / 1024).toFixed(0)} KB)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
