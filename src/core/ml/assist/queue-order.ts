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
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef } from '../../model';
import type { IndexLease } from '../../store/index-lease';
import { TimeSlicer } from '../../store/time-slice';
import type { BriefItem, Page, PageView } from '../../store/types';
import { ImageModel } from '../image-model';
import { checkpoint, type WorkHooks } from '../logreg';
import { TextModel } from '../text-model';
import type { AnyAssistModel, AssistModel, AssistModelType } from './assist-model';
import { featurizeImageFiles } from './image-train';
import { isAssistImageType, itemImagePath, staysInside } from './image-training-set';
import { loadLatestModel } from './model-load';
import { checkUtf16Chunks, PairPacker, splitPairs } from './string-pack';
import { ORDER_FORMAT, ORDER_VERSION, writeQueueOrder, type MlQueueOrder, type QueueOrderFile } from './queue-order-file';
import { clusterOrderOf, featurizeTexts, marginOf, multiLabelMarginOf, uncertaintyOrderOf } from './queue-order-rank';
import { isAssistTextType } from './training-set';

// The order file and the pure orders are in their own files; their names are exported from here too.
export * from './queue-order-file';
export * from './queue-order-rank';

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
  /**
   * Runs step 2 elsewhere (the host: a worker thread, task 'assist-queue-order'; post `input` with
   * `transfer`, orderInputBuffers: the items are packed, see OrderInput); in-process without.
   */
  run?: (input: OrderInput, onProgress: (fraction: number, message: string) => void, transfer: ArrayBuffer[]) => Promise<OrderOutput>;
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
  // 1. The queue's open items with their text or file, under a lease; for a worker packed as they are read.
  const items: { key: string; input: string }[] = [];
  const packer = opts.run ? new OrderItemsPacker() : undefined;
  const add = packer ? (key: string, input: string) => packer.add(key, input) : (key: string, input: string) => void items.push({ key, input });
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
          else add(item.key, f);
        } else if (typeof item.text !== 'string') leftOut++;
        else add(item.key, item.text);
      }
      after = page.next;
      if (after !== undefined) await slicer.maybePause();
    } while (after !== undefined);
    lease.check();
  } finally {
    lease.release();
  }
  throwIfAborted(opts.signal);
  const packed = packer?.finish();
  progress(0.1, `Read ${packed ? packed.count : items.length} queue items`);
  const input: OrderInput = {
    kind,
    project: { id: def.id, name: def.name, type: def.type, queueSeed: def.queueSeed },
    root,
    ...(packed ? { packed } : { items }),
    createdAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.k !== undefined ? { k: opts.k } : {}),
    ...(opts.randomShare !== undefined ? { randomShare: opts.randomShare } : {}),
  };
  // 2. The features and k-means, or the model's margins: in the worker thread when given one.
  const onProgress = (f: number, m: string) => progress(0.1 + 0.85 * f, m);
  const computed = opts.run
    ? await opts.run(input, onProgress, orderInputBuffers(input))
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
  /** Open queue items: their text, or their image's absolute file; or, as computeQueueOrder posts them to a worker, `packed`. */
  items?: { key: string; input: string }[];
  /**
   * The same items packed (OrderItemsPacker): keys and inputs joined as UTF-16 bytes in chunks, with
   * their lengths, moved to the worker (orderInputBuffers); posting 100k item objects is a clone that
   * held the host's thread 18-38 ms in one turn.
   */
  packed?: PackedOrderItems;
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
  const { kind, project: def, root } = input;
  const items = input.packed ? unpackOrderItems(input.packed) : (input.items ?? []);
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

/** Open items packed for a worker (OrderInput.packed). */
export interface PackedOrderItems {
  count: number;
  /** The keys, then the inputs, joined: UTF-16LE bytes (utf16Bytes), chunk by chunk. */
  keys: Uint8Array[];
  inputs: Uint8Array[];
  /** keys' lengths, then inputs' lengths: 2 x count entries. */
  lengths: Int32Array;
}

/** Packs open items one by one as they are read (string-pack.ts PairPacker: a chunk encoded every CHUNK items). */
export class OrderItemsPacker {
  private readonly pairs = new PairPacker();

  add(key: string, input: string): void {
    this.pairs.add(key, input);
  }

  finish(): PackedOrderItems {
    const { count, first, second, lengths } = this.pairs.finish();
    return { count, keys: first, inputs: second, lengths };
  }
}

/** What posting an OrderInput moves: the packed items' buffers (none for plain items). */
export function orderInputBuffers(input: OrderInput): ArrayBuffer[] {
  const p = input.packed;
  return p ? [p.lengths, ...p.keys, ...p.inputs].map((a) => a.buffer as ArrayBuffer) : [];
}

export function unpackOrderItems(p: PackedOrderItems): { key: string; input: string }[] {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', `assist-queue-order: ${message}`, { field });
  checkUtf16Chunks(p as unknown as Record<string, unknown>, ['keys', 'inputs'], bad);
  const n = p.count;
  if (!Number.isInteger(n) || !(p.lengths instanceof Int32Array) || p.lengths.length !== 2 * n) throw bad('packed.lengths', `${p.lengths?.length} lengths for ${n} items`);
  return splitPairs(p.keys, p.inputs, p.lengths, n, bad, ['keys', 'inputs']).map(([key, input]) => ({ key, input }));
}
