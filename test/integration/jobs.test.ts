import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { JobEvent } from '../../src/core/jobs/types';
import type { ExportSummary } from '../../src/core/formats/types';
import type { RebuildResult, RefreshResult } from '../../src/core/store/types';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/** Issue 10, item 8: Export, Import Labels, Refresh Project Data and Rebuild Index run as jobs of the host's runner (src/host/jobs). */
describe('background jobs (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  let root: vscode.Uri;
  const exists = (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);
  // The job list keeps the most recent finished jobs only (MAX_RECENT_JOBS): new jobs are told by their ids, not positions.
  const jobIds = () => new Set(api.jobs.runner.list().map((j) => j.id));
  const jobsSince = (known: Set<string>) => api.jobs.runner.list().filter((j) => !known.has(j.id));

  before(async () => {
    api = await activateExtension();
    root = workspaceRoot();
    for (const name of ['Job Boxes', 'Job Boxes Copy']) {
      await vscode.commands.executeCommand('labeling.createProject', {
        name,
        type: 'image-detection',
        labels: ['digit'],
        dataSources: [{ kind: 'images', glob: 'data/digit-sheets/*.png' }],
      });
    }
    const s = await api.stores.get(api.registry.find('job-boxes')!);
    await s.submit('data/digit-sheets/sheet-01.png', { kind: 'boxes', boxes: [{ label: 'digit', x: 10, y: 20, w: 60, h: 70 }] });
  });

  it('an export is a job: listed as succeeded with its project, times and log; its log opens as a document', async () => {
    const summary = await vscode.commands.executeCommand<ExportSummary>('labeling.exportLabels', { project: 'job-boxes', format: 'csv' });
    assert.equal(summary?.items, 1);
    const job = api.jobs.runner.list().filter((j) => j.resource === 'job-boxes').at(-1)!;
    assert.equal(job.title, 'Exporting Job Boxes as csv');
    assert.equal(job.status, 'succeeded');
    assert.ok(job.startedAt !== undefined && job.endedAt !== undefined && job.endedAt >= job.startedAt);
    assert.ok(job.log.some((l) => /^wrote 1 file\(s\): 1 items/.test(l.text)), JSON.stringify(job.log));
    await api.jobs.showLog(job.id);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'labeling-job');
    assert.match(doc!.getText(), /^Exporting Job Boxes as csv\nstatus: {3}succeeded\n/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('an export cancelled as it starts is cancelled, the command ends quietly, and nothing is written', async () => {
    const out = vscode.Uri.joinPath(root, 'labels/job-boxes-cancelled');
    const off = api.jobs.runner.subscribe((e: JobEvent) => {
      if (e.cause === 'started' && e.job.resource === 'job-boxes') api.jobs.runner.cancel(e.job.id, 'Cancelled by the test.');
    });
    try {
      const r = await vscode.commands.executeCommand('labeling.exportLabels', { project: 'job-boxes', format: 'coco', out: 'labels/job-boxes-cancelled' });
      assert.equal(r, undefined);
    } finally {
      off();
    }
    const job = api.jobs.runner.list().filter((j) => j.resource === 'job-boxes').at(-1)!;
    assert.equal(job.status, 'cancelled');
    assert.deepEqual(job.error, { message: 'Cancelled by the test.', reason: 'cancelled' });
    // Nothing is written, and the destination folder the export made for itself is gone again.
    assert.equal(await exists(out), false, 'no labels/job-boxes-cancelled folder is left');
  });

  it('an import reads and writes as two jobs of its project, one after the other', async () => {
    assert.ok(await vscode.commands.executeCommand<ExportSummary>('labeling.exportLabels', { project: 'job-boxes', format: 'coco' }));
    const before = jobIds();
    await vscode.commands.executeCommand('labeling.importLabels', { project: 'job-boxes-copy', format: 'coco', file: 'labels/job-boxes/coco.json', asPrelabels: true });
    const jobs = jobsSince(before);
    assert.deepEqual(jobs.map((j) => [j.title, j.resource, j.status]), [
      ['Reading labels/job-boxes/coco.json', 'job-boxes-copy', 'succeeded'],
      ['Importing labels into Job Boxes Copy', 'job-boxes-copy', 'succeeded'],
    ]);
    assert.ok(jobs[1]!.startedAt! >= jobs[0]!.endedAt!);
  });

  const lastJobOf = (project: string) => api.jobs.runner.list().filter((j) => j.resource === project).at(-1)!;

  it('Refresh Project Data and Rebuild Index are succeeded jobs of their project, each logging its result', async () => {
    const refreshed = await vscode.commands.executeCommand<RefreshResult>('labeling.refreshProject', 'job-boxes');
    assert.ok(refreshed && refreshed.total > 0);
    let job = lastJobOf('job-boxes');
    assert.deepEqual([job.title, job.status], ['Refreshing Job Boxes', 'succeeded']);
    assert.ok(job.log.some((l) => l.text === `${refreshed.total} item(s): 0 new, 0 missing, 0 restored`), JSON.stringify(job.log));
    const rebuilt = await vscode.commands.executeCommand<RebuildResult>('labeling.rebuildIndex', 'job-boxes');
    assert.equal(rebuilt?.items, refreshed.total);
    assert.ok(rebuilt.events >= 1, 'the submit made in before() is replayed');
    job = lastJobOf('job-boxes');
    assert.deepEqual([job.title, job.status], ['Rebuilding the index of Job Boxes', 'succeeded']);
    assert.ok(job.log.some((l) => l.text === `rebuilt from the journals: ${rebuilt.items} items, ${rebuilt.events} events`), JSON.stringify(job.log));
  });

  it('a rebuild cancelled as it starts is cancelled, and the store keeps answering from the index it had', async () => {
    const store = await api.stores.get(api.registry.find('job-boxes')!);
    const before = store.stats();
    assert.equal(before.labeled, 1);
    const off = api.jobs.runner.subscribe((e: JobEvent) => {
      if (e.cause === 'started' && e.job.resource === 'job-boxes') api.jobs.runner.cancel(e.job.id, 'Cancelled by the test.');
    });
    try {
      assert.equal(await vscode.commands.executeCommand('labeling.rebuildIndex', 'job-boxes'), undefined);
    } finally {
      off();
    }
    const job = lastJobOf('job-boxes');
    assert.deepEqual([job.title, job.status], ['Rebuilding the index of Job Boxes', 'cancelled']);
    assert.deepEqual(job.error, { message: 'Cancelled by the test.', reason: 'cancelled' });
    assert.equal(await api.stores.get(api.registry.find('job-boxes')!), store, 'the same store, still open');
    assert.deepEqual(store.stats(), before);
    await store.submit('data/digit-sheets/sheet-02.png', { kind: 'boxes', boxes: [{ label: 'digit', x: 1, y: 2, w: 3, h: 4 }] });
    assert.equal(store.stats().labeled, 2, 'and takes submits');
  });

  it('a burst of data-file events gives one automatic refresh job of the project, listed and succeeded', async () => {
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Job Burst',
      type: 'text-classification',
      labels: ['a', 'b'],
      dataSources: [{ kind: 'text-files', glob: 'data/job-burst/*.txt' }],
    });
    const entry = await eventually(() => api.registry.find('job-burst'), 'the project');
    const store = await api.stores.get(entry);
    await eventually(() => api.jobs.runner.list().some((j) => j.resource === 'job-burst' && j.title === 'Refreshing Job Burst (opened)' && j.status === 'succeeded'), 'the refresh on opening, as a job');
    const before = jobIds();
    const edit = new vscode.WorkspaceEdit();
    for (let i = 0; i < 6; i++) edit.createFile(vscode.Uri.joinPath(root, `data/job-burst/t${i}.txt`), { contents: Buffer.from(`text ${i}`) });
    assert.ok(await vscode.workspace.applyEdit(edit));
    await eventually(() => store.stats().items === 6, 'the six new items');
    await eventually(() => jobsSince(before).every((j) => j.status === 'succeeded'), 'the refresh jobs to end');
    const auto = jobsSince(before).filter((j) => j.resource === 'job-burst');
    assert.deepEqual(auto.map((j) => [j.title, j.status]), [['Refreshing Job Burst (files changed)', 'succeeded']], 'one job for the burst');
    assert.ok(auto[0]!.log.some((l) => l.text === '6 item(s): 6 new, 0 missing, 0 restored'), JSON.stringify(auto[0]!.log));
  });
});
