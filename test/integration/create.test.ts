import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually } from './helpers';

/** Issue 8, item 18: a source that matches nothing is said, not hidden; a CSV's label column can be imported at creation. */
describe('Create Labeling Project: empty sources and label columns (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  before(async () => {
    api = await activateExtension();
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a project whose glob matches nothing: its panel says so and how to fix it; fixing project.json fills it', async () => {
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Nothing Here',
      type: 'image-classification',
      labels: ['cat', 'dog'],
      dataSources: [{ kind: 'images', glob: 'data/no-such-folder/*.png' }],
    });
    const entry = await eventually(() => api.registry.find('nothing-here'), 'the project');
    assert.equal((await api.stores.get(entry)).stats().items, 0);
    const panel = await api.labelers.show(entry);
    const state = await eventually(() => panel.lastState, 'the panel state');
    assert.equal(state.item, undefined);
    assert.deepEqual(state.noData, { globs: ['data/no-such-folder/*.png'], definition: '.labeling/nothing-here/project.json' });

    // Fixing the glob in project.json is enough: the project reloads, the items arrive, the notice goes.
    const file = vscode.Uri.joinPath(entry.folder.uri, '.labeling/nothing-here/project.json');
    const def = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'));
    def.dataSources[0].glob = 'data/digits/*.png';
    await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(def, null, 2)));
    await eventually(() => panel.lastState?.item && !panel.lastState.noData, 'items after the glob was fixed', 20000);
  });

  it('imports a label column of the CSV as prelabels when asked at creation (through Import Labels)', async () => {
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Column Import',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
      importLabelColumn: { column: 'sentiment', asPrelabels: true },
    });
    const entry = await eventually(() => api.registry.find('column-import'), 'the project');
    const store = await api.stores.get(entry);
    const items = store.page('queue', undefined, 100).items;
    assert.ok(items.length >= 30, `${items.length} items`);
    const withPrelabel = items.map((i) => store.getItem(i.key)!).filter((v) => v.prelabel);
    assert.equal(withPrelabel.length, items.length, 'every row got its sentiment as a prelabel');
    assert.ok(withPrelabel.every((v) => v.prelabel!.annotation.kind === 'classes' && ['positive', 'negative'].includes(v.prelabel!.annotation.labels[0]!)));
    assert.equal(store.stats().labeled, 0, 'prelabels are not labels');
  });
});
