/**
 * An optional ML order of the labeling queue (issue 12 items 2 and 6), chosen by project.json's
 * `mlAssist.queueOrder`:
 *  - 'clustered': k-means over the items' features (texts: featurizeTexts; images: featurizeImageFiles),
 *    then kmeans.ts's clusteredOrder, so similar items come one after another;
 *  - 'uncertain': the items the latest saved model is least sure of first (the margin between its two
 *    most probable classes, ascending), with a share of seeded random items interleaved so the labels
 *    it collects stay a fair sample for validation (uncertaintyOrderOf says exactly where).
 *
 * The order is a LOCAL file, `.labeling/.cache/order/<projectId>.json` (never journaled: every clone
 * may compute its own), written atomically (temp file, fsync, rename) and read with its problems
 * reported by file and field, never thrown. The labeling panel follows it while it lasts and falls back
 * to the index's seeded order for the items it does not list (new ones, or all once it is used up).
 *
 * computeQueueOrder runs in-process on what a store reads: the queue's open items (unlabeled and
 * incomplete: the items some labeler may still be served), read in keyset slices under an index lease
 * with a turn of the event loop between slices; the features and the k-means run after the lease is
 * released, with a look at the signal between steps.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef, QueueOrderKind } from '../../model';
import { writeFileAtomic } from '../../project/fsutil';
import { CACHE_DIR, labelingDir } from '../../project/paths';
import { seededRandom, shuffleInPlace } from '../../random';
import type { IndexLease } from '../../store/index-lease';
import { TimeSlicer } from '../../store/time-slice';
import type { BriefItem, Page, PageView } from '../../store/types';
import { ImageModel } from '../image-model';
import { clusteredOrder, kmeans, type KMeansResult } from '../kmeans';
import { checkpoint, type WorkHooks } from '../logreg';
import { fitTextVectorizer } from '../text-features';
import { TextModel } from '../text-model';
import type { AnyAssistModel, AssistModel, AssistModelType } from './assist-model';
import { featurizeImageFiles } from './image-train';
import { isAssistImageType, itemImagePath, staysInside } from './image-training-set';
import { loadLatestModel } from './model-store';
import { isAssistTextType } from './training-set';

export const ORDER_FORMAT = 'data-labeling.queue-order';
export const ORDER_VERSION = 1;

/** The ML orders (project.json's queueOrder but 'random', which needs no file). */
export type MlQueueOrder = Exclude<QueueOrderKind, 'random'>;

/** The order file. */
export interface QueueOrderFile {
  format: typeof ORDER_FORMAT;
  formatVersion: typeof ORDER_VERSION;
  projectId: string;
  kind: MlQueueOrder;
  createdAt: string;
  /** 'uncertain': the version of the model whose margins ordered it. */
  modelVersion?: number;
  /** Item keys in queue order (each once). */
  keys: string[];
  /** 'clustered': the cluster of each key (same length as keys), 0..clusterCount-1. */
  clusters?: number[];
  clusterCount?: number;
}

export function queueOrderFile(root: string, projectId: string): string {
  return path.join(labelingDir(root), CACHE_DIR, 'order', `${projectId}.json`);
}

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

// --- the order file -------------------------------------------------------------------------------

/** A problem of an order file: the file, the field when known, and what is wrong. */
export interface OrderProblem {
  file: string;
  field?: string;
  message: string;
}

/** Writes the order file atomically (readers see the old file or the whole new one); returns its path. */
export async function writeQueueOrder(root: string, order: QueueOrderFile): Promise<string> {
  const problem = checkOrder(order, order.projectId);
  if (problem) throw new LabelingError('invalid-input', problem.message, { field: problem.field });
  const file = queueOrderFile(root, order.projectId);
  await writeFileAtomic(file, `${JSON.stringify(order)}\n`);
  return file;
}

/**
 * The project's order file, or none (no file yet: no problem). A damaged file (not JSON, another
 * project's, a bad field) is reported with its path and the field, and no order is returned.
 */
export async function readQueueOrder(root: string, projectId: string): Promise<{ order?: QueueOrderFile; problems: OrderProblem[] }> {
  const file = queueOrderFile(root, projectId);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] };
    return { problems: [{ file, message: e instanceof Error ? e.message : String(e) }] };
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { problems: [{ file, message: `not valid JSON (${(e as Error).message})` }] };
  }
  const problem = checkOrder(o, projectId);
  if (problem) return { problems: [{ file, ...problem }] };
  return { order: o as QueueOrderFile, problems: [] };
}

function checkOrder(x: unknown, projectId: string): { field?: string; message: string } | undefined {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return { message: 'an order file must hold a JSON object' };
  const o = x as Record<string, unknown>;
  if (o.format !== ORDER_FORMAT) return { field: 'format', message: `must be "${ORDER_FORMAT}", got ${JSON.stringify(o.format)}` };
  if (o.formatVersion !== ORDER_VERSION) return { field: 'formatVersion', message: `this extension reads order files of version ${ORDER_VERSION}, got ${JSON.stringify(o.formatVersion)}` };
  if (o.projectId !== projectId) return { field: 'projectId', message: `is ${JSON.stringify(o.projectId)}, the file is of project "${projectId}"` };
  if (o.kind !== 'clustered' && o.kind !== 'uncertain') return { field: 'kind', message: `must be "clustered" or "uncertain", got ${JSON.stringify(o.kind)}` };
  if (typeof o.createdAt !== 'string') return { field: 'createdAt', message: 'must be a string' };
  if (o.modelVersion !== undefined && !Number.isInteger(o.modelVersion)) return { field: 'modelVersion', message: 'must be an integer' };
  if (!Array.isArray(o.keys)) return { field: 'keys', message: 'must be an array of item keys' };
  const seen = new Set<string>();
  for (let i = 0; i < o.keys.length; i++) {
    const k: unknown = o.keys[i];
    if (typeof k !== 'string') return { field: `keys[${i}]`, message: 'must be a string' };
    if (seen.has(k)) return { field: `keys[${i}]`, message: `"${k}" is listed twice` };
    seen.add(k);
  }
  if (o.kind === 'clustered' || o.clusters !== undefined) {
    if (!Number.isInteger(o.clusterCount) || (o.clusterCount as number) < 0) return { field: 'clusterCount', message: 'must be a whole number' };
    if (!Array.isArray(o.clusters) || o.clusters.length !== o.keys.length) return { field: 'clusters', message: `must hold one cluster per key (${o.keys.length})` };
    const count = o.clusterCount as number;
    for (let i = 0; i < o.clusters.length; i++) {
      const c: unknown = o.clusters[i];
      if (!Number.isInteger(c) || (c as number) < 0 || (c as number) >= count) return { field: `clusters[${i}]`, message: `must be a cluster from 0 to ${count - 1}, got ${JSON.stringify(c)}` };
    }
  }
  return undefined;
}

// --- computing it ---------------------------------------------------------------------------------

/** What computeQueueOrder reads of a store (a ProjectStore). */
export interface OrderSource {
  readonly def: ProjectDef;
  read(name: string, signal?: AbortSignal): Promise<IndexLease>;
  page(view: PageView, after?: string, limit?: number): Page;
  /** A page's items with their text or file, in one query (no event replay). */
  briefItems(keys: readonly string[]): BriefItem[];
}

export interface ComputeQueueOrderOptions {
  /** Default: the project's mlAssist.queueOrder ('random' is refused: it needs no file). */
  kind?: MlQueueOrder;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  log?: (line: string) => void;
  /** 'clustered': clusters (default defaultClusterCount). */
  k?: number;
  /** 'uncertain': share of random positions (default 0.2). */
  randomShare?: number;
  /** Queue items per keyset slice (default 200). */
  sliceItems?: number;
  now?: Date;
  /** Runs step 2 elsewhere (the host: a worker thread, task 'assist-queue-order'); in-process without. */
  run?: (input: OrderInput, onProgress: (fraction: number, message: string) => void) => Promise<OrderOutput>;
}

export interface ComputeQueueOrderResult {
  file: string;
  kind: MlQueueOrder;
  /** Items in the order. */
  ordered: number;
  /** Open items left out: no text, a file that leaves the workspace or cannot be read. */
  leftOut: number;
  clusterCount?: number;
  modelVersion?: number;
}

/**
 * Computes the project's ML queue order and writes the order file (see the file comment). 'uncertain'
 * needs a saved model (loadLatestModel); its margins come from the model's class probabilities
 * (multi-class: top minus second; multi-label: the least certain label's |2p - 1|; NER: 2c - 1 of the
 * least confident span, 1 when it finds none). A cancel leaves the previous file as it was.
 */
export async function computeQueueOrder(store: OrderSource, root: string, opts: ComputeQueueOrderOptions = {}): Promise<ComputeQueueOrderResult> {
  const def = store.def;
  const kind = opts.kind ?? def.mlAssist.queueOrder;
  if (kind !== 'clustered' && kind !== 'uncertain') {
    throw new LabelingError('invalid-input', `must be "clustered" or "uncertain" to compute a queue order, got ${JSON.stringify(kind ?? 'random')}`, { field: 'mlAssist.queueOrder' });
  }
  const images = isAssistImageType(def.type);
  if (!images && !isAssistTextType(def.type)) {
    throw new LabelingError('invalid-input', `a ${def.type} project has no built-in features to order its queue by (text and image classification projects do)`, { field: 'type' });
  }
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const progress = (f: number, m: string) => opts.onProgress?.(f, m);
  // 1. The queue's open items with their text or file, under a lease.
  const items: { key: string; input: string }[] = [];
  let leftOut = 0;
  const realRoot = images ? await fsp.realpath(root) : '';
  const lease = await store.read('ML assist queue order', opts.signal);
  try {
    const slicer = new TimeSlicer(undefined, lease.signal);
    let after: string | undefined;
    do {
      lease.check();
      const page = store.page('queue', after, opts.sliceItems ?? 200);
      for (const item of store.briefItems(page.items.map((s) => s.key))) {
        if (images) {
          const f = itemImagePath(root, item.ref);
          if (f === undefined || !(await staysInside(realRoot, f))) leftOut++;
          else items.push({ key: item.key, input: f });
        } else if (typeof item.text !== 'string') leftOut++;
        else items.push({ key: item.key, input: item.text });
      }
      after = page.next;
      if (after !== undefined) await slicer.maybePause();
    } while (after !== undefined);
    lease.check();
  } finally {
    lease.release();
  }
  throwIfAborted(opts.signal);
  progress(0.1, `Read ${items.length} queue items`);
  const input: OrderInput = {
    kind,
    project: { id: def.id, name: def.name, type: def.type, queueSeed: def.queueSeed },
    root,
    items,
    createdAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.k !== undefined ? { k: opts.k } : {}),
    ...(opts.randomShare !== undefined ? { randomShare: opts.randomShare } : {}),
  };
  // 2. The features and k-means, or the model's margins: in the worker thread when given one.
  const onProgress = (f: number, m: string) => progress(0.1 + 0.85 * f, m);
  const computed = opts.run
    ? await opts.run(input, onProgress)
    : await orderOfItems(input, opts.signal ? { signal: opts.signal, onProgress } : { onProgress });
  for (const line of computed.log) log(line);
  const order = computed.order;
  leftOut += computed.leftOut;
  throwIfAborted(opts.signal);
  const file = await writeQueueOrder(root, order);
  throwIfAborted(opts.signal);
  progress(1, `Queue order (${kind}): ${order.keys.length} items`);
  const result: ComputeQueueOrderResult = { file, kind, ordered: order.keys.length, leftOut };
  if (order.clusterCount !== undefined) result.clusterCount = order.clusterCount;
  if (order.modelVersion !== undefined) result.modelVersion = order.modelVersion;
  log(
    `Queue order (${kind}) of ${def.id}: ${order.keys.length} items` +
      (order.clusterCount !== undefined ? ` in ${order.clusterCount} clusters` : '') +
      (order.modelVersion !== undefined ? ` by model v${order.modelVersion}` : '') +
      (leftOut ? `, ${leftOut} left out` : '') +
      ` in ${Date.now() - started} ms; written to ${file}`,
  );
  return result;
}

/** What orderOfItems works on: plain data, so it can be posted to a worker thread. */
export interface OrderInput {
  kind: MlQueueOrder;
  project: Pick<ProjectDef, 'id' | 'name' | 'type' | 'queueSeed'>;
  /** The workspace folder (the models are under it). */
  root: string;
  /** Open queue items: their text, or their image's absolute file. */
  items: { key: string; input: string }[];
  createdAt: string;
  k?: number;
  randomShare?: number;
}

export interface OrderOutput {
  order: QueueOrderFile;
  /** Items left out here (images not read). */
  leftOut: number;
  log: string[];
}

/**
 * Step 2 of computeQueueOrder, the CPU part: the features and k-means ('clustered'), or the latest
 * model's margins ('uncertain'). Runs in the worker thread (task 'assist-queue-order') or in-process.
 */
export async function orderOfItems(input: OrderInput, work: WorkHooks = {}): Promise<OrderOutput> {
  const { kind, project: def, items, root } = input;
  const out: string[] = [];
  const log = (line: string) => out.push(line);
  let leftOut = 0;
  const order: QueueOrderFile = { format: ORDER_FORMAT, formatVersion: ORDER_VERSION, projectId: def.id, kind, createdAt: input.createdAt, keys: [] };
  const sub = (from: number, to: number) => (f: number, m: string) => work.onProgress?.(from + (to - from) * f, m);
  const hooks = (from: number, to: number): WorkHooks => (work.signal ? { signal: work.signal, onProgress: sub(from, to) } : { onProgress: sub(from, to) });
  const images = isAssistImageType(def.type);

  if (kind === 'clustered') {
    // 2. Features, then k-means.
    let keys: string[];
    let rows: Float32Array[];
    if (images) {
      const got = await featurizeImageFiles(
        items.map((i) => i.input),
        { ...hooks(0, 0.6) },
      );
      const kept = items.filter((i) => got.features.has(i.input));
      leftOut += items.length - kept.length;
      if (got.skipped.length) log(`Queue order: ${got.skipped.length} image(s) not read, left out (first: ${got.skipped[0]!.file}: ${got.skipped[0]!.reason})`);
      keys = kept.map((i) => i.key);
      rows = kept.map((i) => got.features.get(i.input)!);
    } else {
      keys = items.map((i) => i.key);
      rows = await featurizeTexts(
        items.map((i) => i.input),
        hooks(0, 0.3),
      );
    }
    const clustered = await clusterOrderOf(keys, rows, { ...hooks(0.6, 0.95), seed: def.queueSeed, ...(input.k !== undefined ? { k: input.k } : {}) });
    Object.assign(order, { keys: clustered.keys, clusters: clustered.clusters, clusterCount: clustered.clusterCount });
  } else {
    // 2. The latest model's margins.
    const { loaded, problems } = await loadLatestModel(root, def.id, [def.type as AssistModelType]);
    for (const p of problems) log(`Queue order: model file ${p.file}: ${p.message}`);
    if (!loaded) throw new LabelingError('not-found', `no saved model of "${def.name}" to order its queue by uncertainty: train one first (Labeling: Start ML-Assisted Training)`, { field: 'mlAssist.queueOrder' });
    order.modelVersion = loaded.manifest.version;
    const margins = await marginsOf(loaded.model, loaded.modelFile, items, hooks(0, 0.95));
    leftOut += items.length - margins.length;
    order.keys = uncertaintyOrderOf(margins, { seed: def.queueSeed, ...(input.randomShare !== undefined ? { randomShare: input.randomShare } : {}) });
  }
  return { order, leftOut, log: out };
}

/** Each item's margin under the model (see computeQueueOrder); images that cannot be read are left out. */
async function marginsOf(model: AnyAssistModel, modelFile: string, items: readonly { key: string; input: string }[], hooks: WorkHooks): Promise<{ key: string; margin: number }[]> {
  const out: { key: string; margin: number }[] = [];
  const type = model.type;
  if (type === 'text-ner') {
    const m = model as AssistModel<'text-ner'>;
    for (let i = 0; i < items.length; i++) {
      if (i % 256 === 0) await checkpoint(hooks, i / items.length, `margins: ${i} of ${items.length}`);
      const p = m.predict(items[i]!.input);
      out.push({ key: items[i]!.key, margin: p.confidence === null ? 1 : 2 * p.confidence - 1 });
    }
    return out;
  }
  // AssistModel exposes the top confidence only: the class probabilities come from the model itself.
  const json = (JSON.parse(await fsp.readFile(modelFile, 'utf8')) as { model: unknown }).model;
  const multi = type === 'text-multilabel' || type === 'image-multilabel';
  const margin = (p: Float64Array) => (multi ? multiLabelMarginOf(p) : marginOf(p));
  if (type === 'text-classification' || type === 'text-multilabel') {
    const text = TextModel.fromJSON(json, modelFile);
    for (let i = 0; i < items.length; i++) {
      if (i % 256 === 0) await checkpoint(hooks, i / items.length, `margins: ${i} of ${items.length}`);
      out.push({ key: items[i]!.key, margin: margin(text.probabilities(items[i]!.input)) });
    }
    return out;
  }
  const image = ImageModel.fromJSON(json, modelFile);
  const got = await featurizeImageFiles(
    items.map((i) => i.input),
    { ...hooks, features: image.settings },
  );
  for (const it of items) {
    const f = got.features.get(it.input);
    if (f) out.push({ key: it.key, margin: margin(image.probabilitiesOf(f)) });
  }
  return out;
}

/** How an item of an order reads in the queue views: "clustered · c3" or "uncertain". */
export function orderTag(kind: MlQueueOrder, cluster: number | undefined): string {
  return kind === 'clustered' && cluster !== undefined ? `clustered · c${cluster}` : kind;
}
