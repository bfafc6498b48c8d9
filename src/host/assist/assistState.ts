/**
 * What ML assist can do for a project, and the Project Details section it shows (protocol DetailsAssist),
 * from plain inputs: no vscode here, so it is unit-tested directly.
 */
import type { JobInfo } from '../../core/jobs/types';
import type { ProjectDef } from '../../core/model';
import type { ModelManifest, ValidatedManifest } from '../../core/ml/assist/model-store';
import { isAssistImageType } from '../../core/ml/assist/image-training-set';
import { isAssistTextType } from '../../core/ml/assist/training-set';
import { nextTrainingAt, shouldTrain } from '../../core/ml/assist/trigger';
import type { DetailsAssist } from '../../protocol/details';

/** The job runner's resource of a project's ML-assist jobs: they run one at a time per project. */
export function assistResource(root: string, projectId: string): string {
  return `assist:${root}::${projectId}`;
}

export interface Availability {
  kind: DetailsAssist['kind'];
  /** Why the built-in model does not train here (shown in Project Details and by the command). */
  unavailable?: string;
}

/**
 * Which model serves the project: a model the team serves when project.json names one
 * (mlAssist.backendUrl, any type), else the built-in model of its type (text classification, NER, image
 * classification), else none (object detection and instance segmentation have no built-in model).
 */
export function availability(def: ProjectDef): Availability {
  const backend = def.mlAssist.backendUrl;
  if (backend) return { kind: 'backend' };
  if (isAssistTextType(def.type) || isAssistImageType(def.type)) return { kind: 'builtin' };
  const names: Partial<Record<ProjectDef['type'], string>> = { 'image-detection': 'Object detection', 'image-segmentation': 'Instance segmentation', 'image-semantic-segmentation': 'Semantic segmentation' };
  const what = names[def.type] ?? def.type;
  return { kind: 'none', unavailable: `${what} has no built-in model: set mlAssist.backendUrl in project.json to a Label Studio ML backend that serves one.` };
}

/**
 * Whether an automatic training (or, for a backend, an automatic prelabel run) is due: ML assist is
 * enabled, a model serves the project, and the final labels reached the trigger's count (minLabels, then
 * 20% more than the last run: `lastOn`); not again at a count that already failed (a failed run waits
 * for the labels to grow as a successful one does, so it does not retry on every submit).
 */
export function autoTrainDue(def: ProjectDef, labeled: number, lastOn: number | undefined, lastFailedAt: number | undefined): boolean {
  const kind = availability(def).kind;
  if (kind === 'none' || !def.mlAssist.enabled) return false;
  if (kind === 'builtin' && !shouldTrain(labeled, lastOn, def)) return false;
  if (kind === 'backend' && labeled < nextTrainingAt(lastOn, def)) return false;
  return lastFailedAt === undefined || labeled >= nextTrainingAt(lastFailedAt, def);
}

export interface AssistInputs {
  def: ProjectDef;
  labeled: number;
  /** The newest saved version, validated or not (the next automatic training counts from it). */
  manifest?: ModelManifest;
  /** The newest validated version (the one prelabels use): Project Details shows it with its figures. */
  validated?: ValidatedManifest;
  suggestions?: { count: number; modelVersion: number; threshold: number | null };
  liveAccuracy?: { source: string; confirmed: number; total: number }[];
  /** The project's ML-assist jobs, in the order they were queued. */
  jobs: readonly JobInfo[];
  canPublish: boolean;
}

/** The ML-assist section of Project Details. */
export function detailsAssist(i: AssistInputs): DetailsAssist {
  const a = availability(i.def);
  const out: DetailsAssist = {
    enabled: i.def.mlAssist.enabled,
    kind: a.kind,
    labeled: i.labeled,
    nextTrainingAt: nextTrainingAt(i.manifest?.trainedOn, i.def),
    jobs: [...i.jobs].reverse().map((j) => ({
      id: j.id,
      title: j.title,
      status: j.status,
      ...(j.progress.message !== undefined ? { message: j.progress.message } : {}),
      ...(j.progress.fraction !== undefined ? { fraction: j.progress.fraction } : {}),
      ...(j.error && j.status === 'failed' ? { error: j.error.message } : {}),
      ...(j.startedAt !== undefined ? { startedAt: j.startedAt } : {}),
      ...(j.endedAt !== undefined ? { endedAt: j.endedAt } : {}),
    })),
    canPublish: i.canPublish,
  };
  if (a.unavailable) out.unavailable = a.unavailable;
  if (i.validated) {
    const m = i.validated;
    out.model = { name: m.model, version: m.version, trainedOn: m.trainedOn, createdAt: m.createdAt, validation: { ...m.validation } };
  }
  if (i.suggestions) out.suggestions = { ...i.suggestions };
  if (i.liveAccuracy?.length) out.liveAccuracy = i.liveAccuracy.map((l) => ({ ...l }));
  return out;
}
