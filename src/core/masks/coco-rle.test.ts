import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { polygonArea as polygonAreaOf } from '../formats/export-common';
import { decodeRleString, rleStats } from '../formats/rle';
import { fixture } from '../formats/test-support';
import { LabelingError } from '../errors';
import { classRasterToRles, decodeBinaryRle, decodeCocoRle, encodeBinaryRle, encodeRleString, rleCounts, rlesToClassRaster } from './coco-rle';
import { IGNORE } from './raster';
import { classPixelCounts } from './mask-stats';
import { syntheticMask } from './test-support';

const FRIDGE = ['azureml-examples', 'sdk', 'python', 'foundation-models', 'system', 'evaluation', 'image-instance-segmentation'];
const FRIDGE_RLE = fixture(...FRIDGE, 'odFridgeObjectsMask_coco_rle.json');
const FRIDGE_POLYGONS = fixture(...FRIDGE, 'odFridgeObjectsMask_coco.json');

interface FridgeAnn {
  id: number;
  area: number;
  bbox: number[];
  segmentation: { size: [number, number]; counts: string };
}
const fridge = JSON.parse(readFileSync(FRIDGE_RLE, 'utf8')) as { annotations: FridgeAnn[] };

describe('masks: COCO RLE', () => {
  it('encodes column-major runs starting with background (worked examples)', () => {
    // 3 wide, 2 high: rows [0 1 1] / [1 1 0] -> columns 0,1 | 1,1 | 1,0 -> runs 1 bg, 4 fg, 1 bg.
    assert.deepEqual(encodeBinaryRle(Uint8Array.of(0, 1, 1, 1, 1, 0), 3, 2), [1, 4, 1]);
    // A set first pixel starts with an empty background run.
    assert.deepEqual(encodeBinaryRle(Uint8Array.of(1, 0, 0, 0, 0, 0), 3, 2), [0, 1, 5]);
    assert.deepEqual(encodeBinaryRle(new Uint8Array(6).fill(9), 3, 2), [0, 6]);
    assert.deepEqual(decodeBinaryRle([1, 4, 1], 3, 2), Uint8Array.of(0, 1, 1, 1, 1, 0));
    // Runs short of the pixel count leave the rest background, as pycocotools does.
    assert.deepEqual(decodeBinaryRle([0, 1], 3, 2), Uint8Array.of(1, 0, 0, 0, 0, 0));
  });

  it('compresses to pycocotools strings: every fridge annotation re-encodes to the same string', () => {
    assert.equal(fridge.annotations.length, 336);
    for (const a of fridge.annotations) {
      assert.equal(encodeRleString(decodeRleString(a.segmentation.counts)), a.segmentation.counts, `annotation ${a.id}`);
    }
    assert.deepEqual(decodeRleString(encodeRleString([5, 40, 3, 2, 1000, 7, 0, 123456])), [5, 40, 3, 2, 1000, 7, 0, 123456]);
  });

  // The file's `area` is not the mask's pixel count: it is the box's inclusive area (w + 1) x (h + 1)
  // for every annotation (checked below). So each decoded mask is held to what does describe it: the
  // run lengths' own area (rleStats), the same instance's polygon in odFridgeObjectsMask_coco.json
  // (within 1%), and the file's box around it (its edges are up to 2 px off the mask's, as in coco.test.ts).
  it('decodes every fridge annotation: pixel count = the runs\' area ~ its polygon\'s area, inside its box; encodes back', () => {
    const polygons = JSON.parse(readFileSync(FRIDGE_POLYGONS, 'utf8')) as { annotations: { segmentation: number[][] }[] };
    fridge.annotations.forEach((a, k) => {
      const [x, y, w, h] = a.bbox as [number, number, number, number];
      assert.equal(a.area, (w + 1) * (h + 1), `annotation ${a.id}: the file's area is its box's`);
      const m = decodeCocoRle(a.segmentation, { field: `annotations[${k}].segmentation` });
      assert.deepEqual([m.height, m.width], a.segmentation.size);
      let area = 0;
      for (let i = 0; i < m.data.length; i++) {
        if (!m.data[i]) continue;
        area++;
        const px = i % m.width;
        const py = Math.floor(i / m.width);
        if (px < x - 2 || px > x + w + 2 || py < y - 2 || py > y + h + 2) assert.fail(`annotation ${a.id}: pixel (${px}, ${py}) outside its box`);
      }
      const counts = decodeRleString(a.segmentation.counts);
      assert.equal(area, rleStats(counts, m.height, m.width).area, `annotation ${a.id}`);
      const polygonArea = polygonAreaOf(polygons.annotations[k]!.segmentation);
      assert.ok(Math.abs(area - polygonArea) / area < 0.01, `annotation ${a.id}: ${area} pixels, polygon ${polygonArea}`);
      assert.deepEqual(encodeBinaryRle(m.data, m.width, m.height), counts, `annotation ${a.id}`);
    });
  });

  it('per-class RLE of a class raster: one per class, areas are the pixel counts, and it paints back the same raster', () => {
    const r = syntheticMask(400, 300, { ignoreBorder: true });
    const counts = classPixelCounts(r);
    const rles = classRasterToRles(r, { includeIgnore: true });
    assert.deepEqual(rles.map((x) => x.classIndex), [1, 2, 3, 4, 5, IGNORE]);
    for (const x of rles) {
      assert.equal(x.area, counts[x.classIndex]);
      const m = decodeCocoRle(x.rle);
      for (let i = 0; i < m.data.length; i++) assert.equal(m.data[i], r.data[i] === x.classIndex ? 1 : 0);
    }
    const back = rlesToClassRaster(rles, 400, 300);
    assert.deepEqual(back.raster.data, r.data);
    assert.equal(back.overlapPixels, 0);
    assert.deepEqual(classRasterToRles(r).map((x) => x.classIndex), [1, 2, 3, 4, 5], 'ignore only when asked');
  });

  it('per-class RLE gives a class on the last pixel its closing foreground run, and bboxes', () => {
    // 2 x 2: [1 0] / [0 1]: class 1 at column-major 0 and 3.
    const [one] = classRasterToRles({ width: 2, height: 2, data: Uint8Array.of(1, 0, 0, 1) });
    assert.deepEqual(decodeRleString(one!.rle.counts), [0, 1, 2, 1]);
    assert.deepEqual(one!.bbox, [0, 0, 2, 2]);
    assert.deepEqual(one!.rle.size, [2, 2]);
  });

  it('later RLEs paint over earlier ones and overlaps are counted', () => {
    const all = { size: [2, 2], counts: [0, 4] };
    const firstColumn = { size: [2, 2], counts: [0, 2, 2] };
    const { raster, overlapPixels } = rlesToClassRaster([{ classIndex: 1, rle: all }, { classIndex: 2, rle: firstColumn }], 2, 2);
    assert.deepEqual(Array.from(raster.data), [2, 1, 2, 1]);
    assert.equal(overlapPixels, 2);
  });

  it('bad RLE is an error naming the field', () => {
    const where = { file: 'a.json', field: 'annotations[3].segmentation' };
    const fails = (rle: unknown, message: RegExp, field = 'annotations[3].segmentation.counts') =>
      assert.throws(() => rleCounts(rle, where), (e: unknown) => e instanceof LabelingError && e.where.field === field && e.where.file === 'a.json' && message.test(e.message));
    fails({ size: [2, 2], counts: [1, 4] }, /the runs cover 5 pixels, a 2 x 2 mask has 4/);
    fails({ size: [2, 2], counts: [1, -1] }, /run 1 is not a non-negative integer/);
    fails({ size: [2, 2], counts: 'a' + String.fromCharCode(200) }, /bad RLE string/);
    fails({ size: [2, 2], counts: 7 }, /counts must be a string or a list/);
    fails({ size: [2], counts: [] }, /size must be \[height, width\]/, 'annotations[3].segmentation.size');
    assert.throws(() => rlesToClassRaster([{ classIndex: 1, rle: { size: [3, 2], counts: [6] } }], 2, 2), /\[0\]: the RLE is 3 x 2 \(height x width\), the image 2 x 2/);
  });
});
