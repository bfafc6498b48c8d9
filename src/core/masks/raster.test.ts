import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { checkClassIndices, checkMaskAnnotation, checkRaster, IGNORE, presentClassNames, presentIndices } from './raster';

const LABELS = ['road', 'car'];
const raster = (width: number, height: number, ...px: number[]) => ({ width, height, data: Uint8Array.from(px) });

describe('masks: class-index rasters', () => {
  it('refuses sizes that are not positive integers, too many pixels, data of the wrong length', () => {
    assert.throws(() => checkRaster(raster(0, 1)), /at least 1 x 1 pixel with integer sides, not 0 x 1/);
    assert.throws(() => checkRaster(raster(1.5, 2, 0, 0, 0)), /not 1.5 x 2/);
    assert.throws(() => checkRaster({ width: 10_000, height: 10_000, data: new Uint8Array(0) }), /100000000 pixels, over the limit of 50000000/);
    assert.throws(() => checkRaster(raster(2, 2, 0, 0, 0), { file: 'm.png' }), (e: unknown) => e instanceof LabelingError && e.message === 'm.png: a 2 x 2 mask needs 4 class indices, it has 3 bytes');
    checkRaster(raster(2, 1, 0, 0));
  });

  it('class indices: 0, 1..N and 255 only when the project has an ignore class; the first bad pixel is named', () => {
    checkClassIndices(raster(3, 1, 0, 1, 2), 2, false);
    checkClassIndices(raster(3, 1, 0, 2, IGNORE), 2, true);
    assert.throws(() => checkClassIndices(raster(3, 2, 0, 1, 2, 0, 3, 0), 2, true), /pixel \(1, 1\) has class index 3; a mask of 2 classes takes 0 \(unlabeled\), 1..2 or 255 \(ignore\)/);
    assert.throws(() => checkClassIndices(raster(2, 1, 0, IGNORE), 2, false), /pixel \(1, 0\) has class index 255; a mask of 2 classes takes 0 \(unlabeled\), 1..2$/);
    assert.throws(() => checkClassIndices(raster(1, 1, 0), 255, true), /at most 254 classes/);
  });

  it('finds every index present whatever its place: inside a word of four pixels, in the tail, at an unaligned offset', () => {
    const n = 4 * 1000 + 3;
    for (const at of [0, 1, 2, 3, 4 * 500 + 1, 4 * 500 + 2, n - 4, n - 3, n - 1]) {
      const d = new Uint8Array(n).fill(1);
      d[at] = 7;
      assert.deepEqual(presentIndices({ width: n, height: 1, data: d }), [1, 7], `index at ${at}`);
    }
    // A view at byte offset 1 (not word-aligned), and one at 4 whose words are read from the shared buffer.
    const buf = new Uint8Array(4 * 64 + 1).fill(2);
    buf[0] = 9;
    buf[4 * 64] = 5;
    assert.deepEqual(presentIndices({ width: 4 * 64, height: 1, data: buf.subarray(1) }), [2, 5]);
    assert.deepEqual(presentIndices({ width: 4 * 63, height: 1, data: buf.subarray(4, 4 * 64) }), [2]);
    // Runs of equal words broken by one pixel, again and again.
    const runs = new Uint8Array(4096);
    for (let k = 0; k < runs.length; k += 37) runs[k] = 1 + (k % 3);
    assert.deepEqual(presentIndices({ width: 4096, height: 1, data: runs }), [0, 1, 2, 3]);
    assert.throws(() => checkClassIndices({ width: 4096, height: 1, data: Uint8Array.from(runs, (v, k) => (k === 3034 ? 4 : v)) }, 3, false), /pixel \(3034, 0\) has class index 4/);
  });

  it('names the classes present in index order, unlabeled left out', () => {
    const r = raster(4, 1, IGNORE, 2, 0, 2);
    assert.deepEqual(presentIndices(r), [0, 2, IGNORE]);
    assert.deepEqual(presentClassNames(r, LABELS, 'void'), ['car', 'void']);
    assert.throws(() => presentClassNames(r, LABELS), /class index 255 is present but the project has 2 classes and no ignore class/);
  });

  it('checks a mask annotation read from a journal, naming the field', () => {
    const ok = { kind: 'mask', width: 4, height: 3, blob: 'ab'.repeat(32), classes: ['car', 'void'] };
    assert.deepEqual(checkMaskAnnotation(ok, LABELS, 'void'), ok);
    const fails = (v: unknown, field: string, message: RegExp) =>
      assert.throws(() => checkMaskAnnotation(v, LABELS, undefined, { file: 'j.jsonl', line: 7, field: 'ann' }), (e: unknown) => e instanceof LabelingError && e.where.field === field && e.where.line === 7 && message.test(e.message));
    fails({ ...ok, kind: 'boxes' }, 'ann', /a mask annotation is \{kind: "mask"/);
    fails({ ...ok, width: -1 }, 'ann.width', /not -1 x 3/);
    fails({ ...ok, blob: '../x' }, 'ann.blob', /64 lowercase hex digits/);
    fails({ ...ok, classes: 'car' }, 'ann.classes', /a list of the class names/);
    fails(ok, 'ann.classes[1]', /"void" is not a class of this project \(road, car\)/);
    fails({ ...ok, classes: ['car', 'car'] }, 'ann.classes[1]', /listed twice/);
  });
});
