import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { LabelingError } from '../../errors';
import { createProject } from '../../project/create';
import { classes, cleanupWorkspaces, event, openStore, tempWorkspace, writeJournal } from '../../store/test-support';
import { imageFeatures } from '../image-features';
import { ImageModel } from '../image-model';
import { mnistDigit } from '../image-model-testdata';
import { wilson } from '../validation';
import { AssistModel, suggestionOf, type AssistImagePrediction } from './assist-model';
import { digitPng, digitProject, fileOf } from './image-assist-fixture';
import { featurizeImageFiles, predictImageFiles, trainAndValidateImages, type ImageFilePrediction, type ImageTrainResult } from './image-train';
import { ASSIST_IMAGE_TYPES, collectImageTrainingSet, itemImagePath } from './image-training-set';
import { listModels, modelsDir, saveModel } from './model-store';
import { loadLatestModel } from './model-load';

const isCancelled = (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled';

/** The held-out figures recomputed from the held-out predictions, independently of chooseThreshold. */
function checkFigures(r: ImageTrainResult, target: number): void {
  assert.equal(r.heldOut.length, r.validation.items);
  assert.equal(r.validation.accuracy, r.heldOut.filter((h) => h.correct).length / r.heldOut.length);
  assert.equal(r.targetPrecision, target);
  assert.match(r.validation.message, new RegExp(`held out ${r.validation.items} of ${r.trainedOn}, target ${target}\\)$`));
  const at = (t: number) => {
    const above = r.heldOut.filter((h) => h.confidence >= t);
    const right = above.filter((h) => h.correct).length;
    return { n: above.length, precision: right / above.length, lower: above.length ? wilson(right, above.length).lower : 0 };
  };
  const qualifies = (t: number) => at(t).n >= 30 && at(t).lower >= target;
  const confidences = [...new Set(r.heldOut.map((h) => h.confidence))];
  const t = r.validation.threshold;
  if (t === null) {
    assert.equal(r.validation.precisionAtThreshold, null);
    assert.ok(!confidences.some(qualifies), 'no threshold qualifies');
    assert.match(r.validation.message, /more labels needed/);
  } else {
    assert.ok(qualifies(t), `threshold ${t}: ${JSON.stringify(at(t))}`);
    assert.equal(r.validation.precisionAtThreshold, at(t).precision);
    assert.ok(!confidences.some((c) => c < t && qualifies(c)), 'the lowest qualifying threshold');
    assert.match(r.validation.message, new RegExp(`^threshold ${t.toFixed(2)}, validated precision ${at(t).precision.toFixed(2)} on ${at(t).n} items`));
  }
}

const predictionOf = (p: ImageFilePrediction): AssistImagePrediction => {
  assert.ok('prediction' in p, `${p.file}: skipped: ${'skipped' in p ? p.skipped : ''}`);
  return p.prediction;
};

describe('ML assist: the built-in image model from files on disk', function () {
  this.timeout(120_000);
  after(cleanupWorkspaces);

  it('multi-class MNIST: files -> features -> train + validate -> save -> load -> predict files, above a floor a broken model cannot reach', async () => {
    const broken = Buffer.from(digitPng(mnistDigit(3, 1)[0]!)).subarray(0, 200);
    const gif = Buffer.from('474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');
    const p = await digitProject('image-classification', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 40, 30, (d) => classes(String(d)), {
      targetPrecision: 0.9,
      extra: { 'img/zz-broken.png': { bytes: broken, ann: classes('3') }, 'img/zz-anim.gif': { bytes: gif, ann: classes('1') } },
    });
    const store = await openStore(p, 'viewer', 'v');
    try {
      const set = await collectImageTrainingSet(store, p.root);
      assert.equal(set.type, 'image-classification');
      assert.equal(set.examples.length, 302);
      assert.deepEqual(set.outside, []);
      const e0 = set.examples.find((e) => e.key === fileOf(7, 4))!;
      assert.deepEqual(e0, { key: fileOf(7, 4), file: path.join(p.root, 'img', 'd7-004.png'), labels: ['7'] });
      assert.deepEqual(JSON.parse(JSON.stringify(set)), set, 'plain data: it can be posted to a worker');

      const progress: number[] = [];
      const feats = await featurizeImageFiles(set.examples.map((e) => e.file), { onProgress: (f) => progress.push(f) });
      assert.equal(feats.features.size, 300);
      assert.deepEqual(
        feats.skipped.map((s) => [path.relative(p.root, s.file), s.reason.replace(/\(.*\)/, '(...)')]),
        [
          [path.join('img', 'zz-anim.gif'), 'is a GIF image: the built-in image model reads PNG and JPEG files only'],
          [path.join('img', 'zz-broken.png'), 'cannot decode this PNG file (...): the file is damaged or truncated'],
        ],
      );
      assert.ok(progress.length >= 3 && progress[progress.length - 1] === 1);

      const r = await trainAndValidateImages(feats.features, set.examples, store.def);
      assert.equal(r.name, 'image-features-logreg');
      assert.equal(r.model.type, 'image-classification');
      assert.equal(r.trainedOn, 300);
      assert.deepEqual(r.withoutFeatures.sort(), ['img/zz-anim.gif', 'img/zz-broken.png']);
      assert.equal(r.validation.items, 60, '20% of each digit held out');
      // A constant answer gets 0.1, a model fitted on shuffled labels about as much.
      assert.ok(r.validation.accuracy >= 0.8, `held-out accuracy ${r.validation.accuracy}`);
      assert.notEqual(r.validation.threshold, null, r.validation.message);
      checkFigures(r, 0.9);

      const manifest = await saveModel(p.root, p.id, r);
      assert.deepEqual([manifest.type, manifest.model, manifest.trainedOn, manifest.validation], ['image-classification', 'image-features-logreg', 300, r.validation]);
      const { loaded, problems } = await loadLatestModel(p.root, p.id, ASSIST_IMAGE_TYPES);
      assert.deepEqual(problems, []);
      assert.equal(loaded!.model.type, 'image-classification');
      assert.deepEqual(loaded!.manifest, manifest);

      const files = [...p.unlabeled.map((u) => path.join(p.root, u.key)), path.join(p.root, 'img', 'gone.png')];
      const out = await predictImageFiles(loaded!.model, files);
      assert.deepEqual(out.map((o) => o.file), files);
      const gone = out[out.length - 1]!;
      assert.ok('skipped' in gone && /no such file/.test(gone.skipped), JSON.stringify(gone));
      const unlabeledFeatures = (await featurizeImageFiles(files, { features: loaded!.model.imageSettings! })).features;
      const featsOf = (key: string) => unlabeledFeatures.get(path.join(p.root, key))!;
      let right = 0;
      let suggested = 0;
      p.unlabeled.forEach((u, i) => {
        const pr = predictionOf(out[i]!);
        assert.equal(pr.type, 'image-classification');
        // The loaded model predicts exactly as the trained one did on the same file's features.
        assert.deepEqual(pr, r.model.predict(featsOf(u.key)));
        if (pr.type === 'image-classification' && pr.label === String(u.digit)) right++;
        const s = suggestionOf(pr, r.validation.threshold!);
        if (pr.confidence >= r.validation.threshold!) {
          suggested++;
          assert.deepEqual(s, { annotation: { kind: 'classes', labels: [pr.type === 'image-classification' ? pr.label : '?'] }, confidence: pr.confidence });
        } else assert.equal(s, undefined);
      });
      assert.ok(right / p.unlabeled.length >= 0.8, `accuracy on the 100 unlabeled files ${right / p.unlabeled.length}`);
      assert.ok(suggested > 0 && suggested < 100, `${suggested} suggestions`);

      // The same digit as a JPEG file: decoded and predicted alike.
      const u = p.unlabeled[37]!;
      const img = mnistDigit(u.digit, 40)[Number(u.key.slice(-7, -4))]!;
      const rgba = Buffer.alloc(28 * 28 * 4, 255);
      for (let i = 0; i < 28 * 28; i++) rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = Math.round(Number(img.data[i]) * 255);
      const jpg = path.join(p.root, 'img', 'as-jpeg.jpg');
      fs.writeFileSync(jpg, jpeg.encode({ width: 28, height: 28, data: rgba }, 100).data);
      const [asJpeg] = await predictImageFiles(loaded!.model, [jpg]);
      const [fromJpeg, fromPng] = [predictionOf(asJpeg!), predictionOf(out[37]!)];
      assert.ok(fromJpeg.type === 'image-classification' && fromPng.type === 'image-classification');
      assert.equal(fromJpeg.label, fromPng.label);
    } finally {
      await store.close();
    }
  });

  it('multi-label MNIST ("small" below 5, "round" for 0, 6, 8, 9; none for 5 and 7): exact sets above the majority answer', async () => {
    const setOf = (d: number) => [...(d < 5 ? ['small'] : []), ...([0, 6, 8, 9].includes(d) ? ['round'] : [])];
    const p = await digitProject('image-multilabel', ['round', 'small'], 40, 30, (d) => classes(...setOf(d)));
    const store = await openStore(p, 'viewer', 'v');
    try {
      const set = await collectImageTrainingSet(store, p.root);
      assert.equal(set.type, 'image-multilabel');
      assert.equal(set.examples.length, 300);
      assert.deepEqual(set.examples.find((e) => e.key === fileOf(5, 0))!.labels, [], 'an empty final set is a label too');
      const feats = await featurizeImageFiles(set.examples.map((e) => e.file));
      const r = await trainAndValidateImages(feats.features, set.examples, store.def, { targetPrecision: 0.8 });
      assert.equal(r.name, 'image-features-logreg-ovr');
      assert.equal(r.model.type, 'image-multilabel');
      checkFigures(r, 0.8);
      // The most common set ({small}) is 40% of the items.
      assert.ok(r.validation.accuracy >= 0.65, `held-out exact-set accuracy ${r.validation.accuracy}`);
      await saveModel(p.root, p.id, r);
      const { loaded } = await loadLatestModel(p.root, p.id, ['image-multilabel']);
      const out = await predictImageFiles(loaded!.model, p.unlabeled.map((u) => path.join(p.root, u.key)));
      let right = 0;
      p.unlabeled.forEach((u, i) => {
        const pr = predictionOf(out[i]!);
        assert.equal(pr.type, 'image-multilabel');
        if (pr.type !== 'image-multilabel') return;
        if ([...pr.labels].sort().join() === setOf(u.digit).join()) right++;
        assert.ok(pr.confidence >= 0.5 && pr.confidence <= 1);
        const s = suggestionOf(pr, 0.5);
        assert.deepEqual(s, pr.labels.length ? { annotation: { kind: 'classes', labels: pr.labels }, confidence: pr.confidence } : undefined);
      });
      assert.ok(right / p.unlabeled.length >= 0.65, `exact-set accuracy on the unlabeled files ${right / p.unlabeled.length}`);
      // The confidence is that of the least certain per-label decision, the labels those at 0.5 or more.
      const inner = ImageModel.fromJSON(loaded!.model.toJSON().model);
      const unl = await featurizeImageFiles(out.map((o) => o.file));
      out.forEach((o) => {
        const probs = [...inner.probabilitiesOf(unl.features.get(o.file)!)];
        const pr = predictionOf(o);
        assert.ok(pr.type === 'image-multilabel');
        assert.equal(pr.confidence, Math.min(...probs.map((q) => Math.max(q, 1 - q))));
        assert.deepEqual([...pr.labels].sort(), inner.labels.filter((_, k) => probs[k]! >= 0.5));
      });
    } finally {
      await store.close();
    }
  });

  it('the training set: final labels only; a file that became a symbolic link out of the workspace is refused', async () => {
    const elsewhere = tempWorkspace();
    fs.writeFileSync(path.join(elsewhere, 'secret.png'), digitPng(mnistDigit(1, 1)[0]!));
    const p = await digitProject('image-classification', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 3, 2, (d) => classes(String(d)));
    const extra = [
      event({ type: 'skip', item: fileOf(0, 2) }, { by: 'bo', dev: 'd', seq: 1 }),
      event({ type: 'submit', item: fileOf(1, 2), ann: classes('1'), pre: true }, { by: 'bo', dev: 'd', seq: 2 }),
    ];
    writeJournal(p.root, p.id, 'bo', 'd', extra);
    const store = await openStore(p, 'viewer', 'v');
    try {
      assert.equal(store.getItem(fileOf(0, 2))!.state, 'skipped');
      assert.equal(store.getItem(fileOf(1, 2))!.state, 'unlabeled', 'a prelabel is not a final label');
      // Labeled while it was a file, then replaced by a link (a checkout, a script) before the index saw it.
      const linked = path.join(p.root, fileOf(1, 1));
      fs.rmSync(linked);
      fs.symlinkSync(path.join(elsewhere, 'secret.png'), linked);
      assert.equal(store.getItem(fileOf(1, 1))!.state, 'labeled');
      const set = await collectImageTrainingSet(store, p.root);
      assert.deepEqual(set.outside, [fileOf(1, 1)]);
      assert.deepEqual(set.examples.map((e) => e.key), p.labeled.map((l) => l.key).filter((k) => k !== fileOf(1, 1)).sort());
      assert.ok(set.examples.every((e) => e.file.startsWith(p.root + path.sep)));
      await assert.rejects(collectImageTrainingSet(store, p.root, AbortSignal.abort()), isCancelled);
    } finally {
      await store.close();
    }
    await createProject(elsewhere, { id: 't', type: 'text-classification', labels: ['a', 'b'], dataSources: [{ kind: 'table', glob: '*.csv', textColumn: 'text' }] });
    const ts = await openStore({ root: elsewhere, id: 't' }, 'viewer', 'v');
    try {
      await assert.rejects(collectImageTrainingSet(ts, elsewhere), /serves image-classification, image-multilabel projects, not text-classification/);
    } finally {
      await ts.close();
    }
  });

  it('itemImagePath refuses absolute paths and ".." segments', () => {
    const root = path.resolve('/work/ws');
    assert.equal(itemImagePath(root, 'img/a.png'), path.join(root, 'img', 'a.png'));
    assert.equal(itemImagePath(root, { path: 'img/a.png' }), path.join(root, 'img', 'a.png'));
    for (const bad of ['../a.png', 'img/../../a.png', '/etc/a.png', 'C:\\a.png', '', '..']) assert.equal(itemImagePath(root, bad), undefined, bad);
  });

  it('an image model manifest round-trips; text loading passes it over; a manifest of a type without a built-in model is a problem', async () => {
    const p = await digitProject('image-classification', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 12, 12, (d) => classes(String(d)), { targetPrecision: 0.5 });
    const store = await openStore(p, 'viewer', 'v');
    let r: ImageTrainResult;
    try {
      const set = await collectImageTrainingSet(store, p.root);
      const feats = await featurizeImageFiles(set.examples.map((e) => e.file), { features: { pixels: 8 } });
      await assert.rejects(trainAndValidateImages(feats.features, set.examples, store.def), /features, the settings give/);
      r = await trainAndValidateImages(feats.features, set.examples, store.def, { features: { pixels: 8 }, minItems: 5 });
    } finally {
      await store.close();
    }
    const m = await saveModel(p.root, p.id, r, { now: new Date('2026-12-01T12:00:00Z') });
    const listed = await listModels(p.root, p.id);
    assert.deepEqual(listed.problems, []);
    assert.deepEqual(listed.manifests, [m]);
    assert.deepEqual([m.type, m.model, m.createdAt, m.targetPrecision], ['image-classification', 'image-features-logreg', '2026-12-01T12:00:00.000Z', 0.5]);
    const { loaded, problems } = await loadLatestModel(p.root, p.id, ASSIST_IMAGE_TYPES);
    assert.deepEqual(problems, []);
    assert.deepEqual(loaded!.model.imageSettings, { size: 32, cell: 4, pixels: 8 });
    assert.deepEqual(loaded!.model.toJSON(), r.model.toJSON());
    // The text pipeline's default: an image model is not one of its types.
    const text = await loadLatestModel(p.root, p.id);
    assert.equal(text.loaded, undefined);
    assert.match(text.problems[0]!.message, /type: a model of type image-classification; text-classification, text-multilabel or text-ner wanted/);
    // A manifest naming a type without a built-in model is reported with its path.
    const file = path.join(modelsDir(p.root, p.id), `manifest-${m.version}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...m, type: 'image-detection' }));
    const bad = await listModels(p.root, p.id);
    assert.deepEqual(bad.manifests, []);
    assert.equal(bad.problems[0]!.file, file);
    assert.match(bad.problems[0]!.message, /type: not a built-in model type .*"image-detection"/);
  });

  it('AssistModel: image JSON through fromAnyJSON only; the input kind must match the model', async () => {
    const feats = new Map<string, Float32Array>();
    const examples = [];
    const { features } = await featurizeImageFiles([]);
    assert.equal(features.size, 0);
    for (let d = 0; d < 2; d++) {
      for (const [i, img] of mnistDigit(d, 10).entries()) {
        feats.set(`f${d}-${i}`, imageFeatures(img).vector);
        examples.push({ key: `k${d}-${i}`, file: `f${d}-${i}`, labels: [String(d)] });
      }
    }
    const r = await trainAndValidateImages(feats, examples, { type: 'image-classification', queueSeed: 1, mlAssist: { enabled: true } });
    const json = JSON.parse(JSON.stringify(r.model.toJSON())) as unknown;
    assert.throws(() => AssistModel.fromJSON(json, 'm.json'), /m\.json: type: holds a model of type image-classification, not a text model/);
    const back = AssistModel.fromAnyJSON(json, 'm.json');
    assert.equal(back.type, 'image-classification');
    assert.deepEqual(back.predict(feats.get('f1-3')!), r.model.predict(feats.get('f1-3')!));
    assert.deepEqual(back.predict(mnistDigit(1, 4)[3]!), r.model.predict(feats.get('f1-3')!), 'pixels or their features: the same prediction');
    assert.throws(() => back.predict('a text' as never), /predicts images, not texts/);
    assert.throws(() => AssistModel.fromAnyJSON({ type: 'image-detection', model: {} }), /must be one of text-classification, .*image-multilabel, got "image-detection"/);
    await assert.rejects(trainAndValidateImages(feats, examples, { type: 'text-classification', queueSeed: 1, mlAssist: { enabled: true } }), /not text-classification/);
    await assert.rejects(trainAndValidateImages(feats, [{ key: 'k', file: 'f0-0', labels: ['0', '1'] }, ...examples], { type: 'image-classification', queueSeed: 1, mlAssist: { enabled: true } }), /item "k" has 2 labels in a multi-class project/);
  });

  it('cancel: featurizing and predicting stop between files', async () => {
    const dir = tempWorkspace();
    const files = mnistDigit(2, 40).map((img, i) => {
      const f = path.join(dir, `${i}.png`);
      fs.writeFileSync(f, digitPng(img));
      return f;
    });
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(
      featurizeImageFiles(files, {
        signal: ac.signal,
        onProgress: (f) => {
          seen.push(f);
          if (f > 0) ac.abort();
        },
      }),
      isCancelled,
    );
    assert.ok(seen.length >= 2 && seen[seen.length - 1]! < 1, JSON.stringify(seen));
    const { features } = await featurizeImageFiles(files.slice(0, 4));
    const r = await trainAndValidateImages(
      new Map([...features].map(([f, v], i) => [f, i % 2 ? v : v.map((x) => -x)])),
      files.slice(0, 4).map((f, i) => ({ key: f, file: f, labels: [String(i % 2)] })),
      { type: 'image-classification', queueSeed: 1, mlAssist: { enabled: true } },
      { holdout: 0.5 },
    );
    await assert.rejects(predictImageFiles(r.model, files, { signal: AbortSignal.abort() }), isCancelled);
  });
});
