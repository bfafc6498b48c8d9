import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { HASH_CHUNK } from '../journal/marks';
import { AssistModel } from '../ml/assist/assist-model';
import { digitPng } from '../ml/assist/image-assist-fixture';
import { predictImageFiles, trainImagesFromFiles, type ImageExample } from '../ml/assist/image-train';
import type { TrainingSet } from '../ml/assist/training-set';
import { mnistDigit } from '../ml/image-model-testdata';
import { sentimentSplit } from '../ml/text-model-testdata';
import { cleanupWorkspaces, tempWorkspace } from '../store/test-support';
import { trainTextModel } from '../ml/text-model';
import type { WorkerSessionName, WorkerTaskName } from './tasks';
import { runWorkerTask, WorkerSession } from './worker-client';
import { bundleWorker } from './worker-fixture';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const isCancelled = (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled';

describe('worker tasks in a real worker thread', function () {
  this.timeout(60_000);
  let worker: Awaited<ReturnType<typeof bundleWorker>>;
  let WORKER: string;
  before(async () => {
    worker = await bundleWorker();
    WORKER = worker.file;
  });
  after(() => worker?.dispose());

  it('hash-chunks gives the SHA-256 of every HASH_CHUNK bytes, the last one short, and moves the buffer', async () => {
    const bytes = randomBytes(2 * HASH_CHUNK + 12345);
    const expected = [sha(bytes.subarray(0, HASH_CHUNK)), sha(bytes.subarray(HASH_CHUNK, 2 * HASH_CHUNK)), sha(bytes.subarray(2 * HASH_CHUNK))];
    const copy = new Uint8Array(bytes);
    const out = await runWorkerTask(WORKER, 'hash-chunks', { bytes: copy }, { transfer: [copy.buffer] });
    assert.deepEqual(out, expected);
    assert.equal(copy.byteLength, 0, 'the bytes were transferred, not copied');
  });

  it('hash-chunks of nothing is no chunk', async () => {
    assert.deepEqual(await runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(0) }), []);
  });

  it("a task's error comes back as a LabelingError with its reason; an unknown task is refused", async () => {
    await assert.rejects(
      runWorkerTask(WORKER, 'hash-chunks', { bytes: 'text' as unknown as Uint8Array }),
      (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /hash-chunks takes bytes/.test(e.message),
    );
    await assert.rejects(runWorkerTask(WORKER, 'nope' as WorkerTaskName, { bytes: new Uint8Array(1) }), /no worker task named "nope"/);
  });

  it('an abort terminates the thread and rejects as cancelled', async () => {
    const abort = new AbortController();
    const p = runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(64 * HASH_CHUNK) }, { signal: abort.signal });
    abort.abort();
    await assert.rejects(p, isCancelled);
    await assert.rejects(runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(1) }, { signal: abort.signal }), isCancelled);
  });

  it('progress a task reports reaches onProgress while it runs, before the answer', async () => {
    const { train } = sentimentSplit();
    const examples = train.texts.slice(0, 120).map((text, i) => ({ key: `k${String(i).padStart(4, '0')}`, text, final: { kind: 'classes' as const, labels: [train.labels[i]!] } }));
    const set: TrainingSet = { projectId: 'p', type: 'text-classification', examples, withoutText: [] };
    const seen: { fraction: number; message?: string }[] = [];
    let answered = false;
    const out = await runWorkerTask(
      WORKER,
      'assist-train',
      { set, def: { type: 'text-classification', queueSeed: 7, mlAssist: { enabled: true } } },
      {
        onProgress: (fraction, message) => {
          assert.equal(answered, false, 'progress comes before the answer');
          seen.push({ fraction, ...(message !== undefined ? { message } : {}) });
        },
      },
    ).then((o) => ((answered = true), o));
    assert.equal(out.trainedOn, 120);
    assert.ok(seen.length >= 2, `progress messages: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((p) => p.message?.startsWith('Training the validation model')), JSON.stringify(seen));
    assert.ok(seen.every((p) => p.fraction >= 0 && p.fraction <= 1));
    assert.equal(seen[seen.length - 1]!.fraction, 1, 'the last progress held back is posted before the answer');
  });

  describe('sessions', () => {
    let model: AssistModel;
    let texts: string[];
    before(async () => {
      const { train, test } = sentimentSplit();
      model = AssistModel.ofText('text-classification', await trainTextModel(train.texts.slice(0, 300), train.labels.slice(0, 300)));
      texts = test.texts.slice(0, 90);
    });

    it('loads the model once and predicts batch after batch exactly as this thread does', async () => {
      const s = await WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() });
      try {
        assert.deepEqual(s.info, { type: 'text-classification', name: 'tfidf-logreg', trainedOn: 300 });
        for (const batch of [texts.slice(0, 40), texts.slice(40, 41), [], texts.slice(41)]) {
          assert.deepEqual(await s.call({ texts: batch }), batch.map((t) => model.predict(t)));
        }
      } finally {
        s.close();
      }
    });

    it("a bad model or a bad call is refused with the field; an unknown session is refused; the session survives a call's error", async () => {
      await assert.rejects(
        WorkerSession.start(WORKER, 'assist-predict', { model: { type: 'image-detection' } as never }),
        (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /type: must be text-classification/.test(e.message),
      );
      await assert.rejects(WorkerSession.start(WORKER, 'nope' as WorkerSessionName, { model: model.toJSON() }), /no worker session named "nope"/);
      const s = await WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() });
      try {
        await assert.rejects(s.call({ texts: ['fine', 3 as unknown as string] }), /texts\[1\]: assist-predict: must be a string/);
        assert.deepEqual(await s.call({ texts: ['fine'] }), [model.predict('fine')]);
      } finally {
        s.close();
      }
    });

    it('an abort terminates the session: the pending call and every later one reject as cancelled; so do calls after close', async () => {
      const abort = new AbortController();
      const s = await WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() }, { signal: abort.signal });
      const many = Array.from({ length: 200 }, () => texts).flat();
      const pending = s.call({ texts: many });
      abort.abort();
      await assert.rejects(pending, isCancelled);
      await assert.rejects(s.call({ texts: ['x'] }), isCancelled);
      const t = await WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() });
      t.close();
      await assert.rejects(t.call({ texts: ['x'] }), isCancelled);
      await assert.rejects(WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() }, { signal: abort.signal }), isCancelled);
    });
  });

  describe('image tasks and sessions: the files are read, decoded and featurised in the worker', () => {
    let dir: string;
    let examples: ImageExample[];
    const def = { type: 'image-classification' as const, queueSeed: 3, mlAssist: { enabled: true } };
    before(() => {
      dir = tempWorkspace();
      examples = [];
      for (const d of [1, 7]) {
        mnistDigit(d, 20).forEach((img, i) => {
          const file = path.join(dir, `d${d}-${i}.png`);
          fs.writeFileSync(file, digitPng(img));
          examples.push({ key: `k${d}-${i}`, file, labels: [String(d)] });
        });
      }
      examples.push({ key: 'gone', file: path.join(dir, 'gone.png'), labels: ['1'] });
    });
    after(cleanupWorkspaces);

    it('assist-train-images trains as this thread does, with featurising progress, and answers the unreadable files; assist-validate-images gives the figures of one combined call', async () => {
      const options = { minItems: 5, features: { pixels: 8 } };
      const seen: string[] = [];
      const out = await runWorkerTask(WORKER, 'assist-train-images', { examples, def, options }, { onProgress: (_f, m) => m && seen.push(m) });
      const here = await trainImagesFromFiles(examples, def, options);
      assert.equal(Buffer.from(out.model.bytes).toString('utf8'), JSON.stringify(here.model.toJSON()));
      assert.ok(out.validator && out.holdout.items === 8, `${out.holdout.items} held out`);
      const validatorFile = path.join(dir, 'validator.json');
      const holdoutFile = path.join(dir, 'holdout.jsonl');
      fs.writeFileSync(validatorFile, out.validator.bytes);
      fs.writeFileSync(holdoutFile, out.holdout.bytes);
      const validated = await runWorkerTask(WORKER, 'assist-validate-images', { validatorFile, holdoutFile });
      assert.deepEqual(validated.validation, here.validation);
      assert.equal(validated.predictions, here.heldOut.length);
      await assert.rejects(runWorkerTask(WORKER, 'assist-validate', { validatorFile, holdoutFile }), /assist-validate: validates text models; the validation model is a image-classification model/);
      assert.equal(out.trainedOn, 40);
      assert.deepEqual(out.withoutFeatures, ['gone']);
      assert.deepEqual(out.skipped.map((s) => s.file), [path.join(dir, 'gone.png')]);
      assert.match(out.skipped[0]!.reason, /no such file/);
      assert.ok(seen.some((m) => /^features: \d+ of 41 images/.test(m)), JSON.stringify(seen.slice(0, 5)));
      await assert.rejects(runWorkerTask(WORKER, 'assist-train-images', { examples: 'x' as never, def }), /examples: assist-train-images: must be the list of labeled images/);
      await assert.rejects(
        runWorkerTask(WORKER, 'assist-train-images', { examples, def: { ...def, type: 'text-classification' } }),
        /def\.type: assist-train-images: must be an image classification project type, got "text-classification"/,
      );
    });

    it('assist-predict-images loads an image model once and predicts files as this thread does; text and image sessions refuse the other kind of model', async () => {
      const { model } = await trainImagesFromFiles(examples, def, { minItems: 5 });
      const files = [...examples.map((e) => e.file).slice(15, 25), path.join(dir, 'gone.png')];
      const s = await WorkerSession.start(WORKER, 'assist-predict-images', { model: model.toJSON() });
      try {
        assert.deepEqual(s.info, { type: 'image-classification', name: 'image-features-logreg', trainedOn: 40 });
        const answered = await s.call({ files });
        assert.deepEqual(answered, await predictImageFiles(model, files));
        assert.ok('skipped' in answered[10]! && /no such file/.test(answered[10].skipped), JSON.stringify(answered[10]));
        assert.ok(answered.slice(0, 10).every((a) => 'prediction' in a));
        await assert.rejects(s.call({ files: [files[0]!, 7 as unknown as string] }), /files\[1\]: assist-predict-images: must be a string/);
        assert.deepEqual(await s.call({ files: [] }), []);
      } finally {
        s.close();
      }
      await assert.rejects(WorkerSession.start(WORKER, 'assist-predict', { model: model.toJSON() }), /assist-predict: predicts texts; the model is a image-classification model \(the assist-predict-images session/);
      const text = AssistModel.ofText('text-classification', await trainTextModel(['good', 'bad', 'fine', 'awful'], ['p', 'n', 'p', 'n']));
      await assert.rejects(WorkerSession.start(WORKER, 'assist-predict-images', { model: text.toJSON() }), /assist-predict-images: predicts image files; the model is a text-classification model/);
    });
  });
});
