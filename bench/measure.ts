/**
 * Running and timing child processes for the benchmark: wall time from spawn
 * to exit, and the peak RSS and CPU time the child reports at exit through
 * usage-preload.cjs (the same for every Node program we run).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PRELOAD = path.join(HERE, 'usage-preload.cjs');

export interface Usage {
  maxRssKB: number;
  userUs: number;
  systemUs: number;
}

export interface RunResult {
  seconds: number;
  code: number | null;
  usage?: Usage | undefined;
  /** Cores kept busy by anything else during the run (see `otherLoad`). */
  otherCores?: number | undefined;
}

/**
 * CPU time the machine (or one CPU) spent busy so far, in seconds, from
 * /proc/stat, including time stolen by the hypervisor for other machines.
 */
export function machineBusySeconds(cpu?: number): number | undefined {
  try {
    const name = cpu === undefined ? 'cpu' : `cpu${cpu}`;
    const line = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name} `));
    if (!line) return undefined;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * How many cores something other than the measured process kept busy during
 * a run: the machine's busy time less the process's own CPU time, per second
 * of wall time. On a shared machine this says which figures to distrust.
 */
export function otherLoad(busyBefore: number | undefined, busyAfter: number | undefined, ownCpuSeconds: number | undefined, seconds: number): number | undefined {
  if (busyBefore === undefined || busyAfter === undefined || ownCpuSeconds === undefined || seconds <= 0) return undefined;
  return round(Math.max(0, (busyAfter - busyBefore - ownCpuSeconds) / seconds), 2);
}

/** Pinning to one core makes "on one core" literal; `taskset` is optional. */
export const TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

export interface RunOptions {
  cwd?: string;
  /** Send stdout here (a file), as a real run would write its report. */
  stdoutFile?: string;
  stderrFile?: string;
  /** Run on CPU 0 only. */
  oneCore?: boolean;
  /** Give up after this long (the figure is then missing, never a hang). */
  timeoutMs?: number;
  usageFile: string;
}

/** Run `node <args>` once. */
export async function runNode(args: string[], options: RunOptions): Promise<RunResult> {
  fs.rmSync(options.usageFile, { force: true });
  const command = options.oneCore && TASKSET ? 'taskset' : process.execPath;
  const argv = options.oneCore && TASKSET ? ['-c', '0', process.execPath, ...args] : args;
  const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'ignore';
  const err = options.stderrFile ? fs.openSync(options.stderrFile, 'w') : 'ignore';
  const env = { ...process.env, NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_USAGE_FILE: options.usageFile, NO_COLOR: '1' };
  // A run pinned to CPU 0 is disturbed only by what else runs there.
  const cpu = options.oneCore && TASKSET ? 0 : undefined;
  const busyBefore = machineBusySeconds(cpu);
  const started = performance.now();
  const child = spawn(command, argv, { cwd: options.cwd, stdio: ['ignore', out, err], env });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status) => resolve(status));
  });
  const seconds = (performance.now() - started) / 1000;
  const busyAfter = machineBusySeconds(cpu);
  clearTimeout(timer);
  for (const fd of [out, err]) if (typeof fd === 'number') fs.closeSync(fd);
  const usage = readUsage(options.usageFile, child.pid);
  return { seconds, code, usage, otherCores: otherLoad(busyBefore, busyAfter, usage && (usage.userUs + usage.systemUs) / 1e6, seconds) };
}

export function readUsage(file: string, pid: number | undefined): Usage | undefined {
  try {
    const records = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Usage & { pid: number });
    return records.find((r) => r.pid === pid) ?? records.at(-1);
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Series {
  /** Median wall time, seconds (of the quietest runs). */
  seconds: number;
  /** Every run's wall time, and the other load during it (cores). */
  runs: number[];
  runLoads?: Array<number | null>;
  /** Median peak RSS, MB. */
  rssMB?: number | undefined;
  /** Median CPU time (user + system), seconds. */
  cpuSeconds?: number | undefined;
  /** Exit codes seen. */
  codes: Array<number | null>;
  /** Median cores kept busy by other work during the runs (noise; 0 on a quiet machine). */
  otherCores?: number | undefined;
}

/** Runs above this much other load are repeated when the retry budget allows. */
export const NOISY_CORES = 0.3;

/**
 * Seconds of extra runs the whole benchmark may spend replacing runs that a
 * busy machine disturbed (BENCH_RETRY_S, default 120).
 */
let retryBudget = Number(process.env.BENCH_RETRY_S ?? 120);

/**
 * `reps` runs of the same command; medians. A run during which other work
 * kept ≥ 0.3 cores busy is run again while the retry budget lasts, and the
 * medians are taken over the `reps` quietest runs (all runs stay in the
 * results, with their load, so nothing is hidden).
 */
export async function repeat(reps: number, args: string[], options: RunOptions, label: string): Promise<Series> {
  const results: RunResult[] = [];
  const noisy = (r: RunResult) => (r.otherCores ?? 0) >= NOISY_CORES;
  for (let i = 0; results.length < reps || (results.filter((r) => !noisy(r)).length < reps && i < 2 * reps); i++) {
    if (results.length >= reps) {
      const typical = median(results.map((r) => r.seconds));
      if (typical > retryBudget) break;
      retryBudget -= typical;
    }
    const result = await runNode(args, options);
    results.push(result);
    const noise = result.otherCores !== undefined && result.otherCores >= 0.1 ? `, other load ${result.otherCores} cores` : '';
    const count = results.length > reps ? `${results.length} (extra: the machine was busy)` : `${results.length}/${reps}`;
    process.stderr.write(`  ${label} run ${count}: ${result.seconds.toFixed(2)} s${result.code ? ` (exit ${result.code})` : ''}${noise}\n`);
  }
  // The quietest runs, in the order they ran.
  const kept = [...results].sort((a, b) => (a.otherCores ?? 0) - (b.otherCores ?? 0)).slice(0, reps);
  const used = results.filter((r) => kept.includes(r));
  const usages = used.map((r) => r.usage).filter((u): u is Usage => u !== undefined);
  return {
    seconds: round(median(used.map((r) => r.seconds)), 4),
    runs: results.map((r) => round(r.seconds, 3)),
    runLoads: results.map((r) => r.otherCores ?? null),
    rssMB: usages.length ? round(median(usages.map((u) => u.maxRssKB / 1024)), 1) : undefined,
    cpuSeconds: usages.length ? round(median(usages.map((u) => (u.userUs + u.systemUs) / 1e6)), 3) : undefined,
    codes: results.map((r) => r.code),
    otherCores: median(used.map((r) => r.otherCores ?? 0)),
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
