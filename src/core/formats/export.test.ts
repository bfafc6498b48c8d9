import { strict as assert } from 'node:assert';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import { PROJECT_TYPES, type ExportItem } from '../model';
import { exportLabels } from './export';
import { aDef, anItem, byLabeler, listFiles, useTempDir } from './test-support';
import { EXPORT_FORMATS, formatsFor } from './types';

function detectionItems(n: number): ExportItem[] {
  return Array.from({ length: n }, (_, i) =>
    anItem(`img/${String(i).padStart(5, '0')}.jpg`, {
      width: 640,
      height: 480,
      state: 'labeled',
      final: { kind: 'boxes', boxes: [{ label: i % 2 ? 'cat' : 'dog', x: i % 600, y: 10.25, w: 33.5, h: 20 }] },
      finalBy: ['ann'],
      all: [byLabeler('ann', { kind: 'boxes', boxes: [] })],
    }),
  );
}

describe('exportLabels', () => {
  const tmp = useTempDir();
  const det = aDef('image-detection', ['dog', 'cat']);

  it('is deterministic: every image format gives byte-identical files on re-export', async () => {
    const dir = tmp();
    const items = detectionItems(50);
    for (const format of formatsFor('image-detection').export) {
      await exportLabels(format, items, det, join(dir, 'a', format));
      await exportLabels(format, items, det, join(dir, 'b', format));
      const files = await listFiles(join(dir, 'a', format));
      assert.ok(files.length > 0, format);
      assert.deepEqual(await listFiles(join(dir, 'b', format)), files);
      for (const f of files) {
        assert.equal(await readFile(join(dir, 'b', format, f), 'utf8'), await readFile(join(dir, 'a', format, f), 'utf8'), `${format}/${f}`);
      }
    }
  });

  it('leaves out and counts missing, unlabeled and size-less items', async () => {
    const dir = tmp();
    const items = [
      ...detectionItems(3),
      anItem('gone.jpg', { state: 'missing', final: { kind: 'boxes', boxes: [] } }),
      anItem('todo.jpg', { state: 'unlabeled' }),
      anItem('nosize.jpg', { state: 'labeled', final: { kind: 'boxes', boxes: [{ label: 'dog', x: 1, y: 1, w: 1, h: 1 }] } }),
    ];
    const sum = await exportLabels('yolo', items, det, dir);
    assert.deepEqual({ ...sum, files: undefined }, {
      format: 'yolo', files: undefined, items: 3, annotations: 3, skippedMissing: 1, skippedUnlabeled: 1, skippedNoSize: 1,
    });
    const csv = await exportLabels('csv', items, det, join(dir, 'csv'));
    assert.equal(csv.items, 4);
    assert.equal(csv.skippedNoSize, 0);
  });

  it('writes prelabels only when asked, and every labeler with allAnnotators', async () => {
    const dir = tmp();
    const item = anItem('a.jpg', {
      state: 'unlabeled',
      all: [byLabeler('model', { kind: 'boxes', boxes: [{ label: 'cat', x: 0, y: 0, w: 1, h: 1 }] }, { prelabel: true, confidence: 0.8 })],
    });
    assert.equal((await exportLabels('jsonl', [item], det, join(dir, '1'))).items, 0);
    const withPre = await exportLabels('jsonl', [item], det, join(dir, '2'), { includePrelabels: true });
    assert.equal(withPre.items, 1);
    const line = JSON.parse(await readFile(join(dir, '2', 'labels.jsonl'), 'utf8'));
    assert.equal(line.key, 'a.jpg');
    assert.equal(line.all[0].prelabel, true);
    const coco = await exportLabels('coco', detectionItems(1).map((i) => ({ ...i, all: [byLabeler('x', i.final!), byLabeler('y', i.final!)] })), det, join(dir, '3'), { allAnnotators: true });
    assert.equal(coco.annotations, 2);
    const doc = JSON.parse(await readFile(join(dir, '3', 'coco.json'), 'utf8'));
    assert.deepEqual(doc.annotations.map((a: { labeler: string }) => a.labeler), ['x', 'y']);
  });

  it('leaves no partial file behind when aborted or when an item is invalid', async () => {
    const dir = tmp();
    const ctrl = new AbortController();
    async function* slow(): AsyncIterable<ExportItem> {
      const items = detectionItems(3000);
      for (let i = 0; i < items.length; i++) {
        if (i === 1500) ctrl.abort();
        yield items[i]!;
      }
    }
    const progress: number[] = [];
    await assert.rejects(exportLabels('coco', slow(), det, dir, {}, ctrl.signal, (n) => progress.push(n)), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    assert.deepEqual(progress, [1000]);
    assert.deepEqual(await readdir(dir), []);
    const text = anItem('t.txt', { media: 'text', state: 'labeled', final: { kind: 'boxes', boxes: [] } });
    await assert.rejects(exportLabels('csv', [...detectionItems(2), text], det, dir), (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input');
    assert.deepEqual(await readdir(dir), []);
  });

  it('refuses a format the project type does not support', async () => {
    await assert.rejects(exportLabels('conll', [], det, tmp()), (e: unknown) => e instanceof LabelingError && /cannot be exported as conll/.test(e.message));
  });
});

describe('formatsFor', () => {
  it('offers CoNLL only to NER and image formats only to image projects; every type has CSV, JSONL and MLTable', () => {
    for (const type of PROJECT_TYPES) {
      const f = formatsFor(type);
      assert.equal(f.export.includes('conll'), type === 'text-ner', type);
      assert.equal(f.export.includes('coco'), type === 'image-detection' || type === 'image-segmentation' || type === 'image-semantic-segmentation', type);
      for (const base of ['csv', 'jsonl', 'mltable'] as const) assert.ok(f.export.includes(base), `${type} ${base}`);
      assert.ok(f.export.every((x) => (EXPORT_FORMATS as readonly string[]).includes(x)));
      assert.ok(f.import.length > 0);
    }
  });
});
