/**
 * The fuzz properties (test/fuzz, `npm run fuzz`) with a fixed seed and a
 * few thousand cases in all, as part of the unit tests. A longer run with
 * `npm run fuzz -- --seconds 3600`.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { PROPERTIES } from '../fuzz/properties.ts';
import { checkFamily, type Family } from '../fuzz/scaling.ts';

const SEED = 13;
const byName = (name: string) => PROPERTIES.find((p) => p.name === name)!;

async function run(name: string, numRuns: number): Promise<void> {
  const property = byName(name);
  await fc.assert(
    fc.asyncProperty(property.arbitrary, async (input) => {
      await property.check(input);
    }),
    { seed: SEED, numRuns, timeout: property.timeout },
  );
}

test('fuzz (1): the server after bursts of edits, requests, close and reopen gives every view a fresh open gives (600 cases)', () => run('editor', 600));

test('fuzz (2): transcript-lint, --jsonl and the server report the same findings (600 cases)', () => run('parity', 600));

test('fuzz (3): --fix and --jsonl --fix keep the BOM, line endings, record fields and messages, and agree (1,500 cases)', () => run('fix-output', 1500));

test('fuzz (3): --fix changes nothing outside the fixes of the reported findings, and a second run stays within the first report (300 cases)', () => run('fix-engine', 300));

test('fuzz (4): the input families that were quadratic grow linearly, and a few random ones (analysis and --fix)', () => {
  const known: Family[] = [
    { unit: 'Ã€€€', layout: 'line' },
    { unit: 'b', layout: 'after-long-word' },
    { unit: "I'm sorry, but I can't help with that. ", layout: 'line' },
    { unit: '<|endoftext|> ', layout: 'line' },
    { unit: 'call 1-800-273-8255 ', layout: 'line' },
    { unit: 'a', layout: 'cr-turns' },
    // A header of thousands of artifacts (each removal read its whole line), and a paragraph of quotes
    // and colons on many lines (each clause looked through every quote and line).
    { unit: '<|endoftext|> ', layout: 'header' },
    { unit: '[End of conversation] ', layout: 'header' },
    { unit: "?\nT'']?:", layout: 'line' },
  ];
  for (const family of known) checkFamily(family, { base: 16_000, fix: true });
  fc.assert(
    fc.property(byName('scaling').arbitrary as fc.Arbitrary<Family>, (family) => checkFamily(family, { base: 16_000, fix: false })),
    { seed: SEED, numRuns: 4 },
  );
});

test('fuzz (4): no FIFO, device, link loop or huge file hangs the CLI or the server (12 cases)', () => run('paths', 12));
