import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectStore } from '../../store/project-store';
import { classes, cleanupWorkspaces, type ProjectBuild } from '../../store/test-support';
import { wilson } from '../validation';
import { hashTree, K, open, seededProject, sentimentRows, tempFiles } from './assist-fixture';
import { assistReport, encodeModel, isValidated, listModels, modelsDir, saveForValidation, saveModel } from './model-store';
import { loadLatestModel, loadValidatedModel } from './model-load';
import { validateAssistModel } from './pipeline';
import { PREDICT_SLICE_MS, predictQueue, readSuggestions, suggestionsFile, type PredictionLine, type QueueSource } from './predict-queue';
import { trainAndValidate, type TrainResult } from './train';
import { collectTrainingSet } from './training-set';
import { nextTrainingAt, shouldTrain } from './trigger';

/** 1,000 sentiment sentences: the first 800 labeled by ann (their fixture label), the last 200 unlabeled. */
const N = 1000;
const LABELED = 800;

describe('ML assist pipeline (text classification on the sentiment sentences)', function () {
  this.timeout(120_000);
  const rows = sentimentRows();
  const texts = rows.texts.slice(0, N);
  let p: ProjectBuild;
  let store: ProjectStore;
  let trained: TrainResult;

  before(async () => {
    p = await seededProject(texts, ['ann'], (_by, i) => (i <= LABELED ? classes(rows.labels[i - 1]!) : undefined));
    store = await open(p);
    trained = await trainAndValidate(await collectTrainingSet(store), store.def);
  });
  after(async () => {
    await store?.close();
    cleanupWorkspaces();
  });

  it('collects every final label with its text, in key order', async () => {
    const set = await collectTrainingSet(store);
    assert.equal(set.examples.length, LABELED);
    assert.equal(set.withoutText.length, 0);
    const byKey = new Map(set.examples.map((e) => [e.key, e]));
    for (const i of [1, 2, 400, 800]) {
      const e = byKey.get(K(i))!;
      assert.equal(e.text, texts[i - 1]!.replace(/\r?\n/g, ' '));
      assert.deepEqual(e.final, classes(rows.labels[i - 1]!));
    }
    assert.equal(byKey.has(K(801)), false);
  });

  it('above retrainUpTo labels the validation model itself is saved: trained on the 80%, its held-out predictions are the report', async () => {
    const set = await collectTrainingSet(store);
    const big = await trainAndValidate(set, store.def, { retrainUpTo: LABELED - 1 });
    assert.equal(big.retrained, false);
    assert.equal(big.trainedOn, LABELED - big.validation.items);
    assert.equal(big.model.trainedOn, big.trainedOn);
    assert.deepEqual(big.validation, trained.validation, 'the same split, the same validation model');
    assert.equal(trained.retrained, true);
  });

  it('trains and validates: accuracy above a floor a broken model cannot reach, the report in the CLI shape', () => {
    assert.equal(trained.name, 'tfidf-logreg');
    assert.equal(trained.trainedOn, LABELED);
    assert.equal(trained.model.trainedOn, LABELED, 'the saved model is retrained on every label');
    const v = trained.validation;
    assert.equal(v.items, trained.heldOut.length);
    assert.ok(v.items >= 150 && v.items <= 170, `about 20% held out, got ${v.items}`);
    assert.ok(v.accuracy > 0.7, `held-out accuracy ${v.accuracy}`);
    assert.equal(v.accuracy, trained.heldOut.filter((h) => h.correct).length / v.items);
    assert.deepEqual(Object.keys(v).sort(), ['accuracy', 'items', 'message', 'precisionAtThreshold', 'threshold']);
  });

  /** The lowest threshold whose held-out precision has a Wilson lower bound >= target on >= 30 items, recomputed by brute force. */
  function recompute(heldOut: TrainResult['heldOut'], target: number): { threshold: number; precision: number } | undefined {
    let best: { threshold: number; precision: number } | undefined;
    for (const t of [...new Set(heldOut.map((h) => h.confidence))]) {
      const above = heldOut.filter((h) => h.confidence >= t);
      const right = above.filter((h) => h.correct).length;
      if (above.length >= 30 && wilson(right, above.length).lower >= target && (!best || t < best.threshold)) best = { threshold: t, precision: right / above.length };
    }
    return best;
  }

  it('chooses the threshold the held-out predictions give (default target 0.95)', () => {
    const want = recompute(trained.heldOut, 0.95);
    assert.equal(trained.validation.threshold, want?.threshold ?? null);
    assert.equal(trained.validation.precisionAtThreshold, want?.precision ?? null);
    assert.match(trained.validation.message, want ? /^threshold .* validated precision .* on \d+ items/ : /more labels needed/);
  });

  it('with a reachable target a threshold qualifies and matches the recomputation', async () => {
    const r = await trainAndValidate(await collectTrainingSet(store), store.def, { targetPrecision: 0.8 });
    const want = recompute(r.heldOut, 0.8);
    assert.ok(want, 'a target of 0.8 is reachable on this data');
    assert.equal(r.validation.threshold, want.threshold);
    assert.equal(r.validation.precisionAtThreshold, want.precision);
    assert.match(r.validation.message, /^threshold \d\.\d\d, validated precision \d\.\d\d on \d+ items/);
  });

  it("project.json's mlAssist.targetPrecision and holdout are used when the caller gives none", async () => {
    const set = await collectTrainingSet(store);
    const def = { ...store.def, mlAssist: { ...store.def.mlAssist, targetPrecision: 0.8, holdout: 0.3 } };
    const r = await trainAndValidate(set, def);
    assert.equal(r.targetPrecision, 0.8);
    const viaOpts = await trainAndValidate(set, store.def, { targetPrecision: 0.8, holdout: 0.3 });
    assert.deepEqual(r.validation, viaOpts.validation, 'the same as the same values given as options');
    assert.ok(Math.abs(r.heldOut.length - 0.3 * set.examples.length) < 10, `about 30% held out (${r.heldOut.length} of ${set.examples.length})`);
  });

  it('predictQueue: every unlabeled item in queue order to --predictions, only those above the threshold as suggestions, nothing journaled', async () => {
    const journals = path.join(p.root, '.labeling', p.id, 'journal');
    const before = hashTree(journals);
    const manifest = await saveModel(p.root, p.id, trained);
    const threshold = 0.8;
    const predictionsFile = path.join(p.root, 'out', 'predictions.jsonl');
    const r = await predictQueue(store, { model: trained.model, version: manifest.version }, threshold, { root: p.root, predictionsFile });
    assert.deepEqual(hashTree(journals), before, 'the journal files are unchanged');
    assert.equal(store.stats().review.prelabeled, 0);

    const queue: string[] = [];
    for (let after: string | undefined, first = true; first || after !== undefined; first = false) {
      const page = store.page('queue', after, 1000);
      queue.push(...page.items.filter((s) => s.state === 'unlabeled').map((s) => s.key));
      after = page.next;
    }
    assert.equal(queue.length, N - LABELED);
    const lines = fs.readFileSync(predictionsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PredictionLine & { label: string; confidence: number });
    assert.deepEqual(lines.map((l) => l.item), queue, 'one line per unlabeled item, in queue order');
    for (const l of lines) assert.deepEqual(Object.keys(l), ['item', 'label', 'confidence']);
    assert.equal(r.predicted, queue.length);

    const above = lines.filter((l) => l.confidence >= threshold);
    assert.ok(above.length > 0 && above.length < lines.length, `some but not all above ${threshold}: ${above.length}`);
    const read = await readSuggestions(p.root, p.id);
    assert.deepEqual(read.problems, []);
    assert.equal(read.header?.modelVersion, manifest.version);
    assert.equal(read.header?.threshold, threshold);
    assert.deepEqual(
      read.suggestions.map((s) => [s.item, s.annotation, s.confidence]),
      above.map((l) => [l.item, classes(l.label), l.confidence]),
    );
    assert.equal(r.suggested, above.length);
    for (const s of read.suggestions) assert.equal(s.itemVersion, store.getItem(s.item)!.version);
  });

  it("predictQueue reads a page's items in chunks with a turn of the event loop between them; an item labeled meanwhile is left out", async () => {
    const page = store.page('queue', undefined, 200).items.filter((s) => s.state === 'unlabeled').map((s) => s.key);
    const target = page[150]!;
    let calls = 0;
    let labeledMeanwhile = false;
    const source: QueueSource = {
      get def() {
        return store.def;
      },
      read: (name, signal) => store.read(name, signal),
      stats: () => store.stats(),
      page: (view, after, limit) => store.page(view, after, limit),
      briefItems: (keys) => {
        // The first read schedules the "submit"; each read uses up a slice, so the next one comes after a turn.
        if (++calls === 1) setImmediate(() => (labeledMeanwhile = true));
        const until = performance.now() + PREDICT_SLICE_MS;
        while (performance.now() < until);
        return store.briefItems(keys).map((b) => (b.key === target && labeledMeanwhile ? { ...b, state: 'labeled' as const } : b));
      },
    };
    const predictionsFile = path.join(p.root, 'out', 'chunked.jsonl');
    const r = await predictQueue(source, { model: trained.model, version: 3 }, 0.5, { root: p.root, predictionsFile });
    assert.ok(calls >= 4, `${calls} reads of the first page's ${page.length} items`);
    const items = fs.readFileSync(predictionsFile, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as PredictionLine).item);
    assert.equal(items.includes(target), false, 'the item labeled between two reads is not predicted');
    assert.equal(r.predicted, N - LABELED - 1);
    assert.deepEqual(items, page.filter((k) => k !== target));
  });

  it('no qualifying threshold: the suggestions file is replaced by one without suggestions', async () => {
    await predictQueue(store, { model: trained.model, version: 7 }, null, { root: p.root });
    const read = await readSuggestions(p.root, p.id);
    assert.equal(read.header?.modelVersion, 7);
    assert.equal(read.header?.threshold, null);
    assert.deepEqual(read.suggestions, []);
  });

  it('a cancelled predictQueue leaves the previous suggestions file and no temp file', async () => {
    await predictQueue(store, { model: trained.model, version: 1 }, 0.5, { root: p.root });
    const file = suggestionsFile(p.root, p.id);
    const before = fs.readFileSync(file);
    const predictionsFile = path.join(p.root, 'out', 'cancelled.jsonl');
    const ac = new AbortController();
    let progressed = 0;
    await assert.rejects(
      predictQueue(store, { model: trained.model, version: 2 }, 0.5, {
        root: p.root,
        predictionsFile,
        sliceMs: 0,
        signal: ac.signal,
        onProgress: () => {
          if (++progressed === 3) ac.abort();
        },
      }),
      (e: Error) => e.name === 'LabelingError' && /Cancelled/.test(e.message),
    );
    assert.ok(progressed >= 3, 'it was cancelled mid-way');
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(tempFiles(path.dirname(file)), []);
    assert.equal(fs.existsSync(predictionsFile), false);
    assert.deepEqual(tempFiles(path.dirname(predictionsFile)), []);
  });

  describe('model store', () => {
    it('round trip: the loaded model predicts exactly as the saved one, with its manifest', async () => {
      const m = await saveModel(p.root, p.id, trained, { now: new Date('2026-12-01T10:00:00Z') });
      const { loaded, problems } = await loadLatestModel(p.root, p.id);
      assert.deepEqual(problems, []);
      assert.deepEqual(loaded!.manifest, m);
      assert.equal(m.createdAt, '2026-12-01T10:00:00.000Z');
      assert.deepEqual({ model: m.model, trainedOn: m.trainedOn, validation: m.validation }, { model: 'tfidf-logreg', trainedOn: LABELED, validation: trained.validation });
      for (const t of texts.slice(LABELED, LABELED + 20)) assert.deepEqual(loaded!.model.predict(t), trained.model.predict(t));
    });

    it('keeps the latest version and the one before it', async () => {
      const versions = [];
      for (let k = 0; k < 3; k++) versions.push((await saveModel(p.root, p.id, trained)).version);
      assert.deepEqual(versions, [versions[0]!, versions[0]! + 1, versions[0]! + 2]);
      const [, v2, v3] = versions;
      assert.deepEqual(fs.readdirSync(modelsDir(p.root, p.id)).sort(), [`manifest-${v2}.json`, `manifest-${v3}.json`, `model-${v2}.json`, `model-${v3}.json`]);
      assert.deepEqual((await listModels(p.root, p.id)).manifests.map((m) => m.version), [v3, v2]);
      assert.equal((await loadLatestModel(p.root, p.id)).loaded?.manifest.version, v3);
    });

    it('a damaged manifest or model file is reported with its path and the previous version is used', async () => {
      const dir = modelsDir(p.root, p.id);
      const a = await saveModel(p.root, p.id, trained);
      const b = await saveModel(p.root, p.id, trained);
      const manifest = path.join(dir, `manifest-${b.version}.json`);
      fs.writeFileSync(manifest, '{"format": "data-labeling.assist-manifest", ');
      let r = await loadLatestModel(p.root, p.id);
      assert.equal(r.loaded?.manifest.version, a.version);
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0]!.file, manifest);
      assert.match(r.problems[0]!.message, /not valid JSON/);
      assert.ok(r.problems[0]!.message.includes(manifest));

      const modelFile = path.join(dir, `model-${a.version}.json`);
      fs.writeFileSync(modelFile, JSON.stringify({ type: 'text-classification', model: { format: 'data-labeling.text-model', version: 99 } }));
      r = await loadLatestModel(p.root, p.id);
      assert.equal(r.loaded, undefined);
      assert.deepEqual(r.problems.map((x) => x.file), [manifest, modelFile]);
      assert.match(r.problems[1]!.message, /version/);
    });

    it('a cancel while saving leaves no half-written model and the previous version intact', async () => {
      const good = await saveModel(p.root, p.id, trained);
      const dir = modelsDir(p.root, p.id);
      const before = hashTree(dir);
      const ac = new AbortController();
      const saving = saveModel(p.root, p.id, trained, { signal: ac.signal });
      ac.abort(); // after the save started: the model file is written, the manifest is not
      await assert.rejects(saving, /Cancelled/);
      assert.deepEqual(hashTree(dir), before);
      assert.deepEqual(tempFiles(dir), []);
      assert.equal((await loadLatestModel(p.root, p.id)).loaded?.manifest.version, good.version);
    });

    it('a manifest of format version 1 (written before validation was a job of its own, its figures inside) reads as validated and is what prelabels use', async () => {
      const dir = modelsDir(p.root, p.id);
      const saved = await saveModel(p.root, p.id, trained);
      const file = path.join(dir, `manifest-${saved.version}.json`);
      // What the extension wrote before the split: the same fields, formatVersion 1, no validatedAt or validationInput.
      const old = { ...saved, formatVersion: 1 };
      fs.writeFileSync(file, `${JSON.stringify(old, null, 2)}\n`);
      const { manifests, problems } = await listModels(p.root, p.id);
      assert.deepEqual(problems, []);
      assert.deepEqual(manifests[0], old);
      assert.ok(isValidated(manifests[0]!));
      const r = await loadValidatedModel(p.root, p.id, ['text-classification']);
      assert.deepEqual([r.loaded?.manifest, r.waiting], [old, []]);
      const v = await validateAssistModel(store, { root: p.root });
      assert.deepEqual([v.validated, v.validation], [false, trained.validation]);
      assert.deepEqual(assistReport(manifests[0]!), { model: 'tfidf-logreg', version: saved.version, trainedOn: LABELED, validation: trained.validation });
      // A format this extension does not know is refused, naming the field.
      fs.writeFileSync(file, JSON.stringify({ ...old, formatVersion: 3 }));
      assert.match((await listModels(p.root, p.id)).problems[0]!.message, /formatVersion.*reads manifest versions 1 and 2, the file has 3/);
    });

    it('saveForValidation: a cancel after the held-out examples were written removes them; no manifest, no temp file', async () => {
      const good = await saveModel(p.root, p.id, trained);
      const dir = modelsDir(p.root, p.id);
      const before = hashTree(dir);
      const files = {
        name: trained.name,
        trainedOn: trained.trainedOn,
        targetPrecision: trained.targetPrecision,
        model: encodeModel(trained.model),
        validator: encodeModel(trained.model),
        holdout: { bytes: Buffer.from('{}\n'), items: 0 },
      };
      // aborted from its third look on: after the held-out examples were written
      let looks = 0;
      const signal = { get aborted() { return ++looks > 2; } } as AbortSignal;
      await assert.rejects(saveForValidation(p.root, p.id, files, { signal }), /Cancelled/);
      assert.equal(looks, 3);
      assert.deepEqual(hashTree(dir), before);
      assert.deepEqual(tempFiles(dir), []);
      const m = await saveForValidation(p.root, p.id, files);
      assert.deepEqual([m.validation, m.validationInput], [null, { holdoutFile: `holdout-${m.version}.jsonl`, validatorFile: `validator-${m.version}.json`, items: 0 }]);
      assert.equal((await loadLatestModel(p.root, p.id)).loaded?.manifest.version, m.version);
      assert.equal((await loadValidatedModel(p.root, p.id, ['text-classification'])).loaded?.manifest.version, good.version);
    });

    it('a cancel after the model file was written removes it: no manifest, no model file, no temp file', async () => {
      const good = await saveModel(p.root, p.id, trained);
      const dir = modelsDir(p.root, p.id);
      const before = hashTree(dir);
      // aborted from its third look on: after the check that precedes writing the model file
      let looks = 0;
      const signal = { get aborted() { return ++looks > 2; } } as AbortSignal;
      await assert.rejects(saveModel(p.root, p.id, trained, { signal }), /Cancelled/);
      assert.equal(looks, 3, 'the model file was written before the cancel was seen');
      assert.deepEqual(hashTree(dir), before);
      assert.deepEqual(tempFiles(dir), []);
      assert.equal((await loadLatestModel(p.root, p.id)).loaded?.manifest.version, good.version);
    });
  });
});

describe('ML assist training set: consensus trains on final labels only', () => {
  after(cleanupWorkspaces);

  it('leaves out disagreements, single votes, skips, rejects and prelabels', async () => {
    const texts = sentimentRows().texts.slice(0, 8);
    // r1, r2, r3: ann and bob agree; r4: they disagree (needs review); r5: only ann (incomplete);
    // r6: skipped by both (below); r7: a prelabel only; r8: agreed, then rejected by a reviewer.
    const label = (by: string, i: number) => {
      if (i <= 3 || i === 8) return classes('positive');
      if (i === 4) return classes(by === 'ann' ? 'positive' : 'negative');
      if (i === 5 && by === 'ann') return classes('negative');
      return undefined;
    };
    const p = await seededProject(texts, ['ann', 'bob'], label, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    const { event, writeJournal } = await import('../../store/test-support');
    writeJournal(p.root, p.id, 'model', 'd', [event({ type: 'submit', item: K(7), ann: classes('negative'), pre: true, conf: 0.99 }, { by: 'model', dev: 'd' })]);
    writeJournal(p.root, p.id, 'cat', 'd', [event({ type: 'skip', item: K(6) }, { by: 'cat', dev: 'd' })]);
    const store = await open(p);
    try {
      await store.reject(K(8), store.getItem(K(8))!.version);
      assert.equal(store.getItem(K(4))!.state, 'needs-review');
      assert.equal(store.getItem(K(7))!.prelabel?.annotation.kind, 'classes');
      const set = await collectTrainingSet(store);
      assert.deepEqual(set.examples.map((e) => e.key), [K(1), K(2), K(3)]);
      assert.deepEqual(set.examples.map((e) => e.final), [classes('positive'), classes('positive'), classes('positive')]);
    } finally {
      await store.close();
    }
  });
});

describe('ML assist trigger', () => {
  const text = { type: 'text-classification' as const, mlAssist: { enabled: true } };
  it('trains first at 50 labels for text (100 for images), then at every 20% more', () => {
    assert.equal(shouldTrain(49, undefined, text), false);
    assert.equal(shouldTrain(50, undefined, text), true);
    assert.equal(shouldTrain(59, 50, text), false);
    assert.equal(shouldTrain(60, 50, text), true);
    assert.equal(nextTrainingAt(60, text), 72);
    assert.equal(nextTrainingAt(1000, text), 1200);
    assert.equal(shouldTrain(1199, 1000, text), false);
    assert.equal(shouldTrain(1200, 1000, text), true);
    assert.equal(shouldTrain(99, undefined, { type: 'image-classification', mlAssist: { enabled: true } }), false);
    assert.equal(shouldTrain(100, undefined, { type: 'image-classification', mlAssist: { enabled: true } }), true);
  });
  it("project.json's mlAssist.minLabels moves the first training", () => {
    const early = { ...text, mlAssist: { enabled: true, minLabels: 20 } };
    assert.equal(shouldTrain(19, undefined, early), false);
    assert.equal(shouldTrain(20, undefined, early), true);
    assert.equal(nextTrainingAt(20, early), 24);
  });
  it('never when ML assist is off, or for a type without a built-in model', () => {
    assert.equal(shouldTrain(500, undefined, { ...text, mlAssist: { enabled: false } }), false);
    assert.equal(shouldTrain(500, undefined, { type: 'image-detection', mlAssist: { enabled: true } }), false);
  });
});
