/**
 * CSV export (csv-stringify stream). One row per item, or per labeler annotation with allAnnotators.
 *
 * Columns, in this order:
 *   item        item key: workspace-relative path, or `path#row` for table rows
 *   text        (text projects only) the item text
 *   label       classification: the label (multi-class) or a JSON array string of labels (multi-label);
 *               shape/span projects: JSON array string of the distinct labels used
 *   shapes      (detection, segmentation, NER only) JSON string of the objects:
 *               boxes    [{"label","x","y","w","h"}]            pixels, top-left origin
 *               polygons [{"label","rings":[[x1,y1,...],...]}]  pixels
 *               spans    [{"label","start","end","text"}]       character offsets, end exclusive
 *   labelers    who produced the row: the final label's labelers joined by ';', or the one labeler
 *   agreement   agreement among labelers in [0,1], empty when fewer than two labeled it
 *   confidence  model confidence in [0,1] for prelabels, else empty
 *   prelabel    "true" for an unconfirmed prelabel, else "false"
 */
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { annotationKindOf, isMultiLabel, labelsUsed, mediaOf, type Annotation, type ExportItem } from '../model';
import { distinct, num, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';

export async function csvWriter(ctx: ExportContext): Promise<FormatWriter> {
  const kind = annotationKindOf(ctx.def.type);
  const text = mediaOf(ctx.def.type) === 'text';
  const multi = isMultiLabel(ctx.def.type);
  const columns = ['item', ...(text ? ['text'] : []), 'label', ...(kind !== 'classes' ? ['shapes'] : []),
    'labelers', 'agreement', 'confidence', 'prelabel'];
  const csv = await openCsv(ctx, 'labels.csv', columns);

  const row = (item: ExportItem, e: Entry): string[] => {
    const a = e.annotation;
    const r = [item.key];
    if (text) r.push(item.text ?? '');
    if (a.kind === 'classes') r.push(multi ? JSON.stringify(a.labels) : (a.labels[0] ?? ''));
    else r.push(JSON.stringify(distinct(labelsUsed(a))), JSON.stringify(shapesOf(a, item.text)));
    r.push(e.labeler.split('+').join(';'));
    r.push(item.agreement === undefined ? '' : String(num(item.agreement)));
    r.push(e.confidence === undefined ? '' : String(num(e.confidence)));
    r.push(e.prelabel ? 'true' : 'false');
    return r;
  };

  return {
    async item(item, entries) {
      for (const e of entries) await csv.write(row(item, e));
      return true;
    },
    end: () => csv.end(),
  };
}

export interface CsvOut {
  write(row: string[]): Promise<void>;
  end(): Promise<void>;
}

/** A csv-stringify stream piped into a staged file, with back-pressure. */
export async function openCsv(ctx: ExportContext, rel: string, columns: string[]): Promise<CsvOut> {
  const out = await ctx.staging.openStream(rel);
  const csv = stringify({ header: true, columns, eof: true });
  csv.pipe(out);
  const done = once(out, 'finish');
  done.catch(() => undefined); // awaited in end(); an abandoned export must not raise an unhandled rejection
  let failed: Error | undefined;
  csv.on('error', (e) => (failed = e));
  out.on('error', (e) => (failed = e));
  return {
    async write(row) {
      if (failed) throw failed;
      if (!csv.write(row)) await once(csv, 'drain');
    },
    async end() {
      csv.end();
      await done;
      if (failed) throw failed;
    },
  };
}

/** The JSON objects of the `shapes` column (also what the CSV importer reads back). */
export function shapesOf(a: Annotation, text?: string): unknown[] {
  switch (a.kind) {
    case 'classes':
      return [];
    case 'boxes':
      return a.boxes.map((b) => ({ label: b.label, x: num(b.x), y: num(b.y), w: num(b.w), h: num(b.h) }));
    case 'polygons':
      return a.polygons.map((p) => ({ label: p.label, rings: p.rings.map((r) => r.map(num)) }));
    case 'spans':
      return a.spans.map((s) => ({ label: s.label, start: s.start, end: s.end, text: text?.slice(s.start, s.end) ?? '' }));
    case 'mask':
      // The blob, relative to the project folder (.labeling/<id>/).
      return [{ mask: `masks/${a.blob}.png`, width: a.width, height: a.height, classes: a.classes }];
  }
}
