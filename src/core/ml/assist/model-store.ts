/**
 * Saved ML-assist models (issue 12 item 1): `.labeling/.cache/models/<projectId>/` holds, per version,
 * `model-<v>.json` (the model) and `manifest-<v>.json` (version, trainedOn, validation figures,
 * createdAt, the model file's name). Both are written atomically (temp file, fsync, rename); the model
 * first, then its manifest: a version exists once its manifest does, so a save that stops between the two
 * leaves a model file nobody reads, and removes it. The latest version and the one before it are kept.
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
import { ASSIST_TEXT_TYPES, type AssistTextType } from './training-set';

export const MANIFEST_FORMAT = 'data-labeling.assist-manifest';
export const MANIFEST_VERSION = 1;

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_VERSION;
  projectId: string;
  type: AssistModelType;
  /** MODEL_NAMES of the type: the CLI's `"model"`. */
  model: string;
  version: number;
  trainedOn: number;
  targetPrecision: number;
  validation: ValidationFigures;
  createdAt: string;
  /** The model file's name, beside the manifest. */
  modelFile: string;
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
const MODEL_RE = /^model-(\d+)\.json$/;
const modelName = (v: number): string => `model-${v}.json`;
const manifestName = (v: number): string => `manifest-${v}.json`;

/** The `{model, version, trainedOn, validation}` of the CLI's --json output. */
export function assistReport(m: ModelManifest): { model: string; version: number; trainedOn: number; validation: ValidationFigures } {
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
    const m = MANIFEST_RE.exec(n) ?? MODEL_RE.exec(n);
    if (!m) continue;
    const v = Number(m[1]);
    all.add(v);
    if (MANIFEST_RE.test(n)) manifests.add(v);
  }
  const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { manifests: asc(manifests), all: asc(all) };
}

export interface SaveOptions {
  signal?: AbortSignal;
  /** Default: now. */
  now?: Date;
}

/**
 * Saves a trained model as the next version and removes versions older than the one before it. A
 * cancel before the manifest is written removes the model file it wrote (and any temp file): the
 * previous versions stay as they were.
 */
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

export async function saveModel(root: string, projectId: string, trained: SavableModel, opts: SaveOptions = {}): Promise<ModelManifest> {
  throwIfAborted(opts.signal);
  const dir = modelsDir(root, projectId);
  const { all } = await versionsOnDisk(dir);
  const version = (all[all.length - 1] ?? 0) + 1;
  const modelFile = path.join(dir, modelName(version));
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    projectId,
    type: trained.modelFile ? trained.modelFile.type : trained.model.type,
    model: trained.name,
    version,
    trainedOn: trained.trainedOn,
    targetPrecision: trained.targetPrecision,
    validation: trained.validation,
    createdAt: (opts.now ?? new Date()).toISOString(),
    modelFile: modelName(version),
  };
  try {
    throwIfAborted(opts.signal);
    await writeFileAtomic(modelFile, trained.modelFile ? trained.modelFile.bytes : JSON.stringify(trained.model.toJSON()));
    throwIfAborted(opts.signal);
    await writeFileAtomic(path.join(dir, manifestName(version)), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (e) {
    await fsp.rm(modelFile, { force: true }).catch(() => undefined);
    throw e;
  }
  await prune(dir, version);
  return manifest;
}

/**
 * Keeps `latest` and the newest version below it that has a manifest; removes every other file of an
 * older version (an orphan model file of a save that crashed before its manifest goes too).
 */
async function prune(dir: string, latest: number): Promise<void> {
  const { manifests, all } = await versionsOnDisk(dir);
  const previous = manifests.filter((v) => v < latest).pop();
  for (const v of all) {
    if (v >= latest || v === previous) continue;
    await fsp.rm(path.join(dir, modelName(v)), { force: true });
    await fsp.rm(path.join(dir, manifestName(v)), { force: true });
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

/**
 * The newest version whose manifest and model both read, or undefined (no model yet, or none
 * readable); `problems` names each damaged file passed over. Only models of `types` are loaded
 * (default: the text types); a version of another type is passed over as a problem.
 */
export async function loadLatestModel(root: string, projectId: string): Promise<{ loaded?: LoadedModel; problems: ModelFileProblem[] }>;
export async function loadLatestModel<T extends AssistModelType>(root: string, projectId: string, types: readonly T[]): Promise<{ loaded?: LoadedModel<T>; problems: ModelFileProblem[] }>;
export async function loadLatestModel(
  root: string,
  projectId: string,
  types: readonly AssistModelType[] = ASSIST_TEXT_TYPES,
): Promise<{ loaded?: LoadedModel<AssistModelType>; problems: ModelFileProblem[] }> {
  const { manifests, problems } = await listModels(root, projectId);
  const dir = modelsDir(root, projectId);
  for (const manifest of manifests) {
    const modelFile = path.join(dir, manifest.modelFile);
    if (!types.includes(manifest.type)) {
      problems.push({ file: path.join(dir, manifestName(manifest.version)), message: `type: a model of type ${manifest.type}; ${orList(types)} wanted` });
      continue;
    }
    try {
      let json: unknown;
      try {
        json = JSON.parse(await fsp.readFile(modelFile, 'utf8'));
      } catch (e) {
        if (e instanceof SyntaxError) throw new LabelingError('invalid-input', `not valid JSON (${e.message})`, { file: modelFile });
        throw e;
      }
      const model = AssistModel.fromAnyJSON(json, modelFile);
      if (model.type !== manifest.type) throw new LabelingError('invalid-input', `holds a ${model.type} model, its manifest says ${manifest.type}`, { file: modelFile, field: 'type' });
      return { loaded: { manifest, model, manifestFile: path.join(dir, manifestName(manifest.version)), modelFile }, problems };
    } catch (e) {
      problems.push({ file: modelFile, message: messageOf(e) });
    }
  }
  return { problems };
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
  if (o.formatVersion !== MANIFEST_VERSION) throw bad('formatVersion', `this extension reads manifest version ${MANIFEST_VERSION}, the file has ${JSON.stringify(o.formatVersion)}`);
  if (o.projectId !== projectId) throw bad('projectId', `is ${JSON.stringify(o.projectId)}, the folder is of project "${projectId}"`);
  if (o.version !== version) throw bad('version', `is ${JSON.stringify(o.version)}, the file name says ${version}`);
  if (!(ASSIST_MODEL_TYPES as readonly unknown[]).includes(o.type)) throw bad('type', `not a built-in model type (${ASSIST_MODEL_TYPES.join(', ')}): ${JSON.stringify(o.type)}`);
  for (const f of ['trainedOn', 'targetPrecision'] as const) if (typeof o[f] !== 'number') throw bad(f, 'must be a number');
  for (const f of ['model', 'createdAt'] as const) if (typeof o[f] !== 'string') throw bad(f, 'must be a string');
  if (o.modelFile !== modelName(version)) throw bad('modelFile', `must be "${modelName(version)}", got ${JSON.stringify(o.modelFile)}`);
  const v = o.validation as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object') throw bad('validation', 'is missing');
  for (const f of ['items', 'accuracy'] as const) if (typeof v[f] !== 'number') throw bad(`validation.${f}`, 'must be a number');
  for (const f of ['threshold', 'precisionAtThreshold'] as const) if (v[f] !== null && typeof v[f] !== 'number') throw bad(`validation.${f}`, 'must be a number or null');
  if (typeof v.message !== 'string') throw bad('validation.message', 'must be a string');
  return o as unknown as ModelManifest;
}

/** "a, b or c" */
function orList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : (items[0] ?? 'none');
}

function messageOf(e: unknown): string {
  if (e instanceof LabelingError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
