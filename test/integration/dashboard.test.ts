import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/host/extension';
import { WebviewTypes } from '../../src/host/constants';
import type { DashboardModel } from '../../src/protocol/dashboard';
import { activateExtension, eventually, readText, workspaceRoot } from './helpers';

/** Issue 13: the dashboard opens with its first model in the page and follows the project live. */
describe('dashboard (inside the VS Code extension host)', function () {
  this.timeout(90000);
  let api: ExtensionApi;
  const id = 'dashboard-reviews';
  const entry = () => api.registry.find(id)!;
  const dashboard = () => api.dashboards.get(entry());

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Dashboard Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
    await api.stores.get(entry());
  });

  after(() => dashboard()?.panel.dispose());

  it('Show Dashboard opens one panel with the first model embedded; a submit reaches the open page without a refresh', async () => {
    await vscode.commands.executeCommand('labeling.showDashboard', id);
    const panel = await eventually(() => dashboard(), 'the dashboard panel');
    assert.equal(panel.panel.title, 'Dashboard: Dashboard Reviews');
    assert.equal(panel.panel.viewType, WebviewTypes.Dashboard);
    const embedded = /<script type="application\/json" id="lbl-initial">(.*?)<\/script>/s.exec(panel.panel.webview.html);
    assert.ok(embedded, 'the first model is in the page');
    const first = JSON.parse(embedded[1]!) as DashboardModel;
    assert.equal(first.project.id, id);
    assert.equal(first.progress.labeled, 0);
    assert.ok(first.progress.items > 0);
    assert.equal(first.progress.unlabeled, first.progress.items);

    await eventually(() => panel.isReady, 'the page loaded and said ready');
    // A second Show Dashboard reveals the same panel.
    await vscode.commands.executeCommand('labeling.showDashboard', id);
    assert.equal(api.dashboards.all.filter((p) => p.project.id === id).length, 1);

    const store = await api.stores.get(entry());
    const key = store.page('all', undefined, 1).items[0]!.key;
    const postedBefore = panel.posted;
    await store.submit(key, { kind: 'classes', labels: ['positive'] });
    const after = await eventually(() => (panel.lastModel?.progress.labeled === 1 ? panel.lastModel : undefined), 'the model after the submit');
    assert.equal(after.progress.unlabeled, first.progress.items - 1);
    assert.deepEqual(after.labels.find((l) => l.label === 'positive'), { label: 'positive', items: 1, objects: 1 });
    assert.equal(after.labelers[0]!.labeler, store.labeler);
    await eventually(() => panel.posted > postedBefore, 'the new model posted to the open page');
  });

  it('a burst of changes is computed once (coalesced), and Copy as Markdown puts the figures on the clipboard', async () => {
    const panel = await eventually(() => dashboard(), 'the dashboard panel');
    await new Promise((r) => setTimeout(r, 600)); // the panel at rest
    const before = panel.computed;
    for (let i = 0; i < 50; i++) panel.changed();
    await eventually(() => panel.computed > before, 'the model computed');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(panel.computed - before, 1, 'fifty changes in a burst, one computation');
    await panel.act({ action: 'copyMarkdown' });
    const md = await vscode.env.clipboard.readText();
    assert.match(md, /^## Dashboard Reviews: labeling progress\n/);
    assert.ok(md.includes('| Labeled | 1 |'), md);
  });

  it('Compute Agreement from the dashboard runs the job; the model lists it', async () => {
    const panel = await eventually(() => dashboard(), 'the dashboard panel');
    await panel.act({ action: 'computeAgreement' });
    const m = await eventually(() => (panel.lastModel?.agreement && panel.lastModel.jobs.some((j) => j.kind === 'agreement' && j.status === 'succeeded') ? panel.lastModel : undefined), 'the agreement and its job in the model');
    const job = m.jobs.find((j) => j.kind === 'agreement')!;
    assert.match(job.title, /^Agreement statistics of Dashboard Reviews/);
    assert.ok(job.startedAt && job.durationMs !== undefined);
  });

  it("an agreement row's Review opens the Review panel on the items that lower it (the label's below 100%, the pair's labeled differently)", async () => {
    const panel = await eventually(() => dashboard(), 'the dashboard panel');
    await panel.act({ action: 'reviewItems', filter: { label: 'positive' } });
    const review = await eventually(() => api.reviews.get(api.registry.find(id)!), 'the Review panel');
    assert.deepEqual(review.filter, { label: 'positive', agreementBelow: 1 });
    await panel.act({ action: 'reviewItems', filter: { labelers: ['ann', 'bob'] } });
    await eventually(() => JSON.stringify(review.filter) === JSON.stringify({ labeler: 'ann', disagreeWith: 'bob' }), 'the pair filter in the open panel');
    review.panel.dispose();
  });

  it('Turn on ML assist edits mlAssist.enabled in project.json and nothing else; the model follows', async () => {
    const panel = await eventually(() => dashboard(), 'the dashboard panel');
    const file = vscode.Uri.joinPath(workspaceRoot(), '.labeling', id, 'project.json');
    const before = await readText(file);
    assert.match(before, /"enabled": false/);
    await panel.act({ action: 'enableMlAssist' });
    const text = await eventually(async () => {
      const t = await readText(file);
      return t !== before ? t : undefined;
    }, 'project.json saved');
    assert.equal(text, before.replace(/("mlAssist": \{\s*"enabled": )false/, '$1true'));
    await eventually(() => panel.lastModel?.mlAssist.enabled === true, 'the model with ML assist on');
  });

  it('is restored after Reload Window for its project', async () => {
    const title = 'Dashboard: Dashboard Reviews';
    dashboard()!.panel.dispose();
    await eventually(() => !dashboard(), 'the dashboard closed');
    const revived = vscode.window.createWebviewPanel(WebviewTypes.Dashboard, title, vscode.ViewColumn.Active, { enableScripts: true });
    await api.panelSerializers[WebviewTypes.Dashboard]!.deserializeWebviewPanel(revived, undefined);
    const restored = await eventually(() => dashboard(), 'the restored dashboard');
    assert.equal(restored.panel, revived, 'the restored panel is filled, not a new one opened');
    assert.match(restored.panel.webview.html, /id="lbl-initial"/);
  });
});
