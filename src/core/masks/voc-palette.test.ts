import { strict as assert } from 'node:assert';
import { paletteBytes, VOC_PALETTE, vocIndexOf } from './voc-palette';

describe('masks: VOC palette', () => {
  it('has the known VOC colours', () => {
    assert.equal(VOC_PALETTE.length, 256);
    assert.deepEqual(VOC_PALETTE[0], [0, 0, 0]);
    assert.deepEqual(VOC_PALETTE[1], [128, 0, 0]); // aeroplane
    assert.deepEqual(VOC_PALETTE[2], [0, 128, 0]); // bicycle
    assert.deepEqual(VOC_PALETTE[3], [128, 128, 0]); // bird
    assert.deepEqual(VOC_PALETTE[8], [64, 0, 0]); // cat
    assert.deepEqual(VOC_PALETTE[15], [192, 128, 128]); // person
    assert.deepEqual(VOC_PALETTE[20], [0, 64, 128]); // tvmonitor
    assert.deepEqual(VOC_PALETTE[255], [224, 224, 192]); // void / ignore
  });

  it('is a bijection: every colour names its index', () => {
    for (let i = 0; i < 256; i++) assert.equal(vocIndexOf(...VOC_PALETTE[i]!), i);
    assert.equal(vocIndexOf(1, 2, 3), undefined);
  });

  it('packs to 768 PLTE bytes', () => {
    const b = paletteBytes();
    assert.equal(b.length, 768);
    assert.deepEqual(Array.from(b.subarray(45, 48)), [192, 128, 128]);
  });
});
