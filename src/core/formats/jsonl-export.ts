/**
 * JSONL exports:
 * - native `labels.jsonl`: one line per item {key, path, row?, state, final?, finalBy?, agreement?, all}
 *   (all = every labeler's annotation with time; prelabels only with includePrelabels);
 * - Azure ML MLTable folders: images -> `labels.jsonl` in Azure's schema + `MLTable` (read_json_lines);
 *   text classification -> `labels.csv` + `MLTable` (read_delimited); NER -> `labels.txt` (CoNLL) + `MLTable`;
 *   semantic segmentation -> mask PNGs + `labels.jsonl` rows naming them (mask-export.ts).
 */
import { annotationKindOf, isMultiLabel, mediaOf, type ExportItem } from '../model';
import { conllFileWriter } from './conll-export';
import { openCsv } from './csv-export';
import { num, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';
import { mlTableMaskWriter } from './mask-export';

export async function nativeJsonlWriter(ctx: ExportContext): Promise<FormatWriter> {
  const out = await ctx.staging.open('labels.jsonl');
  const pre = ctx.options.includePrelabels === true;
  return {
    async item(item) {
      const line = {
        key: item.key,
        path: item.ref.path,
        ...(item.ref.row !== undefined ? { row: item.ref.row } : {}),
        state: item.state,
        ...(item.final ? { final: item.final } : {}),
        ...(item.finalBy ? { finalBy: item.finalBy } : {}),
        ...(item.agreement !== undefined ? { agreement: num(item.agreement) } : {}),
        all: item.all.filter((a) => pre || !a.prelabel),
      };
      await out.write(JSON.stringify(line) + '\n');
      return true;
    },
    end: () => out.close(),
  };
}

export const IMAGE_MLTABLE = `paths:
  - file: ./labels.jsonl
transformations:
  - read_json_lines:
        encoding: utf8
        invalid_lines: error
        include_path_column: false
  - convert_column_types:
      - columns: image_url
        column_type: stream_info
`;

export const TEXT_MLTABLE = `paths:
  - file: ./labels.csv
transformations:
  - read_delimited:
        delimiter: ','
        encoding: 'utf8'
`;

// As in Azure's own NER sample (no trailing newline).
export const NER_MLTABLE = `paths:
  - file: ./labels.txt
transformations:
  - take: 1`;

export async function azureWriter(ctx: ExportContext): Promise<FormatWriter> {
  if (ctx.def.type === 'image-semantic-segmentation') return mlTableMaskWriter(ctx);
  const folder = 'mltable';
  if (ctx.def.type === 'text-ner') {
    await ctx.staging.writeFile(`${folder}/MLTable`, NER_MLTABLE);
    return conllFileWriter(ctx, `${folder}/labels.txt`);
  }
  if (mediaOf(ctx.def.type) === 'text') {
    await ctx.staging.writeFile(`${folder}/MLTable`, TEXT_MLTABLE);
    const csv = await openCsv(ctx, `${folder}/labels.csv`, ['text', 'label']);
    const multi = isMultiLabel(ctx.def.type);
    return {
      async item(item, entries) {
        for (const e of entries) {
          if (e.annotation.kind !== 'classes') continue;
          const labels = e.annotation.labels;
          // Azure's multi-label text format is a Python list literal.
          const label = multi ? `[${labels.map((l) => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(',')}]` : (labels[0] ?? '');
          await csv.write([item.text ?? '', label]);
        }
        return true;
      },
      end: () => csv.end(),
    };
  }
  return imageMlTableWriter(ctx, async (item, e) => azureLine(ctx, item, e));
}

/**
 * An image MLTable folder: `MLTable` (read_json_lines) and `labels.jsonl`, one line per entry from
 * `lineOf` (undefined: the item needs its image size, which is unknown).
 */
export async function imageMlTableWriter(ctx: ExportContext, lineOf: (item: ExportItem, e: Entry) => Promise<Record<string, unknown> | undefined>): Promise<FormatWriter> {
  const folder = 'mltable';
  await ctx.staging.writeFile(`${folder}/MLTable`, IMAGE_MLTABLE);
  const out = await ctx.staging.open(`${folder}/labels.jsonl`);
  return {
    async item(item, entries) {
      const lines: string[] = [];
      for (const e of entries) {
        const line = await lineOf(item, e);
        if (!line) return false;
        lines.push(JSON.stringify(line));
      }
      await out.write(lines.join('\n') + '\n');
      return true;
    },
    end: () => out.close(),
  };
}

/** One Azure image JSONL object; undefined when shapes need the image size and it is unknown. */
export function azureLine(ctx: ExportContext, item: ExportItem, e: Entry): Record<string, unknown> | undefined {
  const w = item.width ?? 0;
  const h = item.height ?? 0;
  const kind = annotationKindOf(ctx.def.type);
  if (kind !== 'classes' && (!w || !h)) return undefined;
  const dot = item.ref.path.lastIndexOf('.');
  const line: Record<string, unknown> = { image_url: (ctx.options.urlPrefix ?? '') + item.ref.path };
  if (w && h) line.image_details = { format: dot > 0 ? item.ref.path.slice(dot + 1).toLowerCase() : '', width: w, height: h };
  const a = e.annotation;
  if (a.kind === 'classes') line.label = isMultiLabel(ctx.def.type) ? a.labels : (a.labels[0] ?? '');
  else if (a.kind === 'boxes') {
    line.label = a.boxes.map((b) => ({
      label: b.label,
      topX: num(b.x / w),
      topY: num(b.y / h),
      bottomX: num((b.x + b.w) / w),
      bottomY: num((b.y + b.h) / h),
      isCrowd: 0,
    }));
  } else if (a.kind === 'polygons') {
    line.label = a.polygons.map((p) => ({
      label: p.label,
      isCrowd: 0,
      polygon: p.rings.map((r) => r.map((v, i) => num(v / (i % 2 ? h : w)))),
    }));
  }
  if (ctx.options.allAnnotators) line.labeler = e.labeler;
  if (e.confidence !== undefined) line.label_confidence = num(e.confidence);
  return line;
}
