/**
 * Multinomial logistic regression, fitted by L-BFGS on sparse examples.
 * Deterministic: no random numbers, a fixed order of operations, so the same
 * examples give the same weights bit for bit.
 *
 * Loss: Σ_i w_i · cross-entropy(target_i, softmax(W·x_i + b + Σ_t beta_t·e_it))
 *       + l2/2 · |W|² + l2Bias/2 · |b|² (+ l2/2 · |beta|²)
 * where target_i may be a distribution over classes (an example that fits
 * two classes), or a set of classes one of which is right (a partial label:
 * the loss is then -log of the set's probability), and e_it optional per-class inputs, each with one weight
 * `beta_t` shared by every class (the codebook's cue score of each class in
 * the turn, in the speaker's previous turn …).
 */

export interface Example {
  /** Feature indices (0 … dims-1) and their values. */
  index: Int32Array;
  value: Float64Array;
  /** A distribution over the classes; with `partial`, the classes any of which may be right (> 0). */
  target: Float64Array;
  /**
   * The label says only "one of these classes" (AnnoMI's "other" is no
   * technique, an affirmation or a confrontation): the loss is
   * -log Σ_{c in target} p_c, and the model shares the mass among them.
   */
  partial?: boolean;
  weight: number;
  /** Per-class inputs for the shared weights: `perClass[t * classes + c]`. */
  perClass?: Float64Array | undefined;
}

export interface FitOptions {
  l2: number;
  l2Bias?: number;
  iterations?: number;
  /** How many per-class inputs each example has (0: none). */
  tied?: number;
  log?: (line: string) => void;
}

export interface Fitted {
  /** weights[feature * classes + c] */
  weights: Float64Array;
  bias: Float64Array;
  betas: number[];
  loss: number;
  iterations: number;
}

export function fit(examples: Example[], dims: number, classes: number, options: FitOptions): Fitted {
  const k = classes;
  const nW = dims * k;
  const tied = options.tied ?? 0;
  const n = nW + k + tied;
  const l2 = options.l2;
  const l2Bias = options.l2Bias ?? 1e-4;
  const logits = new Float64Array(k);

  const evaluate = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (const ex of examples) {
      for (let c = 0; c < k; c++) logits[c] = theta[nW + c]!;
      for (let i = 0; i < ex.index.length; i++) {
        const base = ex.index[i]! * k;
        const v = ex.value[i]!;
        for (let c = 0; c < k; c++) logits[c]! += v * theta[base + c]!;
      }
      if (ex.perClass) for (let t = 0; t < tied; t++) for (let c = 0; c < k; c++) logits[c]! += theta[nW + k + t]! * ex.perClass[t * k + c]!;
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (logits[c]! > max) max = logits[c]!;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(logits[c]! - max);
      const logSum = max + Math.log(sum);
      if (ex.partial) {
        let inSet = 0;
        for (let c = 0; c < k; c++) if (ex.target[c]! > 0) inSet += Math.exp(logits[c]! - max);
        const logSet = max + Math.log(inSet);
        loss -= ex.weight * (logSet - logSum);
        for (let c = 0; c < k; c++) {
          const q = ex.target[c]! > 0 ? Math.exp(logits[c]! - logSet) : 0;
          logits[c] = ex.weight * (Math.exp(logits[c]! - logSum) - q);
        }
      } else {
        for (let c = 0; c < k; c++) {
          const t = ex.target[c]!;
          if (t > 0) loss -= ex.weight * t * (logits[c]! - logSum);
          // reuse logits as the residual p - t
          logits[c] = ex.weight * (Math.exp(logits[c]! - logSum) - t);
        }
      }
      for (let i = 0; i < ex.index.length; i++) {
        const base = ex.index[i]! * k;
        const v = ex.value[i]!;
        for (let c = 0; c < k; c++) grad[base + c]! += v * logits[c]!;
      }
      for (let c = 0; c < k; c++) grad[nW + c]! += logits[c]!;
      if (ex.perClass) for (let t = 0; t < tied; t++) for (let c = 0; c < k; c++) grad[nW + k + t]! += ex.perClass[t * k + c]! * logits[c]!;
    }
    for (let j = 0; j < nW; j++) {
      loss += 0.5 * l2 * theta[j]! * theta[j]!;
      grad[j]! += l2 * theta[j]!;
    }
    for (let c = 0; c < k; c++) {
      loss += 0.5 * l2Bias * theta[nW + c]! ** 2;
      grad[nW + c]! += l2Bias * theta[nW + c]!;
    }
    for (let t = 0; t < tied; t++) {
      const beta = theta[nW + k + t]!;
      loss += 0.5 * l2 * beta * beta;
      grad[nW + k + t]! += l2 * beta;
    }
    return loss;
  };

  const theta = new Float64Array(n);
  const result = lbfgs(theta, evaluate, options.iterations ?? 200, options.log);
  return {
    weights: theta.slice(0, nW),
    bias: theta.slice(nW, nW + k),
    betas: [...theta.slice(nW + k, nW + k + tied)],
    loss: result.loss,
    iterations: result.iterations,
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Limited-memory BFGS with a backtracking (Armijo) line search; minimises in place. */
function lbfgs(x: Float64Array, f: (x: Float64Array, g: Float64Array) => number, maxIterations: number, log?: (line: string) => void): { loss: number; iterations: number } {
  const m = 7;
  const n = x.length;
  const g = new Float64Array(n);
  let loss = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    // Two-loop recursion: d = -H·g
    d.set(g);
    const alpha: number[] = [];
    for (let i = s.length - 1; i >= 0; i--) {
      const a = rho[i]! * dot(s[i]!, d);
      alpha[i] = a;
      const yi = y[i]!;
      for (let j = 0; j < n; j++) d[j]! -= a * yi[j]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
      for (let j = 0; j < n; j++) d[j]! *= gamma;
    } else {
      const norm = Math.sqrt(dot(g, g)) || 1;
      for (let j = 0; j < n; j++) d[j]! /= norm;
    }
    for (let i = 0; i < s.length; i++) {
      const b = rho[i]! * dot(y[i]!, d);
      const si = s[i]!;
      for (let j = 0; j < n; j++) d[j]! += (alpha[i]! - b) * si[j]!;
    }
    for (let j = 0; j < n; j++) d[j] = -d[j]!;
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction: start over from the gradient.
      s.length = y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j]!;
      slope = dot(g, d);
    }
    let step = 1;
    let newLoss = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j]! + step * d[j]!;
      newLoss = f(xNew, gNew);
      if (newLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(newLoss < loss)) break;
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sNew[j] = xNew[j]! - x[j]!;
      yNew[j] = gNew[j]! - g[j]!;
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const improvement = (loss - newLoss) / Math.max(1, Math.abs(loss));
    x.set(xNew);
    g.set(gNew);
    loss = newLoss;
    if (log && iteration % 25 === 0) log(`    iteration ${iteration}: loss ${loss.toFixed(4)}`);
    if (improvement < 1e-7) break;
  }
  return { loss, iterations: iteration };
}
