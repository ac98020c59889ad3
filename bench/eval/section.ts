/**
 * One part of `npm run eval`: it measures something against a baseline
 * measured in the same run, prints a readable table, and returns figures
 * that are kept in bench/results/eval.json (so a change can be compared
 * with the last committed run).
 */
export interface EvalContext {
  /** ../shared (beside the clone, as in CI), or TRANSCRIPT_SHARED_DIR. */
  shared: string;
  /** The repository root. */
  root: string;
  /** Print a line of the report (stdout). */
  print(line?: string): void;
  /** Progress for the person waiting (stderr). */
  log(line: string): void;
}

export interface EvalSection {
  /** Key in eval.json and heading in the report. */
  id: string;
  title: string;
  run(context: EvalContext): Promise<Record<string, unknown>>;
}

/** A fixed-width table for the report. */
export function table(header: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

export const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
export const fixed = (x: number | undefined, digits = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));
