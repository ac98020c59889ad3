/**
 * `npm run bench`: how fast transcript-lint and the language server are,
 * against the floor (what any Node tool pays to read and split the same
 * files) and a peer (markdownlint-cli2 on the same bytes), on a ~50 MB corpus
 * built deterministically from ../shared (see corpus.ts).
 *
 * Every command runs in a child process, several times; figures are medians.
 * Every figure is also given as a ratio — to the floor, to the peer — and in
 * MB/s, which stay meaningful on a noisy shared machine where seconds do not.
 * The goals of the performance issue are checked (PASS/FAIL lines; the
 * process never fails on them), the results written to
 * bench/results/latest.json and compared with the previous results there.
 *
 * Environment (for quick runs while optimising):
 *   BENCH_MB=50          corpus size in MB
 *   BENCH_REPS=3         repetitions of each CLI measurement
 *   BENCH_PEER_REPS=2    repetitions of markdownlint-cli2 (slow and steady)
 *   BENCH_EDITS=20       edits per document in the language-server test
 *   BENCH_EDIT_GAP_MS=250  pause between edits (longer than the server's debounce)
 *   BENCH_TIMEOUT_S=600  give up on one measurement after this long
 *   BENCH_RETRY_S=120    time the benchmark may spend re-running runs that other
 *                        work disturbed (other load ≥ 0.3 cores; see measure.ts)
 *   BENCH_SKIP=peer,lsp,workers,sizes   parts to leave out
 *   BENCH_OUT=file       results file (default: latest.json for a full default
 *                        run, bench/results/tmp/quick.json otherwise, so quick
 *                        runs never overwrite the committed results)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCorpus, type Corpus } from './corpus.ts';
import { machineBusySeconds, otherLoad, repeat, round, median, runNode, TASKSET, type Series } from './measure.ts';
import { startServer, type EditFigures } from './lsp.ts';
import { checkGoals, printDiff, printGoals, printTable, type Results, type Row } from './report.ts';
import { ANNOMI_DIR, SEED } from '../test/helpers/data.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench/results');
const TMP = path.join(RESULTS, 'tmp');
const CLI = path.join(ROOT, 'bin/transcript-lint.js');
const PEER = path.join(ROOT, 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs');
const FLOOR = path.join(ROOT, 'bench/floor.mjs');

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const MB = env('BENCH_MB', 50);
const REPS = env('BENCH_REPS', 3);
const PEER_REPS = env('BENCH_PEER_REPS', 2);
const EDITS = env('BENCH_EDITS', 20);
const GAP_MS = env('BENCH_EDIT_GAP_MS', 250);
const TIMEOUT_MS = env('BENCH_TIMEOUT_S', 600) * 1000;
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const FULL = MB === 50 && REPS >= 3 && SKIP.size === 0;
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(FULL ? RESULTS : TMP, FULL ? 'latest.json' : 'quick.json');

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

async function main() {
  fs.mkdirSync(TMP, { recursive: true });
  const started = performance.now();
  log(`Corpus: ${MB} MB from ${path.relative(ROOT, ANNOMI_DIR)} and the seed session…`);
  const corpus = buildCorpus({ mb: MB, annomiDir: ANNOMI_DIR, seedFile: SEED, dir: path.join(TMP, `corpus-${MB}`) });
  log(`  ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB (${corpus.longSessions} long sessions, ${(corpus.longBytes / 1e6).toFixed(1)} MB)`);
  const usageFile = path.join(TMP, 'usage.jsonl');
  const report = path.join(TMP, 'report.json');
  const oneCore = { oneCore: true, usageFile, timeoutMs: TIMEOUT_MS };
  const cli = (args: string[], label: string, options = oneCore, reps = REPS) => repeat(reps, [CLI, '--format', 'json', ...args], { ...options, stdoutFile: report }, label);

  // Warm the page cache so the first measured run does not pay for the disk.
  await runNode([FLOOR, corpus.transcripts], oneCore);

  log('Floor and transcript-lint on the corpus…');
  const floor = await repeat(REPS, [FLOOR, corpus.transcripts], oneCore, 'floor');
  const lint1 = await cli([corpus.transcripts], 'transcript-lint -j1');
  // The workers' speed-up is measured against -j1 on the same two cores (GC threads use the second one too).
  const both = { ...oneCore, oneCore: false };
  const lint1free = SKIP.has('workers') ? undefined : await cli([corpus.transcripts], 'transcript-lint -j1, 2 cores', both);
  const lint2 = SKIP.has('workers') ? undefined : await cli(['--workers', '2', corpus.transcripts], 'transcript-lint -j2', both);

  let sizes: Record<string, Series> | undefined;
  if (!SKIP.has('sizes')) {
    log('Per-byte cost on single files (start-up, 1 MB line, 50,000 turns, 5 MB session)…');
    sizes = {
      tiny: await cli([corpus.tiny], 'tiny file'),
      line1mb: await cli([corpus.line1mb], '1 MB line'),
      turns50k: await cli([corpus.turns50k], '50,000 turns'),
      session5mb: await cli([corpus.session5mb], '5 MB session'),
    };
    log('Adversarial inputs (per-byte cost against the 5 MB session)…');
    const a = corpus.adversarial;
    sizes.runLetter = await cli([a.runLetter], '1 MB of one letter');
    sizes.runSpaces = await cli([a.runSpaces], '1 MB of spaces');
    sizes.runQuestionMarks = await cli([a.runQuestionMarks], "1 MB of '?'");
    sizes.runLabels = await cli([a.runLabels], '1 MB of labels');
    sizes.turns200k = await cli([a.turns200k], '200,000 one-word turns');
  }

  // Many small files: per-file overhead (1,000 copies of the tiny file against one), and a dataset of
  // 2,948 small sessions (the first 22 rounds of copies) against the floor on the same files.
  let small: Results['figures']['small'];
  if (!SKIP.has('small')) {
    log('Many small files…');
    const rounds = fs.readdirSync(path.join(corpus.transcripts, 'copies')).sort().slice(0, 22).map((d) => path.join(corpus.transcripts, 'copies', d));
    small = {
      tinyOne: await cli([corpus.tiny], 'one tiny file'),
      tinyMany: await cli([corpus.tinyDir], `${corpus.tinyCopies} tiny files`),
      tinyFiles: corpus.tinyCopies,
      sessionsFloor: await repeat(REPS, [FLOOR, ...rounds], oneCore, 'floor, small sessions'),
      sessions: await cli(rounds, 'small sessions'),
      sessionFiles: rounds.reduce((n, d) => n + fs.readdirSync(d).length, 0),
      sessionBytes: rounds.reduce((n, d) => n + fs.readdirSync(d).reduce((m, f) => m + fs.statSync(path.join(d, f)).size, 0), 0),
    };
  }

  let peer: Series | undefined;
  if (!SKIP.has('peer')) {
    log('markdownlint-cli2 on the same bytes (.md)…');
    peer = await repeat(PEER_REPS, [PEER, '**/*.md'], { ...oneCore, cwd: corpus.markdown, stdoutFile: path.join(TMP, 'peer.out'), stderrFile: path.join(TMP, 'peer.err') }, 'markdownlint-cli2');
  }

  const lsp = SKIP.has('lsp') ? undefined : await measureServer(corpus, usageFile);

  const results: Results = {
    meta: {
      date: new Date().toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']),
      dirty: git(['status', '--porcelain']) !== '',
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      pinnedToOneCore: TASKSET,
      mb: MB,
      reps: REPS,
      peerReps: PEER_REPS,
      edits: EDITS,
      editGapMs: GAP_MS,
      seconds: 0,
    },
    corpus: { files: corpus.files, bytes: corpus.bytes, longSessions: corpus.longSessions, longBytes: corpus.longBytes, generator: corpus.version },
    figures: { floor, lint1, lint1free, lint2, peer, sizes, small, lsp },
    goals: [],
  };
  results.goals = checkGoals(results, sizeOf(corpus));
  results.meta.seconds = round((performance.now() - started) / 1000, 1);

  const rows: Row[] = tableRows(results, corpus);
  printTable(rows, results);
  printGoals(results.goals);
  let previous: Results | undefined;
  try {
    previous = JSON.parse(fs.readFileSync(OUT, 'utf8')) as Results;
  } catch {
    previous = undefined;
  }
  if (previous) printDiff(previous, results);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nResults written to ${path.relative(process.cwd(), OUT)}${FULL ? '' : ' (not a full default run: latest.json left alone)'}; ${results.meta.seconds} s in all.`);
}

export interface ServerFigures {
  /**
   * Time to first diagnostics of the 5 MB session (its turn rules' problems),
   * and to all of them, one fresh server per run.
   */
  open5mb: { ms: number; runs: number[]; completeMs: number; completeRuns: number[]; diagnostics: number };
  edit5mb?: EditFigures | undefined;
  open50k?: { ms: number; completeMs: number; diagnostics: number } | undefined;
  edit50k?: EditFigures | undefined;
  /**
   * Every AnnoMI session concatenated (a real long session), in a fresh server
   * that pulls diagnostics as VS Code does: open → first pull, and keystroke →
   * its pulled diagnostics.
   */
  real?: (EditFigures & { openMs: number; diagnostics: number; bytes: number }) | undefined;
  /** Peak RSS of the server with both documents open. */
  rssMB?: number | undefined;
  /** Cores kept busy by other work during the editing session (noise). */
  otherCores?: number | undefined;
  openDocumentsMB: number;
  error?: string;
}

async function measureServer(corpus: Corpus, usageFile: string): Promise<ServerFigures> {
  log('Language server over stdio…');
  const openDocumentsMB = (fs.statSync(corpus.session5mb).size + fs.statSync(corpus.turns50k).size) / 1e6;
  const figures: ServerFigures = { open5mb: { ms: NaN, runs: [], completeMs: NaN, completeRuns: [], diagnostics: 0 }, openDocumentsMB: round(openDocumentsMB, 2) };
  try {
    // Cold opens: a fresh server each time.
    for (let i = 0; i < REPS - 1; i++) {
      const server = await startServer(usageFile, TIMEOUT_MS);
      const opened = await server.open(corpus.session5mb);
      figures.open5mb.runs.push(opened.ms);
      figures.open5mb.completeRuns.push(opened.completeMs);
      log(`  open 5 MB run ${i + 1}/${REPS}: first diagnostics ${opened.ms} ms, all ${opened.completeMs} ms`);
      await server.stop();
    }
    // The last open starts the editing session.
    const busyBefore = machineBusySeconds();
    const ownBefore = process.cpuUsage();
    const sessionStarted = performance.now();
    const server = await startServer(usageFile, TIMEOUT_MS);
    const opened = await server.open(corpus.session5mb);
    figures.open5mb.runs.push(opened.ms);
    figures.open5mb.completeRuns.push(opened.completeMs);
    figures.open5mb.diagnostics = opened.diagnostics;
    log(`  open 5 MB run ${REPS}/${REPS}: first diagnostics ${opened.ms} ms, all ${opened.completeMs} ms (${opened.diagnostics} diagnostics)`);
    figures.open5mb.ms = median(figures.open5mb.runs);
    figures.open5mb.completeMs = median(figures.open5mb.completeRuns);
    figures.edit5mb = await server.edits(corpus.session5mb, EDITS, 5, GAP_MS);
    log(`  ${EDITS} edits in the 5 MB session: median ${figures.edit5mb.median} ms, worst ${figures.edit5mb.worst} ms`);
    figures.open50k = await server.open(corpus.turns50k);
    log(`  open 50,000 turns: first diagnostics ${figures.open50k.ms} ms, all ${figures.open50k.completeMs} ms`);
    figures.edit50k = await server.edits(corpus.turns50k, EDITS, 50, GAP_MS);
    log(`  ${EDITS} edits in the 50,000-turn session: median ${figures.edit50k.median} ms, worst ${figures.edit50k.worst} ms`);
    const usage = await server.stop();
    if (usage) figures.rssMB = round(usage.maxRssKB / 1024, 1);
    const own = process.cpuUsage(ownBefore);
    const cpu = usage ? (usage.userUs + usage.systemUs + own.user + own.system) / 1e6 : undefined;
    figures.otherCores = otherLoad(busyBefore, machineBusySeconds(), cpu, (performance.now() - sessionStarted) / 1000);
    const pulling = await startServer(path.join(TMP, 'usage-pull.jsonl'), TIMEOUT_MS, { pull: true });
    figures.real = { ...(await pulling.pulls(corpus.annomiAll, EDITS, 7, GAP_MS)), bytes: fs.statSync(corpus.annomiAll).size };
    await pulling.stop();
    log(`  every AnnoMI session in one document (${(figures.real.bytes / 1e6).toFixed(2)} MB), pulled: open ${figures.real.openMs} ms; ${EDITS} keystrokes: median ${figures.real.median} ms, worst ${figures.real.worst} ms`);
  } catch (error) {
    figures.error = (error as Error).message;
    log(`  language server: ${figures.error}`);
  }
  return figures;
}

export interface Sizes {
  corpus: number;
  tiny: number;
  line1mb: number;
  turns50k: number;
  session5mb: number;
  runLetter: number;
  runSpaces: number;
  runQuestionMarks: number;
  runLabels: number;
  turns200k: number;
}

function sizeOf(corpus: Corpus): Sizes {
  const size = (file: string) => fs.statSync(file).size;
  const a = corpus.adversarial;
  return {
    corpus: corpus.bytes,
    tiny: size(corpus.tiny),
    line1mb: size(corpus.line1mb),
    turns50k: size(corpus.turns50k),
    session5mb: size(corpus.session5mb),
    runLetter: size(a.runLetter),
    runSpaces: size(a.runSpaces),
    runQuestionMarks: size(a.runQuestionMarks),
    runLabels: size(a.runLabels),
    turns200k: size(a.turns200k),
  };
}

function tableRows(results: Results, corpus: Corpus): Row[] {
  const { floor, lint1, lint1free, lint2, peer, sizes, lsp } = results.figures;
  const bytes = sizeOf(corpus);
  const row = (name: string, series: Series, size: number): Row => ({ name, seconds: series.seconds, bytes: size, rssMB: series.rssMB, otherCores: series.otherCores });
  const rows: Row[] = [row('floor: read + split into turns (1 core)', floor, bytes.corpus), row('transcript-lint, JSON to a file (1 core)', lint1, bytes.corpus)];
  if (lint1free) rows.push(row('transcript-lint, 2 cores available', lint1free, bytes.corpus));
  if (lint2) rows.push(row('transcript-lint --workers 2', lint2, bytes.corpus));
  if (peer) rows.push(row('markdownlint-cli2, same bytes as .md (1 core)', peer, bytes.corpus));
  if (sizes) {
    rows.push(
      row('transcript-lint: one tiny file (start-up)', sizes.tiny!, bytes.tiny),
      row('transcript-lint: 1 MB single line', sizes.line1mb!, bytes.line1mb),
      row('transcript-lint: 50,000 turns', sizes.turns50k!, bytes.turns50k),
      row('transcript-lint: 5 MB session', sizes.session5mb!, bytes.session5mb),
    );
    const adversarial: Array<[string, keyof Sizes]> = [
      ['transcript-lint: 1 MB of one letter', 'runLetter'],
      ['transcript-lint: 1 MB of spaces', 'runSpaces'],
      ["transcript-lint: 1 MB of '?'", 'runQuestionMarks'],
      ['transcript-lint: 1 MB of labels', 'runLabels'],
      ['transcript-lint: 200,000 one-word turns', 'turns200k'],
    ];
    for (const [name, key] of adversarial) if (sizes[key]) rows.push(row(name, sizes[key]!, bytes[key]));
  }
  const { small } = results.figures;
  if (small) {
    rows.push(
      row(`floor: ${small.sessionFiles.toLocaleString('en-US')} small sessions`, small.sessionsFloor, small.sessionBytes),
      row(`transcript-lint: ${small.sessionFiles.toLocaleString('en-US')} small sessions`, small.sessions, small.sessionBytes),
      row(`transcript-lint: ${small.tinyFiles.toLocaleString('en-US')} tiny files`, small.tinyMany, small.tinyFiles * bytes.tiny),
    );
  }
  if (lsp) {
    const server = (name: string, ms: number | undefined, size?: number): Row => ({ name, seconds: ms === undefined ? undefined : ms / 1000, bytes: size, otherCores: lsp.otherCores });
    if (!Number.isNaN(lsp.open5mb.ms)) {
      rows.push(
        server('server: 5 MB open → first diagnostics', lsp.open5mb.ms, bytes.session5mb),
        server('server: 5 MB open → all diagnostics', lsp.open5mb.completeMs, bytes.session5mb),
      );
    }
    if (lsp.edit5mb) {
      rows.push(
        server('server: 5 MB edit → diagnostics (median)', lsp.edit5mb.median, bytes.session5mb),
        server('server: 5 MB edit → diagnostics (worst)', lsp.edit5mb.worst, bytes.session5mb),
        server('server: request during analysis (worst)', lsp.edit5mb.ping.worst),
      );
    }
    if (lsp.open50k) {
      rows.push(
        server('server: 50,000 turns open → first diagnostics', lsp.open50k.ms, bytes.turns50k),
        server('server: 50,000 turns open → all diagnostics', lsp.open50k.completeMs, bytes.turns50k),
      );
    }
    if (lsp.edit50k) rows.push(server('server: 50,000 turns edit (median)', lsp.edit50k.median, bytes.turns50k));
    if (lsp.real) {
      rows.push(
        server('server: all AnnoMI in one document, open → pulled', lsp.real.openMs, lsp.real.bytes),
        server('server: all AnnoMI, keystroke → pulled (median)', lsp.real.median, lsp.real.bytes),
        server('server: all AnnoMI, keystroke → pulled (worst)', lsp.real.worst, lsp.real.bytes),
      );
    }
    if (lsp.rssMB !== undefined) rows.push({ ...server(`server: peak RSS, ${lsp.openDocumentsMB} MB open`, undefined), rssMB: lsp.rssMB });
  }
  return rows;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

await main();
