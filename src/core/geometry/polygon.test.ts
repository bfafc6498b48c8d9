import { strict as assert } from 'node:assert';
import {
  closesPath, deleteVertex, edgeAt, insertVertex, isValidRing, moveRings, moveVertex, pointInRing, pointInRings,
  polygonAt, ringArea, vertexAt,
} from './polygon';

const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];
const size = { width: 100, height: 100 };

describe('polygon geometry', () => {
  it('tests points inside and outside, concave shapes included', () => {
    const l = [0, 0, 20, 0, 20, 10, 10, 10, 10, 20, 0, 20];
    assert.equal(pointInRing(l, { x: 5, y: 15 }), true);
    assert.equal(pointInRing(l, { x: 15, y: 15 }), false);
    assert.equal(pointInRings([square(0, 0, 50), square(10, 10, 10)], { x: 15, y: 15 }), false, 'hole');
  });
  it('computes area and picks the smallest containing object', () => {
    assert.equal(ringArea(square(0, 0, 10)), 100);
    const polys = [{ rings: [square(0, 0, 50)] }, { rings: [square(5, 5, 10)] }];
    assert.equal(polygonAt(polys, { x: 8, y: 8 }), 1);
    assert.equal(polygonAt(polys, { x: 40, y: 40 }), 0);
    assert.equal(polygonAt(polys, { x: 60, y: 60 }), -1);
  });
  it('picks vertices and edges within a tolerance', () => {
    const r = square(10, 10, 20);
    assert.equal(vertexAt(r, { x: 31, y: 29 }, 3), 2);
    assert.equal(vertexAt(r, { x: 20, y: 20 }, 3), -1);
    assert.deepEqual(edgeAt(r, { x: 20, y: 11 }, 2), { index: 0, point: { x: 20, y: 10 } });
    assert.equal(edgeAt(r, { x: 20, y: 20 }, 2), undefined);
    assert.deepEqual(edgeAt(r, { x: 9, y: 20 }, 2)?.index, 3, 'closing edge');
  });
  it('inserts, moves (clamped) and deletes vertices', () => {
    const r = square(10, 10, 20);
    assert.deepEqual(insertVertex(r, 0, { x: 20, y: 10 }), [10, 10, 20, 10, 30, 10, 30, 30, 10, 30]);
    assert.deepEqual(insertVertex(r, 3, { x: 10, y: 20 }), [10, 10, 30, 10, 30, 30, 10, 30, 10, 20]);
    assert.deepEqual(moveVertex(r, 1, { x: 150, y: -5 }, size), [10, 10, 100, 0, 30, 30, 10, 30]);
    assert.deepEqual(deleteVertex(r, 0), [30, 10, 30, 30, 10, 30]);
    assert.equal(deleteVertex([0, 0, 1, 0, 0, 1], 0), undefined);
  });
  it('moves whole objects but stops at the image edge', () => {
    assert.deepEqual(moveRings([square(10, 10, 20)], -50, 5, size), [square(0, 15, 20)]);
  });
  it('closes a path near its first point only with 3+ points; rejects degenerate rings', () => {
    assert.equal(closesPath([0, 0, 10, 0, 10, 10], { x: 1, y: 1 }, 3), true);
    assert.equal(closesPath([0, 0, 10, 0], { x: 1, y: 1 }, 3), false);
    assert.equal(isValidRing([0, 0, 5, 5, 10, 10]), false);
    assert.equal(isValidRing(square(0, 0, 5)), true);
  });
});
