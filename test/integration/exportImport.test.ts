import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ExportSummary } from '../../src/core/formats/types';
import type { ImportPlan } from '../../src/core/formats/workflow';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, readText, workspaceRoot } from './helpers';

/** Issue 5 in real VS Code: Export Labels and Import Labels commands over a project's store. */
describe('export and import (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  let root: vscode.Uri;
  const store = (id: string) => api.stores.get(api.registry.find(id)!);
  const journalLines = async (id: string) => {
    let n = 0;
    const dir = vscode.Uri.joinPath(root, '.labeling', id, 'journal');
    for (const [labeler] of await vscode.workspace.fs.readDirectory(dir).then(undefined, () => [] as [string, vscode.FileType][])) {
      for (const [f] of await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(dir, labeler))) {
        n += (await readText(vscode.Uri.joinPath(dir, labeler, f))).split('\n').filter((l) => l.trim()).length;
      }
    }
    return n;
  };

  before(async () => {
    api = await activateExtension();
    root = workspaceRoot();
    for (const [name, labels] of [
      ['IO Boxes', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']],
      ['IO Boxes Copy', ['digit']],
    ] as const) {
      await vscode.commands.executeCommand('labeling.createProject', {
        name,
        type: 'image-detection',
        labels: [...labels],
        dataSources: [{ kind: 'images', glob: 'data/digit-sheets/*.png' }],
      });
    }
    const s = await store('io-boxes');
    await s.submit('data/digit-sheets/sheet-01.png', { kind: 'boxes', boxes: [{ label: '0', x: 10, y: 20, w: 60, h: 70 }, { label: '5', x: 120, y: 30, w: 50, h: 60 }] });
    await s.submit('data/digit-sheets/sheet-02.png', { kind: 'boxes', boxes: [{ label: '9', x: 40, y: 40, w: 80, h: 80 }] });
  });

  it('exports COCO into labels/<id>/ deterministically', async () => {
    const summary = await vscode.commands.executeCommand<ExportSummary>('labeling.exportLabels', { project: 'io-boxes', format: 'coco' });
    assert.ok(summary, 'the command returned a summary');
    assert.equal(summary.items, 2);
    assert.equal(summary.annotations, 3);
    assert.equal(summary.skippedUnlabeled, 1);
    const file = vscode.Uri.joinPath(root, 'labels/io-boxes', summary.files[0]!);
    const first = await readText(file);
    const coco = JSON.parse(first);
    assert.deepEqual(coco.annotations.map((a: { bbox: number[] }) => a.bbox), [[10, 20, 60, 70], [120, 30, 50, 60], [40, 40, 80, 80]]);
    assert.deepEqual(coco.images.map((i: { width: number; height: number }) => [i.width, i.height]), [[256, 192], [256, 192]]);
    await vscode.commands.executeCommand('labeling.exportLabels', { project: 'io-boxes', format: 'coco' });
    assert.equal(await readText(file), first, 're-exporting unchanged labels gives identical bytes');
  });

  it("keeps the user's files in an export folder, refuses to overwrite an edited export, and takes no folder outside the workspace as an argument", async () => {
    const exists = (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);
    const train = vscode.Uri.joinPath(root, 'labels/io-boxes/yolo/train.py');
    await vscode.workspace.fs.writeFile(train, Buffer.from('import ultralytics\n'));
    for (let i = 0; i < 2; i++) assert.ok(await vscode.commands.executeCommand<ExportSummary>('labeling.exportLabels', { project: 'io-boxes', format: 'yolo' }));
    assert.equal(await readText(train), 'import ultralytics\n');
    const label = vscode.Uri.joinPath(root, 'labels/io-boxes/yolo/labels/data/digit-sheets/sheet-01.txt');
    await vscode.workspace.fs.writeFile(label, Buffer.from('0 0.5 0.5 0.1 0.1\n'));
    assert.equal(await vscode.commands.executeCommand('labeling.exportLabels', { project: 'io-boxes', format: 'yolo' }), undefined, 'refused');
    assert.equal(await readText(label), '0 0.5 0.5 0.1 0.1\n', 'the edit is kept');
    const outside = vscode.Uri.joinPath(root, '..', `outside-export-${Date.now()}`);
    assert.equal(await vscode.commands.executeCommand('labeling.exportLabels', { project: 'io-boxes', format: 'csv', out: outside.fsPath }), undefined);
    assert.equal(await exists(outside), false, 'nothing is written outside the workspace');
  });

  it('imports that COCO into another project as prelabels, mapping categories, in one batch', async () => {
    const before = await journalLines('io-boxes-copy');
    const labelMap = Object.fromEntries(['0', '5', '9'].map((d) => [d, 'digit']));
    const plan = await vscode.commands.executeCommand<ImportPlan>('labeling.importLabels', {
      project: 'io-boxes-copy',
      format: 'coco',
      file: 'labels/io-boxes/coco.json',
      createLabels: false,
      labelMap,
      asPrelabels: true,
    });
    assert.ok(plan);
    assert.equal(plan.summary.matched, 2);
    assert.equal(plan.summary.shapesByType.boxes, 3);
    assert.equal(await journalLines('io-boxes-copy'), before + 1, 'one journal line for the whole batch');
    const item = (await store('io-boxes-copy')).getItem('data/digit-sheets/sheet-01.png')!;
    assert.equal(item.state, 'unlabeled', 'prelabels wait for a labeler');
    assert.equal(item.prelabel?.annotation.kind, 'boxes');
    assert.deepEqual(item.prelabel?.annotation.kind === 'boxes' && item.prelabel.annotation.boxes.map((b) => b.label), ['digit', 'digit']);
  });

  it('a dry run changes nothing; references escaping the workspace are refused', async () => {
    const evil = {
      images: [
        { id: 1, file_name: '../../outside.png', width: 256, height: 192 },
        { id: 2, file_name: 'sheet-03.png', width: 256, height: 192 },
      ],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10], area: 100, iscrowd: 0 },
        { id: 2, image_id: 2, category_id: 1, bbox: [5, 5, 20, 20], area: 400, iscrowd: 0 },
        { id: 3, image_id: 2, category_id: 1, bbox: [250, 5, 1e308, 20], area: 400, iscrowd: 0 },
      ],
      categories: [{ id: 1, name: 'digit' }],
    };
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'evil-coco.json'), Buffer.from(JSON.stringify(evil)));
    const before = await journalLines('io-boxes-copy');
    const plan = await vscode.commands.executeCommand<ImportPlan>('labeling.importLabels', {
      project: 'io-boxes-copy',
      format: 'coco',
      file: 'evil-coco.json',
      createLabels: false,
      dryRun: true,
    });
    assert.ok(plan);
    assert.equal(plan.summary.matched, 1);
    assert.ok(plan.summary.problems.some((p) => /outside|escape|workspace/i.test(p.message)), JSON.stringify(plan.summary.problems));
    assert.equal(await journalLines('io-boxes-copy'), before, 'a dry run writes nothing');
    // The dry-run dialog's text: items and objects apart, the category mapping, the bounds rule and counts.
    const { describePlan } = await import('../../src/host/commands/importCommand');
    const text = describePlan(plan.summary, false, plan.submits.length);
    assert.match(text, /To import: 1 image, 1 box\.\nLabels: digit \(2\)\.\nBounds: shapes up to 2 px [^\n]* are refused; 0 shapes clipped, 1 refused\./);
  });

  it('a malformed file is refused with its name and changes nothing', async () => {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'broken-coco.json'), Buffer.from('{"images": [ {"id": 1,'));
    const before = await journalLines('io-boxes-copy');
    const s = await store('io-boxes-copy');
    const { planImport } = await import('../../src/core/formats/workflow');
    await assert.rejects(
      planImport(s, { format: 'coco', source: vscode.Uri.joinPath(root, 'broken-coco.json').fsPath, createLabels: false }, root.fsPath),
      /broken-coco\.json/,
    );
    // Through the command, the error is shown and nothing is written.
    const r = await vscode.commands.executeCommand('labeling.importLabels', { project: 'io-boxes-copy', format: 'coco', file: 'broken-coco.json', createLabels: false });
    assert.equal(r, undefined);
    assert.equal(await journalLines('io-boxes-copy'), before);
  });
});
