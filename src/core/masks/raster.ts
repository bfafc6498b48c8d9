/**
 * A semantic-segmentation mask is a class-index raster: `width` x `height` bytes, row by row. 0 is
 * "unlabeled", 1..N are the project's label classes in label order, 255 is the optional ignore class.
 */
import { LabelingError, type ErrorLocation } from '../errors';
import type { MaskAnnotation } from '../model';

export const UNLABELED = 0;
export const IGNORE = 255;
/** Classes 1..254: one byte a pixel, 0 and 255 taken. */
export const MAX_CLASSES = 254;
/** Masks over this many pixels are refused (decoders check it before inflating). 50 MP = 50 MB of indices. */
export const MAX_MASK_PIXELS = 50_000_000;

export interface ClassRaster {
  width: number;
  height: number;
  /** `width * height` class indices, row-major. */
  data: Uint8Array;
}

/**
 * The journal annotation of a mask (model.ts): the blob is the sha256 (hex) of the indexed-colour PNG
 * stored at `.labeling/<projectId>/masks/<blob>.png`; `classes` are the names of the classes present
 * (the ignore class, when present, under its own name).
 */
export type { MaskAnnotation };

/** A mask blob's name: the sha256 of its PNG bytes, 64 lowercase hex digits. */
export function isBlobHash(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}

export function invalidMask(message: string, where: ErrorLocation = {}): LabelingError {
  return new LabelingError('invalid-input', message, where);
}

/** Throws unless `width` and `height` are positive integers with at most MAX_MASK_PIXELS pixels. */
export function checkSize(width: number, height: number, where: ErrorLocation = {}): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalidMask(`a mask must be at least 1 x 1 pixel with integer sides, not ${width} x ${height}`, where);
  }
  if (width * height > MAX_MASK_PIXELS) {
    throw invalidMask(`a ${width} x ${height} mask has ${width * height} pixels, over the limit of ${MAX_MASK_PIXELS}`, where);
  }
}

/** Throws unless the raster's data has exactly width x height bytes. */
export function checkRaster(r: ClassRaster, where: ErrorLocation = {}): void {
  checkSize(r.width, r.height, where);
  if (!(r.data instanceof Uint8Array) || r.data.length !== r.width * r.height) {
    const n = r.data instanceof Uint8Array ? `${r.data.length} bytes` : 'no byte array';
    throw invalidMask(`a ${r.width} x ${r.height} mask needs ${r.width * r.height} class indices, it has ${n}`, where);
  }
}

/**
 * Throws unless every pixel is 0 (unlabeled), 1..classCount, or 255 when `allowIgnore`; the message
 * names the first bad pixel.
 */
/** checkClassIndices for a raster whose distinct indices the caller knows (`present`, e.g. from its runs): the message names the index. */
export function checkPresentIndices(r: ClassRaster, present: readonly number[], classCount: number, allowIgnore: boolean, where: ErrorLocation = {}): void {
  checkRaster(r, where);
  if (classCount > MAX_CLASSES) throw invalidMask(`a mask holds at most ${MAX_CLASSES} classes (index 255 is the ignore class); the project has ${classCount}`, where);
  for (const v of present) {
    if (Number.isInteger(v) && v >= 0 && (v <= classCount || (v === IGNORE && allowIgnore))) continue;
    const allowed = `0 (unlabeled)${classCount ? `, 1..${classCount}` : ''}${allowIgnore ? ' or 255 (ignore)' : ''}`;
    throw invalidMask(`the mask has class index ${v}; a mask of ${classCount} classes takes ${allowed}`, where);
  }
}

export function checkClassIndices(r: ClassRaster, classCount: number, allowIgnore: boolean, where: ErrorLocation = {}): void {
  checkRaster(r, where);
  if (classCount > MAX_CLASSES) throw invalidMask(`a mask holds at most ${MAX_CLASSES} classes (index 255 is the ignore class); the project has ${classCount}`, where);
  const ok = (v: number) => v <= classCount || (v === IGNORE && allowIgnore);
  // The distinct indices first (fast on runs); only a bad one makes the pixel-by-pixel search for its first pixel.
  if (presentIndices(r).every(ok)) return;
  const d = r.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (ok(v)) continue;
    const allowed = `0 (unlabeled)${classCount ? `, 1..${classCount}` : ''}${allowIgnore ? ' or 255 (ignore)' : ''}`;
    throw invalidMask(`pixel (${i % r.width}, ${Math.floor(i / r.width)}) has class index ${v}; a mask of ${classCount} classes takes ${allowed}`, where);
  }
}

/** Sorted distinct class indices present in the raster. */
export function presentIndices(r: ClassRaster): number[] {
  const seen = new Uint8Array(256);
  const d = r.data;
  let i = 0;
  if (d.byteOffset % 4 === 0) {
    // Four pixels at a time, and a word equal to the one before (a mask is mostly long runs) adds nothing:
    // ~4x fewer steps than byte by byte on a 12 MP mask (the submit path runs this twice).
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
    let last = -1; // no word equals it
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      if (w === last) continue;
      last = w;
      seen[w & 255] = 1;
      seen[(w >>> 8) & 255] = 1;
      seen[(w >>> 16) & 255] = 1;
      seen[w >>> 24] = 1;
    }
    i = words.length << 2;
  }
  for (; i < d.length; i++) seen[d[i]!] = 1;
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (seen[v]) out.push(v);
  return out;
}

/**
 * Names of the classes present, in index order, for MaskAnnotation.classes: `labels[i - 1]` for class
 * i, `ignoreName` for 255; "unlabeled" (0) is not a class. Throws on an index with no name.
 */
export function presentClassNames(r: ClassRaster, labels: readonly string[], ignoreName?: string, where: ErrorLocation = {}, present?: readonly number[]): string[] {
  const names: string[] = [];
  for (const v of present ? [...new Set(present)].sort((a, b) => a - b) : presentIndices(r)) {
    if (v === UNLABELED) continue;
    const name = v === IGNORE ? ignoreName : labels[v - 1];
    if (name === undefined) throw invalidMask(`class index ${v} is present but the project has ${labels.length} classes${v === IGNORE ? ' and no ignore class' : ''}`, where);
    names.push(name);
  }
  return names;
}

/**
 * Checks a value read from a journal or import as a MaskAnnotation of a project with these labels (and
 * ignore class name, if it has one); throws naming the field at fault.
 */
export function checkMaskAnnotation(v: unknown, labels: readonly string[], ignoreName: string | undefined, where: ErrorLocation = {}): MaskAnnotation {
  const at = (f: string) => ({ ...where, field: where.field ? `${where.field}.${f}` : f });
  if (!v || typeof v !== 'object' || (v as { kind?: unknown }).kind !== 'mask') throw invalidMask('a mask annotation is {kind: "mask", width, height, blob, classes}', where);
  const { width, height, blob, classes } = v as Record<string, unknown>;
  checkSize(width as number, height as number, at('width'));
  if (!isBlobHash(blob)) throw invalidMask('blob must be the sha256 of the mask PNG, 64 lowercase hex digits', at('blob'));
  if (!Array.isArray(classes)) throw invalidMask('classes must be a list of the class names present', at('classes'));
  const seen = new Set<string>();
  classes.forEach((c, k) => {
    if (typeof c !== 'string' || !(labels.includes(c) || c === ignoreName)) {
      throw invalidMask(`${JSON.stringify(c)} is not a class of this project (${[...labels, ...(ignoreName === undefined ? [] : [ignoreName])].join(', ')})`, at(`classes[${k}]`));
    }
    if (seen.has(c)) throw invalidMask(`"${c}" is listed twice`, at(`classes[${k}]`));
    seen.add(c);
  });
  return maskAnnotationOf(width as number, height as number, blob, classes as string[]);
}

/**
 * A MaskAnnotation with its keys in the order the index packs (store/ann-text.ts: `{"kind":"mask","classes":`
 * is replaced by one character), so every writer produces the same JSON text for the same mask.
 */
export function maskAnnotationOf(width: number, height: number, blob: string, classes: string[]): MaskAnnotation {
  return { kind: 'mask', classes, width, height, blob };
}

/**
 * The first problem of a journal value's shape as a mask annotation (sizes, blob name, classes a list
 * of distinct strings), as `field: message`; its class names are checked against the project's labels
 * where the labels are known (store/known-labels.ts, store/validate.ts). Undefined: well formed.
 */
export function maskAnnotationProblem(v: unknown, field = 'ann'): string | undefined {
  const classes = (v as { classes?: unknown } | null)?.classes;
  try {
    // Its own strings as the labels: only the shape is judged here.
    checkMaskAnnotation(v, Array.isArray(classes) ? classes.filter((c): c is string => typeof c === 'string') : [], undefined, { field });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
