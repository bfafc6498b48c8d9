import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import { exportLabels } from './export';
import { importLabels } from './import';
import { IMAGE_MLTABLE } from './jsonl-export';
import { cleanupWorkspaces } from '../store/test-support';
import { assertJournalWithin, journalText, png, runImport, workspace } from './bounds-test-support';
import { aDef, anItem, byLabeler, fixture, itemsFromRecords, listFiles, useTempDir } from './test-support';

const fridgeBoxes = fixture('azureml-examples', 'sdk', 'python', 'foundation-models', 'system', 'evaluation', 'image-object-detection', 'odFridgeObjects_coco.json');
const JOBS = ['azureml-examples', 'sdk', 'python', 'jobs', 'automl-standalone-jobs'];
const sentimentDir = fixture(...JOBS, 'automl-nlp-text-classification-multiclass-task-sentiment-analysis', 'training-mltable-folder');
const nerDir = fixture(...JOBS, 'automl-nlp-text-named-entity-recognition-task', 'training-mltable-folder');
const FRIDGE_LABELS = ['can', 'carton', 'milk_bottle', 'water_bottle'];

describe('Azure MLTable / JSONL', () => {
  const tmp = useTempDir();

  it('exports the fridge boxes as Azure JSONL matching the worked example (annotation 1) and its MLTable', async () => {
    const dir = tmp();
    const src = await importLabels('coco', fridgeBoxes, { target: 'boxes' });
    const items = itemsFromRecords(src.records).map((i) => ({ ...i, key: `images/${i.key}`, ref: { path: `images/${i.ref.path}` } }));
    await exportLabels('mltable', items, aDef('image-detection', FRIDGE_LABELS), dir, { urlPrefix: 'azureml://datastores/ds/paths/fridge/' });
    assert.deepEqual(await listFiles(dir), ['.labeling-export/mltable.sha256', 'mltable/MLTable', 'mltable/labels.jsonl']);
    assert.equal(await readFile(join(dir, 'mltable', 'MLTable'), 'utf8'), IMAGE_MLTABLE);
    const first = JSON.parse((await readFile(join(dir, 'mltable', 'labels.jsonl'), 'utf8')).split('\n')[0]!);
    assert.deepEqual(first, {
      image_url: 'azureml://datastores/ds/paths/fridge/images/1.jpg',
      image_details: { format: 'jpg', width: 499, height: 666 },
      label: [{ label: 'carton', topX: 0.20040080160320642, topY: 0.25975975975975973, bottomX: 0.46693386773547096, bottomY: 0.7822822822822822, isCrowd: 0 }],
    });
    const back = await importLabels('mltable', join(dir, 'mltable'), { target: 'boxes' });
    assert.equal(back.records.length, 128);
    const b = back.records[0]!.annotation;
    assert.equal(b.kind, 'boxes');
    if (b.kind === 'boxes') assert.deepEqual([b.boxes[0]!.x, b.boxes[0]!.y].map(Math.round), [100, 173]);
  });

  it('reads classification labels, polygon ratios and label_confidence; unknown sizes are problems', async () => {
    const dir = tmp();
    const f = join(dir, 'l.jsonl');
    await writeFile(f, [
      JSON.stringify({ image_url: 'a.jpg', label: ['cat', 'dog'], label_confidence: [0.5, 1] }),
      JSON.stringify({ image_url: 'b.jpg', image_details: { width: 10, height: 20 }, label: [{ label: 'cat', isCrowd: 0, polygon: [[0.1, 0.5, 0.5, 0.5, 0.5, 1]] }] }),
      JSON.stringify({ image_url: 'c.jpg', label: [{ label: 'cat', topX: 0, topY: 0, bottomX: 1, bottomY: 1 }] }),
    ].join('\n'));
    const r = await importLabels('azure-jsonl', f, { target: 'polygons' });
    assert.equal(r.records.length, 2);
    assert.deepEqual(r.records[0]!.annotation, { kind: 'polygons', polygons: [] });
    const cls = await importLabels('azure-jsonl', f, { target: 'classes' });
    assert.deepEqual(cls.records[0]!.annotation, { kind: 'classes', labels: ['cat', 'dog'] });
    assert.equal(cls.records[0]!.confidence, 0.75);
    assert.deepEqual(r.records[1]!.annotation, { kind: 'polygons', polygons: [{ label: 'cat', rings: [[1, 10, 5, 10, 5, 20]] }] });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.where, /line 3/);
  });

  it('names the line of a malformed JSONL line', async () => {
    const dir = tmp();
    const f = join(dir, 'l.jsonl');
    await writeFile(f, '{"image_url":"a.jpg","label":"x"}\n{"image_url": \n');
    await assert.rejects(importLabels('azure-jsonl', f, { target: 'classes' }), (e: unknown) => e instanceof LabelingError && e.where.line === 2);
  });

  it('reads the real sentiment MLTable (read_delimited CSV): 499 rows, 280 x "1", 219 x "0"', async () => {
    const r = await importLabels('mltable', sentimentDir, { target: 'classes' });
    assert.equal(r.records.length, 499);
    const ones = r.records.filter((x) => x.annotation.kind === 'classes' && x.annotation.labels[0] === '1').length;
    assert.deepEqual([ones, r.records.length - ones], [280, 219]);
    assert.equal(r.records[0]!.ref, 'Wow... Loved this place.');
  });

  it('reads the real NER MLTable (CoNLL) and writes the same MLTable form for NER', async () => {
    const dir = tmp();
    const r = await importLabels('mltable', nerDir, { target: 'spans' });
    assert.equal(r.records.length, 722);
    await exportLabels('mltable', itemsFromRecords(r.records.slice(0, 3), 'text'), aDef('text-ner', ['LOC', 'PER', 'ORG', 'MISC']), dir);
    assert.equal(await readFile(join(dir, 'mltable', 'MLTable'), 'utf8'), (await readFile(join(nerDir, 'MLTable'), 'utf8')).replace('train.txt', 'labels.txt'));
    assert.match(await readFile(join(dir, 'mltable', 'labels.txt'), 'utf8'), /^EU B-ORG\nrejects O\n/);
  });

  it('writes text classification as CSV + read_delimited MLTable (multi-label as a Python list)', async () => {
    const dir = tmp();
    const item = anItem('t.csv', { ref: { path: 't.csv', row: '1' }, media: 'text', text: "it's, \"good\"", state: 'labeled', final: { kind: 'classes', labels: ['pos', "o'k"] } });
    await exportLabels('mltable', [item], aDef('text-multilabel', ['pos', "o'k"]), dir);
    assert.equal(await readFile(join(dir, 'mltable', 'labels.csv'), 'utf8'), 'text,label\n"it\'s, ""good""","[\'pos\',\'o\\\'k\']"\n');
    const back = await importLabels('mltable', join(dir, 'mltable'), { target: 'classes' });
    assert.equal(back.records[0]!.ref, "it's, \"good\"");
    assert.deepEqual(back.records[0]!.annotation, { kind: 'classes', labels: ['pos', "o'k"] });
  });
});

describe('CSV', () => {
  const tmp = useTempDir();

  it('round-trips detection rows (shapes JSON) and multi-label rows (JSON array strings)', async () => {
    const dir = tmp();
    const det = anItem('a.jpg', {
      state: 'labeled',
      final: { kind: 'boxes', boxes: [{ label: 'x', x: 1.5, y: 2, w: 3, h: 4 }] },
      finalBy: ['ann', 'bob'],
      agreement: 0.5,
    });
    await exportLabels('csv', [det], aDef('image-detection', ['x']), join(dir, 'd'));
    assert.equal(
      await readFile(join(dir, 'd', 'labels.csv'), 'utf8'),
      'item,label,shapes,labelers,agreement,confidence,prelabel\na.jpg,"[""x""]","[{""label"":""x"",""x"":1.5,""y"":2,""w"":3,""h"":4}]",ann;bob,0.5,,false\n',
    );
    const d = await importLabels('csv', join(dir, 'd', 'labels.csv'), { target: 'boxes' });
    assert.deepEqual(d.records, [{ ref: 'a.jpg', labeler: 'ann', annotation: det.final }]);

    const ml = anItem('b.jpg', { state: 'labeled', final: { kind: 'classes', labels: ['p', 'q'] }, all: [byLabeler('m', { kind: 'classes', labels: ['p'] }, { prelabel: true, confidence: 0.9 })] });
    await exportLabels('csv', [ml], aDef('image-multilabel', ['p', 'q']), join(dir, 'm'), { allAnnotators: true, includePrelabels: true });
    const m = await importLabels('csv', join(dir, 'm', 'labels.csv'), { target: 'classes' });
    assert.deepEqual(m.records, [{ ref: 'b.jpg', labeler: 'm', confidence: 0.9, prelabel: true, annotation: { kind: 'classes', labels: ['p'] } }]);
  });

  it('fails with the line of a bad shapes cell', async () => {
    const dir = tmp();
    const f = join(dir, 'x.csv');
    await writeFile(f, 'item,shapes\na.jpg,"[]"\nb.jpg,"[{""label"":""x"",""x"":1}]"\n');
    await assert.rejects(importLabels('csv', f, { target: 'boxes' }), (e: unknown) => e instanceof LabelingError && e.where.line === 3 && e.where.field === 'shapes[0].y');
  });
});

describe('Azure JSONL and CSV import: shapes checked against their images', () => {
  after(cleanupWorkspaces);

  it('Azure JSONL: clips bottomX 1.01, refuses bottomX 1e308 and a polygon at 1.5', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50) }, 'img/*.png');
    const box = (x0: number, x1: number) => ({ label: 'car', topX: x0, topY: 0.1, bottomX: x1, bottomY: 0.5 });
    const line = { image_url: 'img/a.png', image_details: { width: 100, height: 50 }, label: [box(0.1, 0.3), box(0.98, 1.01), box(0.1, 1e308), { label: 'car', polygon: [[0.1, 0.1, 0.5, 0.1, 0.5, 1.5]] }] };
    const plan = await runImport(ws, 'azure-jsonl', 'a.jsonl', `${JSON.stringify(line)}\n`);
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 2, unreadable: 0 });
    assertJournalWithin(ws, 100, 50);
    await ws.store.close();
  });

  it('CSV shapes: clips x -1, refuses x 1e308; a "NaN" cell refuses the file with its line', async () => {
    const ws = await workspace('image-detection', ['car'], { 'img/a.png': png(100, 50), 'img/b.png': png(100, 50) }, 'img/*.png');
    const cell = (boxes: unknown[]): string => `"${JSON.stringify(boxes).replace(/"/g, '""')}"`;
    const csv = ['item,shapes', `img/a.png,${cell([{ label: 'car', x: -1, y: 0, w: 10, h: 10 }, { label: 'car', x: 1e308, y: 0, w: 10, h: 10 }])}`, `img/b.png,${cell([{ label: 'car', x: 1, y: 1, w: 10, h: 10 }])}`].join('\n');
    const plan = await runImport(ws, 'csv', 'a.csv', csv);
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 1, refused: 1, unreadable: 0 });
    assert.deepEqual(plan.submits.map((s) => s.annotation), [
      { kind: 'boxes', boxes: [{ label: 'car', x: 0, y: 0, w: 9, h: 10 }] },
      { kind: 'boxes', boxes: [{ label: 'car', x: 1, y: 1, w: 10, h: 10 }] },
    ]);
    assertJournalWithin(ws, 100, 50);
    const before = journalText(ws);
    await assert.rejects(runImport(ws, 'csv', 'b.csv', `item,shapes\nimg/a.png,${cell([{ label: 'car', x: 'NaN', y: 0, w: 1, h: 1 }])}`), (e: unknown) => e instanceof LabelingError && e.where.line === 2);
    assert.equal(journalText(ws), before);
    await ws.store.close();
  });
});
