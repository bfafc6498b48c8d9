import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, EXT_ID, eventually, readText, workspaceRoot } from './helpers';

/** Issue 3 in real VS Code: create, index, refresh by watcher, pause, add labels (3 modes), journals. */
describe('projects and the store (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  let root: vscode.Uri;
  const wasm = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');
  const entry = (id: string) => api.registry.find(id)!;
  const store = (id: string) => api.stores.get(entry(id));

  before(async () => {
    api = await activateExtension();
    root = workspaceRoot();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Store Digits',
      type: 'image-classification',
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      dataSources: [{ kind: 'images', glob: 'data/digits/*.png' }],
    });
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Store Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
  });

  it('indexes the data sources and shows progress in the Projects view', async () => {
    const s = await store('store-digits');
    assert.equal(s.stats().items, 20, 'the test workspace has 2 digits of each class');
    assert.equal((await store('store-reviews')).stats().items, 30);
    await eventually(() => api.stores.progressOf(entry('store-digits'))?.total === 20, 'progress in the view');
    assert.equal(s.labeler, api.identity.labeler);
  });

  it('a labeled image that disappears is marked missing and keeps its label; it comes back restored', async () => {
    const s = await store('store-digits');
    const key = 'data/digits/3-001.png';
    await s.submit(key, { kind: 'classes', labels: ['3'] });
    const file = vscode.Uri.joinPath(root, key);
    const bytes = await vscode.workspace.fs.readFile(file);
    await vscode.workspace.fs.delete(file);
    await eventually(() => s.stats().missing === 1, 'the watcher to mark the item missing');
    const item = s.getItem(key)!;
    assert.equal(item.state, 'missing');
    assert.deepEqual(item.mine?.annotation, { kind: 'classes', labels: ['3'] });
    assert.ok(!s.page('queue').items.some((i) => i.key === key), 'missing items leave the queue');
    await vscode.workspace.fs.writeFile(file, bytes);
    await eventually(() => s.stats().missing === 0, 'the item to be restored');
    assert.equal(s.getItem(key)!.state, 'labeled');
  });

  it('Refresh Project Data picks up new rows', async () => {
    const csv = vscode.Uri.joinPath(root, 'data/reviews.csv');
    const text = await readText(csv);
    await vscode.workspace.fs.writeFile(csv, Buffer.from(text + 'extra-1,amazon,"A brand new, unseen review",positive\n'));
    const r = await vscode.commands.executeCommand<{ total: number }>('labeling.refreshProject', 'store-reviews');
    assert.equal(r?.total, 31);
    assert.ok((await store('store-reviews')).getItem('data/reviews.csv#extra-1'));
  });

  it('Pause refuses labeling with a clear message; Resume allows it again', async () => {
    const before = await readText(vscode.Uri.joinPath(root, '.labeling/store-reviews/project.json'));
    await vscode.commands.executeCommand('labeling.pauseProject', 'store-reviews');
    assert.equal(await readText(vscode.Uri.joinPath(root, '.labeling/store-reviews/project.json')), before, 'a pause is a journal event: project.json is not rewritten');
    const s = await store('store-reviews');
    assert.equal(s.def.status, 'paused');
    assert.throws(() => s.nextItem(), /paused/);
    await assert.rejects(s.submit('data/reviews.csv#amazon-1', { kind: 'classes', labels: ['positive'] }), /paused/);
    await eventually(() => entry('store-reviews').def?.status === 'paused', 'the registry to see the pause');
    await vscode.commands.executeCommand('labeling.resumeProject', 'store-reviews');
    assert.ok(s.nextItem(), 'labeling works again');
  });

  it('Add Labels: continue keeps labels; keep-as-prelabels and remove-all start over', async () => {
    const s = await store('store-reviews');
    const key = 'data/reviews.csv#amazon-2';
    await s.submit(key, { kind: 'classes', labels: ['negative'] });
    assert.equal(s.getItem(key)!.state, 'labeled');

    await vscode.commands.executeCommand('labeling.addLabels', { project: 'store-reviews', labels: ['neutral'], mode: 'continue' });
    assert.equal(s.getItem(key)!.state, 'labeled');
    assert.deepEqual(s.def.labels.map((l) => l.name), ['positive', 'negative', 'neutral']);
    assert.equal(s.def.labels[2]!.hotkey, '3');

    await vscode.commands.executeCommand('labeling.addLabels', { project: 'store-reviews', labels: ['mixed'], mode: 'keep-as-prelabels' });
    let item = s.getItem(key)!;
    assert.equal(item.state, 'unlabeled');
    assert.deepEqual(item.prelabel?.annotation, { kind: 'classes', labels: ['negative'] });

    await vscode.commands.executeCommand('labeling.addLabels', { project: 'store-reviews', labels: ['sarcastic'], mode: 'remove-all' });
    item = s.getItem(key)!;
    assert.equal(item.state, 'unlabeled');
    assert.equal(item.prelabel, undefined);
    const json = JSON.parse(await readText(vscode.Uri.joinPath(root, '.labeling/store-reviews/project.json')));
    assert.equal(json.labels.length, 2, 'added labels are journal events; project.json keeps its base labels');
    assert.equal(s.def.labels.length, 5);
    await eventually(() => entry('store-reviews').def?.labels.length === 5, 'the registry to show the effective labels');
  });

  it("a teammate's journal arriving (git pull) is picked up by the watcher", async () => {
    const s = await store('store-digits');
    const before = s.stats().byLabeler['teammate@example.com'] ?? 0;
    const mate = await ProjectStore.open({ root: root.fsPath, id: 'store-digits', labeler: 'teammate@example.com', device: 'laptop', wasmPath: wasm() });
    await mate.submit('data/digits/7-001.png', { kind: 'classes', labels: ['7'] });
    await mate.close();
    await eventually(() => (s.stats().byLabeler['teammate@example.com'] ?? 0) === before + 1, "the teammate's label in the index");
    assert.equal(s.getItem('data/digits/7-001.png')!.state, 'labeled');
  });

  it('a corrupt journal line becomes a diagnostic with its line, and the rest loads', async () => {
    const file = vscode.Uri.joinPath(root, '.labeling/store-digits/journal/teammate@example.com/laptop.jsonl');
    const text = await readText(file);
    const lines = text.trimEnd().split('\n');
    await vscode.workspace.fs.writeFile(file, Buffer.from(['{"v":1, this is not json', ...lines].join('\n') + '\n'));
    await vscode.commands.executeCommand('labeling.rebuildIndex', 'store-digits');
    const diags = await eventually(() => {
      const d = vscode.languages.getDiagnostics(file);
      return d.length ? d : undefined;
    }, 'a diagnostic on the journal');
    assert.equal(diags[0]!.range.start.line, 0);
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Error);
    const s = await store('store-digits');
    assert.equal(s.getItem('data/digits/7-001.png')!.state, 'labeled', 'the good lines still load');
  });

  it('Rebuild Index gives the same counts as the incremental index', async () => {
    const s = await store('store-reviews');
    const before = s.stats();
    await vscode.commands.executeCommand('labeling.rebuildIndex', 'store-reviews');
    assert.deepEqual(s.stats(), before);
  });
});

describe('labeling panel wiring (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  before(async () => {
    api = await activateExtension();
  });

  it('opening an item from the Queue view opens the project panel on that item', async () => {
    const entry = api.registry.find('store-reviews')!;
    const s = await api.stores.get(entry);
    const key = s.page('queue').items[3]!.key;
    await vscode.commands.executeCommand('labeling.openItem', entry, key);
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === 'store-reviews'), 'the labeling panel');
    assert.equal(panel.currentKey, key);
    assert.equal(panel.panel.title, 'Label: Store Reviews');
    // The page is set once its first state is built (it is embedded in the page): wait for it.
    const html = await eventually(() => panel.panel.webview.html || undefined, "the panel's page");
    assert.match(html, /<lbl-labeler-app>/);
    assert.match(html, /default-src 'none'/);
    await vscode.commands.executeCommand('labeling.openItem', entry, 'data/reviews.csv#no-such-row');
    assert.equal(panel.currentKey, key, 'an unknown item leaves the panel where it was');
    panel.panel.dispose();
  });

  it('Start Labeling on a paused project opens the panel; submitting is refused', async () => {
    await vscode.commands.executeCommand('labeling.pauseProject', 'store-reviews');
    await vscode.commands.executeCommand('labeling.startLabeling', 'store-reviews');
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === 'store-reviews'), 'the labeling panel');
    const state = await eventually(() => (panel.lastState?.project.status === 'paused' ? panel.lastState : undefined), 'a paused snapshot');
    assert.ok(state.item, 'a paused project still shows an item to look at');
    assert.ok(state.progress.total > 0);
    const s = await api.stores.get(api.registry.find('store-reviews')!);
    await assert.rejects(s.skip('data/reviews.csv#amazon-3'), /paused/);
    await vscode.commands.executeCommand('labeling.resumeProject', 'store-reviews');
    panel.panel.dispose();
  });
});
