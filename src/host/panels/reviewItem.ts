/**
 * What the Review panel shows of one item, built from the store's ItemView (no vscode: the image URI
 * is made by the caller): each labeler's annotation, the prelabel, the consensus label (the final one,
 * else the top choice among the labelers, as in Azure), and a line saying why it needs review.
 */
import { labelsUsed, type Annotation } from '../../core/model';
import { consensusOf } from '../../core/store/agreement';
import type { ItemView } from '../../core/store/types';
import type { MaskRunsMessage } from '../../protocol/mask-transport';
import type { ReviewItem } from '../../protocol/review';

const DID: Record<string, string> = { approve: 'approved', reject: 'rejected', 'accept-skip': 'accepted the skip', unskip: 'returned the skip', decide: 'decided' };
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** A short description of an annotation: its labels, or how many spans/shapes of which labels. */
export function describeAnnotation(a: Annotation): string {
  const used = labelsUsed(a);
  if (a.kind === 'classes') return used.length ? used.join(', ') : '(no label)';
  if (!used.length) return `no ${a.kind}`;
  const n = new Map<string, number>();
  for (const l of used) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].map(([l, c]) => `${c} ${l}`).join(', ');
}

/**
 * `maskOf` (semantic segmentation) gives the runs of a mask annotation's blob: every mask the item shows
 * is sent with it (ReviewItem.masks).
 */
export function reviewItemOf(v: ItemView, skippedBy: string[], imageUri?: string, maskOf?: (a: Annotation) => MaskRunsMessage | undefined): ReviewItem {
  const annotations = [v.mine, ...v.others]
    .filter((a) => a !== undefined)
    .sort((a, b) => (a!.at < b!.at ? -1 : a!.at > b!.at ? 1 : 0))
    .map((a) => ({ labeler: a!.labeler, annotation: a!.annotation, at: a!.at }));
  const item: ReviewItem = { key: v.key, ref: v.ref, media: v.media, state: v.state, version: v.version, annotations, skippedBy, settled: v.final !== undefined };
  if (v.text !== undefined) item.text = v.text;
  if (imageUri) item.imageUri = imageUri;
  if (v.width !== undefined) item.width = v.width;
  if (v.height !== undefined) item.height = v.height;
  if (v.assignee) item.assignee = v.assignee;
  if (v.prelabel) {
    item.prelabel = { annotation: v.prelabel.annotation, by: v.prelabel.labeler };
    if (v.prelabel.confidence !== undefined) item.prelabel.confidence = v.prelabel.confidence;
  }
  if (v.final) item.consensus = v.final;
  else if (annotations.length) item.consensus = consensusOf(annotations, (a) => a.annotation).top[0]!.annotation;
  if (v.finalBy) item.finalBy = v.finalBy;
  if (v.agreement !== undefined) item.agreement = v.agreement;
  if (v.review) item.review = v.review;
  if (v.conflict) item.conflict = v.conflict.map((d) => ({ kind: d.kind, by: d.by, at: d.at, ...(d.annotation ? { annotation: d.annotation } : {}) }));
  if (v.newer) item.newer = v.newer;
  if (maskOf) {
    const shown = [...annotations.map((a) => a.annotation), item.prelabel?.annotation, item.consensus, ...(item.conflict ?? []).map((d) => d.annotation)];
    for (const a of shown) {
      if (a?.kind !== 'mask' || item.masks?.[a.blob]) continue;
      const runs = maskOf(a);
      if (runs) (item.masks ??= {})[a.blob] = runs;
    }
  }
  const why = whyOf(item);
  if (why) item.why = why;
  return item;
}

/** Why the item needs review: the conflicting decisions, or who said what and the agreement. */
function whyOf(item: ReviewItem): string | undefined {
  if (item.state !== 'needs-review') return undefined;
  if (item.conflict?.length) {
    const did = (d: NonNullable<ReviewItem['conflict']>[number]): string =>
      d.kind === 'decide' && d.annotation ? `decided ${describeAnnotation(d.annotation)}` : (DID[d.kind] ?? d.kind);
    return `Review conflict: ${item.conflict.map((d) => `${d.by} ${did(d)}`).join('; ')}. A review that saw both settles it.`;
  }
  const said = item.annotations.map((a) => `${a.labeler}: ${describeAnnotation(a.annotation)}`).join('; ');
  return `No consensus: ${said}${item.agreement !== undefined ? ` (agreement ${pct(item.agreement)})` : ''}.`;
}
