/**
 * Shapes and spans checked against their item: boxes and polygons against the image as displayed
 * (EXIF orientation applied), spans against the text. Pure: no DOM, no Node.
 *
 * The rule, the same for every importer and for the store:
 *   - overshoot up to SLACK_PX (float rounding) is accepted as it is;
 *   - overshoot up to edgeTolerance(side) (2 px, or 1 % of the side if larger) is clipped to the edge
 *     (importers count it as "clipped");
 *   - anything further out, not finite (NaN, Infinity, 1e308 scaled), or with nothing left inside the
 *     image after clipping is refused. A span must lie within the text: never clipped.
 * The store (submit, review decide, import batch) accepts only what lies within SLACK_PX.
 */
import { emptyAnnotation, type Annotation, type Box, type Polygon, type Span } from '../model';
import type { ImageSize } from './box';
import { ringArea } from './polygon';

/** Overshoot accepted unchanged: the panel rounds coordinates to 1/100 px. */
export const SLACK_PX = 0.01;
export const EDGE_TOLERANCE_PX = 2;
export const EDGE_TOLERANCE_FRACTION = 0.01;

/** How far past an edge of an image side an imported shape may reach and still be clipped. */
export function edgeTolerance(side: number): number {
  return Math.max(EDGE_TOLERANCE_PX, side * EDGE_TOLERANCE_FRACTION);
}

export type Tolerance = (side: number) => number;
const strict: Tolerance = () => SLACK_PX;

export type Fitted<T> = { shape: T; clipped: boolean } | { refused: string };

const num = (n: number): string => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));
const sizeText = (s: ImageSize): string => `${s.width}×${s.height}`;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A box fitted to the image: kept, clipped (within the tolerance) or refused with the reason. */
export function fitBox<T extends Box>(b: T, size: ImageSize, tolerance: Tolerance = edgeTolerance): Fitted<T> {
  const at = `(x ${num(b.x)}, y ${num(b.y)}, w ${num(b.w)}, h ${num(b.h)})`;
  if (![b.x, b.y, b.w, b.h].every(Number.isFinite)) return { refused: `box ${at} has coordinates that are not finite numbers` };
  if (b.w <= 0 || b.h <= 0) return { refused: `box ${at} has no area` };
  const x1 = b.x + b.w;
  const y1 = b.y + b.h;
  const tx = tolerance(size.width);
  const ty = tolerance(size.height);
  if (!Number.isFinite(x1) || !Number.isFinite(y1) || b.x < -tx || b.y < -ty || x1 > size.width + tx || y1 > size.height + ty) {
    return { refused: `box ${at} reaches outside the ${sizeText(size)} image` };
  }
  const s = SLACK_PX;
  if (b.x >= -s && b.y >= -s && x1 <= size.width + s && y1 <= size.height + s) return { shape: b, clipped: false };
  const cx0 = clamp(b.x, 0, size.width);
  const cy0 = clamp(b.y, 0, size.height);
  const cw = clamp(x1, 0, size.width) - cx0;
  const ch = clamp(y1, 0, size.height) - cy0;
  if (cw <= 0 || ch <= 0) return { refused: `box ${at} lies outside the ${sizeText(size)} image` };
  return { shape: { ...b, x: cx0, y: cy0, w: cw, h: ch }, clipped: true };
}

/** A polygon fitted to the image: every vertex within the tolerance (then clamped), or refused. */
export function fitPolygon<T extends Polygon>(p: T, size: ImageSize, tolerance: Tolerance = edgeTolerance): Fitted<T> {
  const tx = tolerance(size.width);
  const ty = tolerance(size.height);
  const s = SLACK_PX;
  let clipped = false;
  const rings: number[][] = [];
  for (let r = 0; r < p.rings.length; r++) {
    const ring = p.rings[r]!;
    const out = new Array<number>(ring.length);
    let ringClipped = false;
    for (let i = 0; i < ring.length; i++) {
      const v = ring[i]!;
      const side = i % 2 ? size.height : size.width;
      const t = i % 2 ? ty : tx;
      const point = `point ${i >> 1} of ring ${r} (${i % 2 ? 'y' : 'x'} ${num(v)})`;
      if (!Number.isFinite(v)) return { refused: `polygon ${point} is not a finite number` };
      if (v < -t || v > side + t) return { refused: `polygon ${point} reaches outside the ${sizeText(size)} image` };
      const past = v < -s || v > side + s;
      if (past) ringClipped = true;
      out[i] = past ? clamp(v, 0, side) : v;
    }
    if (ringClipped && ringArea(out) === 0) return { refused: `polygon ring ${r} lies outside the ${sizeText(size)} image` };
    clipped ||= ringClipped;
    rings.push(out);
  }
  return clipped ? { shape: { ...p, rings }, clipped } : { shape: p, clipped };
}

/** Why a span does not lie within a text of `length` characters (UTF-16 units), or undefined. */
export function spanOutside(sp: Span, length: number): string | undefined {
  if (!Number.isInteger(sp.start) || !Number.isInteger(sp.end) || sp.start < 0 || sp.end <= sp.start) {
    return `span ${sp.start}-${sp.end} needs integer offsets 0 <= start < end`;
  }
  if (sp.end > length) return `span ${sp.start}-${sp.end} ends past the text (${length} characters)`;
  return undefined;
}

/** What an item's annotation must lie within; an undefined size or length could not be read. */
export type ItemBounds = { media: 'image'; size: ImageSize | undefined; what: string } | { media: 'text'; length: number | undefined; what: string };

export interface Refusal {
  /** Index of the object in the annotation's list (boxes, polygons or spans). */
  index: number;
  reason: string;
}

export interface FittedAnnotation {
  annotation: Annotation;
  clipped: number;
  refused: Refusal[];
  /** Set when the item's size or text could not be read: every object of the annotation is refused. */
  unreadable?: string;
}

/** Number of objects an annotation holds that need bounds (boxes, polygons, spans; classes: 0). */
export function boundedObjects(a: Annotation): number {
  return a.kind === 'boxes' ? a.boxes.length : a.kind === 'polygons' ? a.polygons.length : a.kind === 'spans' ? a.spans.length : a.kind === 'mask' ? 1 : 0;
}

/**
 * Fits every object of an annotation to its item (importers: tolerance = edgeTolerance, clipping counted;
 * the store: strictFit, where anything past SLACK_PX is refused). Refused objects are left out.
 */
export function fitAnnotation(a: Annotation, bounds: ItemBounds, tolerance: Tolerance = edgeTolerance): FittedAnnotation {
  const n = boundedObjects(a);
  if (a.kind === 'classes' || n === 0) return { annotation: a, clipped: 0, refused: [] };
  const unreadable = bounds.media === 'image' ? (bounds.size ? undefined : `the size of image ${bounds.what} cannot be read`) : bounds.length === undefined ? `the text of ${bounds.what} cannot be read` : undefined;
  if (a.kind === 'mask') {
    // A mask covers the image pixel for pixel: its size must be the image's as displayed. Refused whole.
    const size = bounds.media === 'image' ? bounds.size : undefined;
    const reason = unreadable ?? (size && (size.width !== a.width || size.height !== a.height)
      ? `the mask is ${a.width}×${a.height}, the image is ${sizeText(size)} as displayed${a.width === size.height && a.height === size.width ? ' (rotated by its EXIF orientation?)' : ''}`
      : bounds.media === 'text' ? 'a mask needs an image item' : undefined);
    return reason ? { annotation: a, clipped: 0, refused: [{ index: 0, reason }], ...(unreadable ? { unreadable } : {}) } : { annotation: a, clipped: 0, refused: [] };
  }
  if (unreadable) {
    const refused = Array.from({ length: n }, (_, index) => ({ index, reason: unreadable }));
    return { annotation: emptyAnnotation(a.kind), clipped: 0, refused, unreadable };
  }
  let clipped = 0;
  const refused: Refusal[] = [];
  const keep = <T>(list: readonly T[], fit: (x: T) => Fitted<T>): T[] =>
    list.flatMap((x, index) => {
      const f = fit(x);
      if ('refused' in f) {
        refused.push({ index, reason: f.refused });
        return [];
      }
      if (f.clipped) clipped++;
      return [f.shape];
    });
  if (a.kind === 'spans') {
    const length = bounds.media === 'text' ? bounds.length! : 0;
    const spans = keep(a.spans, (sp) => {
      const why = spanOutside(sp, length);
      return why ? { refused: why } : { shape: sp, clipped: false };
    });
    return { annotation: { kind: 'spans', spans }, clipped, refused };
  }
  const size = bounds.media === 'image' ? bounds.size! : { width: 0, height: 0 };
  const annotation: Annotation =
    a.kind === 'boxes'
      ? { kind: 'boxes', boxes: keep(a.boxes, (b) => fitBox(b, size, tolerance)) }
      : { kind: 'polygons', polygons: keep(a.polygons, (p) => fitPolygon(p, size, tolerance)) };
  return { annotation, clipped, refused };
}

/** The strict rule of the store: nothing may need clipping beyond SLACK_PX. */
export function strictFit(a: Annotation, bounds: ItemBounds): FittedAnnotation {
  return fitAnnotation(a, bounds, strict);
}
