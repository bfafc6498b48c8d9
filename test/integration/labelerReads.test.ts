import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, EXT_ID, eventually, workspaceRoot } from './helpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 9 (1,000-box detection): the labeling loop reads an item in full (its annotations replayed; a
 * 1,000-box prelabel is ~50 KB to parse) only to send it. A confirmed prelabel whose next item the
 * webview holds reads neither item in full on the way to the answer, and the panel's state is what a
 * full read would show.
 */
describe('the labeling panel reads items in full only to send them (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'labeler-reads';
  const entry = () => api.registry.find(id)!;

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Labeler Reads',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a confirmed prelabel with the next item held: no full read of either item before the answer', async () => {
    const store = await api.stores.get(entry());
    const queue = store.upcomingKeys(8);
    assert.ok(queue.length >= 6, `${queue.length} items in the queue`);
    // Prelabels on the whole queue head, from a model's journal.
    const wasm = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');
    const model = await ProjectStore.open({ root: workspaceRoot().fsPath, id, labeler: 'model', device: 'ml', wasmPath: wasm });
    for (const k of queue) await model.submit(k, { kind: 'classes', labels: ['negative'] }, { prelabel: true, confidence: 0.7 });
    await model.close();
    await eventually(() => queue.every((k) => store.getItem(k)?.prelabel), 'the prelabels indexed');

    const panel = await api.labelers.show(entry());
    const first = await eventually(() => (panel.lastState?.item?.prelabel ? panel.lastState.item : undefined), 'the panel on a prelabeled item');
    const next = panel.lastState!.upcomingKeys![0]!;
    await pause(300); // the items held ahead were read and posted after the first state

    // Every read of an item in full the store offers, counted while the submit runs.
    const reads: string[] = [];
    const spied = store as unknown as Record<string, (...a: unknown[]) => unknown>;
    const originals = new Map<string, (...a: unknown[]) => unknown>();
    for (const name of ['getItem', 'nextItem', 'nextItemIn', 'history']) {
      const original = spied[name]!;
      originals.set(name, original);
      spied[name] = function (this: unknown, ...a: unknown[]) {
        reads.push(`${name}(${a.map((x) => JSON.stringify(x)?.slice(0, 40)).join(', ')})`);
        return original.apply(this, a);
      };
    }
    // And the items posted to hold ahead after the answer.
    const posted: string[] = [];
    const webview = panel.panel.webview as unknown as { postMessage: (m: unknown) => Thenable<boolean> };
    const post = webview.postMessage;
    webview.postMessage = function (this: unknown, m: unknown) {
      const n = m as { method?: string; params?: { upcoming?: { key: string }[] } };
      if (n.method === 'labeler/upcoming') posted.push(...(n.params?.upcoming ?? []).map((u) => u.key));
      return post.call(this, m);
    };
    let result;
    try {
      try {
        result = await panel.submit({ key: first.key, version: first.version, fromPrelabel: true });
      } finally {
        for (const [name, original] of originals) spied[name] = original;
      }
      await pause(300);
    } finally {
      webview.postMessage = post;
    }
    assert.equal(result.view.itemFromUpcoming, next, 'the next item is the held one');
    assert.deepEqual(reads, [], 'no item read in full on the way to the answer');
    // The item just submitted is held for Back by the webview's own copy: not read and sent back.
    assert.deepEqual(result.view.heldSubmitted, { key: first.key, version: store.getItem(first.key)!.version, state: store.getItem(first.key)!.state });
    assert.ok(posted.length > 0, 'the queue item that entered the window was posted');
    assert.ok(!posted.includes(first.key), `the submitted item is not posted again (posted: ${posted.join(', ')})`);

    // The state the panel reports shows the next item as a full read would send it (at its position).
    const mine = store.getItem(first.key)!;
    assert.deepEqual(mine.mine?.annotation, { kind: 'classes', labels: ['negative'] }, 'the prelabel was submitted as confirmed');
    const full = store.getItem(next)!;
    const shown = panel.lastState!.item!;
    assert.equal(shown.key, next);
    assert.equal(shown.version, full.version);
    assert.equal(shown.state, full.state);
    assert.equal(shown.text, full.text);
    assert.deepEqual(shown.prelabel?.annotation, full.prelabel?.annotation);

    // Back to the submitted item shows the copy the webview holds: what a full read sends.
    await panel.openItem(first.key);
    const back = panel.lastState!.item!;
    const now = store.getItem(first.key)!;
    assert.equal(back.key, first.key);
    assert.equal(back.version, now.version);
    assert.equal(back.state, now.state);
    assert.equal(back.text, now.text);
    assert.deepEqual(back.annotation, now.mine!.annotation);
    assert.equal(back.prelabel, undefined, 'the labeler\'s own annotation, no prelabel');
    assert.deepEqual(back.position, { index: 1, count: 1 });
  });
});
