import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { predictRow, trainLogReg, type LogRegWeights } from './logreg';
import { CsrBuilder, type CsrMatrix } from './sparse';
import { seededRandom } from '../random';

/** Rows of 1 to 4 random entries over `cols` columns. */
function randomRows(n: number, cols: number, seed: number): CsrMatrix {
  const random = seededRandom(seed);
  const b = new CsrBuilder(cols);
  for (let r = 0; r < n; r++) {
    const used = new Set<number>();
    const size = 1 + Math.floor(random() * 4);
    for (let j = 0; j < size; j++) used.add(Math.floor(random() * cols));
    for (const c of [...used].sort((a, b) => a - b)) b.push(c, random() * 2 - 0.5);
    b.endRow();
  }
  return b.finish();
}

/** The objective's gradient at the fitted weights, computed here from the definition. */
function gradientAt(x: CsrMatrix, w: LogRegWeights, targets: Int32Array | Uint8Array, C: number): number[] {
  const k = w.classes;
  const g = new Array<number>(x.cols * k + k).fill(0);
  const p = new Float64Array(k);
  for (let r = 0; r < x.rows; r++) {
    const start = x.indptr[r];
    predictRow(w, x.indices.subarray(start), x.values.subarray(start), x.indptr[r + 1] - start, p);
    for (let c = 0; c < k; c++) {
      const y = w.mode === 'softmax' ? (targets[r] === c ? 1 : 0) : targets[r * k + c];
      const residual = (p[c] - y) / x.rows;
      for (let j = start; j < x.indptr[r + 1]; j++) g[x.indices[j] * k + c] += x.values[j] * residual;
      g[x.cols * k + c] += residual;
    }
  }
  for (let i = 0; i < x.cols * k; i++) g[i] += w.weights[i] / (C * x.rows);
  return g;
}

describe('logistic regression', () => {
  it('softmax: fits to a point where the gradient of the L2-regularised loss vanishes', async () => {
    const x = randomRows(300, 12, 1);
    const targets = Int32Array.from({ length: 300 }, (_, r) => (x.indices[x.indptr[r]] % 3));
    const { model, converged } = await trainLogReg(x, 'softmax', 3, targets, { C: 2, tolerance: 1e-7 });
    assert.ok(converged);
    const g = gradientAt(x, model, targets, 2);
    // Float32 weights: the gradient is zero up to their rounding.
    assert.ok(Math.max(...g.map(Math.abs)) < 1e-5, `max |gradient| ${Math.max(...g.map(Math.abs))}`);
    const p = predictRow(model, [0], [1], 1, new Float64Array(3));
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-12);
  });

  it('one-vs-rest: each class its own sigmoid, fitted to a vanishing gradient', async () => {
    const x = randomRows(300, 10, 2);
    const k = 2;
    const targets = new Uint8Array(300 * k);
    for (let r = 0; r < 300; r++) {
      const first = x.indices[x.indptr[r]];
      targets[r * k] = first < 5 ? 1 : 0;
      targets[r * k + 1] = first % 2;
    }
    const { model, converged } = await trainLogReg(x, 'ovr', k, targets, { C: 5, tolerance: 1e-7 });
    assert.ok(converged);
    const g = gradientAt(x, model, targets, 5);
    assert.ok(Math.max(...g.map(Math.abs)) < 1e-5, `max |gradient| ${Math.max(...g.map(Math.abs))}`);
  });

  it('regularises: a smaller C gives smaller weights', async () => {
    const x = randomRows(200, 8, 3);
    const targets = Int32Array.from({ length: 200 }, (_, r) => x.indices[x.indptr[r]] % 2);
    const norm = (w: LogRegWeights) => Math.hypot(...w.weights);
    const strong = await trainLogReg(x, 'softmax', 2, targets, { C: 0.01 });
    const weak = await trainLogReg(x, 'softmax', 2, targets, { C: 100 });
    assert.ok(norm(strong.model) < norm(weak.model) / 10, `${norm(strong.model)} vs ${norm(weak.model)}`);
  });

  it('rejects bad options and targets, naming the field', async () => {
    const x = randomRows(10, 4, 4);
    const targets = new Int32Array(10);
    const fails = async (run: Promise<unknown>, message: RegExp) =>
      assert.rejects(run, (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && message.test(e.message));
    await fails(trainLogReg(x, 'softmax', 2, targets, { C: 0 }), /^C: must be a positive number, got 0$/);
    await fails(trainLogReg(x, 'softmax', 2, targets, { maxIterations: 1.5 }), /^maxIterations: /);
    await fails(trainLogReg(x, 'softmax', 2, new Int32Array(9)), /^targets: 9 targets for 10 rows/);
  });
});
