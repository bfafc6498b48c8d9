/**
 * ML assist end to end (issue 12 items 1, 3, 4 and 7), one pipeline for the host's jobs and the CLI,
 * in three jobs (each its own job in the window, run one after the other by the CLI):
 *
 *  - trainAssistModel (training): the final labels are read in this thread (the store's long-reader
 *    path), the stratified seeded hold-out made and the validation model (and, up to RETRAIN_UP_TO
 *    labels, the model on every label) trained in a worker thread when `workerFile` is given (in this
 *    process otherwise: the CLI and tests), and the version saved NOT VALIDATED YET with its held-out
 *    examples and validation model beside it (model-store.ts saveForValidation: atomic, a version exists
 *    once its manifest does). Nothing is predicted.
 *  - validateAssistModel (validation, in validate-job.ts, exported here too): that version's validation
 *    model predicts its held-out examples in a worker, the threshold is chosen (chooseThreshold: Wilson
 *    bound, minimum count), and the figures are written into the manifest atomically
 *    (recordValidation), marking it validated.
 *  - prelabelQueue (inference): the newest VALIDATED version predicts the unlabeled queue in a worker
 *    session (loaded once, one call per queue page; this thread reads the manifests only and posts the
 *    model files' paths, the session reads, checks and passes over a damaged one, model-load.ts
 *    loadFirstCandidate) and the LOCAL suggestions file is written
 *    (predict-queue.ts: atomic). A newer version not validated yet is passed over, and the log says so;
 *    with no validated version it predicts nothing and fails saying why.
 *  - publishSuggestions: a manager writes the local suggestions still fresh to the journal as prelabels.
 *
 * Image classification and multi-label projects (image-training-set.ts, image-train.ts) take the same
 * steps: the final labels with each image's absolute file are read here (paths leaving the workspace
 * refused), the files are read, decoded and featurised in the worker with the training (the
 * 'assist-train-images' task; the held-out images' feature vectors are saved for 'assist-validate-images'),
 * and the queue's files are predicted in an 'assist-predict-images' session; a file that cannot be read
 * is skipped and logged (the first few by name, then a count).
 *
 * A cancel (the signal) terminates the worker thread; nothing half-written stays behind: no new model,
 * hold-out or manifest file, a manifest being validated as it was, the previous suggestions file as it
 * was. `log` gets the lines the host shows in the output channel and the job's log: what was read, the
 * split, the validation, where the model went, how many items were predicted and suggested, and how long
 * each step took.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LabelingError, throwIfAborted } from '../../errors';
import type { SubmitPayload } from '../../journal/events';
import type { Annotation, ProjectDef } from '../../model';
import type { LabelInput } from '../../project/create';
import { requireRole } from '../../store/guards';
import type { ImportOptions, ImportResult } from '../../store/import-lines';
import { TimeSlicer, yieldToEventLoop } from '../../store/time-slice';
import type { ItemView } from '../../store/types';
import { WorkerSession, runWorkerTask } from '../../jobs/worker-client';
import type { AnyAssistModel, AssistModelType } from './assist-model';
import {
  assistTrain,
  assistTrainImages,
  packedBuffers,
  TrainingSetPacker,
  type AssistImageTrainOptions,
  type AssistTrainOptions,
  type AssistTrainOutput,
  type PackedTrainingSet,
} from './assist-worker';
import type { SkippedImage } from './image-train';
import { ASSIST_IMAGE_TYPES, collectImageTrainingSet, isAssistImageType, type ImageTrainingSet } from './image-training-set';
import { modelsDir, saveForValidation, type ModelFileProblem, type ModelManifest, type ValidatedManifest } from './model-store';
import { loadValidatedModel, validatedCandidates } from './model-load';
import {
  predictQueue,
  readSuggestions,
  suggestionsFile,
  type BatchPredictor,
  type ImageBatchPredictor,
  type PredictQueueResult,
  type QueueSource,
} from './predict-queue';
import { ms, n, named, phase, type AssistRunOptions } from './job-log';
import { RETRAIN_UP_TO } from './train';
import { ASSIST_TEXT_TYPES, collectTrainingSet, readTrainingExamples, type TrainingSet, type TrainingSource } from './training-set';

export type { AssistRunOptions } from './job-log';
export { validateAssistModel, type ValidateAssistOptions, type ValidateAssistResult } from './validate-job';

export interface TrainAssistOptions extends AssistRunOptions {
  /**
   * trainAndValidate's options (target precision, hold-out, model settings), for an image project
   * trainImagesFromFiles' (feature settings, file limits too); default: project.json's.
   */
  train?: AssistTrainOptions & AssistImageTrainOptions;
}

export interface TrainAssistResult {
  /** The saved version, not validated yet (validateAssistModel validates it). */
  manifest: ModelManifest;
  trainedOn: number;
  /** Examples held out for the validation job. */
  heldOut: number;
  /** Keys of labeled items left out because their text could not be read. */
  withoutText: string[];
  /** Image projects: keys of labeled items left out because their path leads outside the workspace. */
  outside?: string[];
  /** Image projects: the labeled images' files that could not be read or decoded, with why. */
  skipped?: SkippedImage[];
}

/**
 * The training job: trains the built-in model of a text or image classification project on its final
 * labels and saves it, not validated yet, with what its validation job reads (see the file comment).
 */
export async function trainAssistModel(store: TrainingSource & { stats?(): { items: number; labeled: number } }, opts: TrainAssistOptions): Promise<TrainAssistResult> {
  const { signal, log = () => undefined } = opts;
  const def = store.def;
  throwIfAborted(signal);
  const t0 = performance.now();
  const counts = store.stats?.();
  // Only the labeled items are read (readItemsInState): progress is over them.
  const collect = {
    onProgress: (k: number) => opts.onProgress?.(counts?.labeled ? 0.05 * Math.min(1, k / counts.labeled) : 0, `Read ${n(k)} labeled items`),
  };
  // Read: an image set; a text set trained here; or a text set for a worker, packed as it is read (byte
  // chunks, all transferred: a clone of 100k example objects held this thread ~240 ms, packing them at
  // once after the read ~80 ms in one turn, posting the packed strings a 26 ms turn).
  let images: ImageTrainingSet | undefined;
  let texts: TrainingSet | undefined;
  let packed: PackedTrainingSet | undefined;
  if (isAssistImageType(def.type)) images = await collectImageTrainingSet(store, opts.root, signal, collect);
  else if (opts.workerFile) {
    const packer = new TrainingSetPacker();
    packed = packer.finish(await readTrainingExamples(store, (e) => packer.add(e), signal, collect));
  } else texts = await collectTrainingSet(store, signal, collect);
  const examples = images?.examples.length ?? texts?.examples.length ?? packed!.lengths.length / 2;
  const type = (images ?? texts ?? packed)!.type;
  const withoutText = texts?.withoutText ?? packed?.withoutText ?? [];
  log(`read ${n(examples)} final label(s) of ${n(counts?.items ?? examples)} item(s) in ${ms(t0)}`);
  if (images?.outside.length) log(`${n(images.outside.length)} labeled item(s) left out: their path leads outside the workspace (${named(images.outside)})`);
  if (withoutText.length) log(`${n(withoutText.length)} labeled item(s) left out: their text could not be read (first: ${withoutText[0]})`);
  throwIfAborted(signal);

  const t1 = performance.now();
  const where = opts.workerFile ? 'a worker thread' : 'this process';
  const unit = images ? 'image(s)' : 'item(s)';
  log(`training ${type} on ${n(examples)} ${unit} in ${where}${images ? ' (the files are read and featurised there)' : ''}`);
  const trainProgress = phase(opts.onProgress, 0.05, 0.95);
  const hooks = { ...(signal ? { signal } : {}), ...(trainProgress ? { onProgress: trainProgress } : {}) };
  const picked: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'> = { type: def.type, queueSeed: def.queueSeed, mlAssist: def.mlAssist };
  const options = opts.train ? { options: opts.train } : {};
  // The worker answers the files to save as their bytes (the model, the validation model, the held-out
  // examples), written here as they are: decoding a model's JSON here and encoding it again held this
  // thread ~40 ms at 100k labels. In this process (the CLI, tests) the same functions run here.
  let trained: AssistTrainOutput & { skipped?: SkippedImage[] };
  if (images && opts.workerFile) {
    trained = await runWorkerTask(opts.workerFile, 'assist-train-images', { examples: images.examples, def: picked, ...options }, hooks);
  } else if (images) {
    trained = await assistTrainImages({ examples: images.examples, def: picked, ...options }, hooks);
  } else if (packed) {
    await yieldToEventLoop();
    trained = await runWorkerTask(opts.workerFile!, 'assist-train', { packed, def: picked, ...options }, { ...hooks, transfer: packedBuffers(packed) });
  } else {
    trained = await assistTrain({ set: texts!, def: picked, ...options }, hooks);
  }
  throwIfAborted(signal);
  const skipped = trained.skipped ?? [];
  if (skipped.length) {
    const rel = (f: string) => path.relative(opts.root, f) || f;
    log(`${n(skipped.length)} labeled image file(s) could not be read and were left out: ${named(skipped.map((x) => `${rel(x.file)}: ${x.reason}`))}`);
  }
  const held = trained.holdout.items;
  log(
    `split: ${n(trained.labels - held)} ${unit} trained the validation model, ${n(held)} held out (stratified, for the validation job); ` +
      (trained.retrained ? `the saved model is trained on all ${n(trained.labels)}` : `above ${n(RETRAIN_UP_TO)} labels the validation model is the one saved`),
  );
  log(`trained ${trained.name} in ${ms(t1)}`);

  const t2 = performance.now();
  opts.onProgress?.(0.95, 'Saving the model');
  const manifest = await saveForValidation(opts.root, def.id, trained, signal ? { signal } : {});
  log(`saved version ${manifest.version} to ${modelsDir(opts.root, def.id)} (${manifest.modelFile}, not validated yet: ${manifest.validationInput?.holdoutFile} holds its ${n(held)} held-out ${unit}) in ${ms(t2)}`);
  opts.onProgress?.(1, `Version ${manifest.version} saved (not validated yet)`);
  const common = { manifest, trainedOn: trained.trainedOn, heldOut: held };
  return images ? { ...common, withoutText: [], outside: images.outside, skipped } : { ...common, withoutText };
}

export interface PrelabelOptions extends AssistRunOptions {
  /** Also write every unlabeled item's top prediction here (the CLI's --predictions). */
  predictionsFile?: string;
  /** Queue items per page, so per prediction batch (one worker call). Default 200. */
  sliceItems?: number;
  /** Milliseconds of work between yields (tests). Default SLICE_MS. */
  sliceMs?: number;
}

/** The inference job: predicts the queue with the newest validated model and writes the local suggestions (see the file comment). */
export async function prelabelQueue(store: QueueSource, opts: PrelabelOptions): Promise<{ manifest: ValidatedManifest; result: PredictQueueResult }> {
  const { signal, log = () => undefined } = opts;
  const id = store.def.id;
  throwIfAborted(signal);
  const t0 = performance.now();
  const image = isAssistImageType(store.def.type);
  // The newest VALIDATED version: a newer one still waiting for its validation job is passed over (its
  // threshold is not known yet), and said so; with none validated, nothing is predicted.
  const types: readonly AssistModelType[] = image ? ASSIST_IMAGE_TYPES : ASSIST_TEXT_TYPES;
  let session: WorkerSession<'assist-predict'> | WorkerSession<'assist-predict-images'> | undefined;
  try {
    // With a worker, this thread reads the manifests only: the session reads and checks the model files,
    // passing a damaged one over as loadValidatedModel does here (the CLI, tests).
    const opened = opts.workerFile ? await openWorkerPredictor(opts.root, id, opts.workerFile, image, signal) : await loadPredictor(opts.root, id, types);
    session = opened.session;
    const { waiting, problems } = opened;
    for (const p of problems) log(`passed over ${p.file}: ${p.message}`);
    const waits = waiting.length ? `version ${waiting.map((m) => m.version).join(', ')} not validated yet` : '';
    if (!opened.loaded) {
      const dir = modelsDir(opts.root, id);
      const damaged = problems.length ? `${problems.length} damaged file(s): ${problems.map((p) => p.file).join(', ')}` : '';
      const why = [waits, damaged].filter(Boolean).join('; ');
      const what = waiting.length ? 'no validated model' : problems.length ? 'no readable model' : 'no saved model';
      const next = waiting.length ? 'validate it first (its validation job), nothing was prelabeled' : 'train one first (Labeling: Start ML-Assisted Training, or data-labeling assist)';
      throw new LabelingError('not-found', `${what}${why ? ` (${why})` : ''} of project "${id}": ${next}`, { file: dir });
    }
    const { manifest, modelFile, predictor } = opened.loaded;
    if (waits) log(`${waits}: the suggestions are the newest validated version's, ${manifest.version}`);
    const threshold = manifest.validation.threshold;
    log(`loaded ${manifest.model} version ${manifest.version} (trained on ${n(manifest.trainedOn)}, ${threshold === null ? 'no threshold qualified' : `threshold ${threshold.toFixed(2)}`}) from ${modelFile} in ${ms(t0)}${opts.workerFile ? ' (in a worker thread)' : ''}`);
    throwIfAborted(signal);

    const t1 = performance.now();
    const unlabeled = store.stats().unlabeled;
    log(`predicting ${n(unlabeled)} unlabeled queue item(s) in ${opts.workerFile ? 'a worker thread' : 'this process'}`);
    const result = await predictQueue(store, { model: predictor, version: manifest.version }, threshold, {
      root: opts.root,
      ...(opts.predictionsFile ? { predictionsFile: opts.predictionsFile } : {}),
      ...(opts.sliceItems !== undefined ? { sliceItems: opts.sliceItems } : {}),
      ...(opts.sliceMs !== undefined ? { sliceMs: opts.sliceMs } : {}),
      ...(signal ? { signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const above = threshold === null ? 'none suggested (no threshold qualified)' : `${n(result.suggested)} suggested at or above ${threshold.toFixed(2)}`;
    log(`predicted ${n(result.predicted)} item(s) in ${ms(t1)}: ${above}${result.withoutText ? `; ${n(result.withoutText)} without readable text` : ''}`);
    if (result.outside) log(`${n(result.outside)} unlabeled item(s) not predicted: their path leads outside the workspace`);
    if (result.skipped) {
      const first = (result.skippedFirst ?? []).map((x) => `${path.relative(opts.root, x.file) || x.file}: ${x.reason}`);
      const more = result.skipped - first.length;
      log(`${n(result.skipped)} unlabeled image file(s) could not be read and were not predicted: ${first.join('; ')}${more > 0 ? `; and ${n(more)} more` : ''}`);
    }
    log(`suggestions written to ${result.file}${opts.predictionsFile ? `; predictions to ${opts.predictionsFile}` : ''}`);
    return { manifest, result };
  } finally {
    session?.close();
  }
}

/** The version prelabels use and what predicts with it, the newer versions waiting and the files passed over (see prelabelQueue). */
interface OpenedPredictor {
  loaded?: { manifest: ValidatedManifest; modelFile: string; predictor: AnyAssistModel | BatchPredictor | ImageBatchPredictor };
  waiting: ModelManifest[];
  problems: ModelFileProblem[];
  /** The worker session predicting (closed by the caller), when one was opened. */
  session?: WorkerSession<'assist-predict'> | WorkerSession<'assist-predict-images'>;
}

/** In this process: loadValidatedModel reads the model here. */
async function loadPredictor(root: string, id: string, types: readonly AssistModelType[]): Promise<OpenedPredictor> {
  const { loaded, waiting, problems } = await loadValidatedModel(root, id, types);
  return { ...(loaded ? { loaded: { manifest: loaded.manifest, modelFile: loaded.modelFile, predictor: loaded.model } } : {}), waiting, problems };
}

/**
 * In a worker session: this thread lists the manifests (validatedCandidates) and posts the validated
 * versions' paths; the session loads the first whose model file reads (model-load.ts loadFirstCandidate)
 * and answers which, with the problems of those it passed over. No validated version: no thread started.
 */
async function openWorkerPredictor(root: string, id: string, workerFile: string, image: boolean, signal: AbortSignal | undefined): Promise<OpenedPredictor> {
  const { candidates, waiting, problems } = await validatedCandidates(root, id);
  if (!candidates.length) return { waiting, problems };
  const cancel = signal ? { signal } : {};
  const s = image ? await WorkerSession.start(workerFile, 'assist-predict-images', { candidates }, cancel) : await WorkerSession.start(workerFile, 'assist-predict', { candidates }, cancel);
  const info = s.info;
  problems.push(...(info.problems ?? []));
  const chosen = info.type === null ? undefined : candidates.find((c) => c.manifest.version === info.version);
  if (!chosen || info.type === null) return { waiting, problems, session: s };
  const predictor: BatchPredictor | ImageBatchPredictor = isAssistImageType(info.type)
    ? { type: info.type, name: info.name, predictFiles: (files) => (s as WorkerSession<'assist-predict-images'>).call({ files }) }
    : { type: info.type, name: info.name, predictBatch: (texts) => (s as WorkerSession<'assist-predict'>).call({ texts }) };
  return { loaded: { manifest: chosen.manifest, modelFile: chosen.modelFile, predictor }, waiting, problems, session: s };
}

/** What publishSuggestions uses of a store (a ProjectStore). */
export interface PublishTarget {
  readonly def: ProjectDef;
  readonly labeler: string;
  getItem(key: string): ItemView | undefined;
  importBatch(batch: string, submits: SubmitPayload[], createLabels?: LabelInput[], opts?: ImportOptions): Promise<ImportResult>;
}

export interface PublishResult {
  /** Prelabels written to the journal. */
  published: number;
  /** Suggestions left out: their item changed since it was predicted, or is no longer unlabeled (or gone). */
  stale: number;
  modelVersion: number;
  /** Suggestions left out because their item already holds a prelabel of that annotation (published before). */
  unchanged: number;
  /** Journal lines written (IMPORT_LINE_MAX prelabels each, each line all-or-nothing). */
  lines: number;
}

/** The same labels (classes) or the same spans, in any order. */
function sameAnnotation(a: Annotation, b: Annotation): boolean {
  const keys = (x: Annotation): string[] | undefined =>
    x.kind === 'classes' ? [...x.labels].sort() : x.kind === 'spans' ? x.spans.map((s) => `${s.start}:${s.end}:${s.label}`).sort() : undefined;
  const ka = keys(a);
  const kb = keys(b);
  return a.kind === b.kind && !!ka && !!kb && ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

/**
 * "Labeling: Publish Prelabels" (a manager's act, issue 12 item 4): the local suggestions whose item is
 * still unlabeled at the version it was predicted at go to the journal as prelabels of the model
 * (`src: model:<name>@<version>`, `pre: true`, `conf`) through store.importBatch: lines of at most
 * IMPORT_LINE_MAX (5,000) prelabels, each line one all-or-nothing write step of the store, a turn of
 * the event loop between lines so submits interleave. A cancel stops between lines: the lines written
 * stay (each whole) and the error says how many. Publishing bumps the items' versions, so publishing
 * the same file again finds them stale; a newer prelabel run suggesting what an item's prelabel already
 * says is left out too (`unchanged`): nothing is written twice.
 */
export async function publishSuggestions(
  store: PublishTarget,
  root: string,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<PublishResult> {
  const { signal } = opts;
  const def = store.def;
  requireRole(def, store.labeler, 'manager');
  throwIfAborted(signal);
  const file = suggestionsFile(root, def.id);
  const { header, suggestions, problems } = await readSuggestions(root, def.id);
  if (!header) {
    const p = problems[0];
    if (p) throw new LabelingError('invalid-input', `cannot publish the suggestions: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    throw new LabelingError('not-found', `no local suggestions of project "${def.id}" to publish: train the model and prelabel the queue first (Labeling: Start ML-Assisted Training)`, { file });
  }
  if (!suggestions.length) {
    const why = header.threshold === null ? 'no confidence threshold qualified in validation' : `no queue item was predicted at or above the threshold ${header.threshold.toFixed(2)}`;
    throw new LabelingError('not-found', `model ${header.model} version ${header.modelVersion} has no suggestion to publish: ${why}`, { file });
  }
  opts.onProgress?.(0, `Checking ${n(suggestions.length)} suggestions`);
  const slicer = new TimeSlicer(undefined, signal);
  const src = `model:${header.model}@${header.modelVersion}`;
  const fresh: SubmitPayload[] = [];
  let stale = 0;
  let unchanged = 0;
  for (const s of suggestions) {
    const item = store.getItem(s.item);
    if (!item || item.version !== s.itemVersion || item.state !== 'unlabeled') stale++;
    else if (item.prelabel && sameAnnotation(item.prelabel.annotation, s.annotation)) unchanged++;
    else fresh.push({ item: s.item, ann: s.annotation, pre: true, conf: s.confidence, src });
    await slicer.maybePause();
  }
  throwIfAborted(signal);
  if (!fresh.length) {
    opts.onProgress?.(1, `Nothing to publish: ${n(stale)} stale, ${n(unchanged)} already published`);
    return { published: 0, stale, unchanged, modelVersion: header.modelVersion, lines: 0 };
  }
  const batch = `assist-${header.modelVersion}-${Date.now().toString(36)}`;
  const r = await store.importBatch(batch, fresh, [], {
    ...(signal ? { signal } : {}),
    onProgress: (p) => opts.onProgress?.(0.1 + 0.9 * (p.submits / p.total), `Published ${n(p.submits)} of ${n(p.total)} prelabels`),
  });
  return { published: r.submits, stale, unchanged, modelVersion: header.modelVersion, lines: r.lines };
}
