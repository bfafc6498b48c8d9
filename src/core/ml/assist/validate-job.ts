/**
 * The validation job of ML assist (issue 12 items 1 and 3; pipeline.ts has the training and inference
 * jobs): a version the training job saved NOT VALIDATED YET has its validation model predict its
 * held-out examples, in a worker thread when `workerFile` is given (the 'assist-validate' and
 * 'assist-validate-images' tasks; in this process otherwise), the threshold is chosen as train.ts says,
 * and the figures are written into its manifest (model-store.ts recordValidation: atomic, so a cancel or
 * a failure before that write leaves the manifest byte for byte as it was).
 */
import { performance } from 'node:perf_hooks';
import { LabelingError, throwIfAborted } from '../../errors';
import type { ProjectDef } from '../../model';
import { runWorkerTask } from '../../jobs/worker-client';
import { assistValidate } from './assist-worker';
import { isAssistImageType } from './image-training-set';
import { ms, n, phase, type AssistRunOptions } from './job-log';
import { isValidated, listModels, modelsDir, recordValidation, validationFiles, type ValidatedManifest } from './model-store';
import type { ValidationFigures } from './train';

export interface ValidateAssistOptions extends AssistRunOptions {
  /** The version to validate; default: the newest. */
  version?: number;
}

export interface ValidateAssistResult {
  /** The version's manifest with its figures (as it was when it was validated already). */
  manifest: ValidatedManifest;
  validation: ValidationFigures;
  /** False: the version was validated already (format 1, or validated before); nothing was done. */
  validated: boolean;
}

/** The validation job (see the file comment). */
export async function validateAssistModel(store: { readonly def: Pick<ProjectDef, 'id' | 'type'> }, opts: ValidateAssistOptions): Promise<ValidateAssistResult> {
  const { signal, log = () => undefined } = opts;
  const id = store.def.id;
  throwIfAborted(signal);
  const t0 = performance.now();
  const { manifests, problems } = await listModels(opts.root, id);
  for (const p of problems) log(`passed over ${p.file}: ${p.message}`);
  const manifest = opts.version === undefined ? manifests[0] : manifests.find((m) => m.version === opts.version);
  if (!manifest) {
    const what = opts.version === undefined ? 'no saved model' : `no readable version ${opts.version}`;
    throw new LabelingError('not-found', `${what} of project "${id}" to validate: train one first (Labeling: Start ML-Assisted Training, or data-labeling assist)`, { file: modelsDir(opts.root, id) });
  }
  if (isValidated(manifest)) {
    log(`version ${manifest.version} is validated already: ${manifest.validation.message}`);
    return { manifest, validation: manifest.validation, validated: false };
  }
  const files = validationFiles(opts.root, manifest)!;
  const image = isAssistImageType(manifest.type);
  const where = opts.workerFile ? 'a worker thread' : 'this process';
  const unit = image ? 'image(s)' : 'item(s)';
  log(
    `validating ${manifest.model} version ${manifest.version} on its ${n(manifest.validationInput!.items)} held-out ${unit} in ${where} ` +
      `(${manifest.validationInput!.validatorFile ? 'the validation model trained without them' : 'the saved model, trained without them'}; target ${manifest.targetPrecision})`,
  );
  const hooks = { ...(signal ? { signal } : {}), ...(opts.onProgress ? { onProgress: phase(opts.onProgress, 0, 0.95)! } : {}) };
  const task = image ? 'assist-validate-images' : 'assist-validate';
  const out = opts.workerFile ? await runWorkerTask(opts.workerFile, task, files, hooks) : await assistValidate(files, image ? 'image' : 'text', hooks);
  throwIfAborted(signal);
  const v = out.validation;
  log(`validation: accuracy ${v.accuracy.toFixed(3)}; ${v.message}`);
  opts.onProgress?.(0.95, 'Writing the figures into the manifest');
  const validated = await recordValidation(opts.root, manifest, v, signal ? { signal } : {});
  log(`validated version ${manifest.version} in ${ms(t0)}`);
  opts.onProgress?.(1, v.message);
  return { manifest: validated, validation: v, validated: true };
}
