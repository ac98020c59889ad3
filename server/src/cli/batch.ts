/**
 * Many files: linted in batches, in this thread or in `--workers n` threads,
 * and reported once.
 *
 * Why batches: unified-engine holds every file of a run until all are done,
 * and each file that finishes walks the whole list (its queue is quadratic in
 * the number of files): over thousands of files that costs more than the
 * linting, and memory grows with the corpus. A batch is one ordinary engine
 * run (same plugin, same configuration lookup, same writes for --fix and
 * --out-dir) whose processed files are kept as plain data (transfer.ts) —
 * messages, not text — and the main thread reports them all at once, sorted as
 * the engine sorts, so the report is byte for byte that of one engine run.
 *
 * With workers, batches are cut from the list sorted by size (largest first)
 * and handed to whichever worker is free: one huge session does not leave the
 * other cores idle at the end, and small files travel many to a message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { VFile } from 'vfile';
import { reviveFile, serializeFile, type FileData } from './transfer.ts';
import { comparePaths, type Target } from './files.ts';
import { exitCode, runEngine, type CliIo } from './engine.ts';
import type { Mode } from './plugin.ts';
import { SettingsResolver, type ResolverOptions } from '../core/resolve.ts';
import { SOURCE } from '../core/lint.ts';
import { unreadableReason } from './input.ts';

/**
 * Files per batch; a run of at most this many files is left to one engine
 * run. (TRANSCRIPT_LINT_BATCH_FILES: for tests that compare both paths.)
 */
export const BATCH_FILES = Number(process.env.TRANSCRIPT_LINT_BATCH_FILES) || 128;
/**
 * Bytes per batch at most (a bigger file is a batch of its own): the engine
 * holds a batch's trees and analyses until the batch ends, so this bounds the
 * memory of a run whatever the size of the corpus.
 */
const BATCH_BYTES = 4 << 20;

/** What a batch needs to run the engine as the main thread would (plain data: workers get a clone). */
export interface BatchSetup {
  cwd: string;
  mode: Mode;
  resolverOptions: ResolverOptions;
  quiet: boolean;
  ignorePath?: string | undefined;
  ignorePatterns?: string[];
  outDir?: string | undefined;
}

export interface BatchRequest {
  id: number;
  files: string[];
}

export interface BatchResult {
  id: number;
  files: FileData[];
  /** The engine itself failed (not a file): the run stops with exit code 2. */
  error?: string;
}

/** One engine run over a batch; resolves with the processed files as data. */
export async function runBatch(files: string[], setup: BatchSetup, resolver: SettingsResolver, io: CliIo): Promise<FileData[]> {
  let processed: VFile[] = [];
  const code = await runEngine({
    ...setup,
    io: { ...io, stdin: Readable.from([]), cwd: setup.cwd },
    resolver,
    // Files, not strings: the engine neither globs them (`a[1].transcript`) nor checks each for glob syntax.
    files: files.map((file) => targetFile(path.resolve(setup.cwd, file))),
    // Collected, not reported: format and colour do not matter here.
    format: 'json',
    color: false,
    collect: (collected) => {
      processed = collected;
    },
  });
  // 2 is also the code of a rule that failed on a file: that file's report says so, and the run goes on.
  if (code === 2 && exitCode(processed) !== 2) throw new Error('the engine failed on a batch of files');
  return processed.map(serializeFile);
}

/**
 * A file for the engine to lint. One it must not read (a FIFO, a device, a
 * file too large for this run) carries its fatal message already, so the
 * engine neither opens nor writes it and reports it with the others.
 */
export function targetFile(absolute: string): VFile {
  const file = new VFile({ path: absolute });
  const reason = unreadableReason(absolute);
  if (reason) file.message(reason, { ruleId: 'unreadable', source: SOURCE }).fatal = true;
  return file;
}

/**
 * Lint the targets in batches (`workers` threads, or this one for 1) and
 * resolve with the processed files, labelled and sorted as one engine run
 * over the original paths would have them.
 */
export async function lintInBatches(targets: readonly Target[], setup: BatchSetup, workers: number, io: CliIo): Promise<VFile[]> {
  if (setup.outDir) fs.mkdirSync(path.resolve(setup.cwd, setup.outDir), { recursive: true });
  const inputs = targets.map((t) => t.path);
  let results: FileData[] = [];
  if (workers <= 1) {
    const resolver = new SettingsResolver(setup.resolverOptions);
    const sized = inputs.map((input) => ({ input, size: sizeOf(path.resolve(setup.cwd, input)) }));
    for (const batch of cut(sized, BATCH_FILES, BATCH_BYTES)) results.push(...(await runBatch(batch, setup, resolver, io)));
  } else {
    results = await inWorkers(bySize(inputs, setup.cwd, workers), setup, workers);
  }
  const display = new Map(targets.map((t) => [t.path, t.display] as const));
  return results
    .map((data) => {
      const file = reviveFile(data);
      // The engine names each file relative to the cwd; report it as it was found (an absolute glob's match …).
      const shown = display.get(file.history[0] ?? '');
      if (shown !== undefined) file.history[0] = shown;
      return file;
    })
    .sort((a, b) => comparePaths(a.history[0] ?? '', b.history[0] ?? ''));
}

/** Batches for workers: largest files first, each about an eighth of a worker's share. */
function bySize(inputs: readonly string[], cwd: string, workers: number): string[][] {
  const sized = inputs.map((input) => ({ input, size: sizeOf(path.resolve(cwd, input)) }));
  sized.sort((a, b) => b.size - a.size || comparePaths(a.input, b.input));
  const total = sized.reduce((sum, f) => sum + f.size, 0);
  return cut(sized, BATCH_FILES, Math.min(BATCH_BYTES, Math.max(64 << 10, total / (workers * 8))));
}

function cut(files: ReadonlyArray<{ input: string; size: number }>, maxFiles: number, maxBytes: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const { input, size } of files) {
    current.push(input);
    bytes += size;
    if (current.length >= maxFiles || bytes >= maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** dist/cli-worker.cjs, next to the running bundle (dist/cli.cjs). */
export function workerScript(): string {
  const here = typeof __dirname === 'string' && path.basename(__dirname) === 'dist' ? __dirname : path.resolve(import.meta.dirname ?? '.', '../../../dist');
  return path.join(here, 'cli-worker.cjs');
}

/** The batches in a pool of worker threads, each taking the next batch when it is free. */
async function inWorkers(batches: string[][], setup: BatchSetup, workers: number): Promise<FileData[]> {
  const script = workerScript();
  if (!fs.existsSync(script)) throw new Error(`cannot find the worker bundle ${script} (run npm run build)`);
  const results: FileData[] = [];
  let next = 0;
  const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(script, { workerData: setup }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= batches.length) return resolve();
              worker.postMessage({ id: next, files: batches[next++]! } satisfies BatchRequest);
            };
            worker.on('message', (result: BatchResult) => {
              if (result.error) return reject(new Error(result.error));
              results.push(...result.files);
              send();
            });
            worker.once('error', reject);
            worker.once('exit', (code) => reject(new Error(`a worker stopped unexpectedly (exit code ${code})`)));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return results;
}
