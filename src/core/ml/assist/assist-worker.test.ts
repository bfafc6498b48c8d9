import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import { sentimentSplit } from '../text-model-testdata';
import { AssistModel } from './assist-model';
import { assistTrain, assistValidate, packedBuffers, packTrainingSet, TrainingSetPacker, unpackTrainingSet, utf16Bytes, utf16String } from './assist-worker';
import { parseHoldout } from './holdout-file';
import { trainAndValidate } from './train';
import type { TrainingSet } from './training-set';

describe('ML assist: the training set packed for the worker (assist-worker.ts)', () => {
  const set: TrainingSet = {
    projectId: 'p',
    type: 'text-ner',
    examples: [
      { key: 'data/a.csv#1', text: 'Jane went to Paris.', final: { kind: 'spans', spans: [{ start: 0, end: 4, label: 'PER' }, { start: 13, end: 18, label: 'LOC' }] } },
      { key: 'docs/é😀.txt', text: '', final: { kind: 'spans', spans: [] } },
      { key: 'data/a.csv#3', text: 'émoji 😀 and\nnew lines\u0000 and NULs', final: { kind: 'spans', spans: [{ start: 0, end: 5, label: 'MISC' }] } },
      { key: 'lone\ud800', text: 'a lone surrogate \udc00 and a pair \ud83d\ude00', final: { kind: 'spans', spans: [] } },
    ],
    withoutText: ['docs/gone.txt'],
  };

  it('unpacks to exactly the set it packed: keys, texts (any characters, lone surrogates, empty ones) and finals in order; posting moves every buffer', () => {
    const packed = packTrainingSet(set);
    assert.ok([packed.keys, packed.texts, packed.finals].every((chunks) => chunks.length === 1 && chunks[0] instanceof Uint8Array));
    assert.ok(packed.lengths instanceof Int32Array && packed.lengths.length === 8);
    const buffers = packedBuffers(packed);
    assert.equal(new Set(buffers).size, 4, 'a buffer of its own for each');
    // Posted as the pipeline posts it: the buffers are moved (detached here), the set arrives whole.
    const posted = structuredClone(packed, { transfer: buffers });
    assert.equal(packed.lengths.length, 0);
    assert.equal(packed.texts[0]!.byteLength, 0);
    assert.deepEqual(unpackTrainingSet(posted), set);
    assert.deepEqual(unpackTrainingSet(packTrainingSet({ ...set, examples: [] })), { ...set, examples: [] });
  });

  it('refuses lengths that do not match the examples or do not cover the texts, naming the field', () => {
    const packed = packTrainingSet(set);
    assert.throws(() => unpackTrainingSet({ ...packed, lengths: packed.lengths.subarray(1) }), (e: unknown) => e instanceof LabelingError && /packed\.lengths/.test(e.message));
    assert.throws(() => unpackTrainingSet({ ...packed, texts: [...packed.texts, utf16Bytes('x')] }), /do not cover the keys and texts/);
    assert.throws(() => unpackTrainingSet({ ...packed, keys: 'abc' as never }), (e: unknown) => e instanceof LabelingError && /packed\.keys: assist-train: must be a list of UTF-16 byte chunks/.test(e.message));
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
    assert.equal(packed.texts.length, 3, 'chunks of 1,024 examples');
    assert.equal(utf16String(packed.keys), examples.map((e) => e.key).join(''));
    assert.equal(utf16String(packed.texts), examples.map((e) => e.text).join(''));
    assert.equal(`[${packed.finals.map((c) => utf16String([c])).join(',')}]`, JSON.stringify(examples.map((e) => e.final)));
    assert.deepEqual(Array.from(packed.lengths), [...examples.map((e) => e.key.length), ...examples.map((e) => e.text.length)]);
    assert.deepEqual(unpackTrainingSet(structuredClone(packed)), big);
    assert.deepEqual(packTrainingSet(big), packed);
  });

  it('answers the files to save as bytes: the model, the validation model and the held-out examples; validated from them, the figures of trainAndValidate', async () => {
    const { train } = sentimentSplit();
    const examples = train.texts.slice(0, 200).map((text, i) => ({ key: `k${String(i).padStart(4, '0')}`, text, final: { kind: 'classes' as const, labels: [train.labels[i]!] } }));
    const trainingSet: TrainingSet = { projectId: 'p', type: 'text-classification', examples, withoutText: [] };
    const def = { type: 'text-classification' as const, queueSeed: 7, mlAssist: { enabled: true, targetPrecision: 0.7 } };
    const out = await assistTrain({ packed: packTrainingSet(trainingSet), def, options: { minItems: 5 } });
    const combined = await trainAndValidate(trainingSet, def, { minItems: 5 });
    assert.equal(out.model.type, 'text-classification');
    assert.equal(Buffer.from(out.model.bytes).toString('utf8'), JSON.stringify(combined.model.toJSON()));
    assert.deepEqual(AssistModel.fromJSON(JSON.parse(Buffer.from(out.model.bytes).toString('utf8'))).toJSON(), combined.model.toJSON());
    assert.deepEqual([out.trainedOn, out.labels, out.retrained, out.holdout.items, out.targetPrecision], [200, 200, true, 40, 0.7]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assist-worker-'));
    try {
      const validatorFile = path.join(dir, 'validator.json');
      const holdoutFile = path.join(dir, 'holdout.jsonl');
      fs.writeFileSync(validatorFile, out.validator!.bytes);
      fs.writeFileSync(holdoutFile, out.holdout.bytes);
      const held = parseHoldout(fs.readFileSync(holdoutFile, 'utf8'), holdoutFile);
      assert.deepEqual(held.header, { format: 'data-labeling.assist-holdout', formatVersion: 1, type: 'text-classification', items: 40, labels: 200, targetPrecision: 0.7, minItems: 5 });
      assert.ok(held.texts!.every((e) => examples.some((x) => x.key === e.key && x.text === e.text && JSON.stringify(x.final) === JSON.stringify(e.final))));
      const v = await assistValidate({ validatorFile, holdoutFile }, 'text');
      assert.deepEqual(v.validation, combined.validation);
      assert.equal(v.predictions, combined.heldOut.length);
      await assert.rejects(assistValidate({ validatorFile, holdoutFile }, 'image'), /assist-validate-images: validates image models; the validation model is a text-classification model/);
      // Above retrainUpTo the validation model is the saved one: no separate file.
      const big = await assistTrain({ set: trainingSet, def, options: { retrainUpTo: 100 } });
      assert.deepEqual([big.retrained, big.validator, big.trainedOn], [false, undefined, 160]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
