/**
 * When ML assist trains by itself (issue 12 item 1): first once the project has a minimum of final labels
 * (project.json's mlAssist.minLabels, else 50 for text, 100 for images), then again each time the labels grew by 20% since the last training.
 * "Labeling: Start ML-Assisted Training" trains on demand whatever this says.
 */
import { mediaOf, type ProjectDef } from '../../model';

export const MIN_LABELS = { text: 50, image: 100 } as const;
/** Train again once labels grew by this share since the last training. */
export const GROWTH = 0.2;

/** Final labels at which the next automatic training is due. */
export function nextTrainingAt(lastTrainedOn: number | undefined, def: Pick<ProjectDef, 'type'> & Partial<Pick<ProjectDef, 'mlAssist'>>): number {
  const min = def.mlAssist?.minLabels ?? MIN_LABELS[mediaOf(def.type)];
  if (lastTrainedOn === undefined || lastTrainedOn <= 0) return min;
  return Math.max(min, Math.ceil(lastTrainedOn * (1 + GROWTH) - 1e-9));
}

/**
 * True when an automatic training is due: ML assist is enabled, the type has a built-in model
 * (detection and segmentation only have a bring-your-own model), and `labeledCount` reached
 * nextTrainingAt.
 */
export function shouldTrain(labeledCount: number, lastTrainedOn: number | undefined, def: Pick<ProjectDef, 'type' | 'mlAssist'>): boolean {
  if (!def.mlAssist.enabled) return false;
  if (def.type === 'image-detection' || def.type === 'image-segmentation') return false;
  return labeledCount >= nextTrainingAt(lastTrainedOn, def);
}
