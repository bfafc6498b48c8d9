/**
 * Label Studio brush masks. A `brushlabels` result stores one class's mask as `value.rle`: the image's
 * RGBA bytes (row by row, 4 a pixel) packed by thi.ng rle-pack, as label-studio-converter's brush.py
 * encode_rle / decode_rle read and write it. The bit stream, most significant bit first:
 *
 *   32 bits  number of values (width x height x 4)
 *    5 bits  word size - 1 (8 bits a value: 7)
 *   4 x 4    the four run-length field widths - 1 (3, 4, 8, 16 bits: 2, 3, 7, 15)
 *   blocks   1 bit repeat flag, 2 bits field choice, then (run length - 1) in that many bits; a repeat
 *            block is one word repeated, a literal block that many words
 *   padding  zero bits to the next byte (brush.py always adds 1 to 8 of them)
 *
 * A mask pixel is set where its alpha byte is non-zero (as brush.py's ls_rle_to_coco_rle reads it);
 * written masks have all four bytes 255 on set pixels, 0 elsewhere, as brush.py's mask2rle writes them.
 * Runs are found on pixels and decoded to pixel ranges, so a 4,000 x 3,000 mask never becomes 48 MB of RGBA.
 */
import type { ErrorLocation } from '../errors';
import { checkRaster, checkSize, IGNORE, invalidMask, presentIndices, UNLABELED, type ClassRaster } from './raster';

const RLE_SIZES = [3, 4, 8, 16] as const;

class BitWriter {
  private bytes = new Uint8Array(1024);
  private bits = 0;
  write(value: number, n: number): void {
    for (let k = n - 1; k >= 0; k--) {
      const byte = this.bits >> 3;
      if (byte >= this.bytes.length) {
        const grown = new Uint8Array(this.bytes.length * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      if ((value >>> k) & 1) this.bytes[byte]! |= 0x80 >> (this.bits & 7);
      this.bits++;
    }
  }
  /** brush.py's padding: 8 - (bits mod 8) zero bits, so a full byte when already aligned. */
  finish(): number[] {
    this.write(0, 8 - (this.bits % 8));
    return Array.from(this.bytes.subarray(0, this.bits >> 3));
  }
}

function header(w: BitWriter, num: number): void {
  w.write(num, 32);
  w.write(8 - 1, 5);
  for (const s of RLE_SIZES) w.write(s - 1, 4);
}

/** One run of `length` equal words, split into blocks of at most 65,536 as brush.py does. */
function writeRun(w: BitWriter, length: number, value: number): void {
  if (length === 1) {
    w.write(0, 1); // a literal block of one word
    w.write(0, 2);
    w.write(0, RLE_SIZES[0]);
    w.write(value, 8);
    return;
  }
  while (length > 0) {
    const n = Math.min(length, 2 ** 16);
    const choice = n <= 8 ? 0 : n <= 16 ? 1 : n <= 256 ? 2 : 3;
    w.write(1, 1);
    w.write(choice, 2);
    w.write(n - 1, RLE_SIZES[choice]);
    w.write(value, 8);
    length -= n;
  }
}

/** brush.py encode_rle of a byte array (word size 8, run fields 3/4/8/16 bits). */
export function encodeLsRle(values: Uint8Array): number[] {
  const w = new BitWriter();
  header(w, values.length);
  for (let i = 0; i < values.length; ) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    writeRun(w, j - i, values[i]!);
    i = j;
  }
  return w.finish();
}

/** The LS RLE of a binary mask (row-major, non-zero = set): RGBA 255,255,255,255 on set pixels. */
export function maskToLsRle(mask: Uint8Array, width: number, height: number): number[] {
  checkRaster({ width, height, data: mask });
  const runs: number[] = [];
  let on = false;
  let since = 0;
  for (let i = 0; i < mask.length; i++) {
    if ((mask[i] !== 0) === on) continue;
    runs.push(i - since);
    since = i;
    on = !on;
  }
  runs.push(mask.length - since);
  return runsToLsRle(runs, mask.length);
}

/** The LS RLE of `pixels` pixels given as alternating clear/set run lengths (starting with clear). */
function runsToLsRle(runs: readonly number[], pixels: number): number[] {
  const w = new BitWriter();
  header(w, pixels * 4);
  runs.forEach((n, k) => {
    if (n) writeRun(w, n * 4, k % 2 ? 255 : 0);
  });
  return w.finish();
}

/**
 * Decodes an LS RLE, calling `fill(start, end, value)` for each block of equal words. Throws (naming
 * `where`) on a stream that ends early, runs past its stated number of values, or states another number
 * than `expect`.
 */
function decodeBlocks(rle: ArrayLike<number>, where: ErrorLocation, fill: (start: number, end: number, value: number) => void, expect?: number): number {
  const total = rle.length * 8;
  let bit = 0;
  const read = (n: number): number => {
    if (bit + n > total) throw invalidMask(`the brush RLE ends early: ${n} more bits needed at bit ${bit} of ${total}`, where);
    let v = 0;
    for (let k = 0; k < n; k++, bit++) v = v * 2 + ((rle[bit >> 3]! >> (7 - (bit & 7))) & 1);
    return v;
  };
  for (let k = 0; k < rle.length; k++) {
    const b = rle[k];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) throw invalidMask(`the brush RLE must be a list of bytes (0..255); element ${k} is ${JSON.stringify(b)}`, where);
  }
  const num = read(32);
  if (expect !== undefined && num !== expect) throw invalidMask(`the brush RLE holds ${num} values; the image's RGBA has ${expect} (4 a pixel)`, where);
  const wordSize = read(5) + 1;
  const sizes = [read(4) + 1, read(4) + 1, read(4) + 1, read(4) + 1];
  for (let i = 0; i < num; ) {
    const repeat = read(1);
    const j = i + 1 + read(sizes[read(2)]!);
    if (j > num) throw invalidMask(`the brush RLE has a block up to value ${j}, past its ${num} values`, where);
    if (repeat) {
      fill(i, j, read(wordSize));
      i = j;
    } else {
      for (; i < j; i++) fill(i, i + 1, read(wordSize));
    }
  }
  return num;
}

/** brush.py decode_rle: the full value array (4 bytes a pixel for a brush mask). */
export function decodeLsRle(rle: ArrayLike<number>, where: ErrorLocation = {}): Uint8Array {
  const blocks: [number, number, number][] = [];
  const num = decodeBlocks(rle, where, (s, e, v) => blocks.push([s, e, v]));
  const out = new Uint8Array(num);
  for (const [s, e, v] of blocks) out.fill(v, s, e);
  return out;
}

/**
 * Decodes an LS RLE of a `width` x `height` image, calling `paint(from, to)` for each range of pixels
 * whose alpha is non-zero (pixel p's alpha is value 4p + 3).
 */
function paintLsRle(rle: ArrayLike<number>, width: number, height: number, where: ErrorLocation, paint: (from: number, to: number) => void): void {
  checkSize(width, height, where);
  decodeBlocks(
    rle,
    where,
    (s, e, v) => {
      const from = Math.ceil((s - 3) / 4);
      const to = Math.floor((e - 4) / 4) + 1;
      if (v && to > from) paint(from, to);
    },
    width * height * 4,
  );
}

/** The binary mask (1 where alpha > 0) of an LS RLE of a `width` x `height` image. */
export function lsRleToMask(rle: ArrayLike<number>, width: number, height: number, where: ErrorLocation = {}): Uint8Array {
  const mask = new Uint8Array(width * height);
  paintLsRle(rle, width, height, where, (from, to) => mask.fill(1, from, to));
  return mask;
}

/** A Label Studio `brushlabels` result (export and import shape). */
export interface LsBrushResult {
  id?: string;
  type: 'brushlabels';
  from_name: string;
  to_name: string;
  original_width: number;
  original_height: number;
  image_rotation?: number;
  value: { format: 'rle'; rle: number[]; brushlabels: string[] };
}

export interface BrushNames {
  /** The BrushLabels tag (default "tag") and the Image tag (default "image"). */
  fromName?: string;
  toName?: string;
  /** The name of the ignore class (255); without it ignore pixels are not exported. */
  ignoreName?: string;
}

/** One brushlabels result per class present (index order): `labels[i - 1]` names class i. */
export function rasterToBrushResults(r: ClassRaster, labels: readonly string[], names: BrushNames = {}): LsBrushResult[] {
  checkRaster(r);
  // One row-major pass: per class, alternating clear/set run lengths.
  const runs: (number[] | undefined)[] = new Array(256);
  const since = new Float64Array(256);
  const d = r.data;
  const change = (v: number, at: number) => {
    (runs[v] ??= []).push(at - since[v]!);
    since[v] = at;
  };
  for (let i = 0, prev = -1; i < d.length; i++) {
    const v = d[i]!;
    if (v === prev) continue;
    if (prev >= 0) change(prev, i);
    change(v, i);
    prev = v;
  }
  const out: LsBrushResult[] = [];
  for (const v of presentIndices(r)) {
    if (v === UNLABELED || (v === IGNORE && names.ignoreName === undefined)) continue;
    const label = v === IGNORE ? names.ignoreName! : labels[v - 1];
    if (label === undefined) throw invalidMask(`class index ${v} is in the mask but the project has ${labels.length} classes`);
    runs[v]!.push(d.length - since[v]!);
    out.push({
      id: `mask-${v}`,
      type: 'brushlabels',
      from_name: names.fromName ?? 'tag',
      to_name: names.toName ?? 'image',
      original_width: r.width,
      original_height: r.height,
      image_rotation: 0,
      value: { format: 'rle', rle: runsToLsRle(runs[v]!, d.length), brushlabels: [label] },
    });
  }
  return out;
}

/**
 * The class raster of a task's results: every `brushlabels` result (others are skipped) painted with
 * the class its first label names, later results over earlier ones (`overlapPixels` counts the pixels
 * painted twice). The size is the results' original_width/original_height, or `size` when there is no
 * brush result. Unknown labels, sizes that differ and bad RLE are errors naming the result's field.
 */
export function brushResultsToRaster(
  results: readonly unknown[],
  labels: readonly string[],
  opts: { ignoreName?: string; size?: { width: number; height: number }; where?: ErrorLocation } = {},
): { raster: ClassRaster; overlapPixels: number } {
  const where = opts.where ?? {};
  const base = where.field ? `${where.field}.` : '';
  let size = opts.size;
  let data: Uint8Array | undefined;
  let painted: Uint8Array | undefined;
  let overlapPixels = 0;
  results.forEach((res, k) => {
    const at = (f: string) => ({ ...where, field: `${base}result[${k}]${f}` });
    if (!res || typeof res !== 'object') return;
    const o = res as Record<string, unknown>;
    if (typeof o.type !== 'string' || o.type.toLowerCase() !== 'brushlabels') return;
    const value = (o.value && typeof o.value === 'object' ? o.value : {}) as Record<string, unknown>;
    const width = o.original_width;
    const height = o.original_height;
    if (typeof width !== 'number' || typeof height !== 'number') throw invalidMask('a brushlabels result needs original_width and original_height', at(''));
    checkSize(width, height, at(''));
    if (size && (size.width !== width || size.height !== height)) {
      throw invalidMask(`the brush mask is ${width} x ${height}, the image ${size.width} x ${size.height}`, at('.original_width'));
    }
    size = { width, height };
    if (value.format !== undefined && value.format !== 'rle') throw invalidMask(`brush format "${String(value.format)}" is not read; only "rle"`, at('.value.format'));
    const rle = value.rle ?? o.rle;
    if (!Array.isArray(rle)) throw invalidMask('a brushlabels result needs value.rle, a list of bytes', at('.value.rle'));
    const names = value.brushlabels ?? o.brushlabels;
    const name = Array.isArray(names) ? names[0] : undefined;
    if (typeof name !== 'string') throw invalidMask('a brushlabels result needs value.brushlabels, a list with the class name', at('.value.brushlabels'));
    const cls = name === opts.ignoreName ? IGNORE : labels.indexOf(name) + 1;
    if (cls === 0) throw invalidMask(`"${name}" is not a class of this project (${labels.join(', ')})`, at('.value.brushlabels[0]'));
    const into = (data ??= new Uint8Array(width * height));
    const seen = (painted ??= new Uint8Array(width * height));
    paintLsRle(rle, width, height, at('.value.rle'), (from, to) => {
      for (let i = from; i < to; i++) overlapPixels += seen[i]!;
      seen.fill(1, from, to);
      into.fill(cls, from, to);
    });
  });
  if (!size) throw invalidMask('there is no brushlabels result and no image size to make an empty mask', where);
  checkSize(size.width, size.height, where);
  return { raster: { width: size.width, height: size.height, data: data ?? new Uint8Array(size.width * size.height) }, overlapPixels };
}
