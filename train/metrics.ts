/** Small scoring helpers shared by `npm run train -- --dev` and `npm run eval`. */

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export function counts(pairs: Iterable<[predicted: boolean, gold: boolean]>): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const [p, g] of pairs) {
    if (p && g) c.tp++;
    else if (p) c.fp++;
    else if (g) c.fn++;
  }
  return c;
}

export function prf(c: Counts): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Macro-F1 over the gold labels' classes. */
export function macroF1<T>(pairs: Array<[predicted: T, gold: T]>, classes: readonly T[]): { macro: number; perClass: Map<T, number> } {
  const perClass = new Map<T, number>();
  for (const c of classes) perClass.set(c, prf(counts(pairs.map(([p, g]) => [p === c, g === c]))).f1);
  const values = [...perClass.values()];
  return { macro: values.reduce((a, b) => a + b, 0) / values.length, perClass };
}

export interface TopK {
  n: number;
  top1: number;
  top3: number;
}

export const topK = (): TopK => ({ n: 0, top1: 0, top3: 0 });

/** Count one ranked prediction: correct when an accepted id is first / among the first three. */
export function addRanking(into: TopK, ranked: ReadonlyArray<string | null>, accepted: ReadonlySet<string | null>): void {
  into.n++;
  if (ranked.length > 0 && accepted.has(ranked[0]!)) into.top1++;
  if (ranked.slice(0, 3).some((id) => accepted.has(id))) into.top3++;
}

export const rate = (a: number, n: number): number => (n === 0 ? NaN : a / n);

/**
 * The best constant prediction: the single id (for top-1) and the three ids
 * (for top-3) that would be right most often, computed from the same turns.
 */
export function constantGuess(accepted: ReadonlyArray<ReadonlySet<string | null>>, candidates: ReadonlyArray<string | null>): { top1: number; top3: number; best: Array<string | null> } {
  const n = accepted.length;
  if (n === 0) return { top1: NaN, top3: NaN, best: [] };
  const hits = (ids: Array<string | null>) => accepted.filter((a) => ids.some((id) => a.has(id))).length;
  let best1: string | null = candidates[0] ?? null;
  for (const c of candidates) if (hits([c]) > hits([best1])) best1 = c;
  // Greedy choice of three (exact for disjoint label sets, close otherwise).
  const three: Array<string | null> = [];
  for (let i = 0; i < 3 && i < candidates.length; i++) {
    let pick: string | null | undefined;
    let score = -1;
    for (const c of candidates) {
      if (three.includes(c)) continue;
      const s = hits([...three, c]);
      if (s > score) (pick = c), (score = s);
    }
    three.push(pick!);
  }
  return { top1: hits([best1]) / n, top3: hits(three) / n, best: three };
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Area under the ROC curve (the probability a random positive scores above a random negative). */
export function auc(scores: Array<[score: number, positive: boolean]>): number {
  const sorted = [...scores].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j]![0] === sorted[i]![0]) j++;
    const rank = (i + j + 1) / 2; // average 1-based rank of the ties
    for (let k = i; k < j; k++) if (sorted[k]![1]) (rankSum += rank), positives++;
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
