import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { seededRandom } from '../random';
import { featurizeImages } from './image-model';
import { imageFeatureSettings } from './image-features';
import { isInvalid, mnistSplit } from './image-model-testdata';
import { adjustedRandIndex, clusteredOrder, clusterPurity, kmeans } from './kmeans';

/** `perBlob` points around each of `centres`, uniform noise of +-`spread`, interleaved blob by blob. */
function blobs(centres: number[][], perBlob: number, spread: number, seed: number): { rows: Float32Array[]; truth: number[] } {
  const random = seededRandom(seed);
  const rows: Float32Array[] = [];
  const truth: number[] = [];
  for (let i = 0; i < perBlob; i++) {
    centres.forEach((c, b) => {
      rows.push(Float32Array.from(c, (v) => v + (random() * 2 - 1) * spread));
      truth.push(b);
    });
  }
  return { rows, truth };
}

const CENTRES = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]];

describe('k-means', () => {
  it('recovers separable blobs exactly (adjusted Rand index 1), for several seeds', async () => {
    const { rows, truth } = blobs(CENTRES, 40, 1.5, 7);
    for (const seed of [1, 2, 3]) {
      const result = await kmeans(rows, 5, { seed });
      assert.equal(adjustedRandIndex(result.assignments, truth), 1, `seed ${seed}`);
      assert.ok(result.converged);
      assert.equal(result.centroids.length, 5);
      // Each centroid is near one true centre.
      for (const c of result.centroids) assert.ok(CENTRES.some((t) => t.every((v, j) => Math.abs(v - c[j]) < 0.5)), `centroid ${c}`);
      let inertia = 0;
      rows.forEach((r, i) => r.forEach((v, j) => (inertia += (v - result.centroids[result.assignments[i]][j]) ** 2)));
      assert.ok(Math.abs(inertia - result.inertia) < 1e-6 * inertia);
    }
  });

  it('is deterministic: same rows, k and seed give the same answer', async () => {
    const { rows } = blobs(CENTRES, 30, 6, 9); // overlapping: the answer depends on the seeding
    const a = await kmeans(rows, 5, { seed: 4 });
    const b = await kmeans(rows, 5, { seed: 4 });
    assert.deepEqual(a, b);
    assert.deepEqual(clusteredOrder(rows, a), clusteredOrder(rows, b));
  });

  it('re-seeds an empty cluster and copes with duplicate rows', async () => {
    const rows = [0, 0, 0, 0, 5, 5].map((v) => new Float32Array([v]));
    const result = await kmeans(rows, 3, { seed: 1 });
    const sizes = [0, 1, 2].map((c) => result.assignments.filter((a) => a === c).length);
    assert.ok(sizes.every((s) => s > 0), `sizes ${sizes}`);
    assert.equal(result.inertia, 0);
    const same = Array.from({ length: 4 }, () => new Float32Array([1, 1]));
    const all = await kmeans(same, 2);
    assert.equal(new Set(all.assignments).size, 2);
    assert.equal(all.inertia, 0);
  });

  it('orders items cluster by cluster, nearest the centroid first', async () => {
    const { rows, truth } = blobs(CENTRES, 20, 1.5, 3);
    const result = await kmeans(rows, 5);
    const order = clusteredOrder(rows, result);
    assert.deepEqual(order.map((o) => o.index).sort((a, b) => a - b), rows.map((_, i) => i));
    // Contiguous clusters: the cluster changes exactly 4 times, and so does the true blob.
    let changes = 0;
    let truthChanges = 0;
    for (let i = 1; i < order.length; i++) {
      if (order[i].cluster !== order[i - 1].cluster) changes++;
      else assert.ok(order[i].distance >= order[i - 1].distance, `position ${i}`);
      if (truth[order[i].index] !== truth[order[i - 1].index]) truthChanges++;
    }
    assert.equal(changes, 4);
    assert.equal(truthChanges, 4);
    // The largest cluster first (all the same size here: the lowest cluster number).
    assert.equal(order[0].cluster, 0);
  });

  it('groups MNIST digits by their image features far better than chance (k = 10)', async () => {
    const { train } = mnistSplit(30, 0);
    const rows = await featurizeImages(train.images, imageFeatureSettings());
    const result = await kmeans(rows, 10, { seed: 1 });
    const purity = clusterPurity(result.assignments, train.labels);
    const ari = adjustedRandIndex(result.assignments, train.labels);
    // Chance: purity about 0.1-0.2 and ARI about 0 for 10 balanced classes.
    assert.ok(purity > 0.5, `purity ${purity}`);
    assert.ok(ari > 0.2, `adjusted Rand ${ari}`);
  });

  it('stops with the cancelled error when its signal is aborted', async () => {
    const { rows } = blobs(CENTRES, 30, 6, 9);
    const abort = new AbortController();
    await assert.rejects(
      kmeans(rows, 5, { signal: abort.signal, onProgress: () => abort.abort() }),
      (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled',
    );
  });

  it('refuses k above the number of rows and bad rows, naming the field', async () => {
    const rows = [new Float32Array([1, 2]), new Float32Array([3, 4])];
    await assert.rejects(kmeans(rows, 3), isInvalid(/^k: 3 clusters for 2 rows: k must be at most the number of rows$/));
    await assert.rejects(kmeans(rows, 0), isInvalid(/^k: must be a positive integer, got 0$/));
    await assert.rejects(kmeans([], 1), isInvalid(/^rows: must be a non-empty array/));
    await assert.rejects(kmeans([rows[0], new Float32Array([1])], 1), isInvalid(/^rows\[1\]: has 1 values, rows\[0\] has 2$/));
    await assert.rejects(kmeans([rows[0], new Float32Array([1, Infinity])], 1), isInvalid(/^rows\[1\]\[1\]: must be a finite number, got Infinity$/));
    await assert.rejects(kmeans(rows, 1, { maxIterations: 0 }), isInvalid(/^maxIterations: must be a positive integer/));
  });

  it('adjusted Rand index: 1 for the same partition renamed, about 0 for an unrelated one', () => {
    assert.equal(adjustedRandIndex([0, 0, 1, 1, 2, 2], ['b', 'b', 'a', 'a', 'c', 'c']), 1);
    const random = seededRandom(5);
    const a = Array.from({ length: 2000 }, () => Math.floor(random() * 5));
    const b = Array.from({ length: 2000 }, () => Math.floor(random() * 5));
    assert.ok(Math.abs(adjustedRandIndex(a, b)) < 0.02);
    assert.equal(clusterPurity([0, 0, 1, 1], ['x', 'y', 'z', 'z']), 0.75);
  });
});
