/**
 * Raster operations of the mask editor (lbl-mask-editor), on a class-index raster of width x height
 * bytes, row-major: brush discs stamped along a segment, even-odd polygon fill at pixel centres,
 * 4-connected scanline flood fill, the palette lookup that colours a rectangle of it, and per-stroke
 * undo that keeps only the 64 x 64 tiles a stroke touched (their bytes before and after), never whole
 * rasters. No DOM here except the ImageData the colouring writes.
 */

import { IGNORE_INDEX } from '../../src/protocol/mask-transport';

export const UNLABELED = 0;
export const IGNORE = IGNORE_INDEX;
/** Side of the undo tiles (the shifts by 6 below divide by it). */
export const TILE = 64;

/** A pixel rectangle, x0 <= x < x1, y0 <= y < y1. Empty when x1 <= x0. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const emptyRect = (): Rect => ({ x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity });
export const isEmpty = (r: Rect): boolean => r.x1 <= r.x0 || r.y1 <= r.y0;

export function addRect(r: Rect, x0: number, y0: number, x1: number, y1: number): void {
  if (x0 < r.x0) r.x0 = x0;
  if (y0 < r.y0) r.y0 = y0;
  if (x1 > r.x1) r.x1 = x1;
  if (y1 > r.y1) r.y1 = y1;
}

export function unionRect(a: Rect, b: Rect): Rect {
  if (isEmpty(a)) return { ...b };
  if (isEmpty(b)) return { ...a };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

export function clipRect(r: Rect, w: number, h: number): Rect {
  return { x0: Math.max(0, Math.floor(r.x0)), y0: Math.max(0, Math.floor(r.y0)), x1: Math.min(w, Math.ceil(r.x1)), y1: Math.min(h, Math.ceil(r.y1)) };
}

/** A brush of `size` pixels across: the half-width of each row of the disc, rows -radius..radius. */
export interface Disc {
  size: number;
  radius: number;
  halfWidths: Int32Array;
}

/** The disc of pixels whose offset (dx, dy) from the centre pixel has dx² + dy² <= (size / 2)². */
export function makeDisc(size: number): Disc {
  const r = Math.max(1, size) / 2;
  const radius = Math.floor(r);
  const halfWidths = new Int32Array(2 * radius + 1);
  for (let dy = -radius; dy <= radius; dy++) halfWidths[dy + radius] = Math.floor(Math.sqrt(r * r - dy * dy));
  return { size, radius, halfWidths };
}

/**
 * Records the bytes a stroke changes, by 64 x 64 tile: `touch*` copies a tile's bytes the first time the
 * stroke reaches it (call it before writing), `end` copies the same tiles after and keeps those that changed.
 */
export class StrokeRecorder {
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly seen: Uint8Array;
  private touched: number[] = [];
  private before: Uint8Array[] = [];

  constructor(private readonly raster: Uint8Array, readonly width: number, readonly height: number) {
    this.tilesX = Math.ceil(width / TILE);
    this.tilesY = Math.ceil(height / TILE);
    this.seen = new Uint8Array(this.tilesX * this.tilesY);
  }

  begin(): void {
    for (const t of this.touched) this.seen[t] = 0;
    this.touched = [];
    this.before = [];
  }

  /** Row `y`, pixels xa..xb inclusive, is about to be written. */
  touchSpan(y: number, xa: number, xb: number): void {
    const row = (y >> 6) * this.tilesX;
    for (let tx = xa >> 6, end = xb >> 6; tx <= end; tx++) {
      const t = row + tx;
      if (this.seen[t]) continue;
      this.seen[t] = 1;
      this.touched.push(t);
      this.before.push(copyTile(this.raster, this.width, this.height, t, this.tilesX));
    }
  }

  /** The stroke's changed tiles (undefined when nothing changed); the recorder is then ready for the next one. */
  end(): Stroke | undefined {
    const tiles: number[] = [];
    const before: Uint8Array[] = [];
    const after: Uint8Array[] = [];
    const rect = emptyRect();
    let bytes = 0;
    this.touched.forEach((t, k) => {
      const b = this.before[k]!;
      const a = copyTile(this.raster, this.width, this.height, t, this.tilesX);
      if (equalBytes(a, b)) return;
      tiles.push(t);
      before.push(b);
      after.push(a);
      bytes += a.length * 2;
      const r = tileRect(t, this.tilesX, this.width, this.height);
      addRect(rect, r.x0, r.y0, r.x1, r.y1);
    });
    this.begin();
    return tiles.length ? { tiles, before, after, bytes, rect, tilesX: this.tilesX } : undefined;
  }
}

/** One undoable edit: the changed tiles' bytes before and after. */
export interface Stroke {
  tiles: number[];
  before: Uint8Array[];
  after: Uint8Array[];
  bytes: number;
  rect: Rect;
  tilesX: number;
}

function tileRect(t: number, tilesX: number, w: number, h: number): Rect {
  const x0 = (t % tilesX) * TILE;
  const y0 = Math.floor(t / tilesX) * TILE;
  return { x0, y0, x1: Math.min(w, x0 + TILE), y1: Math.min(h, y0 + TILE) };
}

function copyTile(raster: Uint8Array, w: number, h: number, t: number, tilesX: number): Uint8Array {
  const r = tileRect(t, tilesX, w, h);
  const tw = r.x1 - r.x0;
  const out = new Uint8Array(tw * (r.y1 - r.y0));
  for (let y = r.y0, o = 0; y < r.y1; y++, o += tw) out.set(raster.subarray(y * w + r.x0, y * w + r.x1), o);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes a stroke's before (undo) or after (redo) bytes back into the raster; returns the rectangle written. */
export function applyStroke(raster: Uint8Array, w: number, h: number, s: Stroke, which: 'before' | 'after'): Rect {
  const data = which === 'before' ? s.before : s.after;
  s.tiles.forEach((t, k) => {
    const r = tileRect(t, s.tilesX, w, h);
    const tw = r.x1 - r.x0;
    const src = data[k]!;
    for (let y = r.y0, o = 0; y < r.y1; y++, o += tw) raster.set(src.subarray(o, o + tw), y * w + r.x0);
  });
  return { ...s.rect };
}

/** Undo/redo stacks of strokes, the oldest dropped when their bytes exceed `capBytes` (the newest is always kept). */
export class StrokeHistory {
  private entries: Stroke[] = [];
  private index = 0;
  bytes = 0;
  /** Strokes dropped from the start to stay under the cap. */
  dropped = 0;

  constructor(readonly capBytes: number) {}

  get canUndo(): boolean {
    return this.index > 0;
  }
  get canRedo(): boolean {
    return this.index < this.entries.length;
  }
  /** Strokes applied since the start (dropped ones included): 0 means the raster is as it was given. */
  get position(): number {
    return this.dropped + this.index;
  }

  push(s: Stroke): void {
    for (const e of this.entries.splice(this.index)) this.bytes -= e.bytes;
    this.entries.push(s);
    this.index = this.entries.length;
    this.bytes += s.bytes;
    while (this.bytes > this.capBytes && this.entries.length > 1) {
      this.bytes -= this.entries.shift()!.bytes;
      this.index--;
      this.dropped++;
    }
  }

  undo(): Stroke | undefined {
    return this.index > 0 ? this.entries[--this.index] : undefined;
  }

  redo(): Stroke | undefined {
    return this.index < this.entries.length ? this.entries[this.index++] : undefined;
  }

  clear(): void {
    this.entries = [];
    this.index = 0;
    this.bytes = 0;
    this.dropped = 0;
  }
}

/**
 * Paints the stroke from pixel (x0, y0) to (x1, y1): the discs centred along it, spaced at most a quarter of
 * the radius (1 px for small brushes), both ends included. Their union is convex (a capsule), so each row
 * is one span: the spans of all the discs are merged per row and each row is filled once. (Filled disc by
 * disc, the single pixel at the top and bottom of each disc stood out of a wide stroke's edges as a row of
 * one-pixel ticks, a quarter radius apart.)
 */
export function stampSegment(raster: Uint8Array, w: number, h: number, d: Disc, x0: number, y0: number, x1: number, y1: number, value: number, rec: StrokeRecorder, dirty: Rect): void {
  const dist = Math.hypot(x1 - x0, y1 - y0);
  const step = Math.max(1, d.radius / 4);
  const n = Math.max(1, Math.ceil(dist / step));
  const R = d.radius;
  const hw = d.halfWidths;
  const top = Math.round(Math.min(y0, y1)) - R;
  const rows = Math.round(Math.max(y0, y1)) + R - top + 1;
  const lo = new Int32Array(rows).fill(0x7fffffff);
  const hi = new Int32Array(rows).fill(-1);
  let px = NaN;
  let py = NaN;
  for (let i = dist === 0 ? n : 0; i <= n; i++) {
    const cx = Math.round(x0 + ((x1 - x0) * i) / n);
    const cy = Math.round(y0 + ((y1 - y0) * i) / n);
    if (cx === px && cy === py) continue;
    px = cx;
    py = cy;
    for (let dy = -R; dy <= R; dy++) {
      const half = hw[dy + R]!;
      if (half < 0) continue;
      const k = cy + dy - top;
      if (cx - half < lo[k]!) lo[k] = cx - half;
      if (cx + half > hi[k]!) hi[k] = cx + half;
    }
  }
  for (let k = 0; k < rows; k++) {
    const y = top + k;
    if (y < 0 || y >= h || hi[k]! < lo[k]!) continue;
    const xa = Math.max(0, lo[k]!);
    const xb = Math.min(w - 1, hi[k]!);
    if (xa > xb) continue;
    rec.touchSpan(y, xa, xb);
    raster.fill(value, y * w + xa, y * w + xb + 1);
    addRect(dirty, xa, y, xb + 1, y + 1);
  }
}

/**
 * Fills the pixels whose centre is inside the ring (even-odd; flat x, y list in image pixels) with
 * `value`; returns the rectangle written (empty when none).
 */
export function fillPolygon(raster: Uint8Array, w: number, h: number, ring: readonly number[], value: number, rec: StrokeRecorder): Rect {
  const dirty = emptyRect();
  const n = ring.length / 2;
  if (n < 3) return dirty;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 1; i < ring.length; i += 2) {
    minY = Math.min(minY, ring[i]!);
    maxY = Math.max(maxY, ring[i]!);
  }
  const ya = Math.max(0, Math.floor(minY));
  const yb = Math.min(h - 1, Math.ceil(maxY));
  const xs: number[] = [];
  for (let y = ya; y <= yb; y++) {
    const yc = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[2 * i]!;
      const yi = ring[2 * i + 1]!;
      const xj = ring[2 * j]!;
      const yj = ring[2 * j + 1]!;
      if (yi <= yc !== yj <= yc) xs.push(xi + ((yc - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const xb = Math.min(w - 1, Math.ceil(xs[k + 1]! - 0.5) - 1);
      if (xa > xb) continue;
      rec.touchSpan(y, xa, xb);
      raster.fill(value, y * w + xa, y * w + xb + 1);
      addRect(dirty, xa, y, xb + 1, y + 1);
    }
  }
  return dirty;
}

/**
 * Scanline flood fill: the 4-connected region of pixels with the class of (sx, sy) becomes `value`,
 * growing `dirty`. Memory is a stack of span seeds (one per run of the region in a neighbouring row),
 * not a pixel queue. A generator that yields every `spansPerYield` spans, so a large region can be filled
 * over several tasks; floodFill runs it to the end.
 */
export function* floodFillSteps(
  raster: Uint8Array, w: number, h: number, sx: number, sy: number, value: number, rec: StrokeRecorder, dirty: Rect, spansPerYield = 512,
): Generator<void, void, void> {
  if (sx < 0 || sy < 0 || sx >= w || sy >= h) return;
  const target = raster[sy * w + sx]!;
  if (target === value) return;
  let stack = new Int32Array(1024);
  let top = 0;
  const push = (x: number, y: number) => {
    if (top + 2 > stack.length) {
      const bigger = new Int32Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
    }
    stack[top++] = x;
    stack[top++] = y;
  };
  const scan = (row: number, xl: number, xr: number, y: number) => {
    let inRun = false;
    for (let x = xl; x <= xr; x++) {
      const hit = raster[row + x] === target;
      if (hit && !inRun) push(x, y);
      inRun = hit;
    }
  };
  push(sx, sy);
  let spans = 0;
  while (top > 0) {
    const y = stack[--top]!;
    const x = stack[--top]!;
    const row = y * w;
    if (raster[row + x] !== target) continue;
    let xl = x;
    while (xl > 0 && raster[row + xl - 1] === target) xl--;
    let xr = x;
    while (xr < w - 1 && raster[row + xr + 1] === target) xr++;
    rec.touchSpan(y, xl, xr);
    raster.fill(value, row + xl, row + xr + 1);
    addRect(dirty, xl, y, xr + 1, y + 1);
    if (y > 0) scan(row - w, xl, xr, y - 1);
    if (y < h - 1) scan(row + w, xl, xr, y + 1);
    if (++spans % spansPerYield === 0) yield;
  }
}

/** floodFillSteps to the end; returns the rectangle written (empty when the seed already has `value` or is outside). */
export function floodFill(raster: Uint8Array, w: number, h: number, sx: number, sy: number, value: number, rec: StrokeRecorder): Rect {
  const dirty = emptyRect();
  for (const _ of floodFillSteps(raster, w, h, sx, sy, value, rec, dirty, Infinity));
  return dirty;
}

/** '#rrggbb' -> packed RGBA for a little-endian Uint32Array view of ImageData (alpha 255). */
function packColor(hex: string): number {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  const v = Number.isFinite(n) && hex.length >= 7 ? n : 0x888888;
  return ((255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | ((v >> 16) & 255)) >>> 0;
}

/** Colour of each class index: 0 transparent, i the colour of class i, 255 the ignore colour. */
export function paletteLut(classColors: readonly string[], ignoreColor: string): Uint32Array {
  const lut = new Uint32Array(256);
  classColors.forEach((c, i) => {
    if (i + 1 < 255) lut[i + 1] = packColor(c);
  });
  lut[IGNORE] = packColor(ignoreColor);
  return lut;
}

/** The ImageData of `r` (clipped, non-empty) of the raster through the palette lookup. */
export function colourRect(raster: Uint8Array, w: number, r: Rect, lut: Uint32Array): ImageData {
  const rw = r.x1 - r.x0;
  const rh = r.y1 - r.y0;
  const img = new ImageData(rw, rh);
  const out = new Uint32Array(img.data.buffer);
  let o = 0;
  for (let y = r.y0; y < r.y1; y++) {
    for (let i = y * w + r.x0, end = i + rw; i < end; i++) out[o++] = lut[raster[i]!]!;
  }
  return img;
}

/**
 * encodeRuns (src/protocol/mask-transport.ts) of a raster, the same runs, faster: inside a run, whole
 * 32-bit words of its value are skipped four pixels at a time (a painted 4000 x 3000 mask: ~3 ms instead
 * of ~10 in V8), so the submit's encoding holds the key press less.
 */
export function encodeMaskRuns(raster: Uint8Array): number[] {
  const runs: number[] = [];
  const n = raster.length;
  const words = raster.byteOffset % 4 === 0 ? new Uint32Array(raster.buffer, raster.byteOffset, n >> 2) : undefined;
  let i = 0;
  while (i < n) {
    const v = raster[i]!;
    let j = i + 1;
    if (words) {
      while (j < n && (j & 3) !== 0 && raster[j] === v) j++; // up to a word boundary
      if (j < n && (j & 3) === 0 && raster[j] === v) {
        const vw = (v * 0x01010101) >>> 0;
        let k = j >> 2;
        while (k < words.length && words[k] === vw) k++;
        j = k << 2;
        while (j < n && raster[j] === v) j++; // the run's end inside a word, or the tail
      }
    } else while (j < n && raster[j] === v) j++;
    runs.push(v, j - i);
    i = j;
  }
  return runs;
}
