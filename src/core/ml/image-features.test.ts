import { strict as assert } from 'node:assert';
import {
  checkImage,
  colourHistogram,
  featureLayout,
  hammingDistance,
  hogFeatures,
  imageFeatures,
  imageFeatureSettings,
  ORIENTATION_BINS,
  perceptualHash,
  resizeArea,
  type ImageInput,
} from './image-features';
import { isInvalid, mnistDigit } from './image-model-testdata';

/** A grey 28 x 28 image from a function of (x, y) -> 0..1. */
function grey(f: (x: number, y: number) => number, side = 28): ImageInput {
  const data = new Float32Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) data[y * side + x] = f(x, y);
  return { width: side, height: side, channels: 1, data };
}

/** The image moved right by dx pixels (zeros come in) and brightened by `gain` (clipped at 1). */
function shifted(image: ImageInput, dx: number, gain: number): ImageInput {
  const { width, height } = image;
  return grey((x, y) => (x - dx >= 0 ? Math.min(1, image.data[y * width + x - dx] * gain) : 0), width === height ? width : NaN);
}

/** Totals of each orientation bin over the whole HOG vector. */
function binTotals(hog: Float32Array): number[] {
  const totals = new Array<number>(ORIENTATION_BINS).fill(0);
  for (let i = 0; i < hog.length; i++) totals[i % ORIENTATION_BINS] += hog[i];
  return totals;
}

const argmax = (a: number[]) => a.indexOf(Math.max(...a));

describe('image features', () => {
  it('HOG: a vertical edge peaks in the 0-degree bin, a horizontal edge around 90 degrees', () => {
    const vertical = binTotals(hogFeatures(grey((x) => (x < 14 ? 0 : 1))));
    const horizontal = binTotals(hogFeatures(grey((_x, y) => (y < 14 ? 0 : 1))));
    assert.equal(argmax(vertical), 0, `vertical ${vertical}`);
    assert.ok([4, 5].includes(argmax(horizontal)), `horizontal ${horizontal}`);
    assert.ok(horizontal[0] < 1e-6 && vertical[4] < 1e-6);
    // A flat image has no gradient at all.
    assert.ok(hogFeatures(grey(() => 0.5)).every((v) => v === 0));
    assert.equal(hogFeatures(grey(() => 0)).length, 7 * 7 * 4 * ORIENTATION_BINS);
  });

  it('pHash: identical images 0 apart, a shifted and brightened digit close, different digits farther on average', () => {
    const threes = mnistDigit(3, 20);
    const sevens = mnistDigit(7, 20);
    assert.equal(perceptualHash(threes[0]), perceptualHash({ ...threes[0], data: Float32Array.from(threes[0].data) }));
    assert.match(perceptualHash(threes[0]), /^[0-9a-f]{16}$/);
    let near = 0;
    let far = 0;
    for (let i = 0; i < 20; i++) {
      near += hammingDistance(perceptualHash(threes[i]), perceptualHash(shifted(threes[i], 1, 1.2)));
      far += hammingDistance(perceptualHash(threes[i]), perceptualHash(sevens[i]));
    }
    near /= 20;
    far /= 20;
    assert.ok(near <= 10, `shifted/brightened: mean distance ${near}`);
    assert.ok(far >= 2 * near && far > 15, `different digits: mean ${far}, near copies ${near}`);
    assert.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64);
    assert.equal(hammingDistance('8000000000000001', '0000000000000000'), 2);
    assert.throws(() => hammingDistance('abc', '0000000000000000'), isInvalid(/^a: must be 16 hex digits/));
  });

  it('colour histogram: shares of pixels in 4 x 4 x 4 RGB bins; RGBA bytes and grey floats agree', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    const h = colourHistogram({ width: 2, height: 2, channels: 4, data: rgba });
    assert.equal(h.length, 64);
    assert.equal(h[3 * 16], 0.5); // red
    assert.equal(h[3], 0.25); // blue
    assert.equal(h[63], 0.25); // white
    const g = colourHistogram({ width: 2, height: 1, channels: 1, data: new Float32Array([0, 1]) });
    assert.deepEqual([g[0], g[63]], [0.5, 0.5]);
  });

  it('area resize keeps the mean, up and down', () => {
    const plane = Float32Array.from({ length: 28 * 28 }, (_, i) => (i * 7919) % 13 / 13);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    for (const side of [8, 16, 32]) assert.ok(Math.abs(mean(resizeArea(plane, 28, 28, side, side)) - mean(plane)) < 1e-5, `side ${side}`);
    assert.deepEqual(resizeArea(new Float32Array([0, 1, 1, 0]), 2, 2, 1, 1), new Float32Array([0.5]));
  });

  it('the full vector: fixed length whatever the size, each group l2-normalised, deterministic', () => {
    const settings = imageFeatureSettings();
    const layout = featureLayout(settings);
    const digit = mnistDigit(5, 1)[0];
    const a = imageFeatures(digit, settings);
    const b = imageFeatures(digit, settings);
    assert.deepEqual(a, b);
    assert.equal(a.vector.length, layout.length);
    for (const [from, to] of [layout.colour, layout.hog, layout.phash, layout.pixels]) {
      let sum = 0;
      for (let i = from; i < to; i++) sum += a.vector[i] ** 2;
      assert.ok(Math.abs(sum - 1) < 1e-5, `group ${from}-${to}: ${sum}`);
    }
    const photo = { width: 50, height: 37, channels: 3, data: Uint8ClampedArray.from({ length: 50 * 37 * 3 }, (_, i) => (i * 31) % 256) };
    assert.equal(imageFeatures(photo).vector.length, layout.length);
    assert.equal(imageFeatures(grey(() => 0.3, 9)).vector.length, layout.length);
  });

  it('rejects a bad image or option, naming the field', () => {
    const ok = grey(() => 0);
    assert.throws(() => checkImage({ ...ok, width: 0 }, 'images[3]'), isInvalid(/^images\[3\]\.width: must be an integer from 1 to 65536, got 0$/));
    assert.throws(() => imageFeatures({ ...ok, channels: 5 }), isInvalid(/^image\.channels: must be 1, 2, 3 or 4, got 5$/));
    assert.throws(() => imageFeatures({ ...ok, data: ok.data.subarray(1) }), isInvalid(/^image\.data: 783 values for 28 x 28 pixels x 1 channels \(expected 784\)$/));
    assert.throws(() => imageFeatures({ ...ok, data: [0] as unknown as Float32Array }), isInvalid(/^image\.data: must be a Uint8ClampedArray/));
    const nan = Float32Array.from(ok.data);
    nan[30] = NaN;
    assert.throws(() => imageFeatures({ ...ok, data: nan }), isInvalid(/^image\.data\[30\]: float pixels must be from 0 to 1, got NaN$/));
    assert.throws(() => imageFeatureSettings({ size: 30 }), isInvalid(/^size: must be an integer from 8 to 256, a multiple of cell \(4\)/));
    assert.throws(() => imageFeatureSettings({ pixels: 1 }), isInvalid(/^pixels: must be an integer from 2 to 64, got 1$/));
  });
});
