/**
 * `transcript-lint`: lint, fix and clean therapy session transcripts.
 *
 * Built on unified-engine (as remark-cli is): files, folders and globs,
 * stdin, `.transcriptignore`, reporters. Configuration (`.transcriptrc.json`)
 * and codebooks are looked up per file by the same resolver the language
 * server uses.
 */
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { engine } from 'unified-engine';
import { unified, type Processor } from 'unified';
import { reporter } from 'vfile-reporter';
import { reporterJson } from 'vfile-reporter-json';
import type { VFile } from 'vfile';
import { transcriptCli, type Mode } from './cli/plugin.ts';
import { SettingsResolver } from './core/resolve.ts';
import { emptyConfig, parseSeverity } from './core/config.ts';
import { allRules } from './core/rules/index.ts';

declare const PACKAGE_VERSION: string | undefined;
export const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

const HELP = `Usage: transcript-lint [options] [path | glob ...]

Lint therapy session transcripts (*.transcript): loops, unanswered
questions, canned refusals, role confusion, truncation, generation
artifacts, mojibake, outdated crisis numbers, unknown speakers and tags.
Reads stdin when no path is given.

Options:
  -f, --format <name>      report format: stylish (default) or json
      --fix                apply safe fixes in place (stdin: print the fixed text)
      --strip-tags         print the transcript without its [ns:id] tags
      --out-dir <dir>      with --strip-tags: write cleaned copies here
  -c, --config <file>      use this configuration file for every transcript
      --no-config          ignore .transcriptrc.json files
      --rule <id=severity> set a rule's severity (off, info, warn, error); repeatable
  -q, --quiet              report errors only
      --ignore-path <file> ignore file (default: .transcriptignore)
      --ignore-pattern <g> glob to ignore; repeatable
      --stdin-filename <p> path used for stdin (configuration lookup, report)
      --jsonl              read one transcript per JSON line on stdin
                           ({"id", "text"} or {"id", "messages": [...]}), write
                           one result line per input line, in order
      --shard <i/n>        lint only shard i of n (deterministic, by path)
  -j, --workers <n>        lint files in n worker threads (default: 1)
      --color / --no-color force or disable colours
  -h, --help               show this help
  -v, --version            show the version

Exit code: 1 when an error-level message was reported, 2 on bad usage.
Rules: ${allRules.map((r) => r.id).join(', ')}.`;

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'stylish' },
        fix: { type: 'boolean', default: false },
        'strip-tags': { type: 'boolean', default: false },
        'out-dir': { type: 'string' },
        config: { type: 'string', short: 'c' },
        'no-config': { type: 'boolean', default: false },
        rule: { type: 'string', multiple: true, default: [] },
        quiet: { type: 'boolean', short: 'q', default: false },
        'ignore-path': { type: 'string' },
        'ignore-pattern': { type: 'string', multiple: true, default: [] },
        'stdin-filename': { type: 'string' },
        jsonl: { type: 'boolean', default: false },
        shard: { type: 'string' },
        workers: { type: 'string', short: 'j', default: '1' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`transcript-lint: ${(error as Error).message}\nRun transcript-lint --help for usage.\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const usage = (message: string) => {
    io.stderr.write(`transcript-lint: ${message}\nRun transcript-lint --help for usage.\n`);
    return 2;
  };
  if (values.format !== 'stylish' && values.format !== 'json') return usage(`unknown format "${values.format}" (use stylish or json)`);
  if (values.fix && values['strip-tags']) return usage('--fix and --strip-tags cannot be combined');

  const overrides = emptyConfig();
  for (const spec of values.rule) {
    const [id, severity] = spec.split('=');
    const parsed = parseSeverity(severity);
    if (!id || !parsed) return usage(`--rule expects id=severity (off, info, warn, error), got "${spec}"`);
    if (!allRules.some((r) => r.id === id)) return usage(`unknown rule "${id}"`);
    overrides.rules[id] = { severity: parsed };
  }
  let shard: { index: number; count: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) return usage('--shard expects i/n with 1 ≤ i ≤ n, e.g. --shard 2/8');
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) return usage('--workers expects a positive whole number');
  if (values.config && !fs.existsSync(path.resolve(io.cwd, values.config))) return usage(`no configuration file at ${values.config}`);

  const resolverOptions = {
    overrides,
    noConfig: values['no-config'],
    ...(values.config ? { configFile: path.resolve(io.cwd, values.config) } : {}),
  };

  if (values.jsonl || shard || workers > 1) return usage('--jsonl, --shard and --workers are not available yet');

  const mode: Mode = values.fix ? 'fix' : values['strip-tags'] ? 'strip-tags' : 'lint';
  const color = values['no-color'] ? false : (values.color ?? (Boolean(io.stdout.isTTY) && !process.env.NO_COLOR));
  const common = {
    io,
    mode,
    resolverOptions,
    format: values.format as 'stylish' | 'json',
    quiet: values.quiet,
    color,
    ignorePath: values['ignore-path'],
    ignorePatterns: values['ignore-pattern'],
    stdinFilename: values['stdin-filename'],
    outDir: values['out-dir'],
    shard,
  };
  if (positionals.length === 0) {
    if (io.stdin.isTTY) {
      io.stderr.write(`${HELP}\n`);
      return 2;
    }
    return runEngine({ ...common, files: [] });
  }
  return runEngine({ ...common, files: positionals });
}

export interface EngineRun {
  io: CliIo;
  mode: Mode;
  files: string[];
  resolverOptions: ConstructorParameters<typeof SettingsResolver>[0];
  format: 'stylish' | 'json';
  quiet: boolean;
  color: boolean;
  ignorePath?: string | undefined;
  ignorePatterns?: string[];
  stdinFilename?: string | undefined;
  outDir?: string | undefined;
  shard?: { index: number; count: number } | undefined;
  /** Collect the processed files instead of reporting them (worker threads). */
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

/** Run unified-engine over files (or stdin) and report. Resolves with the exit code. */
export function runEngine(run: EngineRun): Promise<number> {
  const { io, mode } = run;
  const fromStdin = run.files.length === 0;
  const toStdout = mode !== 'lint' && fromStdin;
  if (mode === 'strip-tags' && !fromStdin && !run.outDir && !(run.files.length === 1 && fs.statSync(path.resolve(io.cwd, run.files[0]!), { throwIfNoEntry: false })?.isFile())) {
    io.stderr.write('transcript-lint: --strip-tags with several files needs --out-dir <dir>\n');
    return Promise.resolve(2);
  }
  const singleFileOut = mode === 'strip-tags' && !fromStdin && !run.outDir;
  const processor = unified().use(transcriptCli as unknown as (options: unknown) => void, {
    resolver: new SettingsResolver(run.resolverOptions),
    mode,
    quiet: run.quiet,
  }) as unknown as Processor;
  // The report goes to stdout unless stdout carries the transcript itself.
  const reportStream = toStdout || singleFileOut ? io.stderr : io.stdout;
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
        ignoreName: '.transcriptignore',
        ...(run.ignorePath ? { ignorePath: run.ignorePath } : {}),
        ignorePatterns: run.ignorePatterns ?? [],
        ...(run.stdinFilename ? { filePath: run.stdinFilename } : {}),
        streamIn: io.stdin,
        streamOut: io.stdout,
        streamError: reportStream,
        out: toStdout || singleFileOut,
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
      (error, code) => {
        if (error) {
          io.stderr.write(`transcript-lint: ${error.message}\n`);
          resolve(2);
        } else resolve(code ?? 0);
      },
    );
  });
}
