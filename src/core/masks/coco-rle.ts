/**
 * COCO run-length encoding of binary masks (pycocotools layout): run lengths over the pixels in
 * column-major order, alternating background and foreground and starting with background (so a mask
 * whose first pixel is set starts with a 0). The compressed string form is pycocotools' rleToString;
 * its decoder is src/core/formats/rle.ts decodeRleString, wrapped here. Also per-class RLE of a class
 * raster, one binary mask per class, and back.
 */
import { decodeRleString, rleStats, type RleStats } from '../formats/rle';
import type { ErrorLocation } from '../errors';
import { checkRaster, checkSize, IGNORE, invalidMask, UNLABELED, type ClassRaster } from './raster';

/** An RLE of a `height` x `width` mask. `size` is [height, width] as in COCO. */
export interface CocoRle {
  size: [number, number];
  counts: string | number[];
}

/** Run lengths (column-major, starting with background) of the pixels of `mask` (row-major) that are non-zero. */
export function encodeBinaryRle(mask: Uint8Array, width: number, height: number): number[] {
  checkRaster({ width, height, data: mask });
  const counts: number[] = [];
  let fg = false;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let i = x; i < mask.length; i += width) {
      const on = mask[i] !== 0;
      if (on !== fg) {
        counts.push(run);
        run = 0;
        fg = on;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/**
 * The row-major 0/1 mask of run lengths. Runs must be non-negative integers covering at most
 * width x height pixels; pixels after the last run are background, as pycocotools leaves them.
 */
export function decodeBinaryRle(counts: readonly number[], width: number, height: number, where: ErrorLocation = {}): Uint8Array {
  checkSize(width, height, where);
  const n = width * height;
  const out = new Uint8Array(n);
  let pos = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (!Number.isInteger(c) || c < 0) throw invalidMask(`run ${k} is not a non-negative integer (${c})`, where);
    if (pos + c > n) throw invalidMask(`the runs cover more than the ${n} pixels of a ${width} x ${height} mask (run ${k} ends at ${pos + c})`, where);
    pos += c;
  }
  forEachForeground(counts, width, height, (i) => (out[i] = 1));
  return out;
}

/** Calls `fn` with the row-major index of every foreground pixel of (validated) column-major runs. */
function forEachForeground(counts: readonly number[], width: number, height: number, fn: (i: number) => void): void {
  let x = 0;
  let y = 0;
  for (let k = 0; k < counts.length; k++) {
    let c = counts[k]!;
    if (k % 2 === 0) {
      x += Math.floor((y + c) / height);
      y = (y + c) % height;
      continue;
    }
    for (; c > 0; c--) {
      fn(y * width + x);
      if (++y === height) {
        y = 0;
        x++;
      }
    }
  }
}

/** pycocotools' compressed string of run lengths (5 bits a character, a continuation bit, deltas from two runs back). */
export function encodeRleString(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Run lengths of a COCO RLE (string or list counts), validated against its size. */
export function rleCounts(rle: unknown, where: ErrorLocation = {}): { width: number; height: number; counts: number[] } {
  const field = (f: string) => ({ ...where, field: where.field ? `${where.field}.${f}` : f });
  if (!rle || typeof rle !== 'object') throw invalidMask('an RLE must be an object {size: [height, width], counts}', where);
  const { size, counts } = rle as Record<string, unknown>;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v > 0)) {
    throw invalidMask('RLE size must be [height, width], two positive integers', field('size'));
  }
  const [height, width] = size as [number, number];
  let list: number[];
  if (typeof counts === 'string') {
    try {
      list = decodeRleString(counts);
    } catch (e) {
      throw invalidMask(`bad RLE string: ${(e as Error).message}`, field('counts'));
    }
  } else if (Array.isArray(counts)) {
    list = counts as number[];
  } else {
    throw invalidMask('RLE counts must be a string or a list of run lengths', field('counts'));
  }
  let sum = 0;
  for (let k = 0; k < list.length; k++) {
    const c = list[k];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw invalidMask(`run ${k} is not a non-negative integer (${c})`, field('counts'));
    sum += c;
  }
  if (sum > width * height) throw invalidMask(`the runs cover ${sum} pixels, a ${height} x ${width} mask has ${width * height}`, field('counts'));
  return { width, height, counts: list };
}

/** The row-major 0/1 mask of a COCO RLE segmentation (string or list counts). */
export function decodeCocoRle(rle: unknown, where: ErrorLocation = {}): { width: number; height: number; data: Uint8Array } {
  const { width, height, counts } = rleCounts(rle, where);
  return { width, height, data: decodeBinaryRle(counts, width, height, where) };
}

export interface ClassRle {
  /** The class index in the raster. */
  classIndex: number;
  /** Compressed COCO RLE of that class's pixels. */
  rle: { size: [number, number]; counts: string };
  area: number;
  bbox: RleStats['bbox'];
}

/**
 * One COCO RLE per class present, in index order, from a single column-major pass over the raster.
 * "unlabeled" (0) is never a class; the ignore class (255) only with `includeIgnore`.
 */
export function classRasterToRles(r: ClassRaster, opts: { includeIgnore?: boolean } = {}): ClassRle[] {
  checkRaster(r);
  const { width: w, height: h, data } = r;
  const runs: (number[] | undefined)[] = new Array(256);
  // Per class: the position where its current run (background or foreground) began.
  const since = new Float64Array(256);
  let prev = -1;
  let pos = 0;
  const change = (v: number, at: number) => {
    let list = runs[v];
    if (!list) runs[v] = list = [];
    list.push(at - since[v]!);
    since[v] = at;
  };
  for (let x = 0; x < w; x++) {
    for (let i = x; i < data.length; i += w, pos++) {
      const v = data[i]!;
      if (v === prev) continue;
      if (prev >= 0) change(prev, pos); // prev's foreground run ends
      change(v, pos); // v's background run ends
      prev = v;
    }
  }
  const n = w * h;
  const out: ClassRle[] = [];
  for (let v = 0; v < 256; v++) {
    const list = runs[v];
    if (!list || v === UNLABELED || (v === IGNORE && !opts.includeIgnore)) continue;
    list.push(n - since[v]!); // the last run, foreground if v is the last pixel's class
    const stats = rleStats(list, h, w);
    out.push({ classIndex: v, rle: { size: [h, w], counts: encodeRleString(list) }, area: stats.area, bbox: stats.bbox });
  }
  return out;
}

/**
 * Paints per-class RLEs into a class raster of `width` x `height` (0 where none is set). Where two
 * overlap the later one wins; `overlapPixels` counts such pixels. An RLE of another size is an error
 * naming its position.
 */
export function rlesToClassRaster(
  entries: readonly { classIndex: number; rle: unknown }[],
  width: number,
  height: number,
  where: ErrorLocation = {},
): { raster: ClassRaster; overlapPixels: number } {
  checkSize(width, height, where);
  const data = new Uint8Array(width * height);
  const painted = new Uint8Array(width * height);
  let overlapPixels = 0;
  entries.forEach((e, k) => {
    const at = { ...where, field: `${where.field ?? ''}[${k}]` };
    if (!Number.isInteger(e.classIndex) || e.classIndex < 1 || e.classIndex > 255) throw invalidMask(`class index ${e.classIndex} is not 1..255`, at);
    const m = rleCounts(e.rle, at);
    if (m.width !== width || m.height !== height) throw invalidMask(`the RLE is ${m.height} x ${m.width} (height x width), the image ${height} x ${width}`, at);
    forEachForeground(m.counts, width, height, (i) => {
      if (painted[i]) overlapPixels++;
      painted[i] = 1;
      data[i] = e.classIndex;
    });
  });
  return { raster: { width, height, data }, overlapPixels };
}
