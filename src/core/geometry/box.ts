/**
 * Bounding-box math in image pixels: normalising drags, the minimum-size rule, hit tests, the eight
 * resize handles, resize and move clamped to the image. Pure: no DOM.
 */
import type { Point } from './transform';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** Boxes smaller than this (in image pixels, either side) are discarded when drawn. */
export const MIN_BOX_SIZE = 4;

export const HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
export type Handle = (typeof HANDLES)[number];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The rectangle spanned by two corner points, whatever the drag direction, clipped to the image. */
export function rectFromPoints(a: Point, b: Point, size?: ImageSize): Rect {
  let x0 = Math.min(a.x, b.x);
  let y0 = Math.min(a.y, b.y);
  let x1 = Math.max(a.x, b.x);
  let y1 = Math.max(a.y, b.y);
  if (size) {
    x0 = clamp(x0, 0, size.width);
    x1 = clamp(x1, 0, size.width);
    y0 = clamp(y0, 0, size.height);
    y1 = clamp(y1, 0, size.height);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function isBigEnough(r: Rect, min = MIN_BOX_SIZE): boolean {
  return r.w >= min && r.h >= min;
}

/** Rounds to 1/100 px so stored coordinates stay short and stable. */
export function roundRect(r: Rect): Rect {
  const q = (v: number) => Math.round(v * 100) / 100;
  return { x: q(r.x), y: q(r.y), w: q(r.w), h: q(r.h) };
}

export function containsPoint(r: Rect, p: Point, tolerance = 0): boolean {
  return p.x >= r.x - tolerance && p.x <= r.x + r.w + tolerance && p.y >= r.y - tolerance && p.y <= r.y + r.h + tolerance;
}

/**
 * Index of the box under `p`, or -1. When boxes nest, the smallest one wins (so a small box inside a
 * big one stays reachable); on equal areas the one drawn last (topmost) wins.
 */
export function boxAt(boxes: readonly Rect[], p: Point, tolerance = 0): number {
  let best = -1;
  let bestArea = Infinity;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i]!;
    if (!containsPoint(b, p, tolerance)) continue;
    const area = b.w * b.h;
    if (area <= bestArea) {
      best = i;
      bestArea = area;
    }
  }
  return best;
}

export function handlePoint(r: Rect, h: Handle): Point {
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const x = h.includes('w') ? r.x : h.includes('e') ? r.x + r.w : cx;
  const y = h.startsWith('n') ? r.y : h.startsWith('s') ? r.y + r.h : cy;
  return { x, y };
}

/** The handle within `radius` (image px) of `p`, nearest first, or undefined. */
export function handleAt(r: Rect, p: Point, radius: number): Handle | undefined {
  let best: Handle | undefined;
  let bestD = radius * radius;
  for (const h of HANDLES) {
    const q = handlePoint(r, h);
    const d = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

/**
 * Moves the edges a handle controls to follow the pointer at `p` (image px). Dragging past the
 * opposite edge flips the box; the result is clipped to the image.
 */
export function resizeRect(r: Rect, h: Handle, p: Point, size: ImageSize): Rect {
  let x0 = r.x;
  let y0 = r.y;
  let x1 = r.x + r.w;
  let y1 = r.y + r.h;
  if (h.includes('w')) x0 = p.x;
  if (h.includes('e')) x1 = p.x;
  if (h.startsWith('n')) y0 = p.y;
  if (h.startsWith('s')) y1 = p.y;
  return rectFromPoints({ x: x0, y: y0 }, { x: x1, y: y1 }, size);
}

/** Moves a box by (dx, dy) image px, stopping at the image edges (its size never changes). */
export function moveRect(r: Rect, dx: number, dy: number, size: ImageSize): Rect {
  const x = clamp(r.x + dx, 0, Math.max(0, size.width - r.w));
  const y = clamp(r.y + dy, 0, Math.max(0, size.height - r.h));
  return { x, y, w: r.w, h: r.h };
}

/** Arrow-key nudge: 1 px, or 10 px with Shift. */
export function nudgeRect(r: Rect, key: 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown', shift: boolean, size: ImageSize): Rect {
  const step = shift ? 10 : 1;
  const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
  const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
  return moveRect(r, dx, dy, size);
}

/** CSS cursor name for a handle. */
export function handleCursor(h: Handle): string {
  return h === 'n' || h === 's' ? 'ns-resize' : h === 'e' || h === 'w' ? 'ew-resize' : h === 'nw' || h === 'se' ? 'nwse-resize' : 'nesw-resize';
}
