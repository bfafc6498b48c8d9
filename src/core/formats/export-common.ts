/**
 * What every exporter shares: choosing which annotations of an item to write, counting objects,
 * category ids, shape geometry and stable number formatting.
 */
import { ringArea, ringBounds } from '../geometry/polygon';
import type { Annotation, ExportItem, ProjectDef } from '../model';
import type { ExportOptions } from './types';

/** One annotation to write for an item. */
export interface Entry {
  /** Labeler id, or the final label's labelers joined by '+'. */
  labeler: string;
  annotation: Annotation;
  prelabel: boolean;
  confidence?: number;
  at?: string;
}

export type Selection = { kind: 'write'; entries: Entry[] } | { kind: 'missing' } | { kind: 'unlabeled' };

/**
 * Final label by default; every labeler's raw annotation with `allAnnotators`; prelabels only with
 * `includePrelabels` (without `allAnnotators` a prelabel stands in for a missing final label).
 */
export function selectEntries(item: ExportItem, opts: ExportOptions): Selection {
  if (item.state === 'missing') return { kind: 'missing' };
  const fromAll = (a: ExportItem['all'][number]): Entry => ({
    labeler: a.labeler,
    annotation: a.annotation,
    prelabel: a.prelabel === true,
    confidence: a.confidence,
    at: a.at,
  });
  if (opts.allAnnotators) {
    const entries = item.all.filter((a) => !a.prelabel || opts.includePrelabels).map(fromAll);
    return entries.length ? { kind: 'write', entries } : { kind: 'unlabeled' };
  }
  if (item.final) {
    return { kind: 'write', entries: [{ labeler: (item.finalBy ?? []).join('+'), annotation: item.final, prelabel: false }] };
  }
  if (opts.includePrelabels) {
    const pre = item.all.filter((a) => a.prelabel);
    if (pre.length) return { kind: 'write', entries: [fromAll(pre[pre.length - 1]!)] };
  }
  return { kind: 'unlabeled' };
}

/** Boxes, polygons or spans in the annotation; 1 for a classification. */
export function objectCount(a: Annotation): number {
  switch (a.kind) {
    case 'classes':
      return 1;
    case 'spans':
      return a.spans.length;
    case 'boxes':
      return a.boxes.length;
    case 'polygons':
      return a.polygons.length;
    case 'mask':
      return 1;
  }
}

/**
 * Category ids 1..K in the project's label order; labels found in data but no longer in the project
 * get the next ids in first-seen order (so nothing is dropped).
 */
export class Categories {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  constructor(def: ProjectDef) {
    for (const l of def.labels) this.idOf(l.name);
  }

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      this.names.push(name);
      id = this.names.length;
      this.ids.set(name, id);
    }
    return id;
  }
}

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Bounding box of all rings of a polygon object. */
export function polygonBounds(rings: readonly number[][]): Bounds {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const ring of rings) {
    if (ring.length < 2) continue;
    const b = ringBounds(ring);
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.w);
    y1 = Math.max(y1, b.y + b.h);
  }
  return x0 === Infinity ? { x: 0, y: 0, w: 0, h: 0 } : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function polygonArea(rings: readonly number[][]): number {
  let a = 0;
  for (const r of rings) a += ringArea(r);
  return a;
}

/** Normalises -0 to 0 (JSON would otherwise write "-0"); values are written as full doubles. */
export function num(v: number): number {
  return v === 0 ? 0 : v;
}

/** Replaces the extension of a '/'-separated path, e.g. `a/b.jpg` -> `a/b.txt`. */
export function withExtension(path: string, ext: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return (dot > slash + 1 ? path.slice(0, dot) : path) + ext;
}

/** A labeler id made safe as a folder name. */
export function safeSegment(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._@+-]/g, '_');
  return t === '' || t === '.' || t === '..' ? '_' : t;
}

/** Distinct labels in first-seen order. */
export function distinct(labels: readonly string[]): string[] {
  return [...new Set(labels)];
}
