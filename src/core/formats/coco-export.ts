/**
 * COCO export, streamed so it scales to millions of annotations: images[] go to the output file while
 * annotations[] go to a side file in the staging folder; at the end the side file is appended and the
 * categories (known up front from the project labels, plus any stray label met in the data) close it.
 * Ids are renumbered deterministically: images 1..N in item order, annotations 1..M, categories 1..K
 * in the project's label order. Standard COCO is in pixels; the Azure variant (`azure`) normalises bbox
 * and polygons to 0-1 and writes image width/height as 0, as Azure ML's export did. A mask is one
 * annotation per class present with its compressed RLE (`segmentation: {size: [h, w], counts}`).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Categories, num, polygonArea, polygonBounds } from './export-common';
import type { ExportContext, FormatWriter } from './export';
import { cocoMaskAnnotations } from './mask-export';

const OUT = 'coco.json';
const SIDE = 'coco.annotations.part';

export async function cocoWriter(ctx: ExportContext): Promise<FormatWriter> {
  const azure = ctx.options.azure === true;
  const all = ctx.options.allAnnotators === true;
  const cats = new Categories(ctx.def);
  const main = await ctx.staging.open(OUT);
  const side = await ctx.staging.open(SIDE);
  await main.write(`{"info":${JSON.stringify({ description: ctx.def.name, version: '1.0' })},"licenses":[],"images":[\n`);
  let imageId = 0;
  let annId = 0;

  return {
    async item(item, entries) {
      const w = item.width ?? 0;
      const h = item.height ?? 0;
      if (azure && (!w || !h)) return false;
      const sx = azure ? w : 1;
      const sy = azure ? h : 1;
      imageId++;
      const image = { id: imageId, width: azure ? 0 : w, height: azure ? 0 : h, file_name: item.ref.path };
      await main.write((imageId > 1 ? ',\n' : '') + JSON.stringify(image));
      for (const e of entries) {
        const extra = all ? { labeler: e.labeler, ...(e.confidence !== undefined ? { score: num(e.confidence) } : {}) } : {};
        const a = e.annotation;
        if (a.kind === 'boxes') {
          for (const b of a.boxes) {
            annId++;
            const bbox = [num(b.x / sx), num(b.y / sy), num(b.w / sx), num(b.h / sy)];
            const ann = { id: annId, image_id: imageId, category_id: cats.idOf(b.label), bbox, area: num(azure ? bbox[2]! * bbox[3]! : b.w * b.h),
              iscrowd: 0, segmentation: [], ...extra };
            await side.write((annId > 1 ? ',\n' : '') + JSON.stringify(ann));
          }
        } else if (a.kind === 'mask') {
          for (const m of await cocoMaskAnnotations(ctx, item, e, (name) => cats.idOf(name))) {
            annId++;
            await side.write((annId > 1 ? ',\n' : '') + JSON.stringify({ id: annId, image_id: imageId, ...m, ...extra }));
          }
        } else if (a.kind === 'polygons') {
          for (const p of a.polygons) {
            annId++;
            const rings = p.rings.map((r) => r.map((v, i) => num(v / (i % 2 ? sy : sx))));
            const bb = polygonBounds(rings);
            const ann = { id: annId, image_id: imageId, category_id: cats.idOf(p.label),
              bbox: [num(bb.x), num(bb.y), num(bb.w), num(bb.h)], area: num(polygonArea(rings)), iscrowd: 0,
              segmentation: rings, ...extra };
            await side.write((annId > 1 ? ',\n' : '') + JSON.stringify(ann));
          }
        }
      }
      return true;
    },
    async end() {
      await side.close();
      await main.write('\n],"annotations":[\n');
      await main.flush();
      const sidePath = join(ctx.staging.dir, SIDE);
      for await (const chunk of createReadStream(sidePath, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        await main.write(chunk as string);
      }
      await ctx.staging.remove(SIDE);
      const categories = cats.names.map((name, i) => JSON.stringify({ id: i + 1, name, supercategory: '' }));
      await main.write(`\n],"categories":[\n${categories.join(',\n')}\n]}\n`);
      await main.close();
    },
  };
}
