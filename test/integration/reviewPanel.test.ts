import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, EXT_ID, eventually, workspaceRoot } from './helpers';
import { journalLines as lines } from './treeRows';

/** Issue 11 item 1: the Review panel's host side (a stale view never wins; bulk actions as a job in one line per chunk). */
describe('Review panel (inside the VS Code extension host)', function () {
  this.timeout(90000);
  let api: ExtensionApi;
  const id = 'panel-reviews';
  const entry = () => api.registry.find(id)!;
  const store = () => api.stores.get(entry());
  const wasm = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');
  let keys: string[] = [];

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Panel Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
    keys = (await store()).page('all', undefined, 100).items.map((i) => i.key);
    const mate = await ProjectStore.open({ root: workspaceRoot().fsPath, id, labeler: 'ann@example.com', device: 'laptop', wasmPath: wasm() });
    for (const k of keys.slice(0, 6)) await mate.submit(k, { kind: 'classes', labels: ['positive'] });
    await mate.close();
    await eventually(async () => (await store()).stats().labeled === 6, "the teammate's labels");
  });

  it('Labeling: Review Labels opens one panel per project, on the item asked for', async () => {
    await vscode.commands.executeCommand('labeling.reviewLabels', entry(), keys[0]);
    const p = api.reviews.get(entry());
    assert.ok(p, 'a panel');
    assert.equal(p.panel.title, 'Review: Panel Reviews');
    await vscode.commands.executeCommand('labeling.reviewLabels', entry());
    assert.equal(api.reviews.get(entry()), p, 'the same panel, revealed');
  });

  it('an action on a version the reviewer did not see is refused with the fresh item and a line; the right version writes', async () => {
    const p = api.reviews.get(entry())!;
    const s = await store();
    const v = s.getItem(keys[1]!)!;
    const before = await lines(api, id);
    const refused = await p.act({ action: 'approve', key: v.key, version: v.version - 1 });
    assert.equal(refused.done, false);
    assert.match(refused.message!, /changed since it was shown/);
    assert.equal(refused.item?.version, v.version, 'the fresh state');
    assert.equal(await lines(api, id), before, 'nothing written');
    const ok = await p.act({ action: 'reject', key: v.key, version: v.version, reason: 'too vague' });
    assert.equal(ok.done, true);
    assert.equal(ok.item?.state, 'unlabeled', 'back in the queue');
    const refusedSkip = await p.act({ action: 'accept-skip', key: keys[2]!, version: s.getItem(keys[2]!)!.version });
    assert.equal(refusedSkip.done, false, 'accept skip does not apply to a labeled item');
  });

  it('a bulk action on the filter is confirmed, runs as a job and writes one line; items changed meanwhile are counted', async () => {
    const p = api.reviews.get(entry())!;
    const s = await store();
    const before = await lines(api, id);
    const original = vscode.window.showWarningMessage;
    let asked = '';
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = async (m: string, _o: unknown, go: string) => {
      asked = m;
      return go;
    };
    try {
      const listed = s.page('labeled', undefined, 100).items.filter((i) => keys.includes(i.key));
      const items = listed.map((i, n) => ({ key: i.key, version: n === 0 ? i.version - 1 : i.version }));
      const r = await p.bulk({ action: 'approve', items });
      assert.match(asked, /^Approve the 5 selected items\?/);
      assert.deepEqual(r, { confirmed: true, written: 4, stale: 1, notApplicable: 0 });
      assert.equal(await lines(api, id), before + 1, 'one journal line for the chunk');
      const declined = await (async () => {
        (vscode.window as { showWarningMessage: unknown }).showWarningMessage = async () => undefined;
        return p.bulk({ action: 'approve', filter: { asset: 'labeled' } });
      })();
      assert.equal(declined.confirmed, false);
      assert.equal(await lines(api, id), before + 1, 'declined: nothing written');
    } finally {
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
    }
  });
});
