/**
 * Prelabels from a model the team serves (issue 12 item 5): a Label Studio ML backend is asked for
 * predictions, validated like the built-in models, and written as LOCAL suggestions (item 4).
 *
 * 1. `GET /health`, then `POST /setup` with the project's label config (its answer names the model version).
 * 2. Validation: up to VALIDATION_ITEMS items with a final human label (a seeded sample, so every clone
 *    asks about the same ones) are predicted; a prediction is correct when it agrees with the final label
 *    (store/agreement.ts: the same label set, the same spans, every box or polygon matched at IoU 0.5).
 *    The threshold is the lowest score whose precision meets the target by the 95% Wilson lower bound on
 *    at least 30 items (chooseThreshold); none qualifying means no suggestion, said with the figures.
 * 3. The unlabeled queue is predicted in batches; those at or above the threshold go to
 *    `.labeling/.cache/suggestions/<id>.jsonl` (written atomically: a cancel or a failure leaves the
 *    previous file as it was). The header's model is `backend:<model version>`; its modelVersion counts
 *    the backend's versions this project has seen (the previous file's number, plus one for a new version).
 */
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef } from '../../model';
import { seededRandom } from '../../random';
import { annotationsAgree } from '../../store/agreement';
import type { IndexLease } from '../../store/index-lease';
import type { BriefItem, Page, PageView } from '../../store/types';
import { storeMaskAnnotation } from '../../masks/blob-store';
import { projectDir } from '../../project/paths';
import { lsProject, type LsBackend } from '../ls/client';
import type { LsItem, LsPrediction } from '../ls/convert';
import { chooseThreshold, type HeldOutPrediction } from '../validation';
import { AtomicLineFile } from './line-file';
import { readSuggestions, suggestionsFile, SUGGESTIONS_FORMAT, SUGGESTIONS_VERSION, type Suggestion, type SuggestionsHeader } from './predict-queue';
import { DEFAULT_MIN_ITEMS, DEFAULT_TARGET_PRECISION, type ValidationFigures } from './train';

/** Labeled items asked about to choose the threshold, at most. */
export const VALIDATION_ITEMS = 300;
/** Items per /predict request. */
export const BACKEND_BATCH = 32;

/** What the backend prelabel reads of a store (a ProjectStore). */
export interface BackendSource {
  readonly def: ProjectDef;
  readItemsInState(state: 'labeled', opts: { signal?: AbortSignal; name?: string; sizes?: boolean }): AsyncIterable<BriefItem>;
  read(name: string, signal?: AbortSignal): Promise<IndexLease>;
  page(view: PageView, after?: string, limit?: number): Page;
  briefItems(keys: readonly string[], opts?: { sizes?: boolean }): BriefItem[];
  stats(): { unlabeled: number };
}

export interface BackendPrelabelOptions {
  root: string;
  backend: LsBackend;
  /** How the backend fetches an image item (its URL or absolute path). */
  imageUrlOf: (item: LsItem) => string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  log?: (line: string) => void;
  batchSize?: number;
  now?: Date;
}

export interface BackendPrelabelResult {
  /** `backend:<model version>` (or `backend` when it names none). */
  model: string;
  modelVersion: number;
  validation: ValidationFigures;
  predicted: number;
  suggested: number;
  file: string;
}

const lsItemOf = (v: { key: string; text?: string; width?: number; height?: number }): LsItem => ({
  key: v.key,
  ...(v.text !== undefined ? { text: v.text } : {}),
  ...(v.width !== undefined ? { width: v.width } : {}),
  ...(v.height !== undefined ? { height: v.height } : {}),
});

/** The prediction of an item the backend scored highest (LS backends may answer several). */
function best(predictions: readonly LsPrediction[]): LsPrediction | undefined {
  let top: LsPrediction | undefined;
  for (const p of predictions) if (!top || (p.confidence ?? 0) > (top.confidence ?? 0)) top = p;
  return top;
}

export async function prelabelWithBackend(store: BackendSource, opts: BackendPrelabelOptions): Promise<BackendPrelabelResult> {
  const def = store.def;
  const log = opts.log ?? (() => undefined);
  const progress = opts.onProgress;
  const { backend, signal } = opts;
  const ref = lsProject(def);
  const health = await backend.health(signal);
  const setup = await backend.setup(ref, {}, signal);
  const version = setup.modelVersion;
  const model = version ? `backend:${version}` : 'backend';
  log(`the backend is up${health.modelClass ? ` (${health.modelClass})` : ''}; model version ${version ?? '(not named)'}`);
  const predictOpts = { urlOf: opts.imageUrlOf, batchSize: opts.batchSize ?? BACKEND_BATCH, ...(signal ? { signal } : {}) };

  // 2. Validation on a seeded sample of final labels.
  progress?.(0, 'Choosing the items to validate on');
  const labeled: BriefItem[] = [];
  const rand = seededRandom(def.queueSeed);
  let seen = 0;
  for await (const item of store.readItemsInState('labeled', { ...(signal ? { signal } : {}), name: 'ML backend validation', sizes: true })) {
    if (!item.final) continue;
    seen++;
    // Reservoir sampling: every labeled item equally likely, one pass, bounded memory.
    if (labeled.length < VALIDATION_ITEMS) labeled.push(item);
    else {
      const j = Math.floor(rand() * seen);
      if (j < VALIDATION_ITEMS) labeled[j] = item;
    }
  }
  const target = def.mlAssist.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const heldOut: HeldOutPrediction[] = [];
  let right = 0;
  if (labeled.length) {
    progress?.(0.05, `Validating on ${labeled.length} labeled items`);
    const got = await backend.predict(def, ref, labeled.map(lsItemOf), {
      ...predictOpts,
      onProgress: (done, total) => progress?.(0.05 + 0.25 * (done / total), `Validated ${done} of ${total} labeled items`),
    });
    got.forEach((g, i) => {
      const p = best(g.predictions);
      const correct = !!p && annotationsAgree(p.annotation, labeled[i]!.final!);
      if (correct) right++;
      heldOut.push({ confidence: p?.confidence ?? 0, correct });
    });
  }
  const choice = chooseThreshold(heldOut, { target, minItems: DEFAULT_MIN_ITEMS });
  const validation: ValidationFigures = {
    items: labeled.length,
    accuracy: labeled.length ? right / labeled.length : 0,
    threshold: choice.ok ? choice.threshold : null,
    precisionAtThreshold: choice.ok ? choice.point.precision : null,
    message: `${choice.message} (the backend's predictions on ${labeled.length} of ${seen} labeled items, target ${target})`,
  };
  log(`validation: ${validation.message}`);

  // 3. The queue, in batches, into the suggestions file.
  const previous = await readSuggestions(opts.root, def.id);
  const prevHeader = previous.header;
  const modelVersion = !prevHeader ? 1 : prevHeader.model === model ? prevHeader.modelVersion : prevHeader.modelVersion + 1;
  const file = suggestionsFile(opts.root, def.id);
  const out = await AtomicLineFile.open(file);
  let committed = false;
  const lease = await store.read('ML backend predictions', signal).catch(async (e: unknown) => {
    await out.abort();
    throw e;
  });
  try {
    const header: SuggestionsHeader = {
      format: SUGGESTIONS_FORMAT,
      formatVersion: SUGGESTIONS_VERSION,
      projectId: def.id,
      model,
      modelVersion,
      threshold: validation.threshold,
      createdAt: (opts.now ?? new Date()).toISOString(),
    };
    await out.line(header);
    const total = Math.max(1, store.stats().unlabeled);
    let predicted = 0;
    let suggested = 0;
    let after: string | undefined;
    do {
      lease.check();
      const page = store.page('queue', after, predictOpts.batchSize);
      // Shapes come back in percent of the image: the backend's items carry their size.
      const batch = store.briefItems(page.items.filter((s) => s.state === 'unlabeled').map((s) => s.key), { sizes: true }).map((view) => ({ view, item: lsItemOf(view) }));
      after = page.next;
      if (!batch.length) continue;
      // The lease is held across the request: a rebuild cancels it (lease.check) rather than reorder the pages.
      const got = await backend.predict(def, ref, batch.map((b) => b.item), predictOpts);
      lease.check();
      for (const [i, g] of got.entries()) {
        predicted++;
        const p = best(g.predictions);
        if (!p || validation.threshold === null || (p.confidence ?? 0) < validation.threshold) continue;
        // A mask prediction comes as a raster: its blob is stored first (content-addressed, so a repeat is free).
        const annotation = p.raster ? (await storeMaskAnnotation(projectDir(opts.root, def.id), p.raster, def.labels.map((l) => l.name), def.ignoreLabel)).annotation : p.annotation;
        const line: Suggestion = { item: g.key, itemVersion: batch[i]!.view.version, annotation, confidence: p.confidence ?? 0 };
        suggested++;
        await out.line(line);
      }
      progress?.(0.3 + 0.7 * Math.min(1, predicted / total), `Predicted ${predicted} queue items`);
    } while (after !== undefined);
    throwIfAborted(signal);
    await out.commit();
    committed = true;
    log(`predicted ${predicted} queue item(s); ${suggested} at or above the threshold written to ${file}`);
    progress?.(1, `${suggested} suggestion(s)`);
    return { model, modelVersion, validation, predicted, suggested, file };
  } catch (e) {
    if (e instanceof LabelingError) throw e;
    throw new LabelingError('io', `ML backend prelabels: ${e instanceof Error ? e.message : String(e)}`, { file }, { cause: e });
  } finally {
    if (!committed) await out.abort();
    lease.release();
  }
}
