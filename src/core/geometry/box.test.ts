import { strict as assert } from 'node:assert';
import { boxAt, handleAt, handlePoint, isBigEnough, moveRect, nudgeRect, rectFromPoints, resizeRect, type Rect } from './box';

const size = { width: 200, height: 100 };
const rect = (x: number, y: number, w: number, h: number): Rect => ({ x, y, w, h });

describe('box geometry', () => {
  it('normalises a drag in any direction and clips it to the image', () => {
    assert.deepEqual(rectFromPoints({ x: 50, y: 40 }, { x: 10, y: 5 }), rect(10, 5, 40, 35));
    assert.deepEqual(rectFromPoints({ x: -10, y: 90 }, { x: 30, y: 150 }, size), rect(0, 90, 30, 10));
  });
  it('applies the minimum size rule to each side', () => {
    assert.equal(isBigEnough(rect(0, 0, 4, 4)), true);
    assert.equal(isBigEnough(rect(0, 0, 3.9, 50)), false);
    assert.equal(isBigEnough(rect(0, 0, 0, 0)), false);
  });
  it('hit-tests the smallest containing box, topmost on ties', () => {
    const boxes = [rect(0, 0, 100, 100), rect(10, 10, 20, 20), rect(10, 10, 20, 20)];
    assert.equal(boxAt(boxes, { x: 15, y: 15 }), 2);
    assert.equal(boxAt(boxes, { x: 90, y: 90 }), 0);
    assert.equal(boxAt(boxes, { x: 150, y: 90 }), -1);
  });
  it('finds all eight handles and none away from them', () => {
    const r = rect(10, 20, 100, 50);
    assert.deepEqual(handlePoint(r, 'se'), { x: 110, y: 70 });
    assert.deepEqual(handlePoint(r, 'n'), { x: 60, y: 20 });
    assert.equal(handleAt(r, { x: 11, y: 21 }, 4), 'nw');
    assert.equal(handleAt(r, { x: 109, y: 45 }, 4), 'e');
    assert.equal(handleAt(r, { x: 60, y: 45 }, 4), undefined);
  });
  it('resizes by a corner, by an edge, and flips past the opposite edge', () => {
    const r = rect(10, 10, 50, 50);
    assert.deepEqual(resizeRect(r, 'se', { x: 80, y: 70 }, size), rect(10, 10, 70, 60));
    assert.deepEqual(resizeRect(r, 'n', { x: 999, y: 0 }, size), rect(10, 0, 50, 60));
    assert.deepEqual(resizeRect(r, 'w', { x: 70, y: 0 }, size), rect(60, 10, 10, 50));
    assert.deepEqual(resizeRect(r, 'se', { x: 500, y: 500 }, size), rect(10, 10, 190, 90));
  });
  it('moves and nudges without leaving the image or changing size', () => {
    const r = rect(10, 10, 50, 50);
    assert.deepEqual(moveRect(r, -30, 5, size), rect(0, 15, 50, 50));
    assert.deepEqual(moveRect(r, 500, 500, size), rect(150, 50, 50, 50));
    assert.deepEqual(nudgeRect(r, 'ArrowRight', false, size), rect(11, 10, 50, 50));
    assert.deepEqual(nudgeRect(r, 'ArrowUp', true, size), rect(10, 0, 50, 50));
  });
});
