/**
 * L2-regularised logistic regression over sparse rows (issue 12, item 2): multinomial (softmax) for
 * multi-class, one-vs-rest sigmoids for multi-label, both fitted by full-batch L-BFGS, which is
 * deterministic (no shuffle, no random start: weights start at zero and every sum runs in row
 * order). The objective is scikit-learn's, divided by C * n:
 *   mean over rows of the loss + |W|^2 / (2 C n), the intercepts not penalised.
 */
import { LabelingError, throwIfAborted } from '../errors';
import type { CsrMatrix } from './sparse';

/** Hooks of a long computation: cancellation and progress. */
export interface WorkHooks {
  signal?: AbortSignal;
  onProgress?(fraction: number, message: string): void;
}

/** Throws once the signal is aborted, reports progress and gives the event loop a turn. */
export async function checkpoint(hooks: WorkHooks, fraction: number, message: string): Promise<void> {
  throwIfAborted(hooks.signal);
  hooks.onProgress?.(fraction, message);
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfAborted(hooks.signal);
}

export type LogRegMode = 'softmax' | 'ovr';

export interface LogRegOptions extends WorkHooks {
  /** Inverse regularisation strength, as scikit-learn's C (default 10). */
  C?: number;
  /** L-BFGS iterations at most (default 100, as scikit-learn's max_iter). */
  maxIterations?: number;
  /**
   * Stops once no gradient entry exceeds this (default 1e-4, as scikit-learn's tol for lbfgs, on the
   * same scale), or once an iteration lowers the objective by less than 1e-9 of it.
   */
  tolerance?: number;
}

export const DEFAULT_C = 10;
export const DEFAULT_MAX_ITERATIONS = 100;
export const DEFAULT_TOLERANCE = 1e-4;
/** Stops once an iteration lowers the objective by less than this share of it. */
const RELATIVE_DECREASE = 1e-9;

/** Fitted weights: `weights[f * classes + k]` is feature f's weight for class k. */
export interface LogRegWeights {
  mode: LogRegMode;
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface LogRegResult {
  model: LogRegWeights;
  iterations: number;
  /** The final objective (mean loss + penalty). */
  loss: number;
  converged: boolean;
}

/** The options with their defaults; a bad one is a LabelingError naming it. */
export function logRegSettings(opts: LogRegOptions): { C: number; maxIterations: number; tolerance: number } {
  const C = opts.C ?? DEFAULT_C;
  if (!(C > 0) || !Number.isFinite(C)) throw new LabelingError('invalid-input', `must be a positive number, got ${String(C)}`, { field: 'C' });
  const maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new LabelingError('invalid-input', `must be a positive integer, got ${String(maxIterations)}`, { field: 'maxIterations' });
  }
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance >= 0)) throw new LabelingError('invalid-input', `must be a number >= 0, got ${String(tolerance)}`, { field: 'tolerance' });
  return { C, maxIterations, tolerance };
}

/**
 * Targets: for 'softmax' one class index per row (Int32Array of x.rows); for 'ovr' a 0/1 matrix,
 * `targets[r * classes + k]` (Uint8Array of x.rows * classes).
 */
export async function trainLogReg(
  x: CsrMatrix,
  mode: LogRegMode,
  classes: number,
  targets: Int32Array | Uint8Array,
  opts: LogRegOptions = {},
): Promise<LogRegResult> {
  const { C, maxIterations, tolerance } = logRegSettings(opts);
  if (x.rows === 0) throw new LabelingError('invalid-input', 'no rows to train on', { field: 'rows' });
  const expected = mode === 'softmax' ? x.rows : x.rows * classes;
  if (targets.length !== expected) {
    throw new LabelingError('invalid-input', `${targets.length} targets for ${x.rows} rows and ${classes} classes`, { field: 'targets' });
  }
  const objective = new Objective(x, mode, classes, targets, 1 / (C * x.rows));
  const dim = x.cols * classes + classes;

  let params = new Float64Array(dim);
  let grad = new Float64Array(dim);
  let f = objective.evaluate(params, grad);
  let next = new Float64Array(dim);
  let nextGrad = new Float64Array(dim);
  const lbfgs = new LbfgsMemory(dim);
  const direction = new Float64Array(dim);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    await checkpoint(opts, iterations / maxIterations, `iteration ${iterations}: loss ${f.toPrecision(6)}`);
    if (maxAbs(grad) <= tolerance) {
      converged = true;
      break;
    }
    lbfgs.direction(grad, direction);
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (curvature went bad): restart from steepest descent.
      lbfgs.clear();
      for (let i = 0; i < dim; i++) direction[i] = -grad[i];
      slope = -dot(grad, grad);
    }
    // The first step has no curvature yet: a unit step along -g scaled to length 1.
    let step = lbfgs.size === 0 ? 1 / Math.sqrt(-slope) : 1;
    let fNext = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < dim; i++) next[i] = params[i] + step * direction[i];
      fNext = objective.evaluate(next, nextGrad);
      if (fNext <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) {
      converged = true; // no step lowers the objective: as good as this precision allows
      break;
    }
    lbfgs.push(params, next, grad, nextGrad);
    const decrease = (f - fNext) / Math.max(Math.abs(f), Math.abs(fNext), 1);
    [params, next] = [next, params];
    [grad, nextGrad] = [nextGrad, grad];
    f = fNext;
    if (decrease < RELATIVE_DECREASE) {
      converged = true;
      break;
    }
  }
  opts.onProgress?.(1, `trained: ${iterations} iterations, loss ${f.toPrecision(6)}`);
  const features = x.cols;
  return {
    model: {
      mode,
      classes,
      features,
      weights: Float32Array.from(params.subarray(0, features * classes)),
      bias: Float32Array.from(params.subarray(features * classes)),
    },
    iterations,
    loss: f,
    converged,
  };
}

/** The objective and its gradient in one pass over the rows. */
class Objective {
  private readonly z: Float64Array;

  constructor(
    private readonly x: CsrMatrix,
    private readonly mode: LogRegMode,
    private readonly k: number,
    private readonly targets: Int32Array | Uint8Array,
    private readonly lambda: number,
  ) {
    this.z = new Float64Array(k);
  }

  evaluate(params: Float64Array, grad: Float64Array): number {
    const { x, k, z, targets } = this;
    const { indptr, indices, values } = x;
    const wEnd = x.cols * k;
    grad.fill(0);
    const n = x.rows;
    const inv = 1 / n;
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const start = indptr[r];
      const end = indptr[r + 1];
      for (let c = 0; c < k; c++) z[c] = params[wEnd + c];
      for (let j = start; j < end; j++) {
        const base = indices[j] * k;
        const v = values[j];
        for (let c = 0; c < k; c++) z[c] += v * params[base + c];
      }
      // z becomes the residual (p - y) / n.
      if (this.mode === 'softmax') {
        const lse = logSumExp(z, k);
        const y = targets[r];
        loss += lse - z[y];
        for (let c = 0; c < k; c++) z[c] = (Math.exp(z[c] - lse) - (c === y ? 1 : 0)) * inv;
      } else {
        for (let c = 0; c < k; c++) {
          const zc = z[c];
          const y = targets[r * k + c];
          // log(1 + e^z) - y z, computed without overflow.
          loss += Math.max(zc, 0) + Math.log1p(Math.exp(-Math.abs(zc))) - y * zc;
          z[c] = (sigmoid(zc) - y) * inv;
        }
      }
      for (let j = start; j < end; j++) {
        const base = indices[j] * k;
        const v = values[j];
        for (let c = 0; c < k; c++) grad[base + c] += v * z[c];
      }
      for (let c = 0; c < k; c++) grad[wEnd + c] += z[c];
    }
    let penalty = 0;
    const lambda = this.lambda;
    for (let i = 0; i < wEnd; i++) {
      penalty += params[i] * params[i];
      grad[i] += lambda * params[i];
    }
    return loss * inv + 0.5 * lambda * penalty;
  }
}

/** log(sum of e^z[c]) over the first k entries, without overflow. */
function logSumExp(z: Float64Array, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(z[c] - max);
  return max + Math.log(sum);
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * The last few (s, y) pairs of L-BFGS, kept in float32 to bound memory (a hashed text model has up to
 * 2^18 columns per class); the products are summed in float64.
 */
class LbfgsMemory {
  private readonly capacity: number;
  private readonly s: Float32Array[] = [];
  private readonly y: Float32Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: Float64Array;
  /** Index of the oldest pair in the ring. */
  private head = 0;
  size = 0;

  constructor(private readonly dim: number) {
    // At most 2^24 stored floats (64 MB), between 3 and 10 pairs.
    this.capacity = Math.max(3, Math.min(10, Math.floor(2 ** 24 / (2 * dim))));
    this.alpha = new Float64Array(this.capacity);
  }

  clear(): void {
    this.size = 0;
    this.head = 0;
  }

  push(x: Float64Array, xNext: Float64Array, g: Float64Array, gNext: Float64Array): void {
    const slot = (this.head + this.size) % this.capacity;
    if (!this.s[slot]) {
      this.s[slot] = new Float32Array(this.dim);
      this.y[slot] = new Float32Array(this.dim);
    }
    const s = this.s[slot];
    const y = this.y[slot];
    let sy = 0;
    for (let i = 0; i < this.dim; i++) {
      s[i] = xNext[i] - x[i];
      y[i] = gNext[i] - g[i];
      sy += s[i] * y[i];
    }
    if (!(sy > 1e-20)) return; // no positive curvature: keep the old pairs only
    this.rho[slot] = 1 / sy;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** out = -H g by the two-loop recursion (H from the stored pairs; -g when there are none). */
  direction(g: Float64Array, out: Float64Array): void {
    const dim = this.dim;
    for (let i = 0; i < dim; i++) out[i] = -g[i];
    if (this.size === 0) return;
    for (let m = this.size - 1; m >= 0; m--) {
      const slot = (this.head + m) % this.capacity;
      const a = this.rho[slot] * dot(this.s[slot], out);
      this.alpha[m] = a;
      const y = this.y[slot];
      for (let i = 0; i < dim; i++) out[i] -= a * y[i];
    }
    const last = (this.head + this.size - 1) % this.capacity;
    const yl = this.y[last];
    const gamma = 1 / (this.rho[last] * dot(yl, yl));
    for (let i = 0; i < dim; i++) out[i] *= gamma;
    for (let m = 0; m < this.size; m++) {
      const slot = (this.head + m) % this.capacity;
      const b = this.rho[slot] * dot(this.y[slot], out);
      const s = this.s[slot];
      const coef = this.alpha[m] - b;
      for (let i = 0; i < dim; i++) out[i] += coef * s[i];
    }
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Class probabilities of one sparse row (`size` entries of indices/values) into `out` (length
 * classes): a softmax for 'softmax', one sigmoid per class for 'ovr'. Columns past the model's
 * features are ignored.
 */
export function predictRow(
  model: LogRegWeights,
  indices: ArrayLike<number>,
  values: ArrayLike<number>,
  size: number,
  out: Float64Array,
): Float64Array {
  const { classes: k, weights, bias, features } = model;
  for (let c = 0; c < k; c++) out[c] = bias[c];
  for (let j = 0; j < size; j++) {
    const column = indices[j];
    if (column >= features) continue;
    const base = column * k;
    const v = values[j];
    for (let c = 0; c < k; c++) out[c] += v * weights[base + c];
  }
  if (model.mode === 'softmax') {
    const lse = logSumExp(out, k);
    for (let c = 0; c < k; c++) out[c] = Math.exp(out[c] - lse);
  } else {
    for (let c = 0; c < k; c++) out[c] = sigmoid(out[c]);
  }
  return out;
}
