/**
 * Matching two labelers' shapes, for consensus (store/agreement.ts) and agreement statistics.
 *
 * - `matchShapes`: an optimal one-to-one matching of same-label shapes whose IoU reaches a threshold:
 *   the most pairs, and among matchings with that many pairs the largest total IoU (Hungarian method,
 *   `minCostAssignment` in geometry/assignment.ts, on each connected group of candidate pairs). Ranking
 *   by the number of pairs first means "every shape of both is matched" is found whenever such a
 *   matching exists, and F1 counts as many matches as the shapes allow.
 * - `boxIoU`, `polygonIoU` (geometry/iou.ts, re-exported here): IoU of boxes, and of polygons by their
 *   own area (every ring of an object, even-odd: a ring inside another is a hole).
 * - `matchedF1`: F1 = 2 * matched / (|a| + |b|), symmetric, overall and per label, for spans (same
 *   start, end and label), boxes and polygons (matched at IoU >= threshold) and classes (as sets).
 *
 * Speed: shapes are bucketed by label, and with an extent function (boxes and polygons have one)
 * candidate pairs come from a sweep over x of the bounding boxes, dropped when an upper bound of the
 * IoU from the bounding boxes and areas is below the threshold, before any exact IoU is computed.
 */
import type { Annotation, Box, Polygon } from '../model';
import { assertNever } from '../model';
import { minCostAssignment } from './assignment';
import { boxExtent, extentIoU, iouBound, polygonExtent, polygonIoU, type Extent } from './iou';

export { minCostAssignment } from './assignment';
export { boxExtent, boxIoU, polygonArea, polygonExtent, polygonIoU, type Extent } from './iou';

/** The IoU at or above which two shapes can be matched (consensus and F1). */
export const IOU_THRESHOLD = 0.5;

export type MatchedPair = [i: number, j: number, iou: number];

export interface Matching {
  /** Matched pairs (index in a, index in b, IoU), by index in a. */
  pairs: MatchedPair[];
  unmatchedA: number[];
  unmatchedB: number[];
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Candidate pairs (bounding boxes overlap) of a[ia] x b[ib], by a sweep over x. */
function overlappingPairs(ea: Extent[], eb: Extent[], ia: number[], ib: number[], out: (i: number, j: number) => void): void {
  const sa = [...ia].sort((x, y) => ea[x]!.x0 - ea[y]!.x0);
  const sb = [...ib].sort((x, y) => eb[x]!.x0 - eb[y]!.x0);
  let activeA: number[] = [];
  let activeB: number[] = [];
  let p = 0;
  let q = 0;
  while (p < sa.length || q < sb.length) {
    if (q >= sb.length || (p < sa.length && ea[sa[p]!]!.x0 <= eb[sb[q]!]!.x0)) {
      const i = sa[p++]!;
      const e = ea[i]!;
      activeB = activeB.filter((j) => eb[j]!.x1 > e.x0);
      for (const j of activeB) if (eb[j]!.y0 < e.y1 && e.y0 < eb[j]!.y1) out(i, j);
      activeA.push(i);
    } else {
      const j = sb[q++]!;
      const e = eb[j]!;
      activeA = activeA.filter((i) => ea[i]!.x1 > e.x0);
      for (const i of activeA) if (ea[i]!.y0 < e.y1 && e.y0 < ea[i]!.y1) out(i, j);
      activeB.push(j);
    }
  }
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

/**
 * The optimal one-to-one matching of same-label shapes of `a` and `b` with `iouOf(x, y) >= threshold`:
 * the most pairs, then the largest total IoU. `extentOf`, when given, prunes pairs before `iouOf` is
 * called (it must bound the shape: `iouOf` is never above the bound `iouBound` derives from it).
 */
export function matchShapes<T extends { label: string }>(
  a: readonly T[],
  b: readonly T[],
  iouOf: (x: T, y: T) => number,
  threshold: number = IOU_THRESHOLD,
  extentOf?: (x: T) => Extent,
): Matching {
  return matchIndexed(a, b, (i, j) => iouOf(a[i]!, b[j]!), threshold, extentOf && a.map(extentOf), extentOf && b.map(extentOf));
}

/** Below this many same-label pairs, every pair is tried (a sweep costs more than it saves). */
const SWEEP_FROM = 1024;

function matchIndexed(
  a: readonly { label: string }[],
  b: readonly { label: string }[],
  iouAt: (i: number, j: number) => number,
  threshold: number,
  ea: Extent[] | undefined,
  eb: Extent[] | undefined,
): Matching {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`matchShapes: threshold must be in (0, 1], got ${threshold}`);
  const ei: number[] = [];
  const ej: number[] = [];
  const ew: number[] = [];
  const consider = (i: number, j: number): void => {
    if (ea && iouBound(ea[i]!, eb![j]!) < threshold - 1e-12) return;
    const v = iouAt(i, j);
    if (v >= threshold) {
      ei.push(i);
      ej.push(j);
      ew.push(Math.min(1, v));
    }
  };
  // Candidate edges: same label; by a sweep over bounding boxes when there are many.
  if (!ea || a.length * b.length < SWEEP_FROM) {
    for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) if (a[i]!.label === b[j]!.label) consider(i, j);
  } else {
    const byLabel = new Map<string, [number[], number[]]>();
    a.forEach((s, i) => {
      let g = byLabel.get(s.label);
      if (!g) byLabel.set(s.label, (g = [[], []]));
      g[0].push(i);
    });
    b.forEach((s, j) => byLabel.get(s.label)?.[1].push(j));
    for (const [ia, ib] of byLabel.values()) if (ib.length) overlappingPairs(ea, eb!, ia, ib, consider);
  }
  return assign(a.length, b.length, ei, ej, ew);
}

/** The optimal matching over candidate edges (ei[k], ej[k]) of weight ew[k] in (0, 1]. */
function assign(na: number, nb: number, ei: number[], ej: number[], ew: number[]): Matching {
  const degA = new Int32Array(na);
  const degB = new Int32Array(nb);
  for (let k = 0; k < ei.length; k++) {
    degA[ei[k]!]!++;
    degB[ej[k]!]!++;
  }
  const pairs: MatchedPair[] = [];
  // An edge whose two shapes have no other candidate is in every optimal matching.
  const rest: number[] = [];
  for (let k = 0; k < ei.length; k++) {
    if (degA[ei[k]!] === 1 && degB[ej[k]!] === 1) pairs.push([ei[k]!, ej[k]!, ew[k]!]);
    else rest.push(k);
  }
  if (rest.length) assignGroups(na, nb, ei, ej, ew, rest, pairs);
  pairs.sort((x, y) => x[0] - y[0]);
  const inA = new Uint8Array(na);
  const inB = new Uint8Array(nb);
  for (const [i, j] of pairs) {
    inA[i] = 1;
    inB[j] = 1;
  }
  const unmatchedA: number[] = [];
  const unmatchedB: number[] = [];
  for (let i = 0; i < na; i++) if (!inA[i]) unmatchedA.push(i);
  for (let j = 0; j < nb; j++) if (!inB[j]) unmatchedB.push(j);
  return { pairs, unmatchedA, unmatchedB };
}

function assignGroups(na: number, nb: number, ei: number[], ej: number[], ew: number[], edgeList: number[], pairs: MatchedPair[]): void {
  // Connected groups of the candidate graph (nodes: a's, then b's offset by na).
  const parent = new Int32Array(na + nb).map((_, k) => k);
  for (const k of edgeList) {
    const x = find(parent, ei[k]!);
    const y = find(parent, na + ej[k]!);
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  }
  const groups = new Map<number, number[]>(); // root -> edge indexes
  for (const k of edgeList) {
    const r = find(parent, ei[k]!);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(k);
  }
  const localA = new Int32Array(na).fill(-1);
  const localB = new Int32Array(nb).fill(-1);
  for (const edges of groups.values()) {
    if (edges.length === 1) {
      const k = edges[0]!;
      pairs.push([ei[k]!, ej[k]!, ew[k]!]);
      continue;
    }
    // Local indexes of the group's shapes (localA/localB are -1 outside the group).
    const rows: number[] = [];
    const cols: number[] = [];
    for (const k of edges) {
      if (localA[ei[k]!]! < 0) localA[ei[k]!] = rows.push(ei[k]!) - 1;
      if (localB[ej[k]!]! < 0) localB[ej[k]!] = cols.push(ej[k]!) - 1;
    }
    const flip = rows.length > cols.length; // the assignment wants rows <= columns
    const nr = flip ? cols.length : rows.length;
    const nc = flip ? rows.length : cols.length;
    // Weight BIG + IoU per edge, 0 otherwise: BIG > the pair count ranks more pairs first.
    const big = nr + 1;
    const cost = new Float64Array(nr * nc);
    const w = new Float64Array(nr * nc);
    for (const k of edges) {
      const cell = flip ? localB[ej[k]!]! * nc + localA[ei[k]!]! : localA[ei[k]!]! * nc + localB[ej[k]!]!;
      w[cell] = ew[k]!;
      cost[cell] = -(big + ew[k]!);
    }
    const colOf = minCostAssignment(nr, nc, cost);
    for (let r = 0; r < nr; r++) {
      const c = colOf[r]!;
      const v = w[r * nc + c]!;
      if (v <= 0) continue; // assigned to a non-edge: left unmatched
      pairs.push(flip ? [rows[c]!, cols[r]!, v] : [rows[r]!, cols[c]!, v]);
    }
    for (const i of rows) localA[i] = -1;
    for (const j of cols) localB[j] = -1;
  }
}

export function matchBoxes(a: readonly Box[], b: readonly Box[], threshold = IOU_THRESHOLD): Matching {
  const ea = a.map(boxExtent);
  const eb = b.map(boxExtent);
  return matchIndexed(a, b, (i, j) => extentIoU(ea[i]!, eb[j]!), threshold, ea, eb);
}

export function matchPolygons(a: readonly Polygon[], b: readonly Polygon[], threshold = IOU_THRESHOLD): Matching {
  return matchShapes(a, b, polygonIoU, threshold, polygonExtent);
}

// ---------------------------------------------------------------------------------------------
// F1

export interface F1Count {
  /** Matched pairs. */
  matched: number;
  /** Elements in a and in b. */
  a: number;
  b: number;
  /** 2 * matched / (a + b); 1 when both are empty (nothing to disagree on). */
  f1: number;
}

export interface F1Result extends F1Count {
  /** Per label present in a or b; `matched` counts pairs of that label. */
  byLabel: Record<string, F1Count>;
}

const f1Of = (matched: number, na: number, nb: number): F1Count => ({ matched, a: na, b: nb, f1: na + nb ? (2 * matched) / (na + nb) : 1 });

/** Exact matching of keyed elements (as multisets: duplicates match at most as often as both have them). */
function exactMatches<T extends { label: string }>(a: readonly T[], b: readonly T[], key: (x: T) => string): string[] {
  const left = new Map<string, number>();
  for (const x of a) left.set(key(x), (left.get(key(x)) ?? 0) + 1);
  const labels: string[] = [];
  for (const y of b) {
    const k = key(y);
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      labels.push(y.label);
    }
  }
  return labels;
}

function f1Result(aLabels: readonly string[], bLabels: readonly string[], matchedLabels: readonly string[]): F1Result {
  const count = (xs: readonly string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const ca = count(aLabels);
  const cb = count(bLabels);
  const cm = count(matchedLabels);
  const byLabel: Record<string, F1Count> = {};
  for (const l of [...new Set([...aLabels, ...bLabels])].sort()) byLabel[l] = f1Of(cm.get(l) ?? 0, ca.get(l) ?? 0, cb.get(l) ?? 0);
  return { ...f1Of(matchedLabels.length, aLabels.length, bLabels.length), byLabel };
}

/**
 * F1 of two annotations of the same kind: spans match on the same start, end and label; boxes and
 * polygons by `matchShapes` at IoU >= threshold (polygons by their own area); classes as sets.
 * Symmetric: matchedF1(a, b) equals matchedF1(b, a).
 */
export function matchedF1(a: Annotation, b: Annotation, threshold = IOU_THRESHOLD): F1Result {
  if (a.kind !== b.kind) throw new TypeError(`matchedF1: annotations of different kinds (${a.kind}, ${b.kind})`);
  switch (a.kind) {
    case 'classes': {
      const x = [...new Set(a.labels)];
      const y = [...new Set((b as typeof a).labels)];
      const sx = new Set(x);
      return f1Result(x, y, y.filter((l) => sx.has(l)));
    }
    case 'spans': {
      const y = (b as typeof a).spans;
      return f1Result(a.spans.map((s) => s.label), y.map((s) => s.label), exactMatches(a.spans, y, (s) => `${s.start}:${s.end}:${s.label}`));
    }
    case 'boxes': {
      const y = (b as typeof a).boxes;
      const m = matchBoxes(a.boxes, y, threshold);
      return f1Result(a.boxes.map((s) => s.label), y.map((s) => s.label), m.pairs.map(([i]) => a.boxes[i]!.label));
    }
    case 'polygons': {
      const y = (b as typeof a).polygons;
      const m = matchPolygons(a.polygons, y, threshold);
      return f1Result(a.polygons.map((s) => s.label), y.map((s) => s.label), m.pairs.map(([i]) => a.polygons[i]!.label));
    }
    case 'mask':
      // Masks are compared by IoU (masks/mask-stats.ts): here only as sets of the classes present.
      return f1Result(a.classes, (b as typeof a).classes, (b as typeof a).classes.filter((c) => a.classes.includes(c)));
    default:
      return assertNever(a, 'annotation kind');
  }
}
