import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import type { SubmitPayload } from '../../journal/events';
import { bundleWorker } from '../../jobs/worker-fixture';
import { WorkerSession } from '../../jobs/worker-client';
import type { ProjectStore } from '../../store/project-store';
import { classes, cleanupWorkspaces, openStore, setProjectRoles, type ProjectBuild } from '../../store/test-support';
import { hashTree, seededProject, sentimentRows, tempFiles } from './assist-fixture';
import { AssistModel } from './assist-model';
import { cancelTrainingAt } from './image-assist-fixture';
import { isValidated, listModels, modelsDir } from './model-store';
import { loadLatestModel, loadValidatedModel } from './model-load';
import { prelabelQueue, publishSuggestions, trainAssistModel, validateAssistModel } from './pipeline';
import { predictQueue, readSuggestions, suggestionsFile } from './predict-queue';
import { trainAndValidate } from './train';
import { collectTrainingSet } from './training-set';

/** 1,000 sentiment sentences, the first 800 labeled by ann, with a target precision this data reaches (0.8). */
async function project(): Promise<ProjectBuild> {
  const rows = sentimentRows();
  const p = await seededProject(rows.texts.slice(0, 1000), ['ann'], (_by, i) => (i <= 800 ? classes(rows.labels[i - 1]!) : undefined));
  const defFile = path.join(p.root, '.labeling', p.id, 'project.json');
  const def = JSON.parse(fs.readFileSync(defFile, 'utf8')) as { mlAssist: Record<string, unknown> };
  fs.writeFileSync(defFile, JSON.stringify({ ...def, mlAssist: { ...def.mlAssist, targetPrecision: 0.8 } }, null, 2));
  return p;
}

const isCancelled = (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled';

/** The import lines of every journal of the project. */
function imports(p: ProjectBuild): { batch: string; submits: SubmitPayload[] }[] {
  const dir = path.join(p.root, '.labeling', p.id, 'journal');
  return fs
    .readdirSync(dir)
    .flatMap((who) => fs.readdirSync(path.join(dir, who)).flatMap((f) => fs.readFileSync(path.join(dir, who, f), 'utf8').split('\n').filter(Boolean)))
    .map((l) => JSON.parse(l) as { type: string; batch: string; submits: SubmitPayload[] })
    .filter((e) => e.type === 'import');
}

describe('ML assist pipeline in a real worker thread', function () {
  this.timeout(120_000);
  let worker: Awaited<ReturnType<typeof bundleWorker>>;
  let p: ProjectBuild;
  let store: ProjectStore;

  before(async () => {
    worker = await bundleWorker();
    p = await project();
    store = await openStore(p, 'lead', 'd');
  });
  after(async () => {
    await store?.close();
    worker?.dispose();
    cleanupWorkspaces();
  });

  it('trains in the worker with progress and log lines; the model and its held-out examples are the ones this process writes, byte for byte; nothing validated', async () => {
    const here = await trainAssistModel(store, { root: p.root });
    const progress: { fraction: number; message: string }[] = [];
    const log: string[] = [];
    const there = await trainAssistModel(store, { root: p.root, workerFile: worker.file, onProgress: (fraction, message) => progress.push({ fraction, message }), log: (l) => log.push(l) });
    assert.equal(there.manifest.version, here.manifest.version + 1);
    assert.equal(there.manifest.validation, null);
    assert.equal(there.heldOut, here.heldOut);
    assert.equal(there.trainedOn, 800);
    assert.deepEqual(there.withoutText, []);
    const dir = modelsDir(p.root, p.id);
    const modelOf = (m: typeof here.manifest) => fs.readFileSync(path.join(dir, m.modelFile), 'utf8');
    assert.equal(modelOf(there.manifest), modelOf(here.manifest), 'the same model file');
    const inputOf = (m: typeof here.manifest) => [m.validationInput!.holdoutFile, m.validationInput!.validatorFile!].map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    assert.deepEqual(inputOf(there.manifest), inputOf(here.manifest), 'the same held-out examples and validation model');
    const a = AssistModel.fromJSON(JSON.parse(modelOf(here.manifest)));
    const b = (await loadLatestModel(p.root, p.id)).loaded!.model;
    for (const t of sentimentRows().texts.slice(800, 1000)) assert.deepEqual(b.predict(t), a.predict(t));
    // Progress from inside the worker (train.ts's messages), within the training share of the whole.
    const inside = progress.filter((x) => !/^Read /.test(x.message) && x.fraction > 0.05 && x.fraction < 0.95);
    assert.ok(inside.length >= 2, JSON.stringify(progress.slice(0, 10)));
    assert.ok(inside.some((x) => /^Training the validation model|^iteration \d+: loss/.test(x.message)), JSON.stringify(inside.slice(0, 10)));
    assert.equal(progress[progress.length - 1]!.fraction, 1);
    const text = log.join('\n');
    for (const want of [/^read 800 final label\(s\) of 1,000 item\(s\) in \d/m, /^training text-classification on 800 item\(s\) in a worker thread$/m, /^split: 640 item\(s\) trained the validation model, 160 held out/m, new RegExp(`^saved version ${there.manifest.version} to .*models.*not validated yet`, 'm')]) {
      assert.match(text, want);
    }
    assert.doesNotMatch(text, /^validation:/m);
  });

  it('validates in the worker: the figures trainAndValidate gives on the same labels and seed, written into the manifest, marked validated', async () => {
    const combined = await trainAndValidate(await collectTrainingSet(store), store.def);
    const newest = (await listModels(p.root, p.id)).manifests[0]!;
    const here = await trainAssistModel(store, { root: p.root });
    const progress: string[] = [];
    const log: string[] = [];
    const v = await validateAssistModel(store, { root: p.root, workerFile: worker.file, onProgress: (_f, m) => progress.push(m), log: (l) => log.push(l) });
    assert.equal(v.manifest.version, here.manifest.version);
    assert.ok(v.validated && isValidated(v.manifest));
    assert.deepEqual(v.validation, combined.validation);
    assert.deepEqual(v.manifest.validation, combined.validation);
    assert.match(combined.validation.message, /^threshold 0\.\d+, validated precision 0\.\d+ on \d+ items \(held out 160 of 800, target 0\.8\)$/);
    // On disk: the manifest with the figures, the validation's inputs gone; the version before untouched.
    const dir = modelsDir(p.root, p.id);
    const onDisk = (await listModels(p.root, p.id)).manifests;
    assert.deepEqual(onDisk[0], v.manifest);
    assert.equal(onDisk[0]!.validationInput, undefined);
    assert.ok(!fs.existsSync(path.join(dir, here.manifest.validationInput!.holdoutFile)));
    assert.ok(!fs.existsSync(path.join(dir, here.manifest.validationInput!.validatorFile!)));
    assert.deepEqual(onDisk[1], newest);
    // This process validates the version before alike.
    assert.deepEqual((await validateAssistModel(store, { root: p.root, version: newest.version })).validation, combined.validation);
    assert.equal(progress[progress.length - 1], combined.validation.message);
    const text = log.join('\n');
    assert.match(text, new RegExp(`^validating tfidf-logreg version ${here.manifest.version} on its 160 held-out item\\(s\\) in a worker thread \\(the validation model trained without them; target 0.8\\)$`, 'm'));
    assert.match(text, /^validation: accuracy 0\.\d+; threshold/m);
    // Validated already: nothing to do, said so.
    const again = await validateAssistModel(store, { root: p.root, log: (l) => log.push(l) });
    assert.equal(again.validated, false);
    assert.match(log[log.length - 1]!, /is validated already: threshold/);
  });

  it('a version not validated yet is not used for prelabels: the newest validated one is, and with none validated nothing is predicted', async () => {
    const q = await project();
    const s = await openStore(q, 'lead', 'd');
    try {
      const first = await trainAssistModel(s, { root: q.root });
      assert.equal(first.manifest.validation, null);
      const file = suggestionsFile(q.root, q.id);
      await assert.rejects(
        prelabelQueue(s, { root: q.root, workerFile: worker.file }),
        (e: unknown) => e instanceof LabelingError && e.reason === 'not-found' && /: no validated model \(version 1 not validated yet\) of project "p": validate it first/.test(e.message),
      );
      assert.equal(fs.existsSync(file), false, 'nothing predicted');
      await validateAssistModel(s, { root: q.root });
      const second = await trainAssistModel(s, { root: q.root, train: { targetPrecision: 0.999 } });
      const log: string[] = [];
      const r = await prelabelQueue(s, { root: q.root, log: (l) => log.push(l) });
      assert.equal(r.manifest.version, first.manifest.version);
      assert.equal((await readSuggestions(q.root, q.id)).header!.modelVersion, first.manifest.version);
      assert.match(log.join('\n'), new RegExp(`^version ${second.manifest.version} not validated yet: the suggestions are the newest validated version's, ${first.manifest.version}$`, 'm'));
      // A third training: the validated version 1 is kept (and 2, the one before the latest).
      const third = await trainAssistModel(s, { root: q.root });
      assert.deepEqual((await listModels(q.root, q.id)).manifests.map((m) => [m.version, isValidated(m)]), [[third.manifest.version, false], [second.manifest.version, false], [first.manifest.version, true]]);
      assert.equal((await prelabelQueue(s, { root: q.root })).manifest.version, first.manifest.version);
    } finally {
      await s.close();
    }
  });

  it('in a worker session a damaged or wrong-type newest validated model is passed over as in this process, the previous validated version used; this thread reads no model file', async () => {
    const q = await project();
    const s = await openStore(q, 'lead', 'd');
    const fsp = fs.promises;
    const readFile = fsp.readFile;
    try {
      const first = await trainAssistModel(s, { root: q.root });
      await validateAssistModel(s, { root: q.root });
      const second = await trainAssistModel(s, { root: q.root });
      await validateAssistModel(s, { root: q.root });
      const dir = modelsDir(q.root, q.id);
      const newest = path.join(dir, second.manifest.modelFile);
      const good = fs.readFileSync(newest, 'utf8');
      // The model files this thread reads while prelabelQueue runs.
      const read: string[] = [];
      fsp.readFile = ((file: unknown, ...rest: unknown[]) => {
        if (typeof file === 'string' && /model-\d+\.json$/.test(file)) read.push(file);
        return (readFile as (...a: unknown[]) => unknown)(file, ...rest);
      }) as typeof readFile;
      const damages = [
        { what: 'truncated', text: good.slice(0, good.length - 100), want: /: not valid JSON \(/ },
        { what: 'of another type', text: JSON.stringify({ ...JSON.parse(good), type: 'text-multilabel' }), want: /: model\.kind: a text-multilabel model must be multi-label, the file holds multi-class$/ },
      ];
      for (const d of damages) {
        fs.writeFileSync(newest, d.text);
        const runs = [];
        for (const workerFile of [undefined, worker.file]) {
          const log: string[] = [];
          read.length = 0;
          const r = await prelabelQueue(s, { root: q.root, ...(workerFile ? { workerFile } : {}), log: (l) => log.push(l) });
          runs.push({ version: r.manifest.version, passedOver: log.filter((l) => l.startsWith('passed over ')), read: [...read], suggestions: (await readSuggestions(q.root, q.id)).suggestions });
        }
        const [here, there] = runs;
        assert.equal(here!.version, first.manifest.version, d.what);
        assert.equal(there!.version, first.manifest.version, `${d.what}: the worker falls back to the previous validated version`);
        assert.equal(here!.passedOver.length, 1, d.what);
        assert.ok(here!.passedOver[0]!.startsWith(`passed over ${newest}: ${newest}: `), here!.passedOver[0]);
        assert.match(here!.passedOver[0]!, d.want);
        assert.deepEqual(there!.passedOver, here!.passedOver, `${d.what}: the same problem message`);
        assert.deepEqual(there!.suggestions, here!.suggestions);
        assert.deepEqual(here!.read.map((f) => path.basename(f)), [second.manifest.modelFile, first.manifest.modelFile], 'in this process both are read here');
        assert.deepEqual(there!.read, [], `${d.what}: with a worker this thread reads no model file`);
      }
      // Both damaged: nothing predicted, the same error naming both files.
      fs.writeFileSync(path.join(dir, first.manifest.modelFile), '{');
      const errors: string[] = [];
      for (const workerFile of [undefined, worker.file]) {
        await assert.rejects(prelabelQueue(s, { root: q.root, ...(workerFile ? { workerFile } : {}) }), (e: unknown) => e instanceof LabelingError && e.reason === 'not-found' && !!errors.push(e.message));
      }
      assert.match(errors[0]!, /no readable model \(2 damaged file\(s\): .*model-2\.json, .*model-1\.json\) of project "p": train one first/);
      assert.equal(errors[1], errors[0]);
    } finally {
      fsp.readFile = readFile;
      await s.close();
    }
  });

  it('a cancelled or failed validation leaves the manifest byte for byte as it was, and its inputs, and no temp file', async () => {
    const t = await trainAssistModel(store, { root: p.root });
    const dir = modelsDir(p.root, p.id);
    const manifestFile = path.join(dir, `manifest-${t.manifest.version}.json`);
    const before = fs.readFileSync(manifestFile);
    // In the worker, while it predicts the held-out items; in this process, likewise.
    await cancelTrainingAt(dir, (signal, onProgress) => validateAssistModel(store, { root: p.root, workerFile: worker.file, signal, onProgress }), (_f, m) => /^Validating: /.test(m));
    await cancelTrainingAt(dir, (signal, onProgress) => validateAssistModel(store, { root: p.root, signal, onProgress }), (_f, m) => /^Validating: /.test(m));
    // Cancelled once the figures are known, before they are written.
    await cancelTrainingAt(dir, (signal, onProgress) => validateAssistModel(store, { root: p.root, signal, onProgress }), (_f, m) => m === 'Writing the figures into the manifest');
    // Failed: the held-out examples damaged.
    const holdout = path.join(dir, t.manifest.validationInput!.holdoutFile);
    const good = fs.readFileSync(holdout);
    fs.writeFileSync(holdout, good.subarray(0, good.length - 40));
    await assert.rejects(validateAssistModel(store, { root: p.root, workerFile: worker.file }), (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && e.message.includes(`${holdout}:161: line: not a JSON object`));
    assert.deepEqual(fs.readFileSync(manifestFile), before);
    assert.deepEqual(tempFiles(dir), []);
    fs.writeFileSync(holdout, good);
    assert.ok(isValidated((await validateAssistModel(store, { root: p.root, workerFile: worker.file })).manifest));
  });

  it('prelabels the queue in a worker session: the same suggestions and predictions as in this process', async () => {
    const here = await prelabelQueue(store, { root: p.root, predictionsFile: path.join(p.root, 'here.jsonl') });
    const a = await readSuggestions(p.root, p.id);
    const log: string[] = [];
    const there = await prelabelQueue(store, { root: p.root, workerFile: worker.file, predictionsFile: path.join(p.root, 'there.jsonl'), sliceItems: 37, log: (l) => log.push(l) });
    const b = await readSuggestions(p.root, p.id);
    assert.deepEqual(there.result.predicted, 200);
    assert.deepEqual({ ...there.result, file: '' }, { ...here.result, file: '' });
    assert.ok(b.suggestions.length > 0 && b.suggestions.length < 200, `some suggested: ${b.suggestions.length}`);
    assert.deepEqual(b.suggestions, a.suggestions);
    assert.deepEqual({ ...b.header, createdAt: '' }, { ...a.header, createdAt: '' });
    assert.equal(fs.readFileSync(path.join(p.root, 'there.jsonl'), 'utf8'), fs.readFileSync(path.join(p.root, 'here.jsonl'), 'utf8'));
    assert.match(log.join('\n'), /^predicting 200 unlabeled queue item\(s\) in a worker thread$/m);
    assert.match(log.join('\n'), new RegExp(`^predicted 200 item\\(s\\) in .*: ${b.suggestions.length} suggested at or above`, 'm'));
  });

  it('cancelling training mid-way leaves the models folder exactly as it was', async () => {
    // Cancelled while the worker trained (within the training share of the progress).
    await cancelTrainingAt(
      modelsDir(p.root, p.id),
      (signal, onProgress) => trainAssistModel(store, { root: p.root, workerFile: worker.file, signal, onProgress }),
      (f) => f > 0.05 && f < 0.9,
    );
  });

  it('cancelling inference mid-way leaves the previous suggestions file byte for byte, and no temp file', async () => {
    await prelabelQueue(store, { root: p.root });
    const file = suggestionsFile(p.root, p.id);
    const before = fs.readFileSync(file);
    const predictionsFile = path.join(p.root, 'cancelled.jsonl');
    // Through prelabelQueue: aborted while lines of the second page are written.
    const ac = new AbortController();
    let progressed = 0;
    await assert.rejects(
      prelabelQueue(store, { root: p.root, workerFile: worker.file, predictionsFile, sliceItems: 20, sliceMs: 0, signal: ac.signal, onProgress: () => ++progressed === 30 && ac.abort() }),
      isCancelled,
    );
    assert.equal(progressed, 30);
    // Through the seam: aborted while the worker predicts the third page.
    const { loaded } = await loadValidatedModel(p.root, p.id, ['text-classification']);
    const ab = new AbortController();
    const session = await WorkerSession.start(worker.file, 'assist-predict', { model: loaded!.model.toJSON() }, { signal: ab.signal });
    const info = session.info;
    assert.ok(info.type !== null);
    let calls = 0;
    const predictor = {
      type: info.type,
      name: info.name,
      predictBatch: (texts: string[]) => {
        const pending = session.call({ texts });
        if (++calls === 3) ab.abort();
        return pending;
      },
    };
    try {
      await assert.rejects(predictQueue(store, { model: predictor, version: 99 }, 0.5, { root: p.root, predictionsFile, sliceItems: 20, signal: ab.signal }), isCancelled);
    } finally {
      session.close();
    }
    assert.equal(calls, 3);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(tempFiles(path.dirname(file)), []);
    assert.equal(fs.existsSync(predictionsFile), false);
    assert.deepEqual(tempFiles(p.root), []);
  });

  it('with no saved model, prelabelQueue names the models folder', async () => {
    const q = await project();
    const s = await openStore(q, 'lead', 'd');
    try {
      await assert.rejects(
        prelabelQueue(s, { root: q.root, workerFile: worker.file }),
        (e: unknown) => e instanceof LabelingError && e.reason === 'not-found' && e.message.includes(modelsDir(q.root, q.id)) && /no saved model of project "p": train one first/.test(e.message),
      );
    } finally {
      await s.close();
    }
  });
});

describe('ML assist: publishing suggestions as prelabels', function () {
  this.timeout(120_000);
  after(cleanupWorkspaces);

  it('writes only the fresh suggestions as prelabels of the model; a second publish skips the stale ones', async () => {
    const p = await project();
    const store = await openStore(p, 'lead', 'd');
    try {
      await assert.rejects(publishSuggestions(store, p.root), /no local suggestions of project "p" to publish/);
      const { manifest } = await trainAssistModel(store, { root: p.root });
      await validateAssistModel(store, { root: p.root });
      await prelabelQueue(store, { root: p.root });
      const first = (await readSuggestions(p.root, p.id)).suggestions;
      assert.ok(first.length >= 10, `${first.length} suggestions`);
      // Changed since they were predicted: one assigned (a new version), one labeled.
      const [assigned, labeled] = [first[0]!.item, first[1]!.item];
      await store.assign(assigned, 'bob');
      await store.submit(labeled, classes('negative'));
      const progress: number[] = [];
      const r = await publishSuggestions(store, p.root, { onProgress: (f) => progress.push(f) });
      assert.deepEqual(r, { published: first.length - 2, stale: 2, unchanged: 0, modelVersion: manifest.version, lines: 1 });
      assert.equal(progress[progress.length - 1], 1);
      const src = `model:tfidf-logreg@${manifest.version}`;
      const written = imports(p).flatMap((e) => e.submits);
      assert.deepEqual(
        written.map((s) => s.item).sort(),
        first.filter((s) => s.item !== assigned && s.item !== labeled).map((s) => s.item).sort(),
      );
      const byItem = new Map(first.map((s) => [s.item, s]));
      for (const w of written) assert.deepEqual(w, { item: w.item, ann: byItem.get(w.item)!.annotation, pre: true, conf: byItem.get(w.item)!.confidence, src });
      assert.equal(store.stats().review.prelabeled, first.length - 2);
      assert.equal(store.getItem(assigned)!.prelabel, undefined);

      // The same file again: every item it names changed since (published, assigned, labeled).
      assert.deepEqual(await publishSuggestions(store, p.root), { published: 0, stale: first.length, unchanged: 0, modelVersion: manifest.version, lines: 0 });

      // A new prelabel run, then two more items change before the publish.
      await prelabelQueue(store, { root: p.root });
      const second = (await readSuggestions(p.root, p.id)).suggestions;
      assert.ok(second.some((s) => s.item === assigned));
      const [c, d] = second.filter((s) => s.item !== assigned).map((s) => s.item);
      await store.assign(c!, 'bob');
      await store.submit(d!, classes('positive'));
      const again = await publishSuggestions(store, p.root);
      assert.deepEqual(again, { published: 1, stale: 2, unchanged: second.length - 3, modelVersion: manifest.version, lines: 1 });
      const last = imports(p).pop()!;
      assert.deepEqual(last.submits.map((s) => s.item), [assigned]);
    } finally {
      await store.close();
    }
  });

  it('refuses a labeler without the manager role, naming the role, and writes nothing', async () => {
    const p = await project();
    const lead = await openStore(p, 'lead', 'd');
    try {
      await trainAssistModel(lead, { root: p.root });
      await validateAssistModel(lead, { root: p.root });
      await prelabelQueue(lead, { root: p.root });
    } finally {
      await lead.close();
    }
    setProjectRoles(p, { lead: ['manager'], ann: ['labeler'] });
    const journals = path.join(p.root, '.labeling', p.id, 'journal');
    const before = hashTree(journals);
    const ann = await openStore(p, 'ann', 'd');
    try {
      await assert.rejects(publishSuggestions(ann, p.root), (e: unknown) => e instanceof LabelingError && e.reason === 'forbidden' && /ann is not a manager/.test(e.message));
    } finally {
      await ann.close();
    }
    assert.deepEqual(hashTree(journals), before);
  });

  it('says so when the suggestions hold none (no threshold qualified)', async () => {
    const p = await project();
    const store = await openStore(p, 'lead', 'd');
    try {
      await trainAssistModel(store, { root: p.root, train: { targetPrecision: 0.999 } });
      await validateAssistModel(store, { root: p.root });
      await prelabelQueue(store, { root: p.root });
      await assert.rejects(publishSuggestions(store, p.root), /version 1 has no suggestion to publish: no confidence threshold qualified in validation/);
    } finally {
      await store.close();
    }
  });
});
