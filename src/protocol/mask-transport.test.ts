import { strict as assert } from 'node:assert';
import { decodeMaskMessage, decodeRuns, encodeRuns, maskMessage, MaskTransportError } from './mask-transport';

/** Deterministic bytes with runs of random lengths over a few classes. */
function blobs(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  let i = 0;
  while (i < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    const len = 1 + (s % 40);
    const v = [0, 1, 2, 3, 255][(s >>> 8) % 5]!;
    out.fill(v, i, Math.min(n, i + len));
    i += len;
  }
  return out;
}

describe('mask transport (row-major runs)', () => {
  it('encodes row-major runs that continue across rows, adjacent runs differing', () => {
    // 4 x 2:  1 1 0 0 / 0 2 2 2
    const r = Uint8Array.of(1, 1, 0, 0, 0, 2, 2, 2);
    assert.deepEqual(encodeRuns(r), [1, 2, 0, 3, 2, 3]);
    assert.deepEqual(encodeRuns(new Uint8Array(6)), [0, 6]);
    assert.deepEqual(encodeRuns(new Uint8Array(0)), []);
  });

  it('round-trips random rasters exactly, ignore (255) included', () => {
    for (const [w, h] of [[1, 1], [7, 3], [64, 48], [333, 101]] as const) {
      const r = blobs(w * h, w + h);
      const runs = encodeRuns(r);
      for (let k = 2; k < runs.length; k += 2) assert.notEqual(runs[k], runs[k - 2], 'adjacent runs differ');
      assert.deepEqual(decodeRuns(runs, w, h), r);
      assert.deepEqual(decodeMaskMessage(JSON.parse(JSON.stringify(maskMessage(r, w, h)))).raster, r);
    }
  });

  it('accepts adjacent runs of the same value (a non-canonical but valid encoding)', () => {
    assert.deepEqual(decodeRuns([1, 2, 1, 2], 2, 2), Uint8Array.of(1, 1, 1, 1));
  });

  it('refuses runs that do not cover exactly width x height, naming the run', () => {
    assert.throws(() => decodeRuns([0, 5], 2, 2), /run 0 ends at pixel 5/);
    assert.throws(() => decodeRuns([0, 3], 2, 2), /cover 3 of the 4 pixels of a 2 x 2 mask/);
    assert.throws(() => decodeRuns([0, 3, 1], 2, 2), /odd count/);
  });

  it('refuses bad values and lengths, naming the run', () => {
    assert.throws(() => decodeRuns([0, 2, 256, 2], 2, 2), /run 1 has value 256/);
    assert.throws(() => decodeRuns([0, 2, 1.5, 2], 2, 2), /run 1 has value 1.5/);
    assert.throws(() => decodeRuns([0, 0, 1, 4], 2, 2), /run 0 has length 0/);
    assert.throws(() => decodeRuns([0, '4' as unknown as number], 2, 2), /run 0 has length "4"/);
    assert.throws(() => decodeRuns([3, 4], 2, 2, { classCount: 2 }), /run 0 has class index 3; a mask of 2 classes takes 0 \(unlabeled\), 1..2 or 255/);
    assert.throws(() => decodeRuns([255, 4], 2, 2, { classCount: 2, allowIgnore: false }), /class index 255/);
    assert.deepEqual(decodeRuns([255, 4], 2, 2, { classCount: 2 }), new Uint8Array(4).fill(255));
  });

  it('refuses bad sizes and messages, naming the field', () => {
    assert.throws(() => decodeRuns([0, 1], 0, 1), /width must be a positive integer, not 0/);
    assert.throws(() => decodeRuns([0, 1], 1, 2.5), /height must be a positive integer/);
    assert.throws(() => decodeRuns([0, 1], 10_000, 10_000), /over the limit/);
    assert.throws(() => decodeMaskMessage(null), MaskTransportError);
    assert.throws(() => decodeMaskMessage({ width: '2', height: 2, runs: [] }), /field "width" must be a number/);
    assert.throws(() => decodeMaskMessage({ width: 2, height: 2, runs: 'x' }), /field "runs" must be an array/);
    assert.throws(() => decodeMaskMessage({ width: 2, height: 2, runs: [9, 9] }, { what: 'mask of images/a.png' }), /^MaskTransportError: mask of images\/a.png: the runs cover more/);
    assert.throws(() => maskMessage(new Uint8Array(3), 2, 2), /needs 4 class indices, it has 3/);
  });

  it('keeps a 4000 x 3000 mask of a few regions small', () => {
    const w = 4000;
    const h = 3000;
    const r = new Uint8Array(w * h);
    for (let y = 500; y < 2500; y++) r.fill(1, y * w + 1000, y * w + 3000);
    const runs = encodeRuns(r);
    assert.equal(runs.length, 2 * (1 + 2 * 2000));
    assert.deepEqual(decodeRuns(runs, w, h), r);
  });
});
