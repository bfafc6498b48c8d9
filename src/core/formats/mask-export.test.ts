import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { getMask, putMask } from '../masks/blob-store';
import { decodeCocoRle } from '../masks/coco-rle';
import { brushResultsToRaster } from '../masks/ls-brush';
import { IGNORE, type ClassRaster } from '../masks/raster';
import { vocIndexOf } from '../masks/voc-palette';
import type { ExportItem, MaskAnnotation } from '../model';
import { exportLabels } from './export';
import { aDef, anItem, byLabeler, listFiles, useTempDir } from './test-support';

/** A 6 x 4 mask: car (1) on the left, road (2) at the bottom, one ignore pixel, the rest unlabeled. */
function sample(): ClassRaster {
  const w = 6;
  const h = 4;
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = y === 3 ? 2 : x < 2 ? 1 : 0;
  data[w + 4] = IGNORE;
  return { width: w, height: h, data };
}

/** The class indices of a VOC-palette PNG read by pngjs (RGBA) and mapped back through the palette. */
function vocIndices(png: Buffer): { width: number; height: number; data: Uint8Array; colorType: number } {
  const p = PNG.sync.read(png);
  const data = new Uint8Array(p.width * p.height);
  for (let i = 0; i < data.length; i++) data[i] = vocIndexOf(p.data[4 * i]!, p.data[4 * i + 1]!, p.data[4 * i + 2]!)!;
  return { width: p.width, height: p.height, data, colorType: png[25]! };
}

describe('mask exports', () => {
  const tmp = useTempDir();
  const def = aDef('image-semantic-segmentation', ['car', 'road'], { ignoreLabel: 'void' });

  async function items(): Promise<{ items: ExportItem[]; dir: string; mask: MaskAnnotation }> {
    const dir = join(tmp(), 'project');
    const put = await putMask(dir, sample());
    const mask: MaskAnnotation = { kind: 'mask', classes: ['car', 'road', 'void'], width: 6, height: 4, blob: put.sha };
    const item = anItem('img/street.jpg', { final: mask, finalBy: ['ann'], width: 6, height: 4, all: [byLabeler('ann', mask)] });
    return { items: [item, anItem('img/empty.jpg', { width: 6, height: 4 })], dir, mask };
  }
  const reader = (dir: string) => (blob: string) => getMask(dir, blob);

  it('VOC: SegmentationClass PNGs in indexed colour (type 3) whose indices read back by pngjs are the mask, with labelmap.txt', async () => {
    const { items: xs, dir } = await items();
    const out = join(tmp(), 'out');
    const s = await exportLabels('voc', xs, def, out, {}, undefined, undefined, reader(dir));
    assert.deepEqual([s.items, s.skippedUnlabeled], [1, 1]);
    assert.deepEqual((await listFiles(join(out, 'voc'))), ['ImageSets/Segmentation/default.txt', 'SegmentationClass/img/street.png', 'labelmap.txt']);
    const png = vocIndices(await readFile(join(out, 'voc', 'SegmentationClass', 'img', 'street.png')));
    assert.equal(png.colorType, 3);
    assert.deepEqual([png.width, png.height, [...png.data]], [6, 4, [...sample().data]]);
    assert.equal(await readFile(join(out, 'voc', 'labelmap.txt'), 'utf8'), '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncar:128,0,0::\nroad:0,128,0::\nvoid:224,224,192::\n');
    assert.equal(await readFile(join(out, 'voc', 'ImageSets', 'Segmentation', 'default.txt'), 'utf8'), 'img/street\n');
  });

  it('COCO: one annotation per class with a compressed RLE that decodes to that class', async () => {
    const { items: xs, dir } = await items();
    const out = join(tmp(), 'out');
    await exportLabels('coco', xs, def, out, {}, undefined, undefined, reader(dir));
    const coco = JSON.parse(await readFile(join(out, 'coco.json'), 'utf8'));
    assert.deepEqual(coco.categories.map((c: { name: string }) => c.name), ['car', 'road']);
    assert.equal(coco.annotations.length, 2, 'the ignore class is not a category');
    for (const [k, cls] of [[0, 1], [1, 2]] as const) {
      const a = coco.annotations[k];
      assert.equal(typeof a.segmentation.counts, 'string');
      assert.deepEqual(a.segmentation.size, [4, 6]);
      const m = decodeCocoRle(a.segmentation);
      assert.deepEqual([...m.data], [...sample().data].map((v) => (v === cls ? 1 : 0)));
      assert.equal(a.category_id, cls);
      assert.equal(a.area, [...sample().data].filter((v) => v === cls).length);
    }
    assert.deepEqual(coco.annotations[0].bbox, [0, 0, 2, 3]);
  });

  it('MLTable: JSONL rows name the image and its mask file, which holds the mask', async () => {
    const { items: xs, dir } = await items();
    const out = join(tmp(), 'out');
    await exportLabels('mltable', xs, def, out, { urlPrefix: 'azureml://ds/' }, undefined, undefined, reader(dir));
    const rows = (await readFile(join(out, 'mltable', 'labels.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows, [{ image_url: 'azureml://ds/img/street.jpg', image_details: { format: 'jpg', width: 6, height: 4 }, mask_url: 'masks/img/street.png', label: ['car', 'road', 'void'] }]);
    const png = vocIndices(await readFile(join(out, 'mltable', rows[0].mask_url)));
    assert.deepEqual([...png.data], [...sample().data]);
    assert.match(await readFile(join(out, 'mltable', 'MLTable'), 'utf8'), /read_json_lines/);
  });

  it('Label Studio: brushlabels results per class that decode back to the mask', async () => {
    const { items: xs, dir } = await items();
    const out = join(tmp(), 'out');
    await exportLabels('labelstudio', xs, def, out, {}, undefined, undefined, reader(dir));
    const tasks = JSON.parse(await readFile(join(out, 'labelstudio.json'), 'utf8'));
    const result = tasks[0].annotations[0].result;
    assert.deepEqual(result.map((r: { type: string; value: { brushlabels: string[] } }) => [r.type, r.value.brushlabels[0]]), [['brushlabels', 'car'], ['brushlabels', 'road'], ['brushlabels', 'void']]);
    const back = brushResultsToRaster(result, ['car', 'road'], { ignoreName: 'void' });
    assert.deepEqual([...back.raster.data], [...sample().data]);
  });

  it('a label list reordered since the mask was painted fails the export instead of writing pixels under the wrong class', async () => {
    const { items: xs, dir } = await items();
    const swapped = aDef('image-semantic-segmentation', ['road', 'car'], { ignoreLabel: 'void' });
    await assert.rejects(exportLabels('voc', xs, swapped, join(tmp(), 'out'), {}, undefined, undefined, reader(dir)), /img\/street\.jpg: the mask's pixels read as road, car, void with the project's labels in their order, its annotation says car, road, void: were labels reordered or removed/);
  });

  it('a missing blob fails the export naming the blob file, and nothing is written', async () => {
    const { items: xs, dir, mask } = await items();
    const out = join(tmp(), 'out');
    const gone = { ...mask, blob: 'f'.repeat(64) };
    await assert.rejects(exportLabels('voc', [{ ...xs[0]!, final: gone }], def, out, {}, undefined, undefined, reader(dir)), /f{64}\.png: the mask blob is missing/);
    assert.ok(!existsSync(join(out, 'voc')));
  });
});
