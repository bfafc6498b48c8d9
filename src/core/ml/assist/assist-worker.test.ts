import { strict as assert } from 'node:assert';
import { LabelingError } from '../../errors';
import { packTrainingSet, unpackTrainingSet } from './assist-worker';
import type { TrainingSet } from './training-set';

describe('ML assist: the training set packed for the worker (assist-worker.ts)', () => {
  const set: TrainingSet = {
    projectId: 'p',
    type: 'text-ner',
    examples: [
      { key: 'data/a.csv#1', text: 'Jane went to Paris.', final: { kind: 'spans', spans: [{ start: 0, end: 4, label: 'PER' }, { start: 13, end: 18, label: 'LOC' }] } },
      { key: 'docs/é😀.txt', text: '', final: { kind: 'spans', spans: [] } },
      { key: 'data/a.csv#3', text: 'émoji 😀 and\nnew lines\u0000 and NULs', final: { kind: 'spans', spans: [{ start: 0, end: 5, label: 'MISC' }] } },
    ],
    withoutText: ['docs/gone.txt'],
  };

  it('unpacks to exactly the set it packed: keys, texts (any characters, empty ones) and finals in order', () => {
    const packed = packTrainingSet(set);
    assert.equal(typeof packed.texts, 'string');
    assert.ok(packed.lengths instanceof Int32Array && packed.lengths.length === 6);
    assert.deepEqual(unpackTrainingSet(structuredClone(packed)), set);
    assert.deepEqual(unpackTrainingSet(packTrainingSet({ ...set, examples: [] })), { ...set, examples: [] });
  });

  it('refuses lengths that do not match the examples or do not cover the texts, naming the field', () => {
    const packed = packTrainingSet(set);
    assert.throws(() => unpackTrainingSet({ ...packed, lengths: packed.lengths.subarray(1) }), (e: unknown) => e instanceof LabelingError && /packed\.lengths/.test(e.message));
    assert.throws(() => unpackTrainingSet({ ...packed, texts: packed.texts + 'x' }), /do not cover the keys and texts/);
  });
});
