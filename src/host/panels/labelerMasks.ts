/**
 * The labeling panel's masks (semantic segmentation): a mask annotation names a blob in the project's
 * `masks/` folder, so the host reads the raster and sends it as runs with the item (LabelerItem.mask;
 * decoded once per blob, a few kept), and a submit carries the painted raster as runs, which the host
 * validates (class indices of the project, its size the image's as displayed: the store checks that),
 * stores as a blob and submits as the mask annotation.
 */
import { LabelingError } from '../../core/errors';
import { getMaskSync, storeMaskAnnotation } from '../../core/masks/blob-store';
import type { Annotation, MaskAnnotation, ProjectDef } from '../../core/model';
import { decodeMaskMessage, maskMessage, MaskTransportError, type MaskRunsMessage } from '../../protocol/mask-transport';

/** Runs of the masks last sent, by blob: the same item is sent again with every view. */
const CACHE = 8;
const sent = new Map<string, MaskRunsMessage | null>();

/**
 * The runs of a mask annotation's raster, for the webview; undefined for another kind, or when the
 * blob cannot be read (then `onProblem` hears why, once per blob, and the panel starts from an empty mask).
 */
export function maskRunsOf(projectDir: string, a: Annotation | undefined, onProblem?: (message: string) => void): MaskRunsMessage | undefined {
  if (a?.kind !== 'mask') return undefined;
  const hit = sent.get(a.blob);
  if (hit !== undefined) {
    sent.delete(a.blob);
    sent.set(a.blob, hit);
    return hit ?? undefined;
  }
  let runs: MaskRunsMessage | null = null;
  try {
    const r = getMaskSync(projectDir, a.blob);
    runs = maskMessage(r.data, r.width, r.height);
  } catch (e) {
    onProblem?.((e as Error).message);
  }
  remember(a.blob, runs);
  return runs ?? undefined;
}

function remember(blob: string, runs: MaskRunsMessage | null): void {
  sent.delete(blob);
  sent.set(blob, runs);
  while (sent.size > CACHE) sent.delete(sent.keys().next().value!);
}

/** The mask annotation of a submitted mask: validated, its blob stored (before the journal line names it). */
export async function submittedMask(projectDir: string, def: Pick<ProjectDef, 'labels' | 'ignoreLabel' | 'type'>, key: string, msg: unknown): Promise<MaskAnnotation> {
  if (def.type !== 'image-semantic-segmentation') throw new LabelingError('invalid-input', `a ${def.type} project takes no mask`, { field: 'mask' });
  const labels = def.labels.map((l) => l.name);
  let decoded;
  try {
    decoded = decodeMaskMessage(msg, { classCount: labels.length, allowIgnore: def.ignoreLabel !== undefined, what: `mask of ${key}` });
  } catch (e) {
    if (e instanceof MaskTransportError) throw new LabelingError('invalid-input', e.message, { field: 'mask' });
    throw e;
  }
  // The classes present are the runs' values (validated by the decode): no pass over the 12 MP of a 4000 x 3000 raster for them.
  const runs = (msg as { runs: number[] }).runs;
  const present = new Set<number>();
  for (let k = 0; k < runs.length; k += 2) present.add(runs[k]!);
  const { annotation } = await storeMaskAnnotation(projectDir, { width: decoded.width, height: decoded.height, data: decoded.raster }, labels, def.ignoreLabel, [...present]);
  // The item goes back to the webview with this mask (it is held for Back, at its new version): the runs it
  // came as are its blob's, so sending it costs no PNG decode and no encode (~70 ms of the extension host's
  // turn after each submit of a 4,000 x 3,000 mask, in the timer that posts the held items).
  remember(annotation.blob, { width: decoded.width, height: decoded.height, runs: runs.slice() });
  return annotation;
}
