/**
 * `npm run eval`: the quality of the rules and of the technique suggestions,
 * measured on every corpus in ../shared/corpora and the seed, each figure next
 * to a baseline measured in the same run. A benchmark: it never fails on a
 * figure. Results go to bench/results/eval.json (committed, like the bench),
 * and the figures that moved since the last committed run are listed.
 *
 *   npm run eval                    every section
 *   npm run eval -- rules           only the sections named
 *   EVAL_OUT=file npm run eval      write the results elsewhere
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalContext, EvalSection } from './section.ts';
import { SECTIONS } from './sections.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');
const DEFAULT_OUT = path.join(ROOT, 'bench/results/eval.json');

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen: EvalSection[] = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.id)) : SECTIONS;
  if (wanted.length && chosen.length !== wanted.length) {
    const known = SECTIONS.map((s) => s.id).join(', ');
    process.stderr.write(`eval: unknown section in ${wanted.join(', ')} (known: ${known})\n`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(SHARED, 'corpora'))) {
    process.stderr.write(`eval: no corpora at ${SHARED}/corpora (set TRANSCRIPT_SHARED_DIR)\n`);
    process.exit(2);
  }
  const context: EvalContext = {
    shared: SHARED,
    root: ROOT,
    print: (line = '') => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const out = process.env.EVAL_OUT ? path.resolve(process.env.EVAL_OUT) : DEFAULT_OUT;
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as { sections?: Record<string, unknown> }) : {};
  const results: Record<string, unknown> = { ...(previous.sections ?? {}) };
  for (const section of chosen) {
    context.print(`\n## ${section.title}\n`);
    const started = performance.now();
    results[section.id] = await section.run(context);
    context.log(`(${section.id}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), sections: results }, null, 2)}\n`);
  context.log(`Results: ${path.relative(ROOT, out)}`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
