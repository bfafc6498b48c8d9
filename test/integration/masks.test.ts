import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import type { ExportSummary } from '../../src/core/formats/types';
import { vocIndexOf } from '../../src/core/masks/voc-palette';
import type { MaskAnnotation } from '../../src/core/model';
import { decodeRuns, maskMessage } from '../../src/protocol/mask-transport';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/** Issue 14: a semantic segmentation project, a mask submitted through the labeling panel, VOC masks exported. */
describe('semantic segmentation (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'io-masks';
  const entry = () => api.registry.find(id)!;

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'IO Masks',
      type: 'image-semantic-segmentation',
      labels: ['digit', 'paper'],
      ignoreLabel: 'void',
      dataSources: [{ kind: 'images', glob: 'data/digit-sheets/*.png' }],
    });
    await eventually(() => entry(), 'the project in the registry');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it("submits a painted mask through the panel's submit path and exports VOC masks whose indices read back equal", async () => {
    const panel = await api.labelers.show(entry());
    const item = await eventually(() => panel.lastState?.item, 'the panel on an item');
    const { width: w, height: h } = item as { width: number; height: number };
    assert.ok(w > 0 && h > 0, 'the panel knows the image size');
    assert.equal(panel.lastState!.project.ignoreLabel, 'void');
    const raster = new Uint8Array(w * h);
    for (let y = 10; y < 60; y++) raster.fill(1, y * w + 20, y * w + 90);
    raster.fill(2, (h - 5) * w);
    raster[0] = 255;
    // A mask of another size or with a class the project lacks is refused, naming the problem.
    await assert.rejects(panel.submit({ key: item.key, version: item.version, mask: maskMessage(new Uint8Array(4), 2, 2) }), /the mask is 2×2, the image is/);
    await assert.rejects(panel.submit({ key: item.key, version: item.version, mask: maskMessage(new Uint8Array(w * h).fill(3), w, h) }), /class index 3/);
    await panel.submit({ key: item.key, version: item.version, mask: maskMessage(raster, w, h) });
    assert.notEqual(panel.lastState?.item?.key, item.key, 'the panel moved on');

    const store = await api.stores.get(entry());
    const saved = store.getItem(item.key)!;
    assert.equal(saved.state, 'labeled');
    const ann = saved.final as MaskAnnotation;
    assert.deepEqual([ann.kind, ann.width, ann.height, ann.classes], ['mask', w, h, ['digit', 'paper', 'void']]);
    assert.ok(fs.existsSync(path.join(workspaceRoot().fsPath, '.labeling', id, 'masks', `${ann.blob}.png`)), 'the blob is in the project folder');

    // Opened again, the item carries its mask for the editor, decoded from the blob once.
    await panel.openItem(item.key);
    const again = panel.lastState!.item!;
    assert.deepEqual(decodeRuns(again.mask!.runs, again.mask!.width, again.mask!.height), raster);

    const summary = await vscode.commands.executeCommand<ExportSummary>('labeling.exportLabels', { project: id, format: 'voc' });
    assert.ok(summary, 'the export returned a summary');
    assert.equal(summary.items, 1);
    const png = fs.readFileSync(path.join(workspaceRoot().fsPath, 'labels', id, 'voc', 'SegmentationClass', item.key.replace(/\.png$/, '.png')));
    assert.equal(png[25], 3, 'indexed colour');
    const p = PNG.sync.read(png);
    const back = new Uint8Array(w * h);
    for (let i = 0; i < back.length; i++) back[i] = vocIndexOf(p.data[4 * i]!, p.data[4 * i + 1]!, p.data[4 * i + 2]!)!;
    assert.deepEqual(back, raster);
  });
});
