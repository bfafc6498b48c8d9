import { strict as assert } from 'node:assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { getMask, putMask } from '../masks/blob-store';
import { decodeCocoRle } from '../masks/coco-rle';
import { fillRings } from '../masks/fill-polygon';
import { encodeIndexedPng } from '../masks/png-indexed';
import { IGNORE, type ClassRaster } from '../masks/raster';
import { VOC_PALETTE } from '../masks/voc-palette';
import type { MaskAnnotation } from '../model';
import { createProject } from '../project/create';
import { openStore } from '../store/test-support';
import { importLabels } from './import';
import { mapImport } from './map-import';
import { exportLabels } from './export';
import { aDef, anItem, byLabeler, fixture, indexOf, useTempDir } from './test-support';
import { applyImport, planImport } from './workflow';

const FRIDGE_RLE = fixture('azureml-examples', 'sdk', 'python', 'foundation-models', 'system', 'evaluation', 'image-instance-segmentation', 'odFridgeObjectsMask_coco_rle.json');

/** 6 x 4: VOC index 7 ("car") on the left two columns, 15 ("person") on the bottom row, one void pixel. */
function vocMask(): ClassRaster {
  const data = new Uint8Array(24);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) data[y * 6 + x] = y === 3 ? 15 : x < 2 ? 7 : 0;
  data[10] = IGNORE;
  return { width: 6, height: 4, data };
}

async function vocFolder(dir: string, labelmap?: string, rgb = false): Promise<string> {
  await mkdir(join(dir, 'SegmentationClass', 'img'), { recursive: true });
  let bytes: Uint8Array = encodeIndexedPng(vocMask());
  if (rgb) {
    const p = new PNG({ width: 6, height: 4 });
    vocMask().data.forEach((v, i) => p.data.set([...VOC_PALETTE[v]!, 255], 4 * i));
    bytes = PNG.sync.write(p);
  }
  await writeFile(join(dir, 'SegmentationClass', 'img', 'street.png'), bytes);
  if (labelmap !== undefined) await writeFile(join(dir, 'labelmap.txt'), labelmap);
  return dir;
}

describe('mask imports', () => {
  const tmp = useTempDir();

  it('VOC SegmentationClass PNGs (indexed or RGB): the source class names from VOC\'s list, re-indexed to the project labels', async () => {
    for (const rgb of [false, true]) {
      const dir = await vocFolder(join(tmp(), `voc-${rgb}`), undefined, rgb);
      const r = await importLabels('voc', dir, { target: 'mask' });
      assert.deepEqual(r.problems, []);
      assert.equal(r.records.length, 1);
      assert.deepEqual(r.labelsSeen, ['car', 'person', 'void']);
      assert.equal(r.records[0]!.ref, 'img/street');
      // The project lists person before car, and maps "person" to its "pedestrian"; void is its ignore class.
      const def = aDef('image-semantic-segmentation', ['road', 'pedestrian', 'car'], { ignoreLabel: 'void' });
      const m = mapImport(r.records, { itemIndex: indexOf([anItem('img/street.jpg')]), def, createLabels: false, labelMap: { person: 'pedestrian' } });
      assert.equal(m.submits.length, 1);
      const s = m.submits[0]!;
      assert.deepEqual(s.ref, { path: 'img/street.jpg' });
      assert.deepEqual([...s.raster!.data], [...vocMask().data].map((v) => (v === 7 ? 3 : v === 15 ? 2 : v)));
      assert.deepEqual((s.annotation as MaskAnnotation).classes, ['pedestrian', 'car', 'void']);
      assert.equal(m.summary.shapesByType.masks, 1);
    }
  });

  it('VOC: labelmap.txt names the classes by colour; a skipped class becomes unlabeled, a created one is appended', async () => {
    const dir = await vocFolder(join(tmp(), 'voc'), '# label:color_rgb:parts:actions\nbackground:0,0,0::\nauto:128,128,128::\nwalker:192,128,128::\n');
    const r = await importLabels('voc', dir, { target: 'mask' });
    assert.deepEqual(r.labelsSeen, ['auto', 'walker', 'void']);
    const def = aDef('image-semantic-segmentation', ['auto']);
    const skip = mapImport(r.records, { itemIndex: indexOf([anItem('img/street.png')]), def, createLabels: false });
    assert.deepEqual([...skip.submits[0]!.raster!.data], [...vocMask().data].map((v) => (v === 7 ? 1 : 0)), 'walker skipped, void without an ignore class: unlabeled');
    assert.deepEqual(skip.summary.labelsSkipped, { walker: 1 });
    const make = mapImport(r.records, { itemIndex: indexOf([anItem('img/street.png')]), def, createLabels: true });
    assert.deepEqual(make.summary.labelsCreated, ['walker']);
    assert.deepEqual([...make.submits[0]!.raster!.data], [...vocMask().data].map((v) => (v === 7 ? 1 : v === 15 ? 2 : 0)));
    await writeFile(join(dir, 'labelmap.txt'), 'auto:1,2,3::\n');
    await assert.rejects(importLabels('voc', dir, { target: 'mask' }), /labelmap\.txt:1: "auto:1,2,3::" is not name:r,g,b:: with a VOC palette colour/);
  });

  it('COCO RLE: the fridge fixture becomes one mask per image, each class where its RLE is', async () => {
    const r = await importLabels('coco', FRIDGE_RLE, { target: 'mask' });
    assert.equal(r.records.length, 128);
    assert.deepEqual(r.labelsSeen.sort(), ['can', 'carton', 'milk_bottle', 'water_bottle']);
    const doc = JSON.parse(await import('node:fs/promises').then((f) => f.readFile(FRIDGE_RLE, 'utf8')));
    const rec = r.records.find((x) => x.ref === '1.jpg')!;
    const raster = rec.mask!.raster;
    assert.deepEqual([raster.width, raster.height], [499, 666]);
    const anns = doc.annotations.filter((a: { image_id: string }) => a.image_id === '1');
    const last = anns[anns.length - 1];
    const bin = decodeCocoRle(last.segmentation);
    const cls = rec.mask!.names.indexOf(doc.categories.find((c: { id: number }) => c.id === last.category_id).name) + 1;
    let on = 0;
    bin.data.forEach((b, i) => {
      if (b) {
        on++;
        assert.equal(raster.data[i], cls);
      }
    });
    assert.ok(on > 30_000, `${on} pixels of the last RLE`);
  });

  it('COCO polygons and bare boxes are filled (pixel centres inside, holes even-odd)', async () => {
    const file = join(tmp(), 'poly.json');
    await writeFile(file, JSON.stringify({
      images: [{ id: 1, file_name: 'a.png', width: 10, height: 10 }],
      categories: [{ id: 5, name: 'cat' }, { id: 6, name: 'dog' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 5, segmentation: [[2, 2, 8, 2, 8, 8, 2, 8], [4, 4, 6, 4, 6, 6, 4, 6]] },
        { id: 2, image_id: 1, category_id: 6, bbox: [0, 0, 1, 2] },
      ],
    }));
    const r = await importLabels('coco', file, { target: 'mask' });
    const d = r.records[0]!.mask!.raster.data;
    const cat = [...d].filter((v) => v === 1).length;
    assert.equal(cat, 36 - 4, 'a 6 x 6 square with a 2 x 2 hole');
    assert.deepEqual([d[0], d[10], d[20], d[1]], [2, 2, 0, 0]);
    assert.equal(d[5 * 10 + 5], 0, 'the hole');
  });

  it('Label Studio JSON: brushlabels written by the export come back as the mask; polygons are filled; other types are problems', async () => {
    const dir = join(tmp(), 'p');
    const src: ClassRaster = { width: 6, height: 4, data: Uint8Array.from({ length: 24 }, (_, i) => (i < 6 ? 1 : i >= 18 ? 2 : i === 10 ? IGNORE : 0)) };
    const put = await putMask(dir, src);
    const m: MaskAnnotation = { kind: 'mask', classes: ['car', 'road', 'void'], width: 6, height: 4, blob: put.sha };
    const def = aDef('image-semantic-segmentation', ['car', 'road'], { ignoreLabel: 'void' });
    await exportLabels('labelstudio', [anItem('img/a.png', { final: m, width: 6, height: 4, all: [byLabeler('ann', m)] })], def, join(tmp(), 'out'), {}, undefined, undefined, (b) => getMask(dir, b));
    const file = join(tmp(), 'out', 'labelstudio.json');
    const tasks = JSON.parse(await readFile(file, 'utf8'));
    tasks[0].annotations[0].result.push(
      { type: 'polygonlabels', original_width: 6, original_height: 4, value: { points: [[50, 25], [100, 25], [100, 50], [50, 50]], polygonlabels: ['road'] } },
      { type: 'keypointlabels', value: { x: 1, y: 1, keypointlabels: ['car'] } },
    );
    await writeFile(file, JSON.stringify(tasks));
    const r = await importLabels('labelstudio', file, { target: 'mask' });
    assert.equal(r.records.length, 1);
    const rec = r.records[0]!;
    assert.equal(rec.ref, 'img/a.png');
    const back = mapImport(r.records, { itemIndex: indexOf([anItem('img/a.png')]), def, createLabels: false }).submits[0]!.raster!;
    const want = src.data.slice();
    want.fill(2, 9, 12); // row 1, x 3..5: the polygon
    assert.deepEqual([...back.data], [...want]);
    assert.match(r.problems.map((p) => p.message).join('\n'), /result type "keypointlabels" cannot become a mask: skipped/);
  });

  it('fillRings counts the pixels it paints over', () => {
    const r = { width: 4, height: 4, data: new Uint8Array(16).fill(1, 0, 4) };
    assert.equal(fillRings(r, [[0, 0, 4, 0, 4, 2, 0, 2]], 2), 4);
    assert.deepEqual([...r.data], [2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('planImport and applyImport into a project: the blob is stored and the item gets the mask', async () => {
    const root = tmp();
    await mkdir(join(root, 'img'));
    await writeFile(join(root, 'img', 'street.png'), PNG.sync.write(new PNG({ width: 6, height: 4 })));
    await writeFile(join(root, 'img', 'wide.png'), PNG.sync.write(new PNG({ width: 8, height: 4 })));
    await createProject(root, { id: 'seg', type: 'image-semantic-segmentation', labels: ['car'], ignoreLabel: 'void', dataSources: [{ kind: 'images', glob: 'img/*.png' }], queueSeed: 1 });
    const voc = await vocFolder(join(root, 'voc-in'));
    await writeFile(join(voc, 'SegmentationClass', 'img', 'wide.png'), encodeIndexedPng(vocMask()));
    const store = await openStore({ root, id: 'seg' });
    try {
      const plan = await planImport(store, { format: 'voc', source: voc, createLabels: true }, root);
      assert.deepEqual(plan.summary.labelsCreated, ['person']);
      assert.equal(plan.submits.length, 1, 'the mask of the 8 x 4 image does not fit it');
      assert.match(plan.summary.problems.map((p) => p.message).join('\n'), /the mask is 6×4, the image is 8×4/);
      await applyImport(store, plan, root);
      const it = store.getItem('img/street.png')!;
      const a = it.final as MaskAnnotation;
      assert.deepEqual(a.classes, ['car', 'person', 'void']);
      assert.deepEqual([...(await getMask(store.projectDir, a.blob)).data], [...vocMask().data].map((v) => (v === 7 ? 1 : v === 15 ? 2 : v)));
      assert.deepEqual(store.def.labels.map((l) => l.name), ['car', 'person']);
    } finally {
      await store.close();
    }
  });
});
