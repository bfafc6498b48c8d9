import { strict as assert } from 'node:assert';
import type { Span } from '../model';
import { chunkBoundaries, chunkSegments, layoutChunks, layoutSpans } from './layout';

const span = (start: number, end: number, label = 'PER'): Span => ({ start, end, label });
const flat = (segs: { start: number; end: number; spans: readonly number[] }[]) => segs.map((s) => [s.start, s.end, [...s.spans]]);

describe('span layout', () => {
  it('splits text into plain and labelled segments covering every character', () => {
    assert.deepEqual(flat(layoutSpans(20, [span(3, 7), span(10, 12, 'ORG')])), [
      [0, 3, []], [3, 7, [0]], [7, 10, []], [10, 12, [1]], [12, 20, []],
    ]);
  });
  it('handles spans in any order, touching spans, and spans at the edges', () => {
    assert.deepEqual(flat(layoutSpans(10, [span(5, 10), span(0, 5)])), [[0, 5, [1]], [5, 10, [0]]]);
  });
  it('lists every covering span where imported spans overlap, and clips out-of-range spans', () => {
    assert.deepEqual(flat(layoutSpans(10, [span(0, 6), span(4, 8), span(9, 50), span(3, 3)])), [
      [0, 4, [0]], [4, 6, [0, 1]], [6, 8, [1]], [8, 9, []], [9, 10, [2]],
    ]);
  });
  it('cuts chunks after line breaks once the target size is reached', () => {
    const text = 'aaaa\nbbbb\ncccc\ndddd';
    assert.deepEqual(chunkBoundaries(text, 6), [0, 10, text.length]);
    assert.deepEqual(chunkBoundaries('short', 6), [0, 5]);
  });
  it('cuts at the last white space when a paragraph has no line break', () => {
    const text = 'word '.repeat(100);
    const cuts = chunkBoundaries(text, 50);
    for (const c of cuts.slice(1, -1)) assert.equal(text[c - 1], ' ');
    assert.equal(cuts.at(-1), text.length);
  });
  it('splits a span that crosses a chunk boundary into both chunks', () => {
    const spans = [span(2, 8)];
    const chunks = chunkSegments(layoutSpans(10, spans), [0, 5, 10], spans);
    assert.deepEqual(chunks.map((c) => flat(c.segments)), [[[0, 2, []], [2, 5, [0]]], [[5, 8, [0]], [8, 10, []]]]);
  });
  it('changes only the signature of the chunk whose spans changed', () => {
    const text = `${'x '.repeat(40)}\n${'y '.repeat(40)}\n${'z '.repeat(40)}`;
    const before = layoutChunks(text, [span(0, 1), span(170, 171)], 50);
    const after = layoutChunks(text, [span(0, 1), span(84, 85, 'LOC'), span(170, 171)], 50);
    assert.equal(before.length, 3);
    assert.equal(before[0]!.signature, after[0]!.signature);
    assert.notEqual(before[1]!.signature, after[1]!.signature);
    assert.equal(before[2]!.signature, after[2]!.signature, 'a later span whose index shifted keeps its signature');
  });
});
