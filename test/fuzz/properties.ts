/**
 * The fuzz properties, by name: what `npm run fuzz` runs and what the unit
 * tests run a few thousand cases of. Each is a fast-check property over one
 * generated input; `check` throws on a failure.
 */
import fc from 'fast-check';
import { checkEditorCase, editorCase } from './editor.ts';
import { checkParityCase, parityCase } from './parity.ts';
import { checkFixCase, fixCase } from './fixes.ts';
import { checkFamily, checkPath, family, pathCase } from './scaling.ts';

export interface FuzzProperty<T = unknown> {
  name: string;
  /** The property number. */
  number: 1 | 2 | 3 | 4;
  summary: string;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): Promise<void> | void;
  /** Share of a run's time (relative; slow properties get more, so each sees enough cases). */
  weight: number;
  /** Longest one case may take before it counts as a hang (ms). */
  timeout: number;
}

const define = <T>(p: FuzzProperty<T>) => p as unknown as FuzzProperty;

export const PROPERTIES: FuzzProperty[] = [
  define({
    name: 'editor',
    number: 1,
    summary: 'the server after bursts of edits, interleaved requests, close and reopen = a fresh open, in every view',
    arbitrary: editorCase,
    check: checkEditorCase,
    weight: 3,
    timeout: 120_000,
  }),
  define({
    name: 'parity',
    number: 2,
    summary: 'transcript-lint, --jsonl and the server report the same findings for the same text and settings',
    arbitrary: parityCase,
    check: checkParityCase,
    weight: 2,
    timeout: 120_000,
  }),
  define({
    name: 'fix-output',
    number: 3,
    summary: '--fix and --jsonl --fix keep the BOM, line endings, every record field and message; both make the same text',
    arbitrary: fixCase,
    check: (input) => checkFixCase(input, ['output']),
    weight: 2,
    timeout: 120_000,
  }),
  define({
    name: 'fix-engine',
    number: 3,
    summary: '--fix changes nothing outside the reported findings\' fixes; a second run stays within the first run\'s report',
    arbitrary: fixCase,
    check: (input) => checkFixCase(input, ['engine']),
    weight: 2,
    timeout: 120_000,
  }),
  define({
    name: 'scaling',
    number: 4,
    summary: 'no input family costs super-linear time or memory (analysis and --fix)',
    arbitrary: family,
    check: (input) => checkFamily(input),
    weight: 3,
    timeout: 600_000,
  }),
  define({
    name: 'paths',
    number: 4,
    summary: 'no FIFO, device, link loop or huge file hangs or exhausts the CLI or the server',
    arbitrary: pathCase,
    check: checkPath,
    weight: 1,
    timeout: 300_000,
  }),
];
