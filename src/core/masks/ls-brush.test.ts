import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { brushResultsToRaster, decodeLsRle, encodeLsRle, lsRleToMask, maskToLsRle, rasterToBrushResults } from './ls-brush';
import { IGNORE } from './raster';
import { syntheticMask } from './test-support';

const LABELS = ['road', 'car', 'tree', 'sky', 'person'];

describe('masks: Label Studio brush RLE', () => {
  // Worked by hand from brush.py: a 3 x 1 mask [set, clear, clear] is RGBA 255 x4 then 0 x8 (12 values).
  //   32 bits  12                                  00000000 00000000 00000000 00001100
  //   5 bits   word size 8 - 1                     00111
  //   4 x 4    field widths 3,4,8,16 minus 1       0010 0011 0111 1111
  //   run      repeat, field 0, 4 - 1 in 3 bits, 255   1 00 011 11111111
  //   run      repeat, field 0, 8 - 1 in 3 bits, 0     1 00 111 00000000
  //   pad      81 bits -> 7 zero bits -> 88 bits = 11 bytes
  const WORKED = [0, 0, 0, 12, 57, 27, 252, 127, 243, 128, 0];

  it('encodes the worked example, from the mask and from its RGBA bytes', () => {
    assert.deepEqual(maskToLsRle(Uint8Array.of(1, 0, 0), 3, 1), WORKED);
    assert.deepEqual(encodeLsRle(Uint8Array.of(255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0)), WORKED);
    assert.deepEqual(Array.from(decodeLsRle(WORKED)), [255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(lsRleToMask(WORKED, 3, 1)), [1, 0, 0]);
  });

  it('decodes literal blocks (as Label Studio\'s own rle-pack writes them)', () => {
    // Header for 3 values, then one literal block: 0, field 0, 3 - 1 = 010, then words 1, 2, 3; 5 pad bits.
    assert.deepEqual(Array.from(decodeLsRle([0, 0, 0, 3, 57, 27, 248, 64, 32, 64, 96])), [1, 2, 3]);
    // A lone value is written as a one-word literal, like brush.py.
    const lone = Uint8Array.of(7, 9, 9);
    assert.deepEqual(decodeLsRle(encodeLsRle(lone)), lone);
  });

  it('pads like brush.py: a whole zero byte when the bits end on a byte boundary', () => {
    // 53 header bits + one 20-long run with an 8-bit field (1 + 2 + 8 + 8 = 19 bits) = 72 bits.
    const rle = encodeLsRle(new Uint8Array(20).fill(4));
    assert.equal(rle.length, 10);
    assert.equal(rle[9], 0);
    assert.deepEqual(decodeLsRle(rle), new Uint8Array(20).fill(4));
  });

  it('chooses each run\'s field width and splits runs over 65,536 values', () => {
    for (const n of [1, 2, 8, 9, 16, 17, 256, 257, 65_536, 65_537, 200_000]) {
      const values = new Uint8Array(n + 2).fill(200);
      values[0] = 1;
      values[n + 1] = 3;
      assert.deepEqual(decodeLsRle(encodeLsRle(values)), values, `run of ${n}`);
    }
    // 300 x 300 set pixels: 360,000 values = 5 full 65,536 blocks + 32,320 (27 bits each) after the header.
    const all = maskToLsRle(new Uint8Array(90_000).fill(1), 300, 300);
    assert.equal(all.length, Math.floor((53 + 6 * 27) / 8) + 1);
    assert.equal(lsRleToMask(all, 300, 300).every((v) => v === 1), true);
  });

  it('reads a pixel as set where its alpha is non-zero, whatever its colour', () => {
    // Pixels: red opaque, red with alpha 0, half-transparent green, clear.
    const rgba = Uint8Array.of(255, 0, 0, 255, 255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 0, 0);
    assert.deepEqual(Array.from(lsRleToMask(encodeLsRle(rgba), 2, 2)), [1, 0, 1, 0]);
  });

  it('round trips a class raster through brushlabels results', () => {
    const r = syntheticMask(160, 120, { ignoreBorder: true });
    const results = rasterToBrushResults(r, LABELS, { fromName: 'brush', toName: 'img', ignoreName: 'void' });
    assert.deepEqual(results.map((x) => x.value.brushlabels[0]), [...LABELS, 'void']);
    assert.deepEqual(results[0]!.value.format, 'rle');
    assert.deepEqual([results[0]!.from_name, results[0]!.to_name, results[0]!.original_width, results[0]!.original_height], ['brush', 'img', 160, 120]);
    const back = brushResultsToRaster(JSON.parse(JSON.stringify(results)) as unknown[], LABELS, { ignoreName: 'void' });
    assert.deepEqual(back.raster.data, r.data);
    assert.equal(back.overlapPixels, 0);
    // Without an ignore name the ignore pixels are not exported, and come back unlabeled.
    const noIgnore = brushResultsToRaster(rasterToBrushResults(r, LABELS), LABELS);
    assert.deepEqual(noIgnore.raster.data, r.data.map((v) => (v === IGNORE ? 0 : v)));
  });

  it('reads the older shape with rle and brushlabels beside value, skips other result types, paints later over earlier', () => {
    const one = maskToLsRle(Uint8Array.of(1, 1, 0, 0), 2, 2);
    const two = maskToLsRle(Uint8Array.of(0, 1, 1, 0), 2, 2);
    const results = [
      { type: 'rectanglelabels', value: { x: 1 } },
      { type: 'BrushLabels', original_width: 2, original_height: 2, rle: one, brushlabels: ['car'] },
      { type: 'brushlabels', original_width: 2, original_height: 2, value: { format: 'rle', rle: two, brushlabels: ['tree'] } },
    ];
    const { raster, overlapPixels } = brushResultsToRaster(results, LABELS);
    assert.deepEqual(Array.from(raster.data), [2, 3, 3, 0]);
    assert.equal(overlapPixels, 1);
    assert.deepEqual(Array.from(brushResultsToRaster([], LABELS, { size: { width: 2, height: 1 } }).raster.data), [0, 0]);
  });

  it('bad input is an error naming the result and field', () => {
    const where = { file: 'tasks.json', field: 'tasks[4].annotations[0]' };
    const ok = { type: 'brushlabels', original_width: 3, original_height: 1, value: { format: 'rle', rle: WORKED, brushlabels: ['car'] } };
    const fails = (results: unknown[], field: string, message: RegExp, opts = {}) =>
      assert.throws(
        () => brushResultsToRaster(results, LABELS, { where, ...opts }),
        (e: unknown) => e instanceof LabelingError && e.where.file === 'tasks.json' && e.where.field === `tasks[4].annotations[0].${field}` && message.test(e.message),
      );
    fails([ok, { ...ok, value: { ...ok.value, brushlabels: ['boat'] } }], 'result[1].value.brushlabels[0]', /"boat" is not a class of this project/);
    fails([ok, { ...ok, value: { ...ok.value, rle: WORKED.slice(0, 8) } }], 'result[1].value.rle', /the brush RLE ends early/);
    fails([{ ...ok, original_width: 4 }], 'result[0].value.rle', /holds 12 values; the image's RGBA has 16/);
    fails([ok, { ...ok, original_width: 1, original_height: 3 }], 'result[1].original_width', /the brush mask is 1 x 3, the image 3 x 1/);
    fails([{ ...ok, value: { ...ok.value, rle: [1, 300] } }], 'result[0].value.rle', /element 1 is 300/);
    fails([{ ...ok, value: { ...ok.value, format: 'png' } }], 'result[0].value.format', /brush format "png" is not read/);
    fails([{ ...ok, original_width: undefined }], 'result[0]', /needs original_width and original_height/);
    assert.throws(() => brushResultsToRaster([], LABELS), /no brushlabels result and no image size/);
    // A block running past the stated number of values: header says 4, one run of 8.
    assert.throws(() => decodeLsRle(encodeLsRle(new Uint8Array(8)).map((b, i) => (i === 3 ? 4 : b))), /a block up to value 8, past its 4 values/);
  });
});
