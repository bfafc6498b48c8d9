/**
 * Saved ML-assist models (issue 12 item 1): `.labeling/.cache/models/<projectId>/` holds, per version,
 * `model-<v>.json` (the model) and `manifest-<v>.json` (version, trainedOn, validation figures,
 * createdAt, the model file's name). Every file is written atomically (temp file, fsync, rename); the
 * model's files first, then its manifest: a version exists once its manifest does, so a save that stops
 * before it leaves files nobody reads, and removes them.
 *
 * Training and validation are two jobs. The training job saves a version NOT VALIDATED YET
 * (saveForValidation): its manifest's `validation` is null and `validationInput` names what the
 * validation job needs beside the model: `holdout-<v>.jsonl` (the held-out examples, holdout-file.ts)
 * and, when the saved model was trained again on every label, `validator-<v>.json` (the model trained
 * on the rest). The validation job writes the figures into the manifest (recordValidation: the whole
 * manifest written again atomically, so a cancel or a failure leaves it as it was), and removes those
 * two files. Prelabels use the newest VALIDATED version (loadValidatedModel), never one still waiting.
 * Manifests of format version 1 (before the split) always carry their figures: they read as validated.
 *
 * Kept: the latest version, the newest one below it, and the newest validated one (prelabels go on
 * with it while a newer version waits for its validation); other versions' files are removed.
 *
 * Reading never throws on a damaged file: the problem is reported with the file's path and the previous
 * version is used instead. Text and image models share the format; loadLatestModel loads text models
 * unless it is given the types to accept (an image pipeline gives ASSIST_IMAGE_TYPES).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../../errors';
import { writeFileAtomic } from '../../project/fsutil';
import { CACHE_DIR, labelingDir } from '../../project/paths';
import { ASSIST_MODEL_TYPES, AssistModel, type AnyAssistModel, type AssistModelType } from './assist-model';
import type { TrainResult, ValidationFigures } from './train';
import type { AssistTextType } from './training-set';

export const MANIFEST_FORMAT = 'data-labeling.assist-manifest';
export const MANIFEST_VERSION = 2;

/** What the validation job of a version reads, beside the model (file names in the same folder). */
export interface ValidationInput {
  /** `holdout-<v>.jsonl`: the held-out examples (holdout-file.ts). */
  holdoutFile: string;
  /** `validator-<v>.json`: the validation model, when it is not the saved one (absent: the saved model is it). */
  validatorFile?: string;
  /** Held-out examples. */
  items: number;
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  /** 1: written before training and validation were two jobs (always validated); 2: now. */
  formatVersion: 1 | typeof MANIFEST_VERSION;
  projectId: string;
  type: AssistModelType;
  /** MODEL_NAMES of the type: the CLI's `"model"`. */
  model: string;
  version: number;
  trainedOn: number;
  targetPrecision: number;
  /** The validation job's figures; null: not validated yet (`validationInput` says what validation reads). */
  validation: ValidationFigures | null;
  /** While not validated: the validation job's input. */
  validationInput?: ValidationInput;
  /** ISO time the validation job wrote the figures (absent: validated with the training, format 1). */
  validatedAt?: string;
  createdAt: string;
  /** The model file's name, beside the manifest. */
  modelFile: string;
}

/** A manifest whose validation job has written its figures. */
export type ValidatedManifest = ModelManifest & { validation: ValidationFigures };

export function isValidated(m: ModelManifest): m is ValidatedManifest {
  return m.validation !== null;
}

/** A file that could not be read, with why. */
export interface ModelFileProblem {
  file: string;
  message: string;
}

export interface LoadedModel<T extends AssistModelType = AssistTextType> {
  manifest: ModelManifest;
  model: AssistModel<T>;
  /** The model's files, absolute. */
  manifestFile: string;
  modelFile: string;
}

export function modelsDir(root: string, projectId: string): string {
  return path.join(labelingDir(root), CACHE_DIR, 'models', projectId);
}

const MANIFEST_RE = /^manifest-(\d+)\.json$/;
/** Every file of a version: its model, manifest, held-out examples and validation model. */
const VERSION_FILE_RE = /^(?:model|manifest|validator)-(\d+)\.json$|^holdout-(\d+)\.jsonl$/;
const modelName = (v: number): string => `model-${v}.json`;
export const manifestName = (v: number): string => `manifest-${v}.json`;
const holdoutName = (v: number): string => `holdout-${v}.jsonl`;
const validatorName = (v: number): string => `validator-${v}.json`;
const versionFiles = (v: number): string[] => [modelName(v), manifestName(v), holdoutName(v), validatorName(v)];

/** The `{model, version, trainedOn, validation}` of the CLI's --json output (of a validated version). */
export function assistReport(m: ModelManifest): { model: string; version: number; trainedOn: number; validation: ValidationFigures } {
  if (!isValidated(m)) throw new LabelingError('invalid-input', `version ${m.version} of project "${m.projectId}" is not validated yet`, { field: 'validation' });
  return { model: m.model, version: m.version, trainedOn: m.trainedOn, validation: { ...m.validation } };
}

/** Versions that have a file (model or manifest) in the folder, ascending. */
async function versionsOnDisk(dir: string): Promise<{ manifests: number[]; all: number[] }> {
  let names: string[] = [];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const manifests = new Set<number>();
  const all = new Set<number>();
  for (const n of names) {
    const m = VERSION_FILE_RE.exec(n);
    if (!m) continue;
    const v = Number(m[1] ?? m[2]);
    all.add(v);
    if (MANIFEST_RE.test(n)) manifests.add(v);
  }
  const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { manifests: asc(manifests), all: asc(all) };
}

/**
 * A model as the bytes of its file (UTF-8 of JSON.stringify(model.toJSON()), exactly what saveModel
 * writes for the model itself): the training worker encodes it (encodeModel), so the extension host
 * writes the bytes it gets without decoding and encoding the model (~9 MB of JSON at 100k labels).
 */
export interface EncodedModel {
  type: AssistModelType;
  bytes: Uint8Array;
}

export function encodeModel(model: AnyAssistModel): EncodedModel {
  return { type: model.type, bytes: Buffer.from(JSON.stringify(model.toJSON()), 'utf8') };
}

/** What saveModel writes: a TrainResult of trainAndValidate (text) or trainAndValidateImages, with the model or its file (encodeModel). */
export type SavableModel = Pick<TrainResult, 'name' | 'trainedOn' | 'targetPrecision' | 'validation'> & ({ model: AnyAssistModel; modelFile?: undefined } | { model?: undefined; modelFile: EncodedModel });

/** What the training job saves (saveForValidation): the model, and what its validation job reads. */
export interface TrainedFiles {
  name: string;
  trainedOn: number;
  targetPrecision: number;
  model: EncodedModel;
  /** The validation model, when it is not the saved one (the saved model was trained again on every label). */
  validator?: EncodedModel;
  /** The held-out examples' file (holdout-file.ts) and how many they are. */
  holdout: { bytes: Uint8Array; items: number };
}

export interface SaveOptions {
  signal?: AbortSignal;
  /** Default: now. */
  now?: Date;
}

/**
 * Saves a model trained and validated in one call as the next version (validated), and prunes (see the
 * file comment). A cancel before the manifest is written removes what it wrote: the previous versions
 * stay as they were.
 */
export async function saveModel(root: string, projectId: string, trained: SavableModel, opts: SaveOptions = {}): Promise<ModelManifest> {
  const bytes = trained.modelFile ? trained.modelFile.bytes : JSON.stringify(trained.model.toJSON());
  const type = trained.modelFile ? trained.modelFile.type : trained.model.type;
  return saveVersion(root, projectId, opts, (version) => ({
    files: [[modelName(version), bytes]],
    manifest: manifestOf(projectId, type, trained, version, opts, { validation: trained.validation }),
  }));
}

/**
 * The training job's save: the next version, NOT VALIDATED YET: the held-out examples, the validation
 * model when it is not the saved one, the model, then the manifest saying what the validation job reads
 * (see the file comment). A cancel before the manifest is written removes what it wrote.
 */
export async function saveForValidation(root: string, projectId: string, trained: TrainedFiles, opts: SaveOptions = {}): Promise<ModelManifest> {
  return saveVersion(root, projectId, opts, (version) => {
    const input: ValidationInput = { holdoutFile: holdoutName(version), ...(trained.validator ? { validatorFile: validatorName(version) } : {}), items: trained.holdout.items };
    const files: [string, string | Uint8Array][] = [[holdoutName(version), trained.holdout.bytes]];
    if (trained.validator) files.push([validatorName(version), trained.validator.bytes]);
    files.push([modelName(version), trained.model.bytes]);
    return { files, manifest: manifestOf(projectId, trained.model.type, trained, version, opts, { validation: null, validationInput: input }) };
  });
}

function manifestOf(
  projectId: string,
  type: AssistModelType,
  t: Pick<TrainedFiles, 'name' | 'trainedOn' | 'targetPrecision'>,
  version: number,
  opts: SaveOptions,
  v: Pick<ModelManifest, 'validation' | 'validationInput'>,
): ModelManifest {
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    projectId,
    type,
    model: t.name,
    version,
    trainedOn: t.trainedOn,
    targetPrecision: t.targetPrecision,
    ...v,
    createdAt: (opts.now ?? new Date()).toISOString(),
    modelFile: modelName(version),
  };
}

/** Writes a version's files then its manifest, each atomically; on any failure or cancel removes what it wrote. */
async function saveVersion(
  root: string,
  projectId: string,
  opts: SaveOptions,
  make: (version: number) => { files: [string, string | Uint8Array][]; manifest: ModelManifest },
): Promise<ModelManifest> {
  throwIfAborted(opts.signal);
  const dir = modelsDir(root, projectId);
  const { all } = await versionsOnDisk(dir);
  const version = (all[all.length - 1] ?? 0) + 1;
  const { files, manifest } = make(version);
  try {
    for (const [name, data] of files) {
      throwIfAborted(opts.signal);
      await writeFileAtomic(path.join(dir, name), data);
    }
    throwIfAborted(opts.signal);
    await writeFileAtomic(path.join(dir, manifestName(version)), manifestText(manifest));
  } catch (e) {
    for (const [name] of files) await fsp.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    throw e;
  }
  await prune(dir, version);
  return manifest;
}

const manifestText = (m: ModelManifest): string => `${JSON.stringify(m, null, 2)}\n`;

/**
 * The validation job's write: the figures into version `version`'s manifest, which must still be the
 * one the job read (`expected`: same version and createdAt, not validated yet). The manifest is written
 * again whole and atomically (a cancel or failure before the rename leaves it byte for byte as it was);
 * then the held-out examples and the validation model are removed (a failure there is only a leftover
 * the next prune takes).
 */
export async function recordValidation(root: string, expected: ModelManifest, validation: ValidationFigures, opts: SaveOptions = {}): Promise<ValidatedManifest> {
  throwIfAborted(opts.signal);
  const dir = modelsDir(root, expected.projectId);
  const file = path.join(dir, manifestName(expected.version));
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new LabelingError('not-found', `version ${expected.version} was removed while it was validated (${(e as NodeJS.ErrnoException).code ?? messageOf(e)})`, { file });
  }
  const now = parseManifest(text, file, expected.projectId, expected.version);
  if (now.createdAt !== expected.createdAt) throw new LabelingError('invalid-input', `version ${expected.version} was saved again while it was validated`, { file, field: 'createdAt' });
  if (isValidated(now)) throw new LabelingError('invalid-input', `version ${expected.version} is validated already`, { file, field: 'validation' });
  const { validationInput, ...rest } = now;
  const validated: ValidatedManifest = { ...rest, formatVersion: MANIFEST_VERSION, validation, validatedAt: (opts.now ?? new Date()).toISOString() };
  throwIfAborted(opts.signal);
  await writeFileAtomic(file, manifestText(validated));
  for (const name of [validationInput?.holdoutFile, validationInput?.validatorFile]) if (name) await fsp.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  return validated;
}

/**
 * Keeps `latest`, the newest version below it that has a manifest, and the newest validated version;
 * removes every file of the other versions (the files of a save that crashed before its manifest too).
 */
async function prune(dir: string, latest: number): Promise<void> {
  const { manifests, all } = await versionsOnDisk(dir);
  const previous = manifests.filter((v) => v < latest).pop();
  let validated: number | undefined;
  for (const v of [...manifests].reverse()) {
    if (v <= latest && (await readValidated(path.join(dir, manifestName(v))))) {
      validated = v;
      break;
    }
  }
  for (const v of all) {
    if (v >= latest || v === previous || v === validated) continue;
    for (const name of versionFiles(v)) await fsp.rm(path.join(dir, name), { force: true });
  }
}

/** Whether a manifest file says its version is validated (a file that does not read says no). */
async function readValidated(file: string): Promise<boolean> {
  try {
    const o = JSON.parse(await fsp.readFile(file, 'utf8')) as { validation?: unknown };
    return o.validation !== null && o.validation !== undefined;
  } catch {
    return false;
  }
}

/** Every version's manifest that reads, newest first, and the problems of those that do not. */
export async function listModels(root: string, projectId: string): Promise<{ manifests: ModelManifest[]; problems: ModelFileProblem[] }> {
  const dir = modelsDir(root, projectId);
  const { manifests: versions } = await versionsOnDisk(dir);
  const manifests: ModelManifest[] = [];
  const problems: ModelFileProblem[] = [];
  for (const v of versions.reverse()) {
    const file = path.join(dir, manifestName(v));
    try {
      manifests.push(parseManifest(await fsp.readFile(file, 'utf8'), file, projectId, v));
    } catch (e) {
      problems.push({ file, message: messageOf(e) });
    }
  }
  return { manifests, problems };
}

/** The files a version's validation job reads, absolute: its validation model (the saved one unless named) and its held-out examples. */
export function validationFiles(root: string, m: ModelManifest): { validatorFile: string; holdoutFile: string } | undefined {
  const input = m.validationInput;
  if (!input) return undefined;
  const dir = modelsDir(root, m.projectId);
  return { validatorFile: path.join(dir, input.validatorFile ?? m.modelFile), holdoutFile: path.join(dir, input.holdoutFile) };
}

function parseManifest(text: string, file: string, projectId: string, version: number): ModelManifest {
  const bad = (field: string, message: string) => new LabelingError('invalid-input', message, { file, field });
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new LabelingError('invalid-input', `not valid JSON (${(e as Error).message})`, { file });
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad('format', 'a manifest must be a JSON object');
  if (o.format !== MANIFEST_FORMAT) throw bad('format', `must be "${MANIFEST_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.formatVersion !== 1 && o.formatVersion !== MANIFEST_VERSION) throw bad('formatVersion', `this extension reads manifest versions 1 and ${MANIFEST_VERSION}, the file has ${JSON.stringify(o.formatVersion)}`);
  if (o.projectId !== projectId) throw bad('projectId', `is ${JSON.stringify(o.projectId)}, the folder is of project "${projectId}"`);
  if (o.version !== version) throw bad('version', `is ${JSON.stringify(o.version)}, the file name says ${version}`);
  if (!(ASSIST_MODEL_TYPES as readonly unknown[]).includes(o.type)) throw bad('type', `not a built-in model type (${ASSIST_MODEL_TYPES.join(', ')}): ${JSON.stringify(o.type)}`);
  for (const f of ['trainedOn', 'targetPrecision'] as const) if (typeof o[f] !== 'number') throw bad(f, 'must be a number');
  for (const f of ['model', 'createdAt'] as const) if (typeof o[f] !== 'string') throw bad(f, 'must be a string');
  if (o.modelFile !== modelName(version)) throw bad('modelFile', `must be "${modelName(version)}", got ${JSON.stringify(o.modelFile)}`);
  const v = o.validation as Record<string, unknown> | null | undefined;
  if (v === null && o.formatVersion !== 1) {
    // Not validated yet: what the validation job reads must be named.
    const input = o.validationInput as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') throw bad('validationInput', 'is missing (a version not validated yet names its held-out examples)');
    if (input.holdoutFile !== holdoutName(version)) throw bad('validationInput.holdoutFile', `must be "${holdoutName(version)}", got ${JSON.stringify(input.holdoutFile)}`);
    if (input.validatorFile !== undefined && input.validatorFile !== validatorName(version)) throw bad('validationInput.validatorFile', `must be "${validatorName(version)}", got ${JSON.stringify(input.validatorFile)}`);
    if (typeof input.items !== 'number') throw bad('validationInput.items', 'must be a number');
    return o as unknown as ModelManifest;
  }
  if (!v || typeof v !== 'object') throw bad('validation', 'is missing');
  for (const f of ['items', 'accuracy'] as const) if (typeof v[f] !== 'number') throw bad(`validation.${f}`, 'must be a number');
  for (const f of ['threshold', 'precisionAtThreshold'] as const) if (v[f] !== null && typeof v[f] !== 'number') throw bad(`validation.${f}`, 'must be a number or null');
  if (typeof v.message !== 'string') throw bad('validation.message', 'must be a string');
  return o as unknown as ModelManifest;
}

/** An error's message, for a problem naming its file. */
export function messageOf(e: unknown): string {
  if (e instanceof LabelingError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
