/** Canvas drawing helpers shared by the box and polygon editors. Coordinates are image pixels. */
import type { ViewTransform } from '../../src/core/geometry/transform';
import { textOn } from '../shared/colors';

export interface ShapeStyle {
  color: string;
  selected: boolean;
  suggested: boolean;
}

/**
 * How suggested shapes (prelabels not yet confirmed) are told apart: translucent outlines. Not dashes:
 * dashing 1,000 boxes costs ~18 ms of raster in headless Chromium against ~3 ms for solid outlines
 * drawn one strokeRect each, and that raster delays the frame that shows the next item.
 */
export const SUGGESTED_ALPHA = 0.55;

/** Applies stroke settings that look the same at any zoom (line width in screen px; suggested: translucent). */
export function strokeFor(ctx: CanvasRenderingContext2D, t: ViewTransform, s: ShapeStyle): void {
  ctx.strokeStyle = s.color;
  ctx.lineWidth = (s.selected ? 3 : 2) / t.scale;
  ctx.setLineDash([]);
  ctx.globalAlpha = s.suggested ? SUGGESTED_ALPHA : 1;
}

/** A filled label tag whose top-left corner sits at (x, y), drawn at a constant screen size. */
export function drawTag(ctx: CanvasRenderingContext2D, t: ViewTransform, x: number, y: number, text: string, color: string): void {
  const k = 1 / t.scale;
  ctx.font = `${11 * k}px sans-serif`;
  const w = ctx.measureText(text).width + 6 * k;
  const h = 14 * k;
  const top = y - h >= 0 ? y - h : y;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.fillStyle = color;
  ctx.fillRect(x, top, w, h);
  ctx.fillStyle = textOn(color);
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + 3 * k, top + h / 2);
}

/**
 * Many tags (as drawTag, same look) in one pass: the font set once, each text measured once, the
 * backgrounds filled as one path per colour, then the texts. Tags are drawn in their given order per colour;
 * a tag wider than its `room` (image px) is left out.
 */
export function drawTags(ctx: CanvasRenderingContext2D, t: ViewTransform, tags: readonly { x: number; y: number; text: string; color: string; room?: number }[]): void {
  if (!tags.length) return;
  const k = 1 / t.scale;
  const h = 14 * k;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.font = `${11 * k}px sans-serif`;
  ctx.textBaseline = 'middle';
  const widths = new Map<string, number>();
  const byColor = new Map<string, typeof tags[number][]>();
  for (const tag of tags) {
    const g = byColor.get(tag.color);
    if (g) g.push(tag);
    else byColor.set(tag.color, [tag]);
  }
  for (const [color, list] of byColor) {
    ctx.beginPath();
    const shown: typeof list = [];
    for (const tag of list) {
      let w = widths.get(tag.text);
      if (w === undefined) widths.set(tag.text, (w = ctx.measureText(tag.text).width + 6 * k));
      if (tag.room !== undefined && w > tag.room) continue;
      shown.push(tag);
      ctx.rect(tag.x, tag.y - h >= 0 ? tag.y - h : tag.y, w, h);
    }
    ctx.fillStyle = color;
    ctx.fill();
    ctx.fillStyle = textOn(color);
    for (const tag of shown) ctx.fillText(tag.text, tag.x + 3 * k, (tag.y - h >= 0 ? tag.y - h : tag.y) + h / 2);
  }
}

/** Square handles of constant screen size centred on each point. */
export function drawHandles(ctx: CanvasRenderingContext2D, t: ViewTransform, points: readonly { x: number; y: number }[], color: string): void {
  const s = 7 / t.scale;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1 / t.scale;
  ctx.strokeStyle = color;
  ctx.fillStyle = '#ffffff';
  for (const p of points) {
    ctx.fillRect(p.x - s / 2, p.y - s / 2, s, s);
    ctx.strokeRect(p.x - s / 2, p.y - s / 2, s, s);
  }
}

export function tracePath(ctx: CanvasRenderingContext2D, ring: readonly number[], close: boolean): void {
  ctx.beginPath();
  for (let i = 0; i < ring.length; i += 2) {
    if (i === 0) ctx.moveTo(ring[0]!, ring[1]!);
    else ctx.lineTo(ring[i]!, ring[i + 1]!);
  }
  if (close) ctx.closePath();
}

/** One closed path of every ring of an object: filled with 'evenodd', a ring inside another is a hole (as consensus counts them). */
export function traceRings(ctx: CanvasRenderingContext2D, rings: readonly (readonly number[])[]): void {
  ctx.beginPath();
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i += 2) {
      if (i === 0) ctx.moveTo(ring[0]!, ring[1]!);
      else ctx.lineTo(ring[i]!, ring[i + 1]!);
    }
    ctx.closePath();
  }
}
