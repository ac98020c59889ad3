/**
 * A multinomial logistic regression over hashed features, as shipped:
 * weights per feature key (8-bit, one scale per key), a bias per class, and
 * optionally shared weights `betas` on per-class inputs (the codebook's cue
 * phrases for that class, see `predict.ts`). Predicting is a sparse dot
 * product; explaining a class lists the features that raised it most.
 */
import type { FeatureGroup, ModelInput } from './featurize.ts';

export interface LinearModelSpec {
  name: string;
  classes: string[];
  /** The feature groups the model reads, each multiplied by its weight. */
  groups: Partial<Record<FeatureGroup | 'stack', number>>;
  bias: number[];
  /** Weights of the per-class inputs (the cue scores of each class in the turn, in the speaker's previous turn), shared by every class. */
  betas: number[];
  /** The codebook namespace and entry id of each class (null: no technique), for the technique models. */
  namespace?: string;
  entries?: Array<string | null>;
  /** The model whose probabilities this one reads as its `stack` group. */
  stack?: string;
}

export class LinearModel {
  readonly name: string;
  readonly classes: string[];
  readonly groups: Array<[FeatureGroup | 'stack', number]>;
  /** The names of the groups it reads. */
  readonly groupNames: Array<FeatureGroup | 'stack'>;
  readonly bias: Float64Array;
  readonly betas: number[];
  readonly spec: LinearModelSpec;
  /** Feature key → row number (see `RowTable`). */
  private readonly rows: RowTable;
  private readonly weights: Int8Array;
  private readonly scales: Float32Array;

  constructor(spec: LinearModelSpec, keys: Uint32Array, weights: Int8Array, scales: Float32Array) {
    this.spec = spec;
    this.name = spec.name;
    this.classes = spec.classes;
    this.groups = Object.entries(spec.groups) as Array<[FeatureGroup | 'stack', number]>;
    this.groupNames = this.groups.map(([name]) => name);
    this.bias = Float64Array.from(spec.bias);
    this.betas = spec.betas;
    this.weights = weights;
    this.scales = scales;
    this.rows = new RowTable(keys);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Weight of a feature key for a class (0 when the key is unknown). */
  weight(key: number, classIndex: number): number {
    const row = this.rows.get(key);
    if (row < 0) return 0;
    return this.weights[row * this.classes.length + classIndex]! * this.scales[row]!;
  }

  /** Raw class scores. `perClass[t * classes + c]` is multiplied by `betas[t]`. */
  logits(input: ModelInput, perClass?: ArrayLike<number>): Float64Array {
    const k = this.classes.length;
    const out = Float64Array.from(this.bias);
    for (const [name, groupWeight] of this.groups) {
      const g = input[name];
      if (!g) continue;
      for (let i = 0; i < g.keys.length; i++) {
        const row = this.rows.get(g.keys[i]!);
        if (row < 0) continue;
        const v = g.values[i]! * groupWeight * this.scales[row]!;
        const base = row * k;
        for (let c = 0; c < k; c++) out[c]! += v * this.weights[base + c]!;
      }
    }
    if (perClass) for (let t = 0; t < this.betas.length; t++) for (let c = 0; c < k; c++) out[c]! += this.betas[t]! * (perClass[t * k + c] ?? 0);
    return out;
  }

  probabilities(input: ModelInput, perClass?: ArrayLike<number>): Float64Array {
    return softmax(this.logits(input, perClass));
  }

  /**
   * What raised class `c` above the others: each feature origin's
   * contribution to c's score minus its expected contribution under
   * `probabilities`, summed per origin, largest first (positive only), with
   * the largest value a feature of that origin had.
   */
  explain(input: ModelInput, c: number, probabilities: ArrayLike<number>): Array<{ origin: string; weight: number; value: number }> {
    const k = this.classes.length;
    const byOrigin = new Map<string, number>();
    const values = new Map<string, number>();
    for (const [name, groupWeight] of this.groups) {
      const g = input[name];
      if (!g) continue;
      for (let i = 0; i < g.keys.length; i++) {
        const row = this.rows.get(g.keys[i]!);
        if (row < 0) continue;
        const v = g.values[i]! * groupWeight * this.scales[row]!;
        const base = row * k;
        let expected = 0;
        for (let j = 0; j < k; j++) expected += probabilities[j]! * this.weights[base + j]!;
        const contribution = v * (this.weights[base + c]! - expected);
        const origin = g.origins[i]!;
        byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + contribution);
        values.set(origin, Math.max(values.get(origin) ?? 0, g.values[i]!));
      }
    }
    return [...byOrigin]
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([origin, weight]) => ({ origin, weight, value: values.get(origin)! }));
  }
}

/**
 * Feature key → row: open addressing over typed arrays. Keys are 32-bit and
 * most are above 2^31, so a `Map` would box every one of them as a heap
 * number; a prediction looks up thousands of keys, one per feature.
 */
class RowTable {
  private readonly keys: Uint32Array;
  /** Row + 1 at each slot, 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(keys: Uint32Array) {
    this.keys = keys;
    let bits = 4;
    while (1 << bits < 2 * keys.length) bits++;
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    // A key listed twice keeps its last row, as a Map filled in order would (keys are unique in a model file).
    for (let row = 0; row < keys.length; row++) {
      let slot = Math.imul(keys[row]!, 0x9e3779b1) >>> this.shift;
      while (this.slots[slot] !== 0 && keys[this.slots[slot]! - 1] !== keys[row]) slot = (slot + 1) & this.mask;
      this.slots[slot] = row + 1;
    }
  }

  get size(): number {
    return this.keys.length;
  }

  /** The row of a key, or -1. */
  get(key: number): number {
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.keys[entry - 1] === key >>> 0) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
