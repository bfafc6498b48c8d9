import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seededProject, sentimentRows } from '../../core/ml/assist/assist-fixture';
import { digitPng, digitProject } from '../../core/ml/assist/image-assist-fixture';
import { mnistDigit } from '../../core/ml/image-model-testdata';
import { classes, cleanupWorkspaces, textProject } from '../../core/store/test-support';
import { cli, readBack, setProjectRoles } from '../test-support';

/** Every line of every journal file of the project, parsed. */
function journal(p: { root: string; id: string }): { by: string; type: string; batch?: string; submits?: { item: string; ann: unknown; pre?: boolean; conf?: number; src?: string }[] }[] {
  const dir = path.join(p.root, '.labeling', p.id, 'journal');
  return fs.readdirSync(dir).flatMap((who) =>
    fs.readdirSync(path.join(dir, who)).flatMap((f) => fs.readFileSync(path.join(dir, who, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))),
  );
}

describe('data-labeling assist', function () {
  this.timeout(120_000);
  after(cleanupWorkspaces);

  it('trains on the final labels, validates, saves the model and prelabels the queue above the threshold; --json and --predictions', async () => {
    const { texts, labels } = sentimentRows();
    // 1,000 sentences, 800 labeled by ann: the last 200 are the queue.
    const n = 1000;
    const p = await seededProject(texts.slice(0, n), ['ann'], (_, i) => (i <= 800 ? classes(labels[i - 1]!) : undefined));
    // A target this data reaches (0.95 needs more labels), from project.json as a manager would set it.
    const defFile = path.join(p.root, '.labeling', p.id, 'project.json');
    const def = JSON.parse(fs.readFileSync(defFile, 'utf8')) as { mlAssist: Record<string, unknown> };
    fs.writeFileSync(defFile, JSON.stringify({ ...def, mlAssist: { ...def.mlAssist, targetPrecision: 0.8 } }, null, 2));
    const predictions = path.join(p.root, 'predictions.jsonl');
    const r = await cli('assist', p.root, p.id, '--json', '--predictions', predictions, '--as', 'lead@example.com');
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { model: string; version: number; trainedOn: number; validation: { items: number; accuracy: number; threshold: number | null; precisionAtThreshold: number | null }; prelabeled: number };
    assert.deepEqual(Object.keys(out).sort(), ['model', 'prelabeled', 'trainedOn', 'validation', 'version']);
    assert.equal(out.trainedOn, 800);
    assert.ok(out.validation.items >= 150 && out.validation.accuracy > 0.7, JSON.stringify(out.validation));
    // One line per unlabeled item, whatever the threshold.
    const lines = fs.readFileSync(predictions, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { item: string; label: string; confidence: number });
    assert.equal(lines.length, 200);
    assert.ok(lines.every((l) => ['negative', 'positive'].includes(l.label) && l.confidence >= 0.5 && l.confidence <= 1));
    // Exactly the predictions at or above the threshold went to the journal, as prelabels of that model.
    const imports = journal(p).filter((e) => e.type === 'import');
    const above = out.validation.threshold === null ? [] : lines.filter((l) => l.confidence >= out.validation.threshold!);
    assert.ok(out.validation.threshold !== null && out.validation.precisionAtThreshold! >= 0.8, JSON.stringify(out.validation));
    assert.ok(above.length > 0 && above.length < 200, `some but not all of the queue is above the threshold (${above.length})`);
    assert.equal(out.prelabeled, above.length);
    const written = imports.flatMap((e) => e.submits ?? []);
    assert.deepEqual(written.map((s) => s.item).sort(), above.map((l) => l.item).sort());
    assert.ok(written.every((s) => s.pre === true && typeof s.conf === 'number' && s.src === `model:${out.model}@${out.version}`));
    assert.ok(imports.every((e) => e.by === 'lead@example.com'));
    const stats = await readBack(p, (s) => s.stats());
    assert.equal(stats.review.prelabeled, above.length, 'the index counts them as prelabeled items');
    assert.equal(stats.labeled, 800, 'prelabels are not labels');
    assert.ok(fs.existsSync(path.join(p.root, '.labeling', '.cache', 'models', p.id)), 'the model is saved');
  });

  it('refuses a caller without the manager role, and a project type without a built-in model, naming why', async () => {
    const { texts, labels } = sentimentRows();
    const p = await seededProject(texts.slice(0, 120), ['ann'], (_, i) => (i <= 100 ? classes(labels[i - 1]!) : undefined));
    setProjectRoles(p, { 'lead@example.com': ['manager'], 'ann@example.com': ['labeler'] });
    const no = await cli('assist', p.root, p.id, '--as', 'ann@example.com');
    assert.equal(no.code, 1);
    assert.match(no.err, /ann@example\.com is not a manager/);
    assert.equal(journal(p).filter((e) => e.type === 'import').length, 0, 'nothing written');
    const boxes = await textProject(0, { type: 'image-detection', labels: ['car'], sources: [{ kind: 'images', glob: 'images/*.png' }] });
    const r = await cli('assist', boxes.root, boxes.id);
    assert.equal(r.code, 1);
    assert.match(r.err, /built-in models cover text and image classification projects; "p" is image-detection \(use a model of your own through mlAssist\.backendUrl\)/);
    assert.equal(fs.existsSync(path.join(boxes.root, '.labeling', '.cache', 'models')), false, 'nothing trained');
  });

  it('an image classification project: trains on the image files, prelabels the queue above the threshold, names the unreadable file; --json and --predictions', async () => {
    const cut = digitPng(mnistDigit(3, 1)[0]!).subarray(0, 200);
    const p = await digitProject('image-classification', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 40, 30, (d) => classes(String(d)), {
      targetPrecision: 0.9,
      extra: { 'img/zz-broken.png': { bytes: cut, ann: classes('3') } },
    });
    const predictions = path.join(p.root, 'predictions.jsonl');
    const r = await cli('assist', p.root, p.id, '--json', '--predictions', predictions, '--as', 'lead@example.com');
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { model: string; version: number; trainedOn: number; validation: { items: number; accuracy: number; threshold: number | null; precisionAtThreshold: number | null }; prelabeled: number };
    assert.deepEqual(Object.keys(out).sort(), ['model', 'prelabeled', 'trainedOn', 'validation', 'version']);
    assert.deepEqual(Object.keys(out.validation).sort(), ['accuracy', 'items', 'message', 'precisionAtThreshold', 'threshold']);
    assert.deepEqual([out.model, out.version, out.trainedOn, out.validation.items], ['image-features-logreg', 1, 300, 60]);
    assert.ok(out.validation.threshold !== null && out.validation.precisionAtThreshold! >= 0.9 && out.validation.accuracy >= 0.8, JSON.stringify(out.validation));
    const lines = fs.readFileSync(predictions, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { item: string; label: string; confidence: number });
    assert.deepEqual(lines.map((l) => l.item).sort(), p.unlabeled.map((u) => u.key).sort());
    assert.ok(lines.every((l) => Object.keys(l).sort().join() === 'confidence,item,label' && /^\d$/.test(l.label) && l.confidence > 0 && l.confidence <= 1));
    const above = lines.filter((l) => l.confidence >= out.validation.threshold!);
    assert.ok(above.length > 0 && above.length < 100, `${above.length} above the threshold`);
    assert.equal(out.prelabeled, above.length);
    const written = journal(p).filter((e) => e.type === 'import').flatMap((e) => e.submits ?? []);
    assert.deepEqual(
      written.map((s) => [s.item, s.ann]).sort(),
      above.map((l) => [l.item, { kind: 'classes', labels: [l.label] }]).sort(),
    );
    assert.ok(written.every((s) => s.pre === true && s.src === 'model:image-features-logreg@1'));
    assert.equal((await readBack({ ...p, keys: [] }, (s) => s.stats())).review.prelabeled, above.length);

    // The report in words: the model, the validation, the prelabels and the file that could not be read.
    const again = await cli('assist', p.root, p.id, '--as', 'lead@example.com');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /: image-features-logreg version 2, trained on 300 label\(s\)\n/);
    assert.match(again.out, /^ {2}validation: threshold \d\.\d\d, validated precision \d\.\d\d on \d+ items/m);
    assert.match(again.out, /^ {2}\d+ of 100 unlabeled item\(s\) prelabeled$/m);
    assert.match(again.out, /^ {2}1 image file\(s\) could not be read and were left out: img\/zz-broken\.png \(cannot decode this PNG file/m);
  });
});
