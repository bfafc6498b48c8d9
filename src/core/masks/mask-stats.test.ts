import { strict as assert } from 'node:assert';
import { classPixelCounts, majorityMask, meanIoU, pairwiseMeanIoU, perClassIoU } from './mask-stats';
import { IGNORE, type ClassRaster } from './raster';
import { syntheticMask } from './test-support';

/** A raster from rows of digits; 'x' is the ignore class. */
const grid = (...rows: string[]): ClassRaster => ({
  width: rows[0]!.length,
  height: rows.length,
  data: Uint8Array.from(rows.join('').split(''), (c) => (c === 'x' ? IGNORE : Number(c))),
});

describe('masks: statistics', () => {
  it('counts pixels per class', () => {
    const c = classPixelCounts(grid('0012', '22x1'));
    assert.deepEqual([c[0], c[1], c[2], c[IGNORE], c[3]], [2, 2, 3, 1, 0]);
  });

  it('IoU per class over the classes present in either, unlabeled excluded', () => {
    const a = grid('1100', '1100', '0022');
    const b = grid('1000', '1100', '0003');
    // class 1: a has 4, b has 3, all of b's inside a -> 3/4. class 2: a 2, b 0 -> 0/2. class 3: a 0, b 1 -> 0/1.
    assert.deepEqual(
      perClassIoU(a, b).map((c) => [c.classIndex, c.intersection, c.union]),
      [[1, 3, 4], [2, 0, 2], [3, 0, 1]],
    );
    assert.equal(meanIoU(a, b), 0.75 / 3);
    assert.equal(meanIoU(a, a), 1);
  });

  it('leaves out pixels either mask marks ignore', () => {
    // Without the ignore pixel class 1 would be 2/3 (b misses a's third pixel); it is ignored in b.
    const a = grid('111', '000');
    const b = grid('11x', '000');
    assert.equal(meanIoU(a, b), 1);
    // A class seen only under the other's ignore is not present at all.
    assert.deepEqual(perClassIoU(grid('12'), grid('1x')).map((c) => c.classIndex), [1]);
  });

  it('two masks with no class agree completely; masks of different sizes are refused', () => {
    assert.equal(meanIoU(grid('00', 'x0'), grid('00', '00')), 1);
    assert.throws(() => meanIoU(grid('00'), grid('0', '0')), /mask 1 is 1 x 2, mask 0 is 2 x 1/);
  });

  it('pairwise mean IoU averages every pair', () => {
    const a = grid('11');
    const b = grid('10');
    assert.equal(pairwiseMeanIoU([a, a, b]), (1 + 0.5 + 0.5) / 3);
    assert.equal(pairwiseMeanIoU([a]), 1);
  });

  it('majority per pixel; a tie goes to the first mask among the tied', () => {
    const m1 = grid('1120');
    const m2 = grid('1220');
    const m3 = grid('2233');
    // pixel 0: 1,1,2 -> 1. pixel 1: 1,2,2 -> 2. pixel 2: 2,2,3 -> 2. pixel 3: 0,0,3 -> 0 (unlabeled votes too).
    assert.deepEqual(Array.from(majorityMask([m1, m2, m3]).data), [1, 2, 2, 0]);
    // Two masks that disagree everywhere: the first wins; swap them and the other wins.
    assert.deepEqual(Array.from(majorityMask([grid('12x'), grid('210')]).data), [1, 2, IGNORE]);
    assert.deepEqual(Array.from(majorityMask([grid('210'), grid('12x')]).data), [2, 1, 0]);
    // Five masks, a 2-2 tie between 3 and 5: the first mask holding either (mask 1 holds 3) decides.
    assert.deepEqual(Array.from(majorityMask([grid('4'), grid('3'), grid('5'), grid('5'), grid('3')]).data), [3]);
  });

  it('majority of one mask is that mask, and a large majority runs', () => {
    const a = syntheticMask(400, 300, { seed: 1, ignoreBorder: true });
    const b = syntheticMask(400, 300, { seed: 2, ignoreBorder: true });
    assert.deepEqual(majorityMask([a]).data, a.data);
    assert.deepEqual(majorityMask([a, b, a]).data, a.data);
    assert.throws(() => majorityMask([]), /at least one mask/);
  });
});
