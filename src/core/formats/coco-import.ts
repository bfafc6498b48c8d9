/**
 * COCO import. Reads the messy real files: string or 0-based image ids, `iscrowd: "false"`,
 * non-contiguous category ids, extra keys, polygon segmentation with several parts, RLE masks
 * (uncompressed and compressed: decoded to a bounding box and area; a mask cannot become a polygon and
 * is reported as a problem with its annotation id, never dropped silently). Azure ML's normalised
 * variant (every bbox value <= 1 and every image size 0) is detected and scaled with real image sizes
 * from `sizeOf`. Annotations carrying `labeler` / `score` keys (our allAnnotators export) keep them.
 */
import { throwIfAborted } from '../errors';
import { finiteNumber, invalid, isObject, parseJson, readText, ResultBuilder, Shapes } from './import-common';
import { decodeRleString, rleStats } from './rle';
import { cocoRegionsToRaster, maskRecord, type CocoRegion } from './mask-import';
import type { ImageSize, ImportOptions, ImportResult } from './types';

interface CocoImage {
  file: string;
  width: number;
  height: number;
}

export async function importCoco(file: string, opts: ImportOptions): Promise<ImportResult> {
  const doc = parseJson(await readText(file), file);
  if (!isObject(doc)) throw invalid(file, 'a COCO file is a JSON object', { field: '$' });
  const images = arrayField(doc, 'images', file);
  const anns = arrayField(doc, 'annotations', file);
  const cats = arrayField(doc, 'categories', file);

  const catName = new Map<string, string>();
  cats.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || (typeof c.id !== 'number' && typeof c.id !== 'string')) {
      throw invalid(file, 'a category needs an id and a name', { field: `categories[${i}]` });
    }
    catName.set(String(c.id), c.name);
  });
  const imageById = new Map<string, CocoImage>();
  images.forEach((im, i) => {
    if (!isObject(im) || (typeof im.id !== 'number' && typeof im.id !== 'string') || typeof im.file_name !== 'string') {
      throw invalid(file, 'an image needs an id and a file_name', { field: `images[${i}]` });
    }
    imageById.set(String(im.id), { file: im.file_name, width: finiteNumber(im.width) ?? 0, height: finiteNumber(im.height) ?? 0 });
  });

  if (opts.target === 'mask') return importCocoMasks(file, opts, anns, imageById, catName);
  const normalised = isAzureNormalised(images, anns);
  const out = new ResultBuilder(file, opts.target);
  // image id + labeler -> shapes, in first-seen order
  const groups = new Map<string, { image: string; labeler?: string; score?: number; shapes: Shapes }>();
  const sizes = new Map<string, ImageSize | undefined>();

  for (let i = 0; i < anns.length; i++) {
    if (i % 5000 === 0) throwIfAborted(opts.signal);
    const { a, at, imageKey, image, label } = annotationAt(file, anns, i, imageById, catName);
    const id = a.id === undefined ? at : `annotation ${String(a.id)}`;

    let sx = 1;
    let sy = 1;
    if (normalised) {
      if (!sizes.has(imageKey)) sizes.set(imageKey, await opts.sizeOf?.(image.file));
      const size = sizes.get(imageKey);
      if (!size) {
        out.problem(id, `Azure-normalised COCO needs the size of ${image.file}, which is unknown: skipped`);
        continue;
      }
      sx = size.width;
      sy = size.height;
    }
    const labeler = typeof a.labeler === 'string' ? a.labeler : undefined;
    const score = finiteNumber(a.score);
    const key = `${imageKey}\u0000${labeler ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { image: imageKey, labeler, score, shapes: new Shapes() }));

    const seg = a.segmentation;
    const bbox = readBbox(a.bbox, file, `${at}.bbox`);
    if (isObject(seg)) {
      const rle = readRle(seg, file, `${at}.segmentation`);
      if (opts.target === 'polygons') {
        out.problem(id, `RLE mask (area ${rle.area}, bbox [${rle.bbox.join(', ')}]) cannot become a polygon: skipped`);
        continue;
      }
      const b = bbox ?? rle.bbox;
      g.shapes.boxes.push({ label, x: b[0] * sx, y: b[1] * sy, w: b[2] * sx, h: b[3] * sy });
    } else if (Array.isArray(seg) && seg.length && opts.target !== 'boxes') {
      const rings = seg.map((r, k) => readRing(r, file, `${at}.segmentation[${k}]`).map((v, j) => v * (j % 2 ? sy : sx)));
      g.shapes.polygons.push({ label, rings });
    } else if (bbox) {
      g.shapes.boxes.push({ label, x: bbox[0] * sx, y: bbox[1] * sy, w: bbox[2] * sx, h: bbox[3] * sy });
    } else if (Array.isArray(seg) && seg.length) {
      const rings = seg.map((r, k) => readRing(r, file, `${at}.segmentation[${k}]`).map((v, j) => v * (j % 2 ? sy : sx)));
      g.shapes.polygons.push({ label, rings });
    } else {
      throw invalid(file, 'an annotation needs a bbox or a segmentation', { field: at });
    }
  }
  for (const g of groups.values()) {
    const image = imageById.get(g.image)!;
    const size = normalised ? sizes.get(g.image) : image.width && image.height ? { width: image.width, height: image.height } : undefined;
    out.add(`image ${g.image}`, {
      ref: image.file,
      ...(g.labeler !== undefined ? { labeler: g.labeler } : {}),
      ...(g.score !== undefined ? { confidence: g.score, prelabel: true } : {}),
      ...(size ? { width: size.width, height: size.height } : {}),
    }, g.shapes);
  }
  return out.result();
}

/**
 * Semantic segmentation: per image (and labeler), every annotation painted into one class raster in
 * annotation order: RLEs as they are, polygons filled, a bare bbox as its rectangle (mask-import.ts).
 * Source classes are numbered in categories[] order.
 */
function importCocoMasks(file: string, opts: ImportOptions, anns: unknown[], imageById: Map<string, CocoImage>, catName: Map<string, string>): ImportResult {
  const out = new ResultBuilder(file, opts.target);
  const names = [...new Set(catName.values())];
  const groups = new Map<string, { image: string; labeler?: string; score?: number; regions: CocoRegion[] }>();
  for (let i = 0; i < anns.length; i++) {
    if (i % 5000 === 0) throwIfAborted(opts.signal);
    const { a, at, imageKey, label } = annotationAt(file, anns, i, imageById, catName);
    const labeler = typeof a.labeler === 'string' ? a.labeler : undefined;
    const key = `${imageKey}\u0000${labeler ?? ''}`;
    let g = groups.get(key);
    const score = finiteNumber(a.score);
    if (!g) groups.set(key, (g = { image: imageKey, ...(labeler !== undefined ? { labeler } : {}), ...(score !== undefined ? { score } : {}), regions: [] }));
    const seg = a.segmentation;
    const where = `${file}: ${at}`;
    if (isObject(seg)) {
      readRle(seg, file, `${at}.segmentation`);
      g.regions.push({ label, rle: seg, where });
    } else if (Array.isArray(seg) && seg.length) {
      g.regions.push({ label, rings: seg.map((r, k) => readRing(r, file, `${at}.segmentation[${k}]`)), where });
    } else {
      const b = readBbox(a.bbox, file, `${at}.bbox`);
      if (!b) throw invalid(file, 'an annotation needs a bbox or a segmentation', { field: at });
      g.regions.push({ label, rings: [[b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]]], where });
    }
  }
  for (const g of groups.values()) {
    const image = imageById.get(g.image)!;
    if (!image.width || !image.height) {
      out.problem(`image ${g.image}`, `${image.file} has no width and height in images[]: its mask cannot be built, skipped`);
      continue;
    }
    let raster;
    try {
      raster = cocoRegionsToRaster(g.regions, image.width, image.height, names, (w, m) => out.problems.push({ where: w, message: m }));
    } catch (e) {
      throw invalid(file, (e as Error).message, { field: `image ${g.image}` });
    }
    const rec = maskRecord(image.file, raster, names, {
      ...(g.labeler !== undefined ? { labeler: g.labeler } : {}),
      ...(g.score !== undefined ? { confidence: g.score, prelabel: true } : {}),
    });
    if (rec.annotation.kind === 'mask') for (const c of rec.annotation.classes) out.seen(c);
    out.records.push(rec);
  }
  return out.result();
}

/** Annotation i, checked: an object whose image and category are listed. */
function annotationAt(file: string, anns: unknown[], i: number, imageById: Map<string, CocoImage>, catName: Map<string, string>) {
  const a = anns[i];
  const at = `annotations[${i}]`;
  if (!isObject(a)) throw invalid(file, 'an annotation is an object', { field: at });
  const imageKey = String(a.image_id);
  const image = imageById.get(imageKey);
  if (!image) throw invalid(file, `image_id ${JSON.stringify(a.image_id)} is not in images[]`, { field: `${at}.image_id` });
  const label = catName.get(String(a.category_id));
  if (label === undefined) throw invalid(file, `category_id ${JSON.stringify(a.category_id)} is not in categories[]`, { field: `${at}.category_id` });
  return { a, at, imageKey, image, label };
}

function arrayField(doc: Record<string, unknown>, name: string, file: string): unknown[] {
  const v = doc[name];
  if (v === undefined && name !== 'images') return [];
  if (!Array.isArray(v)) throw invalid(file, `"${name}" must be an array`, { field: name });
  return v;
}

/** Azure ML's variant: every image size is 0 and every bbox value is at most 1. */
function isAzureNormalised(images: unknown[], anns: unknown[]): boolean {
  if (!anns.length || !images.length) return false;
  const sizesZero = images.every((im) => isObject(im) && !finiteNumber(im.width) && !finiteNumber(im.height));
  if (!sizesZero) return false;
  return anns.every((a) => isObject(a) && Array.isArray(a.bbox) && a.bbox.every((v) => typeof v === 'number' && v <= 1));
}

function readBbox(v: unknown, file: string, field: string): [number, number, number, number] | undefined {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return undefined;
  if (!Array.isArray(v) || v.length !== 4) throw invalid(file, 'bbox must be [x, y, width, height]', { field });
  const n = v.map(finiteNumber);
  if (n.some((x) => x === undefined)) throw invalid(file, 'bbox values must be numbers', { field });
  if (n[2]! < 0 || n[3]! < 0) throw invalid(file, 'bbox width and height must not be negative', { field });
  return n as [number, number, number, number];
}

function readRing(v: unknown, file: string, field: string): number[] {
  if (!Array.isArray(v) || v.length < 6 || v.length % 2) throw invalid(file, 'a polygon is a list of at least 3 x,y pairs', { field });
  const n = v.map(finiteNumber);
  if (n.some((x) => x === undefined)) throw invalid(file, 'polygon coordinates must be numbers', { field });
  return n as number[];
}

function readRle(seg: Record<string, unknown>, file: string, field: string): ReturnType<typeof rleStats> {
  const size = seg.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 0)) {
    throw invalid(file, 'RLE size must be [height, width]', { field: `${field}.size` });
  }
  try {
    const counts = typeof seg.counts === 'string' ? decodeRleString(seg.counts) : seg.counts;
    if (!Array.isArray(counts)) throw new Error('counts must be a list or a string');
    return rleStats(counts as number[], size[0] as number, size[1] as number);
  } catch (e) {
    throw invalid(file, `bad RLE: ${(e as Error).message}`, { field: `${field}.counts` });
  }
}
