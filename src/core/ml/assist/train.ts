/**
 * Training and validation for ML assist (issue 12 items 1 and 3) on the set collectTrainingSet read.
 * They are two jobs: trainForValidation (steps 1 and 3, the training job) leaves the validation model
 * and the held-out examples to save beside the model (model-store.ts), and validateHeldOut (step 2, the
 * validation job) predicts them later and gives the figures; trainAndValidate runs both in one call.
 *
 * 1. A stratified hold-out (validation.ts, default 20%, seeded with the project's queueSeed so every
 *    clone splits alike) of the final labels.
 * 2. A model trained on the rest predicts the held-out items; the threshold is the lowest confidence
 *    whose precision's 95% Wilson lower bound meets the target (default 0.95) with at least 30 held-out
 *    predictions at or above it (chooseThreshold). None qualifying means: prelabel nothing, and the
 *    message says so with the best figures.
 * 3. The model used for inference is trained again on EVERY final label. It is the one saved and used
 *    for prelabels, with the threshold chosen in step 2: the held-out labels are the ones the project
 *    has fewest of early on, and leaving 20% of them out of the model people see would cost more
 *    accuracy than the threshold loses by being measured on a model trained on 80% (a model trained on
 *    more of the same data is at least as accurate, so the threshold stays on the safe side). The
 *    report's figures are those of the validation model, said so in `validation.message`. Above
 *    RETRAIN_UP_TO labels the validation model itself is saved (`trainedOn` says how many it learned from).
 */
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef } from '../../model';
import { entityScores, trainNer, type NerSentence, type TrainNerOptions } from '../ner-perceptron';
import { tagsToTokenSpans, textToBio } from '../ner-bio';
import { trainMultiLabelTextModel, trainTextModel, type TextModelOptions } from '../text-model';
import { checkpoint } from '../logreg';
import { chooseThreshold, stratifiedSplit, type HeldOutPrediction, type ThresholdChoice } from '../validation';
import { AssistModel, MODEL_NAMES } from './assist-model';
import type { AssistTextType, TrainingExample, TrainingSet } from './training-set';

export const DEFAULT_TARGET_PRECISION = 0.95;
export const DEFAULT_HOLDOUT = 0.2;
export const DEFAULT_MIN_ITEMS = 30;
/**
 * Up to this many labels the saved model is trained again on all of them (the held-out share is what an
 * early project can least spare); above it, the validation model itself is saved: a fifth fewer labels
 * costs little accuracy there, the threshold is then measured on exactly the model that prelabels, and
 * training takes half the time (100k labels: one fit instead of two).
 */
export const RETRAIN_UP_TO = 10_000;

export interface TrainValidateOptions {
  /** Precision the Wilson lower bound must reach. Default 0.95 (project.json has no field for it yet). */
  targetPrecision?: number;
  /** Share of each class held out. Default 0.2. */
  holdout?: number;
  /** Held-out predictions at or above the threshold, at least. Default 30. */
  minItems?: number;
  /** Labels up to which the saved model is trained again on all of them. Default RETRAIN_UP_TO. */
  retrainUpTo?: number;
  /** Seed of the split. Default: the project's queueSeed. */
  seed?: number;
  /** Passed to the text model (C, hashBits, ...). */
  text?: Omit<TextModelOptions, 'signal' | 'onProgress'>;
  /** Passed to the NER model (epochs, ...). */
  ner?: Omit<TrainNerOptions, 'signal' | 'onProgress'>;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/** The `validation` object of the CLI's --json output (issue 12 item 7), plus the message for Project Details. */
export interface ValidationFigures {
  /** Held-out items. */
  items: number;
  /**
   * Multi-class: share of held-out items whose top label is the final one. Multi-label: share whose
   * predicted set equals the final set. NER: entity-level F1 over the held-out items.
   */
  accuracy: number;
  /** Prelabel at or above this confidence; null when no threshold qualifies (prelabel nothing). */
  threshold: number | null;
  /** Held-out precision at the threshold (null with it). */
  precisionAtThreshold: number | null;
  /** "threshold 0.82, validated precision 0.97 on 120 items" or "best: precision 0.91 on 40 items; more labels needed". */
  message: string;
}

export interface TrainResult {
  /** Trained on every example: the model to save and predict with. */
  model: AssistModel;
  /** MODEL_NAMES of the type. */
  name: string;
  trainedOn: number;
  /** The saved model was trained again on every label (false: it is the validation model; see RETRAIN_UP_TO). */
  retrained: boolean;
  validation: ValidationFigures;
  /** The validation model's held-out predictions (what the threshold was chosen on). */
  heldOut: HeldOutPrediction[];
  choice: ThresholdChoice;
  targetPrecision: number;
}

/**
 * What the training job leaves for the validation job (issue 12 item 1): the model to save, the
 * validation model (the same object when it is the saved one, above RETRAIN_UP_TO) and the held-out
 * examples it did not learn from, with what chooseThreshold is to be given.
 */
export interface TrainedForValidation {
  /** The model to save and predict with (trained on every example up to RETRAIN_UP_TO labels). */
  model: AssistModel;
  /** Trained on the examples not held out: the model the held-out examples validate. */
  validator: AssistModel;
  /** The held-out examples, in the split's order. */
  held: TrainingExample[];
  /** MODEL_NAMES of the type. */
  name: string;
  trainedOn: number;
  /** The saved model was trained again on every label (false: it is the validation model). */
  retrained: boolean;
  /** Labels the split was made of (the held-out ones included). */
  labels: number;
  targetPrecision: number;
  minItems: number;
}

/**
 * The training job's steps 1 and 3 (see the file comment): the stratified seeded hold-out, the
 * validation model fitted on the rest and, up to RETRAIN_UP_TO labels, the model fitted again on every
 * label. Nothing is predicted: validateHeldOut does that in the validation job.
 */
export async function trainForValidation(set: TrainingSet, def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>, opts: TrainValidateOptions = {}): Promise<TrainedForValidation> {
  if (set.type !== def.type) throw new LabelingError('invalid-input', `the training set is of a ${set.type} project, the project is ${def.type}`, { field: 'type' });
  // The caller's options, else project.json's mlAssist, else the defaults.
  const target = opts.targetPrecision ?? def.mlAssist.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const minItems = opts.minItems ?? DEFAULT_MIN_ITEMS;
  const examples = set.examples;
  if (examples.length < 2) throw new LabelingError('invalid-input', `${examples.length} labeled item(s): more labels needed to train`, { field: 'examples' });
  const progress = opts.onProgress;
  const phase = (from: number, to: number) => progress && ((f: number, m: string) => progress(from + f * (to - from), m));
  throwIfAborted(opts.signal);

  const goldLabels = examples.map((e) => labelsOf(e));
  const split = stratifiedSplit(goldLabels, (l) => (set.type === 'text-classification' ? l[0]! : l), {
    fraction: opts.holdout ?? def.mlAssist.holdout ?? DEFAULT_HOLDOUT,
    seed: opts.seed ?? def.queueSeed,
  });
  if (!split.holdout.length) throw new LabelingError('invalid-input', `${examples.length} labeled items are too few to hold any out for validation`, { field: 'examples' });
  const trainSet = split.train.map((i) => examples[i]!);
  const held = split.holdout.map((i) => examples[i]!);

  const retrain = examples.length <= (opts.retrainUpTo ?? RETRAIN_UP_TO);
  progress?.(0, `Training the validation model on ${trainSet.length} items`);
  const validator = await fit(set.type, trainSet, opts, phase(0, retrain ? 0.5 : 1));
  throwIfAborted(opts.signal);
  let model = validator;
  if (retrain) {
    progress?.(0.5, `Training on all ${examples.length} items`);
    model = await fit(set.type, examples, opts, phase(0.5, 1));
  }
  progress?.(1, 'Trained');
  return { model, validator, held, name: MODEL_NAMES[set.type], trainedOn: retrain ? examples.length : trainSet.length, retrained: retrain, labels: examples.length, targetPrecision: target, minItems };
}

/** What validateHeldOut is given besides the model and the examples: what the training recorded. */
export interface ValidateSettings {
  targetPrecision: number;
  minItems: number;
  /** Labels the split was made of (for the message). */
  labels: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/** The validation's figures, with the predictions and the choice they come from. */
export interface HeldOutValidation {
  validation: ValidationFigures;
  heldOut: HeldOutPrediction[];
  choice: ThresholdChoice;
}

/** Held-out predictions between progress reports and cancel checks. */
const VALIDATE_BATCH = 256;

/**
 * The validation job's step 2 (see the file comment): the validation model predicts the held-out
 * examples and chooseThreshold picks the lowest confidence whose Wilson lower bound meets the target.
 */
export async function validateHeldOut(validator: AssistModel, held: readonly TrainingExample[], s: ValidateSettings): Promise<HeldOutValidation> {
  const { heldOut, accuracy } = await validate(validator, held, s);
  return figuresOf(heldOut, accuracy, held.length, s);
}

/**
 * The figures of the held-out predictions of `items` held-out examples (text and images alike): the
 * threshold chooseThreshold picks, and the message Project Details and the CLI show.
 */
export function figuresOf(heldOut: HeldOutPrediction[], accuracy: number, items: number, s: Pick<ValidateSettings, 'targetPrecision' | 'minItems' | 'labels'>): HeldOutValidation {
  const choice = chooseThreshold(heldOut, { target: s.targetPrecision, minItems: s.minItems });
  const validation: ValidationFigures = {
    items,
    accuracy,
    threshold: choice.ok ? choice.threshold : null,
    precisionAtThreshold: choice.ok ? choice.point.precision : null,
    message: `${choice.message} (held out ${items} of ${s.labels}, target ${s.targetPrecision})`,
  };
  return { validation, heldOut, choice };
}

/** Trains, validates and retrains in one call (trainForValidation then validateHeldOut; see the file comment). */
export async function trainAndValidate(set: TrainingSet, def: Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>, opts: TrainValidateOptions = {}): Promise<TrainResult> {
  const t = await trainForValidation(set, def, opts);
  const v = await validateHeldOut(t.validator, t.held, { ...t, ...(opts.signal ? { signal: opts.signal } : {}) });
  return { model: t.model, name: t.name, trainedOn: t.trainedOn, retrained: t.retrained, validation: v.validation, heldOut: v.heldOut, choice: v.choice, targetPrecision: t.targetPrecision };
}

/** A classification example's final labels (an empty list for a multi-label item with none); NER: its span labels. */
function labelsOf(e: TrainingExample): string[] {
  if (e.final.kind === 'classes') return e.final.labels;
  if (e.final.kind === 'spans') return [...new Set(e.final.spans.map((s) => s.label))];
  throw new LabelingError('invalid-input', `item "${e.key}" has a ${e.final.kind} annotation: not a text model's`, { field: 'final' });
}

async function fit(type: AssistTextType, examples: readonly TrainingExample[], opts: TrainValidateOptions, onProgress: TrainValidateOptions['onProgress']): Promise<AssistModel> {
  const texts = examples.map((e) => e.text);
  const common = { ...(opts.signal ? { signal: opts.signal } : {}), ...(onProgress ? { onProgress } : {}) };
  if (type === 'text-classification') {
    const labels = examples.map((e) => {
      const l = labelsOf(e);
      if (l.length !== 1) throw new LabelingError('invalid-input', `item "${e.key}" has ${l.length} labels in a multi-class project`, { field: 'final' });
      return l[0]!;
    });
    return AssistModel.ofText(type, await trainTextModel(texts, labels, { ...opts.text, ...common }));
  }
  if (type === 'text-multilabel') return AssistModel.ofText(type, await trainMultiLabelTextModel(texts, examples.map(labelsOf), { ...opts.text, ...common }));
  const sentences: NerSentence[] = examples.map((e) => {
    const bio = textToBio(e.text, e.final.kind === 'spans' ? e.final.spans : []);
    return { tokens: bio.words, tags: bio.tags };
  });
  if (!sentences.some((s) => s.tags.some((t) => t !== 'O'))) throw new LabelingError('invalid-input', 'no labeled item has a span: an NER model needs entities to learn', { field: 'examples' });
  return AssistModel.ofNer(await trainNer(sentences, { ...opts.ner, ...common }));
}

/** The validation model's predictions on the held-out items, and its accuracy (see ValidationFigures). */
async function validate(model: AssistModel, held: readonly TrainingExample[], hooks: Pick<ValidateSettings, 'signal' | 'onProgress'>): Promise<{ heldOut: HeldOutPrediction[]; accuracy: number }> {
  const heldOut: HeldOutPrediction[] = [];
  const step = async (i: number) => {
    if (i % VALIDATE_BATCH === 0) await checkpoint(hooks, i / Math.max(1, held.length), `Validating: ${i} of ${held.length} held-out items`);
  };
  if (model.type === 'text-ner') {
    const gold: string[][] = [];
    const predicted: string[][] = [];
    for (const [k, e] of held.entries()) {
      await step(k);
      const g = textToBio(e.text, e.final.kind === 'spans' ? e.final.spans : []);
      const p = model.predict(e.text);
      const spansAsTags = textToBio(e.text, p.type === 'text-ner' ? p.spans : []).tags;
      gold.push(g.tags);
      predicted.push(spansAsTags);
      const goldKeys = new Set(tagsToTokenSpans(g.tags).map((s) => `${s.start}:${s.end}:${s.label}`));
      const confs = p.type === 'text-ner' ? p.spans.map((s) => s.confidence) : [];
      tagsToTokenSpans(spansAsTags).forEach((s, i) => heldOut.push({ confidence: confs[i]!, correct: goldKeys.has(`${s.start}:${s.end}:${s.label}`) }));
    }
    return { heldOut, accuracy: entityScores(gold, predicted).f1 };
  }
  let right = 0;
  for (const [i, e] of held.entries()) {
    await step(i);
    const p = model.predict(e.text);
    const gold = e.final.kind === 'classes' ? e.final.labels : [];
    const correct =
      p.type === 'text-classification' ? gold.length === 1 && gold[0] === p.label : p.type === 'text-multilabel' && sameSet(p.labels, gold);
    if (correct) right++;
    heldOut.push({ confidence: p.confidence ?? 0, correct });
  }
  throwIfAborted(hooks.signal);
  return { heldOut, accuracy: held.length ? right / held.length : 0 };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return s.size === new Set(b).size && b.every((x) => s.has(x));
}
