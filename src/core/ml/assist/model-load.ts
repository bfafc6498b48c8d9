/**
 * Loading a saved ML-assist model (model-store.ts saves them and lists the manifests): the newest version
 * whose files read (loadLatestModel), the newest validated one (loadValidatedModel), or, for a worker
 * session, the validated versions' paths (validatedCandidates) that the worker loads itself
 * (loadFirstCandidate, the same loop), so the thread that chose the version never reads the model.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import { AssistModel, type AnyAssistModel, type AssistModelType } from './assist-model';
import { isValidated, listModels, manifestName, messageOf, modelsDir, type LoadedModel, type ModelFileProblem, type ModelManifest, type ValidatedManifest } from './model-store';
import { ASSIST_TEXT_TYPES } from './training-set';

/**
 * The newest version whose manifest and model both read, or undefined (no model yet, or none
 * readable); `problems` names each damaged file passed over. Only models of `types` are loaded
 * (default: the text types); a version of another type is passed over as a problem. Validated or not:
 * prelabels take loadValidatedModel.
 */
export async function loadLatestModel(root: string, projectId: string): Promise<{ loaded?: LoadedModel; problems: ModelFileProblem[] }>;
export async function loadLatestModel<T extends AssistModelType>(root: string, projectId: string, types: readonly T[]): Promise<{ loaded?: LoadedModel<T>; problems: ModelFileProblem[] }>;
export async function loadLatestModel(
  root: string,
  projectId: string,
  types: readonly AssistModelType[] = ASSIST_TEXT_TYPES,
): Promise<{ loaded?: LoadedModel<AssistModelType>; problems: ModelFileProblem[] }> {
  const { manifests, problems } = await listModels(root, projectId);
  const loaded = await loadFirstCandidate(
    manifests.map((m) => candidateOf(root, m)),
    types,
    problems,
  );
  return { ...(loaded ? { loaded } : {}), problems };
}

/**
 * What prelabels use: the newest VALIDATED version whose files read (as loadLatestModel), and the newer
 * versions passed over because their validation has not run yet (`waiting`, newest first).
 */
export async function loadValidatedModel<T extends AssistModelType>(
  root: string,
  projectId: string,
  types: readonly T[],
): Promise<{ loaded?: LoadedModel<T> & { manifest: ValidatedManifest }; waiting: ModelManifest[]; problems: ModelFileProblem[] }> {
  const { candidates, waiting, problems } = await validatedCandidates(root, projectId);
  const loaded = await loadFirstCandidate(candidates, types, problems);
  return { ...(loaded ? { loaded: loaded as LoadedModel<T> & { manifest: ValidatedManifest } } : {}), waiting, problems };
}

/**
 * A version's files, absolute, and its manifest (small): what a worker is posted instead of the model,
 * so the thread that chose the version never reads, parses or posts the model itself.
 */
export interface ModelCandidate<M extends ModelManifest = ModelManifest> {
  manifest: M;
  manifestFile: string;
  modelFile: string;
}

/**
 * The validated versions prelabels may use, newest first, as loadValidatedModel would try them, without
 * reading a model file: the manifests only (`problems`: the manifests that do not read). A worker session
 * loads the first whose model reads (loadFirstCandidate, the same loop as loadValidatedModel's).
 */
export async function validatedCandidates(
  root: string,
  projectId: string,
): Promise<{ candidates: ModelCandidate<ValidatedManifest>[]; waiting: ModelManifest[]; problems: ModelFileProblem[] }> {
  const { manifests, problems } = await listModels(root, projectId);
  const first = manifests.findIndex(isValidated);
  const waiting = (first < 0 ? manifests : manifests.slice(0, first)).filter((m) => !isValidated(m));
  return { candidates: manifests.filter(isValidated).map((m) => candidateOf(root, m)), waiting, problems };
}

function candidateOf<M extends ModelManifest>(root: string, manifest: M): ModelCandidate<M> {
  const dir = modelsDir(root, manifest.projectId);
  return { manifest, manifestFile: path.join(dir, manifestName(manifest.version)), modelFile: path.join(dir, manifest.modelFile) };
}

/**
 * The model of the first candidate of `types` whose model file reads and holds the type its manifest
 * says; each one passed over is pushed on `problems` (a manifest of another type, a damaged model file:
 * the LabelingError's message, naming the file and field). Runs where the model is used: in this thread
 * for loadValidatedModel and loadLatestModel, in the worker for a prediction session posted candidates.
 */
export async function loadFirstCandidate<M extends ModelManifest>(
  candidates: readonly ModelCandidate<M>[],
  types: readonly AssistModelType[],
  problems: ModelFileProblem[],
): Promise<(LoadedModel<AssistModelType> & { manifest: M }) | undefined> {
  for (const { manifest, manifestFile, modelFile } of candidates) {
    if (!types.includes(manifest.type)) {
      problems.push({ file: manifestFile, message: `type: a model of type ${manifest.type}; ${orList(types)} wanted` });
      continue;
    }
    try {
      const model = await readModelFile(modelFile);
      if (model.type !== manifest.type) throw new LabelingError('invalid-input', `holds a ${model.type} model, its manifest says ${manifest.type}`, { file: modelFile, field: 'type' });
      return { manifest, model, manifestFile, modelFile };
    } catch (e) {
      problems.push({ file: modelFile, message: messageOf(e) });
    }
  }
  return undefined;
}

/** A model file (a saved model or a validation model); a damaged one is a LabelingError naming the file. */
export async function readModelFile(file: string): Promise<AnyAssistModel> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new LabelingError('invalid-input', `not valid JSON (${e.message})`, { file });
    throw e;
  }
  return AssistModel.fromAnyJSON(json, file);
}

/** "a, b or c" */
function orList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : (items[0] ?? 'none');
}
