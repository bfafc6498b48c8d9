/**
 * When two labelers' annotations agree (consensus):
 *  - classes: the same set of labels;
 *  - spans: the same set of (start, end, label);
 *  - boxes: the same number of boxes and a one-to-one matching of same-label boxes with IoU >= 0.5;
 *  - polygons: as boxes, using the IoU of each object's bounding box (all rings).
 */
import type { Annotation, Box, Polygon } from '../model';

export const IOU_THRESHOLD = 0.5;

type Rect = { label: string; x0: number; y0: number; x1: number; y1: number };

function rectOfBox(b: Box): Rect {
  return { label: b.label, x0: b.x, y0: b.y, x1: b.x + b.w, y1: b.y + b.h };
}

function rectOfPolygon(p: Polygon): Rect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const ring of p.rings) {
    for (let i = 0; i + 1 < ring.length; i += 2) {
      x0 = Math.min(x0, ring[i]!);
      x1 = Math.max(x1, ring[i]!);
      y0 = Math.min(y0, ring[i + 1]!);
      y1 = Math.max(y1, ring[i + 1]!);
    }
  }
  return { label: p.label, x0, y0, x1, y1 };
}

export function iou(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = ix * iy;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

function rectsMatch(a: Rect[], b: Rect[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  for (const r of a) {
    let best = -1;
    let bestIou = IOU_THRESHOLD;
    b.forEach((s, j) => {
      if (used[j] || s.label !== r.label) return;
      const v = iou(r, s);
      if (v >= bestIou) {
        bestIou = v;
        best = j;
      }
    });
    if (best < 0) return false;
    used[best] = true;
  }
  return true;
}

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

export function annotationsAgree(a: Annotation, b: Annotation): boolean {
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
      return rectsMatch(a.boxes.map(rectOfBox), (b as typeof a).boxes.map(rectOfBox));
    case 'polygons':
      return rectsMatch(a.polygons.map(rectOfPolygon), (b as typeof a).polygons.map(rectOfPolygon));
  }
}

export interface ConsensusGroup<T> {
  members: T[];
}

/**
 * Groups annotations (already in total order) by agreement with each group's first member; returns
 * the largest group (ties: the group formed first) and agreement = its size / count.
 */
export function consensusOf<T>(entries: T[], annOf: (t: T) => Annotation, rawOf?: (t: T) => string | null): { top: T[]; agreement: number } {
  const groups: T[][] = [];
  for (const e of entries) {
    // Identical serialisations agree without parsing geometry (the common case in a bulk replay).
    const g = groups.find((grp) => (rawOf !== undefined && rawOf(grp[0]!) === rawOf(e)) || annotationsAgree(annOf(grp[0]!), annOf(e)));
    if (g) g.push(e);
    else groups.push([e]);
  }
  let top: T[] = [];
  for (const g of groups) if (g.length > top.length) top = g;
  return { top, agreement: entries.length ? top.length / entries.length : 0 };
}
