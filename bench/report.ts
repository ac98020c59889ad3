/**
 * The benchmark's output: the table (every figure with MB/s and its ratio to
 * the floor and to the peer), the goals of the performance issue as
 * PASS/FAIL lines, and the change since the previous results.
 */
import type { Series } from './measure.ts';
import type { ServerFigures, Sizes } from './run.ts';

export interface Results {
  meta: {
    date: string;
    commit: string;
    dirty: boolean;
    node: string;
    cpu: string;
    cores: number;
    pinnedToOneCore: boolean;
    mb: number;
    reps: number;
    peerReps: number;
    edits: number;
    editGapMs: number;
    seconds: number;
  };
  corpus: { files: number; bytes: number; longSessions: number; longBytes: number; generator: number };
  figures: {
    floor: Series;
    /** -j1 pinned to one core. */
    lint1: Series;
    /** -j1 free to use both cores (GC threads …): the baseline of the workers' speed-up. */
    lint1free?: Series | undefined;
    lint2?: Series | undefined;
    peer?: Series | undefined;
    sizes?: Record<string, Series> | undefined;
    /** Many small files: per-file overhead, and a dataset of small sessions against the floor. */
    small?:
      | { tinyOne: Series; tinyMany: Series; tinyFiles: number; sessionsFloor: Series; sessions: Series; sessionFiles: number; sessionBytes: number }
      | undefined;
    lsp?: ServerFigures | undefined;
  };
  goals: Goal[];
}

export interface Goal {
  goal: string;
  value: number | null;
  limit: string;
  pass: boolean;
}

export interface Row {
  name: string;
  seconds?: number | undefined;
  bytes?: number | undefined;
  rssMB?: number | undefined;
  /** Cores busy with other work meanwhile (noise). */
  otherCores?: number | undefined;
}

const write = (line = '') => process.stdout.write(`${line}\n`);

/** Seconds a run would take at the rate of `reference` (a run over the corpus). */
function atRateOf(reference: Series | undefined, corpusBytes: number, bytes: number): number | undefined {
  return reference ? (reference.seconds * bytes) / corpusBytes : undefined;
}

export function printTable(rows: readonly Row[], results: Results): void {
  const { floor, peer } = results.figures;
  const corpusBytes = results.corpus.bytes;
  const header = ['figure', 'time', 'MB/s', '× floor', 'peer ×', 'RSS MB', 'other load'];
  const table = rows.map((row) => {
    const timed = row.seconds !== undefined;
    const sized = timed && row.bytes !== undefined && row.bytes >= 100_000;
    const floorTime = sized ? atRateOf(floor, corpusBytes, row.bytes!) : undefined;
    const peerTime = sized ? atRateOf(peer, corpusBytes, row.bytes!) : undefined;
    return [
      row.name,
      timed ? formatTime(row.seconds!) : '',
      sized ? (row.bytes! / 1e6 / row.seconds!).toFixed(1) : '',
      floorTime ? (row.seconds! / floorTime).toFixed(1) : '',
      peerTime ? (peerTime / row.seconds!).toFixed(1) : '',
      row.rssMB !== undefined ? row.rssMB.toFixed(0) : '',
      row.otherCores !== undefined ? row.otherCores.toFixed(2) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  write();
  write(`${(results.corpus.bytes / 1e6).toFixed(1)} MB in ${results.corpus.files} files; ${results.meta.reps} runs each, medians; node ${results.meta.node}, ${results.meta.cores} cores (${results.meta.cpu})`);
  write('× floor: time ÷ the floor\'s time for the same bytes (lower is better); peer ×: markdownlint-cli2\'s time for the same bytes ÷ time (higher is better);');
  write('other load: cores kept busy by other work during the runs (median) — above ~0.3 the figure is inflated by a busy machine.');
  write();
  write(line(header));
  write(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) write(line(row));
}

function formatTime(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms` : `${seconds.toFixed(2)} s`;
}

/** The goals of the performance issue, from the figures. */
export function checkGoals(results: Results, sizes: Sizes): Goal[] {
  const { floor, lint1, lint1free, lint2, peer, sizes: single, lsp } = results.figures;
  const goals: Goal[] = [];
  const add = (goal: string, value: number | undefined | null, limit: string, pass: (v: number) => boolean) =>
    goals.push({ goal, value: value === undefined || value === null || Number.isNaN(value) ? null : round2(value), limit, pass: value !== undefined && value !== null && !Number.isNaN(value) && pass(value) });

  const floorRatio = lint1.seconds / floor.seconds;
  add('CLI, one core: time ÷ floor', floorRatio, '≤ 5', (v) => v <= 5);
  add('CLI, one core: time ÷ floor (stretch)', floorRatio, '≤ 3', (v) => v <= 3);
  add('CLI vs markdownlint-cli2: times faster', peer ? peer.seconds / lint1.seconds : undefined, '≥ 20', (v) => v >= 20);
  add('CLI --workers 2: speed-up over -j1 on the same cores', lint2 ? (lint1free ?? lint1).seconds / lint2.seconds : undefined, '≥ 1.7 (near linear)', (v) => v >= 1.7);
  if (single) {
    // Per-byte cost net of start-up, against an ordinary session run the same way (one
    // file, one process: the same JIT warm-up, which a corpus run spreads over 50 MB).
    const perByte = (series: Series | undefined, bytes: number) => (series ? (series.seconds - single.tiny!.seconds) / bytes : undefined);
    const reference = perByte(single.session5mb, sizes.session5mb)!;
    const ratio = (series: Series | undefined, bytes: number) => {
      const cost = perByte(series, bytes);
      return cost === undefined ? undefined : cost / reference;
    };
    add('1 MB single line: per-byte cost ÷ a 5 MB session\'s', ratio(single.line1mb, sizes.line1mb), '≤ 1.5', (v) => v <= 1.5);
    add('50,000 turns: per-byte cost ÷ a 5 MB session\'s', ratio(single.turns50k, sizes.turns50k), '≤ 1.5', (v) => v <= 1.5);
    // Adversarial inputs (issue 15): each within 2× the per-byte cost of a normal session.
    const adversarial: Array<[string, keyof Sizes]> = [
      ['1 MB of one letter', 'runLetter'],
      ['1 MB of spaces', 'runSpaces'],
      ["1 MB of '?'", 'runQuestionMarks'],
      ['1 MB of labels', 'runLabels'],
      ['200,000 one-word turns', 'turns200k'],
    ];
    for (const [name, key] of adversarial) {
      if (single[key]) add(`${name}: per-byte cost ÷ a 5 MB session's`, ratio(single[key], sizes[key]), '≤ 2', (v) => v <= 2);
    }
  }
  const { small } = results.figures;
  if (small) {
    add('CLI, many small files: per-file overhead, ms', ((small.tinyMany.seconds - small.tinyOne.seconds) / (small.tinyFiles - 1)) * 1000, '≤ 1', (v) => v <= 1);
    add(`CLI, ${small.sessionFiles} small sessions: time ÷ floor`, small.sessions.seconds / small.sessionsFloor.seconds, '≤ 5', (v) => v <= 5);
  }
  if (lsp) {
    add('server: 5 MB open → first diagnostics (turn rules), ms', lsp.open5mb.ms, '< 1000', (v) => v < 1000);
    add('server: 5 MB open → all diagnostics, ms', lsp.open5mb.completeMs, '< 1000', (v) => v < 1000);
    add('server: 5 MB edit → diagnostics, median ms', lsp.edit5mb?.median, '< 50', (v) => v < 50);
    add('server: 5 MB edit → diagnostics, median ms (issue 15)', lsp.edit5mb?.median, '≤ 30', (v) => v <= 30);
    add('server: 5 MB edit → diagnostics, worst ms (issue 15)', lsp.edit5mb?.worst, '≤ 80', (v) => v <= 80);
    add('server: all AnnoMI in one document, keystroke → pulled diagnostics, median ms', lsp.real?.median, '≤ 30', (v) => v <= 30);
    add('server: all AnnoMI in one document, keystroke → pulled diagnostics, worst ms', lsp.real?.worst, '≤ 80', (v) => v <= 80);
    add('server: the editor never waits (request during analysis, worst ms)', lsp.edit5mb?.ping.worst, '< 50', (v) => v < 50);
    add(`server: peak RSS MB (limit 10 × ${lsp.openDocumentsMB} MB open + 100)`, lsp.rssMB, `≤ ${Math.round(10 * lsp.openDocumentsMB + 100)}`, (v) => v <= 10 * lsp.openDocumentsMB + 100);
  }
  return goals;
}

export function printGoals(goals: readonly Goal[]): void {
  write();
  write('Goals');
  for (const goal of goals) write(`  ${goal.pass ? 'PASS' : 'FAIL'}  ${goal.goal}: ${goal.value ?? 'not measured'} (goal ${goal.limit})`);
}

/** Median figures worth comparing between runs: the leaves named here. */
const COMPARED = new Set(['seconds', 'rssMB', 'cpuSeconds', 'ms', 'completeMs', 'median', 'worst']);

function flatten(value: unknown, prefix: string, into: Map<string, number>): Map<string, number> {
  if (typeof value === 'number' && COMPARED.has(prefix.split('.').at(-1)!)) into.set(prefix, value);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

export function printDiff(previous: Results, current: Results): void {
  const before = flatten(previous.figures, '', new Map());
  const after = flatten(current.figures, '', new Map());
  write();
  write(`Change since the previous results (${previous.meta.date}, ${previous.meta.commit}${previous.meta.dirty ? ' + changes' : ''}, ${previous.meta.mb} MB):`);
  if (previous.meta.mb !== current.meta.mb) write(`  (the corpus size differs: ${previous.meta.mb} MB then, ${current.meta.mb} MB now; compare MB/s, not seconds)`);
  for (const [key, value] of after) {
    const old = before.get(key);
    if (old === undefined || old === 0) continue;
    const change = ((value - old) / old) * 100;
    write(`  ${key.padEnd(34)} ${String(round2(old)).padStart(10)} → ${String(round2(value)).padEnd(10)} ${change >= 0 ? '+' : ''}${change.toFixed(0)}%`);
  }
  const goalsBefore = new Map(previous.goals.map((g) => [g.goal, g.pass]));
  for (const goal of current.goals) {
    const was = goalsBefore.get(goal.goal);
    if (was !== undefined && was !== goal.pass) write(`  goal now ${goal.pass ? 'PASSES' : 'FAILS'}: ${goal.goal}`);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
