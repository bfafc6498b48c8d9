/**
 * The mask editor's scene for `npm run bench:webview` (scripts/bench-webview.mjs): lbl-mask-editor on a
 * 4,000 x 3,000 image in headless Chromium. Not a test; timings are reported, never asserted.
 * Exposed as `window.lblMaskBench`.
 *
 * Canvas 2D records draw calls and rasterises them later, so each timing ends with a one-pixel
 * readback of the overlay canvas, which makes Chromium execute what was recorded (the offscreen
 * putImageData and the composite) before the clock stops.
 */
import { pointerAt, someLabels } from '../labeler/test-builders';
import './mask-editor';
import type { LblMaskEditor } from './mask-editor';
import { colourRect, paletteLut } from './mask-editor-ops';

export const MASK_W = 4000;
export const MASK_H = 3000;

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** A 4000 x 3000 street-like picture (sky, buildings, road bands) as a PNG blob URL (no network). */
async function bigImage(): Promise<string> {
  const c = document.createElement('canvas');
  Object.assign(c, { width: MASK_W, height: MASK_H });
  const ctx = c.getContext('2d')!;
  const bands: [string, number, number][] = [['#8ab', 0, 1100], ['#665', 1100, 1900], ['#444', 1900, 3000]];
  for (const [color, y0, y1] of bands) {
    ctx.fillStyle = color;
    ctx.fillRect(0, y0, MASK_W, y1 - y0);
  }
  ctx.fillStyle = '#ddd';
  for (let x = 0; x < MASK_W; x += 400) ctx.fillRect(x + 150, 2400, 200, 40); // lane marks
  return URL.createObjectURL(await new Promise<Blob>((res) => c.toBlob((b) => res(b!), 'image/png')));
}

/** Forces the recorded canvas work of both canvases (image, overlay) to run (see the file comment). */
function flushCanvas(el: LblMaskEditor): void {
  for (const c of el.shadowRoot!.querySelectorAll('canvas')) c.getContext('2d')!.getImageData(0, 0, 1, 1);
}

export interface MaskFigures {
  [name: string]: { n: number; value: number; unit: string; p95?: number };
}

/**
 * The stroke of mask_stroke_move, in image pixels: a start and 300 moves of 50 px (a quick hand at ~25 %
 * zoom) zigzagging across the whole image, rows at y = 100, 800, 1500, 2200 joined at alternate ends.
 * Also what scripts/bench-webview-ls-brush.mjs drives through Label Studio's brush and ours.
 */
export function strokePath(): [number, number][] {
  const path: [number, number][] = [[100, 100]];
  let [x, y] = path[0]!;
  let dx = 50;
  for (let i = 0; i < 300; i++) {
    x += dx;
    if (x > MASK_W - 100 || x < 100) {
      dx = -dx;
      y += 700;
    }
    path.push([x, y]);
  }
  return path;
}

/** Mounts lbl-mask-editor on a fresh 4000 x 3000 picture with a 60 px brush and waits until it is drawn. */
export async function mountMaskEditor(): Promise<{ el: LblMaskEditor; uri: string }> {
  document.body.replaceChildren();
  const box = document.createElement('div');
  box.style.cssText = 'width:1600px;height:900px;display:flex;flex-direction:column';
  const el = document.createElement('lbl-mask-editor');
  const uri = await bigImage();
  const loaded = new Promise((r) => el.addEventListener('lbl-image-load', r, { once: true }));
  Object.assign(el, { imageUri: uri, imageWidth: MASK_W, imageHeight: MASK_H, labels: someLabels('road', 'car', 'sky'), activeLabel: 'road' });
  box.append(el);
  document.body.append(box);
  await loaded;
  await el.updateComplete;
  await frame();
  el.setBrushSize(60);
  return { el, uri };
}

export async function maskScene(): Promise<MaskFigures> {
  const { el, uri } = await mountMaskEditor();

  // One stroke zigzagging across the whole image at the fitted zoom (strokePath).
  const moves: number[] = [];
  const path = strokePath();
  let [x, y] = path[0]!;
  pointerAt(el, 'pointerdown', x, y);
  for (let i = 0; i < path.length - 1; i++) {
    [x, y] = path[i + 1]!;
    const t0 = performance.now();
    pointerAt(el, 'pointermove', x, y);
    flushCanvas(el);
    moves.push(performance.now() - t0);
    if (i % 20 === 0) await frame();
  }
  pointerAt(el, 'pointerup', x, y);
  await frame();

  // The same at 1:1 zoom (a larger part of the screen changes per move).
  el.panZoom.oneToOne();
  await el.updateComplete;
  await frame();
  const moves1: number[] = [];
  pointerAt(el, 'pointerdown', 1500, 1200);
  for (let i = 1; i <= 100; i++) {
    const t0 = performance.now();
    pointerAt(el, 'pointermove', 1500 + 10 * i, 1200 + 4 * (i % 20));
    flushCanvas(el);
    moves1.push(performance.now() - t0);
    if (i % 20 === 0) await frame();
  }
  pointerAt(el, 'pointerup', 2500, 1200);
  el.panZoom.fit();
  await el.updateComplete;
  await frame();

  // Flood fill of the unlabeled background (most of the 12 MP, one region around the stroke), then of
  // that region again with another class, alternating.
  el.setTool('fill');
  const fills: number[] = [];
  const blocks: number[] = [];
  const region: number[] = [];
  for (let i = 0; i < 6; i++) {
    el.activeLabel = i % 2 ? 'car' : 'sky';
    await el.updateComplete;
    await frame();
    // A heartbeat of zero-delay timers: its longest gap is the longest the panel could not take input.
    let beating = true;
    let last = performance.now();
    let longest = 0;
    const beat = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (beating) setTimeout(beat, 0);
    };
    setTimeout(beat, 0);
    const t0 = performance.now();
    last = t0;
    pointerAt(el, 'pointerdown', MASK_W - 20, MASK_H - 20);
    pointerAt(el, 'pointerup', MASK_W - 20, MASK_H - 20);
    await el.fillDone;
    flushCanvas(el);
    const t1 = performance.now();
    beating = false;
    fills.push(t1 - t0);
    blocks.push(Math.max(longest, t1 - last));
    region.push(el.raster!.reduce((n, v) => n + (v === (i % 2 ? 2 : 3) ? 1 : 0), 0));
    await frame();
  }

  // Raw references in the same page: what one full redraw of the overlay costs (zoom, undo), and what a
  // move would cost if it re-coloured the whole raster instead of its dirty rectangle.
  const full: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    el.requestUpdate();
    await el.updateComplete;
    flushCanvas(el);
    full.push(performance.now() - t0);
    await frame();
  }
  const recolour: number[] = [];
  const lut = paletteLut(['#1f77b4', '#ff7f0e', '#2ca02c'], '#ffffff');
  const scratch = document.createElement('canvas');
  scratch.width = MASK_W;
  scratch.height = MASK_H;
  const sctx = scratch.getContext('2d')!;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    sctx.putImageData(colourRect(el.raster!, MASK_W, { x0: 0, y0: 0, x1: MASK_W, y1: MASK_H }, lut), 0, 0);
    sctx.getImageData(0, 0, 1, 1);
    recolour.push(performance.now() - t0);
    await frame();
  }
  const historyMb = el.historyBytes / 1048576;
  const t0 = performance.now();
  const runs = el.encoded()!.runs;
  const encodeMs = performance.now() - t0;
  document.body.replaceChildren();
  URL.revokeObjectURL(uri);
  return {
    mask_stroke_move: { n: moves.length, value: pct(moves, 0.5), p95: pct(moves, 0.95), unit: 'ms' },
    mask_stroke_move_1to1: { n: moves1.length, value: pct(moves1, 0.5), p95: pct(moves1, 0.95), unit: 'ms' },
    mask_flood_fill: { n: fills.length, value: pct(fills, 0.5), p95: Math.max(...fills), unit: 'ms' },
    mask_flood_fill_block: { n: blocks.length, value: pct(blocks, 0.5), p95: Math.max(...blocks), unit: 'ms' },
    mask_fill_region_mp: { n: region.length, value: pct(region, 0.5) / 1e6, unit: 'MP' },
    raw_view_full_redraw: { n: full.length, value: pct(full, 0.5), unit: 'ms' },
    raw_full_recolour: { n: recolour.length, value: pct(recolour, 0.5), unit: 'ms' },
    mask_history_mb: { n: 1, value: historyMb, unit: 'MB' },
    mask_encode_runs: { n: 1, value: encodeMs, unit: 'ms' },
    mask_runs_count: { n: 1, value: runs.length / 2, unit: 'runs' },
  };
}

declare global {
  interface Window {
    lblMaskBench: { maskScene: typeof maskScene; mountMaskEditor: typeof mountMaskEditor; bigImage: typeof bigImage; strokePath: typeof strokePath };
  }
}
window.lblMaskBench = { maskScene, mountMaskEditor, bigImage, strokePath };
