/**
 * Painting of lbl-mask-editor's overlay canvas (the canvas over the image): the coloured mask from the
 * offscreen canvas at image resolution, the brush cursor and the polygon being drawn. A repaint can be
 * limited to an image rectangle (the dirty rectangle of a brush move): only the device pixels under it
 * are cleared and redrawn, from only the offscreen pixels under them.
 */
import type { Point, ViewTransform } from '../../src/core/geometry/transform';
import { vertexCount } from '../../src/core/geometry/polygon';
import { drawHandles, tracePath } from './canvas-draw';
import { clipRect, colourRect, emptyRect, isEmpty, type Rect } from './mask-editor-ops';
import type { MaskTool } from './mask-editor';

/** What the overlay shows, read from the editor at each repaint. */
export interface OverlayScene {
  transform: ViewTransform;
  /** Image width and height in pixels. */
  w: number;
  h: number;
  /** The mask coloured at image resolution (transparent where unlabeled). */
  offscreen: HTMLCanvasElement | undefined;
  /** Nothing was coloured into the offscreen since it was last cleared: it is not drawn. */
  offscreenBlank: boolean;
  showOverlay: boolean;
  /** Overlay opacity, 0..1. */
  opacity: number;
  /** The brush cursor's centre in image pixels. */
  cursor: Point | undefined;
  /** The polygon being drawn (flat x, y pairs). */
  path: number[] | undefined;
  hoverPoint: Point | undefined;
  brushSize: number;
  tool: MaskTool;
  /** The active label's colour (called only when the cursor or a polygon is drawn). */
  activeColor: () => string;
}

/** Redraws the overlay canvas `view` (sized to `base`, the image canvas) inside an image rectangle (undefined: all of it). */
export function paintOverlay(view: HTMLCanvasElement | undefined, base: HTMLCanvasElement | undefined, r: Rect | undefined, s: OverlayScene): void {
  if (!view || !base) return;
  if (view.width !== base.width || view.height !== base.height) {
    view.width = base.width;
    view.height = base.height;
    r = undefined;
  }
  const ctx = view.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const t = s.transform;
  const k = dpr * t.scale;
  // The device-pixel rectangle to redraw, a pixel of margin for antialiased edges.
  let dx0 = 0;
  let dy0 = 0;
  let dx1 = view.width;
  let dy1 = view.height;
  if (r) {
    dx0 = Math.max(0, Math.floor(r.x0 * k + dpr * t.tx) - 1);
    dy0 = Math.max(0, Math.floor(r.y0 * k + dpr * t.ty) - 1);
    dx1 = Math.min(view.width, Math.ceil(r.x1 * k + dpr * t.tx) + 1);
    dy1 = Math.min(view.height, Math.ceil(r.y1 * k + dpr * t.ty) + 1);
    if (dx1 <= dx0 || dy1 <= dy0) return;
  }
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(dx0, dy0, dx1 - dx0, dy1 - dy0);
  if (r) {
    ctx.beginPath();
    ctx.rect(dx0, dy0, dx1 - dx0, dy1 - dy0);
    ctx.clip();
  }
  ctx.setTransform(k, 0, 0, k, dpr * t.tx, dpr * t.ty);
  if (s.showOverlay && s.offscreen && !s.offscreenBlank && s.opacity > 0) {
    // The image pixels under the device rectangle only: drawing a 12 MP source for a small brush is waste.
    const src = clipRect({ x0: (dx0 - dpr * t.tx) / k - 1, y0: (dy0 - dpr * t.ty) / k - 1, x1: (dx1 - dpr * t.tx) / k + 1, y1: (dy1 - dpr * t.ty) / k + 1 }, s.w, s.h);
    if (!isEmpty(src)) {
      ctx.imageSmoothingEnabled = false;
      ctx.globalAlpha = s.opacity;
      const sw = src.x1 - src.x0;
      const sh = src.y1 - src.y0;
      ctx.drawImage(s.offscreen, src.x0, src.y0, sw, sh, src.x0, src.y0, sw, sh);
      ctx.globalAlpha = 1;
    }
  }
  drawCursor(ctx, t, s);
  drawPath(ctx, t, s);
  ctx.restore();
}

function drawCursor(ctx: CanvasRenderingContext2D, t: ViewTransform, s: OverlayScene): void {
  const c = s.cursor;
  if (!c || s.path) return;
  const r = Math.max(0.5, s.brushSize / 2);
  ctx.beginPath();
  ctx.arc(c.x, c.y, r, 0, Math.PI * 2);
  ctx.lineWidth = 3 / t.scale;
  ctx.strokeStyle = 'rgba(0,0,0,0.6)';
  ctx.stroke();
  ctx.lineWidth = 1 / t.scale;
  ctx.strokeStyle = s.tool === 'eraser' ? '#ffffff' : s.activeColor();
  ctx.stroke();
}

function drawPath(ctx: CanvasRenderingContext2D, t: ViewTransform, s: OverlayScene): void {
  if (!s.path) return;
  const color = s.activeColor();
  const open = s.hoverPoint ? [...s.path, s.hoverPoint.x, s.hoverPoint.y] : s.path;
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  ctx.lineWidth = 2 / t.scale;
  ctx.strokeStyle = color;
  tracePath(ctx, open, false);
  ctx.stroke();
  drawHandles(ctx, t, Array.from({ length: vertexCount(s.path) }, (_, i) => ({ x: s.path![2 * i]!, y: s.path![2 * i + 1]! })), color);
}

/** The image rectangle a repaint of the brush cursor centred at `c` covers (its outline included); empty without one. */
export function cursorRect(c: Point | undefined, brushSize: number, scale: number): Rect {
  if (!c) return emptyRect();
  const r = brushSize / 2 + 3 / scale;
  return { x0: c.x - r, y0: c.y - r, x1: c.x + r, y1: c.y + r };
}

/** Whether a brush of `brushSize` centred at `p` reaches the w x h image. */
export function brushNearImage(p: Point, brushSize: number, w: number, h: number): boolean {
  const r = brushSize / 2;
  return p.x > -r && p.y > -r && p.x < w + r && p.y < h + r;
}

/**
 * The mask coloured at image resolution (transparent where unlabeled): an offscreen canvas that rectangles of
 * the raster are coloured into through the palette, and that paintOverlay draws from.
 */
export class ColouredMask {
  canvas?: HTMLCanvasElement;
  private ctx?: CanvasRenderingContext2D;
  /** Class index -> RGBA (paletteLut). */
  private lut: Uint32Array = new Uint32Array(256);
  /**
   * Nothing was coloured into the canvas since it was last cleared (a new item without a mask): it is not
   * cleared again nor drawn over the view (each a pass over 4000 x 3000 on the item's first frame).
   */
  blank = true;

  /** Takes a new palette; false when it is the one in use (nothing to re-colour). */
  setPalette(lut: Uint32Array): boolean {
    if (lut.every((c, i) => c === this.lut[i])) return false;
    this.lut = lut;
    return true;
  }

  /** A new raster of width x height: the canvas sized and cleared, unless it is blank at that size already. */
  reset(width: number, height: number): void {
    const off = this.canvas ?? document.createElement('canvas');
    if (!this.canvas || !this.blank || off.width !== width || off.height !== height) {
      off.width = width; // also clears it
      off.height = height;
    }
    this.blank = true;
    this.canvas = off;
    this.ctx = off.getContext('2d')!;
  }

  /** Colours rectangle `r` of the raster `data` (w x h) into the canvas. */
  recolour(data: Uint8Array | undefined, w: number, h: number, r: Rect): void {
    const c = clipRect(r, w, h);
    if (isEmpty(c) || !this.ctx || !data) return;
    this.ctx.putImageData(colourRect(data, w, c, this.lut), c.x0, c.y0);
    this.blank = false;
  }
}
