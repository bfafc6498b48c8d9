/**
 * Training, validation and inference of the built-in image model (issue 12 items 1-3) on image files,
 * meant to run in a worker thread on what collectImageTrainingSet posted (plain data).
 *
 * - featurizeImageFiles: each file decoded (image-decode.ts) and turned into its feature vector
 *   (image-features.ts); a file that cannot be read or decoded is skipped and listed with the reason,
 *   the others go on. The next file is read while one is featurised.
 * - trainImagesForValidation (the training job) and validateImagesHeldOut (the validation job), or
 *   trainAndValidateImages for both in one call: the steps of train.ts on those vectors: a stratified hold-out (the project's
 *   mlAssist.holdout, default 20%, seeded with its queueSeed), a validation model trained on the rest,
 *   the threshold chosen by chooseThreshold on its held-out predictions (mlAssist.targetPrecision,
 *   default 0.95, at least 30 items), then the model retrained on every labeled image; the same
 *   TrainResult as text, so saveModel and the reports take it as it is.
 * - predictImageFiles: per file the model's prediction (label or labels with the confidence the
 *   threshold is compared with), or why it was skipped.
 */
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef } from '../../model';
import { readImageFile, type DecodeOptions } from '../image-decode';
import { featureLayout, imageFeatures, imageFeatureSettings, type ImageFeatureOptions, type ImageFeatureSettings, type ImageInput } from '../image-features';
import { denseToCsr, ImageModel } from '../image-model';
import { checkpoint, DEFAULT_C, logRegSettings, trainLogReg, type LogRegOptions } from '../logreg';
import { stratifiedSplit, type HeldOutPrediction } from '../validation';
import { AssistModel, MODEL_NAMES, type AnyAssistModel, type AssistImagePrediction, type ImageAssistModel } from './assist-model';
import { isAssistImageType, type AssistImageType } from './image-training-set';
import { DEFAULT_HOLDOUT, DEFAULT_MIN_ITEMS, DEFAULT_TARGET_PRECISION, figuresOf, type HeldOutValidation, type TrainResult, type ValidateSettings } from './train';

/** A file left out, with why ("no such file or folder (ENOENT)", "is a GIF image: ..."). */
export interface SkippedImage {
  file: string;
  reason: string;
}

export interface ImageFilesOptions extends DecodeOptions {
  /** Files larger than this are refused unread (default 256 MB). */
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export interface FeaturizeFilesOptions extends ImageFilesOptions {
  /** Feature settings (default: imageFeatureSettings()); training must be given the same. */
  features?: ImageFeatureOptions;
}

export interface FeaturizedFiles {
  settings: ImageFeatureSettings;
  /** By file, for the files that were read. */
  features: Map<string, Float32Array>;
  skipped: SkippedImage[];
}

/** Progress and a turn of the event loop (so a cancel message reaches a worker) every this many files. */
const FILES_PER_CHECKPOINT = 16;

/**
 * Reads the files one after the other (the next one read while `use` works on the current one) and
 * hands each decoded image to `use`; a file that cannot be read, decoded or featurised is skipped with
 * its reason. A cancel stops between files.
 */
async function eachImageFile(paths: readonly string[], opts: ImageFilesOptions, what: string, use: (file: string, image: ImageInput) => void): Promise<SkippedImage[]> {
  const skipped: SkippedImage[] = [];
  const read = (file: string) =>
    readImageFile(file, opts).then(
      (image) => ({ image }),
      (error: unknown) => ({ error }),
    );
  const skip = (file: string, e: unknown): void => {
    if (!(e instanceof LabelingError) || (e.reason !== 'invalid-input' && e.reason !== 'io')) throw e;
    const prefix = `${file}: `;
    skipped.push({ file, reason: e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message });
  };
  let next = paths.length ? read(paths[0]!) : undefined;
  for (let i = 0; i < paths.length; i++) {
    if (i % FILES_PER_CHECKPOINT === 0) await checkpoint(opts, i / paths.length, `${what}: ${i} of ${paths.length} images`);
    throwIfAborted(opts.signal);
    const file = paths[i]!;
    const got = await next!;
    next = i + 1 < paths.length ? read(paths[i + 1]!) : undefined;
    if ('error' in got) {
      skip(file, got.error);
      continue;
    }
    try {
      use(file, got.image);
    } catch (e) {
      skip(file, e);
    }
  }
  throwIfAborted(opts.signal);
  opts.onProgress?.(1, `${what}: ${paths.length - skipped.length} of ${paths.length} images${skipped.length ? `, ${skipped.length} skipped` : ''}`);
  return skipped;
}

/** Feature vectors of image files (see the file comment). */
export async function featurizeImageFiles(paths: readonly string[], opts: FeaturizeFilesOptions = {}): Promise<FeaturizedFiles> {
  const settings = imageFeatureSettings(opts.features);
  const features = new Map<string, Float32Array>();
  const skipped = await eachImageFile(paths, opts, 'features', (file, image) => {
    features.set(file, imageFeatures(image, settings).vector);
  });
  return { settings, features, skipped };
}

/** One file's prediction, or why it has none. */
export type ImageFilePrediction = { file: string; prediction: AssistImagePrediction } | { file: string; skipped: string };

/** The model's prediction for each file, in the order of `paths` (see the file comment). */
export async function predictImageFiles(model: AnyAssistModel, paths: readonly string[], opts: ImageFilesOptions = {}): Promise<ImageFilePrediction[]> {
  if (!isAssistImageType(model.type)) throw new LabelingError('invalid-input', `a ${model.type} model cannot predict image files`, { field: 'model' });
  const predicted = new Map<string, AssistImagePrediction>();
  const skipped = await eachImageFile(paths, opts, 'predicted', (file, image) => {
    predicted.set(file, model.predict(image));
  });
  const why = new Map(skipped.map((s) => [s.file, s.reason]));
  return paths.map((file) => {
    const prediction = predicted.get(file);
    return prediction ? { file, prediction } : { file, skipped: why.get(file) ?? 'not read' };
  });
}

/** An example to train on: its image file (the key of its vector) and final labels. */
export interface ImageExample {
  key: string;
  file: string;
  labels: readonly string[];
}

export interface ImageTrainValidateOptions {
  /** Default: project.json's mlAssist.targetPrecision, else 0.95. */
  targetPrecision?: number;
  /** Default: project.json's mlAssist.holdout, else 0.2. */
  holdout?: number;
  /** Held-out predictions at or above the threshold, at least. Default 30. */
  minItems?: number;
  /** Seed of the split. Default: the project's queueSeed. */
  seed?: number;
  /** The settings the vectors were computed with (featurizeImageFiles' `settings`); default imageFeatureSettings(). */
  features?: ImageFeatureOptions;
  /** Passed to the logistic regression (C, maxIterations, tolerance). */
  logreg?: Omit<LogRegOptions, 'signal' | 'onProgress'>;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/** TrainResult's fields, with the image model. */
export interface ImageTrainResult extends Omit<TrainResult, 'model'> {
  /** Trained on every example: the model to save and predict with. */
  model: ImageAssistModel;
  /** Keys of examples left out because their file has no feature vector (it was skipped). */
  withoutFeatures: string[];
}

type Fitted = { type: AssistImageType; rows: Float32Array[]; labels: (readonly string[])[] };

/** The held-out images the validation job predicts: item keys, feature vectors and final labels, in the split's order. */
export interface HeldOutImages {
  keys: string[];
  rows: Float32Array[];
  labels: (readonly string[])[];
}

/** What the image training job leaves for the validation job (as train.ts's TrainedForValidation). */
export interface ImagesTrainedForValidation {
  /** Trained on every example: the model to save and predict with. */
  model: ImageAssistModel;
  /** Trained on the examples not held out. */
  validator: ImageAssistModel;
  held: HeldOutImages;
  name: string;
  trainedOn: number;
  retrained: true;
  /** Images the split was made of. */
  labels: number;
  targetPrecision: number;
  minItems: number;
  /** Keys of examples left out because their file has no feature vector (it was skipped). */
  withoutFeatures: string[];
}

/**
 * The image training job on feature vectors by file: the stratified hold-out, the validation model on
 * the rest, the model on every image; no prediction (validateImagesHeldOut does that). Examples whose
 * file has no vector are left out and listed in `withoutFeatures`.
 */
export async function trainImagesForValidation(
  features: ReadonlyMap<string, Float32Array>,
  examples: readonly ImageExample[],
  def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>,
  opts: ImageTrainValidateOptions = {},
): Promise<ImagesTrainedForValidation> {
  const type = def.type;
  if (!isAssistImageType(type)) throw new LabelingError('invalid-input', `the built-in image model serves image-classification and image-multilabel projects, not ${type}`, { field: 'type' });
  const settings = imageFeatureSettings(opts.features);
  logRegSettings(opts.logreg ?? {});
  const target = opts.targetPrecision ?? def.mlAssist.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const minItems = opts.minItems ?? DEFAULT_MIN_ITEMS;
  const length = featureLayout(settings).length;
  const keys: string[] = [];
  const rows: Float32Array[] = [];
  const labels: (readonly string[])[] = [];
  const withoutFeatures: string[] = [];
  for (const e of examples) {
    const v = features.get(e.file);
    if (!v) {
      withoutFeatures.push(e.key);
      continue;
    }
    if (v.length !== length) throw new LabelingError('invalid-input', `item "${e.key}" has ${v.length} features, the settings give ${length}`, { field: 'features' });
    if (type === 'image-classification' && e.labels.length !== 1) {
      throw new LabelingError('invalid-input', `item "${e.key}" has ${e.labels.length} labels in a multi-class project`, { field: 'final' });
    }
    keys.push(e.key);
    rows.push(v);
    labels.push(e.labels);
  }
  if (rows.length < 2) throw new LabelingError('invalid-input', `${rows.length} labeled image(s) could be read: more labels needed to train`, { field: 'examples' });
  const progress = opts.onProgress;
  const phase = (from: number, to: number) => progress && ((f: number, m: string) => progress(from + f * (to - from), m));
  throwIfAborted(opts.signal);

  const split = stratifiedSplit(labels, (l) => (type === 'image-classification' ? l[0]! : l), {
    fraction: opts.holdout ?? def.mlAssist.holdout ?? DEFAULT_HOLDOUT,
    seed: opts.seed ?? def.queueSeed,
  });
  if (!split.holdout.length) throw new LabelingError('invalid-input', `${rows.length} labeled images are too few to hold any out for validation`, { field: 'examples' });
  const pick = (idx: number[]): Fitted => ({ type, rows: idx.map((i) => rows[i]!), labels: idx.map((i) => labels[i]!) });
  const heldOut = pick(split.holdout);
  const held: HeldOutImages = { keys: split.holdout.map((i) => keys[i]!), rows: heldOut.rows, labels: heldOut.labels };

  progress?.(0, `Training the validation model on ${split.train.length} images`);
  const validator = await fit(pick(split.train), settings, opts, phase(0, 0.5));
  throwIfAborted(opts.signal);
  progress?.(0.5, `Training on all ${rows.length} images`);
  const model = await fit({ type, rows, labels }, settings, opts, phase(0.5, 1));
  progress?.(1, 'Trained');
  return { model, validator, held, name: MODEL_NAMES[type], trainedOn: rows.length, retrained: true, labels: rows.length, targetPrecision: target, minItems, withoutFeatures };
}

/** Held-out images between progress reports and cancel checks. */
const VALIDATE_BATCH = 256;

/** The validation job of an image model: the validation model predicts the held-out vectors; the threshold as train.ts's validateHeldOut. */
export async function validateImagesHeldOut(validator: AnyAssistModel, held: Pick<HeldOutImages, 'rows' | 'labels'>, s: ValidateSettings): Promise<HeldOutValidation> {
  if (!isAssistImageType(validator.type)) throw new LabelingError('invalid-input', `a ${validator.type} model cannot validate on image features`, { field: 'model' });
  const model = validator as ImageAssistModel;
  const heldOut: HeldOutPrediction[] = [];
  let right = 0;
  for (const [i, row] of held.rows.entries()) {
    if (i % VALIDATE_BATCH === 0) await checkpoint(s, i / held.rows.length, `Validating: ${i} of ${held.rows.length} held-out images`);
    const p = model.predict(row);
    const gold = held.labels[i]!;
    const correct = p.type === 'image-classification' ? gold[0] === p.label : sameSet(p.labels, gold);
    if (correct) right++;
    heldOut.push({ confidence: p.confidence, correct });
  }
  throwIfAborted(s.signal);
  return figuresOf(heldOut, held.rows.length ? right / held.rows.length : 0, held.rows.length, s);
}

/**
 * Trains, validates and retrains on feature vectors by file in one call (trainImagesForValidation, then
 * validateImagesHeldOut; see the file comment).
 */
export async function trainAndValidateImages(
  features: ReadonlyMap<string, Float32Array>,
  examples: readonly ImageExample[],
  def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>,
  opts: ImageTrainValidateOptions = {},
): Promise<ImageTrainResult> {
  const t = await trainImagesForValidation(features, examples, def, opts);
  const v = await validateImagesHeldOut(t.validator, t.held, { ...t, ...(opts.signal ? { signal: opts.signal } : {}) });
  return { model: t.model, name: t.name, trainedOn: t.trainedOn, retrained: true, validation: v.validation, heldOut: v.heldOut, choice: v.choice, targetPrecision: t.targetPrecision, withoutFeatures: t.withoutFeatures };
}

/** Label names in code unit order, as image-model.ts orders them. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The logistic regression of image-model.ts on feature vectors computed beforehand. */
async function fit(set: Fitted, settings: ImageFeatureSettings, opts: ImageTrainValidateOptions, onProgress: ImageTrainValidateOptions['onProgress']): Promise<ImageAssistModel> {
  const classes = [...new Set(set.labels.flat())].sort(byCodeUnit);
  const multiClass = set.type === 'image-classification';
  if (multiClass && classes.length < 2) {
    throw new LabelingError('invalid-input', `every labeled image has the label ${JSON.stringify(classes[0])}: a classifier needs at least two different labels`, { field: 'labels' });
  }
  if (!classes.length) throw new LabelingError('invalid-input', 'no labeled image has a label: a classifier needs labeled examples', { field: 'labels' });
  const index = new Map(classes.map((l, k) => [l, k]));
  const k = classes.length;
  let targets: Int32Array | Uint8Array;
  if (multiClass) targets = Int32Array.from(set.labels, (l) => index.get(l[0]!)!);
  else {
    targets = new Uint8Array(set.rows.length * k);
    set.labels.forEach((ls, i) => ls.forEach((l) => (targets[i * k + index.get(l)!] = 1)));
  }
  const matrix = denseToCsr(set.rows, featureLayout(settings).length);
  const hooks = { ...(opts.signal ? { signal: opts.signal } : {}), ...(onProgress ? { onProgress } : {}) };
  const r = await trainLogReg(matrix, multiClass ? 'softmax' : 'ovr', k, targets, { ...opts.logreg, ...hooks });
  const model = new ImageModel(multiClass ? 'multi-class' : 'multi-label', classes, settings, r.model, {
    trainedOn: set.rows.length,
    C: opts.logreg?.C ?? DEFAULT_C,
    iterations: r.iterations,
  });
  return AssistModel.ofImage(set.type, model);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return s.size === new Set(b).size && b.every((x) => s.has(x));
}

/** trainAndValidateImages' options with the file reading's, as the pipeline and the worker task take them. */
export interface ImageFilesTrainOptions extends ImageTrainValidateOptions {
  /** Files larger than this are refused unread (default 256 MB). */
  maxBytes?: number;
  /** Images with more pixels are refused (default 50,000,000). */
  maxPixels?: number;
}

/** Share of the progress the featurising takes; the training takes the rest. */
export const FEATURIZE_SHARE = 0.6;

/** The files read and featurised (progress over the first FEATURIZE_SHARE), then `train` on the vectors (the rest). */
async function fromFiles<R>(
  examples: readonly ImageExample[],
  opts: ImageFilesTrainOptions,
  train: (features: ReadonlyMap<string, Float32Array>, opts: ImageTrainValidateOptions) => Promise<R>,
): Promise<R & { skipped: SkippedImage[] }> {
  const { onProgress, signal } = opts;
  const files = [...new Set(examples.map((e) => e.file))];
  const feats = await featurizeImageFiles(files, {
    ...(opts.features ? { features: opts.features } : {}),
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress: (f: number, m: string) => onProgress(f * FEATURIZE_SHARE, m) } : {}),
  });
  throwIfAborted(signal);
  const r = await train(feats.features, {
    ...opts,
    features: feats.settings,
    ...(onProgress ? { onProgress: (f: number, m: string) => onProgress(FEATURIZE_SHARE + f * (1 - FEATURIZE_SHARE), m) } : {}),
  });
  return { ...r, skipped: feats.skipped };
}

/**
 * The image training job on plain data (what the 'assist-train-images' worker task runs, and the
 * pipeline in this process when it has no worker): every example's file featurised (progress
 * `features: k of n images`), then trainImagesForValidation on the vectors. Files that could not be read
 * are in `skipped` with the reason; their examples are left out.
 */
export function trainImagesFromFilesForValidation(
  examples: readonly ImageExample[],
  def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>,
  opts: ImageFilesTrainOptions = {},
): Promise<ImagesTrainedForValidation & { skipped: SkippedImage[] }> {
  return fromFiles(examples, opts, (features, o) => trainImagesForValidation(features, examples, def, o));
}

/** Featurises the files and trains and validates in one call (trainAndValidateImages after the files as trainImagesFromFilesForValidation reads them). */
export function trainImagesFromFiles(
  examples: readonly ImageExample[],
  def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>,
  opts: ImageFilesTrainOptions = {},
): Promise<ImageTrainResult & { skipped: SkippedImage[] }> {
  return fromFiles(examples, opts, (features, o) => trainAndValidateImages(features, examples, def, o));
}
