/**
 * The subcommands of `transcript-lint` (plain `transcript-lint <paths…>`
 * lints; a path called `report` is reached as `./report`):
 *
 *     transcript-lint report [--format html|json|md] [-o FILE] <paths…>
 *     transcript-lint export --format csv|jsonl|qdpx -o FILE <paths…>
 *     transcript-lint import <file.jsonl|file.qdpx> --out-dir DIR
 *     transcript-lint agreement [--format text|json|html] <a.transcript> <b.transcript>
 *
 * Each reads transcripts with the same checks and configuration as linting
 * (a file that is not UTF-8 text is named and left out, never half read),
 * writes its output through a temporary file and a rename, and never
 * overwrites a transcript unless told to (`import --force`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from './engine.ts';
import { IGNORE_NAME } from './engine.ts';
import { expandFiles } from './files.ts';
import { readTranscript } from './read.ts';
import { lines } from './jsonl.ts';
import { SettingsResolver } from '../core/resolve.ts';
import { emptyConfig, parseSeverity } from '../core/config.ts';
import { allRules } from '../core/rules/index.ts';
import { analyze, type Analysis } from '../core/lint.ts';
import { sharedDefaultCodebook } from '../core/codebook.ts';
import { sessionReport, termReport, type SessionReport } from '../core/report.ts';
import { sessionHtml, sessionMarkdown, termHtml, termMarkdown, agreementHtml } from '../core/report-render.ts';
import { csvHeader, csvRows } from '../core/exchange/csv.ts';
import { exportRecord, importRecord, parseRoleMap, RecordError, type RoleMap } from '../core/exchange/chat.ts';
import { exportQdpx, importQdpx, QdpxError } from '../core/exchange/qdpx.ts';
import { agreement, agreementText, DifferentTextError } from '../core/agreement.ts';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import type { Role } from '../core/types.ts';

declare const PACKAGE_VERSION: string | undefined;
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

export const SUBCOMMANDS = ['report', 'export', 'import', 'agreement'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export function isSubcommand(word: string | undefined): word is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(word ?? '');
}

const HELP: Record<Subcommand, string> = {
  report: `Usage: transcript-lint report [options] <path | glob ...>

A supervisor's report: one session (turns and talk per speaker, questions and
reflections — against the MITI 4.2.1 thresholds in an MI session —, CTRS
coverage in a CBT session, the problems by rule, the untagged therapist turns,
supervisor comments, a timeline of every turn), or, for several files, a table
of the sessions with their trends and each session's report.

Options:
  -f, --format <name>   html (default: self-contained, opens offline), md or json
  -o, --output <file>   write the report here (default: stdout)
      --title <text>    the report's title (several sessions)
  -c, --config <file>   use this configuration for every transcript
      --no-config       ignore .transcriptrc.json files
      --rule <id=sev>   set a rule's severity (repeatable)
  -h, --help            show this help

JSON is always {"sessions": [...], "rows": [...], "trends": {...}}, one session or many.`,
  export: `Usage: transcript-lint export --format <csv|jsonl|qdpx> -o <file> <path | glob ...>

Tags come out of the text and are kept as structured labels.

  csv    one row per turn: session, turn, speaker, role, text, tags, findings, line (RFC 4180)
  jsonl  one line per session: {"id", "messages": [{"role", "content"}], "labels", "findings", "meta"}
  qdpx   a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder): the codebook as codes,
         tags as codings on the turns' text, one source per session, comments as notes

Options:
  -f, --format <name>   csv, jsonl or qdpx
  -o, --output <file>   where to write (csv and jsonl: stdout when left out)
      --role <r=chat>   jsonl: the chat role of a transcript role, e.g. therapist=assistant,patient=user
                        (default therapist=assistant, patient=user, other=user); repeatable
      --bom             csv: start with a byte order mark (Excel reads UTF-8 then)
      --coder <name>    qdpx: the coder the codings are by (default transcript-lint)
      --project <name>  qdpx: the project's name
  -c, --config <file> / --no-config / --rule <id=sev>   as for linting (the findings)
  -h, --help            show this help`,
  import: `Usage: transcript-lint import <file.jsonl | file.qdpx> --out-dir <dir>

Chat records (JSONL, as export writes them or any {"messages": [...]} dataset) or a
REFI-QDA project back into tagged transcripts, one file per record or source.
A record's other fields, system messages and roles are kept in a first line
"%% record: {...}", so export gives the dataset back.

Options:
      --out-dir <dir>   where to write the transcripts (created if missing)
      --force           overwrite transcripts that exist (default: stop before writing any)
  -h, --help            show this help`,
  agreement: `Usage: transcript-lint agreement [options] <a.transcript> <b.transcript>

Two coders, one session: two tagged copies of the same transcript compared turn
by turn — agreement and Cohen's kappa per technique and overall, and the turns
where the copies disagree, side by side.

Options:
  -f, --format <name>   text (default), json or html
  -o, --output <file>   write here (default: stdout)
      --exclude-uncoded leave out the turns neither coder tagged (they inflate agreement)
  -h, --help            show this help`,
};

/** Subcommand problems: a message and exit code 2. */
class UsageError extends Error {}

interface Loaded {
  /** Absolute path. */
  file: string;
  /** As the user gave or the search found it. */
  display: string;
  name: string;
  text: string;
  analysis: Analysis;
  speakers: Record<string, Role>;
}

interface LoadOptions {
  config?: string | undefined;
  noConfig: boolean;
  rules: string[];
}

function overridesOf(specs: readonly string[]) {
  const overrides = emptyConfig();
  for (const spec of specs) {
    const [id, severity] = spec.split('=');
    const parsed = parseSeverity(severity);
    if (!id || !parsed) throw new UsageError(`--rule expects id=severity (off, info, warn, error), got "${spec}"`);
    if (!allRules.some((r) => r.id === id)) throw new UsageError(`unknown rule "${id}"`);
    overrides.rules[id] = { severity: parsed };
  }
  return overrides;
}

async function loadSessions(inputs: readonly string[], io: CliIo, options: LoadOptions): Promise<{ loaded: Loaded[]; skipped: Array<{ name: string; error: string }> }> {
  if (inputs.length === 0) throw new UsageError('give the transcripts (files, folders or globs)');
  if (options.config && !fs.existsSync(path.resolve(io.cwd, options.config))) throw new UsageError(`no configuration file at ${options.config}`);
  const resolver = new SettingsResolver({
    overrides: overridesOf(options.rules),
    noConfig: options.noConfig,
    ...(options.config ? { configFile: path.resolve(io.cwd, options.config) } : {}),
  });
  const targets = await expandFiles(inputs, { cwd: io.cwd, extensions: ['.transcript'], ignoreName: IGNORE_NAME });
  const loaded: Loaded[] = [];
  const skipped: Array<{ name: string; error: string }> = [];
  const problemsSeen = new Set<string>();
  for (const target of targets) {
    const file = path.resolve(io.cwd, target.path);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) continue; // a folder without transcripts
    const read = readTranscript(file);
    if ('error' in read) {
      skipped.push({ name: target.display, error: read.error });
      io.stderr.write(`transcript-lint: ${target.display}: ${read.error}\n`);
      continue;
    }
    const settings = resolver.forFile(file);
    for (const problem of settings.problems) {
      if (problemsSeen.has(problem)) continue;
      problemsSeen.add(problem);
      io.stderr.write(`transcript-lint: ${problem}\n`);
    }
    const analysis = analyze(read.text, { config: settings.config, codebook: settings.codebook });
    loaded.push({ file, display: target.display, name: path.basename(file), text: read.text, analysis, speakers: settings.config.speakers });
  }
  if (loaded.length === 0 && skipped.length === 0) throw new UsageError(`no transcripts (*.transcript) in ${inputs.join(', ')}`);
  return { loaded, skipped };
}

/** Write through a temporary file and a rename (or to stdout). */
async function output(io: CliIo, file: string | undefined, content: string | Uint8Array): Promise<void> {
  if (!file) {
    // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
    const quiet = (error: NodeJS.ErrnoException) => void (error.code !== 'EPIPE' && io.stderr.write(`transcript-lint: ${error.message}\n`));
    io.stdout.once('error', quiet);
    await new Promise<void>((resolve) => io.stdout.write(content, () => resolve()));
    return;
  }
  const target = path.resolve(io.cwd, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await fs.promises.writeFile(temp, content);
  await fs.promises.rename(temp, target);
}

const COMMON = {
  help: { type: 'boolean' as const, short: 'h', default: false },
  config: { type: 'string' as const, short: 'c' },
  'no-config': { type: 'boolean' as const, default: false },
  rule: { type: 'string' as const, multiple: true as const, default: [] as string[] },
};

export async function runSubcommand(name: Subcommand, argv: string[], io: CliIo): Promise<number> {
  try {
    switch (name) {
      case 'report':
        return await report(argv, io);
      case 'export':
        return await exportCommand(argv, io);
      case 'import':
        return await importCommand(argv, io);
      case 'agreement':
        return await agreementCommand(argv, io);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`transcript-lint ${name}: ${(error as Error).message}\nRun transcript-lint ${name} --help for usage.\n`);
      return 2;
    }
    if (error instanceof RecordError || error instanceof QdpxError || error instanceof DifferentTextError) {
      io.stderr.write(`transcript-lint ${name}: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`transcript-lint ${name}: ${(error as Error).message ?? String(error)}\n`);
    return 2;
  }
}

function help(name: Subcommand, io: CliIo): number {
  io.stdout.write(`${HELP[name]}\n`);
  return 0;
}

async function report(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...COMMON, format: { type: 'string', short: 'f', default: 'html' }, output: { type: 'string', short: 'o' }, title: { type: 'string' } },
  });
  if (values.help) return help('report', io);
  const format = values.format;
  if (format !== 'html' && format !== 'json' && format !== 'md') throw new UsageError(`unknown format "${format}" (use html, md or json)`);
  const { loaded, skipped } = await loadSessions(positionals, io, { config: values.config, noConfig: values['no-config'], rules: values.rule });
  const outDir = values.output ? path.dirname(path.resolve(io.cwd, values.output)) : io.cwd;
  const reports: SessionReport[] = loaded.map((l) => sessionReport(uniqueName(l, loaded), l.analysis, l.file));
  const title = values.title ?? (loaded.length === 1 ? `Session report — ${loaded[0]!.name}` : `Sessions — ${commonFolder(loaded.map((l) => l.file))}`);
  const term = termReport(reports, title, skipped);
  let content: string;
  if (format === 'json') content = `${JSON.stringify(term, null, 2)}\n`;
  else if (format === 'md') {
    const links = new Map(loaded.map((l, i) => [reports[i]!.name, path.relative(outDir, l.file).split(path.sep).join('/')] as const));
    content = reports.length === 1 && skipped.length === 0 ? sessionMarkdown(reports[0]!, { link: links.get(reports[0]!.name) }) : termMarkdown(term, links);
  } else {
    const texts = new Map(loaded.map((l, i) => [reports[i]!.name, l.analysis.session.turns.map((t) => t.features.text)] as const));
    content = reports.length === 1 && skipped.length === 0 ? sessionHtml(reports[0]!, { target: 'file', texts }) : termHtml(term, { target: 'file', texts });
  }
  await output(io, values.output, content);
  if (values.output) io.stderr.write(`transcript-lint report: ${reports.length} session${reports.length === 1 ? '' : 's'} → ${values.output}\n`);
  return skipped.length ? 1 : 0;
}

/** The file name, or its path relative to the common folder when two files share a name. */
function uniqueName(l: Loaded, all: readonly Loaded[]): string {
  if (all.filter((o) => o.name === l.name).length < 2) return l.name;
  return path.relative(commonFolderPath(all.map((o) => o.file)), l.file).split(path.sep).join('/');
}

function commonFolderPath(files: readonly string[]): string {
  let common = path.dirname(files[0] ?? '.');
  for (const f of files) while (!`${path.dirname(f)}${path.sep}`.startsWith(`${common}${path.sep}`) && common !== path.dirname(common)) common = path.dirname(common);
  return common;
}

function commonFolder(files: readonly string[]): string {
  return path.basename(commonFolderPath(files)) || commonFolderPath(files);
}

async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMMON,
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      role: { type: 'string', multiple: true, default: [] },
      bom: { type: 'boolean', default: false },
      coder: { type: 'string' },
      project: { type: 'string' },
    },
  });
  if (values.help) return help('export', io);
  const format = values.format;
  if (format !== 'csv' && format !== 'jsonl' && format !== 'qdpx') throw new UsageError(format ? `unknown format "${format}" (use csv, jsonl or qdpx)` : '--format csv, jsonl or qdpx is required');
  if (format === 'qdpx' && !values.output) throw new UsageError('--format qdpx writes a zip archive: give -o project.qdpx');
  let roles: Partial<RoleMap> = {};
  if (values.role.length) {
    if (format !== 'jsonl') throw new UsageError('--role applies to --format jsonl');
    const parsed = parseRoleMap(values.role);
    if (typeof parsed === 'string') throw new UsageError(parsed);
    roles = parsed;
  }
  const { loaded, skipped } = await loadSessions(positionals, io, { config: values.config, noConfig: values['no-config'], rules: values.rule });
  if (format === 'csv') {
    const content = csvHeader(values.bom) + loaded.map((l) => csvRows(uniqueName(l, loaded).replace(/\.transcript$/, ''), l.analysis)).join('');
    await output(io, values.output, content);
  } else if (format === 'jsonl') {
    const content = loaded.map((l) => `${JSON.stringify(exportRecord(l.analysis, { roles, id: uniqueName(l, loaded).replace(/\.transcript$/, ''), source: l.display }))}\n`).join('');
    await output(io, values.output, content);
  } else {
    const codebook = loaded[0]?.analysis.session.codebook ?? sharedDefaultCodebook();
    const bytes = exportQdpx(
      loaded.map((l) => ({ name: uniqueName(l, loaded).replace(/\.transcript$/, ''), text: l.text, speakers: l.speakers })),
      codebook,
      { project: values.project ?? commonFolder(loaded.map((l) => l.file)), ...(values.coder ? { coder: values.coder } : {}), origin: `transcript-lint ${VERSION}` },
    );
    await output(io, values.output, bytes);
  }
  if (values.output) io.stderr.write(`transcript-lint export: ${loaded.length} session${loaded.length === 1 ? '' : 's'} → ${values.output}\n`);
  return skipped.length ? 1 : 0;
}

async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: COMMON.help, 'out-dir': { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (values.help) return help('import', io);
  if (positionals.length !== 1) throw new UsageError('give one file: a .jsonl of chat records or a .qdpx project');
  const outDir = values['out-dir'];
  if (!outDir) throw new UsageError('--out-dir <dir> is required (where the transcripts go)');
  const input = path.resolve(io.cwd, positionals[0]!);
  if (!fs.existsSync(input)) throw new UsageError(`no such file: ${positionals[0]}`);
  const dir = path.resolve(io.cwd, outDir);
  const files: Array<{ name: string; text: string }> = [];
  const speakers: Record<string, Role> = {};
  let failed = 0;
  const taken = new Set<string>();
  const unique = (name: string) => {
    let candidate = name;
    for (let k = 2; taken.has(candidate.toLowerCase()); k++) candidate = name.replace(/\.transcript$/, `-${k}.transcript`);
    taken.add(candidate.toLowerCase());
    return candidate;
  };
  const isZip = (() => {
    const fd = fs.openSync(input, 'r');
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    return head[0] === 0x50 && head[1] === 0x4b;
  })();
  if (isZip || input.toLowerCase().endsWith('.qdpx')) {
    const sessions = importQdpx(new Uint8Array(fs.readFileSync(input)), sharedDefaultCodebook());
    for (const s of sessions) {
      const name = unique(s.name);
      for (const note of s.notes) io.stderr.write(`transcript-lint import: ${name}: ${note}\n`);
      files.push({ name, text: s.text });
    }
  } else {
    let line = 0;
    for await (const { text: raw, invalidAt, tooLong } of lines(fs.createReadStream(input))) {
      line++;
      if (tooLong !== undefined) {
        failed++;
        io.stderr.write(`transcript-lint import: line ${line}: ${Math.round(tooLong / 1e6)} MB or more, more than one record can be; skipped unread\n`);
        continue;
      }
      if (invalidAt !== undefined) {
        failed++;
        io.stderr.write(`transcript-lint import: line ${line}: not valid UTF-8 (byte ${invalidAt + 1} of the line); skipped\n`);
        continue;
      }
      if (!raw.trim()) continue;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch (error) {
        failed++;
        io.stderr.write(`transcript-lint import: line ${line}: not JSON (${(error as Error).message}); skipped\n`);
        continue;
      }
      try {
        const imported = importRecord(record, line);
        const name = unique(imported.name);
        for (const d of imported.differences) io.stderr.write(`transcript-lint import: line ${line} (${name}): will not export back exactly: ${d}\n`);
        Object.assign(speakers, imported.speakers);
        files.push({ name, text: imported.text });
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        failed++;
        io.stderr.write(`transcript-lint import: line ${line}: ${error.message}; skipped\n`);
      }
    }
  }
  // Nothing is overwritten unless asked: check every target before writing any.
  fs.mkdirSync(dir, { recursive: true });
  const existing = files.filter((f) => fs.existsSync(path.join(dir, f.name)));
  if (existing.length && !values.force) {
    io.stderr.write(`transcript-lint import: ${existing.length} transcript${existing.length === 1 ? '' : 's'} already in ${outDir} (${existing.slice(0, 3).map((f) => f.name).join(', ')}${existing.length > 3 ? ', …' : ''}): nothing written. Use --force to overwrite, or another --out-dir.\n`);
    return 1;
  }
  for (const f of files) {
    const target = path.join(dir, f.name);
    const temp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temp, f.text);
    fs.renameSync(temp, target);
  }
  // Labels the transcripts use that are not built in: a configuration beside them, so they parse as speakers.
  const custom = Object.entries(speakers).filter(([label]) => !new SpeakerTable().get(label));
  if (custom.length) {
    const rc = path.join(dir, '.transcriptrc.json');
    if (!fs.existsSync(rc)) {
      fs.writeFileSync(rc, `${JSON.stringify({ speakers: Object.fromEntries(custom) }, null, 2)}\n`);
      io.stderr.write(`transcript-lint import: wrote ${path.join(outDir, '.transcriptrc.json')} for the speakers ${custom.map(([l]) => l).join(', ')}\n`);
    } else io.stderr.write(`transcript-lint import: add these speakers to ${path.join(outDir, '.transcriptrc.json')}: ${JSON.stringify(Object.fromEntries(custom))}\n`);
  }
  io.stderr.write(`transcript-lint import: ${files.length} transcript${files.length === 1 ? '' : 's'} → ${outDir}${failed ? ` (${failed} record${failed === 1 ? '' : 's'} skipped)` : ''}\n`);
  return failed ? 1 : 0;
}

async function agreementCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: COMMON.help, format: { type: 'string', short: 'f', default: 'text' }, output: { type: 'string', short: 'o' }, 'exclude-uncoded': { type: 'boolean', default: false } },
  });
  if (values.help) return help('agreement', io);
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'html') throw new UsageError(`unknown format "${format}" (use text, json or html)`);
  if (positionals.length !== 2) throw new UsageError('give two tagged copies of the same transcript');
  const docs = positionals.map((p) => {
    const read = readTranscript(path.resolve(io.cwd, p));
    if ('error' in read) throw new UsageError(`${p}: ${read.error}`);
    const resolver = new SettingsResolver();
    const speakers = new SpeakerTable(resolver.forFile(path.resolve(io.cwd, p)).config.speakers);
    return { name: p, text: read.text, tree: parseTranscript(read.text, { speakers }) };
  });
  const result = agreement(docs[0]!, docs[1]!, { excludeUncoded: values['exclude-uncoded'] });
  const content = format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : format === 'html' ? agreementHtml(result, { target: 'file' }) : agreementText(result);
  await output(io, values.output, content);
  return 0;
}
