/**
 * The English-word filter (`server/src/core/model/english.ts`): a Bloom
 * filter over the `word-list` package's words (MIT), about 1 % false
 * positives (9.6 bits and 7 probes a word).
 *
 *   npm run train:english   write server/src/core/model/weights/english-words.json
 */
import fs from 'node:fs';
import path from 'node:path';
import wordListPath from 'word-list';
import { bloomPositions, type BloomFile } from '../server/src/core/model/english.ts';
import { ROOT } from './data.ts';

const OUT = path.join(ROOT, 'server/src/core/model/weights/english-words.json');
const PROBES = 7;

function main(): void {
  const words = [...new Set(fs.readFileSync(wordListPath, 'utf8').split('\n').map((w) => w.trim().toLowerCase()).filter(Boolean))];
  const bits = Math.ceil((words.length * 9.6) / 8) * 8;
  const data = new Uint8Array(bits / 8);
  for (const word of words) for (const p of bloomPositions(word, bits, PROBES)) data[p >> 3]! |= 1 << (p & 7);
  const file: BloomFile = { bits, probes: PROBES, data: Buffer.from(data).toString('base64'), source: `word-list 4.1.0 (MIT), ${words.length} words` };
  fs.writeFileSync(OUT, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${path.relative(ROOT, OUT)} (${words.length} words, ${(fs.statSync(OUT).size / 1024).toFixed(0)} KB)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
