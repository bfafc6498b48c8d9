/**
 * Label Studio JSON export: a streamed array of tasks `{id, data:{image|text}, annotations, predictions}`.
 * Confirmed annotations go to `annotations` (completed_by = labeler), prelabels to `predictions`
 * (model_version = labeler, score = confidence). Shapes are in percent of the image (0-100), as Label
 * Studio stores them: rectanglelabels, polygonlabels (one result per ring), labels (spans), choices.
 * Masks are one brushlabels result per class (Label Studio's brush RLE, masks/ls-brush.ts).
 * Control names: `label` (shapes/spans/brush), `choice` (classes); object name: `image` or `text`.
 */
import { LabelingError } from '../errors';
import { rasterToBrushResults } from '../masks/ls-brush';
import type { ClassRaster } from '../masks/raster';
import { mediaOf, type Annotation, type ExportItem } from '../model';
import { num, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';

export async function labelStudioWriter(ctx: ExportContext): Promise<FormatWriter> {
  const out = await ctx.staging.open('labelstudio.json');
  const image = mediaOf(ctx.def.type) === 'image';
  await out.write('[');
  let taskId = 0;
  let annId = 0;
  return {
    async item(item, entries) {
      const needsSize = entries.some((e) => e.annotation.kind === 'boxes' || e.annotation.kind === 'polygons');
      if (image && needsSize && (!item.width || !item.height)) return false;
      taskId++;
      const annotations: unknown[] = [];
      const predictions: unknown[] = [];
      for (const e of entries) {
        const a = e.annotation;
        const mask = a.kind === 'mask' ? { raster: await ctx.readMask(a.blob), labels: ctx.def.labels.map((l) => l.name), ...(ctx.def.ignoreLabel !== undefined ? { ignoreName: ctx.def.ignoreLabel } : {}) } : undefined;
        const result = lsResult(item, a, image, mask);
        if (e.prelabel) predictions.push({ model_version: e.labeler, ...(e.confidence !== undefined ? { score: num(e.confidence) } : {}), result });
        else annotations.push({ id: ++annId, completed_by: e.labeler, result, was_cancelled: false, ground_truth: false, ...at(e) });
      }
      const data = image ? { image: item.ref.path } : { text: item.text ?? '' };
      const task = { id: taskId, data, meta: { key: item.key }, annotations, predictions };
      await out.write((taskId > 1 ? ',\n' : '\n') + JSON.stringify(task));
      return true;
    },
    async end() {
      await out.write('\n]\n');
      await out.close();
    },
  };
}

function at(e: Entry): { created_at?: string } {
  return e.at ? { created_at: e.at } : {};
}

/** A mask's raster and the names of its classes (index i is labels[i - 1], 255 the ignore class). */
export interface LsMask {
  raster: ClassRaster;
  labels: readonly string[];
  ignoreName?: string;
}

/** Label Studio `result` items for one annotation (a mask needs `mask`). */
export function lsResult(item: ExportItem, a: Annotation, image: boolean, mask?: LsMask): unknown[] {
  const to_name = image ? 'image' : 'text';
  const size = image && item.width && item.height ? { original_width: item.width, original_height: item.height, image_rotation: 0 } : {};
  const W = item.width ?? 1;
  const H = item.height ?? 1;
  let n = 0;
  const id = (): string => `r${++n}`;
  switch (a.kind) {
    case 'classes':
      return a.labels.length ? [{ id: id(), from_name: 'choice', to_name, type: 'choices', value: { choices: a.labels }, ...size }] : [];
    case 'spans':
      return a.spans.map((s) => ({
        id: id(), from_name: 'label', to_name, type: 'labels',
        value: { start: s.start, end: s.end, text: (item.text ?? '').slice(s.start, s.end), labels: [s.label] },
      }));
    case 'boxes':
      return a.boxes.map((b) => ({
        id: id(), from_name: 'label', to_name, type: 'rectanglelabels', ...size,
        value: { x: num((b.x / W) * 100), y: num((b.y / H) * 100), width: num((b.w / W) * 100), height: num((b.h / H) * 100), rotation: 0, rectanglelabels: [b.label] },
      }));
    case 'polygons':
      return a.polygons.flatMap((p) =>
        p.rings.map((r) => {
          const points: number[][] = [];
          for (let i = 0; i + 1 < r.length; i += 2) points.push([num((r[i]! / W) * 100), num((r[i + 1]! / H) * 100)]);
          return { id: id(), from_name: 'label', to_name, type: 'polygonlabels', ...size, value: { points, closed: true, polygonlabels: [p.label] } };
        }),
      );
    case 'mask': {
      if (!mask) throw new LabelingError('invalid-input', 'a mask annotation needs its raster to become brush results', { field: 'blob' });
      return rasterToBrushResults(mask.raster, mask.labels, { fromName: 'label', toName: to_name, ...(mask.ignoreName !== undefined ? { ignoreName: mask.ignoreName } : {}) })
        .map((r) => ({ ...r, id: id() }));
    }
  }
}
