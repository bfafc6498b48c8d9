import { strict as assert } from 'node:assert';
import type { Annotation } from '../model';
import { itemIndexOf, mapImport } from './map-import';
import { summaryLines } from './summary-import';
import { aDef } from './test-support';
import type { ImportRecord } from './types';

const boxes = (...labels: string[]): Annotation => ({ kind: 'boxes', boxes: labels.map((label) => ({ label, x: 1, y: 2, w: 3, h: 4 })) });
const rec = (ref: string, annotation: Annotation = boxes('cat'), over: Partial<ImportRecord> = {}): ImportRecord => ({ ref, annotation, ...over });

const index = itemIndexOf([
  { ref: { path: 'data/fridge/1.jpg' } },
  { ref: { path: 'data/fridge/2.jpg' } },
  { ref: { path: 'a/dup.jpg' } },
  { ref: { path: 'b/dup.jpg' } },
  { ref: { path: 'other/img_1.png' } },
]);
const def = aDef('image-detection', ['cat', 'dog']);

describe('mapImport', () => {
  it('strips azureml:// prefixes, matches relative paths, then unique basenames, then stems', () => {
    const r = mapImport(
      [
        rec('azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/d/paths/data/fridge/1.jpg'),
        rec('2.jpg'),
        rec('img_1'),
        rec('https://host/store/data/fridge/1.jpg?sig=x'),
      ],
      { itemIndex: index, def, createLabels: false, labeler: 'me' },
    );
    assert.deepEqual(r.submits.map((s) => s.ref.path), ['data/fridge/1.jpg', 'data/fridge/2.jpg', 'other/img_1.png', 'data/fridge/1.jpg']);
    assert.ok(r.submits.every((s) => s.labeler === 'me'));
    assert.equal(r.summary.matched, 4);
    assert.deepEqual(r.summary.shapesByType, { classes: 0, spans: 0, boxes: 4, polygons: 0, masks: 0 });
  });

  it('refuses refs escaping the workspace and ambiguous basenames, with problems and examples', () => {
    const r = mapImport([rec('../secret/1.jpg'), rec('/etc/1.jpg'), rec('C:\\x\\1.jpg'), rec('dup.jpg'), rec('nowhere.jpg')], { itemIndex: index, def, createLabels: false });
    assert.equal(r.submits.length, 0);
    assert.equal(r.summary.unmatched, 5);
    assert.deepEqual(r.summary.unmatchedExamples, ['../secret/1.jpg', '/etc/1.jpg', 'C:\\x\\1.jpg', 'dup.jpg', 'nowhere.jpg']);
    assert.deepEqual(r.summary.problems.map((p) => p.message.split(' ')[0]), ['path', 'absolute', 'absolute', '2']);
    const stripped = mapImport([rec('/data/upload/3/1.jpg')], { itemIndex: index, def, createLabels: false, stripPrefix: '/data/upload/3/' });
    assert.deepEqual(stripped.submits.map((s) => s.ref.path), ['data/fridge/1.jpg']);
  });

  it('maps, creates or skips labels and counts what it skipped', () => {
    const records = [rec('1.jpg', boxes('Cat', 'bird')), rec('2.jpg', boxes('bird'))];
    const skip = mapImport(records, { itemIndex: index, def, createLabels: false, labelMap: { Cat: 'cat' } });
    assert.deepEqual(skip.submits.map((s) => s.annotation), [boxes('cat')]);
    assert.deepEqual(skip.summary.labelsSkipped, { bird: 2 });
    assert.equal(skip.summary.problems.length, 1);
    const create = mapImport(records, { itemIndex: index, def, createLabels: true, labelMap: { Cat: 'cat' } });
    assert.deepEqual(create.summary.labelsCreated, ['bird']);
    assert.deepEqual(create.submits.map((s) => s.annotation), [boxes('cat', 'bird'), boxes('bird')]);
  });

  it('matches text records by item text first and carries prelabel flags and confidence', () => {
    const textIndex = itemIndexOf([{ ref: { path: 't.csv', row: '1' }, text: 'hello world' }, { ref: { path: 'notes/a.txt' }, text: 'other' }]);
    const cls: Annotation = { kind: 'classes', labels: ['pos'] };
    const r = mapImport([rec('hello world', cls, { confidence: 0.4 }), rec('notes/a.txt', cls, { prelabel: true })], {
      itemIndex: textIndex,
      def: aDef('text-classification', ['pos', 'neg']),
      createLabels: false,
    });
    assert.deepEqual(r.submits, [
      { ref: { path: 't.csv', row: '1' }, annotation: cls, confidence: 0.4 },
      { ref: { path: 'notes/a.txt' }, annotation: cls, prelabel: true },
    ]);
  });
});

describe('import summary', () => {
  it('repeats the category mapping chosen and counts items and objects apart', () => {
    const records = [rec('1.jpg', boxes('Cat', 'bird', 'dog')), rec('1.jpg', boxes('Cat'), { labeler: 'x' }), rec('2.jpg', boxes('bird', 'fox'))];
    const r = mapImport(records, { itemIndex: index, def, createLabels: false, labelMap: { Cat: 'cat', fox: 'dog' } });
    assert.deepEqual(r.summary.categories, [
      { source: 'Cat', label: 'cat', objects: 2 },
      { source: 'bird', objects: 2 },
      { source: 'dog', label: 'dog', objects: 1 },
      { source: 'fox', label: 'dog', objects: 1 },
    ]);
    assert.deepEqual([r.summary.items, r.submits.length, r.summary.shapesByType.boxes], [2, 3, 4]);
    assert.deepEqual(summaryLines(r.summary, r.submits.length), [
      '3 records: 3 matched an item, 0 did not.',
      'To import: 2 images, 4 boxes (3 annotations: some items have several labelers).',
      'Labels: Cat → cat (2), bird: skipped (2), dog (1), fox → dog (1).',
    ]);
    const created = mapImport(records, { itemIndex: index, def, createLabels: true });
    assert.match(summaryLines(created.summary, created.submits.length)[2]!, /^Labels: Cat \(new, 2\), bird \(new, 2\), dog \(1\), fox \(new, 1\)\.$/);
  });

  it('drops an item whose every shape is refused by the bounds check and counts each one', () => {
    const r = mapImport([rec('1.jpg', { kind: 'boxes', boxes: [{ label: 'cat', x: 1e308, y: 0, w: 1, h: 1 }] }), rec('2.jpg')], {
      itemIndex: index,
      def,
      createLabels: false,
      boundsOf: (ref) => ({ media: 'image', size: ref.path.endsWith('2.jpg') ? { width: 10, height: 10 } : { width: 5, height: 5 }, what: ref.path }),
    });
    assert.deepEqual(r.submits.map((s) => s.ref.path), ['data/fridge/2.jpg']);
    assert.deepEqual(r.summary.bounds, { checked: true, clipped: 0, refused: 1, unreadable: 0 });
    assert.deepEqual(r.summary.problems.map((p) => p.message), ['box 0 refused: box (x 1e+308, y 0, w 1, h 1) reaches outside the 5×5 image', 'every object was refused: nothing imported for this item']);
  });
});
