import { strict as assert } from 'node:assert';
import type { Annotation } from '../model';
import { annotationsAgree, consensusOf } from './agreement';

const boxes = (...b: [string, number, number, number, number][]): Annotation => ({ kind: 'boxes', boxes: b.map(([label, x, y, w, h]) => ({ label, x, y, w, h })) });

describe('agreement', () => {
  it('classes agree on the same label set, in any order', () => {
    assert.ok(annotationsAgree({ kind: 'classes', labels: ['a', 'b'] }, { kind: 'classes', labels: ['b', 'a'] }));
    assert.ok(!annotationsAgree({ kind: 'classes', labels: ['a'] }, { kind: 'classes', labels: ['a', 'b'] }));
  });

  it('spans agree only on identical (start, end, label) sets', () => {
    const s = (start: number, end: number, label = 'PER'): Annotation => ({ kind: 'spans', spans: [{ start, end, label }] });
    assert.ok(annotationsAgree(s(0, 5), s(0, 5)));
    assert.ok(!annotationsAgree(s(0, 5), s(0, 6)));
    assert.ok(!annotationsAgree(s(0, 5), s(0, 5, 'ORG')));
  });

  it('boxes agree when each box matches a same-label box with IoU >= 0.5', () => {
    assert.ok(annotationsAgree(boxes(['car', 0, 0, 10, 10], ['dog', 50, 50, 5, 5]), boxes(['dog', 50, 50, 5, 5], ['car', 1, 1, 10, 10])));
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['car', 6, 0, 10, 10]))); // IoU 4/16
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['dog', 0, 0, 10, 10])));
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['car', 0, 0, 10, 10], ['car', 0, 0, 10, 10])));
  });

  it('polygons compare by the bounding boxes of their rings', () => {
    const poly = (dx: number): Annotation => ({ kind: 'polygons', polygons: [{ label: 'x', rings: [[dx, 0, dx + 10, 0, dx + 10, 10, dx, 10]] }] });
    assert.ok(annotationsAgree(poly(0), poly(1)));
    assert.ok(!annotationsAgree(poly(0), poly(8)));
  });

  it('takes the largest agreeing group; ties go to the group formed first', () => {
    const c = (l: string): Annotation => ({ kind: 'classes', labels: [l] });
    const r = consensusOf([c('a'), c('b'), c('b')], (x) => x);
    assert.deepEqual([r.top.length, r.top[0], r.agreement], [2, c('b'), 2 / 3]);
    assert.deepEqual(consensusOf([c('a'), c('b')], (x) => x).top, [c('a')]);
  });
});
