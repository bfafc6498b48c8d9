/**
 * Per-pixel statistics of class-index masks: class pixel counts, per-class IoU and mean IoU between two
 * masks (the consensus agreement), and the per-pixel majority of N masks (the consensus final mask).
 */
import { checkRaster, IGNORE, invalidMask, UNLABELED, type ClassRaster } from './raster';

/** Pixels per class index: `counts[v]` pixels have index v. */
export function classPixelCounts(r: ClassRaster): Float64Array {
  checkRaster(r);
  const counts = new Float64Array(256);
  const d = r.data;
  for (let i = 0; i < d.length; i++) counts[d[i]!]!++;
  return counts;
}

function sameSize(masks: readonly ClassRaster[]): void {
  const [first] = masks;
  masks.forEach((m, k) => {
    checkRaster(m, { field: `masks[${k}]` });
    if (m.width !== first!.width || m.height !== first!.height) {
      throw invalidMask(`mask ${k} is ${m.width} x ${m.height}, mask 0 is ${first!.width} x ${first!.height}: masks of one image have one size`);
    }
  });
}

export interface ClassIoU {
  classIndex: number;
  intersection: number;
  union: number;
  iou: number;
}

/**
 * IoU per class between two masks of one image, for every class present in either (over the pixels
 * compared): "unlabeled" (0) is not a class, and a pixel either mask marks ignore (255) is left out of
 * every count. A pixel one mask gives class c and the other leaves unlabeled counts in c's union.
 */
export function perClassIoU(a: ClassRaster, b: ClassRaster): ClassIoU[] {
  sameSize([a, b]);
  // Joint histogram: joint[va * 256 + vb] pixels.
  const joint = new Float64Array(256 * 256);
  const da = a.data;
  const db = b.data;
  for (let i = 0; i < da.length; i++) joint[(da[i]! << 8) | db[i]!]!++;
  const inA = new Float64Array(256);
  const inB = new Float64Array(256);
  for (let va = 0; va < 256; va++) {
    if (va === IGNORE) continue;
    for (let vb = 0; vb < 256; vb++) {
      if (vb === IGNORE) continue;
      const n = joint[(va << 8) | vb]!;
      inA[va] += n;
      inB[vb] += n;
    }
  }
  const out: ClassIoU[] = [];
  for (let c = 0; c < 256; c++) {
    if (c === UNLABELED || c === IGNORE) continue;
    const intersection = joint[(c << 8) | c]!;
    const union = inA[c]! + inB[c]! - intersection;
    if (union > 0) out.push({ classIndex: c, intersection, union, iou: intersection / union });
  }
  return out;
}

/**
 * Mean of perClassIoU over the classes present in either mask. Two masks with no class at all (all
 * unlabeled or ignored) agree completely: 1.
 */
export function meanIoU(a: ClassRaster, b: ClassRaster): number {
  const per = perClassIoU(a, b);
  return per.length ? per.reduce((s, c) => s + c.iou, 0) / per.length : 1;
}

/** Mean of meanIoU over every pair of masks (1 for fewer than two masks). */
export function pairwiseMeanIoU(masks: readonly ClassRaster[]): number {
  sameSize(masks);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < masks.length; i++) {
    for (let j = i + 1; j < masks.length; j++) {
      sum += meanIoU(masks[i]!, masks[j]!);
      pairs++;
    }
  }
  return pairs ? sum / pairs : 1;
}

/**
 * The per-pixel majority of N masks of one image: each pixel takes the index most masks give it, every
 * index voting, unlabeled (0) and ignore (255) included. A tie goes to the index of the mask that comes
 * first in `masks` among the tied ones (the caller orders them by labeler order), so the result does
 * not depend on index values.
 */
export function majorityMask(masks: readonly ClassRaster[]): ClassRaster {
  if (!masks.length) throw invalidMask('the majority of no masks is undefined: give at least one mask');
  sameSize(masks);
  const { width, height } = masks[0]!;
  const n = width * height;
  const out = new Uint8Array(n);
  const datas = masks.map((m) => m.data);
  const k = datas.length;
  const votes = new Uint16Array(256);
  for (let i = 0; i < n; i++) {
    const v0 = datas[0]![i]!;
    let same = true;
    for (let j = 1; j < k && same; j++) same = datas[j]![i] === v0;
    if (same) {
      out[i] = v0;
      continue;
    }
    for (let j = 0; j < k; j++) votes[datas[j]![i]!]!++;
    // Scan in mask order: a strictly greater count replaces, so the earliest mask's index wins ties.
    let best = v0;
    let bestVotes = 0;
    for (let j = 0; j < k; j++) {
      const v = datas[j]![i]!;
      if (votes[v]! > bestVotes) {
        best = v;
        bestVotes = votes[v]!;
      }
    }
    for (let j = 0; j < k; j++) votes[datas[j]![i]!] = 0;
    out[i] = best;
  }
  return { width, height, data: out };
}
