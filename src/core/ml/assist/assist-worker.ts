/**
 * The worker-thread side of ML assist (issue 12 item 1): training, validation and inference, on plain
 * data posted to a worker (jobs/tasks.ts registers them as the 'assist-train', 'assist-train-images',
 * 'assist-validate' and 'assist-validate-images' tasks and the 'assist-predict' and
 * 'assist-predict-images' sessions). Nothing here reads the index or writes a file: the main thread
 * collects the training set and saves the model, the validation model and the held-out examples, and
 * writes the validation's figures into the manifest (model-store.ts, atomic), so terminating the thread
 * on a cancel leaves nothing half-written. A training answers those files' bytes (encoded here, so the
 * extension host neither decodes nor encodes ~9 MB of JSON at 100k labels); a validation reads them,
 * and so does a prediction session posted the validated versions' paths (the host reads no model).
 *
 * Image projects post file paths, not pixels: the worker reads, decodes and featurises the files
 * (image-train.ts), so none of that runs on the extension host's thread; a file that cannot be read is
 * skipped and answered with the reason.
 */
import { LabelingError } from '../../errors';
import type { ProjectDef } from '../../model';
import { AssistModel, type AnyAssistModel, type AssistModelJson, type AssistModelType, type AssistPrediction, type ImageAssistModel } from './assist-model';
import { encodeImageHoldout, encodeTextHoldout, readHoldout } from './holdout-file';
import {
  predictImageFiles,
  trainImagesFromFilesForValidation,
  validateImagesHeldOut,
  type ImageExample,
  type ImageFilePrediction,
  type ImageFilesTrainOptions,
  type SkippedImage,
} from './image-train';
import { ASSIST_IMAGE_TYPES, isAssistImageType, type AssistImageType } from './image-training-set';
import { encodeModel, type ModelFileProblem, type TrainedFiles } from './model-store';
import { loadFirstCandidate, readModelFile, type ModelCandidate } from './model-load';
import { trainForValidation, validateHeldOut, type TrainedForValidation, type TrainValidateOptions, type ValidationFigures } from './train';
import { checkUtf16Chunks, PairPacker, splitPairs, Utf16Chunks, utf16String } from './string-pack';
import { ASSIST_TEXT_TYPES, isAssistTextType, type AssistTextType, type TrainingExample, type TrainingSet } from './training-set';

/** The fields of project.json trainAndValidate reads (the type, the split's seed, mlAssist's target and hold-out). */
export type AssistTrainDef = Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>;

/** trainAndValidate's options that can be posted to a thread (no signal, no callback). */
export type AssistTrainOptions = Omit<TrainValidateOptions, 'signal' | 'onProgress'>;

export interface AssistTrainInput {
  /** The training set as it is, or packed (packTrainingSet: what the extension host posts). */
  set?: TrainingSet;
  packed?: PackedTrainingSet;
  def: AssistTrainDef;
  options?: AssistTrainOptions;
}

/**
 * A training set as a few flat values: posting 100k example objects to a thread is a structured clone of
 * each (about 240 ms holding the extension host at 100k, bench:ml jobs). Texts and keys are concatenated
 * with their lengths, the final annotations are one JSON text, and all three are UTF-16 code units
 * (exactly the strings, lone surrogates too) in chunks of CHUNK examples (string-pack.ts), so posting moves the
 * buffers (packedBuffers: the transfer list) instead of copying ~14 M characters in one turn (a 26 ms
 * blocked turn of the host at 100k, bench:ml jobs "post").
 */
export interface PackedTrainingSet {
  projectId: string;
  type: AssistTextType;
  /** The keys, then the texts, joined: UTF-16LE bytes, chunk by chunk. */
  keys: Uint8Array[];
  texts: Uint8Array[];
  /** keys' lengths, then texts' lengths: 2 x examples entries. */
  lengths: Int32Array;
  /** The JSON list of the finals without its brackets, chunk by chunk (each chunk's finals comma-joined). */
  finals: Uint8Array[];
  withoutText: string[];
}

/** What posting a packed set moves (`transfer`): every buffer it holds. */
export function packedBuffers(p: PackedTrainingSet): ArrayBuffer[] {
  return [p.lengths, ...p.keys, ...p.texts, ...p.finals].map((a) => a.buffer as ArrayBuffer);
}

export { utf16Bytes, utf16String } from './string-pack';

export function packTrainingSet(set: TrainingSet): PackedTrainingSet {
  const packer = new TrainingSetPacker();
  for (const e of set.examples) packer.add(e);
  return packer.finish(set);
}

/**
 * Packs a training set example by example as it is read (readTrainingExamples), a few µs each: packing
 * 100k examples at once held the extension host for one turn of ~80 ms (bench:ml jobs), and the example
 * objects stayed on its heap until then. Every CHUNK examples (string-pack.ts PairPacker) the chunk's strings are joined and
 * encoded (utf16Bytes, ~0.2 ms a chunk); `finish` only gathers the chunks.
 */
export class TrainingSetPacker {
  /** The finals comma-joined, each chunk ending where the pairs' chunk ends. */
  private readonly finals = new Utf16Chunks(',');
  private readonly pairs = new PairPacker(() => this.finals.flush());

  /** Examples added. */
  get size(): number {
    return this.pairs.count;
  }

  add(e: TrainingExample): void {
    // JSON.stringify of the list of finals writes each as JSON.stringify of it, comma-separated.
    this.finals.push(JSON.stringify(e.final));
    this.pairs.add(e.key, e.text);
  }

  finish(set: Omit<TrainingSet, 'examples'>): PackedTrainingSet {
    const { first, second, lengths } = this.pairs.finish();
    return { projectId: set.projectId, type: set.type, keys: first, texts: second, lengths, finals: this.finals.chunks, withoutText: set.withoutText };
  }
}

export function unpackTrainingSet(p: PackedTrainingSet): TrainingSet {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', `assist-train: ${message}`, { field });
  checkUtf16Chunks(p as unknown as Record<string, unknown>, ['keys', 'texts', 'finals'], bad);
  // Each chunk holds whole finals, comma-joined: the chunks are joined with a comma too.
  const finals = JSON.parse(`[${p.finals.map((c) => utf16String([c])).join(',')}]`) as TrainingSet['examples'][number]['final'][];
  const n = finals.length;
  if (!(p.lengths instanceof Int32Array) || p.lengths.length !== 2 * n) throw bad('packed.lengths', `${p.lengths?.length} lengths for ${n} examples`);
  const examples: TrainingSet['examples'] = splitPairs(p.keys, p.texts, p.lengths, n, bad, ['keys', 'texts']).map(([key, text], i) => ({ key, text, final: finals[i]! }));
  return { projectId: p.projectId, type: p.type, examples, withoutText: p.withoutText };
}

/**
 * What a training answers: the files saveForValidation writes (the model, the validation model when it
 * is not the saved one, the held-out examples), whether the saved model was trained again on every
 * label, and how many labels the split was made of.
 */
export interface AssistTrainOutput extends TrainedFiles {
  retrained: boolean;
  labels: number;
}

/** Trains (train.ts trainForValidation) on posted data and answers the files to save; nothing is validated here. */
/** What a task is given besides its input: progress, and in this process (no worker) a cancel. */
export interface AssistTaskHooks {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export async function assistTrain(input: AssistTrainInput, hooks: AssistTaskHooks = {}): Promise<AssistTrainOutput> {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', `assist-train: ${message}`, { field });
  if (!input || typeof input !== 'object') throw bad('input', 'takes {set, def, options}');
  const { def } = input;
  const set = input.packed ? unpackTrainingSet(input.packed) : input.set;
  if (!set || !Array.isArray(set.examples)) throw bad('set.examples', 'must be the list of training examples');
  if (!def || typeof def !== 'object' || !isAssistTextType(def.type)) throw bad('def.type', `must be a text project type, got ${JSON.stringify(def?.type)}`);
  if (!def.mlAssist || typeof def.mlAssist !== 'object') throw bad('def.mlAssist', 'is missing');
  const t = await trainForValidation(set, def, { ...input.options, ...hooks });
  return filesOf(t, encodeTextHoldout({ type: set.type, ...t }, t.held), t.held.length);
}

/** A training's files to save: the model, the validation model unless it is the saved one, the held-out examples' bytes. */
function filesOf(
  t: Pick<TrainedForValidation, 'name' | 'trainedOn' | 'targetPrecision' | 'retrained' | 'labels'> & { model: AnyAssistModel; validator: AnyAssistModel },
  holdout: Uint8Array,
  items: number,
): AssistTrainOutput {
  return {
    name: t.name,
    trainedOn: t.trainedOn,
    targetPrecision: t.targetPrecision,
    retrained: t.retrained,
    labels: t.labels,
    model: encodeModel(t.model),
    ...(t.model !== t.validator ? { validator: encodeModel(t.validator) } : {}),
    holdout: { bytes: holdout, items },
  };
}

/** What a validation reads (absolute files, model-store.ts validationFiles). */
export interface AssistValidateInput {
  /** The validation model's file (the saved model's when it is the validation model). */
  validatorFile: string;
  /** The held-out examples (holdout-file.ts). */
  holdoutFile: string;
}

export interface AssistValidateOutput {
  validation: ValidationFigures;
  /** Held-out predictions the threshold was chosen on (NER: one per predicted span). */
  predictions: number;
}

/**
 * The validation job's work: reads the validation model and the held-out examples, predicts them and
 * chooses the threshold (train.ts validateHeldOut, image-train.ts validateImagesHeldOut) with the target
 * and minimum the training recorded. `media` is the task's: texts or images.
 */
export async function assistValidate(input: AssistValidateInput, media: 'text' | 'image', hooks: AssistTaskHooks = {}): Promise<AssistValidateOutput> {
  const task = media === 'text' ? 'assist-validate' : 'assist-validate-images';
  if (!input || typeof input.validatorFile !== 'string' || typeof input.holdoutFile !== 'string') {
    throw new LabelingError('invalid-input', `${task}: takes {validatorFile, holdoutFile}`, { field: 'input' });
  }
  const holdout = await readHoldout(input.holdoutFile);
  const model = await readModelFile(input.validatorFile);
  const { header } = holdout;
  if (isAssistImageType(model.type) !== (media === 'image')) {
    throw new LabelingError('invalid-input', `${task}: validates ${media === 'text' ? 'text' : 'image'} models; the validation model is a ${model.type} model`, { file: input.validatorFile, field: 'type' });
  }
  if (model.type !== header.type) throw new LabelingError('invalid-input', `${task}: the held-out examples are of a ${header.type} model, the validation model is a ${model.type} model`, { file: input.holdoutFile, field: 'type' });
  const settings = { targetPrecision: header.targetPrecision, minItems: header.minItems, labels: header.labels, ...hooks };
  const v = holdout.images ? await validateImagesHeldOut(model, holdout.images, settings) : await validateHeldOut(model as AssistModel, holdout.texts, settings);
  hooks.onProgress?.(1, v.validation.message);
  return { validation: v.validation, predictions: v.heldOut.length };
}

/**
 * What a prediction session loads: the model as posted, or (what prelabelQueue posts) the validated
 * versions to try, newest first (model-load.ts validatedCandidates: manifests and absolute paths): the
 * session reads and checks the first whose model file reads and holds its manifest's type, passing the
 * others over exactly as loadValidatedModel does in a thread of its own (loadFirstCandidate), so the
 * thread that posts never reads, parses, rebuilds or clones the model (~9 MB of JSON at 100k labels).
 */
export type AssistPredictStart = { model: AssistModelJson; candidates?: undefined } | { candidates: ModelCandidate[]; model?: undefined };

/** What a session answers once its model is loaded. */
export interface AssistPredictInfo {
  type: AssistTextType;
  name: string;
  trainedOn: number;
}

/**
 * What a session opened on candidates adds: the version it loaded and the candidates passed over before
 * it, as loadValidatedModel's problems. When none reads, it has no model (`type: null`) and refuses calls.
 */
export type OpenedOn<I> = (I & { version?: number; problems?: ModelFileProblem[] }) | { type: null; problems: ModelFileProblem[] };

export interface AssistPredictCall {
  texts: string[];
}

/** A loaded model that predicts batch after batch (the 'assist-predict' session). */
export interface AssistPredictor {
  readonly info: OpenedOn<AssistPredictInfo>;
  call(input: AssistPredictCall): AssistPrediction[];
}

/**
 * The model of a session's start: the posted one (`json`: the caller checks it), or the first candidate
 * of `types` that reads, with the problems of those passed over; undefined when none reads.
 */
async function sessionModel(
  start: AssistPredictStart,
  task: string,
  types: readonly AssistModelType[],
): Promise<{ json: unknown } | { loaded?: AnyAssistModel; version?: number; problems: ModelFileProblem[] }> {
  if (!start || typeof start !== 'object') throw new LabelingError('invalid-input', `${task}: takes {model} or {candidates}`, { field: 'model' });
  if (start.candidates === undefined) return { json: start.model };
  if (!Array.isArray(start.candidates)) throw new LabelingError('invalid-input', `${task}: must be a list of model versions (manifest, manifestFile, modelFile)`, { field: 'candidates' });
  const problems: ModelFileProblem[] = [];
  const loaded = await loadFirstCandidate(start.candidates, types, problems);
  return loaded ? { loaded: loaded.model, version: loaded.manifest.version, problems } : { problems };
}

/** A session with no model: none of its candidates read (the caller reports their problems). */
const noModel = (task: string) => (): never => {
  throw new LabelingError('not-found', `${task}: none of the model versions posted read, no model is loaded`, { field: 'candidates' });
};

/** Loads the model once (a bad model is a LabelingError naming the field; see AssistPredictStart for candidates). */
export async function openAssistPredictor(start: AssistPredictStart): Promise<AssistPredictor> {
  const got = await sessionModel(start, 'assist-predict', ASSIST_TEXT_TYPES);
  if ('problems' in got && !got.loaded) return { info: { type: null, problems: got.problems }, call: noModel('assist-predict') };
  let model: AssistModel;
  if ('json' in got) {
    const t = (got.json as { type?: unknown } | undefined)?.type;
    if ((ASSIST_IMAGE_TYPES as readonly unknown[]).includes(t)) {
      throw new LabelingError('invalid-input', `assist-predict: predicts texts; the model is a ${String(t)} model (the assist-predict-images session predicts image files)`, { field: 'model.type' });
    }
    model = AssistModel.fromJSON(got.json);
  } else model = got.loaded as AssistModel;
  const type = model.type;
  if (!isAssistTextType(type)) throw new LabelingError('invalid-input', `assist-predict: predicts texts; the model is a ${type} model`, { field: 'model.type' });
  const info = { type, name: model.name, trainedOn: model.trainedOn };
  return {
    info: 'json' in got ? info : { ...info, version: got.version!, problems: got.problems },
    call(input) {
      const texts = input?.texts;
      if (!Array.isArray(texts)) throw new LabelingError('invalid-input', 'assist-predict: takes {texts} (a list of strings)', { field: 'texts' });
      return texts.map((t, i) => {
        if (typeof t !== 'string') throw new LabelingError('invalid-input', `assist-predict: must be a string, got ${typeof t}`, { field: `texts[${i}]` });
        return model.predict(t);
      });
    },
  };
}

/** trainImagesFromFiles' options that can be posted to a thread (no signal, no callback). */
export type AssistImageTrainOptions = Omit<ImageFilesTrainOptions, 'signal' | 'onProgress'>;

export interface AssistTrainImagesInput {
  /** Each labeled image: its item key, its absolute file (checked inside the workspace by the caller) and final labels. */
  examples: ImageExample[];
  def: AssistTrainDef;
  options?: AssistImageTrainOptions;
}

/** What an image training answers: the files to save (as AssistTrainOutput), the examples left out, and the files that could not be read with why. */
export interface AssistTrainImagesOutput extends AssistTrainOutput {
  withoutFeatures: string[];
  skipped: SkippedImage[];
}

/** Reads, decodes and featurises the files and trains (image-train.ts); answers the files to save, nothing validated here. */
export async function assistTrainImages(input: AssistTrainImagesInput, hooks: AssistTaskHooks = {}): Promise<AssistTrainImagesOutput> {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', `assist-train-images: ${message}`, { field });
  if (!input || typeof input !== 'object') throw bad('input', 'takes {examples, def, options}');
  const { examples, def } = input;
  if (!Array.isArray(examples)) throw bad('examples', 'must be the list of labeled images');
  examples.forEach((e, i) => {
    if (!e || typeof e.key !== 'string' || typeof e.file !== 'string' || !Array.isArray(e.labels)) throw bad(`examples[${i}]`, 'must be {key, file, labels}');
  });
  if (!def || typeof def !== 'object' || !isAssistImageType(def.type)) throw bad('def.type', `must be an image classification project type, got ${JSON.stringify(def?.type)}`);
  if (!def.mlAssist || typeof def.mlAssist !== 'object') throw bad('def.mlAssist', 'is missing');
  const t = await trainImagesFromFilesForValidation(examples, def, { ...input.options, ...hooks });
  return {
    ...filesOf(t, encodeImageHoldout({ type: def.type, ...t }, t.held), t.held.keys.length),
    withoutFeatures: t.withoutFeatures,
    skipped: t.skipped,
  };
}

/** What an image session answers once its model is loaded. */
export interface AssistPredictImagesInfo {
  type: AssistImageType;
  name: string;
  trainedOn: number;
}

export interface AssistPredictImagesCall {
  /** Absolute image files (the caller refuses paths leaving the workspace). */
  files: string[];
}

/** Reading limits of an image session. */
export type AssistPredictImagesStart = AssistPredictStart & {
  maxBytes?: number;
  maxPixels?: number;
};

/** A loaded image model that reads, decodes and predicts batch after batch of files (the 'assist-predict-images' session). */
export interface AssistImagePredictor {
  readonly info: OpenedOn<AssistPredictImagesInfo>;
  call(input: AssistPredictImagesCall): Promise<ImageFilePrediction[]>;
}

/** Loads an image model once (a bad model is a LabelingError naming the field; see AssistPredictStart for candidates). */
export async function openAssistImagePredictor(start: AssistPredictImagesStart): Promise<AssistImagePredictor> {
  const got = await sessionModel(start, 'assist-predict-images', ASSIST_IMAGE_TYPES);
  if ('problems' in got && !got.loaded) return { info: { type: null, problems: got.problems }, call: noModel('assist-predict-images') };
  const model = 'json' in got ? AssistModel.fromAnyJSON(got.json) : got.loaded!;
  const type = model.type;
  if (!isAssistImageType(type)) throw new LabelingError('invalid-input', `assist-predict-images: predicts image files; the model is a ${type} model`, { field: 'model.type' });
  const image = model as ImageAssistModel;
  const limits = { ...(start.maxBytes !== undefined ? { maxBytes: start.maxBytes } : {}), ...(start.maxPixels !== undefined ? { maxPixels: start.maxPixels } : {}) };
  const info = { type, name: model.name, trainedOn: model.trainedOn };
  return {
    info: 'json' in got ? info : { ...info, version: got.version!, problems: got.problems },
    async call(input) {
      const files = input?.files;
      if (!Array.isArray(files)) throw new LabelingError('invalid-input', 'assist-predict-images: takes {files} (a list of paths)', { field: 'files' });
      files.forEach((f, i) => {
        if (typeof f !== 'string') throw new LabelingError('invalid-input', `assist-predict-images: must be a string, got ${typeof f}`, { field: `files[${i}]` });
      });
      return predictImageFiles(image, files, limits);
    },
  };
}
