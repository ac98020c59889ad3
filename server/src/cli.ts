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
import os from 'node:os';
import path from 'node:path';
import { isStrip, stripFlag, type Mode } from './cli/plugin.ts';
import { expandFiles, inShard, type Shard } from './cli/files.ts';
import { runJsonl } from './cli/jsonl.ts';
import { isSubcommand, runSubcommand } from './cli/subcommands.ts';
import { BATCH_FILES, lintInBatches, targetFile } from './cli/batch.ts';
import { unreadableReason } from './cli/input.ts';
import { IGNORE_NAME, runEngine, writeReport, type CliIo } from './cli/engine.ts';
import { SettingsResolver } from './core/resolve.ts';
import { UnreadableFileError } from './core/read.ts';
import { emptyConfig, parseSeverity } from './core/config.ts';
import { allRules } from './core/rules/index.ts';

declare const PACKAGE_VERSION: string | undefined;
export const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

const HELP = `Usage: transcript-lint [options] [path | glob ...]
       transcript-lint report [--format html|json|md] [-o FILE] <paths…>
       transcript-lint export --format csv|jsonl|qdpx -o FILE <paths…>
       transcript-lint import <file.jsonl|file.qdpx> --out-dir DIR
       transcript-lint agreement [--format text|json|html] <a.transcript> <b.transcript>

Lint therapy session transcripts (*.transcript): loops, unanswered
questions, canned refusals, role confusion, truncation, generation
artifacts, mojibake, outdated crisis numbers, unknown speakers and tags.
Reads stdin when no path is given.

Options:
  -f, --format <name>      report format: stylish (default) or json
      --fix                apply safe fixes in place (stdin: print the fixed text)
      --strip-tags         print the transcript without its [ns:id] tags
      --strip-comments     print the transcript without its %% comment lines
                           (both together: without either)
      --out-dir <dir>      with --strip-tags/--strip-comments: write cleaned copies here
  -c, --config <file>      use this configuration file for every transcript
      --no-config          ignore .transcriptrc.json files
      --rule <id=severity> set a rule's severity (off, info, warn, error); repeatable
  -q, --quiet              report errors only
      --ignore-path <file> ignore file (default: .transcriptignore)
      --ignore-pattern <g> glob to ignore; repeatable
      --stdin-filename <p> path used for stdin (configuration lookup, report)
      --jsonl              stream records: one transcript per JSON line on stdin
                           ({"id", "text"} or chat {"id", "messages": [...]}), one
                           result per line on stdout, in order ({"id", "line",
                           "turns", "findings"}; with --fix or --strip-tags also
                           the cleaned "text" or "messages")
      --shard <i/n>        lint only shard i of n: files by a hash of their path,
                           --jsonl records by line number (line k: (k-1) mod n = i-1)
  -j, --workers <n|auto>   lint files in n worker threads (default: 1; auto: one per core)
      --color / --no-color force or disable colours
  -h, --help               show this help
  -v, --version            show the version

A path called like a subcommand is linted as ./report. transcript-lint <subcommand> --help
tells more.

Exit code: 1 when an error-level message was reported, 2 on bad usage.
Rules: ${allRules.map((r) => r.id).join(', ')}.`;

export { runEngine, type CliIo, type EngineRun } from './cli/engine.ts';

export async function main(argv: string[], io: CliIo): Promise<number> {
  // A subcommand is the first word; anything else (./report included) is a path to lint.
  if (isSubcommand(argv[0])) return runSubcommand(argv[0], argv.slice(1), io);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'stylish' },
        fix: { type: 'boolean', default: false },
        'strip-tags': { type: 'boolean', default: false },
        'strip-comments': { type: 'boolean', default: false },
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
  if (values.fix && (values['strip-tags'] || values['strip-comments'])) return usage(`--fix and ${values['strip-tags'] ? '--strip-tags' : '--strip-comments'} cannot be combined`);

  const overrides = emptyConfig();
  for (const spec of values.rule) {
    const [id, severity] = spec.split('=');
    const parsed = parseSeverity(severity);
    if (!id || !parsed) return usage(`--rule expects id=severity (off, info, warn, error), got "${spec}"`);
    if (!allRules.some((r) => r.id === id)) return usage(`unknown rule "${id}"`);
    overrides.rules[id] = { severity: parsed };
  }
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) return usage('--shard expects i/n with 1 ≤ i ≤ n, e.g. --shard 2/8');
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const workers = values.workers === 'auto' ? os.availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) return usage('--workers expects a positive whole number or auto');
  if (values.config && !fs.existsSync(path.resolve(io.cwd, values.config))) return usage(`no configuration file at ${values.config}`);

  const resolverOptions = {
    overrides,
    noConfig: values['no-config'],
    ...(values.config ? { configFile: path.resolve(io.cwd, values.config) } : {}),
  };

  const mode: Mode = values.fix
    ? 'fix'
    : values['strip-tags'] && values['strip-comments']
      ? 'strip-all'
      : values['strip-tags']
        ? 'strip-tags'
        : values['strip-comments']
          ? 'strip-comments'
          : 'lint';
  if (values.jsonl) {
    if (positionals.length > 0) return usage('--jsonl reads records from stdin: give no paths');
    if (values['out-dir']) return usage('--jsonl writes results to stdout: --out-dir does not apply');
    if (workers > 1) return usage('--jsonl runs in one thread: run several processes with --shard instead (see README)');
    const resolver = new SettingsResolver(resolverOptions);
    // One configuration for the whole stream, looked up from the cwd (or --stdin-filename).
    const settings = resolver.forFile(path.resolve(io.cwd, values['stdin-filename'] ?? 'stdin.transcript'));
    for (const problem of settings.problems) io.stderr.write(`transcript-lint: ${problem}\n`);
    return runJsonl({
      stdin: io.stdin as AsyncIterable<Buffer | string>,
      stdout: io.stdout,
      mode,
      settings,
      quiet: values.quiet,
      shard,
    });
  }

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
  };
  if (positionals.length === 0) {
    if (shard) return usage('--shard needs paths (or --jsonl)');
    if (io.stdin.isTTY) {
      io.stderr.write(`${HELP}\n`);
      return 2;
    }
    return runEngine({ ...common, files: [] });
  }
  // The whole list first: shards pick from it, workers split it, and a long
  // one is linted in batches (unified-engine's queue is quadratic in files).
  let files: Awaited<ReturnType<typeof expandFiles>>;
  try {
    files = await expandFiles(positionals, { cwd: io.cwd, extensions: ['.transcript'], ignoreName: IGNORE_NAME, ignorePath: values['ignore-path'], ignorePatterns: values['ignore-pattern'] });
  } catch (error) {
    if (error instanceof UnreadableFileError) return usage(`cannot read the ignore file ${path.relative(io.cwd, error.file) || error.file}: ${error.message}`);
    if (!shard && workers === 1) return runEngine({ ...common, files: positionals }); // The engine reports it.
    return usage(`cannot read the ignore file: ${(error as Error).message}`);
  }
  // A short list, as given: the engine's own run is exact (one-file mode …) and its queue cheap —
  // unless a file must not be read (a FIFO, a device: the engine would wait on it forever).
  const readable = files.every((file) => unreadableReason(path.resolve(io.cwd, file.path)) === undefined);
  if (!shard && workers === 1 && files.length <= BATCH_FILES && readable) return runEngine({ ...common, files: positionals });
  if (shard) files = files.filter((file) => inShard(file.path, shard));
  // An empty shard is a normal outcome (few files, many shards): an empty report, not stdin.
  if (files.length === 0) return writeReport({ ...common, files: positionals }, []);
  // One file (a shard of one): as a file, so that `a[1].transcript` is not taken for a glob.
  if (files.length === 1) return runEngine({ ...common, files: [targetFile(path.resolve(io.cwd, files[0]!.path))] });
  if (isStrip(common.mode) && !common.outDir) {
    io.stderr.write(`transcript-lint: ${stripFlag(common.mode)} with several files needs --out-dir <dir>\n`);
    return 2;
  }
  const setup = { cwd: io.cwd, mode, resolverOptions, quiet: common.quiet, ignorePath: common.ignorePath, ignorePatterns: common.ignorePatterns, outDir: common.outDir };
  try {
    const processed = await lintInBatches(files, setup, workers, io);
    return await writeReport({ ...common, files: positionals }, processed);
  } catch (error) {
    io.stderr.write(`transcript-lint: ${(error as Error).message}\n`);
    return 2;
  }
}
