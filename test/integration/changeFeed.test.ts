import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ExtensionApi } from '../../src/host/extension';
import type { ProjectChange } from '../../src/host/projects/stores';
import { activateExtension, EXT_ID, eventually, workspaceRoot } from './helpers';

/** Issue 9: views and panels follow the store's change feed; nobody refreshes them by hand. */
describe('the change feed (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'feed-reviews';
  const entry = () => api.registry.find(id)!;
  const wasm = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');
  const queueView = () => api.itemViews.find((v) => v.viewId === 'labeling.queue')!;
  /** The Queue view's rows of this project (under its project row, or flat when it is the only one). */
  const queueRows = async () => {
    const view = queueView();
    const top = await view.getChildren();
    const projectRow = top.find((n) => n.kind === 'project' && n.entry.id === id);
    const rows = projectRow ? await view.getChildren(projectRow) : top.filter((n) => n.entry.id === id);
    return rows.filter((n) => n.kind === 'item');
  };
  const keyOf = (n: unknown) => (n as { item: { key: string } }).item.key;

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Feed Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry(), 'the project in the registry');
    await api.stores.get(entry());
  });

  it("a teammate's journal arriving updates the Queue view, the counts and the open labeling panel", async () => {
    await vscode.commands.executeCommand('labeling.startLabeling', id);
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === id), 'the labeling panel');
    const first = await eventually(() => panel.lastState?.item, 'the panel on an item');
    const labeledBefore = panel.lastState!.progress.labeled;
    const rowsBefore = await queueRows();
    assert.ok(rowsBefore.some((n) => keyOf(n) === first.key), 'the item on screen is in the queue');
    const other = rowsBefore.map(keyOf).find((k) => k !== first.key)!;
    const otherNode = rowsBefore.find((n) => keyOf(n) === other)!;
    const changes: ProjectChange[] = [];
    const sub = api.stores.onDidChange((c) => c.entry.id === id && changes.push(c));

    // git pull: a teammate's journal with a label on the item on screen appears in the workspace.
    const mate = await ProjectStore.open({ root: workspaceRoot().fsPath, id, labeler: 'mate@example.com', device: 'laptop', wasmPath: wasm() });
    await mate.submit(first.key, { kind: 'classes', labels: ['negative'] });
    await mate.close();

    const state = await eventually(() => (panel.lastState?.item?.key === first.key && panel.lastState.item.state === 'labeled' ? panel.lastState : undefined), 'the panel to show the teammate label on its item');
    assert.equal(state.progress.labeled, labeledBefore + 1);
    await eventually(async () => !(await queueRows()).some((n) => keyOf(n) === first.key), 'the labeled item to leave the Queue view');
    assert.equal(api.stores.progressOf(entry())?.labeled, labeledBefore + 1, 'the Projects view counts');
    const sync = changes.find((c) => c.items !== 'all' && c.items.includes(first.key));
    assert.ok(sync, 'one change named the item the teammate labeled');
    assert.deepEqual(sync.items, [first.key], 'and only that item');
    // Rows the change did not touch are the same nodes (VS Code keeps their selection and focus).
    const after = await queueRows();
    assert.strictEqual(after.find((n) => keyOf(n) === other), otherNode);
    sub.dispose();
    panel.panel.dispose();
  });

  it('instructions.md is read once; an edit to it reaches the open panel by itself', async () => {
    await vscode.commands.executeCommand('labeling.startLabeling', id);
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === id), 'the labeling panel');
    await eventually(() => panel.lastState, 'the panel state');
    const file = vscode.Uri.joinPath(workspaceRoot(), '.labeling', id, 'instructions.md');
    // Nothing here asks the panel to refresh: the file watcher, or the panel's own check of the file, sees the edit.
    await vscode.workspace.fs.writeFile(file, Buffer.from('# Feed rules\nMark sarcasm as negative.\n'));
    await eventually(() => panel.lastState?.project.instructions.includes('Mark sarcasm as negative.'), 'the new instructions in the panel');
    panel.panel.dispose();
  });

  it('a burst of writes reaches the views as one change, after the panel that made it has its answer', async () => {
    const s = await api.stores.get(entry());
    const changes: ProjectChange[] = [];
    const sub = api.stores.onDidChange((c) => c.entry.id === id && changes.push(c));
    const keys = s.page('queue', undefined, 3).items.map((i) => i.key);
    for (const k of keys) await s.skip(k);
    assert.equal(changes.length, 0, 'coalesced: nothing delivered on the tick of the writes');
    await eventually(() => changes.length > 0, 'the coalesced change');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(changes.length, 1, 'one change for the burst');
    assert.deepEqual([...(changes[0]!.items as string[])].sort(), [...keys].sort());
    const skipped = api.itemViews.find((v) => v.viewId === 'labeling.skipped')!;
    await eventually(async () => {
      const top = await skipped.getChildren();
      const projectRow = top.find((n) => n.kind === 'project' && n.entry.id === id);
      const rows = projectRow ? await skipped.getChildren(projectRow) : top;
      return keys.every((k) => rows.some((n) => n.kind === 'item' && n.item.key === k));
    }, 'the skipped items in the Skipped view');
    sub.dispose();
    for (const k of keys) await s.unskip(k); // other test files expect no skipped items in this project
  });
});
