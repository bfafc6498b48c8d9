import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Box } from '../model';
import { exportLabels } from './export';
import { importLabels } from './import';
import { mapImport } from './map-import';
import { cleanupWorkspaces } from '../store/test-support';
import { assertJournalWithin, journalText, png, runImport, workspace } from './bounds-test-support';
import { summaryLines } from './summary-import';
import { aDef, anItem, byLabeler, fixture, indexOf, itemsFromRecords, listFiles, useTempDir } from './test-support';

const LS = ['label-studio-sdk', 'tests', 'custom', 'converter', 'data'];
const cocoTask = fixture(...LS, 'test_export_coco', 'data.json');
const yoloTasks = fixture(...LS, 'test_export_yolo', 'data.json');
const yoloPolygons = fixture(...LS, 'test_export_yolo', 'data_polygons.json');

describe('Label Studio import', () => {
  const tmp = useTempDir();

  it('reads percent rectangles and polygons in pixels and reports keypoints as problems', async () => {
    const r = await importLabels('labelstudio', cocoTask, { target: 'polygons' });
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]!.ref, 'test_image1.jpg');
    assert.equal(r.records[0]!.labeler, '308');
    assert.deepEqual([r.records[0]!.width, r.records[0]!.height], [500, 320]);
    assert.equal(r.problems.length, 2);
    assert.ok(r.problems.every((p) => /keypointlabels/.test(p.message)));
    assert.deepEqual(r.labelsSeen, ['rectangle_label', 'polygon_label']);
  });

  it('LS -> COCO gives the rectangle bbox Label Studio asserts, and a 3-point polygon', async () => {
    const dir = tmp();
    const det = await importLabels('labelstudio', cocoTask, { target: 'boxes' });
    await exportLabels('coco', itemsFromRecords(det.records), aDef('image-detection', ['rectangle_label', 'polygon_label']), join(dir, 'det'));
    const coco = JSON.parse(await readFile(join(dir, 'det', 'coco.json'), 'utf8'));
    assert.equal(coco.annotations.length, 2);
    assert.deepEqual(coco.annotations[0].bbox, [159.70961887477313, 13.163120567375884, 31.76043557168784, 31.773049645390074]);
    assert.ok(coco.annotations[1].bbox[2] > 0 && coco.annotations[1].bbox[3] > 0);

    const seg = await importLabels('labelstudio', cocoTask, { target: 'polygons' });
    await exportLabels('coco', itemsFromRecords(seg.records), aDef('image-segmentation', ['rectangle_label', 'polygon_label']), join(dir, 'seg'));
    const coco2 = JSON.parse(await readFile(join(dir, 'seg', 'coco.json'), 'utf8'));
    const poly = coco2.annotations.find((a: { category_id: number }) => a.category_id === 2);
    assert.equal(poly.segmentation[0].length, 6);
    assert.ok(poly.area > 0 && poly.bbox[2] > 0 && poly.bbox[3] > 0);
    assert.deepEqual(coco2.categories.map((c: { name: string }) => c.name), ['rectangle_label', 'polygon_label']);
  });

  it('LS with two annotators -> YOLO split by labeler: 1/image1, 1/image2, 2/image1 with 2 lines each', async () => {
    const dir = tmp();
    const r = await importLabels('labelstudio', yoloTasks, { target: 'boxes' });
    const def = aDef('image-detection', ['parasites', 'white']);
    const items = [anItem('image1', { width: 2800, height: 2800 }), anItem('image2', { width: 2800, height: 2800 })];
    const mapped = mapImport(r.records, { itemIndex: indexOf(items), def, createLabels: false, stripPrefix: '/' });
    assert.equal(mapped.summary.matched, 3);
    for (const s of mapped.submits) {
      const item = items.find((i) => i.key === s.ref.path)!;
      item.all.push(byLabeler(s.labeler!, s.annotation));
      item.state = 'labeled';
    }
    const sum = await exportLabels('yolo', items, def, dir, { allAnnotators: true });
    assert.deepEqual(sum.files, ['yolo']);
    assert.deepEqual(await listFiles(join(dir, 'yolo', 'labels')), ['1/image1.txt', '1/image2.txt', '2/image1.txt']);
    for (const f of ['1/image1.txt', '1/image2.txt', '2/image1.txt']) {
      assert.equal((await readFile(join(dir, 'yolo', 'labels', f), 'utf8')).trimEnd().split('\n').length, 2);
    }
    assert.equal(await readFile(join(dir, 'yolo', 'classes.txt'), 'utf8'), 'parasites\nwhite\n');
    // Label Studio's own expectation for the first box of user 2 on image1: cx=(x+w/2)/100 and so on.
    const line = (await readFile(join(dir, 'yolo', 'labels', '2', 'image1.txt'), 'utf8')).split('\n')[0]!.split(' ').map(Number);
    const want = [0, 0.39253187613843354, 0.7304189435336975, 0.04189435336976321, 0.04735883424408015];
    assert.equal(line[0], 0);
    for (let i = 1; i < 5; i++) assert.ok(Math.abs(line[i]! - want[i]!) < 1e-15, `${line[i]} vs ${want[i]}`);
  });

  it('LS polygon -> one YOLO-seg file with one line', async () => {
    const dir = tmp();
    const r = await importLabels('labelstudio', yoloPolygons, { target: 'polygons' });
    const items = itemsFromRecords(r.records).map((i) => ({ ...i, key: 'image2', ref: { path: 'image2' } }));
    const sum = await exportLabels('yolo', items, aDef('image-segmentation', ['Airplane', 'Car']), dir);
    assert.deepEqual(await listFiles(join(dir, 'yolo', 'labels')), ['image2.txt']);
    const lines = (await readFile(join(dir, 'yolo', 'labels', 'image2.txt'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.split(' ').length, 1 + 2 * 37);
    assert.equal(sum.annotations, 1);
  });

  it('round-trips our own Label Studio export (annotations and predictions)', async () => {
    const dir = tmp();
    const box: Box = { label: 'cat', x: 10, y: 20, w: 30, h: 40 };
    const item = anItem('imgs/a.png', {
      width: 200,
      height: 100,
      state: 'labeled',
      final: { kind: 'boxes', boxes: [box] },
      all: [byLabeler('ann', { kind: 'boxes', boxes: [box] }), byLabeler('model', { kind: 'boxes', boxes: [{ ...box, x: 12 }] }, { prelabel: true, confidence: 0.75 })],
    });
    await exportLabels('labelstudio', [item], aDef('image-detection', ['cat']), dir, { allAnnotators: true, includePrelabels: true });
    const r = await importLabels('labelstudio', join(dir, 'labelstudio.json'), { target: 'boxes' });
    assert.deepEqual(
      r.records.map((x) => [x.ref, x.labeler, x.prelabel ?? false, x.confidence, x.annotation]),
      [
        ['imgs/a.png', 'ann', false, undefined, { kind: 'boxes', boxes: [box] }],
        ['imgs/a.png', 'model', true, 0.75, { kind: 'boxes', boxes: [{ ...box, x: 12 }] }],
      ],
    );
  });
});

describe('Label Studio import: shapes and spans checked against their items', () => {
  after(cleanupWorkspaces);
  const rect = (x: number, width: number) => ({ type: 'rectanglelabels', original_width: 100, original_height: 50, value: { x, y: 10, width, height: 20, rectanglelabels: ['car'] } });

  it('clips a rectangle 1 % past the edge, refuses one 5 % past it and one at 1e308 %', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    const tasks = [{ data: { image: 'img/a.png' }, annotations: [{ completed_by: 1, result: [rect(10, 20), rect(99, 2), rect(95, 10), rect(1e308, 10)] }] }];
    const plan = await runImport(ws, 'labelstudio', 'ls.json', JSON.stringify(tasks));
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 2, unreadable: 0 });
    assert.equal(plan.submits[0]!.annotation.kind === 'boxes' && plan.submits[0]!.annotation.boxes.length, 2);
    assertJournalWithin(ws, 100, 50);
    await ws.store.close();
  });

  it('refuses a span that ends past the item text, and imports the one inside', async () => {
    const ws = await workspace('text-ner', ['PER'], { 'txt/a.txt': 'hello world' }, 'txt/*.txt');
    const span = (start: number, end: number) => ({ type: 'labels', value: { start, end, labels: ['PER'] } });
    const tasks = [{ data: { text: 'hello world' }, annotations: [{ result: [span(6, 11), span(6, 40), span(1e308, 1e308)] }] }];
    const plan = await runImport(ws, 'labelstudio', 'ls.json', JSON.stringify(tasks));
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 0, refused: 2, unreadable: 0 });
    assert.deepEqual(plan.submits.map((s) => s.annotation), [{ kind: 'spans', spans: [{ start: 6, end: 11, label: 'PER' }] }]);
    assert.ok(plan.summary.problems.some((p) => /span 1 refused: span 6-40 ends past the text \(11 characters\)/.test(p.message)));
    assert.match(summaryLines(plan.summary, 1).join('\n'), /To import: 1 text, 1 span\.[^]*Labels: PER \(3\)\.[^]*Bounds: spans must lie within the text \(never clipped\); 2 spans refused\./);
    assert.doesNotMatch(journalText(ws), /"end":40|e\+308/);
    await ws.store.close();
  });
});
