import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as crypto from 'node:crypto';
import { JOURNAL_VERSION } from '../../src/core/journal/events';
import { labelerFolder } from '../../src/core/team/labeler-folder';
import { modelsDir } from '../../src/core/ml/assist/model-store';
import { readSuggestions, suggestionsFile } from '../../src/core/ml/assist/predict-queue';
import { readQueueOrder } from '../../src/core/ml/assist/queue-order';
import { clusterPurity } from '../../src/core/ml/kmeans';
import { seededRandom, shuffleInPlace } from '../../src/core/random';
import { PNG } from 'pngjs';
import { mnistDigit } from '../../src/core/ml/image-model-testdata';
import { sentimentSplit } from '../../src/core/ml/text-model-testdata';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/** The pooled sentiment sentences and their labels. */
function sentimentRows(): { texts: string[]; labels: string[] } {
  const { train, test } = sentimentSplit();
  return { texts: [...train.texts, ...test.texts], labels: [...train.labels, ...test.labels] };
}

/** SHA-256 of every file in a folder (to see that nothing was added or changed). */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) out[name] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, name))).digest('hex');
  return out;
}

/**
 * Issue 12 items 1, 3 and 4 in a real window: a project seeded with a teammate's labels (from journals)
 * trains by itself in a worker thread, validates, prelabels the queue as local suggestions, and the
 * labeling panel shows them as suggested; cancelling a training leaves the models folder as it was.
 */
describe('ML-assisted labeling (inside the VS Code extension host)', function () {
  this.timeout(240000);
  let api: ExtensionApi;
  const id = 'assist-sentiment';
  const LABELED = 700;
  const ITEMS = 1000;
  const entry = () => api.registry.find(id)!;
  const root = () => workspaceRoot().fsPath;
  const key = (i: number) => `data/assist-reviews.csv#r${i}`;

  before(async () => {
    api = await activateExtension();
    const { texts } = sentimentRows();
    const q = (s: string) => `"${s.replace(/"/g, '""').replace(/\r?\n/g, ' ')}"`;
    fs.writeFileSync(path.join(root(), 'data', 'assist-reviews.csv'), `id,text\n${texts.slice(0, ITEMS).map((t, i) => `r${i + 1},${q(t)}`).join('\n')}\n`);
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Assist Sentiment',
      type: 'text-classification',
      labels: ['negative', 'positive'],
      dataSources: [{ kind: 'table', glob: 'data/assist-reviews.csv', textColumn: 'text', idColumn: 'id' }],
      // Automatic training at 600 final labels; a target the sentiment model reaches on 140 held-out items.
      mlAssist: { enabled: true, minLabels: 600, targetPrecision: 0.8 },
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });

  it('trains by itself once enough labels arrive, and the panel shows the validated suggestions', async () => {
    const store = await api.stores.get(entry());
    const { labels } = sentimentRows();
    // A teammate's journal arrives (as from git) with 700 labels: past minLabels, so training starts.
    const lines: string[] = [];
    for (let i = 1; i <= LABELED; i++) {
      const at = new Date(Date.UTC(2026, 10, 30, 9, 0, 0, i)).toISOString();
      lines.push(JSON.stringify({ v: JOURNAL_VERSION, at, by: 'ann@example.com', dev: 'laptop', seq: i, type: 'submit', item: key(i), ann: { kind: 'classes', labels: [labels[i - 1]!] } }));
    }
    const journal = path.join(root(), '.labeling', id, 'journal', labelerFolder('ann@example.com'));
    fs.mkdirSync(journal, { recursive: true });
    fs.writeFileSync(path.join(journal, 'laptop.jsonl'), lines.join('\n') + '\n');
    await store.syncJournals();
    const training = await eventually(
      () => api.jobs.runner.list().find((j) => j.title === 'Train the ML-assist model of Assist Sentiment' && j.status === 'succeeded'),
      'the automatic training to succeed',
      120000,
    );
    assert.ok(training.log.some((l) => /held out/.test(l.text)), `the job log says what was held out: ${training.log.map((l) => l.text).join(' | ')}`);
    assert.ok(!training.log.some((l) => /^validation:/.test(l.text)), 'the training job does not validate');
    // Validation is a job of its own, after the training and before the prelabels, with its figures.
    const validation = await eventually(
      () => api.jobs.runner.list().find((j) => j.title === 'Validate the ML-assist model of Assist Sentiment' && j.status === 'succeeded'),
      'the validation job to succeed',
      120000,
    );
    assert.ok(validation.queuedAt >= training.endedAt!, 'validated after the training');
    assert.match(validation.progress.message ?? '', /^threshold 0\.\d+, validated precision 0\.\d+ on \d+ items \(held out \d+ of 700, target 0\.8\)$/);
    assert.ok(validation.log.some((l) => /^validation: accuracy 0\.\d+; threshold/.test(l.text)), validation.log.map((l) => l.text).join(' | '));
    const prelabel = await eventually(() => api.jobs.runner.list().find((j) => j.title === 'Prelabel the queue of Assist Sentiment' && j.status === 'succeeded'), 'the prelabel job to succeed', 120000);
    assert.ok(prelabel.queuedAt >= validation.endedAt!, 'prelabeled after the validation');

    const { header, suggestions } = await readSuggestions(root(), id);
    assert.equal(header?.modelVersion, 1);
    assert.ok(header!.threshold !== null, 'a threshold qualified at precision 0.8');
    assert.ok(suggestions.length > 0, 'some queue items are suggested');
    assert.ok(suggestions.every((s) => s.confidence >= header!.threshold! && Number(s.item.split('#r')[1]) > LABELED), 'only unlabeled items above the threshold');

    // The labeling panel, opened on a suggested item, shows the suggestion (dashed, "suggested").
    const first = suggestions[0]!;
    await vscode.commands.executeCommand('labeling.openItem', id, first.item);
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === id), 'the labeling panel');
    const item = await eventually(() => (panel.lastState?.item?.key === first.item ? panel.lastState.item : undefined), 'the panel on the suggested item');
    assert.deepEqual(item.prelabel?.annotation, first.annotation);
    assert.match(item.prelabel!.source ?? '', /tfidf-logreg/);
    assert.equal(item.annotation, undefined, 'a suggestion is not the labeler\'s own label');

    // Project Details shows the model, its validation and the jobs.
    await vscode.commands.executeCommand('labeling.projectDetails', id);
    const details = await eventually(() => api.details.all.find((p) => p.project.id === id && p.lastState?.assist?.model), 'Project Details with the model');
    const a = details.lastState!.assist!;
    assert.equal(a.model!.version, 1);
    assert.equal(a.model!.trainedOn, LABELED);
    assert.equal(a.suggestions?.count, suggestions.length);
    assert.equal(a.model!.validation.message, validation.progress.message);
    assert.ok(a.jobs.some((j) => j.status === 'succeeded' && j.title.startsWith('Train the ML-assist model')));
    assert.ok(a.jobs.some((j) => j.status === 'succeeded' && j.title.startsWith('Validate the ML-assist model') && j.message === a.model!.validation.message), 'the validation job with its figures');
    panel.panel.dispose();
    details.panel.dispose();
  });

  it('Publish Prelabels writes the fresh suggestions to the journal as prelabels of the model version', async () => {
    const { suggestions } = await readSuggestions(root(), id);
    const published = await vscode.commands.executeCommand<number>('labeling.publishPrelabels', id, { confirmed: true });
    assert.equal(published, suggestions.length);
    const store = await api.stores.get(entry());
    const mine = path.join(root(), '.labeling', id, 'journal', labelerFolder(store.labeler));
    const lines = fs.readdirSync(mine).flatMap((f) => fs.readFileSync(path.join(mine, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; submits?: { item: string; pre?: boolean; src?: string; conf?: number }[] }));
    const submits = lines.filter((l) => l.type === 'import').flatMap((l) => l.submits!);
    assert.equal(submits.length, suggestions.length);
    assert.ok(submits.every((s) => s.pre === true && s.src === 'model:tfidf-logreg@1' && typeof s.conf === 'number'));
    assert.deepEqual(submits.map((s) => s.item).sort(), suggestions.map((s) => s.item).sort());
    const first = store.getItem(suggestions[0]!.item)!;
    assert.equal(first.state, 'unlabeled', 'a prelabel is not a label');
    assert.equal(first.prelabel?.source, 'model:tfidf-logreg@1');
  });

  it('cancelling a training leaves the models folder and the suggestions exactly as they were', async () => {
    const dir = modelsDir(root(), id);
    const before = hashTree(dir);
    const suggestionsBefore = fs.readFileSync(suggestionsFile(root(), id));
    // Cancelled once the worker reports that it is training (mid-way, not before it started).
    let cancelled: string | undefined;
    const off = api.jobs.runner.subscribe((e) => {
      if (!cancelled && e.cause === 'progress' && e.job.title.startsWith('Train the ML-assist model') && /Training/.test(e.job.progress.message ?? '')) {
        cancelled = e.job.id;
        api.jobs.runner.cancel(e.job.id, 'test');
      }
    });
    try {
      await vscode.commands.executeCommand('labeling.startAssistTraining', id);
    } finally {
      off();
    }
    assert.ok(cancelled, 'the training reported progress and was cancelled');
    await eventually(() => api.jobs.runner.get(cancelled!)?.status === 'cancelled', 'the training to be cancelled');
    const job = api.jobs.runner.get(cancelled)!;
    assert.deepEqual(hashTree(dir), before, 'no model file, manifest or temp file was added');
    assert.deepEqual(Object.keys(hashTree(dir)).filter((n) => n.endsWith('.tmp')), []);
    assert.ok(fs.readFileSync(suggestionsFile(root(), id)).equals(suggestionsBefore), 'the suggestions are untouched');
    assert.ok(!api.jobs.runner.list().some((j) => j.title.startsWith('Prelabel the queue') && j.queuedAt > job.queuedAt), 'no prelabel job followed the cancelled training');
  });

  it('cancelling a validation leaves the new version\'s manifest byte for byte as the training wrote it, and no prelabel job follows', async () => {
    const dir = modelsDir(root(), id);
    const suggestionsBefore = fs.readFileSync(suggestionsFile(root(), id));
    let cancelled: string | undefined;
    let manifest: { file: string; bytes: Buffer } | undefined;
    const off = api.jobs.runner.subscribe((e) => {
      if (!cancelled && e.cause === 'progress' && e.job.title.startsWith('Validate the ML-assist model')) {
        const newest = fs.readdirSync(dir).filter((n) => /^manifest-\d+\.json$/.test(n)).sort((x, y) => Number(/\d+/.exec(y)![0]) - Number(/\d+/.exec(x)![0]))[0]!;
        manifest = { file: path.join(dir, newest), bytes: fs.readFileSync(path.join(dir, newest)) };
        cancelled = e.job.id;
        api.jobs.runner.cancel(e.job.id, 'test');
      }
    });
    try {
      await vscode.commands.executeCommand('labeling.startAssistTraining', id);
    } finally {
      off();
    }
    assert.ok(cancelled && manifest, 'the validation reported progress and was cancelled');
    await eventually(() => api.jobs.runner.get(cancelled!)?.status === 'cancelled', 'the validation to be cancelled');
    const job = api.jobs.runner.get(cancelled)!;
    assert.ok(fs.readFileSync(manifest.file).equals(manifest.bytes), 'the manifest is as the training wrote it');
    assert.equal((JSON.parse(manifest.bytes.toString('utf8')) as { validation: unknown }).validation, null, 'not validated');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
    assert.ok(fs.readFileSync(suggestionsFile(root(), id)).equals(suggestionsBefore), 'the suggestions are untouched');
    assert.ok(!api.jobs.runner.list().some((j) => j.title.startsWith('Prelabel the queue') && j.queuedAt > job.queuedAt), 'no prelabel job followed the cancelled validation');
  });

  it('the version left not validated is validated by the next automatic run, then prelabels come from it', async () => {
    const dir = modelsDir(root(), id);
    const pending = fs.readdirSync(dir).filter((n) => /^manifest-\d+\.json$/.test(n)).map((n) => Number(/\d+/.exec(n)![0])).sort((a, b) => b - a)[0]!;
    const read = () => JSON.parse(fs.readFileSync(path.join(dir, `manifest-${pending}.json`), 'utf8')) as { validation: { message: string } | null };
    assert.equal(read().validation, null, 'left not validated by the test before');
    const since = Date.now();
    // Any change of the project starts the automatic run (701 labels: no training due, so only the validation).
    const store = await api.stores.get(entry());
    const unlabeled = [...Array(20).keys()].map((k) => key(LABELED + 1 + k)).find((k) => store.getItem(k)?.state === 'unlabeled')!;
    await store.submit(unlabeled, { kind: 'classes', labels: ['positive'] });
    const validation = await eventually(
      () => api.jobs.runner.list().find((j) => j.title === 'Validate the ML-assist model of Assist Sentiment' && j.queuedAt >= since && j.status === 'succeeded'),
      'the automatic validation to succeed',
      120000,
    );
    assert.equal(read().validation?.message, validation.progress.message);
    await eventually(() => api.jobs.runner.list().find((j) => j.title === 'Prelabel the queue of Assist Sentiment' && j.queuedAt >= validation.endedAt! && j.status === 'succeeded'), 'the prelabels after it', 120000);
    assert.equal((await readSuggestions(root(), id)).header?.modelVersion, pending);
    assert.ok(!api.jobs.runner.list().some((j) => j.title.startsWith('Train the ML-assist model') && j.queuedAt >= since), 'no training was due');
  });

  it('an image classification project trains its built-in image model in the worker and suggests digits', async () => {
    const imgId = 'assist-digits';
    const dir = path.join(root(), 'data', 'assist-digits');
    fs.mkdirSync(dir, { recursive: true });
    const PER_DIGIT = 40;
    const LABELED_PER_DIGIT = 30;
    const lines: string[] = [];
    for (let d = 0; d < 10; d++) {
      mnistDigit(d, PER_DIGIT).forEach((img, i) => {
        const png = new PNG({ width: img.width, height: img.height });
        for (let p = 0; p < img.width * img.height; p++) {
          png.data[p * 4] = png.data[p * 4 + 1] = png.data[p * 4 + 2] = Math.round(Number(img.data[p]) * 255);
          png.data[p * 4 + 3] = 255;
        }
        const name = `d${d}-${String(i).padStart(2, '0')}.png`;
        fs.writeFileSync(path.join(dir, name), PNG.sync.write(png));
        if (i < LABELED_PER_DIGIT) {
          const at = new Date(Date.UTC(2026, 10, 30, 10, 0, 0, lines.length)).toISOString();
          lines.push(JSON.stringify({ v: JOURNAL_VERSION, at, by: 'ann@example.com', dev: 'laptop', seq: lines.length + 1, type: 'submit', item: `data/assist-digits/${name}`, ann: { kind: 'classes', labels: [String(d)] } }));
        }
      });
    }
    await vscode.commands.executeCommand('labeling.createProject', {
      id: imgId,
      name: 'Assist Digits',
      type: 'image-classification',
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      dataSources: [{ kind: 'images', glob: 'data/assist-digits/*.png' }],
      mlAssist: { enabled: true, minLabels: 10_000, targetPrecision: 0.8, queueOrder: 'clustered' },
    });
    const img = await eventually(() => api.registry.find(imgId), 'the image project in the registry');
    const journal = path.join(root(), '.labeling', imgId, 'journal', labelerFolder('ann@example.com'));
    fs.mkdirSync(journal, { recursive: true });
    fs.writeFileSync(path.join(journal, 'laptop.jsonl'), lines.join('\n') + '\n');
    const store = await api.stores.get(img);
    await store.syncJournals();
    await eventually(() => api.stores.statsOf(img)?.labeled === 10 * LABELED_PER_DIGIT, 'the labels indexed');
    const r = await vscode.commands.executeCommand<{ version: number; suggested: number }>('labeling.startAssistTraining', imgId);
    assert.equal(r.version, 1);
    const { header, suggestions } = await readSuggestions(root(), imgId);
    assert.equal(header?.model, 'image-features-logreg');
    assert.ok(header!.threshold !== null, 'a threshold qualified');
    assert.equal(suggestions.length, r.suggested);
    assert.ok(suggestions.length > 0, 'some digits are suggested');
    // Most suggestions are right: the file's digit is its name's first character.
    const right = suggestions.filter((s) => s.annotation.kind === 'classes' && s.annotation.labels[0] === path.basename(s.item)[1]).length;
    assert.ok(right / suggestions.length >= 0.8, `${right} of ${suggestions.length} suggestions right`);
    const train = api.jobs.runner.list().find((j) => j.title === 'Train the ML-assist model of Assist Digits');
    const validated = api.jobs.runner.list().find((j) => j.title === 'Validate the ML-assist model of Assist Digits');
    assert.equal(validated?.status, 'succeeded');
    assert.match(validated!.progress.message ?? '', /^threshold 0\.\d+, validated precision/);
    assert.ok(train?.log.some((l) => /features/.test(l.text) || /held out/.test(l.text)), train?.log.map((l) => l.text).join(' | '));
    // queueOrder 'clustered': the featurization job ordered the queue, similar digits together.
    const order = api.jobs.runner.list().find((j) => j.title === 'Order the queue of Assist Digits (clustered)');
    assert.equal(order?.status, 'succeeded');
    const { order: file, problems } = await readQueueOrder(root(), imgId);
    assert.deepEqual(problems, []);
    assert.equal(file?.keys.length, 10 * (PER_DIGIT - LABELED_PER_DIGIT), 'every queue item');
    // Similar digits together: the clusters' purity by digit is well above the same clusters shuffled.
    const digits = file!.keys.map((k) => path.basename(k)[1]!);
    const purity = clusterPurity(file!.clusters!, digits);
    let chance = 0;
    for (let s = 1; s <= 20; s++) chance = Math.max(chance, clusterPurity(shuffleInPlace([...file!.clusters!], seededRandom(s)), digits));
    assert.ok(purity > chance + 0.1, `cluster purity ${purity.toFixed(2)}, shuffled up to ${chance.toFixed(2)}`);
    // The dashboard's queue counts the clustered items.
    await vscode.commands.executeCommand('labeling.showDashboard', imgId);
    const dash = await eventually(() => api.dashboards.get(img), 'the dashboard');
    await eventually(() => dash.lastModel?.queue.clustered === file!.keys.length, 'the clustered items in the dashboard\'s queue');
    dash.panel.dispose();
  });
});
