/**
 * When two labelers' annotations agree (consensus), rule version CONSENSUS_RULE_VERSION:
 *  - classes: the same set of labels;
 *  - spans: the same set of (start, end, label);
 *  - boxes and polygons: the optimal one-to-one matching of same-label shapes at IoU >= 0.5
 *    (geometry/matching.ts) covers every shape of both; polygons by their own area (all rings,
 *    even-odd), not their bounding boxes.
 *  - masks (semantic segmentation): the per-class IoU averaged over the classes present in either mask,
 *    "unlabeled" excluded and ignore pixels left out (masks/mask-stats.ts meanIoU), at least the
 *    project's consensus.maskIoU (default 0.8). The rasters come from a MaskSource (mask-source.ts:
 *    the project's masks folder through a small cache); the same blob agrees without reading it, a
 *    blob that cannot be read agrees with nothing but itself. The final mask of a consensus group is
 *    the per-pixel majority of its members (a new blob).
 * Version 1 matched boxes greedily and polygons by their bounding boxes.
 */
import type { Annotation, MaskAnnotation } from '../model';
import { IOU_THRESHOLD, matchBoxes, matchPolygons, type Matching } from '../geometry/matching';
import { majorityMask, meanIoU } from '../masks/mask-stats';
import { maskAnnotationOf, presentIndices, UNLABELED, type ClassRaster } from '../masks/raster';

export { IOU_THRESHOLD };

/**
 * The version of the agreement rule. Part of the index definition hash (snapshot.ts), so a snapshot
 * built under another rule is rebuilt, and every clone of one version computes the same states.
 */
export const CONSENSUS_RULE_VERSION = 2;

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/** Every shape of both matched: the same count, and the optimal matching pairs them all. */
function allMatched<T>(a: T[], b: T[], match: (a: T[], b: T[]) => Matching): boolean {
  return a.length === b.length && (a.length === 0 || match(a, b).pairs.length === a.length);
}

/** Default of consensus.maskIoU. */
export const MASK_IOU_THRESHOLD = 0.8;

/** Where agreement reads mask rasters and stores majority masks (synchronous: the index builds in one pass). */
export interface MaskSource {
  /** The raster of a blob; undefined when it is missing or damaged. */
  read(blob: string): ClassRaster | undefined;
  /** Stores a raster as a blob (content-addressed, idempotent); returns its hash. */
  put(raster: ClassRaster): string;
  /** Remembers the majority of a group (key: the members' blobs in order), so a recompute does not redo it. */
  memo?(key: string, compute: () => MaskAnnotation): MaskAnnotation;
}

export interface AgreementOptions {
  /** consensus.maskIoU: the mean IoU two masks need to agree (default MASK_IOU_THRESHOLD). */
  maskIoU?: number;
  /** Without one, masks agree only when they name the same blob. */
  masks?: MaskSource;
}

function masksAgree(a: MaskAnnotation, b: MaskAnnotation, opts: AgreementOptions): boolean {
  if (a.blob === b.blob) return true;
  if (a.width !== b.width || a.height !== b.height || !opts.masks) return false;
  const x = opts.masks.read(a.blob);
  const y = x && opts.masks.read(b.blob);
  if (!x || !y || x.width !== y.width || x.height !== y.height) return false;
  return meanIoU(x, y) >= (opts.maskIoU ?? MASK_IOU_THRESHOLD);
}

export function annotationsAgree(a: Annotation, b: Annotation, opts: AgreementOptions = {}): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'classes':
      return sameStrings([...new Set(a.labels)], [...new Set((b as typeof a).labels)]);
    case 'spans':
      return sameStrings(
        a.spans.map((s) => `${s.start}:${s.end}:${s.label}`),
        (b as typeof a).spans.map((s) => `${s.start}:${s.end}:${s.label}`),
      );
    case 'boxes':
      return allMatched(a.boxes, (b as typeof a).boxes, (x, y) => matchBoxes(x, y, IOU_THRESHOLD));
    case 'polygons':
      return allMatched(a.polygons, (b as typeof a).polygons, (x, y) => matchPolygons(x, y, IOU_THRESHOLD));
    case 'mask':
      return masksAgree(a, b as typeof a, opts);
  }
}

/**
 * The final annotation of a group that agrees (in total order): its first member, except for two or
 * more masks, whose final is their per-pixel majority (ties to the earliest member), stored as a blob.
 * Its classes are named from the members (each lists its present classes in index order). When a
 * member's raster cannot be read, the first member stands.
 */
export function groupFinal(members: readonly Annotation[], opts: AgreementOptions = {}): Annotation {
  const first = members[0]!;
  if (first.kind !== 'mask' || members.length < 2 || !opts.masks) return first;
  const masks = members as MaskAnnotation[];
  if (masks.every((m) => m.blob === first.blob)) return first;
  const source = opts.masks;
  const compute = (): MaskAnnotation => majorityOfMasks(first, masks, source);
  return source.memo ? source.memo(masks.map((m) => m.blob).join(','), compute) : compute();
}

function majorityOfMasks(first: MaskAnnotation, masks: readonly MaskAnnotation[], source: MaskSource): MaskAnnotation {
  const rasters: ClassRaster[] = [];
  const names = new Map<number, string>();
  for (const m of masks) {
    const r = m.kind === 'mask' ? source.read(m.blob) : undefined;
    if (!r || r.width !== first.width || r.height !== first.height) return first;
    rasters.push(r);
    const present = presentIndices(r).filter((v) => v !== UNLABELED);
    present.forEach((v, i) => {
      if (!names.has(v) && m.classes[i] !== undefined) names.set(v, m.classes[i]!);
    });
  }
  const majority = majorityMask(rasters);
  const classes: string[] = [];
  for (const v of presentIndices(majority)) {
    if (v === UNLABELED) continue;
    const name = names.get(v);
    if (name === undefined) return first;
    classes.push(name);
  }
  return maskAnnotationOf(first.width, first.height, source.put(majority), classes);
}

export interface ConsensusGroup<T> {
  members: T[];
}

/**
 * Groups annotations (already in total order) by agreement with each group's first member; returns
 * the largest group (ties: the group formed first) and agreement = its size / count.
 */
export function consensusOf<T>(entries: T[], annOf: (t: T) => Annotation, rawOf?: (t: T) => string | null, opts: AgreementOptions = {}): { top: T[]; agreement: number } {
  const groups: T[][] = [];
  for (const e of entries) {
    // Identical serialisations agree without parsing geometry (the common case in a bulk replay).
    const g = groups.find((grp) => (rawOf !== undefined && rawOf(grp[0]!) === rawOf(e)) || annotationsAgree(annOf(grp[0]!), annOf(e), opts));
    if (g) g.push(e);
    else groups.push([e]);
  }
  let top: T[] = [];
  for (const g of groups) if (g.length > top.length) top = g;
  return { top, agreement: entries.length ? top.length / entries.length : 0 };
}
