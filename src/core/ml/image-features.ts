/**
 * Image features for the built-in image classifier and the clustering of images (issue 12, item 2),
 * computed from decoded pixels (decoding files is the worker's job). Four groups, each l2-normalised,
 * concatenated into one dense Float32Array of a fixed length whatever the image size:
 * - a colour histogram: 4 x 4 x 4 RGB bins (a grey image fills the diagonal), shares of pixels;
 * - a gradient orientation histogram (HOG): the image resampled to `size` x `size` grey, central
 *   differences, 9 unsigned orientation bins (centres 0, 20, .. 160 degrees, votes split between the two
 *   nearest), `cell` x `cell` cells, 2 x 2-cell blocks at a one-cell stride, each block L2-Hys normalised;
 * - a perceptual hash: DCT-based 64-bit pHash of the image at 32 x 32 grey, as +-1/8 per bit;
 * - downsampled pixels: `pixels` x `pixels` grey, area-averaged.
 * Pure arithmetic in a fixed order: the same pixels give the same features everywhere. Alpha is
 * ignored (the colour channels are used as they are).
 */
import { LabelingError } from '../errors';

/** Decoded pixels: `channels` values per pixel, row by row; bytes 0-255 or floats 0-1. */
export interface ImageInput {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array | Float32Array;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: number;
}

export interface ImageFeatureOptions {
  /** Side of the grey plane the HOG is computed on (default 32, 8..256, a multiple of `cell`). */
  size?: number;
  /** Side of a HOG cell in pixels of that plane (default 4). */
  cell?: number;
  /** Side of the downsampled grey pixels (default 16, 2..64). */
  pixels?: number;
}

export interface ImageFeatureSettings {
  size: number;
  cell: number;
  pixels: number;
}

export const ORIENTATION_BINS = 9;
export const COLOUR_BINS = 4;
const PHASH_SIZE = 32;
const PHASH_LOW = 8;
/** L2-Hys: block entries are clipped at this after the first normalisation. */
const HYS_CLIP = 0.2;

function invalid(field: string, message: string): LabelingError {
  return new LabelingError('invalid-input', message, { field });
}

export function imageFeatureSettings(opts: ImageFeatureOptions = {}): ImageFeatureSettings {
  const cell = opts.cell ?? 4;
  if (!Number.isInteger(cell) || cell < 2 || cell > 64) throw invalid('cell', `must be an integer from 2 to 64, got ${String(cell)}`);
  const size = opts.size ?? 32;
  if (!Number.isInteger(size) || size < 8 || size > 256 || size % cell !== 0 || size / cell < 2) {
    throw invalid('size', `must be an integer from 8 to 256, a multiple of cell (${cell}) at least twice it, got ${String(size)}`);
  }
  const pixels = opts.pixels ?? 16;
  if (!Number.isInteger(pixels) || pixels < 2 || pixels > 64) throw invalid('pixels', `must be an integer from 2 to 64, got ${String(pixels)}`);
  return { size, cell, pixels };
}

/** Checks an image's shape and values; a bad one is a LabelingError naming `field` (e.g. `images[3].width`). */
export function checkImage(image: ImageInput, field = 'image'): void {
  if (typeof image !== 'object' || image === null) throw invalid(field, 'must be an object {width, height, data, channels}');
  for (const name of ['width', 'height'] as const) {
    const v = image[name];
    if (!Number.isInteger(v) || v < 1 || v > 65536) throw invalid(`${field}.${name}`, `must be an integer from 1 to 65536, got ${String(v)}`);
  }
  if (![1, 2, 3, 4].includes(image.channels)) throw invalid(`${field}.channels`, `must be 1, 2, 3 or 4, got ${String(image.channels)}`);
  const { data } = image;
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array || data instanceof Float32Array)) {
    throw invalid(`${field}.data`, 'must be a Uint8ClampedArray, Uint8Array or Float32Array');
  }
  const expected = image.width * image.height * image.channels;
  if (data.length !== expected) {
    throw invalid(`${field}.data`, `${data.length} values for ${image.width} x ${image.height} pixels x ${image.channels} channels (expected ${expected})`);
  }
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) throw invalid(`${field}.data[${i}]`, `float pixels must be from 0 to 1, got ${v}`);
    }
  }
}

/** The image as RGB floats 0-1 (3 per pixel; a grey image repeats its value). */
function rgbPlane(image: ImageInput): Float32Array {
  const { width, height, data, channels } = image;
  const n = width * height;
  const scale = data instanceof Float32Array ? 1 : 1 / 255;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const at = p * channels;
    if (channels < 3) {
      const v = data[at] * scale;
      out[3 * p] = v;
      out[3 * p + 1] = v;
      out[3 * p + 2] = v;
    } else {
      out[3 * p] = data[at] * scale;
      out[3 * p + 1] = data[at + 1] * scale;
      out[3 * p + 2] = data[at + 2] * scale;
    }
  }
  return out;
}

/** Luma (ITU-R BT.601) of an RGB plane. */
function greyOf(rgb: Float32Array): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) out[p] = 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2];
  return out;
}

/** The grey plane of an image, floats 0-1. */
export function greyPlane(image: ImageInput): Float32Array {
  return greyOf(rgbPlane(image));
}

/** For each output index along an axis of `from` -> `to` samples: the source samples it covers and their weights. */
function areaWeights(from: number, to: number): { start: Int32Array; count: Int32Array; weights: Float32Array[] } {
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const weights: Float32Array[] = [];
  const ratio = from / to;
  for (let o = 0; o < to; o++) {
    const lo = o * ratio;
    const hi = (o + 1) * ratio;
    const first = Math.floor(lo);
    const last = Math.min(from - 1, Math.ceil(hi) - 1);
    const w = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) w[s - first] = (Math.min(hi, s + 1) - Math.max(lo, s)) / ratio;
    start[o] = first;
    count[o] = w.length;
    weights.push(w);
  }
  return { start, count, weights };
}

/** Resamples a plane of w x h values to W x H by area averaging (box filter with partial coverage), up or down. */
export function resizeArea(plane: Float32Array, w: number, h: number, W: number, H: number): Float32Array {
  const xs = areaWeights(w, W);
  const ys = areaWeights(h, H);
  const rows = new Float32Array(W * h);
  for (let y = 0; y < h; y++) {
    for (let o = 0; o < W; o++) {
      let sum = 0;
      const wts = xs.weights[o];
      const base = y * w + xs.start[o];
      for (let j = 0; j < xs.count[o]; j++) sum += wts[j] * plane[base + j];
      rows[y * W + o] = sum;
    }
  }
  const out = new Float32Array(W * H);
  for (let o = 0; o < H; o++) {
    const wts = ys.weights[o];
    for (let x = 0; x < W; x++) {
      let sum = 0;
      for (let j = 0; j < ys.count[o]; j++) sum += wts[j] * rows[(ys.start[o] + j) * W + x];
      out[o * W + x] = sum;
    }
  }
  return out;
}

/** Scales `v[from..to)` to unit l2 norm in place (all zeros stay zeros). */
function l2Normalise(v: Float32Array, from = 0, to = v.length): void {
  let sum = 0;
  for (let i = from; i < to; i++) sum += v[i] * v[i];
  if (sum === 0) return;
  const inv = 1 / Math.sqrt(sum);
  for (let i = from; i < to; i++) v[i] *= inv;
}

// --- colour histogram -------------------------------------------------------------------------------

/** 4 x 4 x 4 RGB bins (index r * 16 + g * 4 + b), the share of pixels in each. */
function colourHistogramOf(rgb: Float32Array): Float32Array {
  const out = new Float32Array(COLOUR_BINS ** 3);
  const n = rgb.length / 3;
  const bin = (v: number) => Math.min(COLOUR_BINS - 1, Math.floor(v * COLOUR_BINS));
  for (let p = 0; p < n; p++) out[bin(rgb[3 * p]) * 16 + bin(rgb[3 * p + 1]) * 4 + bin(rgb[3 * p + 2])] += 1 / n;
  return out;
}

export function colourHistogram(image: ImageInput): Float32Array {
  checkImage(image);
  return colourHistogramOf(rgbPlane(image));
}

// --- HOG --------------------------------------------------------------------------------------------

/**
 * Histogram of oriented gradients of a size x size grey plane. Layout: block by block (row-major over
 * the (size/cell - 1)^2 block positions), in a block its 4 cells row-major, in a cell its 9 bins: the
 * entry at i is orientation bin i % 9.
 */
function hogOf(plane: Float32Array, size: number, cell: number): Float32Array {
  const cells = size / cell;
  const hist = new Float32Array(cells * cells * ORIENTATION_BINS);
  const binWidth = 180 / ORIENTATION_BINS;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const gx = plane[y * size + Math.min(size - 1, x + 1)] - plane[y * size + Math.max(0, x - 1)];
      const gy = plane[Math.min(size - 1, y + 1) * size + x] - plane[Math.max(0, y - 1) * size + x];
      const magnitude = Math.sqrt(gx * gx + gy * gy);
      if (magnitude === 0) continue;
      let angle = (Math.atan2(gy, gx) * 180) / Math.PI;
      if (angle < 0) angle += 180;
      if (angle >= 180) angle -= 180;
      const pos = angle / binWidth;
      const lo = Math.floor(pos) % ORIENTATION_BINS;
      const hi = (lo + 1) % ORIENTATION_BINS;
      const frac = pos - Math.floor(pos);
      const base = (Math.floor(y / cell) * cells + Math.floor(x / cell)) * ORIENTATION_BINS;
      hist[base + lo] += magnitude * (1 - frac);
      hist[base + hi] += magnitude * frac;
    }
  }
  const blocks = cells - 1;
  const blockSize = 4 * ORIENTATION_BINS;
  const out = new Float32Array(blocks * blocks * blockSize);
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx < blocks; bx++) {
      const at = (by * blocks + bx) * blockSize;
      let k = at;
      for (let cy = 0; cy < 2; cy++) {
        for (let cx = 0; cx < 2; cx++) {
          const base = ((by + cy) * cells + bx + cx) * ORIENTATION_BINS;
          for (let b = 0; b < ORIENTATION_BINS; b++) out[k++] = hist[base + b];
        }
      }
      l2Normalise(out, at, at + blockSize);
      for (let i = at; i < at + blockSize; i++) if (out[i] > HYS_CLIP) out[i] = HYS_CLIP;
      l2Normalise(out, at, at + blockSize);
    }
  }
  return out;
}

export function hogFeatures(image: ImageInput, opts: ImageFeatureOptions = {}): Float32Array {
  checkImage(image);
  const { size, cell } = imageFeatureSettings(opts);
  return hogOf(resizeArea(greyPlane(image), image.width, image.height, size, size), size, cell);
}

// --- perceptual hash --------------------------------------------------------------------------------

/** cos((2x + 1) u pi / 2N) for u < PHASH_LOW, x < N: the rows of the DCT-II kept by pHash. */
const DCT_BASIS = (() => {
  const b = new Float64Array(PHASH_LOW * PHASH_SIZE);
  for (let u = 0; u < PHASH_LOW; u++) {
    for (let x = 0; x < PHASH_SIZE; x++) b[u * PHASH_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
  }
  return b;
})();

/** The 64 pHash bits of a grey plane resampled to 32 x 32: low 8 x 8 DCT coefficients above their median. */
function phashBits(grey: Float32Array, w: number, h: number): Uint8Array {
  const plane = resizeArea(grey, w, h, PHASH_SIZE, PHASH_SIZE);
  const rows = new Float64Array(PHASH_SIZE * PHASH_LOW); // rows[y * 8 + u]: the DCT along x
  for (let y = 0; y < PHASH_SIZE; y++) {
    for (let u = 0; u < PHASH_LOW; u++) {
      let sum = 0;
      for (let x = 0; x < PHASH_SIZE; x++) sum += plane[y * PHASH_SIZE + x] * DCT_BASIS[u * PHASH_SIZE + x];
      rows[y * PHASH_LOW + u] = sum;
    }
  }
  const coef = new Float64Array(PHASH_LOW * PHASH_LOW); // coef[v * 8 + u]
  for (let v = 0; v < PHASH_LOW; v++) {
    for (let u = 0; u < PHASH_LOW; u++) {
      let sum = 0;
      for (let y = 0; y < PHASH_SIZE; y++) sum += rows[y * PHASH_LOW + u] * DCT_BASIS[v * PHASH_SIZE + y];
      coef[v * PHASH_LOW + u] = sum;
    }
  }
  const sorted = Float64Array.from(coef).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  const bits = new Uint8Array(64);
  for (let i = 0; i < 64; i++) bits[i] = coef[i] > median ? 1 : 0;
  return bits;
}

function hexOf(bits: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 64; i += 4) s += ((bits[i] << 3) | (bits[i + 1] << 2) | (bits[i + 2] << 1) | bits[i + 3]).toString(16);
  return s;
}

/** The image's 64-bit perceptual hash as 16 hex digits (first digit = the four lowest frequencies of the first row). */
export function perceptualHash(image: ImageInput): string {
  checkImage(image);
  return hexOf(phashBits(greyPlane(image), image.width, image.height));
}

/** Number of differing bits between two hashes from `perceptualHash` (0 identical .. 64). */
export function hammingDistance(a: string, b: string): number {
  for (const [field, h] of [['a', a], ['b', b]] as const) {
    if (typeof h !== 'string' || !/^[0-9a-f]{16}$/.test(h)) throw invalid(field, `must be 16 hex digits (a perceptual hash), got ${JSON.stringify(h)}`);
  }
  let d = 0;
  for (let i = 0; i < 16; i++) {
    let x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

// --- all together -----------------------------------------------------------------------------------

/** Where each group sits in the feature vector. */
export interface FeatureLayout {
  colour: [number, number];
  hog: [number, number];
  phash: [number, number];
  pixels: [number, number];
  length: number;
}

export function featureLayout(settings: ImageFeatureSettings): FeatureLayout {
  const blocks = settings.size / settings.cell - 1;
  const sizes = [COLOUR_BINS ** 3, blocks * blocks * 4 * ORIENTATION_BINS, 64, settings.pixels * settings.pixels];
  const ends = sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0));
  return {
    colour: [0, ends[0]],
    hog: [ends[0], ends[1]],
    phash: [ends[1], ends[2]],
    pixels: [ends[2], ends[3]],
    length: ends[3],
  };
}

export interface ImageFeatures {
  /** The four groups, each l2-normalised, in the order of `featureLayout`. */
  vector: Float32Array;
  /** The perceptual hash, for near-duplicate detection. */
  hash: string;
}

/** Every feature of one image (checked first; a bad image is a LabelingError naming `field`). */
export function imageFeatures(image: ImageInput, settings: ImageFeatureSettings = imageFeatureSettings(), field = 'image'): ImageFeatures {
  checkImage(image, field);
  const { width, height } = image;
  const rgb = rgbPlane(image);
  const grey = greyOf(rgb);
  const layout = featureLayout(settings);
  const vector = new Float32Array(layout.length);
  vector.set(colourHistogramOf(rgb), layout.colour[0]);
  vector.set(hogOf(resizeArea(grey, width, height, settings.size, settings.size), settings.size, settings.cell), layout.hog[0]);
  const bits = phashBits(grey, width, height);
  for (let i = 0; i < 64; i++) vector[layout.phash[0] + i] = bits[i] ? 0.125 : -0.125;
  vector.set(resizeArea(grey, width, height, settings.pixels, settings.pixels), layout.pixels[0]);
  for (const [from, to] of [layout.colour, layout.hog, layout.phash, layout.pixels]) l2Normalise(vector, from, to);
  return { vector, hash: hexOf(bits) };
}
