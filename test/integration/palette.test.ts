import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { WebviewTypes } from '../../src/host/constants';
import type { ExtensionApi } from '../../src/host/extension';
import type { ProjectEntry } from '../../src/host/projects/registry';
import { activateExtension, eventually } from './helpers';

const ASKED = Symbol('asked');

/** Runs a palette command (no argument); fails if it asks for a project (a quick pick) instead of acting. */
async function withoutAsking<T>(command: string): Promise<T> {
  const run = Promise.resolve(vscode.commands.executeCommand<T>(command));
  const r = await Promise.race([run, new Promise<typeof ASKED>((res) => setTimeout(() => res(ASKED), 4000))]);
  if (r === ASKED) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await run.catch(() => undefined);
    assert.fail(`${command} asked for a project instead of taking the one in context`);
  }
  return r;
}

/** Issue 8, items 17 and 20: which project a palette command acts on; panels restored after a reload. */
describe('palette project choice and panel restore (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const entry = (id: string): ProjectEntry => api.registry.find(id)!;
  const labelerOf = (id: string) => api.labelers.all.find((p) => p.project.id === id);
  const select = async (id: string) => {
    await api.projectsView.view.reveal(entry(id), { select: true, focus: true });
    await eventually(() => api.projectsView.selected()?.id === id, `${id} selected in the Projects view`);
  };
  /** Leaves no project in context: a text editor active, the Data Labeling views hidden. */
  const noContext = async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await eventually(() => !api.registry.inContext(), 'no project in context');
  };

  before(async () => {
    api = await activateExtension();
    for (const name of ['Palette A', 'Palette B', 'Palette C']) {
      await vscode.commands.executeCommand('labeling.createProject', {
        name,
        type: 'text-classification',
        labels: ['positive', 'negative'],
        dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
      });
    }
    await eventually(() => entry('palette-c')?.def, 'the projects in the registry');
    await api.stores.get(entry('palette-a'));
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('Start Labeling from the palette takes the project selected in the Projects view', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await select('palette-b');
    await withoutAsking('labeling.startLabeling');
    const panel = await eventually(() => labelerOf('palette-b'), 'a labeling panel for Palette B');
    assert.ok(panel.panel.active, 'the panel is in front');
    assert.equal(api.labelers.all.length, 1, 'no panel for another project');
  });

  it('Edit Instructions takes the focused labeling panel, or the row selected after it', async () => {
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile'); // B's panel behind an editor
    await select('palette-c'); // C selected first ...
    labelerOf('palette-b')!.panel.reveal(); // ... then the user went back to B's panel
    await eventually(() => api.registry.inContext()?.id === 'palette-b', "B's panel in context");
    await withoutAsking('labeling.editInstructions');
    const ed = await eventually(() => vscode.window.activeTextEditor, 'an editor');
    assert.ok(ed.document.uri.path.endsWith('.labeling/palette-b/instructions.md'), ed.document.uri.path);

    await api.projectsView.view.reveal(entry('palette-a'), { select: true, focus: true });
    await eventually(() => api.registry.inContext()?.id === 'palette-a', 'the newly selected row in context');
    await withoutAsking('labeling.editInstructions');
    await eventually(() => vscode.window.activeTextEditor?.document.uri.path.endsWith('.labeling/palette-a/instructions.md'), "A's instructions");
  });

  it('Resume takes the only paused project; Pause takes the project in context', async () => {
    await select('palette-c');
    await withoutAsking('labeling.pauseProject');
    await eventually(() => entry('palette-c').def?.status === 'paused', 'Palette C paused');
    assert.ok(api.registry.projects.filter((p) => p.def?.status === 'paused').length === 1, 'one paused project');
    await noContext();
    await withoutAsking('labeling.resumeProject');
    await eventually(() => entry('palette-c').def?.status === 'running', 'Palette C running again');
  });

  it('Resume with a running project in context does not resume another one silently', async () => {
    await vscode.commands.executeCommand('labeling.pauseProject', 'palette-c');
    await select('palette-a'); // running
    const run = Promise.resolve(vscode.commands.executeCommand('labeling.resumeProject'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(entry('palette-c').def?.status, 'paused', 'not resumed without asking');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await run;
    assert.equal(entry('palette-c').def?.status, 'paused');
    await vscode.commands.executeCommand('labeling.resumeProject', 'palette-c');
  });

  it('Skipped items of a single project show the project they belong to', async () => {
    const store = await api.stores.get(entry('palette-a'));
    await store.skip('data/reviews.csv#amazon-2');
    // No refresh call: the view follows the store's change feed.
    const view = api.itemViews.find((v) => v.viewId === 'labeling.skipped')!;
    const items = await eventually(async () => {
      const rows = await view.getChildren();
      const found = rows.map((n) => view.getTreeItem(n)).filter((t) => t.contextValue === 'skippedItem');
      return found.length ? found : undefined;
    }, 'the skipped item in the view');
    assert.equal(items.length, 1, 'one skipped item, listed without a project row above it');
    assert.match(String(items[0]!.description), /Palette A/);
  });

  it('a labeling panel restored after Reload Window shows the item it showed', async () => {
    await vscode.commands.executeCommand('labeling.openItem', entry('palette-a'), 'data/reviews.csv#amazon-3');
    const before = await eventually(() => labelerOf('palette-a'), "A's panel");
    await eventually(() => before.lastState?.item?.key === 'data/reviews.csv#amazon-3', 'the item on screen');
    const title = before.panel.title;
    before.panel.dispose();
    await eventually(() => !labelerOf('palette-a'), 'the panel closed');

    // What VS Code hands the serializer after a reload: an empty panel with the old view type and title.
    const revived = vscode.window.createWebviewPanel(WebviewTypes.Labeler, title, vscode.ViewColumn.Active, { enableScripts: true });
    await api.panelSerializers[WebviewTypes.Labeler]!.deserializeWebviewPanel(revived, undefined);
    const after = await eventually(() => labelerOf('palette-a'), 'the panel restored');
    assert.equal(after.panel, revived, 'the restored panel is filled, not a new one opened');
    await eventually(() => after.lastState?.item?.key === 'data/reviews.csv#amazon-3', 'the restored panel on the same item');
  });

  it('a details panel is restored for its project; one of a deleted project is closed', async () => {
    await vscode.commands.executeCommand('labeling.projectDetails', 'palette-b');
    const title = 'Project: Palette B';
    const tab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === title);
    await eventually(() => tab().length === 1, 'the details tab');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => tab().length === 0 && !api.details.activeEntry(), 'the details panel closed');
    await new Promise((r) => setTimeout(r, 300)); // its dispose event reaches the extension after the tab change
    const revived = vscode.window.createWebviewPanel(WebviewTypes.Details, title, vscode.ViewColumn.Active, { enableScripts: true });
    await api.panelSerializers[WebviewTypes.Details]!.deserializeWebviewPanel(revived, undefined);
    await eventually(() => api.details.activeEntry()?.id === 'palette-b', 'the restored panel showing Palette B');
    await eventually(() => tab().length === 1, 'the restored tab');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tab().length, 1, 'the restored tab only, no second panel');

    // The Review panel comes back too.
    const reviewTitle = 'Review: Palette B';
    const reviewTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === reviewTitle);
    const revivedReview = vscode.window.createWebviewPanel(WebviewTypes.Review, reviewTitle, vscode.ViewColumn.Active, { enableScripts: true });
    await api.panelSerializers[WebviewTypes.Review]!.deserializeWebviewPanel(revivedReview, undefined);
    await eventually(() => api.reviews.get(api.registry.find('palette-b')!)?.panel === revivedReview, 'the restored Review panel of Palette B');
    assert.match(revivedReview.webview.html, /<lbl-review-app>/);
    await eventually(() => reviewTab().length === 1, 'the restored Review tab');
    revivedReview.dispose();

    let disposed = false;
    const orphan = vscode.window.createWebviewPanel(WebviewTypes.Labeler, 'Label: No Such Project', vscode.ViewColumn.Active, { enableScripts: true });
    orphan.onDidDispose(() => (disposed = true));
    await api.panelSerializers[WebviewTypes.Labeler]!.deserializeWebviewPanel(orphan, undefined);
    assert.ok(disposed, 'a panel whose project is gone is closed');
  });
});
