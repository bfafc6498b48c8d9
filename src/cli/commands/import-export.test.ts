import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fixture, useTempDir } from '../../core/formats/test-support';
import type { CliCommand } from '../io';
import { main } from '../main';
import { exportCommand } from './export';
import { importCommand } from './import';
import { initCommand } from './init';

async function run(cmd: CliCommand, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd.run(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

const sentiment = fixture('azureml-examples', 'sdk', 'python', 'jobs', 'automl-standalone-jobs', 'automl-nlp-text-classification-multiclass-task-sentiment-analysis', 'training-mltable-folder');
const yolo = fixture('label-studio-sdk', 'tests', 'custom', 'converter', 'data', 'test_import_yolo_data_unif_dims');

describe('CLI import / export', () => {
  const tmp = useTempDir();

  it('imports the Azure sentiment MLTable into a table project by text, then exports CSV', async () => {
    const root = tmp();
    await mkdir(join(root, 'data'));
    await cp(join(sentiment, 'yelp_training_set.csv'), join(root, 'data', 'yelp.csv'));
    assert.equal((await run(initCommand, root, '--name', 'sent', '--type', 'text-classification', '--data', 'data/*.csv', '--text-column', 'ReviewText', '--labels', '0,1')).code, 0);
    const dry = await run(importCommand, root, 'sent', sentiment, '--format', 'mltable', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.err);
    const s = JSON.parse(dry.out);
    // Three rows read "#NAME?" (a spreadsheet artefact): their text is ambiguous, reported, not guessed.
    assert.deepEqual([s.dryRun, s.records, s.matched, s.unmatched, s.shapesByType.classes], [true, 499, 496, 3, 496]);
    assert.match(s.problems[0].message, /ambiguous/);
    const imp = await run(importCommand, root, 'sent', '--file', sentiment, '--format', 'mltable', '--as', 'final');
    assert.equal(imp.code, 0, imp.err);
    assert.match(imp.out, /imported 496 annotations as one batch/);
    const exp = await run(exportCommand, root, 'sent', '--format', 'csv', '--out', 'out');
    assert.equal(exp.code, 0, exp.err);
    const rows = (await readFile(join(root, 'out', 'labels.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(rows.length, 1 + 496);
    assert.equal(rows[0], 'item,text,label,labelers,agreement,confidence,prelabel');
    assert.ok(rows.some((r) => r.startsWith('data/yelp.csv#1,Wow... Loved this place.,1,')));
  });

  it('imports a YOLO folder onto workspace images (sizes measured) and exports standard COCO', async () => {
    const root = tmp();
    await mkdir(join(root, 'images'));
    await cp(join(yolo, 'images', 'img_1.jpg'), join(root, 'images', 'img_1.jpg'));
    assert.equal((await run(initCommand, root, '--name', 'det', '--type', 'image-detection', '--data', 'images/*.jpg', '--labels', 'bus')).code, 0);
    const skip = await run(importCommand, root, 'det', yolo, '--format', 'yolo', '--dry-run', '--json');
    assert.deepEqual(JSON.parse(skip.out).labelsSkipped, { number: 1, closed_door: 2 });
    const imp = await run(importCommand, root, 'det', yolo, '--format', 'yolo', '--create-labels');
    assert.equal(imp.code, 0, imp.err);
    // The summary counts items and objects apart and repeats the category mapping chosen.
    assert.match(imp.out, /To import: 1 image, 4 boxes\./);
    assert.match(imp.out, /Labels: bus \(1\), number \(new, 1\), closed_door \(new, 2\)\./);
    const exp = await run(exportCommand, root, 'det', '--format', 'coco', '--json');
    assert.equal(exp.code, 0, exp.err);
    assert.deepEqual(JSON.parse(exp.out).files, ['coco.json']);
    const coco = JSON.parse(await readFile(join(root, 'labels', 'det', 'coco.json'), 'utf8'));
    assert.deepEqual(coco.images.map((i: { file_name: string; width: number; height: number }) => [i.file_name, i.width, i.height]), [['images/img_1.jpg', 640, 329]]);
    assert.deepEqual(coco.categories.map((c: { name: string }) => c.name), ['bus', 'number', 'closed_door']);
    assert.deepEqual(coco.annotations[0].bbox.map(Math.round), [10, 9, 617, 286]);
    assert.equal(coco.annotations.length, 4);
  });

  it('refuses a format the project type does not support', async () => {
    const root = tmp();
    await mkdir(join(root, 'images'));
    await cp(join(yolo, 'images', 'img_1.jpg'), join(root, 'images', 'img_1.jpg'));
    await run(initCommand, root, '--name', 'det', '--type', 'image-detection', '--data', 'images/*.jpg', '--labels', 'bus');
    await assert.rejects(run(exportCommand, root, 'det', '--format', 'conll'), /exports as csv, coco/);
  });

  it("exports into a folder holding the user's files without touching them, and refuses to overwrite an edited export", async () => {
    const root = tmp();
    await mkdir(join(root, 'images'));
    await cp(join(yolo, 'images', 'img_1.jpg'), join(root, 'images', 'img_1.jpg'));
    await run(initCommand, root, '--name', 'det', '--type', 'image-detection', '--data', 'images/*.jpg', '--labels', 'bus');
    assert.equal((await run(importCommand, root, 'det', yolo, '--format', 'yolo', '--create-labels')).code, 0);
    const train = join(root, 'labels', 'det', 'yolo', 'train.py');
    await mkdir(join(train, '..'), { recursive: true });
    await writeFile(train, 'import ultralytics\n');
    for (let i = 0; i < 2; i++) assert.equal((await run(exportCommand, root, 'det', '--format', 'yolo')).code, 0);
    assert.equal(await readFile(train, 'utf8'), 'import ultralytics\n', "the user's file survives");
    const label = join(root, 'labels', 'det', 'yolo', 'labels', 'images', 'img_1.txt');
    assert.equal((await readFile(label, 'utf8')).trimEnd().split('\n').length, 4);
    await writeFile(label, '0 0.5 0.5 0.2 0.2\n');
    const cli = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
      return { code, out, err };
    };
    const refused = await cli('export', root, 'det', '--format', 'yolo');
    assert.equal(refused.code, 1);
    assert.equal(refused.err, `data-labeling export: ${label}: was changed after the last export. Nothing was written: export into another folder, or move it away and export again\n`);
    assert.equal(await readFile(label, 'utf8'), '0 0.5 0.5 0.2 0.2\n', 'the edit is kept');
    // --out outside the workspace is allowed and the CLI says where it wrote; --out naming a file is one line.
    const outside = `${root}-outside`;
    const far = await cli('export', root, 'det', '--format', 'coco', '--out', `../${basename(outside)}`);
    assert.equal(far.code, 0, far.err);
    assert.match(far.out, new RegExp(`as coco to ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(outside the workspace\\)\n`));
    assert.equal(JSON.parse(await readFile(join(outside, 'coco.json'), 'utf8')).images.length, 1);
    await rm(outside, { recursive: true, force: true });
    await writeFile(join(root, 'out.csv'), 'x');
    const file = await cli('export', root, 'det', '--format', 'csv', '--out', 'out.csv');
    assert.deepEqual([file.code, file.err], [1, `data-labeling export: ${join(root, 'out.csv')}: is a file: --out names the folder to export into\n`]);
  });
});
