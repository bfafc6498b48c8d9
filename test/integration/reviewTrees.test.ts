import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ReviewResult } from '../../src/host/commands/reviewCommands';
import type { ExtensionApi } from '../../src/host/extension';
import type { ItemNode } from '../../src/host/views/itemViews';
import { activateExtension, EXT_ID, eventually, workspaceRoot } from './helpers';
import { journalLines as lines, projectRows } from './treeRows';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Issue 11 item 2: review actions on the Skipped and Needs Review rows, and the reviewer's palette commands. */
describe('review actions in the trees and the palette (inside the VS Code extension host)', function () {
  this.timeout(90000);
  let api: ExtensionApi;
  const id = 'tree-reviews';
  const entry = () => api.registry.find(id)!;
  const store = () => api.stores.get(entry());
  const wasm = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');
  const view = (viewId: string) => api.itemViews.find((v) => v.viewId === viewId)!;
  const rows = (viewId: string) => projectRows(api, viewId, id);
  const journalLines = () => lines(api, id);
  const tooltip = async (viewId: string, row: ItemNode) => {
    const t = (await view(viewId).resolveTreeItem(new vscode.TreeItem(''), row)).tooltip;
    return t instanceof vscode.MarkdownString ? t.value : String(t);
  };
  let keys: string[] = [];

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Tree Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
      consensus: { minLabelers: 2, maxLabelers: 2 },
    });
    await eventually(() => entry()?.def, 'the project in the registry');
    keys = (await store()).page('all', undefined, 100).items.map((i) => i.key);
    assert.ok(keys.length >= 10, 'the fixture has enough rows');
    // Two teammates (git pull): they disagree on items 0-6 (needs review) and ann skipped 7-9.
    for (const [who, label] of [['ann@example.com', 'positive'], ['bob@example.com', 'negative']] as const) {
      const mate = await ProjectStore.open({ root: workspaceRoot().fsPath, id, labeler: who, device: 'laptop', wasmPath: wasm() });
      for (const k of keys.slice(0, 7)) await mate.submit(k, { kind: 'classes', labels: [label] });
      if (who.startsWith('ann')) for (const k of keys.slice(7, 10)) await mate.skip(k);
      await mate.close();
    }
    await eventually(async () => (await rows('labeling.needsReview')).length === 7 && (await rows('labeling.skipped')).length === 3, 'the teammates\' items in Needs Review and Skipped');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    // Other test files count the skipped items of all projects: none left here.
    const s = await store();
    for (const k of s.page('skipped', undefined, 100).items.map((i) => i.key)) await s.unskip(k);
  });

  it('Approve on a multi-selection of Needs Review rows: one journal line, both items labeled, the rows go', async () => {
    const list = await rows('labeling.needsReview');
    const [a, b] = [list[0]!, list[1]!];
    const before = await journalLines();
    // A tree command gets the clicked row and the whole selection.
    const r = await vscode.commands.executeCommand<ReviewResult>('labeling.approveItem', a, [a, b]);
    assert.deepEqual(r, { written: 2, stale: [] });
    assert.equal(await journalLines(), before + 1, 'one all-or-nothing line');
    const s = await store();
    for (const n of [a, b]) {
      assert.equal(s.getItem(n.item.key)!.state, 'labeled');
      assert.equal(s.getItem(n.item.key)!.review?.kind, 'approve');
    }
    await eventually(async () => !(await rows('labeling.needsReview')).some((n) => n.item.key === a.item.key || n.item.key === b.item.key), 'the approved rows to leave Needs Review');
  });

  it('a row that changed since it was shown is refused: nothing written, the item as it is', async () => {
    const row = (await rows('labeling.needsReview'))[0]!;
    const stale: ItemNode = { ...row, item: { ...row.item, version: row.item.version - 1 } };
    const before = await journalLines();
    const r = await vscode.commands.executeCommand<ReviewResult>('labeling.approveItem', stale, [stale]);
    assert.deepEqual(r, { written: 0, stale: [row.item.key] });
    assert.equal(await journalLines(), before);
    assert.equal((await store()).getItem(row.item.key)!.state, 'needs-review');
  });

  it('Reject Item... with a reason: the labels are void, the item is back in the Queue with its reason', async () => {
    const k = (await rows('labeling.needsReview'))[0]!.item.key;
    const r = await vscode.commands.executeCommand<ReviewResult>('labeling.rejectItem', { project: id, items: [k], reason: 'sarcasm is negative' });
    assert.deepEqual(r, { written: 1, stale: [] });
    const v = (await store()).getItem(k)!;
    assert.equal(v.state, 'unlabeled');
    assert.equal(v.rejected?.reason, 'sarcasm is negative');
    const row = await eventually(async () => (await rows('labeling.queue')).find((n) => n.item.key === k), 'the rejected item in the Queue');
    assert.match(await tooltip('labeling.queue', row), /Rejected by .*: sarcasm is negative/, 'its tooltip says why');
  });

  it('Reject and Return to Labeler... assigns the item back to the labeler whose labels were rejected', async () => {
    const k = (await rows('labeling.needsReview'))[0]!.item.key;
    const r = await vscode.commands.executeCommand<ReviewResult>('labeling.rejectReturnItem', { project: id, items: [k], reason: 'again, please' });
    assert.deepEqual(r, { written: 1, stale: [] });
    const v = (await store()).getItem(k)!;
    assert.equal(v.state, 'unlabeled');
    assert.ok(v.assignee === 'ann@example.com' || v.assignee === 'bob@example.com', `back to a labeler of it (${v.assignee})`);
    await (await store()).assign(k, undefined);
    await eventually(async () => !(await rows('labeling.needsReview')).some((n) => n.item.key === k), 'the rejected row to leave Needs Review');
  });

  it('Reject Item... from a row asks for the reason in an input box (Escape cancels, Enter rejects)', async () => {
    const row = (await rows('labeling.needsReview'))[0]!;
    const before = await journalLines();
    const w = vscode.window as { showInputBox: (...a: unknown[]) => Thenable<string | undefined> };
    const real = w.showInputBox;
    let shown = 0;
    w.showInputBox = (...a: unknown[]) => {
      shown++;
      return real.apply(vscode.window, a);
    };
    try {
      const cancelled = Promise.resolve(vscode.commands.executeCommand<ReviewResult | undefined>('labeling.rejectItem', row, [row]));
      await eventually(() => shown === 1, 'the reason input box');
      await pause(400);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await cancelled, undefined, 'Escape: nothing rejected');
      assert.equal(await journalLines(), before);
      const run = Promise.resolve(vscode.commands.executeCommand<ReviewResult | undefined>('labeling.rejectItem', row, [row]));
      await eventually(() => shown === 2, 'the reason input box again');
      await pause(400);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.deepEqual(await run, { written: 1, stale: [] });
    } finally {
      w.showInputBox = real;
    }
    const v = (await store()).getItem(row.item.key)!;
    assert.equal(v.state, 'unlabeled');
    assert.equal(v.rejected?.reason, undefined, 'no reason given');
  });

  it('Skipped rows: Accept Skip keeps the item out of the queue, Return to Queue puts it back', async () => {
    const list = await rows('labeling.skipped');
    const [acc, ret] = [list[0]!, list[1]!];
    assert.deepEqual(await vscode.commands.executeCommand('labeling.acceptSkip', acc, [acc]), { written: 1, stale: [] });
    assert.deepEqual(await vscode.commands.executeCommand('labeling.returnSkip', ret), { written: 1, stale: [] });
    const s = await store();
    assert.equal(s.getItem(acc.item.key)!.review?.kind, 'accept-skip');
    assert.equal(s.getItem(ret.item.key)!.state, 'unlabeled');
    await eventually(async () => {
      const q = (await rows('labeling.queue')).map((n) => n.item.key);
      return q.includes(ret.item.key) && !q.includes(acc.item.key);
    }, 'the returned item in the Queue, the accepted one not');
    await eventually(async () => !(await rows('labeling.skipped')).some((n) => n.item.key === ret.item.key), 'the returned item to leave Skipped');
    const accepted = (await rows('labeling.skipped')).find((n) => n.item.key === acc.item.key)!;
    assert.match(await tooltip('labeling.skipped', accepted), /Skip accepted by /, 'the accepted skip stays listed, and says so');
  });

  it('palette: Next Item to Review selects the next needs-review row, and Approve Item acts on it', async () => {
    await vscode.commands.executeCommand('labeling.needsReview.focus');
    const left = (await rows('labeling.needsReview')).map((n) => n.item.key);
    assert.ok(left.length >= 2, `two items left to review (${left.length})`);
    const first = await vscode.commands.executeCommand<string>('labeling.nextToReview', id);
    assert.ok(left.includes(first), `${first} needs review`);
    const v = view('labeling.needsReview');
    await eventually(() => v.selectedItems()[0]?.item.key === first, 'the row selected in Needs Review');
    const second = await vscode.commands.executeCommand<string>('labeling.nextToReview', id);
    assert.notEqual(second, first, 'next: after the one in context');
    await eventually(() => v.selectedItems()[0]?.item.key === second, 'the next row selected');
    // The panel the item was opened in must not take the context from the selected row: focus the view.
    await vscode.commands.executeCommand('labeling.needsReview.focus');
    const r = await vscode.commands.executeCommand<ReviewResult>('labeling.approveItem');
    assert.deepEqual(r, { written: 1, stale: [] });
    assert.equal((await store()).getItem(second)!.state, 'labeled');
    for (const p of api.labelers.all) p.panel.dispose();
  });

  it('Open in Review opens the item in the Review panel, or the labeling panel until that exists', async () => {
    const row = (await rows('labeling.needsReview'))[0] ?? (await rows('labeling.skipped'))[0]!;
    const where = await vscode.commands.executeCommand<'review' | 'labeler'>('labeling.openInReview', row, [row]);
    if (where === 'labeler') await eventually(() => api.labelers.all.some((p) => p.currentKey === row.item.key), 'the labeling panel on the item');
    else {
      assert.equal(where, 'review');
      const review = await eventually(() => api.reviews.get(entry()), 'the Review panel of the project');
      review.panel.dispose();
    }
    for (const p of api.labelers.all) p.panel.dispose();
  });
});
