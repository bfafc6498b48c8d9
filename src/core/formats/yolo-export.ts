/**
 * YOLO export into a `yolo/` folder (so a re-export replaces only its own output): `classes.txt` (one label per line, class index = line number from 0, in project label
 * order) and one `labels/<item path without extension>.txt` per image, a line per object, normalised
 * to [0,1]: boxes `class cx cy w h`; polygons (YOLO-seg) `class x1 y1 x2 y2 ...`, one line per ring.
 * With allAnnotators each labeler gets a folder: `labels/<labeler>/<path>.txt` (Label Studio's
 * split-labelers layout). An image without objects gets an empty file (a background image).
 */
import { Categories, safeSegment, withExtension, type Entry } from './export-common';
import type { ExportContext, FormatWriter } from './export';
import type { ExportItem } from '../model';

export async function yoloWriter(ctx: ExportContext): Promise<FormatWriter> {
  const cats = new Categories(ctx.def);
  const split = ctx.options.allAnnotators === true;
  return {
    async item(item, entries) {
      const w = item.width ?? 0;
      const h = item.height ?? 0;
      if (!w || !h) return false;
      for (const e of entries) {
        const rel = `yolo/labels/${split ? safeSegment(e.labeler) + '/' : ''}${withExtension(item.ref.path, '.txt')}`;
        await ctx.staging.writeFile(rel, yoloLines(item, e, (l) => cats.idOf(l) - 1).map((l) => l + '\n').join(''));
      }
      return true;
    },
    async end() {
      await ctx.staging.writeFile('yolo/classes.txt', cats.names.map((n) => n + '\n').join(''));
    },
  };
}

export function yoloLines(item: ExportItem, e: Entry, classOf: (label: string) => number): string[] {
  const w = item.width!;
  const h = item.height!;
  const a = e.annotation;
  if (a.kind === 'boxes') {
    return a.boxes.map((b) => [classOf(b.label), (b.x + b.w / 2) / w, (b.y + b.h / 2) / h, b.w / w, b.h / h].join(' '));
  }
  if (a.kind === 'polygons') {
    return a.polygons.flatMap((p) =>
      p.rings.map((r) => [classOf(p.label), ...r.map((v, i) => v / (i % 2 ? h : w))].join(' ')),
    );
  }
  return [];
}
