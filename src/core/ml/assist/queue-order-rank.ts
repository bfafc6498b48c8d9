/**
 * The two ML queue orders as pure functions (queue-order.ts runs them on a project's queue): k-means
 * clusters over feature rows ('clustered') and the margins of a model's predictions, most uncertain first
 * with a seeded share of random items ('uncertain'); and the text features the clusters are computed on.
 */
import { LabelingError, throwIfAborted } from '../../errors';
import { seededRandom, shuffleInPlace } from '../../random';
import { clusteredOrder, kmeans, type KMeansResult } from '../kmeans';
import { checkpoint, type WorkHooks } from '../logreg';
import { fitTextVectorizer } from '../text-features';

function invalid(field: string, message: string): LabelingError {
  return new LabelingError('invalid-input', message, { field });
}

// --- clustered ------------------------------------------------------------------------------------

/** Clusters at most, whatever the number of items. */
export const MAX_CLUSTERS = 50;
/** k-means iterations at most (Lloyd's converge in a few dozen on queue features; each is n x k x dim). */
const KMEANS_ITERATIONS = 50;
/** k-means is fitted on a seeded sample of this many rows at most; every row then goes to its nearest centroid. */
export const KMEANS_SAMPLE = 5000;

/** The default number of clusters for n items: about sqrt(n / 2), at least 1, at most MAX_CLUSTERS and n. */
export function defaultClusterCount(n: number): number {
  if (n <= 0) return 0;
  return Math.min(n, MAX_CLUSTERS, Math.max(1, Math.round(Math.sqrt(n / 2))));
}

/** A copy of the row scaled to unit length (a zero row stays zero). */
function normalised(row: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += row[i]! * row[i]!;
  const out = Float32Array.from(row);
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  }
  return out;
}

export interface ClusterOrderOptions extends WorkHooks {
  /** Clusters (default defaultClusterCount(n)); more than the items is cut to the items. */
  k?: number;
  /** Seed of k-means++ and of the sample (the project's queueSeed). */
  seed: number;
  /** Rows k-means is fitted on at most (default KMEANS_SAMPLE). */
  sampleRows?: number;
}

export interface ClusterOrder {
  /** The keys in queue order. */
  keys: string[];
  /** The cluster of each of them. */
  clusters: number[];
  /** Clusters that have items. */
  clusterCount: number;
}

/**
 * The keys in clustered order: k-means (k-means++ seeded with `seed`) over the L2-normalised feature
 * rows (one per key), then clusteredOrder: cluster by cluster along a nearest-centroid chain, each
 * cluster's items nearest its centroid first. Above `sampleRows` rows (5,000) k-means is fitted on a
 * seeded sample of them and every row is then put in the cluster of its nearest centroid: a 100,000-item
 * queue costs one pass over it instead of 50. Clusters are renumbered in the order they come (the
 * first is 0), so "c3" is the fourth group the labeler meets. Deterministic for the same rows and seed.
 */
export async function clusterOrderOf(keys: readonly string[], features: readonly Float32Array[], opts: ClusterOrderOptions): Promise<ClusterOrder> {
  if (keys.length !== features.length) throw invalid('features', `${features.length} feature rows for ${keys.length} keys`);
  const n = keys.length;
  if (n === 0) return { keys: [], clusters: [], clusterCount: 0 };
  if (opts.k !== undefined && (!Number.isInteger(opts.k) || opts.k < 1)) throw invalid('k', `must be a positive integer, got ${String(opts.k)}`);
  const k = Math.min(n, opts.k ?? defaultClusterCount(n));
  const rows = features.map(normalised);
  const hooks: WorkHooks = {};
  if (opts.signal) hooks.signal = opts.signal;
  if (opts.onProgress) hooks.onProgress = opts.onProgress;
  const sampleRows = opts.sampleRows ?? KMEANS_SAMPLE;
  if (!Number.isInteger(sampleRows) || sampleRows < 1) throw invalid('sampleRows', `must be a positive integer, got ${String(sampleRows)}`);
  let result: KMeansResult;
  if (n <= sampleRows) result = await kmeans(rows, k, { ...hooks, seed: opts.seed, maxIterations: KMEANS_ITERATIONS });
  else {
    const sample = shuffleInPlace(Array.from({ length: n }, (_, i) => i), seededRandom(opts.seed)).slice(0, sampleRows).sort((a, b) => a - b);
    const fitted = await kmeans(
      sample.map((i) => rows[i]!),
      Math.min(k, sampleRows),
      { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (f, m) => opts.onProgress?.(0.8 * f, m), seed: opts.seed, maxIterations: KMEANS_ITERATIONS },
    );
    result = { ...fitted, assignments: await nearestCentroids(rows, fitted.centroids, hooks) };
  }
  const order = clusteredOrder(rows, result);
  const renumber = new Map<number, number>();
  const out: ClusterOrder = { keys: [], clusters: [], clusterCount: 0 };
  for (const o of order) {
    let c = renumber.get(o.cluster);
    if (c === undefined) renumber.set(o.cluster, (c = renumber.size));
    out.keys.push(keys[o.index]!);
    out.clusters.push(c);
  }
  out.clusterCount = renumber.size;
  return out;
}

/** The nearest centroid of each row (squared Euclidean distance, ties to the lower cluster). */
async function nearestCentroids(rows: readonly Float32Array[], centroids: readonly Float32Array[], hooks: WorkHooks): Promise<Int32Array> {
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    if (r % 2048 === 0) await checkpoint(hooks, 0.8 + (0.2 * r) / rows.length, `clusters: ${r} of ${rows.length} items`);
    const row = rows[r]!;
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < centroids.length; c++) {
      const m = centroids[c]!;
      let d = 0;
      for (let j = 0; j < row.length; j++) {
        const x = row[j]! - m[j]!;
        d += x * x;
      }
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}

// --- uncertain ------------------------------------------------------------------------------------

export interface UncertaintyOrderOptions {
  /** Share of positions taken by random items, 0..1 (default 0.2). */
  randomShare?: number;
  /** Seed of the random picks (the project's queueSeed). */
  seed: number;
}

export const DEFAULT_RANDOM_SHARE = 0.2;

/**
 * The keys most uncertain first, with random items interleaved. Exactly: with `every` =
 * round(1 / randomShare) (none when randomShare is 0), the position p (1-based) with p % every === 0
 * takes the next item of a seeded shuffle of all the items (seededRandom(seed), Fisher-Yates) that is
 * not placed yet; every other position takes the not yet placed item of smallest margin (ties by key).
 * With the default 0.2 the 5th, 10th, 15th... items are random: a fifth of the labels the order
 * collects are an unbiased sample of the queue. Deterministic for the same predictions and seed.
 */
export function uncertaintyOrderOf(predictions: readonly { key: string; margin: number }[], opts: UncertaintyOrderOptions): string[] {
  const share = opts.randomShare ?? DEFAULT_RANDOM_SHARE;
  if (!(share >= 0 && share <= 1)) throw invalid('randomShare', `must be between 0 and 1, got ${String(share)}`);
  if (!Number.isInteger(opts.seed)) throw invalid('seed', `must be an integer, got ${String(opts.seed)}`);
  const seen = new Set<string>();
  predictions.forEach((p, i) => {
    if (typeof p.key !== 'string') throw invalid(`predictions[${i}].key`, 'must be a string');
    if (seen.has(p.key)) throw invalid(`predictions[${i}].key`, `"${p.key}" is listed twice`);
    seen.add(p.key);
    if (typeof p.margin !== 'number' || !Number.isFinite(p.margin)) throw invalid(`predictions[${i}].margin`, `must be a finite number, got ${String(p.margin)}`);
  });
  const n = predictions.length;
  const byMargin = Array.from({ length: n }, (_, i) => i).sort((a, b) => predictions[a]!.margin - predictions[b]!.margin || cmp(predictions[a]!.key, predictions[b]!.key));
  // The shuffle starts from key order, so the random picks do not depend on the order predictions came in.
  const shuffled = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i).sort((a, b) => cmp(predictions[a]!.key, predictions[b]!.key)),
    seededRandom(opts.seed),
  );
  const every = share > 0 ? Math.max(1, Math.round(1 / share)) : Infinity;
  const placed = new Uint8Array(n);
  const out: string[] = [];
  let u = 0;
  let r = 0;
  for (let p = 1; p <= n; p++) {
    let pick: number;
    if (p % every === 0) {
      while (placed[shuffled[r]!]) r++;
      pick = shuffled[r]!;
    } else {
      while (placed[byMargin[u]!]) u++;
      pick = byMargin[u]!;
    }
    placed[pick] = 1;
    out.push(predictions[pick]!.key);
  }
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The margin of a probability vector: the top probability minus the second (1 for a single class). */
export function marginOf(probs: ArrayLike<number>): number {
  let first = -Infinity;
  let second = -Infinity;
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k]!;
    if (p > first) {
      second = first;
      first = p;
    } else if (p > second) second = p;
  }
  return second === -Infinity ? 1 : first - second;
}

/** A multi-label model's margin: its least certain per-label decision, min_k |p_k - (1 - p_k)|. */
export function multiLabelMarginOf(probs: ArrayLike<number>): number {
  let m = 1;
  for (let k = 0; k < probs.length; k++) m = Math.min(m, Math.abs(2 * probs[k]! - 1));
  return m;
}

// --- text features --------------------------------------------------------------------------------

/** Dimensions of featurizeTexts' rows: its vocabulary. */
export const TEXT_FEATURE_DIMS = 256;

export interface FeaturizeTextsOptions extends WorkHooks {
  /** Dimensions (default TEXT_FEATURE_DIMS). */
  dims?: number;
}

/**
 * Dense rows for k-means from texts: the hashed word and word-pair TF-IDF of text-features.ts (sublinear
 * tf, smooth idf fitted on these texts), kept on its `dims` (256) most frequent terms, each row then
 * L2-normalised. The terms are those in the most texts (ties by hash slot), leaving out terms of a single
 * text (they make no two texts alike) and of more than half the texts (they make all alike): a
 * vocabulary as scikit-learn's max_features / min_df / max_df make. Each dimension is one term, so no two
 * terms share one: on short sentences a hashed or randomly projected 256-dimension row buries the few
 * words two texts share under the noise of the others (k-means purity about chance on the sentiment
 * sentences, against 0.8 and more with this vocabulary). A text with none of the terms gets a zero row.
 * Deterministic: the same texts give the same rows.
 */
export async function featurizeTexts(texts: readonly string[], opts: FeaturizeTextsOptions = {}): Promise<Float32Array[]> {
  const dims = opts.dims ?? TEXT_FEATURE_DIMS;
  if (!Number.isInteger(dims) || dims < 1) throw invalid('dims', `must be a positive integer, got ${String(dims)}`);
  const hooks: WorkHooks = {};
  if (opts.signal) hooks.signal = opts.signal;
  if (opts.onProgress) hooks.onProgress = opts.onProgress;
  if (texts.length === 0) return [];
  const { matrix } = await fitTextVectorizer(texts, {}, hooks);
  const df = new Int32Array(matrix.cols);
  for (let i = 0; i < matrix.indices.length; i++) df[matrix.indices[i]!]!++;
  // Columns are in slot order: ties by column are ties by slot.
  const most = texts.length / 2;
  const terms = Array.from({ length: matrix.cols }, (_, c) => c)
    .filter((c) => df[c]! >= 2 && df[c]! <= most)
    .sort((a, b) => df[b]! - df[a]! || a - b)
    .slice(0, dims);
  const dimOf = new Int32Array(matrix.cols).fill(-1);
  terms.forEach((c, j) => (dimOf[c] = j));
  const rows: Float32Array[] = [];
  for (let r = 0; r < matrix.rows; r++) {
    if (r % 4096 === 4095) await checkpoint(hooks, r / matrix.rows, `text features: ${r} of ${matrix.rows}`);
    const row = new Float32Array(dims);
    for (let i = matrix.indptr[r]!; i < matrix.indptr[r + 1]!; i++) {
      const j = dimOf[matrix.indices[i]!]!;
      if (j >= 0) row[j] = matrix.values[i]!;
    }
    rows.push(normalised(row));
  }
  throwIfAborted(opts.signal);
  return rows;
}
