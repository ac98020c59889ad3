// Are the findings unchanged? Dumps the JSON report of transcript-lint over
// every corpus in ../shared/corpora and the seed session, or compares a new
// dump with a saved one byte for byte. For speed work: save the reports of a
// pristine build once, then check after every change.
//
//   node bench/same-reports.mjs save  <dir> [--cli bin/transcript-lint.js] [--bench <folder>]
//   node bench/same-reports.mjs check <dir> [--cli bin/transcript-lint.js] [--bench <folder>]
//
// Every run uses ../shared as its working directory, so the paths (and the
// `cwd` field) in the reports do not depend on the checkout. `--bench` adds
// one more report over a folder (e.g. the bench corpus, bench/results/tmp/corpus-50/transcripts).
// `check` exits 1 and names the first differing report and byte when anything differs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared');
const [mode, dir, ...rest] = process.argv.slice(2);
if ((mode !== 'save' && mode !== 'check') || !dir) {
  process.stderr.write('usage: node bench/same-reports.mjs save|check <dir> [--cli <bin>] [--bench <folder>]\n');
  process.exit(2);
}
const option = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const cli = path.resolve(option('--cli') ?? path.join(ROOT, 'bin/transcript-lint.js'));
const bench = option('--bench');

const cases = [];
const corpora = path.join(SHARED, 'corpora');
for (const name of fs.readdirSync(corpora).sort()) {
  const folder = path.join(corpora, name);
  if (!fs.statSync(folder).isDirectory()) continue;
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.transcript'))
    .sort()
    .map((f) => path.join('corpora', name, f));
  if (files.length) cases.push({ name, args: files });
}
cases.push({ name: 'seed-session', args: ['fixtures/seed-session.transcript'] });
if (bench) cases.push({ name: 'bench', args: [path.resolve(bench)] });

fs.mkdirSync(dir, { recursive: true });
let failed = 0;
for (const { name, args } of cases) {
  const run = spawnSync(process.execPath, [cli, '--format', 'json', ...args], { cwd: SHARED, maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  if (run.error) throw run.error;
  const report = run.stdout;
  const file = path.join(dir, `${name}.json`);
  const status = path.join(dir, `${name}.status`);
  const exit = `${run.status}\n`;
  if (mode === 'save') {
    fs.writeFileSync(file, report);
    fs.writeFileSync(status, exit);
    process.stdout.write(`saved ${name}: ${report.length} bytes, exit ${run.status}\n`);
    continue;
  }
  const saved = fs.readFileSync(file);
  const savedExit = fs.readFileSync(status, 'utf8');
  if (saved.equals(report) && savedExit === exit) {
    process.stdout.write(`same  ${name}: ${report.length} bytes, exit ${run.status}\n`);
    continue;
  }
  failed++;
  let at = 0;
  while (at < saved.length && at < report.length && saved[at] === report[at]) at++;
  fs.writeFileSync(path.join(dir, `${name}.new.json`), report);
  process.stdout.write(
    `DIFF  ${name}: ${saved.length} → ${report.length} bytes, exit ${savedExit.trim()} → ${run.status}; first difference at byte ${at}:\n` +
      `  before …${saved.subarray(Math.max(0, at - 80), at + 120).toString()}\n  after  …${report.subarray(Math.max(0, at - 80), at + 120).toString()}\n`,
  );
}
process.exit(failed ? 1 : 0);
