import { strict as assert } from 'node:assert';
import { edgeTolerance, fitAnnotation, fitBox, fitPolygon, spanOutside, strictFit } from './bounds';

const size = { width: 100, height: 50 };
const box = (x: number, y: number, w: number, h: number) => ({ label: 'a', x, y, w, h });

describe('bounds: shapes against the image, spans against the text', () => {
  it('keeps a box inside, clips one within the tolerance, refuses one beyond it', () => {
    assert.equal(edgeTolerance(100), 2);
    assert.equal(edgeTolerance(1000), 10);
    assert.deepEqual(fitBox(box(0, 0, 100, 50), size), { shape: box(0, 0, 100, 50), clipped: false });
    assert.deepEqual(fitBox(box(-1.5, 10, 20, 41.5), size), { shape: box(0, 10, 18.5, 40), clipped: true });
    assert.match((fitBox(box(90, 10, 13, 5), size) as { refused: string }).refused, /reaches outside the 100×50 image/);
    assert.match((fitBox(box(-1.5, 0, 1, 5), size) as { refused: string }).refused, /lies outside/);
  });

  it('refuses absurd and non-finite coordinates, and boxes without area', () => {
    for (const b of [box(1e308, 0, 1, 1), box(0, 0, 1e308, 1e308), box(NaN, 0, 1, 1), box(0, 0, Infinity, 1), box(0, 0, 0, 5)]) {
      assert.ok('refused' in fitBox(b, size), JSON.stringify(b));
    }
  });

  it('clamps polygon vertices within the tolerance and refuses a polygon with any vertex beyond it', () => {
    const p = { label: 'a', rings: [[0, 0, 101, 0, 101, 51, 0, 51]] };
    assert.deepEqual(fitPolygon(p, size), { shape: { label: 'a', rings: [[0, 0, 100, 0, 100, 50, 0, 50]] }, clipped: true });
    assert.match((fitPolygon({ label: 'a', rings: [[0, 0, 10, 0, 1e308, 5]] }, size) as { refused: string }).refused, /point 2 of ring 0/);
    assert.ok('refused' in fitPolygon({ label: 'a', rings: [[0, 0, 10, 0, NaN, 5]] }, size));
  });

  it('spans lie within the text, never clipped', () => {
    assert.equal(spanOutside({ start: 0, end: 5, label: 'x' }, 5), undefined);
    assert.match(spanOutside({ start: 2, end: 6, label: 'x' }, 5)!, /ends past the text \(5 characters\)/);
    assert.match(spanOutside({ start: 1e308, end: 1e308 + 1, label: 'x' }, 5)!, /start < end|ends past/);
  });

  it('fitAnnotation counts clipped and refused objects; an unreadable size refuses every object', () => {
    const a = { kind: 'boxes' as const, boxes: [box(1, 1, 5, 5), box(-1, 0, 5, 5), box(0, 0, 1e308, 5)] };
    const fit = fitAnnotation(a, { media: 'image', size, what: 'a.png' });
    assert.deepEqual([fit.clipped, fit.refused.map((r) => r.index)], [1, [2]]);
    assert.deepEqual(fit.annotation, { kind: 'boxes', boxes: [box(1, 1, 5, 5), box(0, 0, 4, 5)] });
    const unknown = fitAnnotation(a, { media: 'image', size: undefined, what: 'a.png' });
    assert.deepEqual([unknown.refused.length, unknown.unreadable, unknown.annotation], [3, 'the size of image a.png cannot be read', { kind: 'boxes', boxes: [] }]);
    assert.equal(fitAnnotation({ kind: 'classes', labels: ['a'] }, { media: 'image', size: undefined, what: 'a.png' }).refused.length, 0);
  });

  it('the strict rule (the store) refuses anything past 0.01 px instead of clipping it', () => {
    assert.deepEqual(strictFit({ kind: 'boxes', boxes: [box(0, 0, 100.005, 50)] }, { media: 'image', size, what: 'a' }).refused, []);
    assert.equal(strictFit({ kind: 'boxes', boxes: [box(-1, 0, 5, 5)] }, { media: 'image', size, what: 'a' }).refused.length, 1);
  });
});
