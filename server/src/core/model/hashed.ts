/**
 * The scorer of a shipped binary logistic regression over hashed features
 * (the ending and meta-text models, written by `train/binary.ts`): the
 * quantised weights spread into one dense array on the first call.
 */
export interface HashedModel {
  buckets: number;
  bias: number;
  /** One scale for the quantised weights. */
  scale: number;
  /** Feature bucket → weight (× scale), as parallel arrays of the buckets that have one. */
  index: number[];
  weight: number[];
}

/** P(class 1) of a list of feature buckets, for `model`. */
export function hashedScorer(model: HashedModel): (buckets: readonly number[]) => number {
  let dense: Float32Array | undefined;
  return (buckets) => {
    if (!dense) {
      dense = new Float32Array(model.buckets);
      for (let i = 0; i < model.index.length; i++) dense[model.index[i]!] = model.weight[i]! * model.scale;
    }
    let z = model.bias;
    for (const b of buckets) z += dense[b]!;
    return 1 / (1 + Math.exp(-z));
  };
}
