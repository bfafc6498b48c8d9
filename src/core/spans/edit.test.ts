import { strict as assert } from 'node:assert';
import type { Span } from '../model';
import { addSpan, findOverlap, relabelSpan, removeSpan, sortSpans, spanAtOffset } from './edit';

const span = (start: number, end: number, label = 'PER'): Span => ({ start, end, label });

describe('span editing', () => {
  const spans = [span(0, 4), span(10, 15, 'ORG')];
  it('detects overlap but allows touching spans', () => {
    assert.equal(findOverlap(spans, 3, 6), 0);
    assert.equal(findOverlap(spans, 4, 10), -1);
    assert.equal(findOverlap(spans, 0, 4, 0), -1);
  });
  it('adds spans in sorted order', () => {
    const r = addSpan(spans, span(5, 8, 'LOC'));
    assert.ok(r.ok);
    assert.equal(r.index, 1);
    assert.deepEqual(r.spans.map((s) => s.start), [0, 5, 10]);
  });
  it('refuses an overlapping span with a message naming the other span', () => {
    const r = addSpan(spans, span(12, 20), 'John went to Acme Corp today.');
    assert.ok(!r.ok);
    assert.equal(r.conflict, 1);
    assert.match(r.message, /overlap.*"to Ac".*ORG/);
    assert.equal(addSpan(spans, span(5, 5)).ok, false);
  });
  it('finds, relabels and removes spans', () => {
    assert.equal(spanAtOffset(spans, 14), 1);
    assert.equal(spanAtOffset(spans, 15), -1);
    assert.equal(relabelSpan(spans, 0, 'LOC')[0]!.label, 'LOC');
    assert.deepEqual(removeSpan(spans, 0), [span(10, 15, 'ORG')]);
    assert.deepEqual(sortSpans([span(5, 6), span(1, 2)]).map((s) => s.start), [1, 5]);
  });
});
