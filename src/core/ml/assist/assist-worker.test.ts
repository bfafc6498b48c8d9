import { strict as assert } from 'node:assert';
import { LabelingError } from '../../errors';
import { sentimentSplit } from '../text-model-testdata';
import { AssistModel } from './assist-model';
import { assistTrain, packTrainingSet, TrainingSetPacker, unpackTrainingSet } from './assist-worker';
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

  it('packed example by example over several chunks, gives the strings of one join and one JSON of the finals', () => {
    const examples = Array.from({ length: 2500 }, (_, i) => ({
      key: `data/a.csv#${i}${i % 7 ? '' : 'é😀'}`,
      text: i % 11 ? `text ${i} "quoted" ${'x'.repeat(i % 13)}` : '',
      final: { kind: 'classes' as const, labels: i % 5 ? [`l${i % 3}`] : ['a,b', 'c"d'] },
    }));
    const big: TrainingSet = { projectId: 'p', type: 'text-multilabel', examples, withoutText: ['gone'] };
    const packer = new TrainingSetPacker();
    for (const e of examples) packer.add(e);
    const packed = packer.finish(big);
    assert.equal(packer.size, 2500);
    assert.equal(packed.keys, examples.map((e) => e.key).join(''));
    assert.equal(packed.texts, examples.map((e) => e.text).join(''));
    assert.equal(packed.finals, JSON.stringify(examples.map((e) => e.final)));
    assert.deepEqual(Array.from(packed.lengths), [...examples.map((e) => e.key.length), ...examples.map((e) => e.text.length)]);
    assert.deepEqual(unpackTrainingSet(structuredClone(packed)), big);
    assert.deepEqual(packTrainingSet(big), packed);
  });

  it('asFile answers the model as the bytes of its saved file, the same model, without the held-out predictions', async () => {
    const { train } = sentimentSplit();
    const examples = train.texts.slice(0, 200).map((text, i) => ({ key: `k${String(i).padStart(4, '0')}`, text, final: { kind: 'classes' as const, labels: [train.labels[i]!] } }));
    const input = { packed: packTrainingSet({ projectId: 'p', type: 'text-classification', examples, withoutText: [] }), def: { type: 'text-classification' as const, queueSeed: 7, mlAssist: { enabled: true } } };
    const asJson = await assistTrain(structuredClone(input));
    const asFile = await assistTrain({ ...structuredClone(input), asFile: true });
    assert.ok(asJson.model && !asJson.modelFile);
    assert.ok(asFile.modelFile && !asFile.model && !('heldOut' in asFile));
    assert.equal(asFile.modelFile.type, 'text-classification');
    assert.equal(Buffer.from(asFile.modelFile.bytes).toString('utf8'), JSON.stringify(asJson.model));
    assert.deepEqual(AssistModel.fromJSON(JSON.parse(Buffer.from(asFile.modelFile.bytes).toString('utf8'))).toJSON(), asJson.model);
    const { model: _m, heldOut: _h, ...figures } = asJson;
    const { modelFile: _f, ...fileFigures } = asFile;
    assert.deepEqual(fileFigures, figures);
  });
});
