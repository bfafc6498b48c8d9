/**
 * Imports of semantic-segmentation masks. An importer gives each record the mask as a raster of its
 * source's class indices with the source's class names (ImportRecord.mask); mapImport maps the names
 * to the project's labels (labelMap, created or skipped labels, as for every other import) and
 * re-indexes the raster to the project's order (remapMask); applyImport stores the blobs.
 *  - Pascal VOC: `SegmentationClass/**.png` under the folder given (or the folder itself), indexed
 *    colour (the pixel bytes are the class indices) or RGB in the VOC colours; the class names from
 *    `labelmap.txt` beside SegmentationClass (Datumaro/CVAT `name:r,g,b::`, the colour names the
 *    index), else VOC 2012's 20 classes. 255 is the ignore (void) class; 0 background is unlabeled.
 *  - Label Studio JSON: per annotation (or prediction), its brushlabels results (brush RLE) painted in
 *    order, then its polygonlabels results filled; other result types are problems.
 *  - COCO: per image, every annotation's RLE (compressed or not) or polygon (filled) painted with its
 *    category, later annotations over earlier ones (overlaps counted as a problem).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { throwIfAborted } from '../errors';
import { fillRings } from '../masks/fill-polygon';
import { decodeIndexedPng } from '../masks/png-indexed';
import { IGNORE, maskAnnotationOf, MAX_CLASSES, presentIndices, UNLABELED, type ClassRaster } from '../masks/raster';
import { brushResultsToRaster } from '../masks/ls-brush';
import { vocIndexOf } from '../masks/voc-palette';
import { rlesToClassRaster } from '../masks/coco-rle';
import { invalid, ResultBuilder } from './import-common';
import type { ImportOptions, ImportRecord, ImportResult } from './types';
import { filesEndingWith } from './voc-import';

/** VOC 2012's classes, indices 1..20. */
export const VOC_CLASSES = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];
/** What VOC calls index 255. */
export const VOC_IGNORE = 'void';

/** A mask record as an importer gives it: `names[i - 1]` is the source's name of index i, `ignoreName` of 255. */
export function maskRecord(ref: string, raster: ClassRaster, names: readonly string[], extra: Partial<ImportRecord> = {}, ignoreName = VOC_IGNORE): ImportRecord {
  const present = presentIndices(raster).filter((v) => v !== UNLABELED).map((v) => (v === IGNORE ? ignoreName : names[v - 1] ?? `class ${v}`));
  return { ...extra, ref, width: raster.width, height: raster.height, annotation: maskAnnotationOf(raster.width, raster.height, '', present), mask: { raster, names, ignoreName } };
}

/**
 * The record's raster in the project's class indices: each source class becomes `labelOf(name)`'s
 * index in `order` (the project's labels, then those the import creates), its ignore class the
 * project's (255) when the project has one; a class mapped to nothing is left unlabeled (0). Undefined
 * when a class would need an index past 254.
 */
export function remapMask(
  mask: NonNullable<ImportRecord['mask']>,
  labelOf: (name: string) => string | undefined,
  indexOf: (label: string) => number,
  ignoreLabel: string | undefined,
): { raster: ClassRaster; problem?: string } {
  const lut = new Uint8Array(256);
  let problem: string | undefined;
  for (const v of presentIndices(mask.raster)) {
    if (v === UNLABELED) continue;
    const source = v === IGNORE ? mask.ignoreName : mask.names[v - 1] ?? `class ${v}`;
    // The source's ignore class (or a class named as the project's) is the project's ignore class, never a label.
    if (v === IGNORE || source === ignoreLabel) {
      lut[v] = ignoreLabel === undefined ? UNLABELED : IGNORE;
      continue;
    }
    const label = labelOf(source);
    if (label === undefined) continue;
    const to = label === ignoreLabel ? IGNORE : indexOf(label);
    if (to > MAX_CLASSES) problem = `"${label}" would be class ${to}: a mask holds at most ${MAX_CLASSES} classes`;
    else lut[v] = to;
  }
  const src = mask.raster.data;
  const data = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = lut[src[i]!]!;
  return { raster: { width: mask.raster.width, height: mask.raster.height, data }, ...(problem ? { problem } : {}) };
}


/** Datumaro's labelmap.txt: index (by its VOC colour) -> name. Lines starting with # are comments. */
export function parseLabelMap(text: string, file: string): Map<number, string> {
  const out = new Map<number, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const [name, rgb] = line.split(':');
    const c = (rgb ?? '').split(',').map((s) => Number(s.trim()));
    const index = c.length === 3 && c.every((v) => Number.isInteger(v)) ? vocIndexOf(c[0]!, c[1]!, c[2]!) : undefined;
    if (!name || index === undefined) throw invalid(file, `"${line}" is not name:r,g,b:: with a VOC palette colour`, { line: i + 1 });
    out.set(index, name);
  });
  return out;
}

/** A mask PNG's class indices: the pixel bytes of an indexed-colour PNG, else its RGB mapped through the VOC palette. */
function readMaskPng(bytes: Buffer, file: string): ClassRaster {
  if (bytes[25] === 3) {
    const { width, height, data } = decodeIndexedPng(bytes, file);
    return { width, height, data };
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw invalid(file, `not a PNG file: ${(e as Error).message}`);
  }
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) {
    const v = vocIndexOf(png.data[4 * i]!, png.data[4 * i + 1]!, png.data[4 * i + 2]!);
    if (v === undefined) throw invalid(file, `pixel (${i % png.width}, ${Math.floor(i / png.width)}) has colour ${[...png.data.subarray(4 * i, 4 * i + 3)].join(',')}, not a VOC palette colour`);
    data[i] = v;
  }
  return { width: png.width, height: png.height, data };
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** VOC SegmentationClass masks under `path` (a VOC folder, its SegmentationClass folder, or one PNG). */
export async function importVocMasks(path: string, opts: ImportOptions): Promise<ImportResult> {
  let dir = path;
  if (await isDir(join(path, 'SegmentationClass'))) dir = join(path, 'SegmentationClass');
  else if (await isDir(join(path, 'voc', 'SegmentationClass'))) dir = join(path, 'voc', 'SegmentationClass');
  const folder = await isDir(dir);
  const files = folder ? await filesEndingWith(dir, '.png') : [dir];
  if (!files.length) throw invalid(path, 'no SegmentationClass PNG masks here (looked in SegmentationClass/ and the folder itself)');
  const rootDir = folder ? (basename(dir) === 'SegmentationClass' ? dirname(dir) : dir) : dirname(dirname(dir));
  const mapFile = join(rootDir, 'labelmap.txt');
  const text = await readFile(mapFile, 'utf8').catch(() => undefined);
  const byIndex = text !== undefined ? parseLabelMap(text, mapFile) : new Map(VOC_CLASSES.map((n, i) => [i + 1, n] as const));
  const ignoreName = byIndex.get(IGNORE) ?? VOC_IGNORE;
  const names = Array.from({ length: 254 }, (_, i) => byIndex.get(i + 1) ?? `class ${i + 1}`);
  const out = new ResultBuilder(path, opts.target);
  for (const file of files) {
    throwIfAborted(opts.signal);
    const raster = readMaskPng(await readFile(file), file);
    const ref = (folder ? relative(dir, file) : basename(file)).split('\\').join('/').replace(/\.png$/i, '');
    for (const v of presentIndices(raster)) if (v !== UNLABELED && v !== IGNORE && !byIndex.has(v)) out.problem(ref, `class index ${v} has no name in ${text !== undefined ? 'labelmap.txt' : "VOC's class list"}: imported as "class ${v}"`);
    const rec = maskRecord(ref, raster, names, {}, ignoreName);
    for (const c of rec.annotation.kind === 'mask' ? rec.annotation.classes : []) out.seen(c);
    out.records.push(rec);
  }
  return out.result();
}

/**
 * The class raster of one Label Studio annotation's results (source classes numbered in first-seen
 * order); undefined, with a problem, when the image size is unknown. Brush results of another size
 * than the first are errors naming the result.
 */
export async function lsResultsToRaster(
  results: readonly unknown[],
  ref: string,
  opts: Pick<ImportOptions, 'sizeOf'>,
  where: { file: string; field: string },
  problem: (field: string, why: string) => void,
): Promise<{ raster: ClassRaster; names: string[] } | undefined> {
  const names: string[] = [];
  const brush: Record<string, unknown>[] = [];
  const polygons: { name: string; ring: number[]; field: string }[] = [];
  let size: { width: number; height: number } | undefined;
  results.forEach((res, k) => {
    const field = `${where.field}.result[${k}]`;
    if (!res || typeof res !== 'object') throw invalid(where.file, 'a result is an object', { field });
    const o = res as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type.toLowerCase() : '';
    const v = (o.value && typeof o.value === 'object' ? o.value : {}) as Record<string, unknown>;
    if (type !== 'brushlabels' && type !== 'polygonlabels') {
      problem(field, `result type "${String(o.type)}" cannot become a mask: skipped`);
      return;
    }
    const list = v[type] ?? o[type];
    const name = Array.isArray(list) ? list[0] : undefined;
    if (typeof name !== 'string') throw invalid(where.file, `value.${type} must name the class`, { field });
    if (!names.includes(name)) names.push(name);
    const w = typeof o.original_width === 'number' ? o.original_width : undefined;
    const h = typeof o.original_height === 'number' ? o.original_height : undefined;
    if (w && h) size ??= { width: w, height: h };
    if (type === 'brushlabels') brush.push(o);
    else {
      const pts = v.points;
      if (!Array.isArray(pts) || pts.length < 3) throw invalid(where.file, 'a polygon needs at least 3 points', { field: `${field}.value.points` });
      const ring: number[] = [];
      for (const p of pts) {
        if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') throw invalid(where.file, 'polygon points are [x, y] numbers', { field: `${field}.value.points` });
        ring.push(p[0], p[1]);
      }
      polygons.push({ name, ring, field });
    }
  });
  size ??= await opts.sizeOf?.(ref);
  if (!size) {
    problem(where.field, `the size of ${ref} is unknown (no original_width/height): no mask`);
    return undefined;
  }
  if (names.length > MAX_CLASSES) throw invalid(where.file, `more than ${MAX_CLASSES} classes in one annotation`, { field: where.field });
  let raster: ClassRaster;
  try {
    raster = brushResultsToRaster(brush, names, { size, where: { field: where.field } }).raster;
  } catch (e) {
    throw invalid(where.file, (e as Error).message);
  }
  const { width, height } = size;
  for (const p of polygons) fillRings(raster, [p.ring.map((v, i) => (v / 100) * (i % 2 ? height : width))], names.indexOf(p.name) + 1);
  return { raster, names };
}

/** One COCO region of an image: an RLE or polygon rings, with its category name. */
export interface CocoRegion {
  label: string;
  rle?: unknown;
  rings?: number[][];
  where: string;
}

/**
 * The raster of an image's COCO regions (width x height), classes numbered by first appearance in
 * `names` (which it extends); overlaps are reported through `problem`.
 */
export function cocoRegionsToRaster(regions: readonly CocoRegion[], width: number, height: number, names: string[], problem: (where: string, message: string) => void): ClassRaster {
  const indexOf = (label: string): number => {
    let i = names.indexOf(label);
    if (i < 0) i = names.push(label) - 1;
    if (i >= MAX_CLASSES) throw invalid(regions[0]!.where, `more than ${MAX_CLASSES} categories: a mask holds at most ${MAX_CLASSES} classes`);
    return i + 1;
  };
  const rles = regions.filter((r) => r.rle !== undefined).map((r) => ({ classIndex: indexOf(r.label), rle: r.rle }));
  const { raster, overlapPixels } = rlesToClassRaster(rles, width, height);
  let overlap = overlapPixels;
  for (const r of regions) {
    if (!r.rings) continue;
    overlap += fillRings(raster, r.rings, indexOf(r.label));
  }
  if (overlap) problem(regions[0]!.where, `${overlap} pixel(s) are covered by more than one annotation: the later one wins`);
  return raster;
}
