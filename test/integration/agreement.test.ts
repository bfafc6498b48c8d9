import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgreementReport } from '../../src/core/stats/compute';
import { ProjectStore } from '../../src/core/store/project-store';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, EXT_ID, eventually, workspaceRoot } from './helpers';

/** Issue 11 item 5: agreement statistics computed as a job and shown in Project Details. */
describe('agreement statistics (inside the VS Code extension host)', function () {
  this.timeout(90000);
  let api: ExtensionApi;
  const id = 'agreement-reviews';
  const entry = () => api.registry.find(id)!;
  const wasm = () => path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'sql-wasm.wasm');

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Agreement Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });

  it('Compute Agreement Statistics runs as a job over two teammates\' labels and Project Details shows the figures', async () => {
    const store = await api.stores.get(entry());
    const keys = store.page('all', undefined, 10).items.map((i) => i.key);
    // Two teammates label the same ten items (their journals arrive as from git), agreeing on eight.
    for (const who of ['ann@example.com', 'bob@example.com']) {
      const s = await ProjectStore.open({ root: workspaceRoot().fsPath, id, labeler: who, device: 'laptop', wasmPath: wasm() });
      for (const [i, k] of keys.entries()) await s.submit(k, { kind: 'classes', labels: [who.startsWith('bob') && i < 2 ? 'negative' : 'positive'] });
      await s.close();
    }
    await store.syncJournals();
    await vscode.commands.executeCommand('labeling.projectDetails', id);
    const report = await vscode.commands.executeCommand<AgreementReport>('labeling.computeAgreement', id);
    assert.equal(report.items, 10);
    assert.equal(report.pairs[0]!.percentAgreement, 0.8);
    const panel = await eventually(() => api.details.all.find((p) => p.project.id === id && p.lastState?.agreement), 'Project Details with the agreement');
    assert.equal(panel!.lastState!.agreement!.report.pairs[0]!.items, 10);
    assert.ok(api.jobs.runner.list().some((j) => j.title.startsWith('Agreement statistics of Agreement Reviews') && j.status === 'succeeded'), 'it ran as a job');
    panel!.panel.dispose();
  });
});
