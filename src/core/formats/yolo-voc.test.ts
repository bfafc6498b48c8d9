import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import type { Annotation, Box } from '../model';
import { exportLabels } from './export';
import { importLabels } from './import';
import { cleanupWorkspaces } from '../store/test-support';
import { assertJournalWithin, journalText, png, runImport, workspace } from './bounds-test-support';
import { aDef, anItem, fixture, listFiles, useTempDir } from './test-support';

const yoloDir = fixture('label-studio-sdk', 'tests', 'custom', 'converter', 'data', 'test_import_yolo_data_unif_dims');
const vocDatumaro = fixture('datumaro', 'tests', 'assets', 'voc_dataset', 'voc_dataset1', 'Annotations', '2007_000001.xml');
const vocMmdet = fixture('mmdetection', 'tests', 'data', 'VOCdevkit', 'VOC2012', 'Annotations', '000001.xml');
const boxesOf = (a: Annotation): Box[] => (a.kind === 'boxes' ? a.boxes : []);

describe('YOLO import', () => {
  const tmp = useTempDir();

  it('reads classes.txt and labels/, measuring the image: img_1 line 1 is the bus at (10, 9, 617, 286) on 640x329', async () => {
    const r = await importLabels('yolo', yoloDir, { target: 'boxes' });
    assert.equal(r.records.length, 1);
    const rec = r.records[0]!;
    assert.equal(rec.ref, 'images/img_1.jpg');
    assert.deepEqual([rec.width, rec.height], [640, 329]);
    const boxes = boxesOf(rec.annotation);
    assert.equal(boxes.length, 4);
    const bus = boxes[0]!;
    assert.equal(bus.label, 'bus');
    assert.deepEqual([bus.x, bus.y, bus.w, bus.h].map((v) => Math.round(v)), [10, 9, 617, 286]);
    assert.deepEqual(r.labelsSeen, ['bus', 'number', 'closed_door']);
  });

  it('prefers the size lookup and refuses a class index outside classes.txt with file and line', async () => {
    const dir = tmp();
    await cp(yoloDir, dir, { recursive: true });
    const r = await importLabels('yolo', dir, { target: 'boxes', sizeOf: () => ({ width: 100, height: 100 }) });
    assert.equal(r.records[0]!.width, 100);
    await writeFile(join(dir, 'labels', 'img_1.txt'), '0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n');
    await assert.rejects(importLabels('yolo', dir, { target: 'boxes' }), (e: unknown) => {
      assert.ok(e instanceof LabelingError);
      assert.equal(e.where.line, 2);
      assert.match(e.message, /img_1\.txt:2: class 7 is not in classes\.txt/);
      return true;
    });
  });

  it('round-trips our YOLO export (boxes and seg polygons)', async () => {
    const dir = tmp();
    const item = anItem('pics/a.jpg', {
      width: 200,
      height: 100,
      state: 'labeled',
      final: { kind: 'boxes', boxes: [{ label: 'b', x: 20, y: 10, w: 50, h: 40 }] },
    });
    await exportLabels('yolo', [item], aDef('image-detection', ['a', 'b']), dir);
    assert.equal(await readFile(join(dir, 'yolo', 'labels', 'pics', 'a.txt'), 'utf8'), '1 0.225 0.3 0.25 0.4\n');
    const r = await importLabels('yolo', join(dir, 'yolo'), { target: 'boxes', sizeOf: () => ({ width: 200, height: 100 }) });
    assert.equal(r.records[0]!.ref, 'pics/a');
    const b = boxesOf(r.records[0]!.annotation)[0]!;
    assert.deepEqual([b.label, b.x, b.y, b.w, b.h].map((v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)), ['b', 20, 10, 50, 40]);
  });
});

describe('Pascal VOC', () => {
  const tmp = useTempDir();

  it('reads datumaro edge cases: XML declaration, missing optional tags, parts ignored', async () => {
    const r = await importLabels('voc', vocDatumaro, { target: 'boxes' });
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]!.ref, '2007_000001.jpg');
    assert.deepEqual([r.records[0]!.width, r.records[0]!.height], [20, 10]);
    assert.deepEqual(r.records[0]!.annotation, {
      kind: 'boxes',
      boxes: [
        { label: 'cat', x: 1, y: 2, w: 2, h: 2 },
        { label: 'person', x: 4, y: 5, w: 2, h: 2 },
      ],
    });
  });

  it('trusts <filename> over the XML file name (mmdetection 000001.xml is 000002.jpg)', async () => {
    const r = await importLabels('voc', vocMmdet, { target: 'boxes' });
    assert.equal(r.records[0]!.ref, '000002.jpg');
    assert.deepEqual(r.records[0]!.annotation, { kind: 'boxes', boxes: [{ label: 'train', x: 139, y: 200, w: 68, h: 101 }] });
  });

  it('reads a folder recursively and reads decimal coordinates', async () => {
    const dir = tmp();
    await mkdir(join(dir, 'sub'));
    await cp(vocMmdet, join(dir, 'sub', 'x.xml'));
    await writeFile(join(dir, 'y.xml'), '<annotation><filename>y.png</filename><object><name>dog</name><bndbox><xmin>5.5</xmin><ymin>6</ymin><xmax>7.5</xmax><ymax>8</ymax></bndbox></object></annotation>');
    const r = await importLabels('voc', dir, { target: 'boxes' });
    assert.deepEqual(r.records.map((x) => x.ref), ['000002.jpg', 'y.png']);
    assert.deepEqual(boxesOf(r.records[1]!.annotation), [{ label: 'dog', x: 5.5, y: 6, w: 2, h: 2 }]);
  });

  it('fails cleanly when a box lacks a coordinate', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.xml');
    await writeFile(f, '<annotation><filename>a.jpg</filename><object><name>x</name><bndbox><xmin>1</xmin></bndbox></object></annotation>');
    await assert.rejects(importLabels('voc', f, { target: 'boxes' }), (e: unknown) => e instanceof LabelingError && e.where.field === 'annotation.object[0].bndbox');
  });

  it('exports one XML per image (polygons as bounding boxes) that imports back', async () => {
    const dir = tmp();
    const item = anItem('imgs/p.jpg', {
      width: 50,
      height: 40,
      state: 'labeled',
      final: { kind: 'polygons', polygons: [{ label: 'leaf & stem', rings: [[1, 2, 11, 2, 6, 22], [30, 30, 35, 30, 35, 38]] }] },
    });
    const sum = await exportLabels('voc', [item], aDef('image-segmentation', ['leaf & stem']), dir);
    assert.deepEqual(await listFiles(dir), ['.labeling-export/voc.sha256', 'voc/Annotations/imgs/p.xml']);
    assert.equal(sum.annotations, 1);
    const r = await importLabels('voc', join(dir, 'voc', 'Annotations'), { target: 'boxes' });
    assert.deepEqual(r.records.map((x) => [x.ref, x.width, x.annotation]), [
      ['p.jpg', 50, { kind: 'boxes', boxes: [{ label: 'leaf & stem', x: 1, y: 2, w: 34, h: 36 }] }],
    ]);
  });
});

describe('YOLO and VOC import: shapes checked against their images', () => {
  after(cleanupWorkspaces);

  it('YOLO: clips a box 1 px past the edge, refuses 1e308 and a polygon far outside', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    const plan = await runImport(ws, 'yolo', 'yolo', {
      'classes.txt': 'car\n',
      'labels/a.txt': ['0 0.5 0.5 0.2 0.2', '0 0.9 0.5 0.22 0.2', '0 1e308 0.5 0.1 0.1', '0 0.1 0.1 0.5 0.1 0.5 1.5'].join('\n'),
    });
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 2, unreadable: 0 });
    const boxes = boxesOf(plan.submits[0]!.annotation);
    assert.equal(boxes.length, 2);
    assert.ok(Math.abs(boxes[1]!.x + boxes[1]!.w - 100) < 1e-9, 'clipped to the right edge');
    assertJournalWithin(ws, 100, 50);
    await ws.store.close();
  });

  it('YOLO: a NaN value refuses the file with its line; nothing is journaled', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    await assert.rejects(
      runImport(ws, 'yolo', 'yolo', { 'classes.txt': 'car\n', 'labels/a.txt': '0 0.5 0.5 0.2 0.2\n0 NaN 0.5 0.1 0.1\n' }),
      (e: unknown) => e instanceof LabelingError && e.where.line === 2,
    );
    assert.equal(journalText(ws), '');
    await ws.store.close();
  });

  it('VOC: clips xmax 1 px past the width, refuses 1e308 and a box beyond the tolerance', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    const obj = (x0: number | string, y0: number, x1: number | string, y1: number): string =>
      `<object><name>car</name><bndbox><xmin>${x0}</xmin><ymin>${y0}</ymin><xmax>${x1}</xmax><ymax>${y1}</ymax></bndbox></object>`;
    const xml = `<annotation><filename>a.png</filename><size><width>100</width><height>50</height></size>${obj(10, 10, 20, 20)}${obj(50, 10, 101, 20)}${obj(1, 1, '1e308', 20)}${obj(1, 1, 20, 60)}</annotation>`;
    const plan = await runImport(ws, 'voc', 'voc', { 'a.xml': xml });
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 2, unreadable: 0 });
    assert.deepEqual(boxesOf(plan.submits[0]!.annotation), [{ label: 'car', x: 10, y: 10, w: 10, h: 10 }, { label: 'car', x: 50, y: 10, w: 50, h: 10 }]);
    assertJournalWithin(ws, 100, 50);
    await ws.store.close();
  });
});
