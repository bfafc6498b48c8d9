/**
 * Screen <-> image coordinate transforms for zoomable, pannable image editors.
 * screen = image * scale + (tx, ty). Pure math: no DOM.
 */
export interface Point {
  x: number;
  y: number;
}

export interface ViewTransform {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;

export const IDENTITY: ViewTransform = { scale: 1, tx: 0, ty: 0 };

export function toScreen(t: ViewTransform, p: Point): Point {
  return { x: p.x * t.scale + t.tx, y: p.y * t.scale + t.ty };
}

export function toImage(t: ViewTransform, p: Point): Point {
  return { x: (p.x - t.tx) / t.scale, y: (p.y - t.ty) / t.scale };
}

/** Converts a screen distance (e.g. a handle radius in CSS px) to image pixels. */
export function screenToImageDistance(t: ViewTransform, d: number): number {
  return d / t.scale;
}

/** Zooms by `factor` keeping the image point under the screen point `anchor` fixed. */
export function zoomAt(t: ViewTransform, factor: number, anchor: Point, min = MIN_SCALE, max = MAX_SCALE): ViewTransform {
  const scale = Math.min(max, Math.max(min, t.scale * factor));
  const k = scale / t.scale;
  return { scale, tx: anchor.x - (anchor.x - t.tx) * k, ty: anchor.y - (anchor.y - t.ty) * k };
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, tx: t.tx + dx, ty: t.ty + dy };
}

/** Scale that fits the whole image in the view (never above 1:1 unless `upscale`), centred. */
export function fitTransform(imageW: number, imageH: number, viewW: number, viewH: number, padding = 8, upscale = false): ViewTransform {
  if (imageW <= 0 || imageH <= 0 || viewW <= 0 || viewH <= 0) return IDENTITY;
  const availW = Math.max(1, viewW - 2 * padding);
  const availH = Math.max(1, viewH - 2 * padding);
  let scale = Math.min(availW / imageW, availH / imageH);
  if (!upscale) scale = Math.min(1, scale);
  return centred(imageW, imageH, viewW, viewH, scale);
}

/** 1:1 (one image pixel per CSS pixel), centred in the view. */
export function oneToOneTransform(imageW: number, imageH: number, viewW: number, viewH: number): ViewTransform {
  return centred(imageW, imageH, viewW, viewH, 1);
}

function centred(imageW: number, imageH: number, viewW: number, viewH: number, scale: number): ViewTransform {
  return { scale, tx: (viewW - imageW * scale) / 2, ty: (viewH - imageH * scale) / 2 };
}
