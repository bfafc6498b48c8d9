import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import type { Annotation, Box, Polygon } from '../model';
import { exportLabels } from './export';
import { importLabels } from './import';
import { decodeRleString, rleStats } from './rle';
import { polygonArea, polygonBounds } from './export-common';
import { assertJournalWithin, journalText, png, runImport, tinyJpeg, workspace } from './bounds-test-support';
import { summaryLines } from './summary-import';
import { aDef, fixture, itemsFromRecords, useTempDir } from './test-support';
import { cleanupWorkspaces } from '../store/test-support';

const FRIDGE = ['azureml-examples', 'sdk', 'python', 'foundation-models', 'system', 'evaluation'];
const fridgeBoxes = fixture(...FRIDGE, 'image-object-detection', 'odFridgeObjects_coco.json');
const fridgeMask = fixture(...FRIDGE, 'image-instance-segmentation', 'odFridgeObjectsMask_coco.json');
const fridgeRle = fixture(...FRIDGE, 'image-instance-segmentation', 'odFridgeObjectsMask_coco_rle.json');
const annotator = fixture('label-studio-sdk', 'tests', 'custom', 'converter', 'data', 'test_import_coco', 'coco_import_input.json');
const datumaro = fixture('datumaro', 'tests', 'assets', 'coco_dataset', 'coco_instances', 'annotations', 'instances_val.json');
const FRIDGE_LABELS = ['can', 'carton', 'milk_bottle', 'water_bottle'];

const boxesOf = (a: Annotation): Box[] => (a.kind === 'boxes' ? a.boxes : []);
const polygonsOf = (a: Annotation): Polygon[] => (a.kind === 'polygons' ? a.polygons : []);

function countBy(labels: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

describe('COCO import', () => {
  const tmp = useTempDir();
  it('reads the fridge boxes with string image ids: 128 images, 336 boxes, 83/86/85/82 per category', async () => {
    const r = await importLabels('coco', fridgeBoxes, { target: 'boxes' });
    assert.equal(r.records.length, 128);
    const boxes = r.records.flatMap((x) => boxesOf(x.annotation));
    assert.equal(boxes.length, 336);
    assert.deepEqual(countBy(boxes.map((b) => b.label)), { can: 83, carton: 86, milk_bottle: 85, water_bottle: 82 });
    const first = r.records.find((x) => x.ref === '1.jpg')!;
    assert.deepEqual(first.annotation, { kind: 'boxes', boxes: [{ label: 'carton', x: 100, y: 173, w: 133, h: 348 }] });
    assert.equal(first.width, 499);
    assert.equal(first.height, 666);
    assert.deepEqual(r.problems, []);
  });

  it('keeps multi-part polygons: 332 objects with 1 ring, 3 with 2, 1 with 4', async () => {
    const r = await importLabels('coco', fridgeMask, { target: 'polygons' });
    const polys = r.records.flatMap((x) => polygonsOf(x.annotation));
    assert.equal(polys.length, 336);
    assert.deepEqual(countBy(polys.map((p) => String(p.rings.length))), { '1': 332, '2': 3, '4': 1 });
    assert.ok(polys.every((p) => p.rings.every((ring) => ring.length >= 6 && ring.length % 2 === 0)));
  });

  it('reads COCO-Annotator quirks: ids from 0, iscrowd "false", extra keys', async () => {
    const r = await importLabels('coco', annotator, { target: 'polygons' });
    assert.deepEqual(r.records.map((x) => x.ref).sort(), ['image1.jpg', 'image2.jpg']);
    assert.deepEqual([...r.labelsSeen].sort(), ['Class_1', 'Class_2']);
    const polys = r.records.flatMap((x) => polygonsOf(x.annotation));
    assert.deepEqual(polys.map((p) => p.rings[0]!.length / 2).sort((a, b) => a - b), [134, 160]);
    assert.equal(r.records.find((x) => x.ref === 'image1.jpg')!.width, 4022);
  });

  it('reads datumaro edge cases: non-contiguous category ids and an uncompressed RLE crowd mask', async () => {
    const r = await importLabels('coco', datumaro, { target: 'boxes' });
    assert.equal(r.records.length, 1);
    assert.deepEqual(r.records[0]!.annotation, {
      kind: 'boxes',
      boxes: [
        { label: 'a', x: 0, y: 0, w: 1, h: 2 },
        { label: 'b', x: 0, y: 0, w: 1, h: 9 },
      ],
    });
    assert.deepEqual(r.labelsSeen, ['a', 'b']);
    assert.deepEqual(rleStats([0, 20, 30], 10, 5), { area: 20, bbox: [0, 0, 2, 10] });
  });

  it('refuses an RLE mask as a polygon with a problem naming the annotation id (never silently)', async () => {
    const r = await importLabels('coco', datumaro, { target: 'polygons' });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.where, /annotation 2/);
    assert.match(r.problems[0]!.message, /RLE mask \(area 20, bbox \[0, 0, 2, 10\]\)/);
    assert.equal(polygonsOf(r.records[0]!.annotation).length, 1);
  });

  it('decodes compressed RLE: each fridge mask matches the same instance\'s polygon (bbox within 2 px, area within 1%)', async () => {
    type Ann = { segmentation: { counts: string; size: [number, number] } & number[][] };
    const rle = JSON.parse(await readFile(fridgeRle, 'utf8')) as { annotations: Ann[] };
    const mask = JSON.parse(await readFile(fridgeMask, 'utf8')) as { annotations: Ann[] };
    assert.equal(rle.annotations.length, 336);
    rle.annotations.forEach((a, i) => {
      const s = rleStats(decodeRleString(a.segmentation.counts), a.segmentation.size[0], a.segmentation.size[1]);
      const rings = mask.annotations[i]!.segmentation;
      const b = polygonBounds(rings);
      const edges = [s.bbox[0] - b.x, s.bbox[1] - b.y, s.bbox[0] + s.bbox[2] - b.x - b.w, s.bbox[1] + s.bbox[3] - b.y - b.h];
      assert.ok(edges.every((d) => Math.abs(d) <= 2), `annotation ${i}: ${s.bbox} vs ${JSON.stringify(b)}`);
      assert.ok(Math.abs(s.area - polygonArea(rings)) / s.area < 0.01, `annotation ${i}: area ${s.area}`);
    });
    const r = await importLabels('coco', fridgeRle, { target: 'boxes' });
    assert.equal(r.records.flatMap((x) => boxesOf(x.annotation)).length, 336);
  });

  it('fails cleanly on a malformed file, naming the JSON path', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(bad, JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg' }], annotations: [{ id: 1, image_id: 2, category_id: 1, bbox: [0, 0, 1, 1] }], categories: [{ id: 1, name: 'x' }] })),
    );
    await assert.rejects(importLabels('coco', bad, { target: 'boxes' }), (e: unknown) => {
      assert.ok(e instanceof LabelingError);
      assert.equal(e.reason, 'invalid-input');
      assert.equal(e.where.field, 'annotations[0].image_id');
      return true;
    });
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '{"images": [\n  {"id": 1,}\n]}'));
    await assert.rejects(importLabels('coco', bad, { target: 'boxes' }), (e: unknown) => e instanceof LabelingError && e.where.line === 2);
  });
});

describe('COCO export', () => {
  const tmp = useTempDir();
  // The fridge file's areas are (w+1)*(h+1) (VOC-style inclusive pixels); a Box carries no area, so we
  // write w*h: the boxes and categories must survive, and our own areas must survive a second trip.
  it('round-trips the fridge boxes: boxes, categories and our areas survive (ids renumbered)', async () => {
    const dir = tmp();
    const src = await importLabels('coco', fridgeBoxes, { target: 'boxes' });
    const items = itemsFromRecords(src.records).sort((a, b) => a.key.localeCompare(b.key));
    const sum = await exportLabels('coco', items, aDef('image-detection', FRIDGE_LABELS), dir);
    assert.deepEqual(sum.files, ['coco.json']);
    assert.equal(sum.items, 128);
    assert.equal(sum.annotations, 336);
    const out = JSON.parse(await readFile(join(dir, 'coco.json'), 'utf8'));
    assert.deepEqual(out.categories.map((c: { id: number; name: string }) => [c.id, c.name]), [[1, 'can'], [2, 'carton'], [3, 'milk_bottle'], [4, 'water_bottle']]);
    const orig = JSON.parse(await readFile(fridgeBoxes, 'utf8'));
    const sig = (doc: typeof orig): string[] => {
      const file = new Map<string, string>(doc.images.map((i: { id: unknown; file_name: string }) => [String(i.id), i.file_name]));
      const cat = new Map<string, string>(doc.categories.map((c: { id: unknown; name: string }) => [String(c.id), c.name]));
      return doc.annotations.map((a: { image_id: unknown; category_id: unknown; bbox: number[] }) =>
        `${file.get(String(a.image_id))} ${cat.get(String(a.category_id))} ${a.bbox.join(',')}`).sort();
    };
    assert.deepEqual(sig(out), sig(orig));
    assert.ok(out.annotations.every((a: { area: number; bbox: number[] }) => a.area === a.bbox[2]! * a.bbox[3]!));
    const again = await importLabels('coco', join(dir, 'coco.json'), { target: 'boxes' });
    const dir2 = join(dir, 'second');
    await exportLabels('coco', itemsFromRecords(again.records).sort((a, b) => a.key.localeCompare(b.key)), aDef('image-detection', FRIDGE_LABELS), dir2);
    assert.equal(await readFile(join(dir2, 'coco.json'), 'utf8'), await readFile(join(dir, 'coco.json'), 'utf8'));
    assert.deepEqual(out.images.map((i: { id: number }) => i.id), Array.from({ length: 128 }, (_, i) => i + 1));
  });

  it('round-trips multi-part polygons with their areas', async () => {
    const dir = tmp();
    const src = await importLabels('coco', fridgeMask, { target: 'polygons' });
    const items = itemsFromRecords(src.records);
    await exportLabels('coco', items, aDef('image-segmentation', FRIDGE_LABELS), dir);
    const back = await importLabels('coco', join(dir, 'coco.json'), { target: 'polygons' });
    const norm = (recs: typeof src.records): string[] =>
      recs.flatMap((r) => polygonsOf(r.annotation).map((p) => `${r.ref} ${p.label} ${JSON.stringify(p.rings)}`)).sort();
    assert.deepEqual(norm(back.records), norm(src.records));
    const out = JSON.parse(await readFile(join(dir, 'coco.json'), 'utf8'));
    const multi = out.annotations.filter((a: { segmentation: number[][] }) => a.segmentation.length > 1);
    assert.deepEqual(multi.map((a: { segmentation: number[][] }) => a.segmentation.length).sort(), [2, 2, 2, 4]);
    assert.ok(out.annotations.every((a: { area: number; bbox: number[] }) => a.area > 0 && a.area <= a.bbox[2]! * a.bbox[3]!));
  });

  it('writes the Azure variant (normalised, sizes 0) and reads it back with real sizes', async () => {
    const dir = tmp();
    const src = await importLabels('coco', fridgeBoxes, { target: 'boxes' });
    await exportLabels('coco', itemsFromRecords(src.records), aDef('image-detection', FRIDGE_LABELS), dir, { azure: true });
    const out = JSON.parse(await readFile(join(dir, 'coco.json'), 'utf8'));
    assert.equal(out.images[0].width, 0);
    assert.ok(out.annotations.every((a: { bbox: number[] }) => a.bbox.every((v) => v >= 0 && v <= 1)));
    const noSize = await importLabels('coco', join(dir, 'coco.json'), { target: 'boxes' });
    assert.equal(noSize.records.length, 0);
    assert.equal(noSize.problems.length, 336);
    const back = await importLabels('coco', join(dir, 'coco.json'), { target: 'boxes', sizeOf: () => ({ width: 499, height: 666 }) });
    const a = back.records.find((r) => r.ref === '1.jpg')!;
    const b = boxesOf(a.annotation)[0]!;
    for (const [got, want] of [[b.x, 100], [b.y, 173], [b.w, 133], [b.h, 348]] as const) assert.ok(Math.abs(got - want) < 1e-9);
  });
});

describe('COCO import: shapes checked against their images', () => {
  after(cleanupWorkspaces);
  const coco = (images: { id: number; file_name: string; width: number; height: number }[], anns: Record<string, unknown>[]): string =>
    JSON.stringify({ images, categories: [{ id: 1, name: 'car' }], annotations: anns.map((a, i) => ({ id: i + 1, category_id: 1, ...a })) });

  it('clips boxes within the tolerance, refuses those beyond it and 1e308, and says so in the summary', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50), 'img/b.png': png(100, 50) }, 'img/*.png');
    const plan = await runImport(ws, 'coco', 'coco.json', coco(
      [{ id: 1, file_name: 'img/a.png', width: 100, height: 50 }, { id: 2, file_name: 'img/b.png', width: 100, height: 50 }],
      [
        { image_id: 1, bbox: [10, 10, 20, 20] },
        { image_id: 1, bbox: [-1, 0, 20, 20] },
        { image_id: 1, bbox: [90, 10, 30, 10] },
        { image_id: 2, bbox: [1e308, 0, 10, 10] },
        { image_id: 2, bbox: [0, 0, 1e308, 1e308] },
      ],
    ));
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 3, unreadable: 0 });
    assert.deepEqual(plan.submits.map((s) => s.annotation), [{ kind: 'boxes', boxes: [{ label: 'car', x: 10, y: 10, w: 20, h: 20 }, { label: 'car', x: 0, y: 0, w: 19, h: 20 }] }]);
    assert.ok(plan.summary.problems.some((p) => p.where === 'img/b.png' && /every object was refused/.test(p.message)));
    const text = summaryLines(plan.summary, plan.submits.length).join('\n');
    assert.match(text, /To import: 1 image, 2 boxes\./);
    assert.match(text, /past the image edge are clipped to it, shapes further out or with absurd coordinates are refused; 1 shape clipped, 3 refused/);
    assertJournalWithin(ws, 100, 50);
    await ws.store.close();
  });

  it('checks polygons against the image as displayed (EXIF orientation 6) and reports an unreadable image', async () => {
    const files = { 'img/rot.jpg': tinyJpeg(40, 20, 6), 'img/broken.jpg': Buffer.from('no image here') };
    const ws = await workspace('image-segmentation', ['car'], files, 'img/*.jpg');
    const plan = await runImport(ws, 'coco', 'coco.json', coco(
      [{ id: 1, file_name: 'img/rot.jpg', width: 40, height: 20 }, { id: 2, file_name: 'img/broken.jpg', width: 40, height: 20 }],
      [
        { image_id: 1, segmentation: [[0, 0, 35, 0, 35, 15]] },
        { image_id: 1, segmentation: [[0, 0, 15, 0, 15, 35]] },
        { image_id: 2, segmentation: [[0, 0, 5, 0, 5, 5]] },
      ],
    ));
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 0, refused: 2, unreadable: 1 });
    assert.deepEqual(plan.submits.map((s) => [s.ref.path, s.annotation]), [['img/rot.jpg', { kind: 'polygons', polygons: [{ label: 'car', rings: [[0, 0, 15, 0, 15, 35]] }] }]]);
    const messages = plan.summary.problems.map((p) => `${p.where}: ${p.message}`);
    assert.ok(messages.some((m) => /img\/rot.jpg: the file gives the image size 40×20, the image is 20×40 as displayed \(rotated by its EXIF orientation\?\)/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /img\/broken.jpg: the size of image img\/broken.jpg cannot be read: its 1 object\(s\) are not imported/.test(m)), messages.join('\n'));
    assertJournalWithin(ws, 20, 40);
    await ws.store.close();
  });

  it('a NaN in the file (as Python writes it) refuses the whole file; nothing is journaled', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    const text = coco([{ id: 1, file_name: 'img/a.png', width: 100, height: 50 }], [{ image_id: 1, bbox: [1, 2, 3, 4] }]).replace('[1,2,3,4]', '[1,\n2,NaN,4]');
    await assert.rejects(runImport(ws, 'coco', 'coco.json', text), (e: unknown) => e instanceof LabelingError && /coco\.json: not valid JSON/.test(e.message));
    assert.equal(journalText(ws), '');
    await ws.store.close();
  });
});
