/**
 * Pascal VOC export into a `voc/` folder: one `voc/Annotations/<item path without extension>.xml` per image (per labeler folder
 * with allAnnotators). Boxes are written as `<bndbox>` in pixels (xmax = x + w); polygons are written
 * as their bounding boxes. Image size is written when known, else 0. Semantic segmentation writes
 * SegmentationClass PNGs instead (mask-export.ts).
 */
import { polygonBounds, safeSegment, withExtension, type Bounds, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';
import type { ExportItem } from '../model';
import { vocMaskWriter } from './mask-export';

export async function vocWriter(ctx: ExportContext): Promise<FormatWriter> {
  if (ctx.def.type === 'image-semantic-segmentation') return vocMaskWriter(ctx);
  const split = ctx.options.allAnnotators === true;
  return {
    async item(item, entries) {
      for (const e of entries) {
        const rel = `voc/Annotations/${split ? safeSegment(e.labeler) + '/' : ''}${withExtension(item.ref.path, '.xml')}`;
        await ctx.staging.writeFile(rel, vocXml(item, e));
      }
      return true;
    },
    end: async () => undefined,
  };
}

export function vocXml(item: ExportItem, e: Entry): string {
  const path = item.ref.path;
  const slash = path.lastIndexOf('/');
  const objects: { label: string; b: Bounds }[] = [];
  const a = e.annotation;
  if (a.kind === 'boxes') for (const b of a.boxes) objects.push({ label: b.label, b });
  if (a.kind === 'polygons') for (const p of a.polygons) objects.push({ label: p.label, b: polygonBounds(p.rings) });
  const lines = [
    '<annotation>',
    `  <folder>${esc(slash < 0 ? '' : path.slice(0, slash))}</folder>`,
    `  <filename>${esc(path.slice(slash + 1))}</filename>`,
    `  <path>${esc(path)}</path>`,
    '  <size>',
    `    <width>${item.width ?? 0}</width>`,
    `    <height>${item.height ?? 0}</height>`,
    '    <depth>3</depth>',
    '  </size>',
    '  <segmented>0</segmented>',
  ];
  for (const o of objects) {
    lines.push(
      '  <object>',
      `    <name>${esc(o.label)}</name>`,
      '    <pose>Unspecified</pose>',
      '    <truncated>0</truncated>',
      '    <difficult>0</difficult>',
      '    <bndbox>',
      `      <xmin>${o.b.x}</xmin>`,
      `      <ymin>${o.b.y}</ymin>`,
      `      <xmax>${o.b.x + o.b.w}</xmax>`,
      `      <ymax>${o.b.y + o.b.h}</ymax>`,
      '    </bndbox>',
      '  </object>',
    );
  }
  lines.push('</annotation>', '');
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
