#!/usr/bin/env node
/**
 * Print real-corpus sessions with editor line numbers, for labelling gold findings.
 *
 *   node test/data/gold/tools/real/show.mjs <corpus> [from] [count]     sessions from..from+count-1 of the sorted list
 *   node test/data/gold/tools/real/show.mjs <corpus> <file.transcript>  one session
 *
 * Options: --lint <file.json>  mark the lines the linter reported (output of
 *          `node bin/transcript-lint.js --format json <dir>`), consecutive-turns left out;
 *          --keep-blank         print blank lines too (they are skipped by default; numbering is unchanged).
 *
 * Corpora are read from ../shared/corpora (or $TRANSCRIPT_SHARED_DIR/corpora); nothing is copied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
};
const lintFile = option('--lint');
const keepBlank = flag('--keep-blank');
const [corpus, first, count] = args;
if (!corpus) {
  process.stderr.write('usage: show.mjs <corpus> [from] [count] | <corpus> <file> [--lint file.json] [--keep-blank]\n');
  process.exit(2);
}
const dir = path.join(SHARED, 'corpora', corpus);
if (!fs.existsSync(dir)) {
  process.stderr.write(`show: no corpus folder ${dir}\n`);
  process.exit(2);
}
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort();
let files;
if (first && first.endsWith('.transcript')) files = [first];
else {
  const from = Number(first ?? 0);
  const n = Number(count ?? all.length);
  files = all.slice(from, from + n);
}

const marks = new Map(); // file -> line -> [rule]
if (lintFile) {
  for (const result of JSON.parse(fs.readFileSync(lintFile, 'utf8'))) {
    const name = path.basename(result.path);
    for (const m of result.messages) {
      if (m.ruleId === 'consecutive-turns') continue;
      if (!marks.has(name)) marks.set(name, new Map());
      const byLine = marks.get(name);
      byLine.set(m.line, [...(byLine.get(m.line) ?? []), m.ruleId]);
    }
  }
}

for (const name of files) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    process.stderr.write(`show: no file ${file}\n`);
    process.exitCode = 1;
    continue;
  }
  const lines = fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
  process.stdout.write(`=== ${name} (${lines.length} lines, #${all.indexOf(name)})\n`);
  const fileMarks = marks.get(name);
  lines.forEach((text, i) => {
    if (!keepBlank && text.trim() === '') return;
    const mark = fileMarks?.get(i + 1);
    process.stdout.write(`${String(i + 1).padStart(4)}${mark ? ` <<${mark.join(',')}>>` : ''}| ${text}\n`);
  });
}
