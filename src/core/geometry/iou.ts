/**
 * IoU and area of shapes, for matching (geometry/matching.ts):
 *
 * - `boxIoU`, `polygonIoU`: IoU of boxes, and of polygons by their own area (every ring of an object,
 *   even-odd: a ring inside another is a hole), intersections from polygon-clipping.
 * - Quick paths for polygons: one simple ring is measured without the library; two simple rings, one
 *   of them convex, by Sutherland-Hodgman; two simple rings by the triangles of one.
 * - `iouBound`: an upper bound of the IoU from the bounding boxes and areas, for pruning.
 */
import { intersection as clipIntersection, xor as clipXor } from 'polygon-clipping';
import type { MultiPolygon as ClipMultiPolygon, Polygon as ClipPolygon } from 'polygon-clipping';
import type { Box, Polygon } from '../model';
import { pointInRings } from './polygon';

/** Bounding box and area of a shape, for pruning candidate pairs. */
export interface Extent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/** An upper bound of IoU from extents: intersection <= min(areas, bbox overlap), union >= max(areas). */
export function iouBound(a: Extent, b: Extent): number {
  const ix = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const iy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (ix <= 0 || iy <= 0) return 0;
  const big = Math.max(a.area, b.area);
  return big > 0 ? Math.min(a.area, b.area, ix * iy) / big : 0;
}

export function boxExtent(b: Box): Extent {
  const w = Math.max(0, b.w);
  const h = Math.max(0, b.h);
  return { x0: b.x, y0: b.y, x1: b.x + w, y1: b.y + h, area: w * h };
}

export function boxIoU(a: Box, b: Box): number {
  return extentIoU(boxExtent(a), boxExtent(b));
}

/** IoU of two extents taken as boxes. */
export function extentIoU(p: Extent, q: Extent): number {
  const ix = Math.max(0, Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0));
  const iy = Math.max(0, Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0));
  const inter = ix * iy;
  const union = p.area + q.area - inter;
  return union > 0 ? inter / union : 0;
}

interface Region {
  /** The object's area as a polygon-clipping multipolygon (made when first needed for a simple ring), or null if the library refused it. */
  mp: ClipMultiPolygon | null | undefined;
  extent: Extent;
  /** The object's one ring when it is simple (no crossing or touching edges), counter-clockwise. */
  simple: number[] | null;
  convex: boolean;
  /** Triangles of `simple` (6 numbers each), once asked for; null if ear clipping gave up. */
  triangles?: number[] | null;
}

const cross = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);

function signedRingArea(r: readonly number[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) s += r[j]! * r[i + 1]! - r[i]! * r[j + 1]!;
  return s / 2;
}

/** Do segments p1-p2 and p3-p4 meet (crossing, touching or overlapping)? */
function segmentsMeet(r: readonly number[], p1: number, p2: number, p3: number, p4: number): boolean {
  const ax = r[p1]!, ay = r[p1 + 1]!, bx = r[p2]!, by = r[p2 + 1]!;
  const cx = r[p3]!, cy = r[p3 + 1]!, dx = r[p4]!, dy = r[p4 + 1]!;
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx) || Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return false;
  const d1 = cross(cx, cy, dx, dy, ax, ay);
  const d2 = cross(cx, cy, dx, dy, bx, by);
  const d3 = cross(ax, ay, bx, by, cx, cy);
  const d4 = cross(ax, ay, bx, by, dx, dy);
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/** Up to this many vertices a ring is checked for simplicity (O(n^2)); larger ones go through the library. */
const SIMPLE_CHECK_MAX = 256;

/** A ring without repeated vertices, collinear folds, crossing or touching edges (all pairs checked). */
function isSimpleRing(r: readonly number[]): boolean {
  const n = r.length >> 1;
  if (n < 3 || n > SIMPLE_CHECK_MAX) return false;
  for (let i = 0; i < n; i++) {
    const a = 2 * i;
    const b = 2 * ((i + 1) % n);
    const c = 2 * ((i + 2) % n);
    if (r[a] === r[b] && r[a + 1] === r[b + 1]) return false;
    // Adjacent edges meet only at their shared vertex: no fold back along the same line.
    if (cross(r[a]!, r[a + 1]!, r[b]!, r[b + 1]!, r[c]!, r[c + 1]!) === 0 && (r[c]! - r[b]!) * (r[b]! - r[a]!) + (r[c + 1]! - r[b + 1]!) * (r[b + 1]! - r[a + 1]!) < 0) return false;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      if (segmentsMeet(r, a, b, 2 * j, 2 * ((j + 1) % n))) return false;
    }
  }
  return true;
}

/** A simple counter-clockwise ring that never turns clockwise. */
function isConvexCCW(r: readonly number[]): boolean {
  const n = r.length >> 1;
  for (let i = 0; i < n; i++) {
    const a = 2 * i;
    const b = 2 * ((i + 1) % n);
    const c = 2 * ((i + 2) % n);
    if (cross(r[a]!, r[a + 1]!, r[b]!, r[b + 1]!, r[c]!, r[c + 1]!) < 0) return false;
  }
  return true;
}

/**
 * Area of (simple ring) and (convex counter-clockwise ring), by Sutherland-Hodgman: clipping a simple
 * polygon by each half-plane of a convex one keeps its winding number inside and makes it 0 outside
 * (the edges it adds lie on the clipping line), so the result's signed area is the intersection's.
 */
function convexClipArea(subject: readonly number[], clip: readonly number[], off = 0, len = clip.length): number {
  let out: readonly number[] = subject;
  const n = len >> 1;
  for (let e = 0; e < n && out.length; e++) {
    const cx0 = clip[off + 2 * e]!;
    const cy0 = clip[off + 2 * e + 1]!;
    const cx1 = clip[off + ((2 * e + 2) % len)]!;
    const cy1 = clip[off + ((2 * e + 3) % len)]!;
    const input = out;
    const next: number[] = [];
    out = next;
    const m = input.length >> 1;
    let sx = input[2 * m - 2]!;
    let sy = input[2 * m - 1]!;
    let sd = cross(cx0, cy0, cx1, cy1, sx, sy);
    for (let k = 0; k < m; k++) {
      const ex = input[2 * k]!;
      const ey = input[2 * k + 1]!;
      const ed = cross(cx0, cy0, cx1, cy1, ex, ey);
      if ((ed >= 0) !== (sd >= 0)) {
        const t = sd / (sd - ed);
        next.push(sx + t * (ex - sx), sy + t * (ey - sy));
      }
      if (ed >= 0) next.push(ex, ey);
      sx = ex;
      sy = ey;
      sd = ed;
    }
  }
  return out.length >= 6 ? Math.abs(signedRingArea(out)) : 0;
}

const regions = new WeakMap<Polygon, Region>();

function ringArea(ring: readonly [number, number][]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return Math.abs(s) / 2;
}

function multiPolygonArea(mp: ClipMultiPolygon): number {
  let s = 0;
  for (const poly of mp) poly.forEach((ring, k) => (s += k === 0 ? ringArea(ring) : -ringArea(ring)));
  return s;
}

function toPairs(ring: readonly number[]): [number, number][] {
  const pts: [number, number][] = [];
  for (let k = 0; k + 1 < ring.length; k += 2) pts.push([ring[k]!, ring[k + 1]!]);
  return pts;
}

/** The rings of an object (3+ vertices each) as polygon-clipping polygons. */
function clipRings(p: Polygon): ClipPolygon[] {
  return p.rings.filter((ring) => ring.length >= 6).map((ring) => [toPairs(ring)]);
}

function regionOf(p: Polygon): Region {
  let r = regions.get(p);
  if (r) return r;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const ring of p.rings) {
    for (let k = 0; k + 1 < ring.length; k += 2) {
      x0 = Math.min(x0, ring[k]!);
      x1 = Math.max(x1, ring[k]!);
      y0 = Math.min(y0, ring[k + 1]!);
      y1 = Math.max(y1, ring[k + 1]!);
    }
  }
  let mp: ClipMultiPolygon | null | undefined = [];
  let area = 0;
  let simple: number[] | null = null;
  const valid = p.rings.filter((ring) => ring.length >= 6);
  const only = valid.length === 1 ? (valid[0]!.length % 2 ? valid[0]!.slice(0, -1) : valid[0]!) : undefined;
  const parts = only && isSimpleRing(only) ? undefined : clipRings(p);
  if (!parts) {
    // One simple ring (the common case): its own area, no pass through the library.
    area = signedRingArea(only!);
    simple = area >= 0 ? only! : reverseRing(only!);
    area = Math.abs(area);
    mp = undefined;
  } else if (parts.length) {
    try {
      // Even-odd over all rings: the xor of the rings (a ring inside another is a hole).
      mp = clipXor(parts[0]!, ...parts.slice(1));
      area = multiPolygonArea(mp);
    } catch {
      mp = null;
      area = sampledArea(p, { x0, y0, x1, y1, area: 0 });
    }
  }
  r = { mp, extent: x0 <= x1 ? { x0, y0, x1, y1, area } : { x0: 0, y0: 0, x1: 0, y1: 0, area: 0 }, simple, convex: simple !== null && isConvexCCW(simple) };
  regions.set(p, r);
  return r;
}

/** Is (px, py) inside or on the counter-clockwise triangle a, b, c? */
function inTriangle(r: readonly number[], a: number, b: number, c: number, px: number, py: number): boolean {
  return cross(r[a]!, r[a + 1]!, r[b]!, r[b + 1]!, px, py) >= 0 && cross(r[b]!, r[b + 1]!, r[c]!, r[c + 1]!, px, py) >= 0 && cross(r[c]!, r[c + 1]!, r[a]!, r[a + 1]!, px, py) >= 0;
}

/** Ear clipping of a simple counter-clockwise ring into triangles; null if no ear is found. */
function triangulate(r: readonly number[]): number[] | null {
  const idx: number[] = [];
  for (let k = 0; k < r.length; k += 2) idx.push(k);
  const out: number[] = [];
  let miss = 0;
  for (let i = 0; idx.length > 3; ) {
    if (miss > idx.length) return null;
    const n = idx.length;
    const a = idx[(i + n - 1) % n]!;
    const b = idx[i % n]!;
    const c = idx[(i + 1) % n]!;
    const turn = cross(r[a]!, r[a + 1]!, r[b]!, r[b + 1]!, r[c]!, r[c + 1]!);
    let ear = turn > 0;
    for (let k = 0; ear && k < n; k++) {
      const q = idx[k]!;
      if (q !== a && q !== b && q !== c && inTriangle(r, a, b, c, r[q]!, r[q + 1]!)) ear = false;
    }
    if (ear || turn === 0) {
      // An ear is cut off; a vertex on a straight line between its neighbours is dropped (no area).
      if (ear) out.push(r[a]!, r[a + 1]!, r[b]!, r[b + 1]!, r[c]!, r[c + 1]!);
      idx.splice(i % n, 1);
      miss = 0;
    } else {
      i = (i % n) + 1;
      miss++;
    }
  }
  if (idx.length === 3) out.push(r[idx[0]!]!, r[idx[0]! + 1]!, r[idx[1]!]!, r[idx[1]! + 1]!, r[idx[2]!]!, r[idx[2]! + 1]!);
  return out;
}

/** Area of (simple ring) and (simple counter-clockwise ring given by its triangles). */
function trianglesClipArea(subject: readonly number[], triangles: readonly number[]): number {
  let s = 0;
  for (let t = 0; t < triangles.length; t += 6) s += convexClipArea(subject, triangles, t, 6);
  return s;
}

function reverseRing(r: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = r.length - 2; k >= 0; k -= 2) out.push(r[k]!, r[k + 1]!);
  return out;
}

/** Bounding box and own area (even-odd over all rings) of a polygon object. */
export function polygonExtent(p: Polygon): Extent {
  return regionOf(p).extent;
}

/** Own area of a polygon object: even-odd over all its rings. */
export function polygonArea(p: Polygon): number {
  return regionOf(p).extent.area;
}

const SAMPLES = 256;

/** Fallback when the clipping library refuses an input: area by point sampling (cell centres). */
function sampledArea(p: Polygon, e: Extent): number {
  return sampled([p], e)[0]!;
}

function sampled(ps: Polygon[], e: Extent): number[] {
  const counts = [0, 0, 0, 0]; // in each of up to 2 shapes, in both, in either
  const w = e.x1 - e.x0;
  const h = e.y1 - e.y0;
  if (!(w > 0 && h > 0)) return counts;
  const cell = (w * h) / (SAMPLES * SAMPLES);
  for (let gy = 0; gy < SAMPLES; gy++) {
    for (let gx = 0; gx < SAMPLES; gx++) {
      const pt = { x: e.x0 + ((gx + 0.5) * w) / SAMPLES, y: e.y0 + ((gy + 0.5) * h) / SAMPLES };
      const ins = ps.map((q) => pointInRings(q.rings, pt));
      ins.forEach((v, k) => v && counts[k]!++);
      if (ins.every(Boolean)) counts[2]!++;
      if (ins.some(Boolean)) counts[3]!++;
    }
  }
  return counts.map((c) => c * cell);
}

/**
 * IoU of two polygon objects by their own area: area(A and B) / area(A or B), each object the
 * even-odd area of all its rings. Falls back to point sampling on a 256 x 256 grid if the clipping
 * library cannot handle an input (it throws on some degenerate rings). Each object's area and rings are
 * cached per object (a WeakMap): polygons are taken as immutable, as the model's annotations are.
 */
export function polygonIoU(a: Polygon, b: Polygon): number {
  const ra = regionOf(a);
  const rb = regionOf(b);
  if (iouBound(ra.extent, rb.extent) <= 0) return 0;
  const iouFrom = (inter: number): number => {
    const u = ra.extent.area + rb.extent.area - inter;
    return u > 0 ? Math.max(0, Math.min(1, inter / u)) : 0;
  };
  // Two simple rings, one of them convex: Sutherland-Hodgman, exact and far quicker than the library.
  // (A triangulation of one works the same way, triangle by triangle.)
  if (ra.simple && rb.simple && (ra.convex || rb.convex)) return iouFrom(ra.convex ? convexClipArea(rb.simple, ra.simple) : convexClipArea(ra.simple, rb.simple));
  // Two simple rings: the sum over the triangles of one of its intersection with the other.
  if (ra.simple && rb.simple) {
    if (ra.triangles === undefined) ra.triangles = triangulate(ra.simple);
    if (ra.triangles) return iouFrom(trianglesClipArea(rb.simple, ra.triangles));
  }
  for (const x of [ra, rb]) if (x.mp === undefined) x.mp = [[toPairs(x.simple!)]];
  if (ra.mp && rb.mp) {
    try {
      return iouFrom(multiPolygonArea(clipIntersection(ra.mp, rb.mp)));
    } catch {
      // sampled below
    }
  }
  const e = {
    x0: Math.min(ra.extent.x0, rb.extent.x0),
    y0: Math.min(ra.extent.y0, rb.extent.y0),
    x1: Math.max(ra.extent.x1, rb.extent.x1),
    y1: Math.max(ra.extent.y1, rb.extent.y1),
    area: 0,
  };
  const [, , both, either] = sampled([a, b], e);
  return either! > 0 ? both! / either! : 0;
}
