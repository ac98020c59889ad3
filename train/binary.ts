/**
 * A two-class fit read as one logistic regression over hashed features, and
 * its 8-bit form: what the ending and meta-text models (`train/ending.ts`,
 * `train/meta.ts`) ship and `server/src/core/model/hashed.ts` scores.
 */
import type { Fitted } from './logreg.ts';

export interface Binary {
  /** Weight per bucket of class 1 against class 0. */
  w: Float64Array;
  bias: number;
  /** P(class 1) of the features' buckets. */
  p(buckets: readonly number[]): number;
}

/** Class 1 against class 0 of a two-class fit over `buckets` buckets. */
export function binary(fitted: Fitted, buckets: number): Binary {
  const w = new Float64Array(buckets);
  for (let i = 0; i < buckets; i++) w[i] = fitted.weights[i * 2 + 1]! - fitted.weights[i * 2]!;
  const bias = fitted.bias[1]! - fitted.bias[0]!;
  return {
    w,
    bias,
    p(features) {
      let z = bias;
      for (const b of features) z += w[b]!;
      return 1 / (1 + Math.exp(-z));
    },
  };
}

/** Quantised to 8 bits with one scale, only the buckets that carry weight. */
export function quantise(w: Float64Array): { scale: number; index: number[]; weight: number[] } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const q = Math.round(w[i]! / scale);
    if (q !== 0) {
      index.push(i);
      weight.push(q);
    }
  }
  return { scale, index, weight };
}
