import { strict as assert } from 'node:assert';
import type { Annotation } from '../model';
import { packAnn, packAnnText, unpackAnn, unpackAnnText } from './ann-text';

const samples: Annotation[] = [
  { kind: 'classes', labels: ['pos'] },
  { kind: 'classes', labels: [] },
  { kind: 'spans', spans: [{ start: 0, end: 4, label: 'PER' }] },
  { kind: 'boxes', boxes: [{ x: 1, y: 2, w: 3, h: 4, label: 'car' }] },
  { kind: 'polygons', polygons: [{ label: 'roof', rings: [[0, 0, 1, 0, 1, 1]] }] },
];

describe('ann-text', () => {
  it('packs every kind shorter and unpacks to the same annotation', () => {
    for (const a of samples) {
      const packed = packAnn(a);
      assert.ok(packed.length < JSON.stringify(a).length - 10, packed);
      assert.deepEqual(unpackAnn(packed), a);
    }
    assert.equal(packAnn({ kind: 'classes', labels: ['pos'] }), '\u0002["pos"]');
  });

  it('is a lossless text transform: other key orders, extra keys and non-annotations pass through', () => {
    for (const json of ['{"labels":["a"],"kind":"classes"}', '{"kind":"classes","labels":["a"],"note":"x"}', 'null', '"text"', '[1,2]']) {
      assert.equal(unpackAnnText(packAnnText(json)), json);
    }
    assert.equal(packAnnText('{"labels":["a"],"kind":"classes"}'), '{"labels":["a"],"kind":"classes"}');
  });

  it('keeps different annotations different and equal ones equal (consensus compares packed texts)', () => {
    const texts = samples.map(packAnn);
    assert.equal(new Set(texts).size, samples.length);
    assert.equal(packAnn({ kind: 'classes', labels: ['pos'] }), packAnn(JSON.parse('{"kind":"classes","labels":["pos"]}') as Annotation));
  });
});
