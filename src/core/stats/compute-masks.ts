/**
 * Agreement of a semantic segmentation project, a path of computeAgreement (compute.ts): per pair, the
 * mean IoU of the masks of the items both labeled and the share at consensus.maskIoU; per class, the
 * pooled IoU. Kappa, alpha and F1 do not apply: null, with the reason in `notes`.
 */
import { perClassIoU } from '../masks/mask-stats';
import { IGNORE } from '../masks/raster';
import { MASK_IOU_THRESHOLD } from '../store/agreement';
import { folderMaskSource } from '../store/mask-source';
import { eachShared, emptyReport, noPairsReason, pairsOf, type AgreementReport, type Ctx } from './compute-context';

/**
 * Semantic segmentation: per pair, the items both labeled compared pixel by pixel (per-class IoU over
 * the classes in either mask, unlabeled and ignore left out): pairs.meanIoU is the mean of the items'
 * mean IoU, pairs.percentAgreement the share of items at consensus.maskIoU or above (the consensus
 * rule), byLabel.iou each class's IoU pooled over every pair. A mask whose blob cannot be read is left
 * out and counted in notes.
 */
export async function masks(ctx: Ctx): Promise<AgreementReport> {
  const { labelers, step, opts } = ctx;
  const report = emptyReport(labelers);
  const dir = ctx.store.projectDir;
  const source = dir ? folderMaskSource(dir) : undefined;
  const threshold = ctx.store.def.consensus.maskIoU ?? MASK_IOU_THRESHOLD;
  const names = ctx.labelNames;
  const ignoreName = ctx.store.def.ignoreLabel;
  const perClass = new Map<number, { i: number; u: number }>();
  const keys = new Set<string>();
  let agreed = 0;
  let paired = 0;
  let unreadable = 0;
  for (const [a, b] of pairsOf(labelers.length)) {
    const x = labelers[a]!;
    const y = labelers[b]!;
    let items = 0;
    let agree = 0;
    let sum = 0;
    await eachShared(ctx, x, y, async (row) => {
      if (row.a.kind !== 'mask' || row.b.kind !== 'mask') return;
      const ra = source?.read(row.a.blob);
      const rb = ra && source?.read(row.b.blob);
      if (!ra || !rb || ra.width !== rb.width || ra.height !== rb.height) {
        unreadable++;
        return;
      }
      const per = perClassIoU(ra, rb);
      const mean = per.length ? per.reduce((t, c) => t + c.iou, 0) / per.length : 1;
      items++;
      keys.add(row.key);
      sum += mean;
      if (mean >= threshold) agree++;
      for (const c of per) {
        let acc = perClass.get(c.classIndex);
        if (!acc) perClass.set(c.classIndex, (acc = { i: 0, u: 0 }));
        acc.i += c.intersection;
        acc.u += c.union;
      }
      await step();
    }, () => opts.onProgress?.(0.5, `Comparing the masks of ${x} and ${y}`));
    agreed += agree;
    paired += items;
    report.pairs.push({ a: x, b: y, items, percentAgreement: items ? agree / items : null, cohenKappa: null, f1: null, meanIoU: items ? sum / items : null });
    if (!items) report.notes[`pairs.${x}/${y}`] = 'no item labeled by both';
  }
  report.items = keys.size;
  const na = 'does not apply to masks: agreement is the IoU of their pixels (pairs.meanIoU, byLabel.iou)';
  for (const k of ['pairs.cohenKappa', 'pairs.f1', 'fleissKappa', 'fleissItems', 'krippendorffAlpha', 'byLabel.krippendorffAlpha', 'byLabel.f1']) report.notes[k] = na;
  if (unreadable) report.notes['pairs.meanIoU'] = `${unreadable} pair(s) of masks left out: a blob is missing or damaged, or their sizes differ`;
  if (labelers.length < 2 || !paired) report.notes.percentAgreement = noPairsReason(labelers.length);
  else report.percentAgreement = agreed / paired;
  const nameOf = (v: number): string => (v === IGNORE ? ignoreName ?? 'ignore' : names[v - 1] ?? `class ${v}`);
  for (const label of names) report.byLabel[label] = { krippendorffAlpha: null, f1: null, iou: null };
  for (const [v, acc] of [...perClass.entries()].sort((p, q) => p[0] - q[0])) report.byLabel[nameOf(v)] = { krippendorffAlpha: null, f1: null, iou: acc.u ? acc.i / acc.u : null };
  for (const label of names) if (report.byLabel[label]!.iou === null) report.notes[`byLabel.${label}.iou`] = 'no labeler painted this class on an item shared with another';
  return report;
}
