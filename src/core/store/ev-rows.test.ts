import { strict as assert } from 'node:assert';
import type { Annotation } from '../model';
import { packAnn } from './ann-text';
import { packSubmitAnn } from './ev-rows';

describe('ev-rows packSubmitAnn', () => {
  it('gives packAnn\'s text for every annotation, whatever its field order, extra fields or labels, read once or many times', () => {
    const lines = [
      '{"kind":"classes","labels":["pos"]}',
      '{"kind":"classes","labels":["neg","pos"]}',
      '{"kind":"classes","labels":["pos","neg"]}',
      '{"kind":"classes","labels":[]}',
      '{"kind":"classes","labels":[""]}',
      '{"kind":"classes","labels":["",""]}',
      '{"kind":"classes","labels":["a\\u0000b"]}',
      '{"kind":"classes","labels":["a","b"]}',
      '{"kind":"classes","labels":["a\\"b","\\u00e9\\ud83d\\ude00"]}',
      '{"labels":["pos"],"kind":"classes"}',
      '{"kind":"classes","labels":["pos"],"note":"x"}',
      '{"kind":"classes","note":"x","labels":["pos"]}',
      '{"kind":"classes","labels":[1]}',
      '{"kind":"spans","spans":[{"start":0,"end":4,"label":"PER"}]}',
    ];
    for (let round = 0; round < 3; round++) {
      for (const line of lines) {
        const a = JSON.parse(line) as Annotation;
        assert.equal(packSubmitAnn(a), packAnn(a), `${line} (read ${round + 1} times)`);
      }
    }
  });
});
