import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import { bundleWorker } from '../../jobs/worker-fixture';
import type { ProjectStore } from '../../store/project-store';
import { classes, cleanupWorkspaces, openStore, tempWorkspace } from '../../store/test-support';
import { mnistDigit } from '../image-model-testdata';
import { tempFiles } from './assist-fixture';
import { AssistModel } from './assist-model';
import { cancelTrainingAt, digitPng, digitProject, fileOf, type DigitProject } from './image-assist-fixture';
import { trainImagesFromFiles } from './image-train';
import { ASSIST_IMAGE_TYPES, collectImageTrainingSet } from './image-training-set';
import { listModels, modelsDir } from './model-store';
import { loadLatestModel } from './model-load';
import { prelabelQueue, trainAssistModel, validateAssistModel } from './pipeline';
import { readSuggestions, suggestionsFile } from './predict-queue';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** A labeled PNG file cut short: it cannot be decoded. */
const BROKEN = 'img/zz-broken.png';
/** An unlabeled one. */
const UNREAD = 'img/zz-unread.png';

type Line = { item: string; label?: string; labels?: string[]; confidence: number };
const readLines = (file: string): Line[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

describe('ML assist pipeline for image classification in a real worker thread', function () {
  this.timeout(120_000);
  let worker: Awaited<ReturnType<typeof bundleWorker>>;
  let p: DigitProject;
  let store: ProjectStore;
  /** The unlabeled file replaced by a symbolic link out of the workspace. */
  let linked: string;

  before(async () => {
    worker = await bundleWorker();
    // 400 digits, 300 labeled (30 of each), the broken file labeled too; 100 digits and one broken file unlabeled.
    const cut = digitPng(mnistDigit(3, 1)[0]!).subarray(0, 200);
    p = await digitProject('image-classification', DIGITS, 40, 30, (d) => classes(String(d)), { targetPrecision: 0.9, extra: { [BROKEN]: { bytes: cut, ann: classes('3') } } });
    fs.writeFileSync(path.join(p.root, UNREAD), cut);
    store = await openStore(p, 'lead', 'd');
    linked = p.unlabeled[5]!.key;
    assert.equal(store.getItem(linked)!.state, 'unlabeled');
    const elsewhere = tempWorkspace();
    fs.writeFileSync(path.join(elsewhere, 'secret.png'), digitPng(mnistDigit(4, 1)[0]!));
    fs.rmSync(path.join(p.root, linked));
    fs.symlinkSync(path.join(elsewhere, 'secret.png'), path.join(p.root, linked));
  });
  after(async () => {
    await store?.close();
    worker?.dispose();
    cleanupWorkspaces();
  });

  it('trains in the worker (files featurised there, with progress); the model is the one this process trains, byte for byte; the corrupt image is skipped and named', async () => {
    const here = await trainAssistModel(store, { root: p.root });
    const progress: { fraction: number; message: string }[] = [];
    const log: string[] = [];
    const there = await trainAssistModel(store, { root: p.root, workerFile: worker.file, onProgress: (fraction, message) => progress.push({ fraction, message }), log: (l) => log.push(l) });
    assert.equal(there.manifest.version, here.manifest.version + 1);
    assert.deepEqual([there.manifest.type, there.manifest.model], ['image-classification', 'image-features-logreg']);
    assert.deepEqual([there.manifest.validation, there.heldOut], [null, 60]);
    assert.equal(there.trainedOn, 300);
    assert.deepEqual(there.outside, []);
    assert.deepEqual(
      there.skipped!.map((s) => [s.file, s.reason.replace(/\(.*\)/, '(...)')]),
      [[path.join(p.root, BROKEN), 'cannot decode this PNG file (...): the file is damaged or truncated']],
    );
    assert.deepEqual(there.skipped, here.skipped);
    const dir = modelsDir(p.root, p.id);
    const modelOf = (m: typeof here.manifest) => fs.readFileSync(path.join(dir, m.modelFile), 'utf8');
    assert.equal(modelOf(there.manifest), modelOf(here.manifest), 'the same model file');
    const inputOf = (m: typeof here.manifest) => [m.validationInput!.holdoutFile, m.validationInput!.validatorFile!].map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    assert.deepEqual(inputOf(there.manifest), inputOf(here.manifest), 'the same held-out images and validation model');
    const { loaded } = await loadLatestModel(p.root, p.id, ASSIST_IMAGE_TYPES);
    assert.equal(loaded!.manifest.version, there.manifest.version);
    const a = AssistModel.fromAnyJSON(JSON.parse(modelOf(here.manifest)));
    for (const img of mnistDigit(6, 45).slice(40)) assert.deepEqual(loaded!.model.predict(img), a.predict(img));
    // The worker's featurising and training progress, within the training share of the whole.
    const inside = progress.filter((x) => x.fraction >= 0.05 && x.fraction < 0.95);
    const featurising = inside.filter((x) => /^features: \d+ of 301 images/.test(x.message));
    assert.ok(featurising.length >= 2, JSON.stringify(inside.slice(0, 10)));
    const training = inside.filter((x) => /^Training the validation model on \d+ images|^iteration \d+: loss/.test(x.message));
    assert.ok(training.length && training[0]!.fraction >= featurising[featurising.length - 1]!.fraction, JSON.stringify(inside.slice(-10)));
    assert.equal(progress[progress.length - 1]!.fraction, 1);
    const text = log.join('\n');
    for (const want of [
      /^read 301 final label\(s\) of 402 item\(s\) in \d/m,
      /^training image-classification on 301 image\(s\) in a worker thread/m,
      /^1 labeled image file\(s\) could not be read and were left out: img\/zz-broken\.png: cannot decode this PNG file/m,
      /^split: \d+ image\(s\) trained the validation model, 60 held out/m,
      new RegExp(`^saved version ${there.manifest.version} to .*models.*not validated yet`, 'm'),
    ]) {
      assert.match(text, want);
    }
  });

  it('validates in the worker on the held-out images\' vectors: the figures of trainAndValidateImages on the same labels and seed; a cancel leaves the manifest as it was', async () => {
    const combined = await trainImagesFromFiles((await collectImageTrainingSet(store, p.root)).examples, store.def);
    const dir = modelsDir(p.root, p.id);
    const newest = (await listModels(p.root, p.id)).manifests[0]!;
    assert.equal(newest.validation, null);
    await cancelTrainingAt(dir, (signal, onProgress) => validateAssistModel(store, { root: p.root, workerFile: worker.file, signal, onProgress }), (_f, m) => /^Validating: /.test(m));
    const log: string[] = [];
    const v = await validateAssistModel(store, { root: p.root, workerFile: worker.file, log: (l) => log.push(l) });
    assert.equal(v.manifest.version, newest.version);
    assert.deepEqual(v.manifest.validation, combined.validation);
    assert.notEqual(combined.validation.threshold, null, combined.validation.message);
    assert.ok(combined.validation.accuracy >= 0.8, `held-out accuracy ${combined.validation.accuracy}`);
    assert.match(log.join('\n'), /^validating image-features-logreg version \d+ on its 60 held-out image\(s\) in a worker thread/m);
    assert.deepEqual((await listModels(p.root, p.id)).manifests[0], v.manifest);
  });

  it('prelabels the queue in a worker session as in this process: suggestions only for unlabeled items above the threshold; the unreadable and the outside file are not predicted and named', async () => {
    const here = await prelabelQueue(store, { root: p.root, predictionsFile: path.join(p.root, 'here.jsonl') });
    const a = await readSuggestions(p.root, p.id);
    const log: string[] = [];
    const there = await prelabelQueue(store, { root: p.root, workerFile: worker.file, predictionsFile: path.join(p.root, 'there.jsonl'), sliceItems: 37, log: (l) => log.push(l) });
    const b = await readSuggestions(p.root, p.id);
    assert.deepEqual(b.problems, []);
    // 101 unlabeled items: the 99 readable digits are predicted; the link out of the workspace is not read, the broken file not decoded.
    assert.equal(there.result.predicted, 99);
    assert.equal(there.result.outside, 1);
    assert.equal(there.result.skipped, 1);
    assert.deepEqual(there.result.skippedFirst!.map((s) => s.item), [UNREAD]);
    assert.deepEqual({ ...there.result, file: '' }, { ...here.result, file: '' });
    assert.deepEqual(b.suggestions, a.suggestions);
    assert.deepEqual({ ...b.header, createdAt: '' }, { ...a.header, createdAt: '' });
    assert.equal(fs.readFileSync(path.join(p.root, 'there.jsonl'), 'utf8'), fs.readFileSync(path.join(p.root, 'here.jsonl'), 'utf8'));

    const threshold = there.manifest.validation.threshold!;
    assert.equal(there.manifest.version, (await listModels(p.root, p.id)).manifests[0]!.version, 'the version validated above');
    assert.equal(b.header!.threshold, threshold);
    assert.equal(b.header!.model, 'image-features-logreg');
    const lines = readLines(path.join(p.root, 'there.jsonl'));
    assert.equal(lines.length, 99);
    const digitOf = new Map(p.unlabeled.map((u) => [u.key, String(u.digit)]));
    assert.deepEqual(lines.map((l) => l.item).sort(), p.unlabeled.map((u) => u.key).filter((k) => k !== linked).sort());
    assert.ok(lines.every((l) => Object.keys(l).sort().join() === 'confidence,item,label' && DIGITS.includes(l.label!) && l.confidence > 0 && l.confidence <= 1));
    const right = lines.filter((l) => l.label === digitOf.get(l.item)).length;
    assert.ok(right / lines.length >= 0.8, `accuracy on the queue ${right / lines.length}`);
    // Exactly the predictions at or above the threshold are suggested, each for an unlabeled item at its version.
    const above = lines.filter((l) => l.confidence >= threshold);
    assert.ok(above.length > 0 && above.length < lines.length, `${above.length} of ${lines.length} above ${threshold}`);
    assert.deepEqual(
      b.suggestions.map((s) => [s.item, s.annotation, s.confidence]).sort(),
      above.map((l) => [l.item, { kind: 'classes', labels: [l.label] }, l.confidence]).sort(),
    );
    for (const s of b.suggestions) {
      const item = store.getItem(s.item)!;
      assert.equal(item.state, 'unlabeled');
      assert.equal(s.itemVersion, item.version);
    }
    const text = log.join('\n');
    assert.match(text, /^predicting 101 unlabeled queue item\(s\) in a worker thread$/m);
    assert.match(text, new RegExp(`^predicted 99 item\\(s\\) in .*: ${above.length} suggested at or above`, 'm'));
    assert.match(text, /^1 unlabeled item\(s\) not predicted: their path leads outside the workspace$/m);
    assert.match(text, /^1 unlabeled image file\(s\) could not be read and were not predicted: img\/zz-unread\.png: cannot decode this PNG file/m);
  });

  it('cancelling inference while the worker reads the files leaves the previous suggestions file byte for byte, and no temp file', async () => {
    const file = suggestionsFile(p.root, p.id);
    const before = fs.readFileSync(file);
    const predictionsFile = path.join(p.root, 'cancelled.jsonl');
    const ac = new AbortController();
    let progressed = 0;
    await assert.rejects(
      prelabelQueue(store, { root: p.root, workerFile: worker.file, predictionsFile, sliceItems: 20, sliceMs: 0, signal: ac.signal, onProgress: () => ++progressed === 30 && ac.abort() }),
      (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled',
    );
    assert.equal(progressed, 30);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(tempFiles(path.dirname(file)), []);
    assert.equal(fs.existsSync(predictionsFile), false);
    assert.deepEqual(tempFiles(p.root), []);
  });

  it('cancelling training while the worker featurises leaves the models folder exactly as it was', async () => {
    const at = await cancelTrainingAt(
      modelsDir(p.root, p.id),
      (signal, onProgress) => trainAssistModel(store, { root: p.root, workerFile: worker.file, signal, onProgress }),
      (_f, m) => /^features: [1-9]\d* of 301 images/.test(m),
    );
    assert.match(at, /^features: /);
  });
});

describe('ML assist pipeline for multi-label images in a real worker thread', function () {
  this.timeout(120_000);
  after(cleanupWorkspaces);

  it('trains and prelabels in the worker: label sets as in this process', async () => {
    const worker = await bundleWorker();
    const setOf = (d: number) => [...(d < 5 ? ['small'] : []), ...([0, 6, 8, 9].includes(d) ? ['round'] : [])];
    const p = await digitProject('image-multilabel', ['round', 'small'], 40, 30, (d) => classes(...setOf(d)), { targetPrecision: 0.8 });
    const store = await openStore(p, 'lead', 'd');
    try {
      const trained = await trainAssistModel(store, { root: p.root, workerFile: worker.file });
      assert.deepEqual([trained.manifest.type, trained.manifest.model, trained.trainedOn], ['image-multilabel', 'image-features-logreg-ovr', 300]);
      const there = await validateAssistModel(store, { root: p.root, workerFile: worker.file });
      assert.deepEqual(there.validation, (await validateAssistModel(store, { root: p.root })).validation);
      await prelabelQueue(store, { root: p.root, workerFile: worker.file, predictionsFile: path.join(p.root, 'there.jsonl') });
      const b = await readSuggestions(p.root, p.id);
      await prelabelQueue(store, { root: p.root, predictionsFile: path.join(p.root, 'here.jsonl') });
      const a = await readSuggestions(p.root, p.id);
      assert.deepEqual(b.suggestions, a.suggestions);
      const lines = readLines(path.join(p.root, 'there.jsonl'));
      assert.equal(fs.readFileSync(path.join(p.root, 'there.jsonl'), 'utf8'), fs.readFileSync(path.join(p.root, 'here.jsonl'), 'utf8'));
      assert.equal(lines.length, 100);
      assert.ok(lines.every((l) => Object.keys(l).sort().join() === 'confidence,item,labels' && l.labels!.every((x) => x === 'round' || x === 'small')));
      const digitOf = new Map(p.unlabeled.map((u) => [u.key, u.digit]));
      const right = lines.filter((l) => [...l.labels!].sort().join() === setOf(digitOf.get(l.item)!).join()).length;
      assert.ok(right / lines.length >= 0.65, `exact-set accuracy ${right / lines.length}`);
      const t = there.validation.threshold;
      if (t !== null) assert.ok(b.suggestions.every((s) => s.confidence >= t && s.annotation.kind === 'classes' && s.annotation.labels.length > 0));
      else assert.deepEqual(b.suggestions, []);
      assert.ok(store.getItem(fileOf(0, 35))!.state === 'unlabeled');
    } finally {
      await store.close();
      worker.dispose();
    }
  });
});
