/**
 * Polygon math in image pixels. A ring is a flat [x1, y1, x2, y2, ...] list (model.ts Polygon).
 * Hit tests, vertex and edge picking, insert/move/delete vertex, moving a ring clamped to the image.
 */
import type { ImageSize } from './box';
import type { Point } from './transform';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export const MIN_RING_VERTICES = 3;

export function vertexCount(ring: readonly number[]): number {
  return ring.length >> 1;
}

export function vertex(ring: readonly number[], i: number): Point {
  return { x: ring[2 * i]!, y: ring[2 * i + 1]! };
}

/** Even-odd rule; points exactly on an edge may fall either way. */
export function pointInRing(ring: readonly number[], p: Point): boolean {
  const n = vertexCount(ring);
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!;
    const yi = ring[2 * i + 1]!;
    const xj = ring[2 * j]!;
    const yj = ring[2 * j + 1]!;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point is in a multi-ring object if it is inside an odd number of its rings (holes work). */
export function pointInRings(rings: readonly (readonly number[])[], p: Point): boolean {
  let n = 0;
  for (const r of rings) if (pointInRing(r, p)) n++;
  return n % 2 === 1;
}

export function ringArea(ring: readonly number[]): number {
  const n = vertexCount(ring);
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return Math.abs(a) / 2;
}

/** Index of the topmost (smallest) object containing `p`, or -1. */
export function polygonAt(polygons: readonly { rings: readonly (readonly number[])[] }[], p: Point): number {
  let best = -1;
  let bestArea = Infinity;
  for (let i = 0; i < polygons.length; i++) {
    const rings = polygons[i]!.rings;
    if (!pointInRings(rings, p)) continue;
    const area = rings.reduce((s, r) => s + ringArea(r), 0);
    if (area <= bestArea) {
      best = i;
      bestArea = area;
    }
  }
  return best;
}

/** Index of the vertex within `radius` of `p` (nearest), or -1. */
export function vertexAt(ring: readonly number[], p: Point, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < vertexCount(ring); i++) {
    const d = (ring[2 * i]! - p.x) ** 2 + (ring[2 * i + 1]! - p.y) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** The nearest point of segment a-b to p, with its parameter t in [0, 1]. */
export function nearestOnSegment(a: Point, b: Point, p: Point): { point: Point; t: number; distance: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0, 1);
  const point = { x: a.x + t * dx, y: a.y + t * dy };
  return { point, t, distance: Math.hypot(point.x - p.x, point.y - p.y) };
}

/**
 * The closed ring's edge within `tolerance` of `p`: `index` is the edge's first vertex (the new
 * vertex goes after it), `point` the nearest point on that edge. Undefined if none is that close.
 */
export function edgeAt(ring: readonly number[], p: Point, tolerance: number): { index: number; point: Point } | undefined {
  const n = vertexCount(ring);
  let best: { index: number; point: Point } | undefined;
  let bestD = tolerance;
  for (let i = 0; i < n; i++) {
    const r = nearestOnSegment(vertex(ring, i), vertex(ring, (i + 1) % n), p);
    if (r.distance <= bestD) {
      best = { index: i, point: r.point };
      bestD = r.distance;
    }
  }
  return best;
}

export function insertVertex(ring: readonly number[], afterIndex: number, p: Point): number[] {
  const out = ring.slice();
  out.splice(2 * (afterIndex + 1), 0, p.x, p.y);
  return out;
}

export function moveVertex(ring: readonly number[], i: number, p: Point, size: ImageSize): number[] {
  const out = ring.slice();
  out[2 * i] = clamp(p.x, 0, size.width);
  out[2 * i + 1] = clamp(p.y, 0, size.height);
  return out;
}

/** Removes vertex i; returns undefined when fewer than 3 vertices would remain (the ring is gone). */
export function deleteVertex(ring: readonly number[], i: number): number[] | undefined {
  if (vertexCount(ring) - 1 < MIN_RING_VERTICES) return undefined;
  const out = ring.slice();
  out.splice(2 * i, 2);
  return out;
}

export function ringBounds(ring: readonly number[]): { x: number; y: number; w: number; h: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    x0 = Math.min(x0, ring[i]!);
    x1 = Math.max(x1, ring[i]!);
    y0 = Math.min(y0, ring[i + 1]!);
    y1 = Math.max(y1, ring[i + 1]!);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Moves every ring of an object by (dx, dy), stopping at the image edges as a whole. */
export function moveRings(rings: readonly (readonly number[])[], dx: number, dy: number, size: ImageSize): number[][] {
  const all = rings.flat();
  const b = ringBounds(all);
  const cdx = clamp(dx, -b.x, size.width - (b.x + b.w));
  const cdy = clamp(dy, -b.y, size.height - (b.y + b.h));
  return rings.map((r) => r.map((v, k) => (k % 2 === 0 ? v + cdx : v + cdy)));
}

/** While drawing: does a click at `p` close the open path (near its first point, 3+ points)? */
export function closesPath(points: readonly number[], p: Point, radius: number): boolean {
  return vertexCount(points) >= MIN_RING_VERTICES && vertexAt(points.slice(0, 2), p, radius) === 0;
}

/** A ring needs 3+ vertices and a non-zero area to be kept. */
export function isValidRing(ring: readonly number[], minArea = 1): boolean {
  return vertexCount(ring) >= MIN_RING_VERTICES && ringArea(ring) >= minArea;
}
