/**
 * Exports of semantic-segmentation masks. A mask's class indices are the project's: 0 unlabeled
 * ("background"), i the i-th label, 255 the ignore class (def.ignoreLabel).
 *  - Pascal VOC: `voc/SegmentationClass/<item path without extension>.png`, an indexed-colour PNG
 *    (colour type 3, the VOC palette, 255 = ignore/void) whose pixel bytes are the class indices,
 *    written by masks/png-indexed.ts (the stored blob's own encoding); `voc/labelmap.txt` (the
 *    Datumaro/CVAT class list: `name:r,g,b::`, line k+1 for index k, the ignore class last) and
 *    `voc/ImageSets/Segmentation/default.txt` (one item stem a line). With allAnnotators, one folder per labeler.
 *  - Azure MLTable: the masks as above under `mltable/masks/`, and `labels.jsonl` rows
 *    `{image_url, image_details, mask_url, label}` naming each image, its mask file (relative to the
 *    MLTable folder) and the classes present.
 * COCO (per-class compressed RLE) and Label Studio (brush) are written by their own writers with the
 * helpers here.
 */
import { LabelingError } from '../errors';
import { encodeIndexedPng } from '../masks/png-indexed';
import { classRasterToRles } from '../masks/coco-rle';
import { IGNORE, presentIndices, UNLABELED, type ClassRaster } from '../masks/raster';
import { VOC_PALETTE } from '../masks/voc-palette';
import type { ExportItem, MaskAnnotation, ProjectDef } from '../model';
import { num, safeSegment, withExtension, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';
import { imageMlTableWriter } from './jsonl-export';

/** The class list of a project's masks: index -> name ("background" for 0; the ignore class at 255). */
export function maskClassNames(def: Pick<ProjectDef, 'labels' | 'ignoreLabel'>): { index: number; name: string }[] {
  return [
    { index: 0, name: 'background' },
    ...def.labels.map((l, i) => ({ index: i + 1, name: l.name })),
    ...(def.ignoreLabel !== undefined ? [{ index: IGNORE, name: def.ignoreLabel }] : []),
  ];
}

/** Datumaro's VOC labelmap.txt: a header, then `name:r,g,b::` per class with its VOC colour. */
export function vocLabelMap(def: Pick<ProjectDef, 'labels' | 'ignoreLabel'>): string {
  const lines = maskClassNames(def).map(({ index, name }) => `${name}:${VOC_PALETTE[index]!.join(',')}::`);
  return ['# label:color_rgb:parts:actions', ...lines, ''].join('\n');
}

/**
 * The raster of a mask, checked against its annotation: its size, and its classes read through the
 * project's label order as the annotation names them (a label list reordered or cut by hand since the
 * mask was painted would otherwise export pixels under the wrong class).
 */
async function rasterOf(ctx: ExportContext, a: MaskAnnotation, item: ExportItem): Promise<ClassRaster> {
  const r = await ctx.readMask(a.blob);
  if (r.width !== a.width || r.height !== a.height) {
    throw new LabelingError('invalid-input', `the mask blob ${a.blob} is ${r.width} x ${r.height}, its annotation says ${a.width} x ${a.height}`, { file: item.key });
  }
  const labels = ctx.def.labels.map((l) => l.name);
  const names = presentIndices(r).filter((v) => v !== UNLABELED).map((v) => (v === IGNORE ? ctx.def.ignoreLabel : labels[v - 1]) ?? `class ${v}`);
  if (names.join('\u0000') !== a.classes.join('\u0000')) {
    throw new LabelingError('invalid-input', `the mask's pixels read as ${names.join(', ') || 'no class'} with the project's labels in their order, its annotation says ${a.classes.join(', ') || 'no class'}: were labels reordered or removed in project.json? (a mask's class i is the i-th label)`, { file: item.key });
  }
  return r;
}

export async function vocMaskWriter(ctx: ExportContext): Promise<FormatWriter> {
  const split = ctx.options.allAnnotators === true;
  const stems: string[] = [];
  return {
    async item(item, entries) {
      for (const e of entries) {
        const a = e.annotation as MaskAnnotation;
        const stem = withExtension(item.ref.path, '');
        await ctx.staging.writeBytes(`voc/SegmentationClass/${split ? safeSegment(e.labeler) + '/' : ''}${stem}.png`, encodeIndexedPng(await rasterOf(ctx, a, item)));
      }
      stems.push(withExtension(item.ref.path, ''));
      return true;
    },
    async end() {
      await ctx.staging.writeFile('voc/labelmap.txt', vocLabelMap(ctx.def));
      await ctx.staging.writeFile('voc/ImageSets/Segmentation/default.txt', stems.map((s) => `${s}\n`).join(''));
    },
  };
}

export function mlTableMaskWriter(ctx: ExportContext): Promise<FormatWriter> {
  const split = ctx.options.allAnnotators === true;
  return imageMlTableWriter(ctx, async (item, e) => {
    const a = e.annotation as MaskAnnotation;
    const mask = `masks/${split ? safeSegment(e.labeler) + '/' : ''}${withExtension(item.ref.path, '.png')}`;
    await ctx.staging.writeBytes(`mltable/${mask}`, encodeIndexedPng(await rasterOf(ctx, a, item)));
    const dot = item.ref.path.lastIndexOf('.');
    const line: Record<string, unknown> = {
      image_url: (ctx.options.urlPrefix ?? '') + item.ref.path,
      image_details: { format: dot > 0 ? item.ref.path.slice(dot + 1).toLowerCase() : '', width: a.width, height: a.height },
      mask_url: mask,
      label: a.classes,
    };
    if (split) line.labeler = e.labeler;
    if (e.confidence !== undefined) line.label_confidence = num(e.confidence);
    return line;
  });
}

/** COCO annotations of one mask: one per class present (the ignore class left out), compressed RLE. */
export async function cocoMaskAnnotations(ctx: ExportContext, item: ExportItem, e: Entry, categoryOf: (name: string) => number): Promise<Record<string, unknown>[]> {
  const a = e.annotation as MaskAnnotation;
  const r = await rasterOf(ctx, a, item);
  const names = ctx.def.labels.map((l) => l.name);
  return classRasterToRles(r).map((c) => ({
    category_id: categoryOf(names[c.classIndex - 1] ?? `class ${c.classIndex}`),
    segmentation: c.rle,
    area: c.area,
    bbox: c.bbox,
    iscrowd: 0,
  }));
}
