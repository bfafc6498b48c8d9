import { strict as assert } from 'node:assert';
import { fitTransform, oneToOneTransform, panBy, toImage, toScreen, zoomAt, MAX_SCALE } from './transform';

describe('view transform', () => {
  it('round-trips screen and image coordinates', () => {
    const t = { scale: 2.5, tx: 13, ty: -7 };
    const p = { x: 100, y: 40 };
    const back = toImage(t, toScreen(t, p));
    assert.ok(Math.abs(back.x - p.x) < 1e-9 && Math.abs(back.y - p.y) < 1e-9);
    assert.deepEqual(toScreen(t, p), { x: 263, y: 93 });
  });
  it('zooms around the anchor: the image point under the cursor stays put', () => {
    const t = { scale: 1, tx: 10, ty: 20 };
    const anchor = { x: 300, y: 200 };
    const before = toImage(t, anchor);
    const z = zoomAt(t, 2, anchor);
    assert.equal(z.scale, 2);
    const after = toImage(z, anchor);
    assert.ok(Math.abs(after.x - before.x) < 1e-9 && Math.abs(after.y - before.y) < 1e-9);
  });
  it('clamps the zoom to its limits', () => {
    assert.equal(zoomAt({ scale: 20, tx: 0, ty: 0 }, 10, { x: 0, y: 0 }).scale, MAX_SCALE);
  });
  it('fits a 1920x1080 image into 960x600 and centres it', () => {
    const t = fitTransform(1920, 1080, 960, 600, 0);
    assert.equal(t.scale, 0.5);
    assert.equal(t.tx, 0);
    assert.equal(t.ty, (600 - 540) / 2);
  });
  it('does not upscale small images on fit unless asked', () => {
    assert.equal(fitTransform(100, 100, 1000, 1000).scale, 1);
    assert.ok(fitTransform(100, 100, 1000, 1000, 0, true).scale > 9);
  });
  it('1:1 centres at scale 1; pan moves the offset', () => {
    assert.deepEqual(oneToOneTransform(200, 100, 400, 300), { scale: 1, tx: 100, ty: 100 });
    assert.deepEqual(panBy({ scale: 3, tx: 1, ty: 2 }, 5, -5), { scale: 3, tx: 6, ty: -3 });
  });
});
