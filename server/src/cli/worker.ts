/**
 * Entry point of dist/cli-worker.cjs, a `--workers` thread: runs one engine
 * run per batch of files the main thread sends and answers with the processed
 * files as data (see batch.ts). Fixed files and `--out-dir` copies are written
 * here, as a single-threaded run writes them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SettingsResolver } from '../core/resolve.ts';
import { runBatch, type BatchRequest, type BatchResult, type BatchSetup } from './batch.ts';

const setup = workerData as BatchSetup;
// One resolver for all batches: configuration files are read once per folder.
const resolver = new SettingsResolver(setup.resolverOptions);
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, cwd: setup.cwd };

parentPort!.on('message', (request: BatchRequest) => {
  runBatch(request.files, setup, resolver, io).then(
    (files) => parentPort!.postMessage({ id: request.id, files } satisfies BatchResult),
    (error: unknown) => parentPort!.postMessage({ id: request.id, files: [], error: (error as Error).message ?? String(error) } satisfies BatchResult),
  );
});
