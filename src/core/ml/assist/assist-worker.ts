/**
 * The worker-thread side of ML assist (issue 12 item 1): training with validation, and inference, on
 * plain data posted to a worker (jobs/tasks.ts registers them as the 'assist-train' task and the
 * 'assist-predict' session). Nothing here reads the index or writes a file: the main thread collects the
 * training set and saves the model (model-store.ts, atomic), so terminating the thread on a cancel leaves
 * nothing half-written.
 */
import { LabelingError } from '../../errors';
import type { ProjectDef } from '../../model';
import { AssistModel, type AssistModelJson, type AssistPrediction } from './assist-model';
import { trainAndValidate, type TrainResult, type TrainValidateOptions } from './train';
import { isAssistTextType, type AssistTextType, type TrainingSet } from './training-set';

/** The fields of project.json trainAndValidate reads (the type, the split's seed, mlAssist's target and hold-out). */
export type AssistTrainDef = Pick<ProjectDef, 'type' | 'queueSeed' | 'mlAssist'>;

/** trainAndValidate's options that can be posted to a thread (no signal, no callback). */
export type AssistTrainOptions = Omit<TrainValidateOptions, 'signal' | 'onProgress'>;

export interface AssistTrainInput {
  set: TrainingSet;
  def: AssistTrainDef;
  options?: AssistTrainOptions;
}

/** A TrainResult with the model as its JSON (what a thread can post back). */
export type AssistTrainOutput = Omit<TrainResult, 'model'> & { model: AssistModelJson };

/** Trains and validates (train.ts) on posted data and answers the model as JSON with every figure. */
export async function assistTrain(input: AssistTrainInput, onProgress?: (fraction: number, message: string) => void): Promise<AssistTrainOutput> {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', `assist-train: ${message}`, { field });
  if (!input || typeof input !== 'object') throw bad('input', 'takes {set, def, options}');
  const { set, def } = input;
  if (!set || !Array.isArray(set.examples)) throw bad('set.examples', 'must be the list of training examples');
  if (!def || typeof def !== 'object' || !isAssistTextType(def.type)) throw bad('def.type', `must be a text project type, got ${JSON.stringify(def?.type)}`);
  if (!def.mlAssist || typeof def.mlAssist !== 'object') throw bad('def.mlAssist', 'is missing');
  // trainAndValidate reads only the fields of AssistTrainDef.
  const r = await trainAndValidate(set, def as ProjectDef, { ...input.options, ...(onProgress ? { onProgress } : {}) });
  return { ...r, model: r.model.toJSON() };
}

export interface AssistPredictStart {
  model: AssistModelJson;
}

/** What a session answers once its model is loaded. */
export interface AssistPredictInfo {
  type: AssistTextType;
  name: string;
  trainedOn: number;
}

export interface AssistPredictCall {
  texts: string[];
}

/** A loaded model that predicts batch after batch (the 'assist-predict' session). */
export interface AssistPredictor {
  readonly info: AssistPredictInfo;
  call(input: AssistPredictCall): AssistPrediction[];
}

/** Loads the model once (a bad model is a LabelingError naming the field). */
export function openAssistPredictor(start: AssistPredictStart): AssistPredictor {
  if (!start || typeof start !== 'object') throw new LabelingError('invalid-input', 'assist-predict: takes {model}', { field: 'model' });
  const model = AssistModel.fromJSON(start.model);
  const type = model.type;
  if (!isAssistTextType(type)) throw new LabelingError('invalid-input', `assist-predict: predicts texts; the model is a ${type} model`, { field: 'model.type' });
  return {
    info: { type, name: model.name, trainedOn: model.trainedOn },
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
