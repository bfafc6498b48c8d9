/**
 * k-means over dense feature rows (issue 12, item 2: clustering images, or texts, to order the queue so
 * similar items come together, "clustered"). k-means++ seeding with the seeded generator of
 * random.ts, then Lloyd iterations until no assignment changes or `maxIterations`; a cluster left empty
 * is re-seeded with the row farthest from its centroid. Deterministic: same rows, k and seed, same
 * answer. Squared Euclidean distances, summed in float64.
 */
import { LabelingError } from '../errors';
import { seededRandom } from '../random';
import { checkpoint, type WorkHooks } from './logreg';

export interface KMeansOptions extends WorkHooks {
  /** Seed of the k-means++ draws (default 1). */
  seed?: number;
  /** Lloyd iterations at most (default 100). */
  maxIterations?: number;
}

export interface KMeansResult {
  /** k rows of the rows' dimension. */
  centroids: Float32Array[];
  /** The cluster of each row. */
  assignments: Int32Array;
  /** Sum over rows of the squared distance to their centroid. */
  inertia: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** True when the last iteration changed no assignment (false: stopped at maxIterations). */
  converged: boolean;
}

function invalid(field: string, message: string): LabelingError {
  return new LabelingError('invalid-input', message, { field });
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

function checkRows(rows: readonly Float32Array[], k: number): number {
  if (!Array.isArray(rows) || rows.length === 0) throw invalid('rows', 'must be a non-empty array of feature rows');
  const dim = rows[0]?.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!(row instanceof Float32Array)) throw invalid(`rows[${r}]`, 'must be a Float32Array');
    if (row.length !== dim) throw invalid(`rows[${r}]`, `has ${row.length} values, rows[0] has ${dim}`);
    for (let j = 0; j < dim; j++) if (!Number.isFinite(row[j])) throw invalid(`rows[${r}][${j}]`, `must be a finite number, got ${row[j]}`);
  }
  if (dim === 0) throw invalid('rows[0]', 'has no values');
  if (!Number.isInteger(k) || k < 1) throw invalid('k', `must be a positive integer, got ${String(k)}`);
  if (k > rows.length) throw invalid('k', `${k} clusters for ${rows.length} rows: k must be at most the number of rows`);
  return dim;
}

/** k-means++: the first centre uniformly, each next one drawn with probability proportional to its squared distance to the nearest centre. */
function seedCentroids(rows: readonly Float32Array[], k: number, random: () => number): Float32Array[] {
  const n = rows.length;
  const nearest = new Float64Array(n).fill(Infinity);
  const chosen = new Uint8Array(n);
  const centroids: Float32Array[] = [];
  let pick = Math.floor(random() * n);
  for (;;) {
    chosen[pick] = 1;
    centroids.push(Float32Array.from(rows[pick]));
    if (centroids.length === k) return centroids;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const d = squaredDistance(rows[r], rows[pick]);
      if (d < nearest[r]) nearest[r] = d;
      total += nearest[r];
    }
    pick = -1;
    if (total > 0) {
      let target = random() * total;
      for (let r = 0; r < n; r++) {
        if (nearest[r] === 0) continue;
        target -= nearest[r];
        pick = r;
        if (target < 0) break;
      }
    }
    // Every row sits on a centre (duplicates): take the first row not chosen yet.
    if (pick < 0) pick = chosen.indexOf(0);
  }
}

/** Clusters `rows` into k groups. k above the number of rows, ragged or non-finite rows are LabelingErrors naming the field. */
export async function kmeans(rows: readonly Float32Array[], k: number, opts: KMeansOptions = {}): Promise<KMeansResult> {
  const dim = checkRows(rows, k);
  const maxIterations = opts.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw invalid('maxIterations', `must be a positive integer, got ${String(maxIterations)}`);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw invalid('seed', `must be an integer, got ${String(seed)}`);
  const n = rows.length;
  const centroids = seedCentroids(rows, k, seededRandom(seed));
  const assignments = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const sums = Array.from({ length: k }, () => new Float64Array(dim));
  const counts = new Int32Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    await checkpoint(opts, iterations / maxIterations, `k-means iteration ${iterations}`);
    iterations++;
    let changed = 0;
    for (let r = 0; r < n; r++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(rows[r], centroids[c]);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      distances[r] = bestD;
      if (assignments[r] !== best) {
        assignments[r] = best;
        changed++;
      }
    }
    // Empty clusters take the row farthest from its centroid (taken from a cluster that keeps others).
    counts.fill(0);
    for (let r = 0; r < n; r++) counts[assignments[r]]++;
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      let far = -1;
      for (let r = 0; r < n; r++) if (counts[assignments[r]] > 1 && (far < 0 || distances[r] > distances[far])) far = r;
      counts[assignments[far]]--;
      assignments[far] = c;
      distances[far] = 0;
      counts[c] = 1;
      changed++;
    }
    if (changed === 0) {
      converged = true;
      break;
    }
    for (const s of sums) s.fill(0);
    for (let r = 0; r < n; r++) {
      const s = sums[assignments[r]];
      const row = rows[r];
      for (let j = 0; j < dim; j++) s[j] += row[j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < dim; j++) centroids[c][j] = sums[c][j] / counts[c];
  }
  let inertia = 0;
  for (let r = 0; r < n; r++) inertia += squaredDistance(rows[r], centroids[assignments[r]]);
  opts.onProgress?.(1, `k-means: ${iterations} iterations, inertia ${inertia.toPrecision(6)}`);
  return { centroids, assignments, inertia, iterations, converged };
}

export interface ClusteredItem {
  /** Index of the row. */
  index: number;
  cluster: number;
  /** Euclidean distance to its centroid. */
  distance: number;
}

/**
 * The rows in queue order so similar ones come together: cluster by cluster, each cluster's rows
 * nearest its centroid first (ties by index). Clusters follow a nearest-neighbour chain of centroids
 * from the largest cluster (ties by cluster number), so neighbouring clusters are alike too.
 */
export function clusteredOrder(rows: readonly Float32Array[], result: KMeansResult): ClusteredItem[] {
  const { centroids, assignments } = result;
  if (assignments.length !== rows.length) throw invalid('rows', `${rows.length} rows for ${assignments.length} assignments`);
  const k = centroids.length;
  const members: ClusteredItem[][] = Array.from({ length: k }, () => []);
  for (let r = 0; r < rows.length; r++) {
    const c = assignments[r];
    members[c].push({ index: r, cluster: c, distance: Math.sqrt(squaredDistance(rows[r], centroids[c])) });
  }
  for (const m of members) m.sort((a, b) => a.distance - b.distance || a.index - b.index);
  let current = 0;
  for (let c = 1; c < k; c++) if (members[c].length > members[current].length) current = c;
  const visited = new Uint8Array(k);
  const out: ClusteredItem[] = [];
  for (let step = 0; step < k; step++) {
    visited[current] = 1;
    out.push(...members[current]);
    let next = -1;
    let nextD = Infinity;
    for (let c = 0; c < k; c++) {
      if (visited[c]) continue;
      const d = squaredDistance(centroids[current], centroids[c]);
      if (d < nextD) {
        nextD = d;
        next = c;
      }
    }
    current = next;
  }
  return out;
}

/** Adjusted Rand index of two partitions of the same items (1 identical up to renaming, about 0 by chance). */
export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  if (a.length !== b.length) throw invalid('b', `${b.length} assignments for ${a.length} items`);
  const n = a.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rowsA = new Map<number | string, number>();
  const colsB = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowsA.set(a[i], (rowsA.get(a[i]) ?? 0) + 1);
    colsB.set(b[i], (colsB.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rowsA.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of colsB.values()) sumB += pairs(v);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Purity: the share of items whose cluster's most common true label is their own. */
export function clusterPurity(assignments: ArrayLike<number>, labels: ArrayLike<string | number>): number {
  if (assignments.length !== labels.length) throw invalid('labels', `${labels.length} labels for ${assignments.length} assignments`);
  const counts = new Map<number, Map<string | number, number>>();
  for (let i = 0; i < assignments.length; i++) {
    const m = counts.get(assignments[i]) ?? new Map<string | number, number>();
    m.set(labels[i], (m.get(labels[i]) ?? 0) + 1);
    counts.set(assignments[i], m);
  }
  let right = 0;
  for (const m of counts.values()) right += Math.max(...m.values());
  return right / assignments.length;
}
