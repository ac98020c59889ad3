// The floor: the least any Node tool pays to lint a folder of transcripts —
// start Node, find the files, read each one and split it into turns by label.
// No analysis at all. `node bench/floor.mjs <folder|file>…` prints the counts.
import fs from 'node:fs';
import path from 'node:path';

const LABEL = /^[A-Z][\w .'-]{0,40}:/;
let files = 0;
let turns = 0;
let bytes = 0;

function visit(target) {
  if (fs.statSync(target).isDirectory()) {
    for (const name of fs.readdirSync(target)) visit(path.join(target, name));
  } else if (target.endsWith('.transcript')) {
    const text = fs.readFileSync(target, 'utf8');
    files++;
    bytes += text.length;
    for (const line of text.split('\n')) if (LABEL.test(line)) turns++;
  }
}

for (const target of process.argv.slice(2)) visit(target);
process.stdout.write(`${JSON.stringify({ files, turns, chars: bytes })}\n`);
