import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ORDER_FORMAT, ORDER_VERSION, queueOrderFile, type QueueOrderFile } from '../../src/core/ml/assist/queue-order';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';
import { projectRows } from './treeRows';

/** Issue 12 items 2 and 6: an ML queue order (mlAssist.queueOrder and its order file) in the labeling panel and the Queue view. */
describe('ML queue order in the labeling panel and the Queue view (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'queue-order';
  const entry = () => api.registry.find(id)!;

  /** Writes the project's order file as computeQueueOrder does (temp file, rename). */
  function writeOrder(order: Omit<QueueOrderFile, 'format' | 'formatVersion' | 'projectId' | 'createdAt'>): void {
    const file = queueOrderFile(workspaceRoot().fsPath, id);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const full: QueueOrderFile = { format: ORDER_FORMAT, formatVersion: ORDER_VERSION, projectId: id, createdAt: new Date().toISOString(), ...order };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(full));
    fs.renameSync(`${file}.tmp`, file);
  }

  async function setQueueOrder(value: string): Promise<void> {
    const file = vscode.Uri.joinPath(workspaceRoot(), '.labeling', id, 'project.json');
    const def = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8')) as { mlAssist: Record<string, unknown> };
    def.mlAssist.queueOrder = value;
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(def, null, 2)));
    // writeFile truncates the file before it writes: the registry may read it empty and hold that parse error
    // until the change event of the write itself; the store is asked for once the registry has the new value.
    await eventually(() => entry()?.def?.mlAssist.queueOrder === value, `queueOrder ${value} in the registry`, 20000);
    const store = await api.stores.get(entry());
    const loaded = () => store.def.mlAssist.queueOrder === value && entry().def?.mlAssist.queueOrder === value;
    for (let i = 0; i < 200 && !loaded(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(loaded(), `queueOrder ${value} loaded (the store has ${JSON.stringify(store.def.mlAssist)}, the registry ${JSON.stringify(entry().def?.mlAssist)})`);
  }

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Queue Order',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it("serves a 'clustered' project's items in its order file's order, then the random order; the Queue view marks them", async () => {
    const store = await api.stores.get(entry());
    const random = store.upcomingKeys(1000);
    assert.ok(random.length >= 12, `${random.length} items`);
    // The last six of the random order, backwards: nothing like what nextItem would give.
    const ordered = random.slice(-6).reverse();
    writeOrder({ kind: 'clustered', keys: ordered, clusters: [0, 0, 0, 1, 1, 2], clusterCount: 3 });
    await setQueueOrder('clustered');

    const panel = await api.labelers.show(entry());
    const first = await eventually(() => panel.lastState?.item, 'the panel on an item');
    assert.equal(first.key, ordered[0], 'the first item of the order file');
    assert.deepEqual(panel.lastState!.upcomingKeys, ordered.slice(1, 4), 'the items held ahead follow the order');

    // The Queue view: the rows of the order say so, with their cluster; the list keeps the index order.
    const rows = await eventually(async () => {
      const r = await projectRows(api, 'labeling.queue', id);
      return r.length ? r : undefined;
    }, 'the queue rows');
    const view = api.itemViews.find((v) => v.viewId === 'labeling.queue')!;
    const description = async (key: string) => {
      const node = (await projectRows(api, 'labeling.queue', id)).find((n) => n.item.key === key)!;
      return String(view.getTreeItem(node).description ?? '');
    };
    assert.deepEqual(rows.map((r) => r.item.key), random, 'the view stays in the index order');
    await eventually(async () => (await description(ordered[0]!)).includes('clustered · c0'), 'the first item marked clustered · c0');
    assert.match(await description(ordered[5]!), /clustered · c2/);
    assert.doesNotMatch(await description(random[0]!), /clustered/, 'an item not in the order is not marked');
    const node = rows.find((n) => n.item.key === ordered[3])!;
    const tip = (await view.resolveTreeItem(view.getTreeItem(node), node)).tooltip as vscode.MarkdownString;
    assert.match(tip.value, /ML queue order \*\*clustered · c1\*\* \(cluster c1 of 3/);
    assert.match(tip.value, /this list stays in the index's order/);

    // Submit and skip walk the order; an item labeled elsewhere in between is passed over.
    await panel.submit({ key: ordered[0]!, version: first.version, annotation: { kind: 'classes', labels: ['positive'] } });
    assert.equal(panel.lastState?.item?.key, ordered[1]);
    await store.skip(ordered[2]!); // as if from the Queue view: out of my queue
    await panel.submit({ key: ordered[1]!, version: panel.lastState!.item!.version, annotation: { kind: 'classes', labels: ['negative'] } });
    assert.equal(panel.lastState?.item?.key, ordered[3], 'the skipped item is passed over');
    for (const k of ordered.slice(3)) {
      assert.equal(panel.lastState?.item?.key, k);
      await panel.submit({ key: k, version: panel.lastState!.item!.version, annotation: { kind: 'classes', labels: ['positive'] } });
    }
    // The order is used up: the random order for the rest.
    assert.equal(panel.lastState?.item?.key, store.nextItem()!.key);
    assert.equal(panel.lastState?.item?.key, random[0]);

    // A new order file reaches the open panel; a project back on 'random' no longer follows it.
    const rest = store.upcomingKeys(1000);
    writeOrder({ kind: 'clustered', keys: [rest.at(-1)!, rest.at(-2)!], clusters: [0, 1], clusterCount: 2 });
    await eventually(async () => (await description(rest.at(-1)!)).includes('clustered · c0'), 'the new order in the Queue view', 20000);
    await eventually(() => panel.lastState?.upcomingKeys?.[0] === rest.at(-1) || undefined, 'the new order held ahead', 20000);
    await panel.submit({ key: rest[0]!, version: panel.lastState!.item!.version, annotation: { kind: 'classes', labels: ['positive'] } });
    assert.equal(panel.lastState?.item?.key, rest.at(-1), 'the new order is followed');
    await setQueueOrder('random');
    await panel.submit({ key: rest.at(-1)!, version: panel.lastState!.item!.version, annotation: { kind: 'classes', labels: ['positive'] } });
    assert.equal(panel.lastState?.item?.key, store.nextItem()!.key);
    assert.notEqual(panel.lastState?.item?.key, rest.at(-2), 'random: the order file is not followed');
    assert.doesNotMatch(await description(rest.at(-2)!), /clustered/, 'nor marked');
    panel.panel.dispose();
  });
});
