#!/usr/bin/env node
// Print a session with exact 1-based line numbers (as an editor counts them,
// blank lines included), marking the lines that open a turn with ">" and the
// turn's index, so gold `line` values can be read off directly.
//
//   node test/data/gold/tools/show.mjs <corpus> <file|index> [--ends]
//   node test/data/gold/tools/show.mjs --list <corpus>     (the development set, with indexes)
//
// --ends also prints, after each turn, its last 40 characters between « », to check endings.
import { readFileSync } from 'node:fs';
import { selected, sessionPath, TURN_LABEL } from './corpus.mjs';

const args = process.argv.slice(2);
if (args[0] === '--list') {
  selected(args[1]).forEach((f, i) => console.log(`${i}\t${f}`));
  process.exit(0);
}
const [corpus, which] = args;
if (!corpus || which === undefined) {
  console.error('usage: show.mjs <corpus> <file|index of the development set> [--ends] | --list <corpus>');
  process.exit(2);
}
const files = selected(corpus);
const file = /^\d+$/.test(which) ? files[Number(which)] : which;
if (!file) {
  console.error(`no session ${which} in the development set of ${corpus} (${files.length} sessions)`);
  process.exit(2);
}
const text = readFileSync(sessionPath(corpus, file), 'utf8');
const lines = text.split(/\r\n|\n|\r/);
if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line
console.log(`## ${file} (${lines.length} lines)`);
let turn = -1;
let last = '';
const ends = args.includes('--ends');
const flush = () => {
  if (ends && turn >= 0) console.log(`        «${last.slice(-40)}»`);
};
lines.forEach((line, i) => {
  const opens = TURN_LABEL.test(line);
  if (opens) {
    flush();
    turn++;
  }
  if (line.trim() !== '') last = line;
  const mark = opens ? `>${String(turn).padStart(2)}` : '   ';
  console.log(`${String(i + 1).padStart(4)} ${mark} ${line}`);
});
flush();
