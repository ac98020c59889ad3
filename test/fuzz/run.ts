/**
 * `npm run fuzz`: the fuzz properties for a bounded time, seeded and
 * deterministic, with a minimized repro saved for each failure.
 *
 *     npm run fuzz -- [--seconds 120] [--seed 13] [--property editor,fix-output]
 *                     [--cases 1000] [--out fuzz-repros] [--replay fuzz-repros/x.json]
 *
 * The time is shared among the properties by weight. Each property runs in
 * rounds of fast-check (round r uses the seed derived from --seed and r), so
 * with --cases instead of a time limit the inputs are the same on every run,
 * and with --seconds a run checks a prefix of that same sequence. A failing
 * round is shrunk to a minimal input, saved as JSON (property, seed, input,
 * error), and the next round goes on; the same failure (by message) is saved
 * once. Exit code 1 when anything failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { PROPERTIES, type FuzzProperty } from './properties.ts';
import { ROOT } from '../helpers/paths.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    seed: { type: 'string', default: '13' },
    property: { type: 'string' },
    cases: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'fuzz-repros') },
    replay: { type: 'string' },
    round: { type: 'string', default: '200' },
  },
});

interface Repro {
  property: string;
  seed: number;
  round: number;
  path: string | undefined;
  input: unknown;
  error: string;
}

async function replay(file: string): Promise<number> {
  const repro = JSON.parse(fs.readFileSync(file, 'utf8')) as Repro;
  const property = PROPERTIES.find((p) => p.name === repro.property);
  if (!property) throw new Error(`no property ${repro.property}`);
  try {
    await property.check(repro.input);
    console.log(`${repro.property}: passes now (${file})`);
    return 0;
  } catch (error) {
    console.log(`${repro.property}: still fails:\n${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}

/** A failure's identity: its message without the numbers and quoted text that vary between inputs. */
function signature(error: string): string {
  return error
    .split('\n')[0]!
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

async function runProperty(property: FuzzProperty, seed: number, deadline: number, maxCases: number | undefined, roundSize: number, out: string): Promise<{ cases: number; failures: Repro[]; ms: number }> {
  const started = performance.now();
  const failures: Repro[] = [];
  const seen = new Set<string>();
  let cases = 0;
  for (let round = 0; ; round++) {
    const left = deadline - performance.now();
    if (left <= 0 || (maxCases !== undefined && cases >= maxCases)) break;
    const roundSeed = (seed * 1_000_003 + round * 7919) | 0;
    const numRuns = maxCases !== undefined ? Math.min(roundSize, maxCases - cases) : roundSize;
    const predicate = async (input: unknown) => {
      await property.check(input);
    };
    const details = await fc.check(fc.asyncProperty(property.arbitrary, predicate), {
      seed: roundSeed,
      numRuns,
      timeout: property.timeout,
      ...(maxCases === undefined ? { interruptAfterTimeLimit: Math.max(1, Math.floor(left)), markInterruptAsFailure: false } : {}),
    });
    cases += details.numRuns;
    if (!details.failed) {
      if (details.interrupted) break;
      continue;
    }
    const error = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance ?? 'failed');
    const key = signature(error);
    if (seen.has(key)) continue;
    seen.add(key);
    const repro: Repro = { property: property.name, seed: roundSeed, round, path: details.counterexamplePath ?? undefined, input: details.counterexample?.[0], error };
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, `${property.name}-${seed}-${round}.json`);
    fs.writeFileSync(file, `${JSON.stringify(repro, null, 2)}\n`);
    failures.push(repro);
    console.log(`  ✖ ${property.name}: ${error.split('\n')[0]!.slice(0, 300)}\n    minimized repro: ${path.relative(process.cwd(), file)}`);
  }
  return { cases, failures, ms: performance.now() - started };
}

async function main(): Promise<number> {
  if (values.replay) return replay(values.replay);
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  const maxCases = values.cases !== undefined ? Number(values.cases) : undefined;
  const chosen = values.property ? PROPERTIES.filter((p) => values.property!.split(',').includes(p.name)) : PROPERTIES;
  if (chosen.length === 0) throw new Error(`no such property; there are ${PROPERTIES.map((p) => p.name).join(', ')}`);
  const totalWeight = chosen.reduce((sum, p) => sum + p.weight, 0);
  console.log(`fuzz: seed ${seed}, ${maxCases !== undefined ? `${maxCases} cases per property` : `${seconds} s`}, properties ${chosen.map((p) => p.name).join(', ')}`);
  const rows: Array<[FuzzProperty, Awaited<ReturnType<typeof runProperty>>]> = [];
  let start = performance.now();
  for (const property of chosen) {
    console.log(`(${property.number}) ${property.name}: ${property.summary}`);
    const share = (seconds * 1000 * property.weight) / totalWeight;
    const deadline = maxCases !== undefined ? Infinity : start + share;
    const result = await runProperty(property, seed, deadline, maxCases, Number(values.round), values.out!);
    rows.push([property, result]);
    start = Math.max(performance.now(), start + share);
  }
  console.log('\nproperty     cases   failures  seconds');
  let cases = 0;
  let failures = 0;
  for (const [property, result] of rows) {
    cases += result.cases;
    failures += result.failures.length;
    console.log(`${property.name.padEnd(12)} ${String(result.cases).padStart(6)}  ${String(result.failures.length).padStart(8)}  ${(result.ms / 1000).toFixed(0).padStart(7)}`);
  }
  console.log(`${'total'.padEnd(12)} ${String(cases).padStart(6)}  ${String(failures).padStart(8)}`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error)?.stack ?? String(error));
    process.exit(2);
  },
);
