/**
 * unified-engine as the CLI runs it: one run over files (or stdin) with the
 * transcript plugin, reported with vfile-reporter or vfile-reporter-json.
 * Batched and multi-threaded runs (batch.ts) use the same run per batch and
 * `writeReport` for the combined report, so every path prints the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { engine } from 'unified-engine';
import { unified, type Processor } from 'unified';
import { reporter } from 'vfile-reporter';
import { reporterJson } from 'vfile-reporter-json';
import type { VFile } from 'vfile';
import { Transform, type Readable } from 'node:stream';
import { isStrip, stripFlag, transcriptCli, type Mode, type StdinLimit } from './plugin.ts';
import { maxInputBytes } from '../core/limits.ts';
import { SettingsResolver } from '../core/resolve.ts';
import { RULE_ERROR } from '../core/lint.ts';

export const IGNORE_NAME = '.transcriptignore';

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export interface EngineRun {
  io: CliIo;
  mode: Mode;
  /** Paths and globs as given, or files already found (batches: taken as they are, never globbed). */
  files: Array<string | VFile>;
  resolverOptions: ConstructorParameters<typeof SettingsResolver>[0];
  format: 'stylish' | 'json';
  quiet: boolean;
  color: boolean;
  ignorePath?: string | undefined;
  ignorePatterns?: string[];
  stdinFilename?: string | undefined;
  outDir?: string | undefined;
  /** Reuse a resolver across runs (batches: configuration files are read once per folder). */
  resolver?: SettingsResolver;
  /** Collect the processed files instead of reporting them (batches, reported together by `writeReport`). */
  collect?: (files: VFile[]) => void;
}

/**
 * vfile-reporter-json, with `fatal` always present: `true` (error), `false`
 * (warning) or `null` (information), so consumers need not guess.
 */
function jsonReport(files: VFile[]): string {
  const report = JSON.parse(reporterJson(files)) as Array<{ messages: Array<{ fatal?: boolean | null }> }>;
  for (const file of report) for (const message of file.messages) message.fatal ??= null;
  return JSON.stringify(report);
}

/**
 * Report files processed in batches or worker threads exactly as unified-engine
 * reports its own: same reporter, options and stream, a final newline, and
 * exit code 1 when a message is fatal (an error).
 */
export async function writeReport(run: EngineRun, files: VFile[]): Promise<number> {
  const text = run.format === 'json' ? jsonReport(files) : reporter(files, { quiet: true, silent: false, verbose: false, color: run.color });
  if (text) {
    const stream = reportStream(run);
    await new Promise<void>((resolve) => stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve()));
  }
  return exitCode(files);
}

/**
 * 1 when a message is fatal (an error), 2 when a rule failed (its findings are
 * missing: the run did not do its job), else 0.
 */
export function exitCode(files: readonly VFile[]): number {
  if (files.some((file) => file.messages.some((message) => message.ruleId === RULE_ERROR))) return 2;
  return files.some((file) => file.messages.some((message) => message.fatal === true)) ? 1 : 0;
}

/** The report goes to stdout unless stdout carries the transcript itself (stdin, or one file with --strip-tags). */
function reportStream(run: EngineRun): NodeJS.WritableStream {
  return carriesTranscript(run) ? run.io.stderr : run.io.stdout;
}

function carriesTranscript(run: EngineRun): boolean {
  const fromStdin = run.files.length === 0;
  return (run.mode !== 'lint' && fromStdin) || (isStrip(run.mode) && !fromStdin && !run.outDir);
}

/**
 * A stream that passes its input on up to `limit.bytes`, then ends (the rest
 * is drained unread) and marks the limit exceeded: the engine reads stdin
 * whole into one string, which must stay within what a transcript can be.
 */
function limitStream(input: NodeJS.ReadableStream, limit: StdinLimit): NodeJS.ReadableStream {
  // Held back until the input ends, so that an input over the limit is never decoded at all.
  let held: Buffer[] = [];
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (limit.exceeded) return done();
      seen += chunk.length;
      if (seen > limit.bytes) {
        limit.exceeded = true;
        held = [];
        // Nothing of it is linted: end the stream now, and let the source go.
        this.push(null);
        input.unpipe(limited);
        if ('destroy' in input && typeof input.destroy === 'function') (input as Readable).destroy();
        return done();
      }
      held.push(chunk);
      done();
    },
    flush(done) {
      if (!limit.exceeded) for (const chunk of held) this.push(chunk);
      held = [];
      done();
    },
  });
  input.pipe(limited);
  return limited;
}

/** Run unified-engine over files (or stdin) and report. Resolves with the exit code. */
export function runEngine(run: EngineRun): Promise<number> {
  const { io, mode } = run;
  const fromStdin = run.files.length === 0;
  const first = run.files[0];
  const firstPath = typeof first === 'string' ? first : first?.path;
  if (isStrip(mode) && !fromStdin && !run.outDir && !(run.files.length === 1 && firstPath && fs.statSync(path.resolve(io.cwd, firstPath), { throwIfNoEntry: false })?.isFile())) {
    io.stderr.write(`transcript-lint: ${stripFlag(mode)} with several files needs --out-dir <dir>\n`);
    return Promise.resolve(2);
  }
  // Stdin is read only up to what one transcript can be: `transcript-lint < /dev/zero` gets a message.
  const stdinLimit: StdinLimit = { bytes: maxInputBytes(), exceeded: false };
  const processor = unified().use(transcriptCli as unknown as (options: unknown) => void, {
    resolver: run.resolver ?? new SettingsResolver(run.resolverOptions),
    mode,
    quiet: run.quiet,
    stdinLimit,
  }) as unknown as Processor;
  const report = run.format === 'json' ? jsonReport : reporter;
  if (run.outDir) fs.mkdirSync(path.resolve(io.cwd, run.outDir), { recursive: true });

  return new Promise((resolve) => {
    engine(
      {
        processor,
        files: run.files,
        extensions: ['transcript'],
        cwd: io.cwd,
        detectConfig: false,
        ignoreName: IGNORE_NAME,
        ...(run.ignorePath ? { ignorePath: run.ignorePath } : {}),
        ignorePatterns: run.ignorePatterns ?? [],
        ...(run.stdinFilename ? { filePath: run.stdinFilename } : {}),
        streamIn: fromStdin ? limitStream(io.stdin, stdinLimit) : io.stdin,
        streamOut: io.stdout,
        streamError: reportStream(run),
        out: carriesTranscript(run),
        ...(run.outDir ? { output: run.outDir } : {}),
        color: run.color,
        quiet: true,
        reporter: run.collect
          ? (files: VFile[]) => {
              run.collect!(files);
              return '';
            }
          : report,
        reporterOptions: { quiet: true, verbose: false },
      },
      (error, code, context) => {
        if (error) {
          io.stderr.write(`transcript-lint: ${error.message}\n`);
          resolve(2);
        } else resolve(context?.files && exitCode(context.files) === 2 ? 2 : (code ?? 0));
      },
    );
  });
}
