/**
 * Inference over the queue (issue 12 items 3, 4 and 7). Every unlabeled queue item, in queue order, is
 * predicted in keyset slices of the queue view under an index lease, yielding to the event loop between
 * slices (submits interleave; a rebuild can cancel the read).
 *
 * Predictions at or above the validated threshold are LOCAL suggestions (item 4): written to
 * `.labeling/.cache/suggestions/<projectId>.jsonl` with the model version, never to the journal, so
 * clones do not write different prelabels for the same items (publishing them is a manager's act). The
 * file is written atomically: a cancel or a failure leaves the previous file as it was. With no
 * threshold (none qualified) the file is still replaced, holding no suggestion: the previous model's
 * suggestions no longer stand.
 *
 * `predictionsFile` (the CLI's --predictions) gets one line per unlabeled item whatever the threshold:
 * `{"item", "label" | "labels" | "spans", "confidence"}`.
 *
 * The predictions come from a BatchPredictor, one call per queue page's texts: an AssistModel in this
 * thread (inThreadPredictor, yielding between slices) or a worker session (pipeline.ts), so the host's
 * thread only reads the queue and writes the lines.
 *
 * Image classification projects: an ImageBatchPredictor gets the absolute files of each page's
 * unlabeled items (a worker session reads, decodes and predicts them; inThreadImagePredictor in this
 * thread for the CLI). An item whose path leaves the workspace (an absolute path, a '..' segment, a
 * symbolic link resolving outside, as collectImageTrainingSet refuses them) is never read, only counted
 * in `outside`; a file that cannot be read or decoded is counted in `skipped`, the first few named with
 * the reason. Neither is predicted.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../../errors';
import { isAnnotationKind, type Annotation, type ProjectDef } from '../../model';
import { CACHE_DIR, labelingDir } from '../../project/paths';
import type { IndexLease } from '../../store/index-lease';
import { TimeSlicer } from '../../store/time-slice';
import type { BriefItem, Page, PageView } from '../../store/types';
import { AssistModel, suggestionOf, type AnyAssistModel, type AnyAssistPrediction, type AssistPrediction, type ImageAssistModel } from './assist-model';
import { predictImageFiles, type ImageFilePrediction } from './image-train';
import { isAssistImageType, itemImagePath, staysInside, type AssistImageType } from './image-training-set';
import { AtomicLineFile } from './line-file';
import { isAssistTextType, type AssistTextType } from './training-set';

export const SUGGESTIONS_FORMAT = 'data-labeling.suggestions';
export const SUGGESTIONS_VERSION = 1;

export function suggestionsFile(root: string, projectId: string): string {
  return path.join(labelingDir(root), CACHE_DIR, 'suggestions', `${projectId}.jsonl`);
}

/** The first line of a suggestions file. */
export interface SuggestionsHeader {
  format: typeof SUGGESTIONS_FORMAT;
  formatVersion: typeof SUGGESTIONS_VERSION;
  projectId: string;
  model: string;
  modelVersion: number;
  /** null: no threshold qualified, no suggestion. */
  threshold: number | null;
  createdAt: string;
}

/** One suggestion: shown dashed and "suggested" in the panel, never journaled by this step. */
export interface Suggestion {
  item: string;
  /** The item's version when predicted: a suggestion for an item changed since is stale. */
  itemVersion: number;
  annotation: Annotation;
  confidence: number;
}

/** A --predictions line. */
export type PredictionLine =
  | { item: string; label: string; confidence: number }
  | { item: string; labels: string[]; confidence: number }
  | { item: string; spans: { start: number; end: number; label: string; confidence: number }[]; confidence: number | null };

/** What predictQueue reads of a store (a ProjectStore). */
export interface QueueSource {
  readonly def: ProjectDef;
  read(name: string, signal?: AbortSignal): Promise<IndexLease>;
  page(view: PageView, after?: string, limit?: number): Page;
  /** A page's items with their text or file, in one query (no event replay). */
  briefItems(keys: readonly string[]): BriefItem[];
  stats(): { unlabeled: number };
}

export interface PredictQueueOptions {
  /** The workspace folder (where `.labeling/` is). */
  root: string;
  /** Also write every unlabeled item's top prediction here (JSON lines). */
  predictionsFile?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** Queue items per keyset slice. Default 200. */
  sliceItems?: number;
  /** Milliseconds of work between yields (default PREDICT_SLICE_MS). */
  sliceMs?: number;
  now?: Date;
}

/**
 * How long the inference job works on the extension host's thread before a turn of the event loop (ms):
 * shorter than the store's SLICE_MS, as a submit takes a few turns and waits up to a slice behind each.
 */
export const PREDICT_SLICE_MS = 2;
/** A page's items are read (briefItems) this many at a time, a turn between reads once the slice is used up. */
const BRIEF_CHUNK = 50;

export interface PredictQueueResult {
  /** Unlabeled queue items predicted. */
  predicted: number;
  /** Of them, suggested (at or above the threshold). */
  suggested: number;
  /** Unlabeled items whose text could not be read (not predicted). */
  withoutText: number;
  file: string;
  /** Image projects: unlabeled items whose path leaves the workspace (never read, not predicted). */
  outside?: number;
  /** Image projects: unlabeled items whose file could not be read or decoded (not predicted). */
  skipped?: number;
  /** The first SKIPPED_NAMED of them, with why. */
  skippedFirst?: { item: string; file: string; reason: string }[];
}

/** How many skipped files a result names (the rest are counted). */
export const SKIPPED_NAMED = 5;

/** Where the predictions of a batch of image files come from: one answer per file, in order. */
export interface ImageBatchPredictor {
  readonly type: AssistImageType;
  /** MODEL_NAMES of the type. */
  readonly name: string;
  predictFiles(files: string[]): Promise<ImageFilePrediction[]>;
}

/** An image model reading, decoding and predicting files in this thread (a turn of the event loop every few files). */
export function inThreadImagePredictor(model: ImageAssistModel, opts: { signal?: AbortSignal } = {}): ImageBatchPredictor {
  return { type: model.type, name: model.name, predictFiles: (files) => predictImageFiles(model, files, opts.signal ? { signal: opts.signal } : {}) };
}

/** Where the predictions of a batch of texts come from: one prediction per text, in order. */
export interface BatchPredictor {
  readonly type: AssistTextType;
  /** MODEL_NAMES of the type (the suggestions header's `model`). */
  readonly name: string;
  predictBatch(texts: string[]): Promise<AssistPrediction[]>;
}

/**
 * An AssistModel predicting in this thread: a batch is predicted in slices of `sliceMs` with a turn of
 * the event loop between them (submits interleave); an abort of `signal` stops it at the next slice.
 */
export function inThreadPredictor(model: AssistModel, opts: { sliceMs?: number; signal?: AbortSignal } = {}): BatchPredictor {
  const type = model.type;
  if (!isAssistTextType(type)) throw new LabelingError('invalid-input', `a ${type} model does not predict texts`, { field: 'model' });
  return {
    type,
    name: model.name,
    async predictBatch(texts) {
      const slicer = new TimeSlicer(opts.sliceMs, opts.signal);
      const out: AssistPrediction[] = [];
      for (const t of texts) {
        out.push(model.predict(t));
        await slicer.maybePause();
      }
      return out;
    },
  };
}

/**
 * Predicts the unlabeled queue and writes the suggestions (see the file comment). `model.model` is an
 * AssistModel (predicted in this thread) or a BatchPredictor.
 */
export async function predictQueue(
  store: QueueSource,
  model: { model: AssistModel | AnyAssistModel | BatchPredictor | ImageBatchPredictor; version: number },
  threshold: number | null,
  opts: PredictQueueOptions,
): Promise<PredictQueueResult> {
  const m = model.model;
  const predictor: BatchPredictor | ImageBatchPredictor = !(m instanceof AssistModel)
    ? m
    : isAssistImageType(m.type)
      ? inThreadImagePredictor(m as ImageAssistModel, opts.signal ? { signal: opts.signal } : {})
      : inThreadPredictor(m as AssistModel, { ...(opts.sliceMs !== undefined ? { sliceMs: opts.sliceMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  if (predictor.type !== store.def.type) throw new LabelingError('invalid-input', `a ${predictor.type} model cannot predict a ${store.def.type} project`, { field: 'model' });
  if (threshold !== null && !(threshold >= 0 && threshold <= 1)) throw new LabelingError('invalid-input', `must be between 0 and 1 or null, got ${threshold}`, { field: 'threshold' });
  throwIfAborted(opts.signal);
  const file = suggestionsFile(opts.root, store.def.id);
  const files: AtomicLineFile[] = [];
  const lease = await store.read('ML assist predictions', opts.signal);
  try {
    const out = await AtomicLineFile.open(file);
    files.push(out);
    const predictions = opts.predictionsFile ? await AtomicLineFile.open(opts.predictionsFile) : undefined;
    if (predictions) files.push(predictions);
    const header: SuggestionsHeader = {
      format: SUGGESTIONS_FORMAT,
      formatVersion: SUGGESTIONS_VERSION,
      projectId: store.def.id,
      model: predictor.name,
      modelVersion: model.version,
      threshold,
      createdAt: (opts.now ?? new Date()).toISOString(),
    };
    await out.line(header);
    const total = Math.max(1, store.stats().unlabeled);
    const slicer = new TimeSlicer(opts.sliceMs ?? PREDICT_SLICE_MS, lease.signal);
    const result: PredictQueueResult = { predicted: 0, suggested: 0, withoutText: 0, file };
    const images = 'predictFiles' in predictor ? { predictor, realRoot: await fsp.realpath(opts.root) } : undefined;
    if (images) Object.assign(result, { outside: 0, skipped: 0, skippedFirst: [] });
    let after: string | undefined;
    do {
      lease.check();
      const page = store.page('queue', after, opts.sliceItems ?? 200);
      // The page's unlabeled items with their text (or image file), predicted in one batch.
      const batch: { key: string; version: number; input: string }[] = [];
      const keys = page.items.filter((s) => s.state === 'unlabeled').map((s) => s.key);
      // Read in chunks: a page's 200 items at once held this thread ~6 ms after the page's query (bench:ml jobs).
      const brief = new Map<string, BriefItem>();
      for (let i = 0; i < keys.length; i += BRIEF_CHUNK) {
        if (i > 0 && slicer.due()) {
          await slicer.pause();
          lease.check();
        }
        for (const b of store.briefItems(keys.slice(i, i + BRIEF_CHUNK))) brief.set(b.key, b);
      }
      for (const key of keys) {
        const item = brief.get(key);
        // Labeled between the page's query and its chunk's read: no longer in the queue.
        if (item && item.state !== 'unlabeled') continue;
        if (images) {
          const f = item && itemImagePath(opts.root, item.ref);
          if (!item) result.withoutText++;
          else if (f === undefined) result.outside!++;
          else batch.push({ key, version: item.version, input: f });
        } else if (!item || typeof item.text !== 'string') result.withoutText++;
        else batch.push({ key, version: item.version, input: item.text });
      }
      const answered = images ? await predictImages(images, batch, result) : await predictTexts(predictor as BatchPredictor, batch);
      lease.check();
      throwIfAborted(opts.signal);
      for (let i = 0; i < answered.length; i++) {
        const { key, version, p } = answered[i]!;
        result.predicted++;
        if (predictions) await predictions.line(predictionLine(key, p));
        const suggestion = threshold === null ? undefined : suggestionOf(p, threshold);
        if (suggestion) {
          const line: Suggestion = { item: key, itemVersion: version, annotation: suggestion.annotation, confidence: suggestion.confidence };
          await out.line(line);
          result.suggested++;
        }
        if (slicer.due()) {
          opts.onProgress?.(Math.min(1, result.predicted / total), `Predicted ${result.predicted} items`);
          await slicer.pause();
          lease.check();
        }
      }
      after = page.next;
      if (after !== undefined) await slicer.maybePause();
    } while (after !== undefined);
    lease.check();
    throwIfAborted(opts.signal);
    if (predictions) await predictions.commit();
    await out.commit();
    files.length = 0;
    opts.onProgress?.(1, `Predicted ${result.predicted} items, ${result.suggested} above the threshold`);
    return result;
  } finally {
    for (const f of files) await f.abort();
    lease.release();
  }
}

type Answered = { key: string; version: number; p: AnyAssistPrediction };

async function predictTexts(predictor: BatchPredictor, batch: readonly { key: string; version: number; input: string }[]): Promise<Answered[]> {
  const predicted = batch.length ? await predictor.predictBatch(batch.map((b) => b.input)) : [];
  if (predicted.length !== batch.length) throw new LabelingError('io', `the model answered ${predicted.length} predictions for ${batch.length} texts`, { field: 'predictions' });
  return batch.map((b, i) => ({ key: b.key, version: b.version, p: predicted[i]! }));
}

/** How many realpath checks run at once. */
const PARALLEL_CHECKS = 32;

/** The batch's files that stay inside the workspace, predicted; the others counted in `outside`, unreadable ones in `skipped`. */
async function predictImages(
  images: { predictor: ImageBatchPredictor; realRoot: string },
  batch: readonly { key: string; version: number; input: string }[],
  result: PredictQueueResult,
): Promise<Answered[]> {
  const inside: { key: string; version: number; input: string }[] = [];
  for (let i = 0; i < batch.length; i += PARALLEL_CHECKS) {
    const chunk = batch.slice(i, i + PARALLEL_CHECKS);
    const ok = await Promise.all(chunk.map((b) => staysInside(images.realRoot, b.input)));
    chunk.forEach((b, j) => (ok[j] ? inside.push(b) : result.outside!++));
  }
  const predicted = inside.length ? await images.predictor.predictFiles(inside.map((b) => b.input)) : [];
  if (predicted.length !== inside.length) throw new LabelingError('io', `the model answered ${predicted.length} predictions for ${inside.length} files`, { field: 'predictions' });
  const out: Answered[] = [];
  inside.forEach((b, i) => {
    const a = predicted[i]!;
    if (a.file !== b.input) throw new LabelingError('io', `the model answered for ${a.file} in place of ${b.input}`, { field: 'predictions' });
    if ('prediction' in a) out.push({ key: b.key, version: b.version, p: a.prediction });
    else {
      result.skipped!++;
      if (result.skippedFirst!.length < SKIPPED_NAMED) result.skippedFirst!.push({ item: b.key, file: b.input, reason: a.skipped });
    }
  });
  return out;
}

function predictionLine(item: string, p: AnyAssistPrediction): PredictionLine {
  if (p.type === 'text-classification' || p.type === 'image-classification') return { item, label: p.label, confidence: p.confidence };
  if (p.type === 'text-multilabel' || p.type === 'image-multilabel') return { item, labels: p.labels, confidence: p.confidence };
  return { item, spans: p.spans, confidence: p.confidence };
}

/** A line of a suggestions file that could not be read. */
export interface SuggestionProblem {
  file: string;
  line: number;
  message: string;
}

/**
 * The suggestions file of a project: its header and suggestions, or none (no file yet). A damaged file
 * or line is reported with the file and line, never thrown: a bad header discards the file, a bad line
 * only itself.
 */
export async function readSuggestions(root: string, projectId: string): Promise<{ header?: SuggestionsHeader; suggestions: Suggestion[]; problems: SuggestionProblem[] }> {
  const file = suggestionsFile(root, projectId);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { suggestions: [], problems: [] };
    return { suggestions: [], problems: [{ file, line: 0, message: e instanceof Error ? e.message : String(e) }] };
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const problems: SuggestionProblem[] = [];
  const parse = (s: string, n: number): unknown => {
    try {
      return JSON.parse(s);
    } catch (e) {
      problems.push({ file, line: n, message: `not valid JSON (${(e as Error).message})` });
      return undefined;
    }
  };
  const h = parse(lines[0] ?? '', 1) as Partial<SuggestionsHeader> | undefined;
  if (!h || h.format !== SUGGESTIONS_FORMAT || h.formatVersion !== SUGGESTIONS_VERSION || h.projectId !== projectId || typeof h.modelVersion !== 'number') {
    if (h !== undefined || !problems.length) problems.push({ file, line: 1, message: `not a suggestions header of project "${projectId}" (format ${SUGGESTIONS_FORMAT} version ${SUGGESTIONS_VERSION})` });
    return { suggestions: [], problems };
  }
  const suggestions: Suggestion[] = [];
  for (let i = 1; i < lines.length; i++) {
    const o = parse(lines[i]!, i + 1) as Partial<Suggestion> | undefined;
    if (o === undefined) continue;
    const a = o?.annotation as { kind?: unknown } | undefined;
    // Any annotation kind: a team's own model (the Label Studio ML backend) suggests boxes, polygons and masks too.
    if (typeof o?.item !== 'string' || typeof o.itemVersion !== 'number' || typeof o.confidence !== 'number' || !a || !isAnnotationKind(a.kind)) {
      problems.push({ file, line: i + 1, message: 'a suggestion needs item, itemVersion, annotation (of a known kind) and confidence' });
      continue;
    }
    suggestions.push(o as Suggestion);
  }
  return { header: h as SuggestionsHeader, suggestions, problems };
}
